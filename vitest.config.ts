import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/{unit,integration,infra}/**/*.test.ts'],
    globalSetup: ['tests/support/global-emulators.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['bin/quiet-sdk-warning.js'],
  },
});
