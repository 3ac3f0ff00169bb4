// Hostile access 10: download links. A local link altered in any part answers 403, an expired one 410;
// path traversal in any path or key is refused without touching the disk; keys come from the server
// only; GCS links are V4 and live exactly the report's 24 hours.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveLinkSigningKey } from '../../src/config';
import { createCompany } from '../setup/rows';
import { ReportsApi, useCompany, useStack } from '../setup/reports-api';
import { type Stack } from '../setup/stack';

/** GET with the path sent exactly as written (fetch would resolve `..` and re-encode it). */
function rawGet(baseUrl: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function readyReport(stack: Stack, token: string): Promise<{ id: string; link: URL; report: Record<string, any> }> {
  const api = new ReportsApi(stack, token);
  const id = await api.request('licenses', { month: 'current' });
  const report = await api.ready(id);
  return { id, link: await api.link(id), report };
}

describe('local download links', () => {
  const stack = useStack();
  const company = useCompany(stack, 'Loja Links');
  let mine: Awaited<ReturnType<typeof readyReport>>;
  let another: Awaited<ReturnType<typeof readyReport>>;
  const secretFile = path.join(os.tmpdir(), `reports-links-secret-${process.pid}.txt`);

  beforeAll(async () => {
    mine = await readyReport(stack, company.token);
    another = await readyReport(stack, company.token);
    writeFileSync(secretFile, 'SEGREDO-FORA-DA-PASTA');
  }, 120_000);

  const fetchLink = (url: URL) => fetch(url, { redirect: 'manual' });
  const withParam = (url: URL, name: string, value: string | null) => {
    const u = new URL(url);
    if (value === null) u.searchParams.delete(name);
    else u.searchParams.set(name, value);
    return u;
  };

  it('when the link is as signed, then 200 with the file', async () => {
    const res = await fetchLink(mine.link);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('when its signature, expiry, name or report id is changed, then 403', async () => {
    const signature = mine.link.searchParams.get('signature')!;
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    const expires = Number(mine.link.searchParams.get('expires'));
    const otherReportPath = mine.link.pathname.replace(mine.id, another.id);
    const altered: [string, URL][] = [
      ['signature changed', withParam(mine.link, 'signature', flipped)],
      ['signature removed', withParam(mine.link, 'signature', null)],
      ['signature in upper case', withParam(mine.link, 'signature', signature.toUpperCase())],
      ['expiry moved later', withParam(mine.link, 'expires', String(expires + 86_400))],
      ['expiry not a number', withParam(mine.link, 'expires', `${expires}e0`)],
      ['name changed', withParam(mine.link, 'name', 'outro.csv')],
      ['report id changed', Object.assign(new URL(mine.link), { pathname: otherReportPath })],
    ];
    for (const [what, url] of altered) {
      const res = await fetchLink(url);
      expect(res.status, what).toBe(403);
      expect(res.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
    }
    // The other report's own link still works: it was the pairing that was refused.
    expect((await fetchLink(another.link)).status).toBe(200);
  });

  it('when a correctly signed link has expired, then 410', async () => {
    const key = decodeURIComponent(mine.link.pathname.replace(/^\/files\//, ''));
    const expired = new URL(await stack.storage.signedUrl(key, new Date(Date.now() - 1000), 'licencas.csv'));
    const res = await fetchLink(expired);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/expirou/);
  });

  it('when a path or key tries to leave the files folder, then it is refused and nothing outside is read', async () => {
    const query = mine.link.search;
    const escape = path.relative(path.join(os.tmpdir(), 'x', 'y'), secretFile); // ../../reports-links-secret-….txt
    const attempts = [
      `/files/${escape}${query}`,
      `/files/reports/../../../../../../etc/passwd${query}`,
      `/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd${query}`,
      `/files/..%2f..%2f..%2fetc%2fpasswd${query}`,
      `/files/..%5c..%5c..%5cetc%5cpasswd${query}`,
      `/files/reports\\..\\..\\etc\\passwd${query}`,
      `/files/%252e%252e/%252e%252e/etc/passwd${query}`,
      `/files/reports/${company.id}/${mine.id}/licencas.csv%00.pdf${query}`,
      `/files/reports/${company.id}/${mine.id}/%00${query}`,
      `/files//etc/passwd${query}`,
      `/api/reports/..%2f..%2f..%2fetc%2fpasswd/download`,
      `/api/reports/${mine.id}%2f..%2f${another.id}/download`,
      `/api/tickets/..%2f1/export`,
    ];
    for (const attempt of attempts) {
      const res = await rawGet(stack.baseUrl, attempt);
      expect([400, 401, 403, 404], attempt).toContain(res.status);
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('SEGREDO-FORA-DA-PASTA');
    }
  });

  it('when a link is signed with the JWT secret itself (links made before the derived key), then 403: it stops verifying', async () => {
    const key = decodeURIComponent(mine.link.pathname.replace(/^\/files\//, ''));
    const expires = mine.link.searchParams.get('expires')!;
    const name = mine.link.searchParams.get('name')!;
    const withJwtSecret = createHmac('sha256', stack.jwtSecret).update(`v1\n${key}\n${expires}\n${name}`).digest('hex');
    const withDerivedKey = createHmac('sha256', deriveLinkSigningKey(stack.jwtSecret)).update(`v1\n${key}\n${expires}\n${name}`).digest('hex');
    expect(mine.link.searchParams.get('signature')).toBe(withDerivedKey);
    const res = await fetchLink(withParam(mine.link, 'signature', withJwtSecret));
    expect(res.status).toBe(403);
  });

  it('when even a validly signed link names a key outside the folder (a leaked secret), then 404 and nothing is read', async () => {
    const sign = (key: string, expires: string, name: string) =>
      createHmac('sha256', deriveLinkSigningKey(stack.jwtSecret)).update(`v1\n${key}\n${expires}\n${name}`).digest('hex');
    const expires = String(Math.floor(Date.now() / 1000) + 3600);
    for (const key of ['../../../../../etc/passwd', `reports/../../${path.basename(secretFile)}`, 'reports/./x.csv', 'a\\..\\b']) {
      const url = `/files/${key.split('/').map(encodeURIComponent).join('/')}?expires=${expires}&name=x.csv&signature=${sign(key, expires, 'x.csv')}`;
      const res = await rawGet(stack.baseUrl, url);
      expect(res.status, key).toBe(404);
      expect(res.body).not.toContain('root:');
    }
  });

  it('when the client tries to choose the key or the file name, then 400: keys and names are the server\'s', async () => {
    for (const body of [
      { type: 'licenses', filters: { month: 'current' }, objectKey: '../../x' },
      { type: 'licenses', filters: { month: 'current' }, fileName: '../../x.csv' },
      { type: 'licenses', filters: { month: 'current', fileName: '../x.csv' } },
      { type: 'licenses', filters: { month: 'current', key: 'reports/1/x' } },
    ]) {
      const res = await stack.api('/api/reports', { method: 'POST', token: company.token, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const keys = await stack.sql<{ key: string }[]>`select object_key as key from reports.reports where object_key is not null`;
    for (const { key } of keys) expect(key).toMatch(/^reports\/\d+\/[0-9a-f-]{36}\/[a-z0-9_-]+\.(csv|pdf)$/);
  });
});

describe('GCS download links', () => {
  const stack = useStack({ storage: 'gcs' });
  let token: string;

  beforeAll(async () => {
    const company = await createCompany(stack.sql, 'Loja GCS');
    token = stack.tokenFor({ id: company.admin, companyId: company.id });
  }, 120_000);

  it('when a READY report is downloaded, then the link is V4, lives exactly 24 h from the report\'s end, and serves the file', async () => {
    const { id, link, report } = await readyReport(stack, token);
    // Ask again a moment later: the link describes the report's lifetime, not the time of the request.
    await new Promise((r) => setTimeout(r, 1_100));
    const again = new URL((await stack.api(`/api/reports/${id}/download`, { token })).headers.get('location')!);
    for (const url of [link, again]) {
      expect(url.searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
      expect(url.searchParams.get('X-Goog-Expires')).toBe('86400');
      const issued = new Date(Math.floor(Date.parse(report.finishedAt) / 1000) * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
      expect(url.searchParams.get('X-Goog-Date')).toBe(issued);
      expect(url.searchParams.get('X-Goog-Signature')).toMatch(/^[0-9a-f]+$/);
    }
    const bytes = await new ReportsApi(stack, token).download(id);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
