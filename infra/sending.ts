import { Duration } from 'aws-cdk-lib';

export { senderConcurrencyFor } from '../functions/core/send/rate-limit';

/**
 * Timeout of the sender function: a batch of 10 at the slowest per-invocation rate (an account rate of
 * 1/s split over 2 senders: 20 s) with room for SES retries. The functions read it as
 * NASHRA_SENDER_TIMEOUT_SECONDS to size their delivery-claim lease.
 */
export const SENDER_TIMEOUT = Duration.seconds(60);

/**
 * The send queue's visibility timeout: AWS asks for at least 6 × the consumer's timeout, so that a
 * message is not handed to a second sender while the first may still be working on it.
 */
export const SEND_QUEUE_VISIBILITY = Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6);

/** Receives before a send job is parked in the DLQ (the sender's own `maxReceiveCount` agrees). */
export const SEND_MAX_RECEIVES = 5;
