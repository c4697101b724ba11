import { Command, Option } from 'commander';
import { logger } from '../shared/logger';
import { registrationsFor } from './command-registry';
import { reportFailure } from './context';

// stdout is the command's output for a person or a script; a reader that stops early (`| head -1`)
// ends the command quietly, as any Unix tool does.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
logger.speakToTerminal();

const stageHelp = 'a deployed stage, found from its stacks (default: NASHRA_STAGE, else local mode)';

const program = new Command('nashra')
  .description(
    'nashra (نشرة): bilingual newsletter and alerts. Staff commands work against local mode, or a deployed stage with --stage.',
  )
  .addOption(new Option('--stage <name>', stageHelp))
  .showHelpAfterError();

for (const registration of registrationsFor(process.argv.slice(2))) (await registration.load())(program);

/** Every command that runs takes `--stage` after its name too (`nashra schedule list --stage prod`). */
function addStageOption(command: Command): void {
  if (command.commands.length === 0) {
    if (!command.options.some((option) => option.long === '--stage'))
      command.addOption(new Option('--stage <name>', stageHelp));
    return;
  }
  for (const sub of command.commands) addStageOption(sub);
}
for (const command of program.commands) addStageOption(command);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
