// /api/business-hours: the company's business hours, holidays and first-response target (docs/metrics.md).
import { Router } from 'express';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import { businessHours, businessHoursInput, checkTimezone, loadBusinessHours, saveBusinessHours } from '../reports/business-hours';
import { currentUser } from './auth';
import { json, problem, type OperationSource } from './openapi';
import { fieldErrors } from './problems';

export function businessHoursRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps;
  const router = Router();

  // Everyone of the company may read them: they explain the numbers of their reports.
  // `Allow` tells a client (the page) whether this user may change them, without a second request.
  router.get('/business-hours', async (req, res) => {
    const user = currentUser(req);
    res.set('Allow', user.profile === 'admin' ? 'GET, PUT' : 'GET').json(await loadBusinessHours(sql, user.companyId));
  });

  router.put('/business-hours', async (req, res) => {
    const user = currentUser(req);
    if (user.profile !== 'admin') throw AppError.forbidden('Somente administradores podem alterar o horário de atendimento.');
    const body = businessHoursInput.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O horário de atendimento é inválido.', fieldErrors(body.error));
    const current = await loadBusinessHours(sql, user.companyId);
    const problems = checkTimezone(body.data, current.timezone);
    if (problems.length) throw AppError.badRequest('O horário de atendimento é inválido.', problems);
    await saveBusinessHours(sql, user.companyId, user.id, body.data);
    res.json(await loadBusinessHours(sql, user.companyId));
  });

  return router;
}

const allow = { Allow: { description: '`GET, PUT` para administradores, `GET` para os demais.', schema: { type: 'string' }, required: true } };

export const businessHoursOperations: OperationSource = () => [
  {
    method: 'get', path: '/api/business-hours', operationId: 'getBusinessHours', tag: 'Horário de atendimento',
    summary: 'O horário de atendimento, os feriados e a meta de primeira resposta da empresa',
    responses: { 200: json(businessHours, 'As configurações (vazias, meta null, quando nunca definidas).', allow) },
  },
  {
    method: 'put', path: '/api/business-hours', operationId: 'setBusinessHours', tag: 'Horário de atendimento',
    summary: 'Substitui o horário de atendimento (somente admin)', body: businessHoursInput,
    responses: {
      200: json(businessHours, 'As configurações, como ficaram.'),
      400: problem('Corpo inválido; `errors` nomeia cada campo.'),
      403: problem('Somente administradores alteram o horário de atendimento.'),
    },
  },
];
