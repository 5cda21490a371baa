/** Child processes for check:package: run, mustRun, their environment, and trimming of their output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { log } from './log.js';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly timeoutMs?: number;
  readonly plainNode?: boolean;
}

// The running child, so a signal to this script can stop it too.
let current: ChildProcess | undefined;

/** Passes a signal on to the child that is running, if any. */
export function killCurrent(signal: NodeJS.Signals): void {
  current?.kill(signal);
}

/** The environment of a child: npm's per-script variables of this repo removed, so nothing points back at it. */
export function childEnv(plainNode: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_package_') || key.startsWith('npm_lifecycle_') || key === 'npm_config_local_prefix' || key === 'INIT_CWD') continue;
    // `npm run -s` would silence the nested npm too, and its output is what explains a failure (shown only then).
    if (key === 'npm_config_loglevel') continue;
    // "Plain node": no loader or flag inherited from whoever started this script.
    if (plainNode && key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.plainNode ?? false), stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      stderr += `\n(timed out after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      current = undefined;
      fail(new Error(`${command} could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      done({ code, signal, stdout, stderr });
    });
  });
}

/** The first line of every TypeScript error in tsc's output (`file(line,col): error TSnnnn: message`). */
export function errorLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .map((line) => line.trim());
}

/** The last `lines` lines of `text`, indented, with `…` when some were cut. */
export function tail(text: string, lines = 25): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).map((line) => `    ${line}`).join('\n');
}

/** Runs a command and throws, with the tail of its output, unless it exits 0. */
export async function mustRun(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const shown = [command, ...args].map((arg) => (/[\s"'()$`]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
  log(`  $ ${shown.length > 160 ? `${shown.slice(0, 157)}...` : shown}`);
  const outcome = await run(command, args, options);
  if (outcome.code !== 0) {
    const output = [outcome.stdout.trim() === '' ? '' : `  stdout:\n${tail(outcome.stdout)}`, outcome.stderr.trim() === '' ? '' : `  stderr:\n${tail(outcome.stderr)}`]
      .filter((part) => part !== '')
      .join('\n');
    throw new Error(`${command} exited ${outcome.code ?? outcome.signal}${output === '' ? '' : `\n${output}`}`);
  }
  return outcome;
}
