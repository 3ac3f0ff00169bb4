/**
 * Webhook messages per the Standard Webhooks specification: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the base64-decoded
 * secret after `whsec_`. Receivers verify with any of the specification's libraries.
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { checkUrlShape, resolveTarget, RefusedTarget, type AddressRules } from './address-rules';

export const WEBHOOK_EVENTS = ['report.ready', 'report.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number] | 'webhook.test';

/** The receiver's time to answer. */
export const WEBHOOK_TIMEOUT_MS = 15_000;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

export interface WebhookAttempt {
  ok: boolean;
  httpStatus: number | null;
  /** pt-BR, for `lastError`: the receiver's answer or why there was none. */
  error: string | null;
}

/**
 * One attempt: checks the URL again, connects to the address just checked, sends, and reads the status.
 * Redirects are answers like any other (a 3xx is not a 2xx): never followed.
 */
export async function sendWebhook(
  target: { url: string; secret: string }, message: { id: string; body: string }, rules: AddressRules,
  now: Date = new Date(), timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookAttempt> {
  let url: URL;
  let resolved: { address: string; family: 4 | 6 };
  try {
    url = checkUrlShape(target.url, rules);
    resolved = await resolveTarget(url, rules);
  } catch (err) {
    if (err instanceof RefusedTarget) return { ok: false, httpStatus: null, error: `Endereço recusado: ${err.message}.` };
    throw err;
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(message.body)),
    'user-agent': 'reports-webhooks/1',
    'webhook-id': message.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(target.secret, message.id, timestamp, message.body),
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookAttempt>((resolve) => {
    const req = client.request(url, {
      method: 'POST',
      headers,
      timeout: timeoutMs,
      // Pin the connection to the address that passed the rules (no second resolution to race).
      lookup: (_host, options, callback) => {
        if ((options as { all?: boolean }).all) callback(null, [{ address: resolved.address, family: resolved.family }]);
        else callback(null, resolved.address, resolved.family);
      },
    }, (res) => {
      const status = res.statusCode ?? 0;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (text.length < 500) text += chunk; });
      res.on('end', () => {
        if (status >= 200 && status < 300) return resolve({ ok: true, httpStatus: status, error: null });
        const answer = text.trim().slice(0, 300);
        resolve({ ok: false, httpStatus: status, error: `O destino respondeu HTTP ${status}${answer ? `: ${answer}` : ''}` });
      });
      res.on('error', () => resolve({ ok: false, httpStatus: status, error: `A resposta do destino foi interrompida (HTTP ${status}).` }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      const reason = err.message === 'timeout' ? `o destino não respondeu em ${timeoutMs / 1000} s` : `falha de conexão (${(err as NodeJS.ErrnoException).code ?? err.message})`;
      resolve({ ok: false, httpStatus: null, error: `Sem resposta: ${reason}.` });
    });
    req.end(message.body);
  });
}
