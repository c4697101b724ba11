import type { Command } from 'commander';
import {
  type DeadLetterKind,
  type DeadLetterView,
  deadLetterKinds,
  listDeadLetters,
  type Redrivers,
  redriveDeadLetters,
  showDeadLetter,
} from '../../core/dead-letters';
import { alertListener } from '../../core/send/send-alert';
import { createDigestRun } from '../../handlers/digest-run';
import { createFeedbackHandler } from '../../handlers/ses-feedback';
import type { OpenRuntime } from '../../runtime/open-runtime';
import { fanOutParts } from '../../runtime/sending';
import { CliError, printJson, withRuntime } from '../context';

const queueHelp = `one of ${deadLetterKinds.join(', ')}`;

function kindOf(queue: string): DeadLetterKind {
  if (!(deadLetterKinds as readonly string[]).includes(queue))
    throw new CliError(`no dead-letter queue "${queue}": give ${queueHelp}`);
  return queue as DeadLetterKind;
}

const positiveInteger = (name: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new CliError(`${name} must be a whole number ≥ 1`);
  return number;
};

/** What each kind of dead letter is done again with: the same use cases the failed function runs. */
function redriversOf(runtime: OpenRuntime): Redrivers {
  const fanOut = fanOutParts(runtime);
  const runDigest = createDigestRun({ ...fanOut, triggers: runtime.triggers });
  const alerts = alertListener(fanOut);
  return {
    sendQueue: runtime.queue,
    runDigest: (firing) => runDigest(firing),
    articles: runtime.repos.articles,
    announce: (article) => alerts.articleStored(article),
    applyFeedback: createFeedbackHandler({
      subscribers: runtime.repos.subscribers,
      clock: runtime.clock,
      transientBounceLimit: runtime.config.send.transientBounceLimit,
    }),
  };
}

function line(view: DeadLetterView): string {
  const when = view.sentAt ? ` ${view.sentAt}` : '';
  return `${view.id}${when}  received ${view.receiveCount}×  ${view.summary}${view.error ? `\n    failed: ${view.error}` : ''}`;
}

/**
 * `nashra dlq list|show|redrive QUEUE`: the dead-letter runbooks as commands, for the send, schedule,
 * stream and feedback queues of a stage (`--stage`) or of local mode. Reading leaves each queue as it
 * was; a redrive does each message's work again (a stream batch from the articles table, since its
 * shard positions expire in 24 hours) and deletes the ones that went through.
 */
export function registerDlq(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('dead-letter queues: read what failed, and redrive it once the cause is fixed');

  dlq
    .command('list <queue>')
    .description(`the messages a dead-letter queue holds, oldest first (${queueHelp})`)
    .option('--max <n>', 'read at most this many', positiveInteger('--max'), 100)
    .option('--json', 'print JSON')
    .action(async (queue: string, options: { max: number; json?: boolean }, command: Command) => {
      const kind = kindOf(queue);
      await withRuntime(command, async (runtime) => {
        const views = await listDeadLetters(runtime.deadLetters(kind), kind, options.max);
        if (options.json) return printJson(views);
        if (views.length === 0) return console.log(`the ${kind} dead-letter queue is empty`);
        console.log(
          `${views.length} message${views.length === 1 ? '' : 's'} in the ${kind} dead-letter queue:`,
        );
        for (const view of views) console.log(`  ${line(view)}`);
      });
    });

  dlq
    .command('show <queue> <message-id>')
    .description('one message of a dead-letter queue in full: what it holds and why it failed')
    .option('--json', 'print JSON')
    .action(async (queue: string, id: string, options: { json?: boolean }, command: Command) => {
      const kind = kindOf(queue);
      await withRuntime(command, async (runtime) => {
        const view = await showDeadLetter(runtime.deadLetters(kind), kind, id);
        if (options.json) return printJson(view);
        console.log(line(view));
        if (Object.keys(view.attributes).length > 0)
          console.log(`attributes: ${JSON.stringify(view.attributes, null, 2)}`);
        console.log(`body: ${JSON.stringify(view.body, null, 2)}`);
      });
    });

  dlq
    .command('redrive <queue> [message-ids...]')
    .description(
      'do again what the messages failed to do (give their ids, or --all); deletes each that goes through',
    )
    .option('--all', 'every message of the queue')
    .option('--json', 'print JSON')
    .action(
      async (queue: string, ids: string[], options: { all?: boolean; json?: boolean }, command: Command) => {
        const kind = kindOf(queue);
        if (ids.length === 0 && !options.all)
          throw new CliError('name the messages to redrive (see `nashra dlq list`), or give --all');
        if (ids.length > 0 && options.all) throw new CliError('give message ids or --all, not both');
        const report = await withRuntime(command, (runtime) =>
          redriveDeadLetters(runtime.deadLetters(kind), kind, redriversOf(runtime), {
            ...(options.all ? {} : { ids }),
          }),
        );
        if (options.json) printJson(report);
        else {
          for (const done of report.redriven) console.log(`redriven  ${done.id}: ${done.did}`);
          for (const failed of report.failed) console.log(`FAILED    ${failed.id}: ${failed.reason}`);
          console.log(
            `${report.redriven.length} redriven, ${report.failed.length} failed again${report.left ? `, ${report.left} left in the queue` : ''}`,
          );
        }
        if (report.failed.length > 0) process.exitCode = 1;
      },
    );
}
