import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Counter, Delivery, DeliveryRepo, StoryClaim, SubscriberRepo } from '../ports';
import {
  defaultUrgentAlerts,
  normaliseEmail,
  pendingExpiry,
  type ReaderChanges,
  type Subscriber,
  type SubscriberStatus,
} from '../subscriber';
import { oneLine } from '../text';
import { type CsvSeparator, csvLine } from './csv';
import { type ImportColumn, type ImportRow, type RowRejection, readImportFile } from './import-rows';
import { checkKnownTopics, type Preferences } from './input';
import { countLeavingReported, type LeavingDeps } from './leaving';
import type { RateLimiter } from './rate-limit';
import { newSubscriberId } from './reader-flows';
import { type SystemMailDeps, sendSystemMail } from './system-mail';

export interface StaffDeps extends SystemMailDeps, LeavingDeps {
  subscribers: SubscriberRepo;
  deliveries: Pick<DeliveryRepo, 'listForSubscriber' | 'removeForSubscriber' | 'listStoriesForSubscriber'>;
  counters: { getMany(keys: string[], now: Date): Promise<Counter[]>; remove(keys: string[]): Promise<void> };
  limiter: Pick<RateLimiter, 'keysOf'>;
  /** Topic slugs readers may choose: the values of the configured topic map. */
  topics: readonly string[];
  /** Days a reader who never confirms is kept after their confirmation mail. */
  pendingExpiryDays: number;
}

export interface NewReader extends Preferences {
  email: string;
  /** Urgent alerts for a daily or weekly reader; absent: `defaultUrgentAlerts` (on). */
  urgentAlerts?: boolean;
  /** Staff hold the reader's consent already: active at once, no confirmation mail. */
  confirmed: boolean;
  /** Where the consent came from (a paper form, an event, an older list): kept with the reader. */
  source?: string;
  /** How the reader came: `staff` for `add`, `import` for a CSV. */
  method: 'staff' | 'import';
}

/**
 * Adds one reader for staff. A new address becomes active (`confirmed`, with the consent source
 * recorded) or pending with a confirmation mail in the reader's languages. An address already held
 * is left exactly as it is and returned with `created: false`: staff tools never resurrect an
 * unsubscribed, bounced or complained reader, and never overwrite a reader's own choices. Topics must
 * be among the configured ones (a ValidationError names them).
 */
export async function addReader(
  reader: NewReader,
  deps: StaffDeps,
): Promise<{ subscriber: Subscriber; created: boolean; mailed: boolean }> {
  checkKnownTopics(reader.topics, deps.topics);
  const now = deps.clock.now();
  const at = now.toISOString();
  const choices = {
    languages: reader.languages,
    cadence: reader.cadence,
    topics: reader.topics,
    urgentAlerts: reader.urgentAlerts ?? defaultUrgentAlerts,
  };
  const { subscriber, created } = await deps.subscribers.create({
    id: newSubscriberId(),
    email: normaliseEmail(reader.email),
    status: reader.confirmed ? 'active' : 'pending',
    ...choices,
    paused: false,
    // Staff hold a confirmed reader's consent; anyone else's is recorded when they confirm, and until
    // then they expire like any reader who never confirms.
    ...(reader.confirmed
      ? { consent: { at, method: reader.method, ...(reader.source ? { source: reader.source } : {}) } }
      : {
          requested: { ...choices, at, source: reader.source ?? reader.method },
          expiresAt: pendingExpiry(now, deps.pendingExpiryDays),
        }),
    linkVersion: 1,
    bounceCount: 0,
    createdAt: at,
    updatedAt: at,
    ...(reader.confirmed ? { confirmedAt: at } : {}),
  });
  if (!created) return { subscriber, created, mailed: false };
  if (subscriber.status === 'pending') await sendSystemMail('confirm', subscriber, deps);
  return { subscriber, created, mailed: subscriber.status === 'pending' };
}

export interface ImportOptions {
  /** Staff hold these readers' consent: active at once, no confirmation mails. Needs `source`. */
  confirmed: boolean;
  source?: string;
  /** The separator between fields; absent: detected from the header (comma, semicolon or tab). */
  separator?: CsvSeparator;
  /** Work out what the import would do, and write and send nothing. */
  dryRun?: boolean;
}

