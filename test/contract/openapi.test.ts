// GET /api/openapi.json: a valid OpenAPI 3.1 document of the whole API, public, built from the registry.
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPORTS, registerReport } from '../../src/reports';
import { defineReport } from '../../src/reports/definition';
import { calendarDay } from '../../src/reports/filters';
import { useStack, useCompany } from '../setup/reports-api';

type Doc = { openapi: string; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

const inputSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
};

describe('the OpenAPI document', () => {
  const stack = useStack();
  const company = useCompany(stack, 'Documentada');

  async function fetchDocument(): Promise<Doc> {
    const res = await fetch(`${stack.baseUrl}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Doc;
  }

  it('when asked without a token, then it answers a document that an OpenAPI 3.1 validator accepts', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('when a document is broken, then the validator refuses it (the check can fail)', async () => {
    const doc = structuredClone(await fetchDocument());
    doc.paths['/api/reports'].get.responses = { 200: { content: {} } }; // a response without its description
    expect((await validate(doc as never)).valid).toBe(false);
  });

  it('then POST /api/reports offers every registered type with its own filters schema', async () => {
    const body = (await fetchDocument()).paths['/api/reports'].post.requestBody.content['application/json'].schema;
    expect(body.oneOf.map((o: any) => o.properties.type.const)).toEqual(REPORTS.map((r) => r.type));
    for (const r of REPORTS) {
      const alternative = body.oneOf.find((o: any) => o.properties.type.const === r.type);
      expect(alternative.properties.filters, r.type).toEqual(inputSchema(r.filters));
    }
    // ticket_detail cannot do without its ticketId; the others accept no filters at all or have defaults.
    expect(body.oneOf.find((o: any) => o.properties.type.const === 'ticket_detail').required).toEqual(['type', 'filters']);
  });

  it('then every answer the contract names is described, with Retry-After, the event stream and the redirect', async () => {
    const { paths, components } = await fetchDocument();
    const codes = (method: string, path: string) => Object.keys(paths[path][method].responses).map(Number).sort((a, b) => a - b);
    expect(codes('post', '/api/reports')).toEqual([200, 202, 400, 401, 403, 409, 422, 429, 503]);
    expect(codes('get', '/api/reports')).toEqual([200, 400, 401]);
    expect(codes('get', '/api/reports/{id}')).toEqual([200, 401, 404]);
    expect(codes('get', '/api/reports/{id}/download')).toEqual([302, 401, 404, 409, 410]);
    expect(codes('delete', '/api/reports/{id}')).toEqual([204, 401, 404, 503]);
    expect(codes('post', '/api/tickets/{ticketId}/export')).toEqual([200, 202, 400, 401, 403, 404, 409, 422, 429, 503]);
    expect(codes('get', '/healthz')).toEqual([200, 503]);
    expect(paths['/api/reports'].post.responses[429].headers['Retry-After'].required).toBe(true);
    expect(paths['/api/reports'].post.responses[202].headers.Location.required).toBe(true);
    expect(paths['/api/reports/{id}/download'].get.responses[302].headers.Location.required).toBe(true);
    const events = paths['/api/reports/events'].get;
    expect(Object.keys(events.responses[200].content)).toEqual(['text/event-stream']);
    expect(events.responses[429].headers['Retry-After'].required).toBe(true);
    expect(events.security).toEqual([{ bearer: [] }, { accessToken: [] }]);
    expect(paths['/api/openapi.json'].get.security).toEqual([]);
    expect(paths['/api/reports'].get.security).toEqual([{ bearer: [] }]);
    expect(components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail']);
    expect(Object.keys(components.schemas.Report.properties)).toEqual([
      'id', 'type', 'name', 'status', 'filters', 'requestedBy', 'createdAt', 'finishedAt', 'progress', 'format',
      'fileName', 'rowCount', 'sizeBytes', 'expiresAt', 'expired', 'error', 'workflowId', 'schedule',
    ]);
  });

  it('then the Report component describes what GET /api/reports/:id really answers', async () => {
    const token = stack.tokenFor({ id: company.admin, companyId: company.id });
    const created = await stack.api('/api/reports', {
      method: 'POST', token, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'licenses', filters: { month: 'previous' } }),
    });
    expect(created.status).toBe(202);
    const report = await stack.waitForReport(((await created.json()) as { id: string }).id, token);
    const { components } = await fetchDocument();
    const schema = z.fromJSONSchema(components.schemas.Report);
    expect(schema.safeParse(report).error).toBeUndefined();
    expect(schema.safeParse({ ...report, status: 'DONE' }).success).toBe(false);
  });

  it('then every schedule and webhook-endpoint route is described with the answers its handler gives', async () => {
    const { paths } = await fetchDocument();
    const codes = (method: string, path: string) => Object.keys(paths[path][method].responses).map(Number).sort((a, b) => a - b);
    expect(codes('get', '/api/report-schedules')).toEqual([200, 401, 403]);
    expect(codes('post', '/api/report-schedules')).toEqual([201, 400, 401, 403, 409, 503]);
    expect(codes('get', '/api/report-schedules/{id}')).toEqual([200, 401, 403, 404]);
    expect(codes('patch', '/api/report-schedules/{id}')).toEqual([200, 400, 401, 403, 404, 503]);
    expect(codes('delete', '/api/report-schedules/{id}')).toEqual([204, 401, 403, 404]);
    expect(codes('post', '/api/report-schedules/{id}/run')).toEqual([202, 400, 401, 403, 404, 429, 503]);
    expect(codes('get', '/api/report-schedules/{id}/deliveries')).toEqual([200, 401, 403, 404]);
    expect(codes('post', '/api/report-schedules/{id}/deliveries/{deliveryId}/retry')).toEqual([202, 401, 403, 404, 409, 503]);
    expect(codes('get', '/api/webhook-endpoints')).toEqual([200, 401, 403]);
    expect(codes('post', '/api/webhook-endpoints')).toEqual([201, 400, 401, 403, 409]);
    expect(codes('get', '/api/webhook-endpoints/{id}')).toEqual([200, 401, 403, 404]);
    expect(codes('delete', '/api/webhook-endpoints/{id}')).toEqual([204, 401, 403, 404]);
    expect(codes('post', '/api/webhook-endpoints/{id}/test')).toEqual([200, 401, 403, 404, 503]);
    expect(codes('get', '/api/webhook-endpoints/{id}/deliveries')).toEqual([200, 401, 403, 404]);
    expect(codes('post', '/api/webhook-endpoints/{id}/deliveries/{deliveryId}/retry')).toEqual([202, 401, 403, 404, 409, 503]);
    for (const [method, path] of [['post', '/api/report-schedules'], ['post', '/api/webhook-endpoints'], ['post', '/api/report-schedules/{id}/run']]) {
      expect(paths[path][method].responses[paths[path][method].responses[201] ? 201 : 202].headers.Location.required, path).toBe(true);
    }
    // The request bodies are the zod schemas that validate them; `type` lists the types that may be scheduled.
    const scheduleBody = paths['/api/report-schedules'].post.requestBody.content['application/json'].schema;
    expect(scheduleBody.required).toEqual(['name', 'type', 'filters', 'cadence']);
    expect(scheduleBody.properties.type.enum).toEqual(REPORTS.filter((r) => r.type !== 'ticket_detail').map((r) => r.type));
    expect(paths['/api/report-schedules/{id}'].patch.requestBody.content['application/json'].schema.required).toBeUndefined();
    expect(paths['/api/webhook-endpoints'].post.requestBody.content['application/json'].schema).toMatchObject({
      required: ['url', 'events'], additionalProperties: false, properties: { events: { uniqueItems: true, minItems: 1 } },
    });
  });

  it('then the Schedule, WebhookEndpoint and Delivery components describe what the routes really answer', async () => {
    const token = stack.tokenFor({ id: company.admin, companyId: company.id });
    const send = async (path: string, method = 'GET', body?: unknown) => {
      const res = await stack.api(path, { method, token, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const endpoint = await send('/api/webhook-endpoints', 'POST', { url: 'http://127.0.0.1:9/nothing-listens', events: ['report.ready'] });
    expect(endpoint.status).toBe(201);
    const schedule = await send('/api/report-schedules', 'POST', {
      name: 'Documentado', type: 'licenses', filters: { month: 'previous' }, cadence: { every: 'month', dayOfMonth: 1, at: '07:30' },
      recipients: { webhookEndpointIds: [endpoint.body.id] },
    });
    expect(schedule.status).toBe(201);
    const tested = await send(`/api/webhook-endpoints/${endpoint.body.id}/test`, 'POST');
    expect(tested.status).toBe(200);
    const { components, paths } = await fetchDocument();
    const conforms = (schema: unknown, value: unknown) => expect(z.fromJSONSchema(schema as never).safeParse(value).error).toBeUndefined();
    conforms(components.schemas.Schedule, schedule.body);
    conforms(components.schemas.Schedule, (await send(`/api/report-schedules/${schedule.body.id}`, 'PATCH', { paused: true })).body);
    conforms(paths['/api/report-schedules/{id}'].get.responses[200].content['application/json'].schema, (await send(`/api/report-schedules/${schedule.body.id}`)).body);
    conforms(paths['/api/report-schedules'].get.responses[200].content['application/json'].schema, (await send('/api/report-schedules')).body);
    conforms(paths['/api/webhook-endpoints'].post.responses[201].content['application/json'].schema, endpoint.body);
    conforms(components.schemas.WebhookEndpoint, (await send(`/api/webhook-endpoints/${endpoint.body.id}`)).body);
    conforms(components.schemas.Delivery, tested.body);
    conforms(paths['/api/webhook-endpoints/{id}/deliveries'].get.responses[200].content['application/json'].schema,
      (await send(`/api/webhook-endpoints/${endpoint.body.id}/deliveries`)).body);
    // The check can fail: a schedule without its cadence is not one.
    const { cadence: _, ...withoutCadence } = schedule.body;
    expect(z.fromJSONSchema(components.schemas.Schedule as never).safeParse(withoutCadence).success).toBe(false);
    expect((await stack.api(`/api/report-schedules/${schedule.body.id}`, { method: 'DELETE', token })).status).toBe(204);
  });

  it('when a report type is registered at run time, then the next document describes it', async () => {
    const before = await fetchDocument();
    const filters = z.strictObject({ day: calendarDay });
    registerReport(defineReport<z.infer<typeof filters>>({
      type: 'openapi_probe', name: 'Sonda', description: 'Só para este teste', category: 'API e Integrações', format: 'csv',
      filters, fileName: () => 'sonda.csv', columns: ['Dia'], columnKinds: { Dia: 'text' },
      filterLabels: { day: 'Dia' }, valueLabels: {}, example: (t) => ({ day: t.from }),
      query: () => ({ kind: 'keyset', select: ['1::text'], from: 'users u', where: [], key: [{ expr: 'u.id', type: 'bigint' }] }),
    }));
    const after = await fetchDocument();
    const types = (doc: Doc) => doc.paths['/api/reports'].post.requestBody.content['application/json'].schema.oneOf.map((o: any) => o.properties.type.const);
    expect(types(before)).not.toContain('openapi_probe');
    expect(types(after)).toContain('openapi_probe');
    const probe = after.paths['/api/reports'].post.requestBody.content['application/json'].schema.oneOf.find((o: any) => o.properties.type.const === 'openapi_probe');
    expect(probe.properties.filters).toMatchObject({ type: 'object', properties: { day: { type: 'string', format: 'date' } }, required: ['day'] });
    const listType = after.paths['/api/reports'].get.parameters.find((p: any) => p.name === 'type');
    expect(listType.schema.enum).toContain('openapi_probe');
    expect(after.paths['/api/report-permissions/{type}'].put.parameters[0].schema.enum).toContain('openapi_probe');
  });

  it('when a documented path is asked with a method it does not have, then 405 names the allowed ones', async () => {
    const token = stack.tokenFor({ id: company.admin, companyId: company.id });
    const res = await stack.api('/api/report-types', { method: 'DELETE', token });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const report = await stack.api('/api/reports/7c0e2f0e-7a43-4b43-9f2f-2a8f1d1f4a11', { method: 'PUT', token });
    expect(report.status).toBe(405);
    expect(report.headers.get('allow')).toBe('DELETE, GET, HEAD');
    // The concrete path wins over the template: DELETE /api/reports/events is not a report's DELETE.
    const events = await stack.api('/api/reports/events', { method: 'DELETE', token });
    expect(events.status).toBe(405);
    expect(events.headers.get('allow')).toBe('GET, HEAD');
    // The schedule and webhook-endpoint paths too (a PUT was a 404 before they were described).
    const schedule = await stack.api('/api/report-schedules/7c0e2f0e-7a43-4b43-9f2f-2a8f1d1f4a11', { method: 'PUT', token });
    expect(schedule.status).toBe(405);
    expect(schedule.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    const endpoint = await stack.api('/api/webhook-endpoints/7c0e2f0e-7a43-4b43-9f2f-2a8f1d1f4a11', { method: 'PATCH', token });
    expect(endpoint.headers.get('allow')).toBe('DELETE, GET, HEAD');
    expect((await stack.api('/api/webhook-endpoints/7c0e2f0e-7a43-4b43-9f2f-2a8f1d1f4a11/test', { method: 'GET', token })).headers.get('allow')).toBe('POST');
    // Without a token an /api path answers 401 first; an unknown path is still a 404.
    expect((await stack.api('/api/report-types', { method: 'DELETE' })).status).toBe(401);
    expect((await stack.api('/api/nothing-here', { token })).status).toBe(404);
    expect((await fetch(`${stack.baseUrl}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
