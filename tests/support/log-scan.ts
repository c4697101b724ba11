import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where one test run's log lines are collected (every console line and every write to stdout/stderr
 * of the test processes), keyed by the vitest main process so parallel runs never mix.
 */
export function logCaptureFile(mainPid = process.env.NASHRA_TEST_MAIN_PID ?? String(process.pid)): string {
  return join(tmpdir(), `nashra-test-logs-${mainPid}.log`);
}

const emailAddress = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const ipv4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/g;
const ipv6 =
  /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?|::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6}))(?![\w:.])/gi;

/** The loopback addresses the emulators and local servers listen on: endpoints, not people. */
const loopback = (address: string) =>
  /^127\./.test(address) || address === '0.0.0.0' || address === '::1' || address === '::';

/** Addresses nashra itself sends from or names in headers: its own, never a reader's. */
const ownDomains = /@(?:[\w-]+\.)*(?:nashra\.example|marker\.invalid)$/i;

export interface LogLeak {
  line: string;
  found: string[];
}

/**
 * The lines that hold an email address (other than nashra's own sending addresses) or an IP
 * address (other than loopback): what must never reach a log.
 */
export function leaksIn(lines: Iterable<string>): LogLeak[] {
  const leaks: LogLeak[] = [];
  for (const line of lines) {
    const found = [
      ...[...line.matchAll(emailAddress)].map((m) => m[0]).filter((address) => !ownDomains.test(address)),
      ...[...line.matchAll(ipv4)].map((m) => m[0]).filter((address) => !loopback(address)),
      ...[...line.matchAll(ipv6)].map((m) => m[0]).filter((address) => !loopback(address)),
    ];
    if (found.length > 0) leaks.push({ line, found });
  }
  return leaks;
}
