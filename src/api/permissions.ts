// Which profiles may use a report type (DESIGN.md "Authorization"). Admin always; by default everyone.
import type { Sql } from '../db/connection';
import type { CurrentUser } from './auth';

export const PROFILES = ['admin', 'supervisor', 'user'] as const;
export type Profile = (typeof PROFILES)[number];

/** The company's restricted types and the profiles allowed on each; a type not in the map is open to all. */
export type TypePermissions = Map<string, Profile[]>;

export async function loadPermissions(sql: Sql, companyId: number): Promise<TypePermissions> {
  const rows = await sql<{ type: string; profiles: Profile[] }[]>`
    select type, profiles from reports.report_permissions where company_id = ${companyId}`;
  return new Map(rows.map((r) => [r.type, r.profiles]));
}

export function mayUse(profile: Profile, type: string, permissions: TypePermissions): boolean {
  if (profile === 'admin') return true;
  const allowed = permissions.get(type);
  return !allowed || allowed.includes(profile);
}

export async function userMayUse(sql: Sql, user: CurrentUser, type: string): Promise<boolean> {
  if (user.profile === 'admin') return true;
  return mayUse(user.profile, type, await loadPermissions(sql, user.companyId));
}

/**
 * A condition on `reports.reports r` (to follow a `where`): the report belongs to the user's company and is
 * of a type the user may see. Reports of other types are as invisible as another company's: lists skip
 * them and their ids answer 404.
 */
export function visibleTo(sql: Sql, user: CurrentUser) {
  if (user.profile === 'admin') return sql`r.company_id = ${user.companyId}`;
  return sql`r.company_id = ${user.companyId} and not exists (
    select 1 from reports.report_permissions p
    where p.company_id = r.company_id and p.type = r.type and not (${user.profile}::text = any(p.profiles)))`;
}
