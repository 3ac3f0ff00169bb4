// Bearer JWT (HS256) → the calling user, read from the database (the token's word is not trusted for profile).
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { RequestHandler, Request } from 'express';
import jwt from 'jsonwebtoken';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';

export interface CurrentUser {
  id: number;
  companyId: number;
  name: string;
  profile: 'admin' | 'supervisor' | 'user';
}

interface Claims {
  sub?: unknown;
  companyId?: unknown;
  exp?: unknown;
}

export function currentUser(req: Request): CurrentUser {
  return (req as Request & { user: CurrentUser }).user;
}

/** The token's user, and when the token stops being valid (a live stream ends then). */
export interface Authenticated {
  user: CurrentUser;
  tokenExpiresAt: Date;
}

/** Tokens come in `Authorization: Bearer`, or `?access_token=` where headers cannot be set (EventSource). */
export function authenticate(sql: Sql, secret: string, options: { allowQueryToken?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    try {
      (req as Request & { user: CurrentUser }).user = (await authenticateRequest(sql, secret, req, options)).user;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Checks the request's token and reads its user from the database; AppError 401 otherwise. */
export async function authenticateRequest(
  sql: Sql, secret: string, req: Request, options: { allowQueryToken?: boolean } = {},
): Promise<Authenticated> {
  const token = bearer(req) ?? (options.allowQueryToken ? queryToken(req) : undefined);
  if (!token) throw AppError.unauthorized();
  let claims: Claims;
  try {
    claims = jwt.verify(token, verificationKey(secret), { algorithms: ['HS256'] }) as Claims;
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw AppError.unauthorized(expired ? 'O token expirou: entre novamente.' : 'Token inválido.');
  }
  const userId = typeof claims.sub === 'string' && /^\d+$/.test(claims.sub) ? Number(claims.sub) : NaN;
  if (!Number.isSafeInteger(userId) || typeof claims.companyId !== 'number' || typeof claims.exp !== 'number') {
    throw AppError.unauthorized('Token inválido: faltam as claims sub, companyId ou exp.');
  }
  const [user] = await sql<CurrentUser[]>`
    select id, company_id as "companyId", name, profile from public.users
    where id = ${userId} and company_id = ${claims.companyId} and deleted_at is null`;
  if (!user) throw AppError.unauthorized('Usuário inexistente, removido ou de outra empresa.');
  return { user, tokenExpiresAt: new Date(claims.exp * 1000) };
}

const keys = new Map<string, KeyObject>();

/**
 * The secret as a KeyObject, made once. Given a string, jsonwebtoken first tries it as a PEM public key on
 * every call (createPublicKey, which throws) before taking it as a secret: ~1 ms of CPU per request, the
 * largest cost of a GET /api/reports in its profile (docs/performance.md).
 */
function verificationKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    // One secret per process in production; tests start stacks with secrets of their own.
    if (keys.size >= 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function queryToken(req: Request): string | undefined {
  const t = req.query.access_token;
  return typeof t === 'string' && t ? t : undefined;
}

/** A token for a user: dev tools, tests and the embedded default's demo login. */
export function signToken(secret: string, user: { id: number; companyId: number }, ttlSeconds = 12 * 3600): string {
  return jwt.sign({ companyId: user.companyId }, secret, { algorithm: 'HS256', subject: String(user.id), expiresIn: ttlSeconds });
}
