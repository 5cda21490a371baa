/**
 * The soak's child processes and temporary folders, and their cleanup on
 * every path: a normal end, a thrown error, the time limit and Ctrl-C
 * (SIGINT), SIGTERM or SIGHUP. Every child is registered here the moment it
 * is spawned, so nothing can outlive the run; the temp root is one folder,
 * removed whole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root; workers and the CLI are found from here. */
export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The CLI of the compiled package. */
export const BIN = join(ROOT, 'bin', 'podmesh.js');

const live = new Set<ChildProcess>();
let tempRoot: string | undefined;

/** How a child ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process read line by line on stdout. */
export interface LineChild {
  readonly pid: number;
  /** Every stdout line so far, in order. */
  readonly lines: readonly string[];
  /** Called for every stdout line from now on. */
  onLine(listener: (line: string) => void): void;
  /** The first line (seen already or to come) that `match` accepts; rejects on exit, timeout or abort. */
  waitFor(match: (line: string) => boolean, timeoutMs: number, what: string, signal?: AbortSignal): Promise<string>;
  /** Writes one line to the child's stdin (ignored once it is gone). */
  send(line: string): void;
  kill(signal?: NodeJS.Signals): void;
  /** Settles once the process has exited and its stdout is read to the end. */
  readonly closed: Promise<Exit>;
  readonly exited: boolean;
  /** The last few KiB of its stderr, for failure details. */
  stderrTail(): string;
}

const STDERR_KEEP = 4096;

/** Spawns `node <script> ...args` (or any command) and registers it for cleanup. */
export function spawnChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): LineChild {
  const child = spawn(command, [...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let stderr = '';
  let exited = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  // A child that is gone makes writes to its stdin fail with EPIPE: nothing to tell.
  child.stdin.on('error', () => undefined);
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    lines.push(line);
    for (const listener of listeners) listener(line);
  });
  const closed = new Promise<Exit>((resolveExit) => {
    child.on('error', (error) => {
      stderr += `\nspawn failed: ${error.message}`;
    });
    child.on('close', (code, signal) => {
      exited = true;
      live.delete(child);
      resolveExit({ code, signal });
    });
  });
  return {
    pid: child.pid ?? -1,
    lines,
    onLine: (listener) => void listeners.push(listener),
    waitFor(match, timeoutMs, what, signal) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolveLine, reject) => {
        const done = (error: Error | undefined, line?: string): void => {
          clearTimeout(timer);
          listeners.splice(listeners.indexOf(listener), 1);
          signal?.removeEventListener('abort', onAbort);
          if (error === undefined) resolveLine(line ?? '');
          else reject(error);
        };
        const listener = (line: string): void => {
          if (match(line)) done(undefined, line);
        };
        const onAbort = (): void => done(new Error(`aborted while waiting for ${what}`));
        const timer = setTimeout(() => done(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
        listeners.push(listener);
        signal?.addEventListener('abort', onAbort, { once: true });
        void closed.then((exit) => {
          if (listeners.includes(listener)) {
            done(new Error(`exited (${exit.signal ?? exit.code}) before ${what}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
          }
        });
      });
    },
    send(line) {
      if (!exited && child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    kill(signal = 'SIGKILL') {
      if (!exited) child.kill(signal);
    },
    closed,
    get exited() {
      return exited;
    },
    stderrTail: () => stderr,
  };
}

/** Spawns one of the `.mjs` workers next to this file with the running node. */
export function spawnWorker(script: string, args: readonly (string | number)[], env?: NodeJS.ProcessEnv): LineChild {
  return spawnChild(process.execPath, [join(import.meta.dirname, script), ...args.map(String)], env);
}

/** Kills every child still running; synchronous, so it also works from an exit handler. */
export function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** How many children are running now (0 once a section has cleaned up). */
export function liveChildren(): number {
  return live.size;
}

/** The run's one temporary folder, made on first use. */
export function tempRootDir(): string {
  tempRoot ??= mkdtempSync(join(tmpdir(), 'podmesh-soak-'));
  return tempRoot;
}

/** Removes the temporary folder; retried, as a child killed a moment ago may still be letting go of files. */
export function removeTemp(): void {
  if (tempRoot === undefined) return;
  rmSync(tempRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  tempRoot = undefined;
}

/**
 * Cleans up on every way out. A signal kills the children, removes the temp
 * folder and exits 130 (SIGINT) or 143 (SIGTERM), as a shell would report it.
 */
export function installCleanup(log: (line: string) => void): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`soak: ${signal}: killing ${live.size} child process(es) and removing ${tempRoot ?? 'no temp folder'}`);
    killAll();
    removeTemp();
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  process.on('exit', () => {
    killAll();
    removeTemp();
  });
}
