// GET /api/openapi.json (the document, from every route module's operations) and GET /api/docs (a reference
// page of it, Swagger UI from the swagger-ui-dist package, served from here: the page loads nothing else).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { AppError } from '../errors';
import { registryVersion } from '../reports';
import { openApiDocument, problemDetails, type OperationSource } from './openapi';
import { deliveryResource } from '../delivery/deliveries';
import { reportResource } from './report-resource';
import { scheduleResource } from './report-schedules-routes';
import { endpointResource } from './webhook-endpoints-routes';

const ROOT = path.join(__dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SWAGGER_UI = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

const TAGS = [
  { name: 'Relatórios', description: 'Pedir, acompanhar, baixar e apagar relatórios.' },
  { name: 'Catálogo', description: 'Os tipos de relatório e as escolhas dos seus filtros.' },
  { name: 'Permissões', description: 'Quais perfis podem usar cada tipo.' },
  { name: 'Horário de atendimento', description: 'Horário, feriados e meta de primeira resposta da empresa.' },
  { name: 'Agendamentos', description: 'Relatórios que se geram numa cadência e vão aos destinatários (admin e supervisor).' },
  { name: 'Webhooks', description: 'Os sistemas da empresa que ouvem os relatórios terminados (somente admin).' },
  { name: 'Documentação', description: 'Este documento.' },
  { name: 'Operação', description: 'Saúde e métricas do serviço.' },
];

const DESCRIPTION = 'A API do módulo de relatórios. Erros: `application/problem+json` (RFC 9457) com `errors: [{ path, message }]` '
  + 'nomeando cada campo errado. Autenticação: `Authorization: Bearer <JWT>` (HS256; claims sub, companyId, exp).';

const DOCS_PAGE = `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<title>API de relatórios</title>
<link rel="icon" href="docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an outside validator for its badge.
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#api', validatorUrl: null, deepLinking: true, tryItOutEnabled: false });\n`;

const DOCS_OPERATIONS: OperationSource = () => [
  {
    method: 'get', path: '/api/openapi.json', operationId: 'getOpenApiDocument', tag: 'Documentação', auth: 'none',
    summary: 'Este documento OpenAPI 3.1',
    responses: { 200: { description: 'O documento.', content: { type: 'application/json', schema: { type: 'object' } } } },
  },
  {
    method: 'get', path: '/api/docs', operationId: 'getApiReference', tag: 'Documentação', auth: 'none',
    summary: 'A página de referência deste documento',
    responses: { 200: { description: 'HTML.', content: { type: 'text/html', schema: { type: 'string' } } } },
  },
];

/** Public routes (mounted before authentication); `sources` are the operations of every mounted route module. */
export function openApiRoutes(sources: OperationSource[]): Router {
  // Built again when the registry grows: a type registered at run time is described on the next request.
  let built: { version: number; body: unknown } | undefined;
  const document = () => openApiDocument({
    title: 'Relatórios', version: VERSION, description: DESCRIPTION, tags: TAGS,
    components: { Report: reportResource, Schedule: scheduleResource, WebhookEndpoint: endpointResource, Delivery: deliveryResource, Problem: problemDetails },
    operations: [...sources, DOCS_OPERATIONS].flatMap((source) => source()),
  });

  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    if (built?.version !== registryVersion()) built = { version: registryVersion(), body: document() };
    res.json(built.body);
  });
  // Relative asset URLs need the page at /api/docs, not /api/docs/.
  router.get('/docs', (_req, res) => {
    res.type('html').set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'").send(DOCS_PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(DOCS_INIT);
  });
  for (const asset of ASSETS) {
    router.get(`/docs/assets/${asset}`, (_req, res) => {
      res.sendFile(path.join(SWAGGER_UI, asset), { maxAge: '1d' });
    });
  }
  return router;
}

/**
 * 405 with `Allow` for a documented path asked with a method it does not have (RFC 9110), instead of the
 * 404 of an unknown route or the answer of a route whose template happens to match. Mounted before the
 * routes: under /api after authentication (a caller without a token learns nothing but 401), elsewhere
 * (/healthz, /metrics) on its own.
 */
export function methodNotAllowed(sources: OperationSource[], scope: 'api' | 'outside-api'): RequestHandler {
  const templates = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const op of [...sources, DOCS_OPERATIONS].flatMap((source) => source())) {
    const entry = templates.get(op.path) ?? { pattern: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`), methods: new Set<string>() };
    entry.methods.add(op.method.toUpperCase());
    if (op.method === 'get') entry.methods.add('HEAD');
    templates.set(op.path, entry);
  }
  // As OpenAPI matches paths: a concrete one (`/api/reports/events`) before a templated one (`/api/reports/{id}`).
  const bySpecificity = [...templates.entries()]
    .sort(([a], [b]) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
    .map(([, t]) => t);
  return (req, _res, next) => {
    const fullPath = req.baseUrl + req.path;
    if (scope === 'outside-api' && fullPath.startsWith('/api/')) return next();
    const allowed = bySpecificity.find((t) => t.pattern.test(fullPath))?.methods;
    if (!allowed || allowed.has(req.method) || req.method === 'OPTIONS') return next();
    const allow = [...allowed].sort().join(', ');
    next(new AppError(405, 'method-not-allowed', `O método ${req.method} não existe em ${fullPath}; use ${allow}.`, [], { Allow: allow }));
  };
}
