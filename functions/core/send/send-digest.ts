import type { Article } from '../article';
import { ConflictError, ValidationError } from '../errors';
import { type Issue, untouchedIssue } from '../issue';
import { type MailVariant, variantFor } from '../mail/variant';
import type { ArticleRepo, MailRenderer, ScheduleRepo } from '../ports';
import type { Schedule } from '../schedule';
import type { FanOutReader } from '../subscriber';
import { formatStaffTime } from '../time';
import { articlesForReader, wantsTopics } from './audience';
import { type FanOutDeps, type FanOutResult, fanOut, settleFanOut } from './fan-out';

export interface DigestDeps extends FanOutDeps {
  articles: ArticleRepo;
  schedules: ScheduleRepo;
  renderer: MailRenderer;
}

export interface DigestWindow {
  start: string;
  end: string;
}

export interface DigestPlan {
  window: DigestWindow;
  /** Articles of the window on the schedule's topics that no earlier issue of the schedule carried. */
  articles: Article[];
  /** Articles of the window left out because an earlier issue of the schedule carried them. */
  alreadyCarried: number;
}

export type DigestOutcome =
  | { status: 'nothing-new'; plan: DigestPlan }
  /** A firing for a window that an earlier firing already covered (a duplicate, or a late retry). */
  | { status: 'already-covered'; plan: DigestPlan }
  | { status: 'dry-run'; plan: DigestPlan; fanOut: FanOutResult }
  | { status: 'already-exists'; plan: DigestPlan; issue: Issue }
  | {
      status: 'sending' | 'sent' | 'partial' | 'empty';
      plan: DigestPlan;
      issue: Issue;
      fanOut: FanOutResult;
    };

const lookbackMs = { daily: 24 * 60 * 60 * 1000, weekly: 7 * 24 * 60 * 60 * 1000 };

export interface DigestOptions {
  /** Staff's own window start (`digest send --since`): the schedule's window does not move. */
  since?: string;
  /** Staff's own window end (`digest send --until`): the schedule's window does not move. */
  until?: string;
  /**
   * The time the clock was due to fire (EventBridge Scheduler's `scheduled-time`, the local
   * scheduler's fire time): the window ends there rather than at now, so every firing for one time,
   * however late or often it arrives, names the same window and makes the same issue.
   */
  firedAt?: string;
  dryRun?: boolean;
  /**
   * In a dry run, told of each reader as the fan-out pages through them, so a caller that lists them
   * never holds the whole list (a confirmation needs only the counts).
   */
  onReader?: (reader: { subscriberId: string; email: string; variant: MailVariant }) => void;
}

/**
 * The window and articles of a schedule's next digest: from the end of its last window (or one
 * cadence back) to the firing time, or to now, unless staff give --since/--until (ISO instants; see
 * core/time `readWindow` for reading what staff type). A window that starts long ago (runs missed
 * while the stack was down) is still one window: one digest catches up. A window that would end at
 * or before its start is a ValidationError saying both ends in the schedule's time zone. An article
 * reaches a reader at most once per schedule: what an earlier issue carried is left out.
 */
export async function planDigest(
  schedule: Schedule,
  requested: Pick<DigestOptions, 'since' | 'until' | 'firedAt'>,
  deps: DigestDeps,
): Promise<DigestPlan> {
  for (const [name, value] of [
    ['--since', requested.since],
    ['--until', requested.until],
  ] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value)))
      throw new ValidationError(`${name} "${value}" is not an instant`);
  }
  const end = instant(requested.until ?? requested.firedAt ?? deps.clock.now().toISOString());
  const start = instant(
    requested.since ??
      schedule.lastWindowEnd ??
      new Date(Date.parse(end) - lookbackMs[schedule.cadence]).toISOString(),
  );
  if (Date.parse(end) <= Date.parse(start)) {
    const from =
      requested.since !== undefined
        ? ''
        : ` (the end of the last window of "${schedule.name}"; give --since to start elsewhere)`;
    throw new ValidationError(
      `the window would end at ${formatStaffTime(end, schedule.timeZone)}, ${end === start ? 'as' : 'before'} it starts at ${formatStaffTime(start, schedule.timeZone)}${from}: its end must come after its start`,
    );
  }
  const inWindow = (await deps.articles.listPublished({ since: start, until: end })).filter((article) =>
    wantsTopics(schedule.topics, article.topics),
  );
  const carried = new Set(
    (await deps.issues.listForSchedule(schedule.name, '0000')).flatMap((issue) => issue.articleIds),
  );
  const articles = inWindow.filter((article) => !carried.has(article.id));
  return { window: { start, end }, articles, alreadyCarried: inWindow.length - articles.length };
}

/** One form for every instant (UTC, milliseconds): the store compares them as strings. */
const instant = (value: string) => new Date(value).toISOString();

