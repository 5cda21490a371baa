/**
 * Real nats-server processes for the NATS tests: each on a free port (`-p -1`,
 * the port read off its log), with JetStream in a temporary folder that
 * `stop()` removes. Every wait is bounded, so a server that does not start
 * fails its test instead of hanging the run. Debian's `nats-server` (2.9) is
 * what `.ci/run` installs; {@link natsServerAvailable} lets a suite skip
 * without it.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bound on a server printing its client port (it takes ~35 ms here). */
const START_TIMEOUT_MS = 10_000;
/** Bound on a server exiting once signalled. */
const STOP_TIMEOUT_MS = 5_000;

/** The cluster a server joins: its name, its own route port and the routes it dials (all of them: JetStream wants configured routes). */
export interface NatsClusterOptions {
  readonly name: string;
  /** The server's name in the cluster (JetStream needs one per server). */
  readonly serverName: string;
  readonly routePort: number;
  readonly routes: readonly string[];
}

/** A running nats-server. */
export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** Its route URL, when it is in a cluster. */
  readonly routeUrl?: string;
  /** Its temporary folder (JetStream's store is under it). */
  readonly dir: string;
  readonly pid: number;
  /** Everything it logged so far. */
  log(): string;
  /** Resolves with the first match of `pattern` in its log (bounded; rejects when it exits first). */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, a bounded wait for the exit (then SIGKILL), and the folder removed. Idempotent. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL: a crash; SIGSTOP, SIGCONT…); a killing signal is awaited. The folder stays until `stop()`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

let available: boolean | undefined;

/** Whether a `nats-server` binary runs here. */
export function natsServerAvailable(): boolean {
  available ??= spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

function exited(child: ChildProcessByStdio<null, Readable, Readable>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function boundedExit(child: ChildProcessByStdio<null, Readable, Readable>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([exited(child).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a nats-server with JetStream on 127.0.0.1 and a free port. */
export async function startNatsServer(options: { readonly cluster?: NatsClusterOptions } = {}): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-nats-'));
  const args = ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', join(dir, 'js')];
  if (options.cluster !== undefined) {
    const { name, serverName, routes, routePort } = options.cluster;
    args.push('-n', serverName, '--cluster_name', name, '--cluster', `nats://127.0.0.1:${routePort}`);
    if (routes.length > 0) args.push('--routes', routes.join(','));
  }
  const child = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);

  const clientPort = /Listening for client connections on 127\.0\.0\.1:(\d+)/;
  const routePort = /Listening for route connections on 127\.0\.0\.1:(\d+)/;
  const ready = (): boolean => clientPort.test(output) && (options.cluster === undefined || routePort.test(output));
  const deadline = performance.now() + START_TIMEOUT_MS;
  try {
    while (!ready()) {
      if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}) before listening:\n${output}`);
      if (performance.now() > deadline) throw new Error(`nats-server did not listen within ${START_TIMEOUT_MS} ms:\n${output}`);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 5)), spawnError]);
    }
  } catch (error) {
    child.kill('SIGKILL');
    await boundedExit(child, STOP_TIMEOUT_MS);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const port = Number(clientPort.exec(output)![1]);
  const route = routePort.exec(output)?.[1];

  let stopping: Promise<void> | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    ...(route === undefined ? {} : { routeUrl: `nats://127.0.0.1:${route}` }),
    dir,
    pid: child.pid!,
    log: () => output,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGCONT'); // a stopped server cannot act on SIGTERM
          child.kill('SIGTERM');
          if (!(await boundedExit(child, STOP_TIMEOUT_MS))) {
            child.kill('SIGKILL');
            await boundedExit(child, STOP_TIMEOUT_MS);
          }
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
    async waitForLog(pattern, timeoutMs = START_TIMEOUT_MS) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match !== null) return match[0];
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nats-server exited before logging ${pattern}:\n${output}`);
        if (performance.now() > deadline) throw new Error(`nats-server did not log ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await boundedExit(child, STOP_TIMEOUT_MS);
    },
  };
}

/** A cluster of servers on 127.0.0.1; `stop()` stops them all. */
export interface NatsCluster {
  readonly servers: readonly NatsServer[];
  /** Every server's client URL. */
  readonly urls: readonly string[];
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (the route ports must be known before the servers start). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Starts `size` clustered servers with JetStream, each routed to all (server
 * `${name}-${i}`, i from 1), and waits until each knows the JetStream
 * metadata leader (a bucket made before that fails).
 */
export async function startNatsCluster(size = 3, name = `podmesh-${process.pid}-${Math.random().toString(36).slice(2, 8)}`): Promise<NatsCluster> {
  const ports: number[] = [];
  for (let i = 0; i < size; i += 1) ports.push(await freePort());
  const routes = ports.map((port) => `nats://127.0.0.1:${port}`);
  const started = await Promise.allSettled(ports.map((routePort, i) => startNatsServer({ cluster: { name, serverName: `${name}-${i + 1}`, routePort, routes } })));
  const servers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(servers.map((server) => server.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }
  try {
    await Promise.all(servers.map((server) => server.waitForLog(/JetStream cluster new metadata leader|Self is new JetStream cluster metadata leader/, 15_000)));
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  return {
    servers,
    urls: servers.map((server) => server.url),
    stop: async () => void (await Promise.all(servers.map((server) => server.stop()))),
  };
}
