import { TransientSendError } from '../errors';
import { realSleep, type Sleep } from './rate-limit';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseMs: 100, capMs: 2000 };

/**
 * Retries a call that failed transiently (throttling, 5xx, dropped connection) with exponential
 * backoff and full jitter; any other error, or the last transient one, goes to the caller.
 * Returns the result and how many retries it took.
 */
export async function retryTransient<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
  sleep: Sleep = realSleep,
  random: () => number = Math.random,
): Promise<{ result: T; retries: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { result: await call(), retries: attempt - 1 };
    } catch (error) {
      if (!(error instanceof TransientSendError) || attempt >= policy.attempts) throw error;
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
      await sleep(Math.floor(random() * ceiling));
    }
  }
}
