// Licenças: every user active at some moment of the chosen month, with the queues assigned to them.
import { z } from 'zod';
import { pickLabels } from './filters';
import { defineReport } from './definition';
import { MONTH_LABELS, monthBounds, monthChoice, monthLabel } from './month';
import { nameList } from './sql-helpers';

const filters = z.strictObject({ month: monthChoice });

export const licenses = defineReport<z.infer<typeof filters>>({
  type: 'licenses',
  name: 'Licenças',
  description: 'Usuários/operadores ativos no período',
  category: 'Faturamento e Recursos',
  format: 'csv',
  filters,
  filterLabels: pickLabels('month'),
  valueLabels: MONTH_LABELS,
  example: () => ({ month: 'current' }),
  fileName: (f, ctx) => `licencas_${monthLabel(f.month, ctx)}.csv`,
  columns: ['ID do usuário', 'Nome', 'Email', 'Perfil', 'Data de criação', 'Filas atribuídas'],
  columnKinds: { 'ID do usuário': 'integer', Nome: 'text', Email: 'text', Perfil: 'text', 'Data de criação': 'timestamp', 'Filas atribuídas': 'text' },
  // Plan (EXPLAIN, 2,000 users per company): bitmap scan on users (company_id, id), the month checked
  // per row, a quicksort by id of the company's few thousand users; queues by user_queues' primary key.
  query: (f, q) => {
    const month = monthBounds(f.month, q);
    return {
      kind: 'keyset',
      select: [
        'u.id::text',
        'reports.fmt_text(u.name)',
        'reports.fmt_text(u.email)',
        'u.profile',
        q.ts('u.created_at'),
        `reports.fmt_text(${nameList('qu.name', 'from user_queues uq join queues qu on qu.id = uq.queue_id where uq.user_id = u.id')})`,
      ],
      from: 'users u',
      where: [`u.created_at < ${month.end}`, `(u.deleted_at is null or u.deleted_at >= ${month.start})`],
      key: [{ expr: 'u.id', type: 'bigint' }],
    };
  },
});
