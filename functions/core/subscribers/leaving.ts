import type { Delivery, DeliveryRepo, IssueRepo } from '../ports';
import type { Subscriber } from '../subscriber';

export interface LeavingDeps {
  deliveries: Pick<DeliveryRepo, 'listForSubscriber'>;
  issues: Pick<IssueRepo, 'addUnsubscribedSince'>;
}

/** How many issues' counters are written at once: a reader of years of dailies has hundreds. */
const writesAtOnce = 10;

/**
 * Whether a delivery is one of the mails `reader` got in the subscription they just ended: sent (and
 * not bounced: a bounced mail reached nobody), at or after their current consent (the start of this
 * subscription: a resubscribe records it anew) and not after they left (a send in flight as they left
 * that finished after is not counted).
 */
function reachedBeforeLeaving(delivery: Delivery, reader: Subscriber): boolean {
  if (delivery.status !== 'sent' || delivery.feedback === 'bounced') return false;
  if (delivery.updatedAt > reader.updatedAt) return false;
  return !reader.consent || delivery.updatedAt >= reader.consent.at;
}

/**
 * Counts a reader who has just unsubscribed on every issue that reached them: one atomic add to each
 * such issue's `unsubscribedSince`, so that the overview and the issue page read a counter instead of
 * searching the readers. `reader` is the reader as stored by the write that made them `unsubscribed`
 * (its `updatedAt` is when they left); call it only when that write changed the status, so a reader
 * who unsubscribes twice is counted once. A reader who comes back and leaves again is counted again
 * only on the issues sent to them since they came back. Returns how many issues counted them.
 *
 * Not atomic with the status write: if the process dies between the two, or partway through the
 * counters, the issues not yet written never count this reader (nothing retries: the reader is
 * unsubscribed already, so a second click changes nothing). The counts err low, never high. An issue
 * whose delivery record has expired (`deliveryRetentionDays`) is not found, and one gone since (none is
 * deleted today) is skipped. Erasure and suppression (bounce, complaint) are not unsubscribes and count
 * nothing; erasing a reader later leaves their count, which names nobody. Readers who left before this
 * counter existed are in no count: counting starts at its deploy.
 */
export async function countLeaving(reader: Subscriber, deps: LeavingDeps): Promise<number> {
  const reached = (await deps.deliveries.listForSubscriber(reader.id)).filter((delivery) =>
    reachedBeforeLeaving(delivery, reader),
  );
  const issueIds = [...new Set(reached.map((delivery) => delivery.issueId))];
  let counted = 0;
  for (let start = 0; start < issueIds.length; start += writesAtOnce) {
    const written = await Promise.all(
      issueIds.slice(start, start + writesAtOnce).map((id) => deps.issues.addUnsubscribedSince(id)),
    );
    counted += written.filter(Boolean).length;
  }
  return counted;
}

/**
 * `countLeaving` after an unsubscribe that is already stored: a failure is given back as `countError`
 * for the caller to report, never thrown, so it never undoes the unsubscribe (the counts err low).
 */
export async function countLeavingReported(
  reader: Subscriber,
  deps: LeavingDeps,
): Promise<{ countError?: unknown }> {
  try {
    await countLeaving(reader, deps);
    return {};
  } catch (countError) {
    return { countError };
  }
}
