import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { linksFor } from '../../core/link-token';
import { mailOneReader, variantHeaders } from '../../core/mail/mail-one-reader';
import { placeholdersOf } from '../../core/mail/personalise';
import { type MailVariant, mailVariantSchema } from '../../core/mail/variant';
import { resumeIssue } from '../../core/send/resume-issue';
import { type DigestOutcome, planDigest, sendDigest } from '../../core/send/send-digest';
import { normaliseEmail } from '../../core/subscriber';
import { formatStaffTime, readWindow } from '../../core/time';
import { type SendingParts, sendingParts } from '../../runtime/sending';
import { CliError, confirm, printJson, withRuntime } from '../context';

interface SendOptions {
  since?: string;
  until?: string;
  dryRun?: boolean;
  to?: string;
  lang?: string;
  yes?: boolean;
  json?: boolean;
}

/** `nashra digest send|resume`: a schedule's digest, now, with a progress bar. */
export function registerDigestSend(program: Command): void {
  const digest =
    program.commands.find((command) => command.name() === 'digest') ??
    program.command('digest').description('digests');
  digest
    .command('send <schedule>')
    .description("build and send a schedule's digest now (its window: from the end of its last one to now)")
    .option(
      '--since <when>',
      "window start instead of the end of the last window: a date, a local time (in the schedule's zone) or an instant",
    )
    .option('--until <when>', 'window end instead of now (a date: the end of that day)')
    .option('--dry-run', 'say who would get which variant; send nothing')
    .option('--to <email>', 'send one test mail to this address only')
    .option('--lang <variant>', 'variant of the --to test mail: ar | en | ar+en | en+ar', 'ar+en')
    .option('--yes', 'do not ask before sending')
    .option('--json', 'print JSON')
    .action(async (scheduleName: string, options: SendOptions, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const services = sendingParts(runtime);
        const schedule = await services.schedules.get(scheduleName);
        if (!schedule)
          throw new CliError(`no schedule named "${scheduleName}" (see \`nashra schedule list\`)`);
        const window = readWindow(options, schedule);
        const timeZone = runtime.config.timeZone;

        if (options.to)
          return sendTestMail(services, schedule.name, options, await planDigest(schedule, window, services));

        // Listed as the fan-out pages through them: the full list is never held in memory.
        const listReaders = options.dryRun === true && !options.json;
        const preview = await sendDigest(
          schedule,
          {
            ...window,
            dryRun: true,
            ...(listReaders
              ? {
                  onReader: (reader: { email: string; variant: string }) =>
                    process.stdout.write(`  ${reader.variant.padEnd(6)} ${reader.email}\n`),
                }
              : {}),
          },
          services,
        );
        if (preview.status === 'nothing-new') return report(options, preview, timeZone);
        if (options.dryRun) return report(options, preview, timeZone);
        if (preview.status === 'dry-run' && !options.yes)
          await confirm(
            `Send "${schedule.name}" (${preview.plan.articles.length} articles in its window) to ${preview.fanOut.recipients} readers?`,
            { offTerminal: 'Run again with --yes to send without asking.', declined: 'not sent' },
          );

        const outcome = await sendDigest(schedule, window, services);
        if ('issue' in outcome) await followIssue(services, outcome.issue.id, runtime.local?.triggers.idle());
        if (!('issue' in outcome)) return report(options, outcome, timeZone);
        const issue = (await services.issues.get(outcome.issue.id)) ?? outcome.issue;
        report(options, { ...outcome, issue, status: issue.status } as DigestOutcome, timeZone);
      });
    });

  digest
    .command('resume <issue-id>')
    .description('send what a parked issue (SES daily quota) held back')
    .option('--json', 'print JSON')
    .action(async (issueId: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const services = sendingParts(runtime);
        const resumed = await resumeIssue(issueId, services);
        await followIssue(services, issueId, runtime.local?.triggers.idle());
        const issue = await services.issues.get(issueId);
        if (options.json) return printJson({ resumed, issue });
        console.log(
          `issue ${issueId}: ${resumed} held-back mails re-queued; now ${issue?.status} (sent ${issue?.sent}, skipped ${issue?.skipped}, failed ${issue?.failed} of ${issue?.recipients})`,
        );
      });
    });
}

/**
 * Waits until the issue has an outcome for every reader (the senders may run in this process or in
 * `nashra dev`), drawing sent/total, rate and ETA on a terminal. Gives up waiting — not sending —
 * after a minute without progress, and says so.
 */
