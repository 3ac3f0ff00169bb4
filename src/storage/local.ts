/**
 * Report files on local disk (the embedded default). Links are signed with an HMAC and served by the
 * façade under /files, so the download experience matches GCS signed URLs: expiring, unguessable,
 * and the file arrives with its report name.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { AppError } from '../errors';
import type { ReportStorage } from './storage';

export type LocalStorageOptions = {
  dir: string;
  /** Base URL of the façade, without a trailing slash, e.g. http://localhost:3000. */
  publicUrl: string;
  /** HMAC key for download links. */
  secret: string;
};

export type LinkCheck = 'valid' | 'forbidden' | 'expired';

export class LocalStorage implements ReportStorage {
  readonly kind = 'local' as const;
  readonly dir: string;
  private readonly publicUrl: string;
  private readonly secret: string;

  constructor(opts: LocalStorageOptions) {
    this.dir = path.resolve(opts.dir);
    this.publicUrl = opts.publicUrl.replace(/\/+$/, '');
    this.secret = opts.secret;
  }

  /** Absolute path of a key; refuses anything that could leave `dir`. */
  pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.dir, ...key.split('/'));
  }

  // Local files carry no metadata: the router derives the content type from the key's extension.
  async put(key: string, data: Buffer, _contentType?: string): Promise<void> {
    await this.writeAtomically(this.pathOf(key), async (fh) => {
      await fh.writeFile(data);
    });
  }

  async compose(sources: string[], destination: string, _contentType?: string): Promise<{ sizeBytes: number }> {
    if (sources.length === 0) throw new Error('compose needs at least one source');
    const target = this.pathOf(destination);
    const paths = sources.map((s) => this.pathOf(s));
    let sizeBytes = 0;
    await this.writeAtomically(target, async (fh) => {
      for (const source of paths) {
        // Awaiting each write keeps memory flat however large the parts are; 1 MiB reads (not the
        // default 64 KiB) cut the system calls of joining a large export sixteenfold.
        for await (const chunk of createReadStream(source, { highWaterMark: 1024 * 1024 })) {
          await fh.write(chunk as Buffer);
          sizeBytes += (chunk as Buffer).length;
        }
      }
    });
    return { sizeBytes };
  }

  // The parts of an export go, each at its offset, into one file: joining them is a rename, not a copy of
  // the whole file (docs/performance.md). Each part is on disk (fdatasync) before the export counts it.
  async putPart(prefix: string, index: number, offset: number, data: Buffer, _contentType?: string): Promise<void> {
    if (!Number.isSafeInteger(index) || index < 0 || !Number.isSafeInteger(offset) || offset < 0) throw new Error(`bad part ${index} at ${offset}`);
    const file = this.assemblyOf(prefix);
    await mkdir(path.dirname(file), { recursive: true });
    const fh = await open(file, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await fh.write(data, written, data.length - written, offset + written);
        written += bytesWritten;
      }
      // What an earlier attempt wrote past this part is not part of this attempt's file.
      await fh.truncate(offset + data.length);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  async joinParts(prefix: string, count: number, bytes: number, destination: string, _contentType?: string): Promise<{ sizeBytes: number }> {
    if (count < 1) throw new Error('joinParts needs at least one part');
    const file = this.assemblyOf(prefix);
    const target = this.pathOf(destination);
    const fh = await open(file, constants.O_RDWR);
    try {
      const { size } = await fh.stat();
      if (size < bytes) throw new Error(`the stored parts hold ${size} bytes, ${bytes} expected`);
      await fh.truncate(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await mkdir(path.dirname(target), { recursive: true });
    await rename(file, target);
    await this.pruneEmptyParents(file);
    return { sizeBytes: bytes };
  }

  private assemblyOf(prefix: string): string {
    if (!prefix.endsWith('/')) throw new Error(`a parts prefix ends with '/': ${prefix}`);
    return this.pathOf(`${prefix}assembly`);
  }

  async size(key: string): Promise<number | null> {
    const info = await stat(this.pathOf(key)).catch(ignoreMissing);
    return info?.isFile() ? info.size : null;
  }

  async read(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  readStream(key: string): NodeJS.ReadableStream {
    // 256 KiB: the rows of one chunk stay alive while they are written, so a larger one only grows the heap.
    return createReadStream(this.pathOf(key), { highWaterMark: 256 * 1024 });
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await rm(file, { force: true });
    await this.pruneEmptyParents(file);
  }

  async deletePrefix(prefix: string): Promise<number> {
    // An empty prefix would wipe every company's files; no caller has a reason to ask for that.
    assertValidKey(prefix.replace(/\/$/, ''));
    const baseKey = prefix.endsWith('/') ? prefix.slice(0, -1) : path.posix.dirname(prefix);
    const base = baseKey === '.' ? this.dir : this.pathOf(baseKey);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(ignoreMissing);
    let deleted = 0;
    for (const entry of entries ?? []) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const key = path.relative(this.dir, file).split(path.sep).join('/');
      if (!key.startsWith(prefix)) continue;
      await rm(file, { force: true });
      await this.pruneEmptyParents(file);
      deleted++;
    }
    return deleted;
  }

  async signedUrl(key: string, expiresAt: Date, downloadName: string): Promise<string> {
    assertValidKey(key);
    const expires = String(Math.floor(expiresAt.getTime() / 1000));
    const query = new URLSearchParams({ expires, name: downloadName, signature: this.sign(key, expires, downloadName) });
    return `${this.publicUrl}/files/${key.split('/').map(encodeURIComponent).join('/')}?${query}`;
  }

  /** Checks a link's signature (in constant time) before its expiry, so a forged link learns nothing. */
  checkLink(key: string, expires: string, name: string, signature: string, now = new Date()): LinkCheck {
    const expected = Buffer.from(this.sign(key, expires, name), 'hex');
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forbidden';
    return Number(expires) * 1000 <= now.getTime() ? 'expired' : 'valid';
  }

  // Newline-separated fields cannot be shifted into one another: keys and expiries hold no newline.
  private sign(key: string, expires: string, name: string): string {
    return createHmac('sha256', this.secret).update(`v1\n${key}\n${expires}\n${name}`).digest('hex');
  }

  /** Writes beside the target, fsyncs, then renames: readers see the old file or the whole new one. */
  private async writeAtomically(target: string, write: (fh: FileHandle) => Promise<void>) {
    await mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
    try {
      const fh = await open(temp, 'wx');
      try {
        await write(fh);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  private async pruneEmptyParents(file: string): Promise<void> {
    for (let dir = path.dirname(file); dir.startsWith(this.dir + path.sep); dir = path.dirname(dir)) {
      const removed = await rmdir(dir).then(() => true, () => false);
      if (!removed) return;
    }
  }
}

/** A key stays inside the store: relative, no empty, `.` or `..` segment, no backslash, no NUL. */
export function isValidKey(key: string): boolean {
  return !(
    key === '' || key.startsWith('/') || key.includes('\\') || key.includes('\0') ||
    key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
  );
}

export function assertValidKey(key: string): void {
  if (!isValidKey(key)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
}

function ignoreMissing(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
  throw err;
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 8187). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '') // "relatório" → "relatorio" rather than "relat_rio"
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const CONTENT_TYPES: Record<string, string> = { '.csv': 'text/csv; charset=utf-8', '.pdf': 'application/pdf',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/** Serves signed download links at `/files/<key>`; mounted by the API, whose error handler renders its refusals. GET also answers HEAD. */
export function localFilesRouter(storage: LocalStorage): express.Router {
  const router = express.Router();
  router.get('/*path', async (req, res, next) => {
    try {
      const key = (req.params as { path: string[] }).path.join('/');
      // A key that could leave the folder is no file of ours, whatever its signature says (a leaked secret).
      if (!isValidKey(key)) throw AppError.notFound('O arquivo deste relatório não existe mais.');
      const { expires, name, signature } = req.query;
      const check =
        typeof expires === 'string' && /^\d+$/.test(expires) && typeof name === 'string' && typeof signature === 'string'
          ? storage.checkLink(key, expires, name, signature)
          : 'forbidden';
      if (check === 'forbidden') throw AppError.forbidden('Este link de download é inválido.');
      if (check === 'expired') throw AppError.gone('Este link de download expirou. Gere o relatório novamente.');

      // Length and bytes come from one open handle, so a file replaced meanwhile cannot mismatch them.
      const handle = await open(storage.pathOf(key), 'r').catch(ignoreMissing);
      try {
        const info = await handle?.stat();
        if (!handle || !info?.isFile()) throw AppError.notFound('O arquivo deste relatório não existe mais.');
        res.set({
          'Content-Type': CONTENT_TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream',
          'Content-Length': String(info.size),
          'Content-Disposition': attachmentDisposition(name as string),
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
        });
        if (req.method === 'HEAD') return void res.end();
        // pipeline destroys the file stream when the client goes away mid-download.
        await pipeline(handle.createReadStream({ autoClose: false }), res);
      } finally {
        await handle?.close();
      }
    } catch (err) {
      if (res.headersSent) res.destroy(err as Error);
      else next(err);
    }
  });
  return router;
}
