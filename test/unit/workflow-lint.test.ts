import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('the workflow lint rule', () => {
  const eslint = new ESLint();
  const lint = async (code: string, filePath: string) => (await eslint.lintText(code, { filePath }))[0].messages.map((m) => m.ruleId);

  it('when workflow code imports a Node built-in or does I/O, then lint fails', async () => {
    expect(await lint("import fs from 'node:fs';\nexport const x = fs;\n", 'workflows/bad.ts')).toContain('no-restricted-imports');
    expect(await lint("import postgres from 'postgres';\nexport const x = postgres;\n", 'workflows/bad.ts')).toContain('no-restricted-imports');
    expect(await lint('export const t = Date.now();\n', 'workflows/bad.ts')).toContain('no-restricted-properties');
    expect(await lint('export const e = process.env;\n', 'workflows/bad.ts')).toContain('no-restricted-globals');
  });

  it('when the same code is outside workflows/, then lint allows it', async () => {
    expect(await lint("import fs from 'node:fs';\nexport const x = fs;\n", 'src/ok.ts')).toEqual([]);
  });
});
