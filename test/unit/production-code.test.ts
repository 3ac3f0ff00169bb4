// Dev-only code (the Go-tool builder, local services, the seed generator, the demo login, `npm start`) lives
// in dev/: the production image copies none of it, and production code never imports it.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const PRODUCTION = ['src', 'workflows', 'activities'];

function tsFiles(dir: string): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

describe('production code and the image', () => {
  it('when the Dockerfile copies the module, then it copies production folders only', () => {
    const copied = [...readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^COPY\s+(.+?)\s+\S+\s*$/gm)].flatMap((m) => m[1].split(/\s+/));
    expect(copied).toEqual(expect.arrayContaining(PRODUCTION));
    for (const source of copied) expect(['dev', 'test', 'bench', 'scripts', '.', './'], source).not.toContain(source.replace(/\/$/, ''));
  });

  it('when production code imports a module, then it is never under dev/', () => {
    const offenders: string[] = [];
    for (const file of PRODUCTION.flatMap(tsFiles)) {
      for (const m of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (!spec.startsWith('.')) continue;
        const target = path.relative(ROOT, path.resolve(path.join(ROOT, path.dirname(file)), spec));
        if (target === 'dev' || target.startsWith(`dev${path.sep}`)) offenders.push(`${file} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    expect(PRODUCTION.flatMap(tsFiles).length).toBeGreaterThan(50);
  });
});
