import { Command } from 'commander';
import { registerDev } from './commands/dev';
import { registerStatus } from './commands/status';
import { reportFailure } from './context';

const program = new Command('nashra')
  .description(
    'nashra (نشرة): bilingual newsletter and alerts. Staff commands work against local mode by default.',
  )
  .showHelpAfterError();

registerDev(program);
registerStatus(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
