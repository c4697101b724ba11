import type { Article, Language, SaveOutcome } from './article';
import type { EditorNote } from './editor-note';
import type { DeliveryStatus, Issue, IssueStatus } from './issue';
import type { CompiledMail } from './mail/compiled-mail';
import type { MailVariant } from './mail/variant';
import type { Schedule, ScheduleDefinition } from './schedule';
import type { AuditPage, AuditQuery, AuditRecord } from './staff/audit';
import type { StaffAccount, StaffMember } from './staff/staff';
import type { Cadence, FanOutReader, ReaderChanges, Subscriber, SubscriberStatus } from './subscriber';

/**
 * The ports the core talks to. Adapters implement them against AWS services (functions/adapters);
 * unit tests pass in-memory fakes. Nothing here imports an SDK.
 */
export interface ArticleRepo {
  /**
   * Stores an article idempotently: a new id is created, a changed one updated (its `firstSeenAt`
   * kept), an identical one left alone. Conditional writes make concurrent saves safe. The translation
   * is not content: a create stores the one given, an update keeps the stored one (see setTranslation).
   */
  save(article: Article): Promise<SaveOutcome>;
  get(id: string): Promise<Article | undefined>;
  /**
   * Articles published in [since, until) — ISO instants, either end open — newest first, for one
   * language or both. Pages through the store; returns at most `limit` (default: all).
   */
  listPublished(query: {
    lang?: Language;
    since?: string;
    until?: string;
    limit?: number;
  }): Promise<Article[]>;
  /** Articles whose `url` is exactly this one (translation pairing by link). */
  findByUrl(url: string): Promise<Article[]>;

  /**
   * Sets an article's translation, only if its current one is still `expected` (undefined: none);
   * otherwise a ConflictError. A missing article is a NotFoundError.
   */
  setTranslation(id: string, translationId: string, expected: string | undefined): Promise<void>;
  /** Removes an article's translation if it is still `expected`; otherwise leaves it alone. */
  clearTranslation(id: string, expected: string): Promise<void>;
  /**
   * Staff mark an article urgent, or not: that field alone, on an article that exists (a NotFoundError
   * otherwise). The content a feed gave is untouched, so reading the same item again keeps the mark;
   * a changed item brings the feed's own urgency back. Returns the article as stored after.
   */
  setUrgent(id: string, urgent: boolean, now: string): Promise<Article>;
}

export interface RawMail {
  from: string;
  to: string;
  /** The complete RFC 5322 message, as built by MailComposer. */
  raw: Buffer;
  /** SES message tags (configuration-set event dimensions); values must be SES-safe. */
  tags?: Record<string, string>;
}

export interface Mailer {
  /** Hands one raw message to the mail service; returns the service's message id. */
  sendRaw(mail: RawMail): Promise<{ messageId: string }>;
}

export interface DigestInput {
  issueId: string;
  /** The editor's note, placed above the articles in each of the variant's languages it is written in. */
  note?: EditorNote;
  variant: MailVariant;
  /** The window's articles, any order, both languages; the variant picks and pairs them. */
  articles: readonly Article[];
  /** The publication window [start, end), ISO instants: shown in the masthead and the subject. */
  window: { start: string; end: string };
  /** Where the view-in-browser link points; absent: the issue's archive copy. See `AlertInput`. */
  viewInBrowserUrl?: string;
}

export interface AlertInput {
  issueId: string;
  variant: MailVariant;
  /** The alerted article first, then its translation when known (shown beside it in a bilingual variant). */
  articles: readonly Article[];
  /**
   * Where the view-in-browser link points; absent: the issue's public archive copy. A preview is no
   * issue and has no archive copy, so it points the link at itself.
   */
  viewInBrowserUrl?: string;
}

/** The mails a reader gets about their subscription rather than about articles. */
export type SystemMail = 'confirm' | 'welcome' | 'unsubscribed';

export interface SystemMailInput {
  /** For the welcome mail: what the reader will receive. */
  cadence?: Cadence;
}

/**
 * A mail as the renderer made it, with what it holds: callers say how many articles the mail carries
 * from here, never from the list they handed in (a bilingual variant shows a pair as one card, a
 * single-language variant drops the other language's articles).
 */
export interface RenderedMail extends CompiledMail {
  /** Cards in the mail: an article alone, or an article and its translation side by side. The subject counts these. */
  cards: number;
  /** Articles in the mail, each language version counted. */
  articles: number;
}