async function followIssue(
  services: SendingParts,
  issueId: string,
  idle: Promise<void> | undefined,
): Promise<void> {
  const first = await services.issues.get(issueId);
  if (!first) return idle;
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: ' {bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | skipped {skipped} failed {failed}',
        stream: process.stderr,
        hideCursor: true,
      })
    : undefined;
  bar?.start(first.recipients, 0, { rate: 0, skipped: 0, failed: 0 });
  const started = Date.now();
  let lastDone = -1;
  let lastProgressAt = Date.now();
  while (true) {
    const issue = await services.issues.get(issueId);
    if (!issue) break;
    const done = issue.sent + issue.skipped + issue.failed;
    const rate = issue.sent / Math.max(0.001, (Date.now() - started) / 1000);
    bar?.setTotal(issue.recipients);
    bar?.update(done, { rate: rate.toFixed(1), skipped: issue.skipped, failed: issue.failed });
    if (issue.status !== 'sending') break;
    if (done !== lastDone) {
      lastDone = done;
      lastProgressAt = Date.now();
    } else if (Date.now() - lastProgressAt > 60_000) {
      bar?.stop();
      console.error(
        `no progress for a minute: issue ${issueId} goes on sending in the background (see \`nashra issues show ${issueId}\`)`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  bar?.stop();
  await idle;
}

/**
 * One mail of the schedule's next digest, marked [TEST], to one address only, through the same
 * personalise → MIME → send path as every reader's mail. Its links are signed for no reader (a click
 * finds nobody); it is no issue and moves no window.
 */
async function sendTestMail(
  services: SendingParts,
  scheduleName: string,
  options: SendOptions,
  plan: Awaited<ReturnType<typeof planDigest>>,
) {
  const variant = mailVariantSchema.safeParse(options.lang);
  if (!variant.success)
    throw new CliError(`--lang must be one of ar, en, ar+en, en+ar, not "${options.lang}"`);
  if (plan.articles.length === 0) throw new CliError('nothing new in the window: there is no digest to test');
  const to = normaliseEmail(options.to ?? '');
  const issueId = `test-${scheduleName}`;
  const compiled = await services.renderer.renderDigest({
    issueId,
    variant: variant.data as MailVariant,
    articles: plan.articles,
    window: plan.window,
    // A test send is no issue and has no archive copy: its view-in-browser link opens the archive.
    viewInBrowserUrl: `${services.mail.baseUrl.replace(/\/$/, '')}/issues`,
  });
  const now = services.clock.now();
  const links = linksFor(services.signer, services.mail.baseUrl, { id: 'test-send', linkVersion: 1 }, now, [
    ...placeholdersOf(compiled),
    'unsubscribeUrl',
  ]);
  const headers = variantHeaders(compiled, services.mail, `${issueId}:test:nashra`);
  const { messageId } = await mailOneReader(
    { kind: 'list', compiled, headers: { ...headers, subject: `[TEST] ${compiled.subject}` } },
    { to, links },
    { mailer: services.mailer, now },
  );
  if (options.json)
    return printJson({
      status: 'test-sent',
      to,
      variant: variant.data,
      messageId,
      subject: `[TEST] ${compiled.subject}`,
      cards: compiled.cards,
      articles: compiled.articles,
    });
  console.log(
    `test mail (${variant.data}, ${compiled.cards} ${compiled.cards === 1 ? 'article' : 'articles'}) sent to ${to}: message ${messageId}`,
  );
}

function report(options: SendOptions, outcome: DigestOutcome, timeZone: string): void {
  if (options.json) {
    const { plan, ...rest } = outcome;
    printJson({
      ...rest,
      window: plan.window,
      articles: plan.articles.map((a) => a.id),
      alreadyCarried: plan.alreadyCarried,
    });
    return;
  }
  const at = (instant: string) => formatStaffTime(instant, timeZone);
  const window = `${at(outcome.plan.window.start)} → ${at(outcome.plan.window.end)}`;
  switch (outcome.status) {
    case 'nothing-new':
      console.log(
        `nothing new for anyone in ${window}${outcome.plan.alreadyCarried ? ` (${outcome.plan.alreadyCarried} articles already sent by this schedule)` : ''}: nothing sent`,
      );
      return;
    case 'dry-run':
      console.log(
        `dry run: ${outcome.plan.articles.length} articles in ${window} would go to ${outcome.fanOut.recipients} readers`,
      );
      for (const [variant, count] of Object.entries(outcome.fanOut.byVariant))
        console.log(`  ${variant.padEnd(6)} ${count}`);
      return;
    case 'already-covered':
      console.log(`a digest up to ${at(outcome.plan.window.end)} was sent already: nothing sent`);
      return;
    case 'already-exists':
      console.log(`this window was sent already as issue ${outcome.issue.id} (${outcome.issue.status})`);
      return;
    default:
      console.log(
        `issue ${outcome.issue.id}: ${outcome.issue.status} — sent ${outcome.issue.sent}, skipped ${outcome.issue.skipped}, failed ${outcome.issue.failed} of ${outcome.issue.recipients} (${outcome.fanOut.compiles} variants rendered)`,
      );
  }
}
