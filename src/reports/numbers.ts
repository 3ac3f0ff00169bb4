// Números: every WhatsApp number active at some moment of the chosen month.
import { z } from 'zod';
import { pickLabels } from './filters';
import { defineReport } from './definition';
import { MONTH_LABELS, monthBounds, monthChoice, monthLabel } from './month';

const filters = z.strictObject({ month: monthChoice });

export const numbers = defineReport<z.infer<typeof filters>>({
  type: 'numbers',
  name: 'Números',
  description: 'Números de WhatsApp ativos no período',
  category: 'Faturamento e Recursos',
  format: 'csv',
  filters,
  filterLabels: pickLabels('month'),
  valueLabels: MONTH_LABELS,
  example: () => ({ month: 'current' }),
  fileName: (f, ctx) => `numeros_${monthLabel(f.month, ctx)}.csv`,
  columns: ['Número de telefone', 'WABA', 'Data de ativação', 'Status atual'],
  columnKinds: { 'Número de telefone': 'text', WABA: 'text', 'Data de ativação': 'timestamp', 'Status atual': 'text' },
  // Status atual is the connection status as the platform stores it (CONNECTED, BANNED, ...): machine
  // values, written raw like the number and the WABA id (see docs/report-decisions.md).
  // Plan (EXPLAIN): scan on whatsapps (company_id, id), the month checked per row; a company has few numbers.
  query: (f, q) => {
    const month = monthBounds(f.month, q);
    return {
      kind: 'keyset',
      select: ['reports.fmt_ident(w.number)', 'reports.fmt_ident(w.waba_id)', q.ts('w.activated_at'), 'w.status'],
      from: 'whatsapps w',
      where: [`w.activated_at < ${month.end}`, `(w.deactivated_at is null or w.deactivated_at >= ${month.start})`],
      key: [{ expr: 'w.id', type: 'bigint' }],
    };
  },
});
