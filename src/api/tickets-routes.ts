// /api/tickets/:ticketId/export: the "Exportar" of a ticket's menu — a Detalhe do Ticket PDF report.
import { Router } from 'express';
import { AppError } from '../errors';
import { ticketBelongs, ticketDetail } from '../reports/ticket-detail';
import { currentUser } from './auth';
import { createReport, idempotencyKeyOf, sendCreated, type CreateReportDeps } from './create-report';

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
