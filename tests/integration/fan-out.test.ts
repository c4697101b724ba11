import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient, SqsSendQueue } from '../../functions/adapters/sqs-queue';
import { ConflictError } from '../../functions/core/errors';
import { type Issue, untouchedIssue } from '../../functions/core/issue';
import type { CompiledMail } from '../../functions/core/mail/compiled-mail';
import { variantFor } from '../../functions/core/mail/variant';
import type { SendJob, SendQueue } from '../../functions/core/ports';
import { variantKey } from '../../functions/core/send/audience';
import { type FanOutDeps, fanOut, pagesInFlight } from '../../functions/core/send/fan-out';
import type { FanOutReader, Subscriber } from '../../functions/core/subscriber';
import { basraAr, basraEn } from '../fixtures/render-articles';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, type TestStack } from '../support/test-stack';

const articles = [basraAr, basraEn];
const compiled: CompiledMail = {
  subject: 'Digest',
  preheader: '',
  html: '<p>{{unsubscribeUrl}}</p>',
  text: '{{unsubscribeUrl}}',
  lang: 'en',
  contentLanguage: 'en',
};
const pageSize = 10;

let t: TestStack;
let readers: Subscriber[];

/**
 * A send queue that keeps what it was given, answering each call only when `release` lets it: the
 * test decides in which order pages land (the real queue answers in whatever order SQS does).
 */
class HeldQueue implements SendQueue {
  readonly jobs: SendJob[] = [];
  private readonly waiting: Array<{ jobs: SendJob[]; done: () => void; fail: (error: Error) => void }> = [];

  enqueue(jobs: SendJob[]): Promise<void> {
    return new Promise((done, fail) => {
      this.waiting.push({ jobs, done, fail });
      this.onCall?.(this.waiting.length);
    });
  }

  onCall?: (waiting: number) => void;

  /** Lets the newest waiting call land first, then the others, newest to oldest. */
  releaseNewestFirst(): void {
    for (const call of this.waiting.splice(0).reverse()) {
      this.jobs.push(...call.jobs);
      call.done();
    }
  }

  /** The jobs of the calls not yet answered. */
  waitingJobs(): SendJob[] {
    return this.waiting.flatMap((call) => call.jobs);
  }

  failOldest(error: Error): void {
    this.waiting.shift()?.fail(error);
  }
}

function newIssue(id: string): Issue {
  const now = new Date().toISOString();
  return {
    id,
    kind: 'digest',
    articleIds: articles.map((article) => article.id),
    status: 'sending',
    ...untouchedIssue(now),
  };
}

const select = (subscriber: FanOutReader) => ({ variant: variantFor(subscriber.languages), articles });
const deps = (queue: SendQueue): FanOutDeps => ({
  subscribers: t.services.subscribers,
  issues: t.services.issues,
  clock: t.services.clock,
  queue,
  pageSize,
});

beforeAll(async () => {
  t = await openTestStack();
  const languages = [['ar'], ['en'], ['ar', 'en'], ['en', 'ar']] as const;
  readers = Array.from({ length: 95 }, (_, n) =>
    reader({ cadence: 'daily', languages: [...(languages[n % 4] ?? ['en'])] }),
  );
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, readers);
});

afterAll(() => t?.close());

