import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../functions/http/app';
import { hashForLog } from '../../functions/shared/logger';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, type TestStack } from '../support/test-stack';

let t: TestStack;
let app: ReturnType<typeof createApp>;
const active = reader({ status: 'active' });

beforeAll(async () => {
  t = await openTestStack({ NASHRA_BASE_URL: 'https://nashra.example' });
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, [active]);
  app = createApp(t.runtime);
});
afterAll(() => t?.close());
afterEach(() => vi.restoreAllMocks());

let client = 0;

/** The structured log lines written while one subscribe request for `email` is handled. */
async function logLinesOfSubscribe(email: string): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  const body = new URLSearchParams({ email, languages: 'en', cadence: 'weekly', lang: 'en' });
  const answer = await app.request(
    '/subscribe',
    { method: 'POST', body },
    {
      incoming: { socket: { remoteAddress: `203.0.113.${++client}` } },
    },
  );
  vi.restoreAllMocks();
  expect(answer.status).toBe(200);
  return written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the subscribe request log line', () => {
  it('records the outcome with nothing that joins it to an address', async () => {
    const newcomer = `newcomer-${Date.now()}@example.org`;
    for (const email of [newcomer, active.email]) {
      const lines = await logLinesOfSubscribe(email);
      const line = lines.find((entry) => entry.message === 'subscribe request');
      expect(line?.outcome, email).toEqual(expect.any(String));
      expect(Object.keys(line ?? {})).not.toContain('address');
      for (const entry of lines) expect(JSON.stringify(entry)).not.toContain(hashForLog(email));
    }
  });
});
