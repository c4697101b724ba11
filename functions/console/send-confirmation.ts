import { type AudienceView, sendConfirmPage, type VariantName } from '../../templates/console/digest';
import type { TimeText } from '../../templates/console/ui';
import type { SafeHtml } from '../../templates/escape';
import type { Issue } from '../core/issue';
import type { Schedule } from '../core/schedule';
import { type DigestPlan, sendDigest } from '../core/send/send-digest';
import type { AuditEntry } from '../core/staff/audit';
import type { SendingParts } from '../runtime/sending';
import { type ConsoleContextOf, seeOther, staffTime } from './console-kit';

/** How recent an issue of the same schedule must be for a send to ask again. */
export const recentSendMs = 60 * 60 * 1000;

export interface SendPreview {
  plan?: DigestPlan;
  audience?: AudienceView;
  /** An issue of this schedule created within the last hour: sending again needs a second yes. */
  recent?: Issue;
}

/**
 * What a send of a schedule's digest now would do, from reads alone: its window and articles, and
 * its readers per variant (a dry-run fan-out, which counts and holds no list), and the issue of the
 * same schedule sent within the last hour, if any.
 */
export async function previewSend(schedule: Schedule, deps: SendingParts): Promise<SendPreview> {
  const now = deps.clock.now();
  const [outcome, recent] = await Promise.all([
    sendDigest(schedule, { dryRun: true }, deps),
    deps.issues.listForSchedule(schedule.name, new Date(now.getTime() - recentSendMs).toISOString()),
  ]);
  const latest = recent.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return {
    plan: outcome.plan,
    ...(outcome.status === 'dry-run' ? { audience: audienceOf(outcome.fanOut) } : {}),
    ...(latest ? { recent: latest } : {}),
  };
}

/** A dry-run fan-out's counts as the pages show them, variants in a fixed order. */
export function audienceOf(fanOut: { recipients: number; byVariant: Record<string, number> }): AudienceView {
  const order: VariantName[] = ['ar', 'en', 'ar+en', 'en+ar'];
  return {
    total: fanOut.recipients,
    byVariant: order
      .filter((variant) => (fanOut.byVariant[variant] ?? 0) > 0)
      .map((variant) => ({ variant, count: fanOut.byVariant[variant] ?? 0 })),
  };
}

/** The window of a plan as staff read it, in the network's time zone. */
export function windowText(
  plan: DigestPlan | undefined,
  timeZone: string,
  lang: 'ar' | 'en',
): { start: TimeText; end: TimeText } | undefined {
  return plan
    ? { start: staffTime(plan.window.start, timeZone, lang), end: staffTime(plan.window.end, timeZone, lang) }
    : undefined;
}

/**
 * The page that asks before a send (the digest's "send now", a schedule's "run now"): the window, the
 * articles and the audience of `preview`, a second question when the schedule sent within the hour.
 */
export function confirmationBody(
  preview: SendPreview,
  page: {
    lang: 'ar' | 'en';
    csrf: string;
    action: string;
    cancel: string;
    timeZone: string;
    error?: { box: SafeHtml };
  },
): SafeHtml {
  const window = windowText(preview.plan, page.timeZone, page.lang);
  return sendConfirmPage({
    lang: page.lang,
    csrf: page.csrf,
    action: page.action,
    cancel: page.cancel,
    ...(window ? { window } : {}),
    articles: preview.plan?.articles.length ?? 0,
    ...(preview.audience ? { audience: preview.audience } : {}),
    ...(preview.recent
      ? {
          recent: {
            id: preview.recent.id,
            created: staffTime(preview.recent.createdAt, page.timeZone, page.lang),
          },
        }
      : {}),
    ...(page.error ? { error: page.error.box } : {}),
  });
}

/** The audit entry of a send staff started here (a digest's send, a schedule's run): its outcome and issue. */
export function sendAuditEntry(
  action: 'digest.send' | 'schedule.run',
  schedule: Schedule,
  outcome: { status: string } | { status: string; issue: Issue },
): AuditEntry {
  return {
    action,
    target: { kind: 'schedule', id: schedule.name },
    detail: {
      outcome: outcome.status,
      ...('issue' in outcome ? { issue: outcome.issue.id, recipients: outcome.issue.recipients } : {}),
    },
  };
}

/** Where a send that made an issue (or found the one it would have made) takes staff: that issue's page. */
export function sentIssuePage(c: ConsoleContextOf, outcome: { status: string; issue: Issue }): Response {
  return seeOther(c, `/issues/${outcome.issue.id}`, {
    done: outcome.status === 'already-exists' ? 'exists' : 'sent',
  });
}
