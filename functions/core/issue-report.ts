import type { Issue } from './issue';
import type { Delivery, DeliveryRepo, SubscriberRepo } from './ports';
import type { SubscriberStatus } from './subscriber';
import { csvLine } from './subscribers/csv';
import { formatStaffTime } from './time';

/**
 * What became of one recipient's mail, as staff read it: the delivery's own status, or the feedback
 * SES sent about a mail that went (a bounce, a complaint). No opens, no clicks: nashra does not track
 * readers.
 */
export type RecipientOutcome =
  | 'sent'
  | 'skipped'
  | 'failed'
  | 'bounced'
  | 'complained'
  | 'sending'
  | 'parked';

export interface RecipientRow {
  subscriberId: string;
  /** The reader's address; absent when the reader was erased since. */
  email?: string;
  /** The reader's status now: tells who unsubscribed or was suppressed since. */
  readerStatus?: SubscriberStatus;
  outcome: RecipientOutcome;
  /** Why it was skipped or failed, or SES's words for a bounce or complaint. */
  reason?: string;
  /** When the outcome was recorded (the feedback's time for a bounce or complaint). */
  at: string;
}

/** One delivery's outcome: feedback about a sent mail wins over `sent`. */
export function outcomeOf(delivery: Delivery): Pick<RecipientRow, 'outcome' | 'reason' | 'at'> {
  if (delivery.feedback)
    return {
      outcome: delivery.feedback,
      ...(delivery.feedbackDetail ? { reason: delivery.feedbackDetail } : {}),
      at: delivery.feedbackAt ?? delivery.updatedAt,
    };
  return {
    outcome: delivery.status,
    ...(delivery.reason ? { reason: delivery.reason } : {}),
    at: delivery.updatedAt,
  };
}

export interface ReportDeps {
  deliveries: Pick<DeliveryRepo, 'pageForIssue' | 'listForSubscriber'>;
  subscribers: Pick<SubscriberRepo, 'getMany' | 'scan'>;
}

/**
 * One page of an issue's recipients (at most 100: one batch read of their readers), each with their
 * address, their status now and what became of their mail. Pass the cursor back for the next page.
 */
export async function recipientsPage(
  issueId: string,
  page: { cursor?: string; limit: number },
  deps: ReportDeps,
): Promise<{ rows: RecipientRow[]; cursor?: string }> {
  const { deliveries, cursor } = await deps.deliveries.pageForIssue(issueId, {
    limit: Math.min(page.limit, 100),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  const readers = await deps.subscribers.getMany(deliveries.map((delivery) => delivery.subscriberId));
  const rows = deliveries.map((delivery): RecipientRow => {
    const reader = readers.get(delivery.subscriberId);
    return {
      subscriberId: delivery.subscriberId,
      ...(reader ? { email: reader.email, readerStatus: reader.status } : {}),
      ...outcomeOf(delivery),
    };
  });
  return { rows, ...(cursor ? { cursor } : {}) };
}

export const reportCsvColumns = ['email', 'reader', 'outcome', 'reason', 'time', 'readerStatusNow'] as const;

/**
 * An issue's recipients as CSV lines (header first), a page at a time so the whole list is never
 * held: the address (empty for an erased reader), the reader's id, the outcome and why, when (in the
 * network's time zone, as staff read times) and the reader's status now. Cells a spreadsheet would run
 * as formulas are defused.
 */
export async function* recipientsCsv(
  issueId: string,
  timeZone: string,
  deps: ReportDeps,
): AsyncGenerator<string> {
  yield csvLine([...reportCsvColumns]);
  let cursor: string | undefined;
  do {
    const page = await recipientsPage(issueId, { limit: 100, ...(cursor ? { cursor } : {}) }, deps);
    for (const row of page.rows)
      yield csvLine([
        row.email ?? '',
        row.subscriberId,
        row.outcome,
        row.reason ?? '',
        formatStaffTime(row.at, timeZone),
        row.readerStatus ?? 'erased',
      ]);
    cursor = page.cursor;
  } while (cursor);
}

/**
 * For each issue, how many of the readers it reached have unsubscribed since: readers now
 * `unsubscribed` whose leaving (the staff record's time, else their last change) came after their
 * mail of that issue was sent. Found from the leavers rather than the recipients — the readers are
 * paged through once, and only those who left since the oldest issue are looked up — so the cost
 * does not grow with the issues' audiences.
 */
export async function unsubscribedSince(
  issues: readonly Pick<Issue, 'id' | 'createdAt'>[],
  deps: ReportDeps,
): Promise<Map<string, number>> {
  const counts = new Map(issues.map((issue) => [issue.id, 0]));
  if (issues.length === 0) return counts;
  const oldest = issues.map((issue) => issue.createdAt).sort()[0] as string;
  let cursor: string | undefined;
  do {
    const page = await deps.subscribers.scan({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const reader of page.subscribers) {
      if (reader.status !== 'unsubscribed') continue;
      const leftAt = reader.unsubscribed?.at ?? reader.updatedAt;
      if (leftAt < oldest) continue;
      for (const delivery of await deps.deliveries.listForSubscriber(reader.id)) {
        const count = counts.get(delivery.issueId);
        if (count === undefined || delivery.status !== 'sent' || delivery.updatedAt > leftAt) continue;
        counts.set(delivery.issueId, count + 1);
      }
    }
    cursor = page.cursor;
  } while (cursor);
  return counts;
}
