import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/problems';
import { LocalStorage, localFilesRouter } from '../../src/storage/local';

const SECRET = 'test-secret';
const inOneDay = () => new Date(Date.now() + 24 * 3600 * 1000);

describe('LocalStorage', () => {
  let dir: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'local-storage-'));
    storage = new LocalStorage({ dir, publicUrl: 'http://localhost:3000', secret: SECRET });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when an object is put twice, then read and size give the second version', async () => {
    await storage.put('reports/7/r1/a.csv', Buffer.from('first'));
    await storage.put('reports/7/r1/a.csv', Buffer.from('second, longer'));
    expect((await storage.read('reports/7/r1/a.csv')).toString()).toBe('second, longer');
    expect(await storage.size('reports/7/r1/a.csv')).toBe(14);
    expect(await readdir(path.join(dir, 'reports/7/r1'))).toEqual(['a.csv']); // no temp file left
  });

  it('when an object does not exist, then size is null and delete does not fail', async () => {
    expect(await storage.size('reports/7/none.csv')).toBeNull();
    await expect(storage.delete('reports/7/none.csv')).resolves.toBeUndefined();
  });

  it('when parts are stored at their offsets and joined, then the file is their concatenation, made by a rename: no parts folder remains', async () => {
    const parts = Array.from({ length: 12 }, (_, i) => randomBytes(i === 5 ? 300_000 : 1 + i * 131));
    let offset = 0;
    for (const [i, part] of parts.entries()) {
      await storage.putPart('parts/r1/', i, offset, part, 'text/csv');
      offset += part.length;
    }
    const { sizeBytes } = await storage.joinParts('parts/r1/', parts.length, offset, 'reports/7/r1/final.csv', 'text/csv');
    expect(sizeBytes).toBe(offset);
    expect((await storage.read('reports/7/r1/final.csv')).equals(Buffer.concat(parts))).toBe(true);
    expect(existsSync(path.join(dir, 'parts'))).toBe(false);
  });

  it('when a retry stores part 2 again (shorter), then what the first attempt stored after it is not in the file', async () => {
    const [a, b, c, d] = ['header;', 'first part,', 'second part, long, from the first attempt;', 'third part'].map((t) => Buffer.from(t));
    await storage.putPart('parts/r2/', 0, 0, a, 'text/csv');
    await storage.putPart('parts/r2/', 1, a.length, b, 'text/csv');
    await storage.putPart('parts/r2/', 2, a.length + b.length, c, 'text/csv');
    await storage.putPart('parts/r2/', 3, a.length + b.length + c.length, d, 'text/csv');
    // The retry resumes after part 1: its part 2 is another text.
    const c2 = Buffer.from('2nd;');
    await storage.putPart('parts/r2/', 2, a.length + b.length, c2, 'text/csv');
    const total = a.length + b.length + c2.length;
    await storage.joinParts('parts/r2/', 3, total, 'reports/7/r2/final.csv', 'text/csv');
    expect((await storage.read('reports/7/r2/final.csv')).toString()).toBe('header;first part,2nd;');
  });

  it('when the stored parts hold fewer bytes than the export counted, then joinParts fails and makes no file', async () => {
    await storage.putPart('parts/r3/', 0, 0, Buffer.from('header;'), 'text/csv');
    await expect(storage.joinParts('parts/r3/', 2, 500, 'reports/7/r3/final.csv', 'text/csv')).rejects.toThrow(/7 bytes, 500 expected/);
    expect(await storage.size('reports/7/r3/final.csv')).toBeNull();
  });

  it('when 40 parts are composed, then the result is their exact concatenation and the parts stay', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => randomBytes(i === 7 ? 300_000 : 1 + i * 97));
    const keys = parts.map((_, i) => `reports/7/r1/parts/${String(i).padStart(5, '0')}`);
    for (const [i, key] of keys.entries()) await storage.put(key, parts[i]);

    const { sizeBytes } = await storage.compose(keys, 'reports/7/r1/final.csv', 'text/csv');

    const expected = Buffer.concat(parts);
    expect(sizeBytes).toBe(expected.length);
    expect((await storage.read('reports/7/r1/final.csv')).equals(expected)).toBe(true);
    expect(await storage.size(keys[39])).toBe(parts[39].length);
    expect((await readdir(path.join(dir, 'reports/7/r1'))).sort()).toEqual(['final.csv', 'parts']);
  });

  it('when a source is missing, then compose fails and leaves no destination', async () => {
    await storage.put('reports/7/r1/p0', Buffer.from('a'));
    await expect(storage.compose(['reports/7/r1/p0', 'reports/7/r1/p1'], 'reports/7/r1/f.csv', 'text/csv')).rejects.toThrow();
    expect(await storage.size('reports/7/r1/f.csv')).toBeNull();
    expect(await readdir(path.join(dir, 'reports/7/r1'))).toEqual(['p0']);
  });

  it('when a prefix is deleted, then only its objects go, with their empty folders', async () => {
    for (const key of ['reports/7/r1/a.csv', 'reports/7/r1/parts/0', 'reports/7/r10/b.csv', 'reports/8/r1/c.csv']) {
      await storage.put(key, Buffer.from(key));
    }
    expect(await storage.deletePrefix('reports/7/r1/')).toBe(2);
    expect(existsSync(path.join(dir, 'reports/7/r1'))).toBe(false);
    expect(await storage.size('reports/7/r10/b.csv')).toBe(19);
    expect(await storage.size('reports/8/r1/c.csv')).toBe(18);
    expect(await storage.deletePrefix('reports/9/')).toBe(0);
  });

  it('when an object is read as a stream, then the chunks join to its bytes', async () => {
    const data = randomBytes(1024 * 1024 + 5);
    await storage.put('reports/7/r1/big.csv', data);
    const chunks: Buffer[] = [];
    for await (const chunk of storage.readStream('reports/7/r1/big.csv')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('when a key could escape the folder, then every operation refuses it', async () => {
    for (const key of ['../x', 'reports/../../x', '/etc/passwd', 'reports\\x', 'reports/x\0', '', 'a//b', './a']) {
      await expect(storage.put(key, Buffer.from('x')), key).rejects.toThrow(/invalid storage key/);
      await expect(storage.read(key), key).rejects.toThrow(/invalid storage key/);
      expect(() => storage.readStream(key), key).toThrow(/invalid storage key/);
      await expect(storage.signedUrl(key, inOneDay(), 'x.csv'), key).rejects.toThrow(/invalid storage key/);
    }
    await expect(storage.deletePrefix('')).rejects.toThrow(/invalid storage key/);
    await expect(storage.deletePrefix('../')).rejects.toThrow(/invalid storage key/);
  });
});

describe('localFilesRouter through HTTP', () => {
  let dir: string;
  let server: http.Server;
  let storage: LocalStorage;
  const csv = Buffer.from('\uFEFFID;Nome\r\n1;Ana\r\n', 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'local-files-'));
    // Listen first: the links must carry the real port.
    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    storage = new LocalStorage({ dir, publicUrl: `http://127.0.0.1:${port}`, secret: SECRET });
    const app = express();
    app.use('/files', localFilesRouter(storage));
    app.use(errorHandler(() => {})); // the API's one error handler renders the router's refusals
    server.on('request', app);
    await storage.put('reports/7/r1/relatorio.csv', csv);
    await storage.put('reports/7/r2/ticket.pdf', Buffer.from('%PDF-1.7'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const link = () => storage.signedUrl('reports/7/r1/relatorio.csv', inOneDay(), 'relatório "março".csv');

  async function expectProblem(url: string, status: number) {
    const res = await fetch(url);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await res.json();
    expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  }

  it('when the link is valid, then the exact bytes arrive as an attachment named after the report', async () => {
    const res = await fetch(await link());
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(csv)).toBe(true);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(csv.length));
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="relatorio _marco_.csv"; filename*=UTF-8''relat%C3%B3rio%20%22mar%C3%A7o%22.csv`,
    );
  });

  it('when HEAD is asked, then the headers come without a body', async () => {
    const res = await fetch(await link(), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(csv.length));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('when the file is a PDF, then it is served as application/pdf', async () => {
    const res = await fetch(await storage.signedUrl('reports/7/r2/ticket.pdf', inOneDay(), 'ticket-1.pdf'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
  });

  it('when the signature is tampered with or missing, then 403', async () => {
    const url = new URL(await link());
    const signature = url.searchParams.get('signature')!;
    url.searchParams.set('signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1));
    await expectProblem(url.href, 403);
    url.searchParams.delete('signature');
    await expectProblem(url.href, 403);
  });

  it('when the name, the expiry or the key is changed, then 403', async () => {
    const renamed = new URL(await link());
    renamed.searchParams.set('name', 'outro.csv');
    await expectProblem(renamed.href, 403);

    const extended = new URL(await link());
    extended.searchParams.set('expires', String(Number(extended.searchParams.get('expires')) + 3600));
    await expectProblem(extended.href, 403);

    const otherFile = new URL(await link());
    otherFile.pathname = '/files/reports/7/r2/ticket.pdf';
    await expectProblem(otherFile.href, 403);
  });

  it('when the link has expired, then 410', async () => {
    const url = await storage.signedUrl('reports/7/r1/relatorio.csv', new Date(Date.now() - 1000), 'r.csv');
    await expectProblem(url, 410);
  });

  it('when the file no longer exists, then 404', async () => {
    await expectProblem(await storage.signedUrl('reports/7/gone/relatorio.csv', inOneDay(), 'r.csv'), 404);
  });
});
