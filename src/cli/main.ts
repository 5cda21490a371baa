import { UsageError } from './cliArgs.js';
import type { CliIo } from './cliIo.js';
import { processIo } from './cliIo.js';
import { notifyCommand } from './notifyCommand.js';
import { orchestratorCommand } from './orchestratorCommand.js';
import { peerCommand } from './peerCommand.js';
import { podCommand } from './podCommand.js';
import { simulateCommand } from './simulateCommand.js';
import { ticketCommand } from './ticketCommand.js';

const COMMANDS: Record<string, { summary: string; run: (args: string[], io: CliIo) => Promise<number> }> = {
  pod: { summary: 'start pods, list what a pod sees, show or stop a pod', run: podCommand },
  peer: { summary: 'make two existing pods peers', run: peerCommand },
  notify: { summary: 'send a notice to a live peer and print the outcome', run: notifyCommand },
  orchestrator: { summary: "run a workspace's orchestrator (the ticket hook)", run: orchestratorCommand },
  ticket: { summary: 'run a ticket tool in the workspace orchestrator', run: ticketCommand },
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
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    io.err(`podmesh ${name}: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
