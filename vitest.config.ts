// CommonJS form (the package is CommonJS), so Vite loads it without an "ESM syntax in CommonJS" warning.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
import vitest = require('vitest/config');

export = vitest.defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    // Forks, not threads: Temporal workers use native code and are safest in their own process.
    pool: 'forks',
    testTimeout: 60_000,
    // The first run may start PostgreSQL and Temporal and bundle workflows.
    hookTimeout: 180_000,
    reporters: ['default', './test/setup/plain-summary-reporter.ts'],
  },
});
