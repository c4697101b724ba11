import { existsSync, readFileSync, rmSync } from 'node:fs';
import { leaksIn, logCaptureFile } from './log-scan';

/**
 * Global setup of the test run: starts an empty log capture (filled by capture-logs.ts in each test
 * process and by onConsoleLog in vitest.config.ts) and, at the end of the run, fails it when any
 * captured line holds an email address or an IP address (the process exits 1, naming the lines).
 */
export default function setup() {
  process.env.NASHRA_TEST_MAIN_PID = String(process.pid);
  const file = logCaptureFile();
  rmSync(file, { force: true });
  return () => {
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').split('\n');
    rmSync(file, { force: true });
    const leaks = leaksIn(lines);
    if (leaks.length === 0) return;
    const shown = leaks
      .slice(0, 10)
      .map((leak) => `  ${leak.found.join(', ')} in: ${leak.line.slice(0, 300)}`)
      .join('\n');
    // Thrown, the error would stop the other teardowns (the emulators would be left running) and
    // vitest would still exit 0: say it, and fail the process.
    console.error(
      `\nnashra: ${leaks.length} log line(s) hold an email or IP address (log hashForLog(value) instead):\n${shown}\n`,
    );
    process.exitCode = 1;
  };
}
