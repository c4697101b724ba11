import type { Command } from 'commander';
import type { Issue } from '../../core/issue';
import {
  type IssueArticle,
  type IssueRecipient,
  issueArticles,
  issueRecipients,
} from '../../core/send/issue-recipients';
import { formatStaffTime } from '../../core/time';
import { CliError, printJson, withRuntime } from '../context';

/** `nashra issues list|show`: what was sent, with its articles, counts and each reader's outcome. */
export function registerIssues(program: Command): void {
  const issues = program.command('issues').description('sent digests and alerts');

  issues
    .command('list')
    .description('issues, newest first')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print JSON (ISO instants)')
    .action(async (options: { limit: number; json?: boolean }, command: Command) => {
      if (!Number.isInteger(options.limit) || options.limit < 1)
        throw new CliError('--limit must be a whole number of issues, 1 or more');
      await withRuntime(command, async (runtime) => {
        const { issues: page } = await runtime.repos.issues.list({ limit: options.limit });
        if (options.json) return printJson(page.map(summary));
        if (page.length === 0) return console.log('no issues yet');
        const at = (instant: string) => formatStaffTime(instant, runtime.config.timeZone);
        for (const issue of page) {
          const held = issue.status === 'held' && issue.sendAfter;
          console.log(
            `${at(issue.createdAt)}  ${issue.id.padEnd(40)} ${issue.kind.padEnd(6)} ${issue.status.padEnd(8)} ${held ? `until ${at(held)}` : `sent ${issue.sent}/${issue.recipients}`}`,
          );
          // A held alert is known by its article: staff decide from its title whether to wait.
          if (held) {
            const [article] = await issueArticles(issue.articleIds.slice(0, 1), runtime.repos.articles);
            if (article) console.log(`    ${describeArticle(article)}`);
          }
        }
      });
    });

  issues
    .command('show <id>')
    .description("an issue's articles, counts, variants and status; with --recipients each reader's outcome")
    .option('--recipients', 'list every reader with their delivery: sent, skipped or failed and why, parked')
    .option('--json', 'print JSON (ISO instants)')
    .action(async (id: string, options: { recipients?: boolean; json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const { repos } = runtime;
        const issue = await repos.issues.get(id);
        if (!issue) throw new CliError(`no issue "${id}"`);
        const articles = await issueArticles(issue.articleIds, repos.articles);
        const failed = await repos.deliveries.listFailed(id);
        const recipients = options.recipients
          ? issueRecipients(id, { deliveries: repos.deliveries, subscribers: repos.subscribers })
          : undefined;
        const detail = {
          ...summary(issue),
          variants: issue.variantKeys,
          articleIds: issue.articleIds,
          articles,
          failedDeliveries: failed,
        };
        if (options.json) return printShownJson(detail, recipients);

        const at = (instant: string) => formatStaffTime(instant, runtime.config.timeZone);
        console.log(
          `issue ${issue.id} (${issue.kind}${issue.schedule ? `, schedule ${issue.schedule}` : ''}): ${issue.status}`,
        );
        if (issue.windowStart && issue.windowEnd)
          console.log(`  window     ${at(issue.windowStart)} → ${at(issue.windowEnd)}`);
        if (issue.status === 'held' && issue.sendAfter)
          console.log(`  held       until ${at(issue.sendAfter)} (quiet hours)`);
        if (issue.status === 'parked')
          console.log(
            `  parked     ${issue.parkedReason ?? 'held back'} (once the cause is fixed: nashra digest resume ${issue.id})`,
          );
        console.log(`  created    ${at(issue.createdAt)}`);
        console.log(`  articles   ${issue.articleIds.length}`);
        for (const article of articles) console.log(`    ${describeArticle(article)}`);
        console.log(`  variants   ${issue.variantKeys.join(', ') || '—'}`);
        console.log(
          `  recipients ${issue.recipients}  sent ${issue.sent}  skipped ${issue.skipped}  failed ${issue.failed}`,
        );
        if (!recipients) {
          for (const delivery of failed)
            console.log(
              `  failed     reader ${delivery.subscriberId}: ${delivery.reason ?? 'unknown'} (${at(delivery.updatedAt)})`,
            );
          return;
        }
        console.log('  readers');
        let listed = 0;
        for await (const recipient of recipients) {
          console.log(`    ${describeRecipient(recipient, at)}`);
          listed += 1;
        }
        const queued = issue.recipients - listed;
        if (queued > 0) console.log(`    (${queued} more queued, with no outcome yet)`);
        if (listed === 0 && queued <= 0) console.log('    none');
      });
    });
}

function describeArticle(article: IssueArticle): string {
  return 'missing' in article
    ? `${article.id} (no longer stored)`
    : `${article.lang}  ${article.title}  (${article.id})`;
}

/** One reader's line: the outcome, the address (staff's terminal only), the variant, when, and why or the message id. */
function describeRecipient(recipient: IssueRecipient, at: (instant: string) => string): string {
  const who = recipient.email ?? `reader ${recipient.subscriberId} (erased since)`;
  const detail =
    recipient.status === 'sent'
      ? `message ${recipient.messageId ?? '—'}`
      : recipient.status === 'parked'
        ? 'held back by the daily quota (nashra digest resume)'
        : recipient.status === 'sending'
          ? 'a sender holds it now'
          : `why: ${recipient.reason ?? 'not recorded'}`;
  return `${recipient.status.padEnd(8)} ${who}  ${recipient.variant ?? '—'}  ${at(recipient.at)}  ${detail}`;
}

/**
 * The shown issue as one JSON document; with recipients, their array is written as the pages come,
 * never held whole.
 */
async function printShownJson(detail: object, recipients: AsyncIterable<IssueRecipient> | undefined) {
  if (!recipients) return printJson(detail);
  const head = JSON.stringify(detail, null, 2).replace(/\n}$/, '');
  process.stdout.write(`${head},\n  "recipients": [`);
  let first = true;
  for await (const recipient of recipients) {
    process.stdout.write(`${first ? '\n' : ',\n'}    ${JSON.stringify(recipient)}`);
    first = false;
  }
  process.stdout.write(first ? ']\n}\n' : '\n  ]\n}\n');
}

function summary(issue: Issue) {
  const {
    id,
    kind,
    schedule,
    status,
    recipients,
    sent,
    skipped,
    failed,
    windowStart,
    windowEnd,
    sendAfter,
    createdAt,
  } = issue;
  return {
    id,
    kind,
    schedule,
    status,
    recipients,
    sent,
    skipped,
    failed,
    windowStart,
    windowEnd,
    sendAfter,
    createdAt,
  };
}