export interface ImportReport {
  /** True when nothing was written or sent: the counts say what an import would do. */
  dryRun: boolean;
  /** The separator the file was read with. */
  separator: CsvSeparator;
  /** The file's header for each column read. */
  columns: Partial<Record<ImportColumn, string>>;
  /** Readers created (or, in a dry run, that would be). */
  created: number;
  /** Confirmation mails sent (or that would be): one per new pending reader. */
  confirmationsSent: number;
  /** Addresses already held by an active or pending reader: left as they are. */
  unchanged: Array<{ line: number; reason: string }>;
  /** Rows not imported, each with its line, the column at fault when one is, and why. */
  rejected: RowRejection[];
}

/**
 * `nashra subscribers import FILE.csv` and the console's import preview. The file is read as
 * spreadsheets write it (`readImportFile`: a comma, semicolon or tab between fields, Arabic or
 * English headers). Rows are taken one by one, and each bad row is reported by its line and skipped.
 * A row is rejected when it cannot be read, repeats an address of an earlier row, says the reader is
 * unsubscribed, bounced or complained, or names an address we hold as unsubscribed, bounced or
 * complained: an import never resurrects anyone. With `dryRun` the same report is worked out from
 * reads alone: nothing is written and no mail goes out.
 */
export async function importReaders(
  csv: string,
  options: ImportOptions,
  deps: StaffDeps,
): Promise<ImportReport> {
  if (options.confirmed && !options.source?.trim())
    throw new ValidationError('--confirmed needs --source: where these readers gave their consent');
  const file = readImportFile(csv, { separator: options.separator, knownTopics: deps.topics });
  const report: ImportReport = {
    dryRun: options.dryRun === true,
    separator: file.separator,
    columns: file.columns,
    created: 0,
    confirmationsSent: 0,
    unchanged: [],
    rejected: [...file.rejected],
  };
  const seen = new Map<string, number>();
  for (const row of file.rows) {
    const outcome = await importRow(row, seen, options, deps);
    if (outcome.kind === 'rejected') report.rejected.push({ line: row.line, reason: outcome.reason });
    else if (outcome.kind === 'unchanged') report.unchanged.push({ line: row.line, reason: outcome.reason });
    else {
      report.created += 1;
      if (outcome.mailed) report.confirmationsSent += 1;
    }
  }
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

type RowOutcome =
  | { kind: 'rejected'; reason: string }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'created'; mailed: boolean };

async function importRow(
  row: ImportRow,
  seen: Map<string, number>,
  options: ImportOptions,
  deps: StaffDeps,
): Promise<RowOutcome> {
  const earlier = seen.get(row.email);
  if (earlier) return { kind: 'rejected', reason: `the same address as line ${earlier}` };
  seen.set(row.email, row.line);
  if (row.status && row.status !== 'active' && row.status !== 'pending')
    return { kind: 'rejected', reason: `the row says ${row.status}: never imported` };

  const held = (subscriber: Subscriber): RowOutcome =>
    subscriber.status === 'active' || subscriber.status === 'pending'
      ? { kind: 'unchanged', reason: `already ${subscriber.status}` }
      : { kind: 'rejected', reason: `the address is ${subscriber.status}: never resubscribed by an import` };

  if (options.dryRun) {
    const existing = await deps.subscribers.findByEmail(row.email);
    return existing ? held(existing) : { kind: 'created', mailed: !options.confirmed };
  }
  const { subscriber, created, mailed } = await addReader(
    {
      email: row.email,
      languages: row.languages,
      cadence: row.cadence,
      topics: row.topics,
      ...(row.urgentAlerts === undefined ? {} : { urgentAlerts: row.urgentAlerts }),
      confirmed: options.confirmed,
      source: options.source?.trim() || 'nashra subscribers import',
      method: 'import',
    },
    deps,
  );
  return created ? { kind: 'created', mailed } : held(subscriber);
}

const changeableFields = ['languages', 'cadence', 'topics', 'urgentAlerts', 'paused'] as const;

/**
 * Staff change a reader's preferences for them (the reader asked by phone or in person): languages,
 * cadence, topics, urgent alerts, pause. The status is not touched, so this never subscribes or
 * unsubscribes anyone. Only the fields that differ are written, in one conditional update of those
 * fields (a concurrent change by the reader is read again and the change re-applied on top, never
 * overwritten wholesale). Returns the reader as stored and the fields that changed; a NotFoundError
 * when nobody holds the address.
 */
