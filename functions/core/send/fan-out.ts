import type { Article } from '../article';
import { ConflictError } from '../errors';
import { finalStatus, type Issue } from '../issue';
import type { CompiledMail } from '../mail/compiled-mail';
import type { MailVariant } from '../mail/variant';
import type { Clock, IssueRepo, SendJob, SendQueue, SubscriberRepo } from '../ports';
import type { Cadence, FanOutReader } from '../subscriber';
import { variantKey } from './audience';

export interface FanOutDeps {
  subscribers: SubscriberRepo;
  issues: IssueRepo;
  queue: SendQueue;
  clock: Clock;
  pageSize: number;
}

export type Selection = { variant: MailVariant; articles: Article[] } | undefined;

/**
 * What one reader gets of an issue, or nothing. It may ask the store first (an alert claims the
 * reader's story): the readers of a page are selected side by side (`selectedAtOnce` at a time)
 * before any is enqueued.
 */
export type ReaderSelection = (reader: FanOutReader) => Selection | Promise<Selection>;

export interface FanOutResult {
  recipients: number;
  byVariant: Record<string, number>;
  compiles: number;
}

/**
 * Pages whose jobs may be on their way to the queue at once, while the next page is read: the queue's
 * round trips overlap the store's instead of following them. With pages of a thousand readers, two
 * keep the queue busy (a page is a hundred SendMessageBatch requests); more would only have requests
 * wait in the queue's client for a connection, costing memory and CPU while they wait.
 */
export const pagesInFlight = 2;

/**
 * Readers of a page selected side by side: an alert's selection writes to the store for a reader of
 * both languages, and this bounds those writes on their way at once however large a page is.
 */
const selectedAtOnce = 100;

const position = (cadenceIndex: number, cursor: string | undefined) =>
  JSON.stringify([cadenceIndex, cursor ?? null]);

/**
 * Pages through the active readers of the given cadences, picks what each gets, renders each distinct
 * (variant, articles) once, and enqueues one send job per reader — a page at a time, so memory stays
 * flat however many readers there are. A page's jobs are enqueued while the next pages are read (at
 * most `pagesInFlight` at once), but pages are counted strictly in order, each with a conditional
 * write on the fan-out position once its own jobs are in the queue and the page before it is
 * counted. So a fan-out that died resumes where it stopped and counts no page twice (a page it
 * enqueued but had not counted is enqueued again; the delivery claims keep that from mailing twice),
 * and no page is counted after one that failed. A page another fan-out of the same issue counted
 * first is a ConflictError: that one is alive. With `dryRun` nothing is rendered, stored or enqueued.
 */
export async function fanOut(
  issue: Issue,
  cadences: Cadence[],
  select: ReaderSelection,
  render: (variant: MailVariant, articles: Article[]) => Promise<CompiledMail>,
  deps: FanOutDeps,
  options: { dryRun?: boolean; onReader?: (reader: FanOutReader, variant: MailVariant) => void } = {},
): Promise<FanOutResult> {
  const result: FanOutResult = { recipients: 0, byVariant: {}, compiles: 0 };
  const rendered = new Set(issue.variantKeys);
  /** Each distinct (variant, articles) hashed once: readers of one selection share its key. */
  const keys = new Map<string, string>();
  const keyOf = (selection: NonNullable<Selection>) => {
    const ids = `${selection.variant}\n${selection.articles.map((article) => article.id).join('\n')}`;
    let key = keys.get(ids);
    if (key === undefined) {
      key = variantKey(selection.variant, selection.articles);
      keys.set(ids, key);
    }
    return key;
  };
  const [startIndex, startCursor] = issue.fanOutPosition
    ? (JSON.parse(issue.fanOutPosition) as [number, string | null])
    : [0, null];
  let current = issue.fanOutPosition;
  /** The last page's count: each page's write waits for the one before it. */
  let counted: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  for (let index = startIndex; index < cadences.length; index++) {
    const cadence = cadences[index] as Cadence;
    let cursor: string | undefined = index === startIndex ? (startCursor ?? undefined) : undefined;
    do {
      const page = await deps.subscribers.pageSegment(cadence, { cursor, limit: deps.pageSize });
      const jobs: SendJob[] = [];
      const selections: Selection[] = [];
      for (let start = 0; start < page.subscribers.length; start += selectedAtOnce) {
        const readers = page.subscribers.slice(start, start + selectedAtOnce);
        selections.push(...(await Promise.all(readers.map((reader) => select(reader)))));
      }
      for (const [index, reader] of page.subscribers.entries()) {
        const selection = selections[index];
        if (!selection) continue;
        const key = keyOf(selection);
        if (!rendered.has(key) && !options.dryRun) {
          const compiled = await render(selection.variant, selection.articles);
          result.compiles += 1;
          await deps.issues.saveVariant(issue.id, key, compiled);
          await deps.issues.addVariantKey(issue.id, key, deps.clock.now().toISOString());
        }
        rendered.add(key);
        result.byVariant[selection.variant] = (result.byVariant[selection.variant] ?? 0) + 1;
        options.onReader?.(reader, selection.variant);
        jobs.push({ issueId: issue.id, subscriberId: reader.id, variantKey: key });
      }
      result.recipients += jobs.length;
      const next = page.cursor ? position(index, page.cursor) : position(index + 1, undefined);
      if (!options.dryRun) {
        const enqueued = jobs.length > 0 ? deps.queue.enqueue(jobs) : Promise.resolve();
        const [from, recipients] = [current, jobs.length];
        counted = Promise.all([counted, enqueued]).then(async () => {
          const now = deps.clock.now().toISOString();
          if (!(await deps.issues.recordFanOutPage(issue.id, recipients, from, next, now)))
            throw new ConflictError(
              `fan-out of issue ${issue.id} moved under us: another fan-out is running`,
            );
        });
        // Awaited in turn below; a failure stops every page after it from being counted.
        counted.catch(() => undefined);
        inFlight.push(counted);
        if (inFlight.length >= pagesInFlight) await inFlight.shift();
        current = next;
      }
      cursor = page.cursor;
    } while (cursor);
  }
  await counted;
  return result;
}

/**
 * Marks an issue's fan-out complete and, when every recipient already has an outcome (a fast sender,
 * or nobody to send to), settles its status; returns the issue as stored now.
 */
export async function settleFanOut(
  issueId: string,
  deps: Pick<FanOutDeps, 'issues' | 'clock'>,
): Promise<Issue> {
  const now = deps.clock.now().toISOString();
  const fannedOut = await deps.issues.markFannedOut(issueId, now);
  const status = finalStatus(fannedOut);
  if (status) await deps.issues.setStatus(issueId, status, now, ['sending']);
  return (await deps.issues.get(issueId)) ?? fannedOut;
}
