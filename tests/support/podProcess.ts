/**
 * Real podmesh processes for the tests under tests/cli/: a sandbox is a fresh
 * temporary home and runtime dir, the processes started in it, and the
 * runtimes the test process opened on it; `cleanup()` ends all of them (a
 * stopped process is continued first, then every survivor is SIGKILLed) and
 * removes the folder. Every wait is bounded, so a hung process fails its
 * test instead of hanging the run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { suite } from 'uvu';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFsPodStore } from '../../src/actors/stores/createFsPodStore.js';
import { createPodRuntime, type PodRuntime, type PodRuntimeOptions } from '../../src/actors/runtime/createPodRuntime.js';
import { createSocketTransport, type SocketTransport, type SocketTransportOptions } from '../../src/actors/process/createSocketTransport.js';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
const binScript = join(repoRoot, 'bin', 'podmesh.js');

/** Bound on a process reaching its `live at` line (tsx start-up on a loaded machine included). */
export const START_TIMEOUT_MS = 30_000;
/** Bound on a one-shot CLI command. */
export const COMMAND_TIMEOUT_MS = 30_000;

/** Resolves `promise`, or rejects after `ms`; the timer never outlives it. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `check` until it returns something other than `undefined`, `null` or
 * `false`, and resolves to that; rejects after `timeoutMs`. A check that
 * throws is retried (the last error is in the timeout's message).
 */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, what: string, everyMs = 20): Promise<NonNullable<Exclude<T, false>>> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<Exclude<T, false>>;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${(lastError as Error).message ?? String(lastError)})`;
      throw new Error(`${what}: not true within ${timeoutMs} ms${why}`);
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, everyMs));
  }
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process whose output is collected as it arrives. */
export interface PodmeshProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its pipes are closed. */
  readonly exited: Promise<ProcessExit>;
  isRunning(): boolean;
  /** Waits until stdout matches `pattern`; rejects when the process exits first or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and waits (bounded) for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
}

export interface CommandResult extends ProcessExit {
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit, ms. */
  readonly ms: number;
}

/** A runtime of the test process on the sandbox's store and sockets. */
export interface SandboxRuntime {
  readonly runtime: PodRuntime;
  readonly transport: SocketTransport;
}

export interface Sandbox {
  readonly root: string;
  /** `PODMESH_HOME`: `pods/` and `tickets/`. */
  readonly home: string;
  readonly podsDir: string;
  /** `PODMESH_RUNTIME_DIR`: `<name>/sock` and `<name>/pod.lock`. */
  readonly runtimeDir: string;
  /** The environment of every child: the test's, with the sandbox's folders. */
  readonly env: NodeJS.ProcessEnv;
  /** Starts a long-running process: `node <args>` (cwd the repository). */
  spawnNode(args: readonly string[]): PodmeshProcess;
  /** Starts `node bin/podmesh.js <args>`. */
  spawnCli(args: readonly string[]): PodmeshProcess;
  /** `podmesh pod start <name> <args>`, resolved once it printed its `live at` line. */
  startPod(name: string, args?: readonly string[]): Promise<PodmeshProcess>;
  /** Runs `podmesh <args>` to its end (bounded; SIGKILLed when it overruns); `cwd` default the repository. */
  run(args: readonly string[], timeoutMs?: number, options?: { readonly cwd?: string; readonly stdin?: string }): Promise<CommandResult>;
  /** A runtime with a file store on `pods/` and a socket transport on the runtime dir. */
  openRuntime(transport?: Partial<SocketTransportOptions>, options?: Partial<PodRuntimeOptions>): SandboxRuntime;
  /** Stops the runtimes, ends every process still alive, removes the folder. */
  cleanup(): Promise<void>;
}

function watch(child: ChildProcessWithoutNullStreams): PodmeshProcess {
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<ProcessExit>((resolvePromise) => {
    // 'error' (spawn failed) is followed by 'close', so 'close' alone settles it.
    child.on('error', (error) => {
      err += `spawn error: ${error.message}\n`;
    });
    child.on('close', (code, signal) => resolvePromise({ code, signal }));
  });
  let closed = false;
  void exited.then(() => {
    closed = true;
    for (const listener of listeners) listener();
  });
  const proc: PodmeshProcess = {
    child,
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    exited,
    isRunning: () => !closed && child.exitCode === null && child.signalCode === null,
    waitForStdout(pattern, timeoutMs = START_TIMEOUT_MS) {
      let listener: () => void = () => undefined;
      const found = new Promise<RegExpMatchArray>((resolvePromise, reject) => {
        listener = () => {
          const match = pattern.exec(out);
          if (match !== null) resolvePromise(match);
          else if (closed) reject(new Error(`the process exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; stderr: ${err.trim()}`));
        };
        listeners.add(listener);
        listener();
      });
      return within(found, timeoutMs, `waiting for ${pattern} from pid ${child.pid}`).finally(() => listeners.delete(listener));
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (proc.isRunning()) child.kill(signal);
      return within(exited, timeoutMs, `pid ${child.pid} exiting on ${signal}`);
    },
  };
  return proc;
}

/** Ends a process whatever its state: a stopped one is continued first, so SIGKILL is not left pending. */
async function kill(proc: PodmeshProcess): Promise<void> {
  if (proc.isRunning()) {
    proc.child.kill('SIGCONT');
    proc.child.kill('SIGKILL');
  }
  await within(proc.exited, 10_000, `pid ${proc.pid} exiting on SIGKILL`);
}

/** Ends the pods started with `--detach` (not children of the test): each recorded its pid in `<runtimeDir>/<name>/process.json`. */
async function killDetached(runtimeDir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(runtimeDir);
  } catch {
    return;
  }
  for (const name of names) {
    let pid: unknown;
    try {
      pid = (JSON.parse(await readFile(join(runtimeDir, name, 'process.json'), 'utf8')) as { pid?: unknown }).pid;
    } catch {
      continue;
    }
    if (typeof pid !== 'number' || pid <= 1 || pid === process.pid) continue;
    // Only a podmesh process: a pid the OS gave to another since is left alone.
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!command.includes('podmesh')) continue;
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** A fresh sandbox in the OS temp folder (short paths: a socket path has 107 bytes at most). */
export async function createSandbox(prefix = 'podmesh-proc-'): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const home = join(root, 'home');
  const runtimeDir = join(root, 'run');
  const env: NodeJS.ProcessEnv = { ...process.env, PODMESH_HOME: home, PODMESH_RUNTIME_DIR: runtimeDir };
  // Debug output would mix with what the tests read off stdout and stderr.
  delete env.DEBUG;
  const processes: PodmeshProcess[] = [];
  const runtimes: SandboxRuntime[] = [];

  const spawnNode = (args: readonly string[], cwd = repoRoot): PodmeshProcess => {
    const child = spawn(process.execPath, [...args], { cwd, env, stdio: 'pipe' });
    const proc = watch(child);
    processes.push(proc);
    return proc;
  };
  const spawnCli = (args: readonly string[], cwd?: string): PodmeshProcess => spawnNode([binScript, ...args], cwd);

  return {
    root,
    home,
    podsDir: join(home, 'pods'),
    runtimeDir,
    env,
    spawnNode,
    spawnCli,
    async startPod(name, args = []) {
      const proc = spawnCli(['pod', 'start', name, ...args]);
      await proc.waitForStdout(/ live at /);
      return proc;
    },
    async run(args, timeoutMs = COMMAND_TIMEOUT_MS, options = {}) {
      const started = performance.now();
      const proc = spawnCli(args, options.cwd);
      proc.child.stdin.end(options.stdin ?? '');
      try {
        const exit = await within(proc.exited, timeoutMs, `podmesh ${args.join(' ')}`);
        return { ...exit, stdout: proc.stdout(), stderr: proc.stderr(), ms: performance.now() - started };
      } catch (error) {
        await kill(proc);
        throw error;
      }
    },
    openRuntime(transportOptions = {}, options = {}) {
      const transport = createSocketTransport({ runtimeDir, ...transportOptions });
      const runtime = createPodRuntime({ ...options, store: createFsPodStore(join(home, 'pods')), transport });
      const opened = { runtime, transport };
      runtimes.push(opened);
      return opened;
    },
    async cleanup() {
      for (const { runtime, transport } of runtimes.splice(0)) {
        await runtime.stop();
        transport.close();
      }
      await Promise.all(processes.splice(0).map(kill));
      await killDetached(runtimeDir);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Bound on a set of worker processes' whole run (tsx start-up on a loaded machine included). */
export const WORKERS_TIMEOUT_MS = 60_000;

/**
 * Runs the worker `script` (tests/support/, started with startOnGo.ts) once per
 * argument list: waits until all are loaded, releases them together and
 * resolves to the JSON line each printed; a worker that fails fails the call.
 */
export async function runWorkers<T>(sandbox: Sandbox, script: string, argLists: readonly (readonly string[])[], timeoutMs = WORKERS_TIMEOUT_MS): Promise<T[]> {
  const path = join(repoRoot, 'tests', 'support', script);
  const workers = argLists.map((args) => sandbox.spawnNode(['--import', 'tsx', path, ...args]));
  const all = (async () => {
    await Promise.all(workers.map((worker) => worker.waitForStdout(/^ready\n/, timeoutMs)));
    for (const worker of workers) worker.child.stdin.end('go\n');
    return Promise.all(workers.map((worker) => worker.exited));
  })();
  const exits = await within(all, timeoutMs, `the ${script} workers`);
  return exits.map((exit, i) => {
    const worker = workers[i]!;
    if (exit.code !== 0) throw new Error(`${script} ${argLists[i]!.join(' ')} failed (${exit.signal ?? exit.code}): ${worker.stderr().trim()}`);
    return JSON.parse(worker.stdout().split('\n')[1] ?? '') as T;
  });
}

/** What a pod's `state` request answers (docs/protocol.md). */
export interface PodState {
  status: string;
  activity?: string;
  pendingNotices: string[];
  accepted: number;
  dropped: number;
  turns: number;
  history: unknown[];
  diagnostics: { debug: number; warn: number };
}

/** The context of a suite whose every test gets its own sandbox. */
export interface SandboxContext {
  sandbox?: Sandbox;
}

/** A uvu suite that makes a fresh sandbox before each test and cleans it up after (processes, sockets, folders). */
export function sandboxSuite<T extends SandboxContext = SandboxContext>(name: string, context: T = {} as T) {
  const tests = suite<T>(name, context);
  tests.before.each(async (ctx) => {
    ctx.sandbox = await createSandbox();
  });
  tests.after.each(async (ctx) => {
    await ctx.sandbox?.cleanup();
    ctx.sandbox = undefined;
  });
  return tests;
}
