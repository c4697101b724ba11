import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsSendQueue, sqsClientWith } from '../../functions/adapters/sqs-queue';
import type { SendJob } from '../../functions/core/ports';
import type { RunningService } from '../../functions/local/emulators';
import { startSqsEndpoint } from '../../functions/local/sqs-endpoint';
import { LocalTriggers } from '../../functions/local/triggers';

const triggers = new LocalTriggers('eu-west-1');
let endpoint: RunningService;
let sqs: ReturnType<typeof sqsClientWith>;

beforeAll(async () => {
  endpoint = await startSqsEndpoint(triggers);
  sqs = sqsClientWith({
    region: 'eu-west-1',
    endpoint: endpoint.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sqs.destroy();
  triggers.stop();
  await endpoint.close();
});

const jobsFor = (issueId: string, count: number): SendJob[] =>
  Array.from({ length: count }, (_, n) => ({ issueId, subscriberId: `r${n}`, variantKey: 'en.k' }));

/** A queue nobody consumes behind the local SQS endpoint, and the product's adapter in front of it. */
function heldQueue(name: string) {
  return {
    held: triggers.heldQueue(name),
    queue: new SqsSendQueue(sqs, `http://127.0.0.1/000000000000/${name}`),
  };
}

describe('SqsSendQueue through the local SQS endpoint', () => {
  it('enqueues a call of more requests than it sends at once: every job once, its body the job as JSON', async () => {
    // 1,003 jobs: 101 SendMessageBatch requests, the last of three entries.
    const { held, queue } = heldQueue('send-queue-many');
    const jobs = jobsFor('many', 1003);
    await queue.enqueue(jobs);

    const bodies = held.receive(2000, 60_000).map((message) => message.body);
    expect(bodies).toHaveLength(jobs.length);
    expect(bodies.sort()).toEqual(jobs.map((job) => JSON.stringify(job)).sort());
  });

  it("rejects the call with SQS's refusal when a request is refused, and keeps none of that request", async () => {
    const { held, queue } = heldQueue('send-queue-refused');
    const jobs = jobsFor('refused', 60);
    // A batch over SQS's 1 MiB is refused whole (the second request of six).
    const huge = { issueId: 'refused', subscriberId: 'x'.repeat(1024 * 1024), variantKey: 'en.k' };
    jobs[12] = huge;
    await expect(queue.enqueue(jobs)).rejects.toMatchObject({ name: 'BatchRequestTooLong' });

    const kept = new Set(held.receive(100, 60_000).map((message) => message.body));
    for (const job of jobs.slice(10, 20)) expect(kept.has(JSON.stringify(job))).toBe(false);
  });
});
