// The vocabulary route modules describe their operations in, and the one function that turns the
// descriptions into an OpenAPI 3.1 document. Request schemas are the zod schemas the routes validate
// with; response schemas are the zod schemas the routes' results are typed by.
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;
/** A zod schema (converted here) or a JSON Schema built by the route module (e.g. from the registry). */
export type SchemaSource = z.ZodType | JsonSchema;

export interface ApiHeader {
  description: string;
  schema: JsonSchema;
  required?: boolean;
}

export interface ApiResponse {
  description: string;
  content?: { type: string; schema: SchemaSource };
  headers?: Record<string, ApiHeader>;
}

export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/api/reports/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** `bearer` (default): `Authorization: Bearer`; `bearer-or-query`: also `?access_token=`; `none`: public. */
  auth?: 'bearer' | 'bearer-or-query' | 'none';
  pathParams?: Record<string, { description: string; schema: JsonSchema }>;
  /** A zod object, or its JSON Schema when the registry refines it (an enum of the registered types). */
  query?: SchemaSource;
  headers?: Record<string, ApiHeader>;
  body?: SchemaSource;
  /** 401 is added to every authenticated operation. */
  responses: Partial<Record<number, ApiResponse>>;
}

/** What each route module exports: its operations, read when the document is built (types may be added at run time). */
export type OperationSource = () => ApiOperation[];

export const problemDetails = z
  .object({
    type: z.string().meta({ description: 'urn:reports:problem:<code>' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: 'Em português, para o usuário.' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional()
      .meta({ description: 'Cada campo errado: `filters.from`, `profiles.0`…' }),
  })
  .meta({ description: 'RFC 9457 problem details.' });

export const RETRY_AFTER: ApiHeader = { description: 'Segundos a esperar antes de tentar de novo.', schema: { type: 'string', pattern: '^[0-9]+$' }, required: true };

export function json(schema: SchemaSource, description: string, headers?: Record<string, ApiHeader>): ApiResponse {
  return { description, content: { type: 'application/json', schema }, ...(headers ? { headers } : {}) };
}

export function problem(description: string, headers?: Record<string, ApiHeader>): ApiResponse {
  return { description, content: { type: 'application/problem+json', schema: ref('Problem') }, ...(headers ? { headers } : {}) };
}

export function ref(component: string): JsonSchema {
  return { $ref: `#/components/schemas/${component}` };
}

/** A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), without its `$schema` line. */
export function jsonSchema(schema: SchemaSource, io: 'input' | 'output'): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

export interface DocumentInput {
  title: string;
  version: string;
  description: string;
  tags: { name: string; description: string }[];
  components: Record<string, SchemaSource>;
  operations: ApiOperation[];
}

export function openApiDocument(input: DocumentInput): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of input.operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is described twice`);
    item[op.method] = operationObject(op);
  }
  return {
    openapi: '3.1.0',
    info: { title: input.title, version: input.version, description: input.description },
    servers: [{ url: '/' }],
    tags: input.tags,
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(input.components).map(([name, s]) => [name, jsonSchema(s, 'output')])),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256; claims sub (id do usuário), companyId, exp.' },
        accessToken: { type: 'apiKey', in: 'query', name: 'access_token', description: 'O mesmo JWT, só para EventSource (que não envia cabeçalhos).' },
      },
    },
  };
}

function operationObject(op: ApiOperation): JsonSchema {
  const auth = op.auth ?? 'bearer';
  const parameters = [
    ...Object.entries(op.pathParams ?? {}).map(([name, p]) => ({ name, in: 'path', required: true, ...p })),
    ...queryParameters(op.query),
    ...Object.entries(op.headers ?? {}).map(([name, h]) => ({ name, in: 'header', required: h.required ?? false, description: h.description, schema: h.schema })),
  ];
  const responses: Partial<Record<number, ApiResponse>> = { ...op.responses };
  if (auth !== 'none') responses[401] ??= problem('Sem token válido, token expirado ou usuário inexistente.');
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: auth === 'none' ? [] : auth === 'bearer' ? [{ bearer: [] }] : [{ bearer: [] }, { accessToken: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } }
      : {}),
    responses: Object.fromEntries(Object.entries(responses).flatMap(([status, r]) => (r ? [[status, responseObject(r)]] : []))),
  };
}

function queryParameters(query: SchemaSource | undefined): JsonSchema[] {
  if (!query) return [];
  const schema = jsonSchema(query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s,
  }));
}

function responseObject(r: ApiResponse): JsonSchema {
  return {
    description: r.description,
    ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([n, h]) => [n, { description: h.description, required: h.required ?? false, schema: h.schema }])) } : {}),
    ...(r.content ? { content: { [r.content.type]: { schema: jsonSchema(r.content.schema, 'output') } } } : {}),
  };
}
