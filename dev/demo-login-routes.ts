// The demo's login for the reports page's "Entrar como" picker. Built only by `npm start` on its own demo data:
// in production the platform passes its own token to the page (docs/page.md).
import { Router } from 'express';
import type { Sql } from '../src/db/connection';
import { AppError } from '../src/errors';
import { signToken } from '../src/api/auth';

export function demoLoginRoutes(deps: { sql: Sql; jwtSecret: string }): Router {
  const router = Router();
  // An admin, a supervisor and a user of each of the first two companies.
  router.get('/dev/demo-users', async (_req, res) => {
    const users = await deps.sql<{ id: number; companyId: number; companyName: string; name: string; profile: string }[]>`
      select distinct on (u.company_id, u.profile) u.id, u.company_id as "companyId", c.name as "companyName", u.name, u.profile
      from public.users u join public.companies c on c.id = u.company_id
      where u.deleted_at is null
        and u.company_id in (select id from public.companies order by id limit 2)
      order by u.company_id, u.profile, u.id`;
    res.json({ users });
  });
  router.post('/dev/token', async (req, res) => {
    const userId = Number((req.body as { userId?: unknown } | undefined)?.userId);
    if (!Number.isSafeInteger(userId) || userId <= 0) {
      throw AppError.badRequest('userId inválido.', [{ path: 'userId', message: 'userId: deve ser o id numérico de um usuário' }]);
    }
    const [user] = await deps.sql<{ id: number; companyId: number }[]>`
      select id, company_id as "companyId" from public.users where id = ${userId} and deleted_at is null`;
    if (!user) throw AppError.notFound('Usuário não encontrado.');
    res.json({ token: signToken(deps.jwtSecret, user) });
  });
  return router;
}
