import { describe, expect, it } from 'vitest';
import { PermanentSendError, TransientSendError } from '../../functions/core/errors';
import { SendRatePool, senderConcurrencyFor, TokenBucket } from '../../functions/core/send/rate-limit';
import { retryTransient } from '../../functions/core/send/retry';

/** A clock that only moves when someone sleeps: time is simulated, never waited for. */
function fakeTime() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('the send rate', () => {
  it('spaces one bucket’s sends at 1/rate, however many callers take at once', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(10, time.now, time.sleep);
    const taken: number[] = [];
    for (let i = 0; i < 5; i++) {
      await bucket.take();
      taken.push(time.now());
    }
    expect(taken).toEqual([0, 100, 200, 300, 400]);
  });

  it('never lets all concurrent senders together exceed the account rate in any second', async () => {
    const time = fakeTime();
    const pool = new SendRatePool(100, 4, time.now, time.sleep);
    const sends: number[] = [];
    const buckets = [pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()];
    expect(() => pool.acquire()).toThrow(/more concurrent senders/);
    // Four invocations interleave their takes; each records when its send is allowed.
    for (let round = 0; round < 100; round++) {
      for (const bucket of buckets) {
        const before = time.now();
        await bucket.take();
        sends.push(time.now());
        if (time.now() < before) throw new Error('time went back');
      }
    }
    sends.sort((a, b) => a - b);
    for (let i = 0; i < sends.length; i++) {
      const window = sends.filter((t) => t >= (sends[i] ?? 0) && t < (sends[i] ?? 0) + 1000);
      expect(window.length).toBeLessThanOrEqual(100);
    }
    for (const bucket of buckets) pool.release(bucket);
    expect(pool.acquire()).toBeInstanceOf(TokenBucket);
  });

  it('derives the send queue concurrency from the account rate', () => {
    expect(senderConcurrencyFor(14)).toBe(2);
    expect(senderConcurrencyFor(500)).toBe(10);
    expect(senderConcurrencyFor(100_000)).toBe(1000);
  });
});

describe('retryTransient', () => {
  it('retries transient failures with backoff and full jitter, then gives up', async () => {
    const time = fakeTime();
    let calls = 0;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      await time.sleep(ms);
    };
    await expect(
      retryTransient(
        async () => {
          calls += 1;
          throw new TransientSendError('Maximum sending rate exceeded.');
        },
        { attempts: 4, baseMs: 100, capMs: 250 },
        sleep,
        () => 0.999,
      ),
    ).rejects.toBeInstanceOf(TransientSendError);
    expect(calls).toBe(4);
    expect(waits).toEqual([99, 199, 249]);
  });

  it('returns the retries it took, and never retries a permanent failure', async () => {
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls += 1;
        if (calls < 3) throw new TransientSendError('throttled');
        return 'ok';
      },
      { attempts: 4, baseMs: 1, capMs: 1 },
      async () => {},
    );
    expect(result).toEqual({ result: 'ok', retries: 2 });
    let permanent = 0;
    await expect(
      retryTransient(async () => {
        permanent += 1;
        throw new PermanentSendError('rejected');
      }),
    ).rejects.toBeInstanceOf(PermanentSendError);
    expect(permanent).toBe(1);
  });
});