describe('fan-out with pages in flight side by side', () => {
  it('enqueues each reader once with their variant and counts every page once, in order, whatever order pages land in', async () => {
    const { issue } = await t.services.issues.createOnce(newIssue(`fan-out-order-${Date.now()}`));
    const queue = new HeldQueue();
    // Pages land newest first: held until as many are in flight as may be, or the last page is in.
    const pages = Math.ceil(readers.length / pageSize);
    let calls = 0;
    queue.onCall = (waiting) => {
      calls += 1;
      if (waiting === pagesInFlight || calls === pages) queueMicrotask(() => queue.releaseNewestFirst());
    };
    const result = await fanOut(issue, ['daily'], select, async () => compiled, deps(queue));

    expect(result.recipients).toBe(readers.length);
    expect(queue.jobs).toHaveLength(readers.length);
    expect(new Map(queue.jobs.map((job) => [job.subscriberId, job.variantKey]))).toEqual(
      new Map(readers.map((r) => [r.id, variantKey(variantFor(r.languages), articles)])),
    );
    const stored = await t.services.issues.get(issue.id);
    expect(stored?.recipients).toBe(readers.length);
    expect(JSON.parse(stored?.fanOutPosition ?? '')).toEqual([1, null]);
  });

  it('counts no page after one whose jobs failed to enqueue; resumed, it enqueues the rest and counts each page once', async () => {
    const { issue } = await t.services.issues.createOnce(newIssue(`fan-out-resume-${Date.now()}`));
    const failing = new HeldQueue();
    // The first two pages land; the third fails while later pages are in flight.
    let calls = 0;
    failing.onCall = () => {
      calls += 1;
      if (calls <= 2) queueMicrotask(() => failing.releaseNewestFirst());
      if (calls === 2 + pagesInFlight) queueMicrotask(() => failing.failOldest(new Error('SQS is down')));
    };
    await expect(fanOut(issue, ['daily'], select, async () => compiled, deps(failing))).rejects.toThrow(
      'SQS is down',
    );
    failing.releaseNewestFirst();
    const cut = await t.services.issues.get(issue.id);
    expect(cut?.recipients).toBe(2 * pageSize);

    const healthy = new HeldQueue();
    healthy.onCall = () => queueMicrotask(() => healthy.releaseNewestFirst());
    const resumed = await fanOut(cut as Issue, ['daily'], select, async () => compiled, deps(healthy));

    const firstRun = new Set(failing.jobs.slice(0, 2 * pageSize).map((job) => job.subscriberId));
    expect(resumed.recipients).toBe(readers.length - 2 * pageSize);
    expect(healthy.jobs.some((job) => firstRun.has(job.subscriberId))).toBe(false);
    const everyone = new Set([...failing.jobs, ...healthy.jobs].map((job) => job.subscriberId));
    expect(everyone).toEqual(new Set(readers.map((r) => r.id)));
    expect((await t.services.issues.get(issue.id))?.recipients).toBe(readers.length);
  });

  it('enqueues no job before its variant is stored and listed on the issue, and none of a page whose variant failed to store', async () => {
    const { issue } = await t.services.issues.createOnce(newIssue(`fan-out-variants-${Date.now()}`));
    const queue = new HeldQueue();
    const missingAtEnqueue: string[] = [];
    queue.onCall = () =>
      queueMicrotask(async () => {
        const keys = new Set(queue.waitingJobs().map((job) => job.variantKey));
        const listed = (await t.services.issues.get(issue.id))?.variantKeys ?? [];
        for (const key of keys)
          if (!listed.includes(key) || !(await t.services.issues.getVariant(issue.id, key)))
            missingAtEnqueue.push(key);
        queue.releaseNewestFirst();
      });
    const result = await fanOut(issue, ['daily'], select, async () => compiled, deps(queue));
    expect(result.compiles).toBe(4);
    expect(queue.jobs).toHaveLength(readers.length);
    expect(missingAtEnqueue).toEqual([]);

    const broken = await t.services.issues.createOnce(newIssue(`fan-out-variant-lost-${Date.now()}`));
    const untouched = new HeldQueue();
    untouched.onCall = () => queueMicrotask(() => untouched.releaseNewestFirst());
    const failingStore = {
      ...deps(untouched),
      issues: Object.assign(Object.create(t.services.issues), {
        saveVariant: async () => {
          throw new Error('DynamoDB is down');
        },
      }),
    };
    await expect(fanOut(broken.issue, ['daily'], select, async () => compiled, failingStore)).rejects.toThrow(
      'DynamoDB is down',
    );
    expect(untouched.jobs).toEqual([]);
    expect((await t.services.issues.get(broken.issue.id))?.recipients).toBe(0);
  });

  it('stops with a ConflictError when another fan-out counted the page first', async () => {
    const { issue } = await t.services.issues.createOnce(newIssue(`fan-out-conflict-${Date.now()}`));
    const queue = new HeldQueue();
    queue.onCall = () => queueMicrotask(() => queue.releaseNewestFirst());
    // Another fan-out of the same issue has moved the position on.
    await t.services.issues.recordFanOutPage(issue.id, 0, '', '[0,"elsewhere"]', new Date().toISOString());
    await expect(fanOut(issue, ['daily'], select, async () => compiled, deps(queue))).rejects.toThrow(
      ConflictError,
    );
  });
});

describe('fan-out through the local SQS endpoint, whatever the page size', () => {
  it('sends every reader one job, byte for byte the same, in pages that split the readers unevenly or not at all', async () => {
    const sqs = createSqsClient(t.stack.config);
    const expected = (issueId: string) =>
      readers
        .map((r) =>
          JSON.stringify({
            issueId,
            subscriberId: r.id,
            variantKey: variantKey(variantFor(r.languages), articles),
          }),
        )
        .sort();
    try {
      // 95 readers: pages of 7 end on a page of 4, pages of 100 and of 1000 hold everyone in one.
      for (const size of [7, 100, 1000]) {
        const name = `fan-out-pages-${size}-${Date.now()}`;
        const held = t.stack.triggers.heldQueue(name);
        const queue = new SqsSendQueue(sqs, `http://127.0.0.1/000000000000/${name}`);
        const { issue } = await t.services.issues.createOnce(newIssue(`fan-out-pages-${size}-${Date.now()}`));
        const result = await fanOut(issue, ['daily'], select, async () => compiled, {
          ...deps(queue),
          pageSize: size,
        });

        const bodies = held.receive(readers.length + 1, 60_000).map((message) => message.body);
        expect(result.recipients).toBe(readers.length);
        expect(bodies.sort()).toEqual(expected(issue.id));
        const stored = await t.services.issues.get(issue.id);
        expect(stored?.recipients).toBe(readers.length);
        expect(JSON.parse(stored?.fanOutPosition ?? '')).toEqual([1, null]);
      }
    } finally {
      sqs.destroy();
    }
  });
});
