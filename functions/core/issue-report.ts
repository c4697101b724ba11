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
  deliveries: Pick<DeliveryRepo, 'pageForIssue'>;
  subscribers: Pick<SubscriberRepo, 'getMany'>;
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
