/** Waits; injected so tests run on fake time. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket of capacity one: sends are spaced at least 1/rate apart, and concurrent callers
 * reserve successive slots, so no burst ever exceeds the rate.
 */
export class TokenBucket {
  private nextSlot = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = realSleep,
  ) {
    if (!(ratePerSecond > 0)) throw new Error('the rate must be positive');
  }

  async take(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.ratePerSecond;
    if (slot > now) await this.sleep(slot - now);
  }
}

/**
 * The account's SES rate split across the send queue's maximum concurrency: each concurrent sender
 * invocation takes one bucket of rate/concurrency for its whole run, so however the invocations
 * interleave the sum never exceeds the account rate. On Lambda a container runs one invocation at a
 * time and holds one bucket; the local runtime runs several invocations in one process and the pool
 * hands each its own. A bucket keeps its spacing between invocations, so a new batch cannot burst.
 */
export class SendRatePool {
  private readonly free: TokenBucket[];

  constructor(
    readonly accountRate: number,
    readonly maxConcurrency: number,
    now: () => number = Date.now,
    sleep: Sleep = realSleep,
  ) {
    this.free = Array.from(
      { length: maxConcurrency },
      () => new TokenBucket(accountRate / maxConcurrency, now, sleep),
    );
  }

  acquire(): TokenBucket {
    const bucket = this.free.pop();
    if (!bucket) throw new Error('more concurrent senders than the queue allows');
    return bucket;
  }

  release(bucket: TokenBucket): void {
    this.free.push(bucket);
  }
}

/** The send queue's maximum concurrency for an account rate: ten-message batches, ≥ 2, ≤ 1000. */
export function senderConcurrencyFor(accountRate: number, perInvocationRate = 50): number {
  return Math.min(1000, Math.max(2, Math.ceil(accountRate / perInvocationRate)));
}
