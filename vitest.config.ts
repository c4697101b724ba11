import { appendFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { logCaptureFile } from './tests/support/log-scan';

export default defineConfig({
  test: {
    include: ['tests/{unit,integration,infra}/**/*.test.ts'],
    // log-privacy fails the run when any log line of it holds an email or IP address.
    globalSetup: ['tests/support/global-emulators.ts', 'tests/support/log-privacy.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['bin/quiet-sdk-warning.js', 'tests/support/capture-logs.ts'],
    onConsoleLog(log) {
      appendFileSync(logCaptureFile(), `${log}\n`);
    },
  },
});
