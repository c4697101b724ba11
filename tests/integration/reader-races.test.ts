import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedSesNotification } from '../../functions/cli/commands/feedback';
import type { Subscriber } from '../../functions/core/subscriber';
import { createFeedbackHandler } from '../../functions/handlers/ses-feedback';
import { createApp } from '../../functions/http/app';
import type { ReaderEnv } from '../../functions/http/reader-language';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { openTestStack, reader, type TestStack } from '../support/test-stack';

let t: TestStack;
let services: ReaderParts;
let app: Hono<ReaderEnv>;
const now = new Date('2026-11-04T09:00:00.000Z');
const trials = 20;
const savesPerTrial = 10;
/** Many trials of many requests each, on a shared, loaded machine. */
const raceTimeout = 240_000;

beforeAll(async () => {
  t = await openTestStack({ NASHRA_BASE_URL: 'https://nashra.example' });
  const runtime = t.withClock({ now: () => now });
  services = readerParts(runtime);
  app = createApp(runtime);
});
afterAll(() => t?.close());

const sign = (subscriber: Subscriber, purpose: 'unsubscribe' | 'preferences') =>
  services.signer.sign({ subscriberId: subscriber.id, purpose, linkVersion: subscriber.linkVersion }, now);

/** Ten preference saves of one reader, each a different choice, all in flight at once. */
function preferenceSaves(subscriber: Subscriber): Array<Promise<Response>> {
  const token = sign(subscriber, 'preferences');
  return Array.from({ length: savesPerTrial }, async (_, i) =>
    app.request(`/preferences/${token}`, {
      method: 'POST',
      body: new URLSearchParams({
        languages: i % 2 ? 'en,ar' : 'ar',
        cadence: ['instant', 'daily', 'weekly'][i % 3] ?? 'weekly',
        topics: i % 2 ? 'water' : 'security',
        urgentAlerts: i % 2 ? 'on' : 'off',
        ...(i % 4 === 0 ? { paused: 'on' } : {}),
      }),
    }),
  );
}

const feedback = () =>
  createFeedbackHandler({
    subscribers: services.subscribers,
    clock: services.clock,
    transientBounceLimit: 3,
  });

/** Whether any fan-out segment still lists the reader. */
async function inAnySegment(id: string): Promise<boolean> {
  for (const cadence of ['instant', 'daily', 'weekly'] as const) {
    const page = await services.subscribers.pageSegment(cadence, { limit: 1000 });
    if (page.subscribers.some((subscriber) => subscriber.id === id)) return true;
  }
  return false;
}

async function newReader(tag: string, trial: number): Promise<Subscriber> {
  const subscriber = reader({ email: `${tag}-${trial}@example.org`, cadence: 'daily' });
  await services.subscribers.create(subscriber);
  return subscriber;
}

describe('a preference save never undoes a change of status', () => {
  it(
    `a one-click unsubscribe among ${savesPerTrial} saves leaves the reader unsubscribed, in ${trials} of ${trials} trials`,
    async () => {
      const ended: string[] = [];
      for (let trial = 0; trial < trials; trial++) {
        const subscriber = await newReader('race-unsubscribe', trial);
        const token = sign(subscriber, 'unsubscribe');
        const saves = preferenceSaves(subscriber);
        const oneClick = app.request(`/unsubscribe/${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        const answers = await Promise.all([...saves, oneClick]);
        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
        const after = (await services.subscribers.get(subscriber.id))?.status ?? 'gone';
        ended.push(`${after}${(await inAnySegment(subscriber.id)) ? ', in a segment' : ''}`);
      }
      expect(ended).toEqual(ended.map(() => 'unsubscribed'));
    },
    raceTimeout,
  );

  it.each([
    ['a complaint', 'complaint', 'complained'],
    ['a permanent bounce', 'bounce', 'bounced'],
  ] as const)(
    `%s among ${savesPerTrial} saves leaves the reader suppressed, in ${trials} of ${trials} trials`,
    async (_, kind, status) => {
      const ended: string[] = [];
      for (let trial = 0; trial < trials; trial++) {
        const subscriber = await newReader(`race-${kind}`, trial);
        const saves = preferenceSaves(subscriber);
        const event = feedback()(simulatedSesNotification(kind, subscriber.email, now));
        const [outcomes] = await Promise.all([event, ...saves]);
        expect(outcomes).toEqual([{ suppressed: 1, counted: 0, unknown: 0, ignored: false }]);
        const after = (await services.subscribers.get(subscriber.id))?.status ?? 'gone';
        ended.push(`${after}${(await inAnySegment(subscriber.id)) ? ', in a segment' : ''}`);
      }
      expect(ended).toEqual(ended.map(() => status));
    },
    raceTimeout,
  );

  it(
    'counts every transient bounce that arrives during saves, and suppresses at the limit',
    async () => {
      for (let trial = 0; trial < trials / 2; trial++) {
        const subscriber = await newReader('race-transient', trial);
        const saves = preferenceSaves(subscriber);
        const bounces = Array.from({ length: 3 }, () =>
          feedback()(simulatedSesNotification('transient-bounce', subscriber.email, now)),
        );
        await Promise.all([...bounces, ...saves]);
        expect(await services.subscribers.get(subscriber.id)).toMatchObject({
          status: 'bounced',
          bounceCount: 3,
        });
        expect(await inAnySegment(subscriber.id)).toBe(false);
      }
    },
    raceTimeout,
  );
});
