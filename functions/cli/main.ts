import { Command } from 'commander';
import { registerArticles } from './commands/articles';
import { registerDev } from './commands/dev';
import { registerDigestSend } from './commands/digest-send';
import { registerFeedback } from './commands/feedback';
import { registerIngest } from './commands/ingest';
import { registerIssues } from './commands/issues';
import { registerPreview } from './commands/preview';
import { registerSchedule } from './commands/schedule';
import { registerStatus } from './commands/status';
import { registerSubscribers } from './commands/subscribers';
import { reportFailure } from './context';

const program = new Command('nashra')
  .description(
    'nashra (نشرة): bilingual newsletter and alerts. Staff commands work against local mode by default.',
  )
  .showHelpAfterError();

registerDev(program);
registerIngest(program);
registerArticles(program);
registerStatus(program);
registerSubscribers(program);
registerPreview(program);
registerSchedule(program);
registerDigestSend(program);
registerIssues(program);
registerFeedback(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
