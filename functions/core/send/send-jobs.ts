import { PermanentSendError, QuotaExceededError } from '../errors';
import { finalStatus, type Issue } from '../issue';
import { type LinkSigner, linksFor } from '../link-token';
import { mailOneReader, type ReaderMail, variantHeaders } from '../mail/mail-one-reader';
import { MimeTemplate } from '../mail/mime-template';
import { placeholdersOf } from '../mail/personalise';
import type { Clock, DeliveryRepo, IssueCounts, IssueRepo, Mailer, SendJob, SubscriberRepo } from '../ports';
import { type Subscriber, segmentOf } from '../subscriber';
import type { Sleep, TokenBucket } from './rate-limit';
import { type RetryPolicy, retryTransient } from './retry';

export interface SenderDeps {
  subscribers: SubscriberRepo;
  deliveries: DeliveryRepo;
  issues: IssueRepo;
  mailer: Mailer;
  signer: LinkSigner;
  clock: Clock;
  sleep: Sleep;
  retry: RetryPolicy;
  mail: { from: string; listId: string; unsubscribeMailto: string; baseUrl: string };
  /** How long a claim holds before another sender may take it (≥ the sender's timeout). */
  leaseMs: number;
  /** Compiled variants and their MIME templates by `${issueId}/${key}`: kept for the container's life. */
  variantCache: Map<string, PreparedVariant>;
}

export interface QueuedJob {
  id: string;
  job: SendJob;
  /** How many times the queue has handed this job out, this time included. */
  receiveCount: number;
}

export interface SendReport {
  /** Jobs to hand out again later (transient failures): the batch's item failures. */
  retry: string[];
  sent: number;
  skipped: number;
  failed: number;
  parked: number;
  retries: number;
}

/**
 * Sends one batch of jobs: for each (issue, reader) it claims the delivery with a conditional write,
 * fills the reader's links into the compiled variant, builds the MIME, waits for a send slot, sends,
 * and records the outcome. A job is mailed at most once whatever the queue redelivers; a reader who
 * unsubscribed, paused or bounced since fan-out is skipped; the daily quota parks the issue.
 */
export async function sendJobs(
  queued: QueuedJob[],
  deps: SenderDeps,
  bucket: TokenBucket,
  maxReceiveCount: number,
): Promise<SendReport> {
  const report: SendReport = { retry: [], sent: 0, skipped: 0, failed: 0, parked: 0, retries: 0 };
  const counts = new Map<string, IssueCounts>();
  const count = (issueId: string, field: keyof IssueCounts) => {
    const current = counts.get(issueId) ?? {};
    current[field] = (current[field] ?? 0) + 1;
    counts.set(issueId, current);
  };
  const parkedIssues = new Set<string>();
  // A job whose pair is already finished was handled before — by an invocation that died after sending
  // and before counting (a queue kept on disk hands it out again as a first receive), or as a second
  // copy of the job: that issue's counts are rebuilt from the deliveries afterwards.
  const recount = new Set<string>();
  const issueIds = [...new Set(queued.map(({ job }) => job.issueId))];
  // The batch's issues and readers, read side by side.
  const [issueList, readers] = await Promise.all([
    Promise.all(issueIds.map(async (id) => [id, await deps.issues.get(id)] as const)),
    deps.subscribers.getMany(queued.map(({ job }) => job.subscriberId)),
  ]);
  const issues = new Map(issueList);

  await Promise.all(
    queued.map(async ({ id, job, receiveCount }) => {
      const issue = issues.get(job.issueId);
      if (!issue) return;
      const outcome = await sendOne(
        job,
        issue,
        readers.get(job.subscriberId),
        receiveCount >= maxReceiveCount,
        deps,
        bucket,
        parkedIssues,
      );
      report.retries += outcome.retries;
      switch (outcome.result) {
        case 'sent':
        case 'skipped':
        case 'failed':
          report[outcome.result] += 1;
          count(job.issueId, outcome.result);
          return;
        case 'parked':
          report.parked += 1;
          return;
        case 'retry':
          report.retry.push(id);
          return;
        case 'done':
          recount.add(job.issueId);
          return;
      }
    }),
  );

  const now = deps.clock.now().toISOString();
  for (const issueId of new Set([...counts.keys(), ...recount])) {
    let issue = await deps.issues.addCounts(issueId, counts.get(issueId) ?? {}, now);
    if (recount.has(issueId)) issue = (await recountIssue(issueId, deps)) ?? issue;
    const status = finalStatus(issue);
    if (status) await deps.issues.setStatus(issueId, status, now, ['sending']);
  }
  return report;
}

/** Rebuilds an issue's outcome counts from its delivery records, retrying while other batches count. */
async function recountIssue(issueId: string, deps: SenderDeps): Promise<Issue | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await deps.issues.get(issueId);
    if (!before) return undefined;
    const counts = await deps.deliveries.countByStatus(issueId);
    const now = deps.clock.now().toISOString();
    const outcome = { sent: counts.sent, skipped: counts.skipped, failed: counts.failed };
    if (await deps.issues.replaceCounts(issueId, outcome, before.updatedAt, now))
      return { ...before, ...outcome, updatedAt: now };
  }
  return deps.issues.get(issueId);
}