/** A digest's issue id: the schedule and its window's end, so one window makes one issue. */
export function digestIssueId(schedule: string, windowEnd: string): string {
  return `${schedule}-${windowEnd.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

function readerSelection(articles: Article[]) {
  return (reader: FanOutReader) => {
    const chosen = articlesForReader(reader, articles);
    return chosen.length > 0 ? { variant: variantFor(reader.languages), articles: chosen } : undefined;
  };
}

/**
 * Builds and sends one digest of a schedule: plans the window, creates the issue once (a conditional
 * write on its id: the schedule and the window's end), moves the schedule's window on (unless staff
 * gave the window), renders each needed variant once and fans out. An issue whose fan-out was
 * interrupted is finished first. A firing at or before the end of the last window sends nothing: that
 * window was covered. A window whose issue exists already (a second firing racing the first) is that
 * issue's. An empty window sends nothing and still moves the window on.
 */
export async function sendDigest(
  schedule: Schedule,
  requested: DigestOptions,
  deps: DigestDeps,
): Promise<DigestOutcome> {
  const options = {
    ...requested,
    ...(requested.firedAt ? { firedAt: new Date(requested.firedAt).toISOString() } : {}),
  };
  const manualWindow = options.since !== undefined || options.until !== undefined;
  if (!options.dryRun) await finishInterrupted(schedule, deps);
  if (
    options.firedAt &&
    !manualWindow &&
    schedule.lastWindowEnd &&
    Date.parse(options.firedAt) <= Date.parse(schedule.lastWindowEnd)
  ) {
    return {
      status: 'already-covered',
      plan: { window: { start: options.firedAt, end: options.firedAt }, articles: [], alreadyCarried: 0 },
    };
  }
  const plan = await planDigest(schedule, options, deps);
  const now = deps.clock.now().toISOString();

  if (plan.articles.length === 0) {
    // A firing that raced the one that made this window's issue finds the window's articles carried by
    // that issue: the window is not empty, it is that issue's.
    const own = await deps.issues.get(digestIssueId(schedule.name, plan.window.end));
    if (own) return { status: 'already-exists', plan, issue: own };
    if (!manualWindow && !options.dryRun)
      await deps.schedules.advanceWindow(schedule.name, schedule.lastWindowEnd, plan.window.end, now);
    return { status: 'nothing-new', plan };
  }

  const select = readerSelection(plan.articles);
  if (options.dryRun) {
    const draft = newIssue(schedule, plan, now);
    const result = await fanOut(
      draft,
      [schedule.cadence],
      select,
      () => Promise.reject(new Error('no render in a dry run')),
      deps,
      {
        dryRun: true,
        onReader: (reader, variant) =>
          options.onReader?.({ subscriberId: reader.id, email: reader.email, variant }),
      },
    );
    return { status: 'dry-run', plan, fanOut: result };
  }

  const { issue, created } = await deps.issues.createOnce(newIssue(schedule, plan, now));
  if (!created && issue.fannedOut) return { status: 'already-exists', plan, issue };
  // The issue holds the note now: off the schedule, unless the editor wrote a newer one meanwhile.
  if (created && schedule.note) await deps.schedules.takeNote(schedule.name, schedule.note.setAt);
  if (!manualWindow)
    await deps.schedules.advanceWindow(schedule.name, schedule.lastWindowEnd, plan.window.end, now);
  return finishFanOut(issue, schedule, plan, deps);
}

/** Fans out an issue (or the rest of it) and settles its status when every outcome is already in. */
async function finishFanOut(
  issue: Issue,
  schedule: Schedule,
  plan: DigestPlan,
  deps: DigestDeps,
): Promise<DigestOutcome> {
  const articles = plan.articles;
  let result: FanOutResult;
  try {
    result = await fanOut(
      issue,
      [schedule.cadence],
      readerSelection(articles),
      (variant, chosen) =>
        deps.renderer.renderDigest({
          issueId: issue.id,
          variant,
          articles: chosen,
          window: plan.window,
          ...(issue.note ? { note: issue.note } : {}),
        }),
      deps,
    );
  } catch (error) {
    // Another firing for the same window is fanning this issue out right now: it is theirs to finish.
    if (error instanceof ConflictError) return { status: 'already-exists', plan, issue };
    throw error;
  }
  const stored = await settleFanOut(issue.id, deps);
  return {
    status:
      stored.status === 'parked' ? 'sending' : (stored.status as 'sending' | 'sent' | 'partial' | 'empty'),
    plan,
    issue: stored,
    fanOut: result,
  };
}

/** Completes the fan-out of any earlier issue of the schedule that a crash or a timeout cut short. */
async function finishInterrupted(schedule: Schedule, deps: DigestDeps): Promise<void> {
  const earlier = await deps.issues.listForSchedule(schedule.name, '0000');
  for (const issue of earlier.filter((candidate) => !candidate.fannedOut)) {
    const articles = (await Promise.all(issue.articleIds.map((id) => deps.articles.get(id)))).filter(
      (a): a is Article => !!a,
    );
    const window = { start: issue.windowStart ?? issue.createdAt, end: issue.windowEnd ?? issue.createdAt };
    await finishFanOut(issue, schedule, { window, articles, alreadyCarried: 0 }, deps);
  }
}

function newIssue(schedule: Schedule, plan: DigestPlan, now: string): Issue {
  const note = schedule.note && {
    ...(schedule.note.ar ? { ar: schedule.note.ar } : {}),
    ...(schedule.note.en ? { en: schedule.note.en } : {}),
  };
  return {
    id: digestIssueId(schedule.name, plan.window.end),
    kind: 'digest',
    schedule: schedule.name,
    articleIds: plan.articles.map((article) => article.id),
    windowStart: plan.window.start,
    windowEnd: plan.window.end,
    status: 'sending',
    ...untouchedIssue(now),
    ...(note ? { note } : {}),
  };
}
