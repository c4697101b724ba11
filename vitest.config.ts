import { appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { logCaptureFile } from './tests/support/log-scan';

export default defineConfig({
  test: {
    include: ['tests/{unit,integration,cli,infra}/**/*.test.ts'],
    // log-privacy fails the run when any log line of it holds an email or IP address.
    globalSetup: ['tests/support/global-emulators.ts', 'tests/support/log-privacy.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The tests wait on emulators and child processes about half the time: a worker per core keeps
    // both cores busy (vitest's default, one fewer than the cores, runs them one by one on two).
    maxWorkers: Math.max(availableParallelism(), 2),
    setupFiles: ['bin/quiet-sdk-warning.js', 'tests/support/capture-logs.ts'],
    onConsoleLog(log) {
      appendFileSync(logCaptureFile(), `${log}\n`);
    },
  },
});
