import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandRegistrations, registrationsFor } from '../../functions/cli/command-registry';

/** Every command and subcommand of a program, with its options, as `nashra --help` would list them. */
function outline(command: Command): unknown {
  return {
    name: command.name(),
    options: command.options.map((option) => option.flags),
    commands: command.commands.map(outline),
  };
}

async function programOf(registrations: typeof commandRegistrations): Promise<Command> {
  const program = new Command('nashra');
  for (const registration of registrations) (await registration.load())(program);
  return program;
}

describe('the CLI loads only the files of the command it runs', () => {
  it('registers each top-level command exactly as loading every file does', async () => {
    const everything = await programOf(commandRegistrations);
    const names = everything.commands.map((command) => command.name());
    expect(names).toEqual([...new Set(commandRegistrations.flatMap(({ commands }) => commands))]);

    for (const name of names) {
      const alone = await programOf(registrationsFor([name, '--help']));
      const command = alone.commands.find((candidate) => candidate.name() === name);
      const full = everything.commands.find((candidate) => candidate.name() === name);
      expect(command && outline(command), name).toEqual(full && outline(full));
    }
  });

  it('finds the command after --stage and its value, in either form', () => {
    const loaded = (args: string[]) => registrationsFor(args).flatMap(({ commands }) => commands);
    expect(loaded(['subscribers', 'list'])).toEqual(['subscribers']);
    expect(loaded(['--stage', 'prod', 'schedule', 'list'])).toEqual(['schedule']);
    expect(loaded(['--stage=prod', 'keys', 'list'])).toEqual(['keys']);
    expect(loaded(['digest', 'send', 'weekly'])).toEqual(['digest', 'alert', 'digest']);
  });

  it('loads every file for the overall help, no command, or a command it does not know', () => {
    for (const args of [['--help'], [], ['subscriberz'], ['-h', 'subscribers']])
      expect(registrationsFor(args), args.join(' ')).toBe(commandRegistrations);
  });
});