type Outcome = { result: 'sent' | 'skipped' | 'failed' | 'parked' | 'retry' | 'done'; retries: number };

async function sendOne(
  job: SendJob,
  issue: Issue,
  subscriber: Subscriber | undefined,
  lastAttempt: boolean,
  deps: SenderDeps,
  bucket: TokenBucket,
  parkedIssues: Set<string>,
): Promise<Outcome> {
  const now = () => deps.clock.now();
  if (issue.status === 'parked' || parkedIssues.has(job.issueId)) {
    await deps.deliveries.markParked(job.issueId, job.subscriberId, job.variantKey, now());
    return { result: 'parked', retries: 0 };
  }

  if (!subscriber || !segmentOf(subscriber)) {
    const recorded = await deps.deliveries.markSkipped(
      job.issueId,
      job.subscriberId,
      subscriber ? `status ${subscriber.status}` : 'erased',
      now(),
    );
    return { result: recorded ? 'skipped' : 'done', retries: 0 };
  }

  const claim = await deps.deliveries.claim(
    job.issueId,
    job.subscriberId,
    job.variantKey,
    now(),
    deps.leaseMs,
  );
  if (claim === 'done') return { result: 'done', retries: 0 };
  if (claim === 'busy') return { result: 'retry', retries: 0 };

  let retries = 0;
  let messageId: string;
  try {
    const prepared = await preparedVariant(job, issue, deps);
    const at = now();
    // The mailer as the sender uses it: each attempt waits for a send slot; transient errors retry.
    const paced: Mailer = {
      sendRaw: async (mail) => {
        const sent = await retryTransient(
          async () => {
            await bucket.take();
            return deps.mailer.sendRaw(mail);
          },
          deps.retry,
          deps.sleep,
        );
        retries = sent.retries;
        return sent.result;
      },
    };
    const links = linksFor(deps.signer, deps.mail.baseUrl, subscriber, at, prepared.links);
    ({ messageId } = await mailOneReader(
      prepared.mail,
      { to: subscriber.email, links },
      { mailer: paced, now: at },
    ));
  } catch (error) {
    if (error instanceof QuotaExceededError) {
      parkedIssues.add(job.issueId);
      await deps.issues.setStatus(job.issueId, 'parked', now().toISOString(), ['sending']);
      await deps.deliveries.markParked(job.issueId, job.subscriberId, job.variantKey, now());
      return { result: 'parked', retries };
    }
    if (error instanceof PermanentSendError || lastAttempt) {
      await deps.deliveries.markFailed(job.issueId, job.subscriberId, (error as Error).name, now());
      return { result: 'failed', retries };
    }
    await deps.deliveries.release(job.issueId, job.subscriberId);
    return { result: 'retry', retries };
  }
  // SES accepted the mail: from here the claim is never given back. Recording it is retried while the
  // store is unreachable; if it never gets through, the claim's lease is all that stands between the
  // reader and a second copy (the one window for a duplicate, documented with its bound).
  await retryStoreWrite(
    () => deps.deliveries.markSent(job.issueId, job.subscriberId, messageId, now()),
    deps.sleep,
  );
  return { result: 'sent', retries };
}

/** Retries a write to the store with backoff for about six seconds before giving up. */
async function retryStoreWrite(write: () => Promise<void>, sleep: Sleep): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 6) throw error;
      await sleep(100 * 2 ** attempt);
    }
  }
}

export interface PreparedVariant {
  /** The compiled variant with its headers and its MIME template. */
  mail: ReaderMail;
  /** The links its readers get: the placeholders it holds and the List-Unsubscribe link. */
  links: string[];
}

/** A compiled variant and its MIME template, fetched and built once per container and kept. */
async function preparedVariant(job: SendJob, issue: Issue, deps: SenderDeps): Promise<PreparedVariant> {
  const cacheKey = `${job.issueId}/${job.variantKey}`;
  const cached = deps.variantCache.get(cacheKey);
  if (cached) return cached;
  const compiled = await deps.issues.getVariant(job.issueId, job.variantKey);
  if (!compiled) throw new PermanentSendError(`issue ${job.issueId} has no variant ${job.variantKey}`);
  const headers = variantHeaders(compiled, deps.mail, `${job.issueId.slice(0, 60)}:${issue.kind}:nashra`);
  const prepared: PreparedVariant = {
    mail: {
      kind: 'list',
      compiled,
      headers,
      template: await MimeTemplate.build(compiled, headers),
      tags: { issue: tagValue(job.issueId), kind: issue.kind },
    },
    links: [...new Set([...placeholdersOf(compiled), 'unsubscribeUrl'])],
  };
  deps.variantCache.set(cacheKey, prepared);
  return prepared;
}

/** SES tag values allow letters, digits, `_`, `-` and `.` only. */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 255);
}
