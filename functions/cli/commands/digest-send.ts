import { createInterface } from 'node:readline/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { subscriberLinks } from '../../core/link-token';
import { composeMime } from '../../core/mail/compose-mime';
import { personalise } from '../../core/mail/personalise';
import { type MailVariant, mailVariantSchema } from '../../core/mail/variant';
import { resumeIssue } from '../../core/send/resume-issue';
import { type DigestOutcome, planDigest, sendDigest } from '../../core/send/send-digest';
import { normaliseEmail } from '../../core/subscriber';
import { type SendingParts, sendingParts } from '../../runtime/sending';
import { CliError, printJson, withRuntime } from '../context';

const isoOption = (name: string) => (value: string) => {
  if (Number.isNaN(Date.parse(value))) throw new CliError(`${name} must be an ISO date-time, not "${value}"`);
  return new Date(value).toISOString();
};

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
    .option('--since <iso>', 'window start instead of the end of the last window', isoOption('--since'))
    .option('--until <iso>', 'window end instead of now', isoOption('--until'))
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

        if (options.to)
          return sendTestMail(
            services,
            schedule.name,
            options,
            await planDigest(schedule, options, services),
          );

        // Listed as the fan-out pages through them: the full list is never held in memory.
        const listReaders = options.dryRun === true && !options.json;
        const preview = await sendDigest(
          schedule,
          {
            ...options,
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
        if (preview.status === 'nothing-new') return report(options, preview);
        if (options.dryRun) return report(options, preview);
        if (preview.status === 'dry-run' && !options.yes)
          await confirm(
            `Send "${schedule.name}" (${preview.plan.articles.length} articles) to ${preview.fanOut.recipients} readers?`,
          );

        const outcome = await sendDigest(schedule, options, services);
        if ('issue' in outcome) await followIssue(services, outcome.issue.id, runtime.local?.triggers.idle());
        if (!('issue' in outcome)) return report(options, outcome);
        const issue = (await services.issues.get(outcome.issue.id)) ?? outcome.issue;
        report(options, { ...outcome, issue, status: issue.status } as DigestOutcome);
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

async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY) throw new CliError(`${question} Run again with --yes to send without asking.`);
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('not sent');
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
  });
  const links = subscriberLinks(
    services.signer,
    services.mail.baseUrl,
    { id: 'test-send', linkVersion: 1 },
    services.clock.now(),
  );
  const mail = personalise(compiled, links);
  const raw = await composeMime({
    from: services.mail.from,
    to,
    subject: `[TEST] ${mail.subject}`,
    html: mail.html,
    text: mail.text,
    contentLanguage: compiled.contentLanguage,
    listId: services.mail.listId,
    unsubscribeUrl: links.unsubscribeUrl,
    unsubscribeMailto: services.mail.unsubscribeMailto,
    feedbackId: `${issueId}:test:nashra`,
  });
  const { messageId } = await services.mailer.sendRaw({ from: services.mail.from, to, raw });
  if (options.json)
    return printJson({
      status: 'test-sent',
      to,
      variant: variant.data,
      messageId,
      articles: plan.articles.length,
    });
  console.log(
    `test mail (${variant.data}, ${plan.articles.length} articles) sent to ${to}: message ${messageId}`,
  );
}

function report(options: SendOptions, outcome: DigestOutcome): void {
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
  const window = `${outcome.plan.window.start} → ${outcome.plan.window.end}`;
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
      console.log(`a digest up to ${outcome.plan.window.end} was sent already: nothing sent`);
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
