// vitest configuration of `npm run record-histories`: the usual test services, only the recording file.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, like vitest.config.ts
import vitest = require('vitest/config');

export = vitest.defineConfig({
  test: {
    include: ['test/replay/record-histories.record.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
