import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each file of top-level commands, the commands it adds, and how to load it, in the order `nashra
 * --help` lists them. A command's file is loaded only when it is asked for: each brings its own
 * dependencies (the feed parser, the stage's CloudFormation client, the console's identity service),
 * which every other command would otherwise load before it starts.
 */
export const commandRegistrations: ReadonlyArray<{
  commands: readonly string[];
  load: () => Promise<Register>;
}> = [
  { commands: ['dev'], load: async () => (await import('./commands/dev')).registerDev },
  { commands: ['stage'], load: async () => (await import('./commands/stage')).registerStage },
  { commands: ['ingest'], load: async () => (await import('./commands/ingest')).registerIngest },
  { commands: ['articles'], load: async () => (await import('./commands/articles')).registerArticles },
  { commands: ['status'], load: async () => (await import('./commands/status')).registerStatus },
  {
    commands: ['subscribers'],
    load: async () => (await import('./commands/subscribers')).registerSubscribers,
  },
  { commands: ['digest', 'alert'], load: async () => (await import('./commands/preview')).registerPreview },
  { commands: ['schedule'], load: async () => (await import('./commands/schedule')).registerSchedule },
  { commands: ['digest'], load: async () => (await import('./commands/digest-send')).registerDigestSend },
  { commands: ['issues'], load: async () => (await import('./commands/issues')).registerIssues },
  { commands: ['feedback'], load: async () => (await import('./commands/feedback')).registerFeedback },
  { commands: ['dlq'], load: async () => (await import('./commands/dlq')).registerDlq },
  { commands: ['keys'], load: async () => (await import('./commands/keys')).registerKeys },
  { commands: ['staff'], load: async () => (await import('./commands/staff')).registerStaff },
  { commands: ['audit'], load: async () => (await import('./commands/audit')).registerAudit },
];

/**
 * The registrations a command line needs: those of the command it names, found before any option
 * but `--stage`; every one for a line that names none it knows (`nashra --help`, a typo, which
 * commander then answers with the list or a suggestion).
 */
export function registrationsFor(args: readonly string[]): typeof commandRegistrations {
  const named = commandNamed(args);
  const matching = commandRegistrations.filter(({ commands }) => named && commands.includes(named));
  return matching.length > 0 ? matching : commandRegistrations;
}

function commandNamed(args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--stage') index++;
    else if (arg.startsWith('--stage=')) continue;
    else if (arg.startsWith('-')) return undefined;
    else return arg;
  }
  return undefined;
}
