import type { Command } from 'commander';
import { checkStage, type StageFinding } from '../../runtime/stage-check';
import { CliError, printJson, targetOf } from '../context';

const marks: Record<StageFinding['status'], string> = {
  ok: 'ok     ',
  warning: 'warning',
  missing: 'MISSING',
  error: 'ERROR  ',
};

/** `nashra stage check --stage NAME`: the operator's pre-flight of a deployed stage. */
export function registerStage(program: Command): void {
  program
    .command('stage')
    .description('deployed stages')
    .command('check')
    .description('what a deployed stage has and lacks: stacks, tables, queues, schedules, SES, key, API')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const target = targetOf(command);
      if (target === 'local') throw new CliError('stage check needs a stage: --stage NAME (or NASHRA_STAGE)');
      const report = await checkStage(target.stage, process.env);
      if (options.json) printJson(report);
      else {
        console.log(`stage "${report.stage}" in ${report.region}`);
        const width = Math.max(...report.findings.map((finding) => finding.check.length));
        for (const finding of report.findings)
          console.log(`  ${marks[finding.status]}  ${finding.check.padEnd(width)}  ${finding.detail}`);
        const problems = report.findings.filter((f) => f.status === 'missing' || f.status === 'error').length;
        const warnings = report.findings.filter((f) => f.status === 'warning').length;
        console.log(
          report.ready
            ? `ready${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`
            : `not ready: ${problems} problem${problems === 1 ? '' : 's'}`,
        );
      }
      if (!report.ready) process.exitCode = 1;
    });
}
