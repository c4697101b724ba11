import { appendFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { logCaptureFile } from './tests/support/log-scan';

/** The long fault and crash runs (`npm run test:reliability`): real emulators, real processes. */
export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    // log-privacy fails the run when any log line of it, the killed processes' included, holds an
    // email or IP address.
    globalSetup: ['tests/support/global-emulators.ts', 'tests/support/log-privacy.ts'],
    setupFiles: ['bin/quiet-sdk-warning.js', 'tests/support/capture-logs.ts'],
    onConsoleLog(log) {
      appendFileSync(logCaptureFile(), `${log}\n`);
    },
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
