import { defineConfig } from 'vitest/config';

/** The long fault and crash runs (`npm run test:reliability`): real emulators, real processes. */
export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    globalSetup: ['tests/support/global-emulators.ts'],
    setupFiles: ['bin/quiet-sdk-warning.js'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
