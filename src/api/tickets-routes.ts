// /api/tickets/:ticketId/export: the "Exportar" of a ticket's menu — a Detalhe do Ticket PDF report.
import { Router } from 'express';
import { AppError } from '../errors';
import { ticketBelongs, ticketDetail } from '../reports/ticket-detail';
import { currentUser } from './auth';
import { createReport, idempotencyKeyOf, sendCreated, type CreateReportDeps } from './create-report';
import { problem, type OperationSource } from './openapi';
import { IDEMPOTENCY_KEY_HEADER, creationResponses } from './reports-routes';

export function ticketRoutes(deps: CreateReportDeps): Router {
  const router = Router();

  router.post('/tickets/:ticketId/export', async (req, res) => {
    const user = currentUser(req);
    const ticketId = parseTicketId(req.params.ticketId);
    // Another company's ticket answers like a missing one: its existence does not leak.
    if (!(await ticketBelongs(deps.sql, user.companyId, ticketId))) throw AppError.notFound('Ticket não encontrado.');
    const idempotencyKey = idempotencyKeyOf(req);
    sendCreated(res, await createReport(deps, user, ticketDetail, { ticketId }, { idempotencyKey }));
  });

  return router;
}

function parseTicketId(raw: string): number {
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) {
    const message = 'ticketId: deve ser o id numérico (inteiro positivo) de um ticket';
    throw AppError.badRequest('O id do ticket é inválido.', [{ path: 'ticketId', message }]);
  }
  return id;
}

export const ticketOperations: OperationSource = () => [{
  method: 'post', path: '/api/tickets/{ticketId}/export', operationId: 'exportTicket', tag: 'Relatórios',
  summary: 'Pede o PDF de Detalhe do Ticket de um ticket',
  pathParams: { ticketId: { description: 'O id do ticket.', schema: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } } },
  headers: IDEMPOTENCY_KEY_HEADER,
  responses: { ...creationResponses(), 404: problem('Ticket inexistente ou de outra empresa.') },
}];
