import { readFileSync } from 'node:fs';
import { errorCode } from '../core/errors.js';
import type { CliIo } from './cliIo.js';
import { processIo } from './cliIo.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

// Each command is loaded only when it runs: `podmesh --help` starts without xstate or the runtime.
const COMMANDS: Record<string, { readonly summary: string; load(): Promise<Command> }> = {
  pod: { summary: 'start pods, list what a pod sees, show or stop a pod', load: async () => (await import('./podCommand.js')).podCommand },
  peer: { summary: 'make two existing pods peers', load: async () => (await import('./peerCommand.js')).peerCommand },
  notify: { summary: 'send a notice to a live peer and print the outcome', load: async () => (await import('./notifyCommand.js')).notifyCommand },
  orchestrator: {
    summary: "run a workspace's orchestrator (the ticket hook)",
    load: async () => (await import('./orchestratorCommand.js')).orchestratorCommand,
  },
  ticket: { summary: 'run a ticket tool in the workspace orchestrator', load: async () => (await import('./ticketCommand.js')).ticketCommand },
  simulate: {
    summary: 'run a deterministic simulation from a scenario file',
    load: async () => (await import('./simulateCommand.js')).simulateCommand,
  },
};

/** The package's version, read from its package.json (two folders up in both src/ and dist/). */
export function podmeshVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`);
  return [
    'usage: podmesh <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    'options:',
    '  -h, --help    this help',
    '  --version     print the version',
    '',
    "Run `podmesh <command> --help` for a command's options.",
    '',
  ].join('\n');
}

/**
 * Makes a closed pipe on stdout or stderr (`podmesh pod state x | head -1`)
 * cost only the output: Node ignores SIGPIPE and reports the failed write as
 * an `error` event, which unheard is an uncaught exception with a stack trace.
 * Heard here, the stream stops (later writes are dropped) and the command runs
 * to its end and exits with its own code. Any other stream error still throws.
 */
export function quietBrokenPipes(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: unknown) => {
      const code = errorCode(error);
      if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  }
}

/** Runs the CLI with `args` (without node and the script); resolves to the exit code. */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${podmeshVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.err(`podmesh: unknown command ${JSON.stringify(name)} (try podmesh --help)\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    // One clear line, never a stack trace.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    io.err(`podmesh ${name}: ${message}\n`);
    return errorCode(error) === 'invalid-usage' ? 2 : 1;
  }
}