export async function setReader(
  email: string,
  changes: ReaderChanges,
  deps: Pick<StaffDeps, 'subscribers' | 'clock' | 'topics'>,
): Promise<{ subscriber: Subscriber; changed: Array<keyof ReaderChanges> }> {
  if (changes.topics) checkKnownTopics(changes.topics, deps.topics);
  if (changes.languages && changes.languages.length === 0)
    throw new ValidationError('a reader needs at least one language');
  for (let attempt = 0; ; attempt++) {
    const subscriber = await findReader(email, deps);
    const differing = changeableFields.filter(
      (field) =>
        changes[field] !== undefined && JSON.stringify(changes[field]) !== JSON.stringify(subscriber[field]),
    );
    if (differing.length === 0) return { subscriber, changed: [] };
    const written = Object.fromEntries(differing.map((field) => [field, changes[field]])) as ReaderChanges;
    try {
      const stored = await deps.subscribers.updatePreferences(
        subscriber.id,
        written,
        subscriber,
        deps.clock.now().toISOString(),
      );
      return { subscriber: stored, changed: differing };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 2) throw error;
    }
  }
}

/**
 * Staff unsubscribe a reader for them, recording when, that staff did it, and the reason given (one
 * line, required: "asked by phone, 3 March"). Only an active or pending reader changes; anyone else
 * is returned as they are with `changed: false` (a bounced or complained reader stays suppressed).
 * One conditional update of the status and that record; the reader's links keep working, so the
 * reader can come back through any old mail. Unlike erasure, nothing is deleted. A reader who left
 * is then counted on the issues that reached them (`countLeaving`); a failure there is reported as
 * `countError` and never undoes the unsubscribe (the counts err low).
 */
export async function unsubscribeReader(
  email: string,
  reason: string,
  deps: Pick<StaffDeps, 'subscribers' | 'clock'> & LeavingDeps,
): Promise<{ subscriber: Subscriber; changed: boolean; countError?: unknown }> {
  const why = oneLine(reason);
  if (!why) throw new ValidationError('say why: the reason is kept with the reader');
  if (why.length > 500) throw new ValidationError('the reason is longer than 500 characters');
  const subscriber = await findReader(email, deps);
  const from: SubscriberStatus[] = ['active', 'pending'];
  if (!from.includes(subscriber.status)) return { subscriber, changed: false };
  const at = deps.clock.now().toISOString();
  let stored: Subscriber;
  try {
    stored = await deps.subscribers.markUnsubscribed(
      subscriber.id,
      [subscriber.status],
      { at, method: 'staff', reason: why },
      at,
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return { subscriber: await findReader(email, deps), changed: false };
  }
  return { subscriber: stored, changed: true, ...(await countLeavingReported(stored, deps)) };
}

/**
 * Revokes one reader's links (`nashra subscribers revoke-links`, and the console): raises the reader's
 * link version, so every preferences, resubscribe and confirm link sent before answers as a forged one,
 * while old unsubscribe links keep working (see `readerOf`). For a reader whose mail, or one mail, is
 * in hands it should not be. The reader hears nothing unless `sendLink`: then an active reader gets the
 * welcome mail again, which carries their new preferences and unsubscribe links. `sendLink` for a
 * reader who is not active is refused before anything changes (a ValidationError): a reader who left
 * is never written to. A NotFoundError when nobody holds the address.
 */
export async function revokeLinks(
  email: string,
  options: { sendLink: boolean },
  deps: Pick<StaffDeps, 'subscribers' | 'clock'> & SystemMailDeps,
): Promise<{ subscriber: Subscriber; sent: boolean }> {
  let subscriber = await findReader(email, deps);
  if (options.sendLink && subscriber.status !== 'active')
    throw new ValidationError(
      `only an active reader is sent links: this reader is ${subscriber.status}; nothing changed`,
    );
  for (let attempt = 1; ; attempt++) {
    try {
      subscriber = await deps.subscribers.bumpLinkVersion(
        subscriber.id,
        subscriber.linkVersion,
        deps.clock.now().toISOString(),
      );
      break;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 3) throw error;
      subscriber = await findReader(email, deps);
    }
  }
  // Left or suppressed while the version was raised: nothing is sent to them.
  if (!options.sendLink || subscriber.status !== 'active') return { subscriber, sent: false };
  await sendSystemMail('welcome', subscriber, deps);
  return { subscriber, sent: true };
}

