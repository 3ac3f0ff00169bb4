import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

describe('the lint rules', () => {
  const eslint = new ESLint({ cwd: ROOT });
  // The type-aware rules need a file TypeScript's project can see: each snippet is written for a moment
  // into the folder it stands for, under a name nothing else uses.
  const lint = async (code: string, filePath: string) => {
    const file = path.join(ROOT, path.dirname(filePath), `lint-probe-${process.pid}-${path.basename(filePath)}`);
    writeFileSync(file, code);
    try {
      return (await eslint.lintFiles([file]))[0].messages.map((m) => m.ruleId ?? m.message);
    } finally {
      rmSync(file, { force: true });
    }
  };

  it('when workflow code imports a Node built-in or does I/O, then lint fails', async () => {
    expect(await lint("import fs from 'node:fs';\nexport const x = fs;\n", 'workflows/bad.ts')).toContain('no-restricted-imports');
    expect(await lint("import postgres from 'postgres';\nexport const x = postgres;\n", 'workflows/bad.ts')).toContain('no-restricted-imports');
    expect(await lint('export const t = Date.now();\n', 'workflows/bad.ts')).toContain('no-restricted-properties');
    expect(await lint('export const e = process.env;\n', 'workflows/bad.ts')).toContain('no-restricted-globals');
  });

  it('when the same code is outside workflows/, then lint allows it', async () => {
    expect(await lint("import fs from 'node:fs';\nexport const x = fs;\n", 'src/ok.ts')).toEqual([]);
  });

  it('when a promise is left floating or an async function is passed where nothing awaits it, then lint fails', async () => {
    const floating = 'async function work(): Promise<void> {}\nexport function run(): void {\n  work();\n}\n';
    expect(await lint(floating, 'src/floating.ts')).toContain('@typescript-eslint/no-floating-promises');
    const misused = "import { EventEmitter } from 'node:events';\nexport const e = new EventEmitter();\ne.on('x', async () => {});\nexport const ok = [1].forEach(async () => {});\n";
    expect(await lint(misused, 'src/misused.ts')).toContain('@typescript-eslint/no-misused-promises');
    expect(await lint('async function work(): Promise<void> {}\nexport function run(): void {\n  void work();\n}\n', 'src/handled.ts')).toEqual([]);
  });
});
