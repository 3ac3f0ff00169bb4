import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcs, type FakeGcs } from '../../dev/fake-gcs';
import { GcsStorage, ensureBucket } from '../../src/storage/gcs';
import { attachmentDisposition } from '../../src/storage/local';

const binary =
  process.env.FAKE_GCS_SERVER_PATH ??
  path.join(os.homedir(), '.cache/reports-tools/fake-gcs-server-1.55.1/fake-gcs-server');
const missing = existsSync(binary) ? undefined : `fake-gcs-server not found at ${binary} (run "npm run setup")`;
const BUCKET = 'reports-test';
if (missing) console.warn(`Skipping the GCS integration tests: ${missing}`);

describe.skipIf(missing)(missing ? `GcsStorage — skipped: ${missing}` : 'GcsStorage against fake-gcs-server', { timeout: 60_000 }, () => {
  let emulator: FakeGcs;
  let storage: GcsStorage;
  const report = () => `reports/7/${randomUUID()}`;

  beforeAll(async () => {
    emulator = await startFakeGcs({ binary });
    storage = new GcsStorage({ bucket: BUCKET, emulatorHost: emulator.url });
    await ensureBucket(storage);
    await ensureBucket(storage); // a second call finds the bucket and changes nothing
  }, 60_000);
  afterAll(() => emulator?.stop());

  it('when an object is put twice, then read and size give the second version', async () => {
    const key = `${report()}/a.csv`;
    await storage.put(key, Buffer.from('first'), 'text/csv');
    await storage.put(key, Buffer.from('second, longer'), 'text/csv');
    expect((await storage.read(key)).toString()).toBe('second, longer');
    expect(await storage.size(key)).toBe(14);
    const [metadata] = await storage.bucket.file(key).getMetadata();
    expect(metadata.contentType).toBe('text/csv');
  });

  it('when an object is read as a stream, then the chunks join to its bytes; a missing one fails the stream', async () => {
    const key = `${report()}/big.csv`;
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await storage.put(key, data, 'text/csv');
    const chunks: Buffer[] = [];
    for await (const chunk of storage.readStream(key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    const missingStream = async () => { for await (const chunk of storage.readStream(`${report()}/none.csv`)) void chunk; };
    await expect(missingStream()).rejects.toThrow();
  });

  it('when an object does not exist, then size is null and delete does not fail', async () => {
    expect(await storage.size(`${report()}/none.csv`)).toBeNull();
    await expect(storage.delete(`${report()}/none.csv`)).resolves.toBeUndefined();
  });

  it('when 40 parts are composed (over the 32-source limit), then the result is byte-exact and no temporaries remain', async () => {
    const prefix = report();
    const parts = Array.from({ length: 40 }, (_, i) => randomBytes(i === 7 ? 300_000 : 1 + i * 97));
    const keys = parts.map((_, i) => `${prefix}/parts/${String(i).padStart(5, '0')}`);
    await Promise.all(keys.map((key, i) => storage.put(key, parts[i])));

    const { sizeBytes } = await storage.compose(keys, `${prefix}/final.csv`, 'text/csv; charset=utf-8');

    const expected = Buffer.concat(parts);
    expect(sizeBytes).toBe(expected.length);
    expect((await storage.read(`${prefix}/final.csv`)).equals(expected)).toBe(true);
    const [metadata] = await storage.bucket.file(`${prefix}/final.csv`).getMetadata();
    expect(metadata.contentType).toBe('text/csv; charset=utf-8');
    const [files] = await storage.bucket.getFiles({ prefix });
    expect(files.length).toBe(41); // the 40 parts stay, plus the result; the temporaries are gone
    expect(files.some((f) => f.name.includes('.compose-'))).toBe(false);
  });

  it('when parts are stored in order and a retry stores the last ones again, then joinParts composes parts 0..count-1 only', async () => {
    const prefix = `${report()}/parts/`;
    const parts = ['header;', 'one,', 'two,', 'three from an attempt that died,'].map((t) => Buffer.from(t));
    let offset = 0;
    for (const [i, part] of parts.entries()) {
      await storage.putPart(prefix, i, offset, part, 'text/csv; charset=utf-8');
      offset += part.length;
    }
    // The retry resumed after part 2 and found the file's end there: part 3 of the dead attempt is not in it.
    const bytes = parts[0].length + parts[1].length + parts[2].length;
    const { sizeBytes } = await storage.joinParts(prefix, 3, bytes, `${prefix}../final.csv`.replace('/parts/../', '/'), 'text/csv; charset=utf-8');
    expect(sizeBytes).toBe(bytes);
    expect((await storage.read(`${prefix}../final.csv`.replace('/parts/../', '/'))).toString()).toBe('header;one,two,');
  });

  it('when more than 32×32 parts are composed, then the extra round still gives the exact bytes', async () => {
    const prefix = report();
    const parts = Array.from({ length: 1030 }, (_, i) => Buffer.from(`linha ${i};ação\r\n`));
    const keys = parts.map((_, i) => `${prefix}/parts/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 64) {
      await Promise.all(keys.slice(i, i + 64).map((key, j) => storage.put(key, parts[i + j])));
    }
    const { sizeBytes } = await storage.compose(keys, `${prefix}/final.csv`, 'text/csv');
    expect(sizeBytes).toBe(Buffer.concat(parts).length);
    expect((await storage.read(`${prefix}/final.csv`)).equals(Buffer.concat(parts))).toBe(true);
    expect(await storage.deletePrefix(`${prefix}/`)).toBe(1031);
  });

  it('when a prefix is deleted, then only its objects go', async () => {
    const prefix = report();
    for (const key of [`${prefix}/a.csv`, `${prefix}/parts/0`, `${prefix}0/b.csv`]) await storage.put(key, Buffer.from(key));
    expect(await storage.deletePrefix(`${prefix}/`)).toBe(2);
    expect(await storage.size(`${prefix}/a.csv`)).toBeNull();
    expect(await storage.size(`${prefix}0/b.csv`)).not.toBeNull();
    await storage.delete(`${prefix}0/b.csv`);
    expect(await storage.size(`${prefix}0/b.csv`)).toBeNull();
    await expect(storage.deletePrefix('')).rejects.toThrow(/invalid storage key/);
  });

  it('when a 24 h link is signed, then it is a V4 URL on the emulator that downloads the exact bytes', async () => {
    const key = `${report()}/historico.csv`;
    const bytes = Buffer.from('\uFEFFID;Nome\r\n1;João\r\n', 'utf8');
    await storage.put(key, bytes, 'text/csv; charset=utf-8');
    // The library measures X-Goog-Expires from its own clock second; start early in a second so the
    // few milliseconds until it signs cannot cross into the next one.
    while (Date.now() % 1000 > 700) await new Promise((r) => setTimeout(r, 20));
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = new Date((now + 86_400) * 1000);

    const url = new URL(await storage.signedUrl(key, expiresAt, 'histórico de atendimento.csv'));

    expect(url.origin).toBe(emulator.url);
    expect(url.pathname).toBe(`/${BUCKET}/${key}`);
    expect(url.searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(url.searchParams.get('X-Goog-Expires')).toBe('86400');
    expect(url.searchParams.get('X-Goog-Credential')).toMatch(/\/auto\/storage\/goog4_request$/);
    expect(url.searchParams.get('X-Goog-Signature')).toMatch(/^[0-9a-f]{512}$/);
    expect(url.searchParams.get('response-content-disposition')).toBe(attachmentDisposition('histórico de atendimento.csv'));

    // fake-gcs-server does not check the signature: it serves path-style `/<bucket>/<object>` to
    // requests whose Host equals its -public-host (set to 127.0.0.1:<port> by startFakeGcs).
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('when the expiry is over the V4 limit of 7 days, then signing refuses it', async () => {
    const tooLate = new Date(Date.now() + 8 * 86_400_000);
    await expect(storage.signedUrl(`${report()}/a.csv`, tooLate, 'a.csv')).rejects.toThrow(/seven days/);
  });

  it('when STORAGE_EMULATOR_HOST is also set, then the client still reaches the JSON API', async () => {
    process.env.STORAGE_EMULATOR_HOST = emulator.url;
    try {
      const other = new GcsStorage({ bucket: BUCKET, emulatorHost: emulator.url });
      const key = `${report()}/env.csv`;
      await other.put(key, Buffer.from('x'));
      expect(await other.size(key)).toBe(1);
    } finally {
      delete process.env.STORAGE_EMULATOR_HOST;
    }
  });
});
