import type { Command } from 'commander';
import type { Issue } from '../../core/issue';
import { CliError, printJson, withRuntime } from '../context';

/** `nashra issues list|show`: what was sent, with its counts and failures. */
export function registerIssues(program: Command): void {
  const issues = program.command('issues').description('sent digests and alerts');

  issues
    .command('list')
    .description('issues, newest first')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print JSON')
    .action(async (options: { limit: number; json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const { issues: page } = await runtime.repos.issues.list({ limit: options.limit });
        if (options.json) return printJson(page.map(summary));
        if (page.length === 0) return console.log('no issues yet');
        for (const issue of page) {
          console.log(
            `${issue.createdAt}  ${issue.id.padEnd(40)} ${issue.kind.padEnd(6)} ${issue.status.padEnd(8)} ${issue.status === 'held' ? `until ${issue.sendAfter}` : `sent ${issue.sent}/${issue.recipients}`}`,
          );
        }
      });
    });

  issues
    .command('show <id>')
    .description("an issue's counts, variants, status and failed deliveries (the dead-letter entries)")
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const issue = await runtime.repos.issues.get(id);
        if (!issue) throw new CliError(`no issue "${id}"`);
        const failed = await runtime.repos.deliveries.listFailed(id);
        const detail = {
          ...summary(issue),
          variants: issue.variantKeys,
          articleIds: issue.articleIds,
          failedDeliveries: failed,
        };
        if (options.json) return printJson(detail);
        console.log(
          `issue ${issue.id} (${issue.kind}${issue.schedule ? `, schedule ${issue.schedule}` : ''}): ${issue.status}`,
        );
        if (issue.windowStart) console.log(`  window     ${issue.windowStart} → ${issue.windowEnd}`);
        if (issue.status === 'held') console.log(`  held       until ${issue.sendAfter} (quiet hours)`);
        console.log(`  articles   ${issue.articleIds.length}`);
        console.log(`  variants   ${issue.variantKeys.join(', ') || '—'}`);
        console.log(
          `  recipients ${issue.recipients}  sent ${issue.sent}  skipped ${issue.skipped}  failed ${issue.failed}`,
        );
        for (const delivery of failed)
          console.log(
            `  failed     reader ${delivery.subscriberId}: ${delivery.reason ?? 'unknown'} (${delivery.updatedAt})`,
          );
      });
    });
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
