/**
 * Real nats-server processes for the NATS tests: each on a free port (`-p -1`,
 * the port read from its log), JetStream on, its store in its own temporary
 * folder, every wait bounded. `stop()` ends it (SIGTERM, then SIGKILL) and
 * removes its folder; `kill()` is a crash (SIGKILL, folder kept). A cluster
 * is three of them routed to each other, ready once each knows the JetStream
 * metadata leader.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Whether a nats-server binary is on the PATH (tests and bench rows skip with a note when not). */
export function natsServerAvailable(): boolean {
  return spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** One running server. */
export interface NatsServer {
  /** `nats://127.0.0.1:PORT` for clients. */
  readonly url: string;
  readonly port: number;
  /** `nats://127.0.0.1:PORT` for routes, when clustered. */
  readonly routeUrl: string | undefined;
  readonly dir: string;
  /** Everything it logged so far. */
  log(): string;
  /** Resolves once its log matches `pattern` (bounded). */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** A crash: SIGKILL, resolves once it exited. Its folder is kept (for a restart or a look). */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL after a bound), then removes its folder. */
  stop(): Promise<void>;
}

export interface StartNatsServerOptions {
  /** Joins a cluster: its name, this server's name, its route port, and the route URLs to dial. */
  readonly cluster?: { readonly name: string; readonly server: string; readonly port: number; readonly routes: readonly string[] };
}

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Starts one nats-server with JetStream on 127.0.0.1 and a free port. */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-nats-'));
  const args = ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', dir];
  if (options.cluster !== undefined) {
    const { name, server, port, routes } = options.cluster;
    args.push('-n', server, '--cluster_name', name, '-cluster', `nats://127.0.0.1:${port}`, '-routes', routes.join(','));
  }
  const child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const watchers = new Set<() => void>();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
    for (const watcher of watchers) watcher();
  });
  const gone = new Promise<void>((resolve) => {
    if (exited(child)) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  child.once('exit', () => {
    for (const watcher of watchers) watcher();
  });

  const waitForLog = (pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(log);
        if (match !== null) {
          done();
          resolve(match[0]);
        } else if (exited(child)) {
          done();
          reject(new Error(`nats-server exited before logging ${pattern}:\n${log}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`nats-server did not log ${pattern} within ${timeoutMs} ms:\n${log}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  const signal = async (sig: NodeJS.Signals, timeoutMs: number): Promise<boolean> => {
    if (exited(child)) return true;
    child.kill(sig);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([gone.then(() => true), timedOut]);
    clearTimeout(timer);
    return result;
  };
  const kill = async (): Promise<void> => {
    if (!(await signal('SIGKILL', STOP_TIMEOUT_MS))) throw new Error(`nats-server ${child.pid} survived SIGKILL`);
  };
  const stop = async (): Promise<void> => {
    if (!(await signal('SIGTERM', STOP_TIMEOUT_MS))) await kill();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const line = await waitForLog(/Listening for client connections on 127\.0\.0\.1:(\d+)/);
    const port = Number(/:(\d+)$/.exec(line)![1]);
    let routeUrl: string | undefined;
    if (options.cluster !== undefined) {
      const route = await waitForLog(/Listening for route connections on 127\.0\.0\.1:(\d+)/);
      routeUrl = `nats://127.0.0.1:${/:(\d+)$/.exec(route)![1]}`;
    }
    await waitForLog(/Server is ready/);
    return { url: `nats://127.0.0.1:${port}`, port, routeUrl, dir, log: () => log, waitForLog, kill, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Servers clustered on 127.0.0.1. */
export interface NatsCluster {
  readonly servers: readonly NatsServer[];
  /** Every server's client URL: what a client connects with, so it fails over. */
  readonly urls: string[];
  /** Stops every server still running and removes their folders. */
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (a JetStream cluster needs its routes named up front, so `-1` will not do). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `size` servers routed to each other (server `${name}-${i}`, i from 1)
 * and waits until each knows the JetStream metadata leader.
 */
export async function startNatsCluster(size = 3, name = 'podmesh-test'): Promise<NatsCluster> {
  const servers: NatsServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    const ports = await Promise.all(Array.from({ length: size }, freePort));
    const routes = ports.map((port) => `nats://127.0.0.1:${port}`);
    const started = await Promise.allSettled(
      ports.map((port, i) => startNatsServer({ cluster: { name, server: `${name}-${i + 1}`, port, routes } })),
    );
    for (const outcome of started) if (outcome.status === 'fulfilled') servers.push(outcome.value);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    await Promise.all(servers.map((server) => server.waitForLog(/JetStream cluster new metadata leader|Self is new JetStream cluster metadata leader/, 15_000)));
    return { servers, urls: servers.map((server) => server.url), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
