/**
 * Starts tests/support/natsKvWorker.ts processes and releases them together;
 * every child is tracked so a test can kill what is left (bounded waits).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const script = join(repoRoot, 'tests', 'support', 'natsKvWorker.ts');
/** Bound on one worker's whole life (tsx start-up included). */
export const WORKER_TIMEOUT_MS = 60_000;

export interface KvWorker {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves once it printed `line` (bounded). */
  waitFor(line: string): Promise<void>;
  go(): void;
  /** Its exit: code, signal and output. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function spawnKvWorker(children: ChildProcessWithoutNullStreams[], args: readonly string[]): KvWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: 'pipe' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolveDone, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const watcher of watchers) watcher();
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  const waitFor = (line: string): Promise<void> =>
    new Promise((resolveWait, reject) => {
      const timer = setTimeout(() => finish(new Error(`worker did not print ${line} within ${WORKER_TIMEOUT_MS} ms: ${stderr}`)), WORKER_TIMEOUT_MS);
      const check = (): void => {
        if (stdout.split('\n').includes(line)) finish();
        else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`worker exited before ${line}: ${stderr}`));
      };
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        watchers.delete(check);
        if (error === undefined) resolveWait();
        else reject(error);
      };
      watchers.add(check);
      check();
    });
  return { child, waitFor, go: () => child.stdin.end('go\n'), done };
}

/** Runs workers with `argLists` released together; resolves to each one's JSON result, failing on any failure. */
export async function runKvWorkers<T>(children: ChildProcessWithoutNullStreams[], argLists: readonly (readonly string[])[]): Promise<T[]> {
  const workers = argLists.map((args) => spawnKvWorker(children, args));
  await Promise.all(workers.map((worker) => worker.waitFor('ready')));
  for (const worker of workers) worker.go();
  const exits = await Promise.all(workers.map((worker) => worker.done));
  return exits.map((exit, i) => {
    if (exit.code !== 0) throw new Error(`natsKvWorker ${argLists[i]!.join(' ')} failed (${exit.signal ?? exit.code}): ${exit.stderr.trim()}`);
    const lines = exit.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as T;
  });
}

/** Kills (SIGKILL) every child still running and waits for each (bounded). */
export async function killAll(children: ChildProcessWithoutNullStreams[]): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolveKill) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveKill();
          const timer = setTimeout(resolveKill, 5_000);
          child.once('close', () => {
            clearTimeout(timer);
            resolveKill();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
}
