import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { errorCode } from '../core/errors.js';
import type { CliIo } from './cliIo.js';
import { processIo } from './cliIo.js';
import { buildProgram, EXIT_CODES_HELP } from './cliProgram.js';

/** The package's version, read from its package.json (two folders up in both src/ and dist/). */
export function podmeshVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
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

/** Codes that are the caller's mistake: exit status 2. */
const USAGE_CODES = new Set(['invalid-usage', 'invalid-pod-name', 'workspace-not-found', 'invalid-trace']);

/** commander's message in podmesh's one-line form: "unknown command 'pdo' (did you mean pod?)". */
function commanderMessage(error: CommanderError): string {
  return error.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .split('\n')[0]!;
}

/** Runs the CLI with `args` (without node and the script); resolves to the exit code. */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  // Known before parsing, so that a usage error is JSON too (a `--json` after `--` is an argument).
  const end = args.indexOf('--');
  const json = (end === -1 ? args : args.slice(0, end)).includes('--json');
  const { program, exitCode } = buildProgram(io, podmeshVersion(), { json });
  const fail = (code: string, message: string, exit: number): number => {
    if (json) io.out(JSON.stringify({ ok: false, code, message }) + '\n');
    else io.err(`podmesh: ${message}\n`);
    return exit;
  };
  if (args.length === 0 || (json && args.length === 1)) {
    if (json) return fail('invalid-usage', 'a command is needed (try --help)', 2);
    io.out(program.helpInformation() + EXIT_CODES_HELP.trimStart() + '\n');
    return 2;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      // A group named without its subcommand printed its help (to stderr): that is usage.
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        return json ? fail('invalid-usage', `a subcommand is needed (try ${args.filter((a) => !a.startsWith('-')).join(' ')} --help)`, 2) : 2;
      }
      return fail('invalid-usage', `${commanderMessage(error)} (try --help)`, 2);
    }
    // One clear line, never a stack trace.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    const code = errorCode(error) ?? 'internal-error';
    return fail(code, message, USAGE_CODES.has(code) ? 2 : 1);
  }
}
