import * as z from 'zod';
import { editorNoteSchema } from './editor-note';

/** `held`: an alert that arrived in quiet hours, waiting for `sendAfter` (the held-alert sweep sends it). */
export const issueStatusSchema = z.enum(['held', 'sending', 'sent', 'partial', 'parked', 'empty']);
export type IssueStatus = z.infer<typeof issueStatusSchema>;

export const issueSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['digest', 'alert']),
  schedule: z.string().optional(),
  articleIds: z.array(z.string()),
  windowStart: z.iso.datetime().optional(),
  windowEnd: z.iso.datetime().optional(),
  status: issueStatusSchema,
  /** A held alert is sent at or after this instant: when the quiet hours it arrived in end. */
  sendAfter: z.iso.datetime().optional(),
  /** Keys of the compiled variants this issue was rendered into (one MJML compile each). */
  variantKeys: z.array(z.string()).default([]),
  /** Set once fan-out has enqueued every recipient: only then can the issue be finished. */
  fannedOut: z.boolean().default(false),
  /** Where fan-out has got to (the cadence index and page cursor after the last counted page), so it resumes. */
  fanOutPosition: z.string().default(''),
  recipients: z.number().int().default(0),
  sent: z.number().int().default(0),
  skipped: z.number().int().default(0),
  failed: z.number().int().default(0),
  /** Why the issue was last parked: SES's refusal of every message, as SES worded it (no address). */
  parkedReason: z.string().optional(),
  /** Recipients whose mail bounced (SES feedback naming this issue), each counted once; absent: none yet. */
  bounced: z.number().int().optional(),
  /** Recipients who marked the mail as spam (SES feedback naming this issue), each counted once; absent: none yet. */
  complained: z.number().int().optional(),
  /**
   * Readers this issue reached who unsubscribed since, each counted once when they left (see
   * `countLeaving`); absent: none yet. Counting began with this field: readers who left before it
   * existed are not in it.
   */
  unsubscribedSince: z.number().int().optional(),
  /** The editor's note the issue carries at its top (a digest; taken from its schedule). */
  note: editorNoteSchema.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Issue = z.infer<typeof issueSchema>;

/** What every new issue starts from: nothing fanned out, nothing counted, created and updated `now`. */
export function untouchedIssue(now: string) {
  return {
    variantKeys: [],
    fannedOut: false,
    fanOutPosition: '',
    recipients: 0,
    sent: 0,
    skipped: 0,
    failed: 0,
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<Issue>;
}

/**
 * `parked`: held back while the issue waits out a refusal of every message (SES's daily quota, sending
 * paused); `nashra digest resume` sends it.
 */
export const deliveryStatusSchema = z.enum(['sending', 'sent', 'failed', 'skipped', 'parked']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** Where an issue stands, from its counts: finished only when every recipient has an outcome. */
export function finalStatus(
  issue: Pick<Issue, 'fannedOut' | 'recipients' | 'sent' | 'skipped' | 'failed'>,
): IssueStatus | undefined {
  if (!issue.fannedOut) return undefined;
  if (issue.sent + issue.skipped + issue.failed < issue.recipients) return undefined;
  if (issue.recipients === 0) return 'empty';
  return issue.failed > 0 ? 'partial' : 'sent';
}
