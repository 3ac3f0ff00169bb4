// Lint: TypeScript's recommended rules everywhere, two type-aware ones, and determinism rules for workflow code.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'coverage/**', 'public/**'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware, for the rules that catch real bugs: a promise nobody awaits or catches (an unhandled
    // rejection ends the process), and an async function where a callback's result is ignored.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: it must not touch the outside world or anything that differs between runs.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must not use Node built-ins: do I/O in an activity.' })),
        patterns: [
          { group: ['postgres', 'express', '@google-cloud/*', 'playwright-core', 'csv-stringify', 'csv-stringify/*'], message: 'Workflows must not do I/O: use an activity.' },
          { group: ['**/src/db/*', '**/src/storage/*', '**/src/api/*', '**/src/config', '**/activities/*'], message: 'Workflows import activity types only (import type), never I/O modules.', allowTypeImports: true },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'Workflows must not read the environment.' },
        { name: 'require', message: 'Workflows must not load modules dynamically.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Use workflow time deliberately; Date.now() in workflows reads as a bug.' },
        { object: 'Math', property: 'random', message: 'Workflows must be deterministic.' },
      ],
    },
  },
);
