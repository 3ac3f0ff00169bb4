// Login/Logout: the access trail of the company's users in a date range.
import { z } from 'zod';
import { defineReport } from './definition';
import { calendarDay, pickLabels, refineDateRange } from './filters';

const filters = z.strictObject({ from: calendarDay, to: calendarDay }).superRefine(refineDateRange());

export const loginLogout = defineReport<z.infer<typeof filters>>({
  type: 'login_logout',
  name: 'Login/Logout',
  description: 'Registro de acessos dos usuários',
  category: 'Faturamento e Recursos',
  format: 'csv',
  filters,
  filterLabels: pickLabels('from', 'to'),
  valueLabels: {},
  example: (t) => ({ from: t.from, to: t.to }),
  fileName: (f) => `login-logout_${f.from}_${f.to}.csv`,
  columns: ['ID do usuário', 'Email', 'Ação', 'Data/hora', 'IP'],
  columnKinds: { 'ID do usuário': 'integer', Email: 'text', Ação: 'text', 'Data/hora': 'timestamp', IP: 'text' },
  // host(): the address without the /32 or /128 suffix that inet's text form may carry.
  // Left join: a log row whose user is not in this company still shows (email empty), nothing leaks.
  // Plan (EXPLAIN, 40k rows in range): index scan on access_logs (company_id, created_at, id) in key order,
  // no sort, the resume cursor in the index condition; users by primary key.
  query: (f, q) => ({
    kind: 'keyset',
    select: ['a.user_id::text', 'reports.fmt_text(u.email)', 'a.action', q.ts('a.created_at'), 'host(a.ip)'],
    from: `access_logs a
  left join users u on u.id = a.user_id`,
    where: [`a.created_at >= ${q.dayStart(f.from)}`, `a.created_at < ${q.dayEnd(f.to)}`],
    key: [
      { expr: 'a.created_at', type: 'timestamptz' },
      { expr: 'a.id', type: 'bigint' },
    ],
  }),
});
