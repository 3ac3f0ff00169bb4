// Detalhe do Ticket: one ticket's whole conversation as a PDF, rendered by activities/render-pdf.ts (see docs/pdf.md).
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { defineReport, type FieldProblem } from './definition';

const TICKET_ID_ERROR = 'deve ser o id numérico (inteiro positivo) de um ticket';

const ticketIdSchema = z
  .number({ error: TICKET_ID_ERROR })
  .int({ error: TICKET_ID_ERROR })
  .positive({ error: TICKET_ID_ERROR })
  .max(Number.MAX_SAFE_INTEGER, { error: TICKET_ID_ERROR });

const filters = z.strictObject({ ticketId: ticketIdSchema });

/** Whether the ticket exists in this company: another company's ticket is as absent as a missing one. */
export async function ticketBelongs(sql: Sql, companyId: number, ticketId: number): Promise<boolean> {
  const rows = await sql`select 1 from public.tickets where id = ${ticketId} and company_id = ${companyId}`;
  return rows.length > 0;
}

export const ticketDetail = defineReport<z.infer<typeof filters>>({
  type: 'ticket_detail',
  name: 'Detalhe do Ticket',
  description: 'Conversa completa de um ticket específico',
  category: 'Gestão de Tickets',
  format: 'pdf',
  filters,
  filterLabels: { ticketId: 'ID do ticket' },
  valueLabels: {},
  example: (t) => ({ ticketId: t.ticket }),
  async checkFilters(sql, companyId, f): Promise<FieldProblem[]> {
    if (await ticketBelongs(sql, companyId, f.ticketId)) return [];
    return [{ path: 'filters.ticketId', message: `ticketId: o ticket ${f.ticketId} não existe nesta empresa` }];
  },
  fileName: (f) => `detalhe-do-ticket_${f.ticketId}.pdf`,
});
