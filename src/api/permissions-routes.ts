// /api/report-permissions: who may use each report type in the caller's company.
import { Router } from 'express';
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import { REPORTS, findReport } from '../reports';
import { currentUser } from './auth';
import { PROFILES, loadPermissions, mayUse, type Profile, type TypePermissions } from './permissions';
import { json, problem, type OperationSource } from './openapi';
import { fieldErrors } from './problems';

const putBody = z.strictObject({
  profiles: z.array(z.enum(PROFILES, { error: `deve ser um destes perfis: ${PROFILES.join(', ')}` }), {
    error: 'profiles: deve ser uma lista de perfis (admin, supervisor, user)',
  }),
});

const permissionEntry = z.object({
  type: z.string(),
  name: z.string(),
  profiles: z.array(z.enum(PROFILES)),
  restricted: z.boolean().meta({ description: 'False: todos os perfis (o padrão).' }),
  allowed: z.boolean().meta({ description: 'Se o perfil de quem pergunta pode usar o tipo.' }),
});
export const permissionList = z.object({ permissions: z.array(permissionEntry) });

export function permissionRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps;
  const router = Router();

  // Readable by everyone: a page can tell the user which types they may ask for. Changing is for admins.
  router.get('/report-permissions', async (req, res) => {
    const user = currentUser(req);
    const permissions = await loadPermissions(sql, user.companyId);
    res.json({ permissions: REPORTS.map((r) => entry(r.type, permissions, user.profile)) });
  });

  router.put('/report-permissions/:type', async (req, res) => {
    const user = currentUser(req);
    if (user.profile !== 'admin') throw AppError.forbidden('Somente administradores podem alterar as permissões de relatórios.');
    const report = findReport(req.params.type);
    if (!report) throw AppError.notFound('Tipo de relatório desconhecido.');
    const body = putBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('As permissões são inválidas.', fieldErrors(body.error));
    // Admin is always allowed, whatever was sent; every profile allowed is the default, stored as no row.
    const profiles = PROFILES.filter((p) => p === 'admin' || body.data.profiles.includes(p));
    if (profiles.length === PROFILES.length) {
      await sql`delete from reports.report_permissions where company_id = ${user.companyId} and type = ${report.type}`;
    } else {
      await sql`
        insert into reports.report_permissions (company_id, type, profiles, updated_by)
        values (${user.companyId}, ${report.type}, ${profiles}, ${user.id})
        on conflict (company_id, type) do update set profiles = excluded.profiles, updated_by = excluded.updated_by, updated_at = now()`;
    }
    res.json(entry(report.type, await loadPermissions(sql, user.companyId), user.profile));
  });

  return router;
}

function entry(type: string, permissions: TypePermissions, callerProfile: Profile): z.infer<typeof permissionEntry> {
  const profiles = permissions.get(type) ?? [...PROFILES];
  return {
    type,
    name: findReport(type)?.name ?? type,
    profiles,
    restricted: permissions.has(type),
    allowed: mayUse(callerProfile, type, permissions),
  };
}

export const permissionOperations: OperationSource = () => [
  {
    method: 'get', path: '/api/report-permissions', operationId: 'listReportPermissions', tag: 'Permissões',
    summary: 'Os perfis que podem usar cada tipo de relatório na empresa',
    responses: { 200: json(permissionList, 'Um item por tipo registrado.') },
  },
  {
    method: 'put', path: '/api/report-permissions/{type}', operationId: 'setReportPermissions', tag: 'Permissões',
    summary: 'Restringe um tipo a alguns perfis (somente admin; admin sempre pode)',
    pathParams: { type: { description: 'O tipo de relatório.', schema: { type: 'string', enum: REPORTS.map((r) => r.type) } } },
    body: putBody,
    responses: {
      200: json(permissionEntry, 'As permissões do tipo, como ficaram.'),
      400: problem('Corpo inválido; `errors` nomeia cada campo.'),
      403: problem('Somente administradores alteram permissões.'),
      404: problem('Tipo de relatório desconhecido.'),
    },
  },
];