async function findReader(email: string, deps: Pick<StaffDeps, 'subscribers'>): Promise<Subscriber> {
  const subscriber = await deps.subscribers.findByEmail(normaliseEmail(email));
  if (!subscriber) throw new NotFoundError('no reader holds this address');
  return subscriber;
}

/** Every reader, page by page (a bounded page in memory at a time). */
export async function* allReaders(subscribers: SubscriberRepo): AsyncGenerator<Subscriber> {
  let cursor: string | undefined;
  do {
    const page = await subscribers.scan({ cursor, limit: 200 });
    yield* page.subscribers;
    cursor = page.cursor;
  } while (cursor);
}

export const exportColumns = [
  'email',
  'languages',
  'cadence',
  'topics',
  'status',
  'urgentAlerts',
  'paused',
  'consentAt',
  'consentMethod',
  'consentSource',
  'createdAt',
  'confirmedAt',
] as const;

/** One reader as an export CSV line: the import's four columns first, so an export imports back. */
export function readerCsvLine(subscriber: Subscriber): string {
  return csvLine([
    subscriber.email,
    subscriber.languages.join(' '),
    subscriber.cadence,
    subscriber.topics.join(' '),
    subscriber.status,
    String(subscriber.urgentAlerts),
    String(subscriber.paused),
    subscriber.consent?.at ?? '',
    subscriber.consent?.method ?? '',
    subscriber.consent?.source ?? '',
    subscriber.createdAt,
    subscriber.confirmedAt ?? '',
  ]);
}

export interface PersonalData {
  subscriber: Subscriber;
  deliveries: Delivery[];
  /** The alert stories (an article and its translation) counted as having reached the reader, and by which issue. */
  alertStories: StoryClaim[];
  /** Live rate-limit counters of this address: keyed by a keyed hash, never the address. */
  rateLimitCounters: Counter[];
  /** What we hold elsewhere, in words, for the answer to a subject access request. */
  notes: string[];
}

const heldElsewhere = [
  'Logs carry only a truncated hash of the address, never the address or an IP address.',
  'The mail service (Amazon SES) keeps its own sending records and, after a hard bounce or complaint, its account suppression list.',
  'Rate-limit counters of network addresses are keyed by a keyed hash and cannot be tied to one person; they expire within a day.',
];

/** Everything held on one person, for `nashra subscribers export-personal EMAIL`; undefined when nobody holds the address. */
export async function personalData(email: string, deps: StaffDeps): Promise<PersonalData | undefined> {
  const subscriber = await deps.subscribers.findByEmail(normaliseEmail(email));
  if (!subscriber) return undefined;
  const now = deps.clock.now();
  return {
    subscriber,
    deliveries: await deps.deliveries.listForSubscriber(subscriber.id),
    alertStories: await deps.deliveries.listStoriesForSubscriber(subscriber.id),
    rateLimitCounters: await deps.counters.getMany(
      deps.limiter.keysOf('address', subscriber.email, now),
      now,
    ),
    notes: heldElsewhere,
  };
}

/**
 * Erasure (`nashra subscribers remove EMAIL`): the reader's deliveries, their address's rate-limit
 * counters, then the reader and the claim on the address. The reader goes last, so an erasure cut
 * short can simply be run again. Undefined when nobody holds the address.
 */
export async function eraseReader(
  email: string,
  deps: StaffDeps,
): Promise<{ subscriberId: string; deliveries: number; counters: number } | undefined> {
  const subscriber = await deps.subscribers.findByEmail(normaliseEmail(email));
  if (!subscriber) return undefined;
  const now = deps.clock.now();
  const deliveries = await deps.deliveries.removeForSubscriber(subscriber.id);
  const keys = deps.limiter.keysOf('address', subscriber.email, now);
  const live = await deps.counters.getMany(keys, now);
  await deps.counters.remove(keys);
  await deps.subscribers.remove(subscriber);
  return { subscriberId: subscriber.id, deliveries, counters: live.length };
}
