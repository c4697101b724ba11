import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ValidationError } from '../errors';

/** What an audited action acted on: a reader by id, never by address. */
export const auditTargetKinds = ['schedule', 'issue', 'reader', 'article', 'staff', 'import'] as const;

/** One staff action as the code that did it describes it (the console's `audit(c, entry)`). */
export interface AuditEntry {
  /** `schedule.add`, `digest.send`, `reader.erase`, …: the area, a dot, the verb. */
  action: string;
  target?: { kind: (typeof auditTargetKinds)[number]; id: string };
  /** Figures and flags worth keeping (counts, a language, dry run or not); never an address. */
  detail?: Record<string, string | number | boolean>;
}

/** Who acted: a staff member signed in to the console, or a staff command run from a terminal. */
export type AuditActor = { kind: 'staff'; id: string; email: string } | { kind: 'cli'; name: string };

/** One line of the audit log: who, what, when, on what. */
export interface AuditRecord extends AuditEntry {
  /** When, as an ISO instant (milliseconds, UTC). */
  at: string;
  /** Tells apart two records of one millisecond. */
  id: string;
  actor: AuditActor;
}

export interface AuditQuery {
  /** Records at or after this ISO instant only. */
  since?: string;
  /** Records older than this cursor (`auditCursorOf` of the last record of the page before). */
  before?: string;
  /** At most this many (default: all). */
  limit?: number;
}

export interface AuditPage {
  /** Newest first. */
  records: AuditRecord[];
  /** The cursor of the next (older) page, when there is one. */
  next?: string;
}

// The shape an address has, as the log scan looks for it: an entry must never hold one.
const addressLike = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const noAddress = (value: string) => !addressLike.test(value);
const noAddressMessage = 'an audit entry names a reader by id, never by address';

const entrySchema = z
  .object({
    action: z
      .string()
      .max(64)
      .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'an action is area.verb, such as schedule.add'),
    target: z
      .object({
        kind: z.enum(auditTargetKinds),
        id: z.string().min(1).max(300).refine(noAddress, noAddressMessage),
      })
      .strict()
      .optional(),
    detail: z
      .record(
        z.string().regex(/^[A-Za-z][\w-]{0,39}$/, 'a detail is named with letters, digits, - and _'),
        z.union([z.string().max(500).refine(noAddress, noAddressMessage), z.number(), z.boolean()]),
      )
      .refine((detail) => Object.keys(detail).length <= 20, 'at most 20 details')
      .optional(),
  })
  .strict();

/**
 * The record of one action by `actor` at `now`. A malformed entry — and any address in a target or a
 * detail — is a ValidationError: an address must never reach the log, whichever code writes it.
 */
export function auditRecord(actor: AuditActor, entry: AuditEntry, now: Date): AuditRecord {
  const parsed = entrySchema.safeParse(entry);
  if (!parsed.success)
    throw new ValidationError(
      `audit entry refused: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ')}`,
    );
  return { at: now.toISOString(), id: randomBytes(5).toString('hex'), actor, ...parsed.data };
}

/** Appends one record; the action it records is done already, so callers await it before answering. */
export async function writeAudit(
  deps: { audit: { append(record: AuditRecord): Promise<void> }; clock: { now(): Date } },
  actor: AuditActor,
  entry: AuditEntry,
): Promise<AuditRecord> {
  const record = auditRecord(actor, entry, deps.clock.now());
  await deps.audit.append(record);
  return record;
}

/** The cursor that lists what is older than this record. */
export const auditCursorOf = (record: Pick<AuditRecord, 'at' | 'id'>) => `${record.at}#${record.id}`;

/** A cursor as auditCursorOf writes it; anything else is not one nashra handed out. */
export const auditCursorPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f]{10}$/;

/** Who acted, in a few words: the staff member's address, or the terminal user. */
export function actorLabel(actor: AuditActor): string {
  return actor.kind === 'staff' ? actor.email : `${actor.name} (command line)`;
}
