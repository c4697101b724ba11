import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Counter, Delivery, DeliveryRepo, SubscriberRepo } from '../ports';
import { cadenceSchema, normaliseEmail, type Subscriber, subscriberStatusSchema } from '../subscriber';
import { type CsvRecord, csvLine, parseCsv, unformula } from './csv';
import { emailSchema, languagesSchema, type Preferences, parseInput, topicsSchema } from './input';
import type { RateLimiter } from './rate-limit';
import { newSubscriberId } from './reader-flows';
import { type SystemMailDeps, sendSystemMail } from './system-mail';

export interface StaffDeps extends SystemMailDeps {
  subscribers: SubscriberRepo;
  deliveries: Pick<DeliveryRepo, 'listForSubscriber' | 'removeForSubscriber'>;
  counters: { getMany(keys: string[], now: Date): Promise<Counter[]>; remove(keys: string[]): Promise<void> };
  limiter: Pick<RateLimiter, 'keysOf'>;
}

export interface NewReader extends Preferences {
  email: string;
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
 * unsubscribed, bounced or complained reader, and never overwrite a reader's own choices.
 */
export async function addReader(
  reader: NewReader,
  deps: StaffDeps,
): Promise<{ subscriber: Subscriber; created: boolean; mailed: boolean }> {
  const at = deps.clock.now().toISOString();
  const { subscriber, created } = await deps.subscribers.create({
    id: newSubscriberId(),
    email: normaliseEmail(reader.email),
    status: reader.confirmed ? 'active' : 'pending',
    languages: reader.languages,
    cadence: reader.cadence,
    topics: reader.topics,
    urgentAlerts: false,
    paused: false,
    consent: {
      at,
      method: reader.confirmed ? reader.method : 'double-opt-in',
      ...(reader.source ? { source: reader.source } : {}),
    },
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

const importColumns = ['email', 'languages', 'cadence', 'topics'] as const;

/** One CSV row: lists space-separated; a `status` column (as `export --csv` writes) is read too. */
const importRowSchema = z.object({
  email: z.preprocess((value) => unformula(String(value ?? '')), emailSchema),
  languages: languagesSchema,
  cadence: cadenceSchema,
  topics: topicsSchema.default([]),
  status: subscriberStatusSchema.optional(),
});

export interface ImportReport {
  created: number;
  confirmationsSent: number;
  /** Addresses already held by an active or pending reader: left as they are. */
  unchanged: Array<{ line: number; reason: string }>;
  rejected: Array<{ line: number; reason: string }>;
}

/**
 * `nashra subscribers import FILE.csv`: columns `email,languages,cadence,topics` (any order, a header
 * row first, other columns ignored; lists space-separated). Rows are taken one by one, and each bad
 * row is reported by its line and skipped. A row is rejected when it does not validate, repeats an
 * address of an earlier row, says the reader is unsubscribed, bounced or complained, or names an
 * address we hold as unsubscribed, bounced or complained: an import never resurrects anyone.
 */
export async function importReaders(
  csv: string,
  options: { confirmed: boolean; source?: string },
  deps: StaffDeps,
): Promise<ImportReport> {
  if (options.confirmed && !options.source?.trim())
    throw new ValidationError('--confirmed needs --source: where these readers gave their consent');
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw new ValidationError('the file is empty');
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const missing = importColumns.filter((name) => !columns.includes(name));
  if (missing.length > 0)
    throw new ValidationError(
      `line 1: the header lacks ${missing.join(', ')} (want ${importColumns.join(',')})`,
    );

  const report: ImportReport = { created: 0, confirmationsSent: 0, unchanged: [], rejected: [] };
  const seen = new Map<string, number>();
  for (const row of rows) {
    const outcome = await importRow(row, columns, seen, options, deps);
    if (outcome.kind === 'rejected') report.rejected.push({ line: row.line, reason: outcome.reason });
    else if (outcome.kind === 'unchanged') report.unchanged.push({ line: row.line, reason: outcome.reason });
    else {
      report.created += 1;
      if (outcome.mailed) report.confirmationsSent += 1;
    }
  }
  return report;
}

type RowOutcome =
  | { kind: 'rejected'; reason: string }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'created'; mailed: boolean };

async function importRow(
  row: CsvRecord,
  columns: string[],
  seen: Map<string, number>,
  options: { confirmed: boolean; source?: string },
  deps: StaffDeps,
): Promise<RowOutcome> {
  if (row.fields.length > columns.length)
    return { kind: 'rejected', reason: `${row.fields.length} fields, the header has ${columns.length}` };
  const fields = Object.fromEntries(
    columns
      .map((name, index) => [name, (row.fields[index] ?? '').trim()])
      .filter(([, value]) => value !== ''),
  );
  let parsed: z.infer<typeof importRowSchema>;
  try {
    parsed = parseInput(importRowSchema, fields);
  } catch (error) {
    return { kind: 'rejected', reason: (error as Error).message.replace(/^invalid request: /, '') };
  }
  const earlier = seen.get(parsed.email);
  if (earlier) return { kind: 'rejected', reason: `the same address as line ${earlier}` };
  seen.set(parsed.email, row.line);
  if (parsed.status && parsed.status !== 'active' && parsed.status !== 'pending')
    return { kind: 'rejected', reason: `the row says ${parsed.status}: never imported` };

  const { subscriber, created, mailed } = await addReader(
    {
      email: parsed.email,
      languages: parsed.languages,
      cadence: parsed.cadence,
      topics: parsed.topics,
      confirmed: options.confirmed,
      source: options.source?.trim() || 'nashra subscribers import',
      method: 'import',
    },
    deps,
  );
  if (created) return { kind: 'created', mailed };
  if (subscriber.status === 'active' || subscriber.status === 'pending')
    return { kind: 'unchanged', reason: `already ${subscriber.status}` };
  return { kind: 'rejected', reason: `the address is ${subscriber.status}: never resubscribed by an import` };
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
    subscriber.consent.at,
    subscriber.consent.method,
    subscriber.consent.source ?? '',
    subscriber.createdAt,
    subscriber.confirmedAt ?? '',
  ]);
}

export interface PersonalData {
  subscriber: Subscriber;
  deliveries: Delivery[];
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
