import { simulateCommand } from './simulateCommand.js';
import type { CliIo } from './cliIo.js';
import { processIo } from './cliIo.js';

const COMMANDS: Record<string, { summary: string; run: (args: string[], io: CliIo) => Promise<number> }> = {
  simulate: { summary: 'run a deterministic simulation from a scenario file', run: simulateCommand },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`);
  return ['usage: podmesh <command> [options]', '', 'commands:', ...rows, '', 'Run `podmesh <command> --help` for a command\'s options.', ''].join('\n');
}

/** Runs the CLI with `args` (without node and the script); resolves to the exit code. */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`podmesh: unknown command ${JSON.stringify(name)} (try podmesh --help)\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // One clear line, never a stack trace.
    io.err(`podmesh ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