/**
 * Turns articles into mails, once per variant (functions/render/render-mail.ts, with the templates
 * beside it). Each compiled mail keeps `{{placeholders}}` where a reader's links go (core/mail/personalise).
 */
export interface MailRenderer {
  /** One variant of a digest, compiled once for all its readers. Throws ValidationError when the variant carries no article. */
  renderDigest(input: DigestInput): Promise<RenderedMail>;
  /** One variant of an instant alert. Throws ValidationError when neither the article nor its translation is in the variant's languages. */
  renderAlert(input: AlertInput): Promise<RenderedMail>;
  /** The opt-in confirmation, the welcome mail or the unsubscribe confirmation in one variant. Compiled once per process and kept. */
  renderSystemMail(kind: SystemMail, variant: MailVariant, input?: SystemMailInput): Promise<CompiledMail>;
}

/** Compiles MJML to HTML (mjml 5 in functions/adapters/mjml-renderer.ts). */
export interface MjmlCompiler {
  /** One MJML document → its HTML. Throws on MJML that does not validate. */
  compile(mjml: string): Promise<string>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What `SubscriberRepo.markActive` writes, and what must still hold for it to. */
export interface Activation {
  from: SubscriberStatus[];
  seen: Pick<Subscriber, 'paused' | 'cadence' | 'linkVersion'>;
  consent: NonNullable<Subscriber['consent']>;
  /** `now` for a confirmation; `keep` keeps the first one (a resubscribe). */
  confirmedAt: 'now' | 'keep';
  /**
   * A confirmation by link: the count of confirmations as read (undefined: never stored), which must
   * still hold, and moves on by one so that the link that confirmed is spent.
   */
  confirmations?: { seen: number | undefined; next: number };
  /** The confirmed subscribe's choices, written over the stored ones. Any waiting request is removed either way. */
  choices?: Pick<Subscriber, 'languages' | 'cadence' | 'topics' | 'urgentAlerts'>;
}

export interface SubscriberRepo {
  /**
   * Creates a subscriber unless the address is already held by one; returns the one that holds it.
   * One address is one subscriber, also under concurrent calls (a conditional claim on the address).
   */
  create(subscriber: Subscriber): Promise<{ subscriber: Subscriber; created: boolean }>;
  get(id: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** Several subscribers by id in one round trip (at most 100); unknown ids are simply absent. */
  getMany(ids: string[]): Promise<Map<string, Subscriber>>;
  /**
   * Writes only the given preferences, `updatedAt` and the fan-out segment they decide, in one
   * conditional update: only while the reader's status and link version are still those of `seen`,
   * and so are the pause and cadence the segment was computed from when `changes` does not set them.
   * A ConflictError when any changed meanwhile (read again and retry), a NotFoundError when the reader
   * is gone. Never touches the status: a concurrent unsubscribe, bounce or complaint always stands.
   * Returns the reader as stored after.
   */
  updatePreferences(
    id: string,
    changes: ReaderChanges,
    seen: Pick<Subscriber, 'status' | 'paused' | 'cadence' | 'linkVersion'>,
    now: string,
  ): Promise<Subscriber>;
  /**
   * Unsubscribes a reader: the status, `updatedAt`, out of every fan-out, and the record of how and
   * why when staff act for them (without one, any earlier record is removed), in one conditional
   * update — only while the status is one of `from`, else a ConflictError. Returns the reader as
   * stored after.
   */
  markUnsubscribed(
    id: string,
    from: SubscriberStatus[],
    record: Subscriber['unsubscribed'],
    now: string,
  ): Promise<Subscriber>;
  /**
   * Makes a reader active (a confirmation or a resubscribe): the status, the consent, when confirmed,
   * and back into their fan-out segment, in one conditional update — only while the status is one of
   * `from`, the pause, cadence and link version are those of `seen` (the segment's inputs) and the
   * reader has not expired, else a ConflictError. An active reader is kept for good: no expiry is left
   * on them or the claim on their address. Returns the reader as stored after.
   */
  markActive(
    reader: Pick<Subscriber, 'id' | 'email'>,
    activation: Activation,
    now: string,
  ): Promise<Subscriber>;
  /**
   * Records a subscribe that waits for confirmation (its choices and source, as `requested`) on a
   * reader we hold, leaving their stored choices and consent as they are; only while the status is
   * still `from` (else a ConflictError). Returns the reader as stored after.
   */
  requestConfirmation(
    id: string,
    from: SubscriberStatus,
    requested: NonNullable<Subscriber['requested']>,
    now: string,
  ): Promise<Subscriber>;
  /**
   * Revokes a reader's links: the link version goes from `seen` to the next, only while it is still
   * `seen` (else a ConflictError), with `updatedAt`. Returns the reader as stored after.
   */
  bumpLinkVersion(id: string, seen: number, now: string): Promise<Subscriber>;
  /**
   * A bounce or a complaint: the status, `updatedAt` and out of every fan-out, in one conditional
   * update that holds whatever else changes meanwhile — only while the reader is not suppressed
   * already (else a ConflictError). Returns the reader as stored after.
   */
  suppress(
    reader: Pick<Subscriber, 'id' | 'email'>,
    status: 'bounced' | 'complained',
    now: string,
  ): Promise<Subscriber>;
  /**
   * A never-confirmed reader is kept until `expiresAt` (epoch seconds), and so is the claim on their
   * address: set again with each confirmation mail (a pending reader stored with no expiry gets one).
   * Only while the reader is pending and not expired (else a ConflictError, or a NotFoundError once
   * gone). Returns the reader as stored after.
   */
  keepPendingUntil(reader: Pick<Subscriber, 'id' | 'email'>, expiresAt: number): Promise<Subscriber>;
  /**
   * Counts one transient bounce (an atomic add, so no concurrent count is lost), only while the reader
   * is not suppressed (else a ConflictError). Returns the reader as stored after.
   */
  countTransientBounce(id: string, now: string): Promise<Subscriber>;
  /**
   * One page of active, unpaused readers of a cadence, in id order, for fan-out that never holds the
   * whole list in memory: of each reader what fan-out reads (FanOutReader). At most `limit` readers,
   * fewer when they fill the store's page. Pass the returned cursor back for the next page; none
   * means done.
   */
  pageSegment(
    cadence: Cadence,
    page: { cursor?: string; limit: number },
  ): Promise<{ subscribers: FanOutReader[]; cursor?: string }>;
  /** Every subscriber, page by page (staff listing and export). */
  scan(page: { cursor?: string; limit: number }): Promise<{ subscribers: Subscriber[]; cursor?: string }>;
  /** Erasure: the subscriber and the claim on their address. */
  remove(subscriber: Subscriber): Promise<void>;
}

export interface ScheduleRepo {
  /** Creates a schedule; a name already taken is a ConflictError. */
  create(schedule: Schedule): Promise<void>;
  get(name: string): Promise<Schedule | undefined>;
  list(): Promise<Schedule[]>;
  update(schedule: Schedule): Promise<void>;
  remove(name: string): Promise<void>;
  /**
   * Moves the schedule's window end forward to `windowEnd`, only from `expected` (its value when the
   * window was computed): of two firings for one window, one advances it.
   */
  advanceWindow(name: string, expected: string | undefined, windowEnd: string, now: string): Promise<boolean>;
  /**
   * Writes when and for whom the schedule sends (cron or one-off time, zone, cadence, topics) and its
   * skipped firing (absent: none), only while its `updatedAt` is still `seenUpdatedAt`, else a
   * ConflictError (a NotFoundError when it is gone). Returns the schedule as stored after.
   */
  replaceDefinition(
    name: string,
    definition: ScheduleDefinition & Pick<Schedule, 'skipFiring'>,
    seenUpdatedAt: string,
    now: string,
  ): Promise<Schedule>;
  /** Sets (or with undefined removes) the note for the next issue; a NotFoundError when the schedule is gone. */
  setNote(name: string, note: Schedule['note'], now: string): Promise<Schedule>;
  /** Takes the note off once its issue carries it: only the note set at `setAt` (a newer one stays). */
  takeNote(name: string, setAt: string): Promise<boolean>;
  /** Sets (or with undefined removes) the firing to skip; a NotFoundError when the schedule is gone. */
  setSkip(name: string, skipFiring: string | undefined, now: string): Promise<Schedule>;
}

/**
 * What the clock that fires digests holds for one schedule (EventBridge Scheduler on AWS; locally the
 * runtime reads the schedules table itself and needs none of this).
 */
export interface ScheduleTrigger {
  name: string;
  /** `cron(…)` or `at(…)` in EventBridge Scheduler's form (functions/core/scheduler-expression.ts). */
  expression: string;
  timeZone: string;
  enabled: boolean;
}

export interface ScheduleTriggers {
  /**
   * Every trigger the clock holds; `targetDrifted` where its target, input, role, retry policy or
   * dead-letter queue differ from what this deployment would write.
   */
  list(): Promise<Array<ScheduleTrigger & { targetDrifted: boolean }>>;
  /** Creates the trigger, or replaces the one of that name. */
  put(trigger: ScheduleTrigger): Promise<void>;
  /** Deletes the trigger of that name; one already gone is not an error. */
  remove(name: string): Promise<void>;
}

export type IssueCounts = Partial<
  Pick<Issue, 'recipients' | 'sent' | 'skipped' | 'failed' | 'bounced' | 'complained'>
>;

export interface IssueRepo {
  /** Creates the issue unless one with its id exists (a conditional write); returns the stored one. */
  createOnce(issue: Issue): Promise<{ issue: Issue; created: boolean }>;
  get(id: string): Promise<Issue | undefined>;
  /** Newest first. */
  list(page: { limit: number; cursor?: string }): Promise<{ issues: Issue[]; cursor?: string }>;
  /** Every issue created at or after `since`, newest first (the held-alert sweep looks back a day or two). */
  listSince(since: string): Promise<Issue[]>;
  /**
   * The issues created at or after `since` that staff must see to, newest first: held for quiet hours,
   * parked, or holding mail that failed for good. Only those are returned (the rest are filtered out
   * by the store), so the overview does not carry a month of issues to show a few.
   */
  listNeedingStaff(since: string): Promise<Issue[]>;
  /** A schedule's issues created at or after `since`, for the at-most-once-per-schedule rule. */
  listForSchedule(schedule: string, since: string): Promise<Issue[]>;
  saveVariant(issueId: string, key: string, mail: CompiledMail): Promise<void>;
  getVariant(issueId: string, key: string): Promise<CompiledMail | undefined>;
  /**
   * Adds one to the issue's `unsubscribedSince`, atomically and to that field alone (its `updatedAt`
   * stays, so a recount racing it is not turned away); false when there is no such issue.
   */
  addUnsubscribedSince(id: string): Promise<boolean>;
  /** Adds to the counts atomically and returns the issue after the change. */
  addCounts(id: string, counts: IssueCounts, now: string): Promise<Issue>;
  addVariantKey(id: string, key: string, now: string): Promise<void>;
  markFannedOut(id: string, now: string): Promise<Issue>;
  /**
   * Counts one enqueued page of recipients and moves the fan-out position from `expected` to `next`
   * in one conditional write: a page is counted once even if a crashed fan-out enqueues it again.
   */
  recordFanOutPage(
    id: string,
    recipients: number,
    expected: string,
    next: string,
    now: string,
  ): Promise<boolean>;
  /**
   * Replaces the outcome counts with ones recounted from the deliveries, only if the issue has not
   * changed since `seenUpdatedAt` (a concurrent batch's counts would otherwise be lost): false if it had.
   */
  replaceCounts(
    id: string,
    counts: Required<Pick<Issue, 'sent' | 'skipped' | 'failed'>>,
    seenUpdatedAt: string,
    now: string,
  ): Promise<boolean>;
  /** Sets the status; with `from`, only when the current status is one of those (returns false otherwise). */
  setStatus(id: string, status: IssueStatus, now: string, from?: IssueStatus[]): Promise<boolean>;
  /**
   * Parks a sending issue (SES refuses every message for now), keeping why; false when it was not
   * sending (already parked by another sender, or finished).
   */
  park(id: string, reason: string, now: string): Promise<boolean>;
}

export type ClaimResult = 'claimed' | 'done' | 'busy';

export interface Delivery {
  issueId: string;
  subscriberId: string;
  status: DeliveryStatus;
  variantKey?: string;
  messageId?: string;
  reason?: string;
  claimedAt?: string;
  leaseUntil?: string;
  updatedAt: string;
  /** What SES told us after sending: the mail bounced, or the reader marked it as spam (the first word only). */
  feedback?: DeliveryFeedback['kind'];
  /** SES's words for it (`Permanent/General`, `Transient/MailboxFull`, `abuse`). */
  feedbackDetail?: string;
  feedbackAt?: string;
}

/** A bounce or complaint about one delivered mail, from the SES event that names its issue. */
export interface DeliveryFeedback {
  kind: 'bounced' | 'complained';
  detail?: string;
}

export interface DeliveryRepo {
  /**
   * Claims the (issue, reader) pair before a send, with a conditional write: `claimed` when this
   * caller may send; `done` when it was sent, failed for good or skipped already; `busy` while
   * another sender holds an unexpired lease. An expired `sending` lease (a sender that died) may be
   * claimed again: the only way a reader can get a mail twice, bounded by the sends in flight.
   * A `parked` pair may be claimed again too (its issue was resumed).
   */
  claim(
    issueId: string,
    subscriberId: string,
    variantKey: string,
    now: Date,
    leaseMs: number,
  ): Promise<ClaimResult>;
  markSent(issueId: string, subscriberId: string, messageId: string, now: Date): Promise<void>;
  markFailed(issueId: string, subscriberId: string, reason: string, now: Date): Promise<void>;
  /** Records a skip once; false when the pair already had an outcome (so it is counted once). */
  markSkipped(issueId: string, subscriberId: string, reason: string, now: Date): Promise<boolean>;
  /** Holds a job back while its issue is parked (daily quota); a later claim may take it. */
  markParked(issueId: string, subscriberId: string, variantKey: string, now: Date): Promise<void>;
  /** The jobs held back for a parked issue. */
  listParked(issueId: string): Promise<SendJob[]>;
  /** Gives a claim back after a transient failure, so the next receive can claim it at once. */
  release(issueId: string, subscriberId: string): Promise<void>;
  /** The deliveries of an issue that failed for good: what the dead-letter queue holds for it. */
  listFailed(issueId: string): Promise<Delivery[]>;
  /**
   * One page of an issue's deliveries, whatever their state, in reader-id order (`cursor` from the
   * page before; absent on the last page): staff page through an issue's readers without holding
   * them all. An InvalidCursorError for a cursor this repository did not hand out.
   */
  pageForIssue(
    issueId: string,
    page: { cursor?: string; limit: number },
  ): Promise<{ deliveries: Delivery[]; cursor?: string }>;
  /** How many of an issue's deliveries are in each state: the truth the issue's counts are kept from. */
  countByStatus(issueId: string): Promise<Record<DeliveryStatus, number>>;
  listForSubscriber(subscriberId: string): Promise<Delivery[]>;
  /**
   * Records on an existing delivery that its mail bounced or was complained about: once (true), so an
   * SES event delivered twice counts once; false when it already had feedback or there is no such
   * delivery.
   */
  recordFeedback(
    issueId: string,
    subscriberId: string,
    feedback: DeliveryFeedback,
    now: Date,
  ): Promise<boolean>;
  /** Erasure: every record of the reader in this table (deliveries and story claims); returns how many deliveries. */
  removeForSubscriber(subscriberId: string): Promise<number>;
  /**
   * Claims for one reader the alert of one article (its story) on behalf of an alert issue: true when
   * that issue holds the claim now (it was free, or the issue took it before: a resumed fan-out),
   * false when another alert issue holds it. One conditional write, so of the alerts of an article
   * and of its translation, whatever their order, one reaches a reader of both languages.
   */
  claimStory(articleId: string, subscriberId: string, issueId: string, now: Date): Promise<boolean>;
  /** Gives back a story claim that this issue holds (taken for a reader it then did not mail). */
  releaseStory(articleId: string, subscriberId: string, issueId: string): Promise<void>;
  /** The stories whose alert reached a reader, and by which issue: for a subject access request. */
  listStoriesForSubscriber(subscriberId: string): Promise<StoryClaim[]>;
}

/** A reader's claim on the alert of one article: which alert issue reached them with it, and when. */
export interface StoryClaim {
  articleId: string;
  issueId: string;
  claimedAt: string;
}

/** One recipient of one issue: the body of a send-queue message. */
export interface SendJob {
  issueId: string;
  subscriberId: string;
  variantKey: string;
}

export interface SendQueue {
  enqueue(jobs: SendJob[]): Promise<void>;
}

/** One counter of the counters table: its opaque key, count and expiry (epoch seconds). */
export interface Counter {
  key: string;
  count: number;
  expiresAt: number;
}

/**
 * Short-lived counters (rate limits, a feed's run of failed polls). Keys are opaque hashes: the core never hands an address or IP
 * to this port. Expired counters are gone on AWS (TTL) and ignored everywhere else.
 */
export interface CounterRepo {
  /**
   * Adds one to the counter (created at 1 with this expiry) and returns the count after, atomically.
   * With `extendExpiry`, every hit moves the expiry to `expiresAt` (a run that lasts as long as it goes
   * on); otherwise the first hit's expiry stays (a fixed window).
   */
  hit(key: string, expiresAt: number, options?: { extendExpiry?: boolean }): Promise<number>;
  /** The live counters among these keys (expired ones are left out). */
  getMany(keys: string[], now: Date): Promise<Counter[]>;
  remove(keys: string[]): Promise<void>;
}

/** Where a staff sign-in stands after one step. */
export type SignInStep =
  | { kind: 'signed-in'; staff: StaffMember }
  | {
      kind: 'challenge';
      /**
       * `new-password`: the account's password was temporary, choose one; `totp-setup`: the pool
       * requires a second factor and the account has none yet (the secret to type into an
       * authenticator app follows from `startTotpSetup`); `totp-code`: the authenticator's code.
       */
      challenge: 'new-password' | 'totp-setup' | 'totp-code';
      /** Who answers it, as the identity service names them in its answer. */
      username: string;
      /** The identity service's handle on this sign-in (short-lived, opaque). */
      session: string;
    }
  | {
      kind: 'refused';
      /**
       * `credentials`: no such account or the wrong password (never said apart); `code`: the wrong
       * code; `password`: a new password the policy refuses (`message` says why); `expired`: the
       * sign-in took too long, start again; `unavailable`: the account may not sign in this way.
       */
      reason: 'credentials' | 'code' | 'password' | 'expired' | 'unavailable';
      message?: string;
    };

/** A challenge the staff member is answering: its name, who, and the identity service's session. */
export interface PendingChallenge {
  challenge: 'new-password' | 'totp-setup' | 'totp-code';
  username: string;
  session: string;
}

/**
 * The staff's identity service (a Cognito user pool, cognito-local locally): signing in, step by step,
 * and the staff accounts. nashra keeps no password: every check is the service's. A step that signs
 * someone in has verified the service's token against its published keys.
 */
export interface StaffDirectory {
  /** Checks an address and password: signed in, a challenge to answer, or refused. */
  startSignIn(email: string, password: string): Promise<SignInStep>;
  /** Answers a pending challenge: a new password, or an authenticator code. */
  answer(pending: PendingChallenge, answer: string): Promise<SignInStep>;
  /** For `totp-setup`: a new authenticator secret for the account, and the session to go on with. */
  startTotpSetup(pending: PendingChallenge): Promise<{ secret: string; session: string }>;
  /**
   * Creates an account that may sign in at once (a `permanent` password) or must choose its own
   * password at its first sign-in (a `temporary` one). No mail is sent. An address already held is a
   * ConflictError; a password the policy refuses, a ValidationError saying why.
   */
  addAccount(
    email: string,
    password: { kind: 'temporary' | 'permanent'; value: string },
  ): Promise<StaffAccount>;
  listAccounts(): Promise<StaffAccount[]>;
  findAccount(email: string): Promise<StaffAccount | undefined>;
  /** Deletes the account: it can sign in no more. A missing one is a NotFoundError. */
  removeAccount(email: string): Promise<void>;
}

/**
 * A console session, kept server-side. The browser holds only a random token (the session cookie);
 * the record is stored under a hash of it, so reading the table signs nobody in. A session is either
 * a sign-in still answering a challenge (a code, a new password) or a signed-in staff member.
 */
export interface StaffSession {
  /** sessionIdOf(token). */
  id: string;
  state: 'challenge' | 'signed-in';
  /** Signed in: who. */
  staff?: StaffMember;
  /** The CSRF token every form of this session carries. */
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  /** Epoch seconds after which the record is dead (and DynamoDB's TTL may delete it). */
  expiresAt: number;
  /** Answering a challenge: which, for whom, the identity service's session, and its address. */
  challenge?: PendingChallenge & {
    email: string;
    /** `totp-setup`: the secret to type into the authenticator, shown again after a wrong code. */
    secret?: string;
  };
}

/** Console sessions (functions/core/staff/sessions.ts): records keyed by a hash of the cookie's token. */
export interface StaffSessionRepo {
  /** Stores a new session; an id already held is a ConflictError. */
  create(session: StaffSession): Promise<void>;
  /** The session, unless it is missing or past its `expiresAt`. */
  get(id: string, now: Date): Promise<StaffSession | undefined>;
  /** Moves a session's last use and expiry on, only if it still exists; false when it is gone. */
  touch(id: string, lastSeenAt: string, expiresAt: number): Promise<boolean>;
  remove(id: string): Promise<void>;
  /** Removes every session of one staff member; returns how many there were. */
  removeAllOf(staffId: string): Promise<number>;
}

/** The audit log: append-only, read newest first. */
export interface AuditRepo {
  /** Appends one record; an identical key already held is a ConflictError. */
  append(record: AuditRecord): Promise<void>;
  list(query: AuditQuery): Promise<AuditPage>;
}
