import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureTables } from '../../functions/adapters/dynamodb/table-admin';
import { addSchedule } from '../../functions/core/schedules';
import { senderConcurrencyFor } from '../../functions/core/send/rate-limit';
import { mjmlMailRenderer } from '../../functions/runtime/rendering';
import { createRuntime } from '../../functions/runtime/runtime';
import { sendingParts } from '../../functions/runtime/sending';
import { loadConfig } from '../../functions/shared/config';
import { startFaultySes } from '../support/faulty-ses';
import { sesStore } from '../support/local-aws';
import { logCaptureFile } from '../support/log-scan';
import { seedSubscribers } from '../support/seed';
import { reader } from '../support/test-stack';

const cli = join(import.meta.dirname, '../../bin/nashra.js');
const readers = Array.from({ length: 150 }, () => reader());
const sendRate = 100;
let faulty: Awaited<ReturnType<typeof startFaultySes>>;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-crash-')),
  NASHRA_TABLE_PREFIX: `k${randomBytes(4).toString('hex')}-`,
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
  NASHRA_LINK_SIGNING_KEY: 'test-signing-key-0123456789abcdef0123456789',
  NASHRA_SEND_RATE: String(sendRate),
  NASHRA_SENDER_TIMEOUT_SECONDS: '3',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

afterAll(() => faulty?.close());

async function delivered(): Promise<Map<string, number>> {
  const wanted = new Set(readers.map((r) => r.email));
  const counts = new Map<string, number>();
  for (const mail of await sesStore()) {
    const to = mail.destination.to[0] ?? '';
    if (wanted.has(to)) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

/** A `digest send` process; what it writes goes to the run's log capture, scanned for addresses at the end. */
function digestSend(): ChildProcess {
  const child = spawn('node', [cli, 'digest', 'send', 'weekly', '--yes', '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => appendFileSync(logCaptureFile(), chunk));
  return child;
}

async function finished(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the sending process killed at random points, then resumed', () => {
  it('skips nobody, and duplicates at most the mails in flight at each kill', async () => {
    faulty = await startFaultySes(inject('sesUrl'), {});
    env.AWS_ENDPOINT_URL_SES = faulty.url;
    const config = loadConfig(env);
    const runtime = createRuntime('local', config, { renderer: mjmlMailRenderer });
    await ensureTables(runtime.dynamodb, config.tables);
    const { db } = runtime;
    const services = sendingParts(runtime);
    const now = new Date().toISOString();
    await services.articles.save({
      id: 'crash-article',
      lang: 'en',
      title: 'Statement',
      summary: 'Summary',
      bodyHtml: '<p>body</p>',
      url: 'https://www.example.org/crash',
      topics: [],
      publishedAt: new Date(Date.now() - 60_000).toISOString(),
      urgent: false,
      firstSeenAt: now,
      updatedAt: now,
    });
    await seedSubscribers(db, config.tables.subscribers, readers);
    await addSchedule(
      { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      services,
    );

    // Each kill lands while SES has accepted mails whose answer the sender has not yet had: the
    // window between SES accepting and the delivery record.
    faulty.rates.answerDelayMs = 400;
    const kills: Array<{ at: number; inFlight: number }> = [];
    for (const fraction of [0.2 + Math.random() * 0.2, 0.55 + Math.random() * 0.2]) {
      const child = digestSend();
      const target = Math.floor(readers.length * fraction);
      await expect
        .poll(async () => total(await delivered()), { timeout: 120_000, interval: 50 })
        .toBeGreaterThanOrEqual(target);
      const forwardedBefore = faulty.counts.forwarded;
      child.kill('SIGKILL');
      await finished(child);
      kills.push({ at: total(await delivered()), inFlight: faulty.counts.forwarded - forwardedBefore });
    }

    faulty.rates.answerDelayMs = 0;
    const resume = digestSend();
    expect(await finished(resume)).toBe(0);

    const counts = await delivered();
    const skipped = readers.filter((r) => !counts.has(r.email));
    const duplicates = [...counts.values()].reduce((sum, n) => sum + (n - 1), 0);
    const bound = kills.length * senderConcurrencyFor(sendRate) * 10;
    console.log(
      `killed at ${kills.map((k) => k.at).join(' and ')} of ${readers.length} mails; after resume: ${skipped.length} skipped, ${duplicates} duplicated (bound ${bound}: ${senderConcurrencyFor(sendRate)} senders × 10 per batch × ${kills.length} kills)`,
    );
    expect(skipped).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(bound);
    const [issue] = (await services.issues.list({ limit: 1 })).issues;
    expect(issue).toMatchObject({ status: 'sent', recipients: readers.length });
    await runtime.close();
  });
});
