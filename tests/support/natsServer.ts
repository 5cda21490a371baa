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
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

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
  /** Its temporary folder (JetStream's store is under it). */
  readonly dir: string;
  /** The pid of its current process (a restart changes it). */
  readonly pid: number;
  /** Everything it logged so far, over every restart. */
  log(): string;
  /** SIGTERM, a bounded wait for the exit (then SIGKILL), and the folder removed. Idempotent. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL: a crash; SIGSTOP, SIGCONT…); a killing signal is awaited. The folder stays until `stop()`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again after a kill, on the same client and route ports and the same store: a server back from a crash (bounded). */
  restart(): Promise<void>;
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

/** One run of the server process: its child, what it logged, and its ports. */
interface Life {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  output(): string;
  readonly port: number;
}

/** Spawns nats-server with `args` and waits until it listens (bounded); a failed start is killed. */
async function launch(args: readonly string[], clustered: boolean): Promise<Life> {
  const child = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);

  const clientPort = /Listening for client connections on 127\.0\.0\.1:(\d+)/;
  const routePort = /Listening for route connections on 127\.0\.0\.1:(\d+)/;
  const ready = (): boolean => clientPort.test(output) && (!clustered || routePort.test(output));
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
    throw error;
  }
  return { child, output: () => output, port: Number(clientPort.exec(output)![1]) };
}

/** Starts a nats-server with JetStream on 127.0.0.1 and a free port. */
export async function startNatsServer(options: { readonly cluster?: NatsClusterOptions } = {}): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-nats-'));
  const args = (port: number): string[] => {
    const list = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'js')];
    if (options.cluster !== undefined) {
      const { name, serverName, routes, routePort } = options.cluster;
      list.push('-n', serverName, '--cluster_name', name, '--cluster', `nats://127.0.0.1:${routePort}`);
      if (routes.length > 0) list.push('--routes', routes.join(','));
    }
    return list;
  };
  let life: Life;
  try {
    life = await launch(args(-1), options.cluster !== undefined);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const { port } = life;
  // What earlier lives logged (kept for log() across a restart).
  let earlier = '';
  const running = (): boolean => life.child.exitCode === null && life.child.signalCode === null;

  let stopping: Promise<void> | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return life.child.pid!;
    },
    log: () => earlier + life.output(),
    stop() {
      stopping ??= (async () => {
        const { child } = life;
        if (running()) {
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
    async kill(signal = 'SIGKILL') {
      if (!running()) return;
      life.child.kill(signal);
      if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await boundedExit(life.child, STOP_TIMEOUT_MS);
    },
    async restart() {
      if (stopping !== undefined || running()) throw new Error('restart() is for a server that was killed, not stopped or running');
      earlier += life.output();
      life = await launch(args(port), options.cluster !== undefined);
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
 * Waits until `server` answers JetStream's account info, which it can only
 * once it knows the cluster's metadata leader (a bucket made before that
 * fails). Asked, not read off the log: a server that joined after the
 * election may never log the leader.
 */
async function waitForJetStream(server: NatsServer, timeoutMs: number): Promise<void> {
  const nc = await connect({ servers: server.url });
  try {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      try {
        await (await jetstreamManager(nc, { timeout: 1000 })).getAccountInfo();
        return;
      } catch (error) {
        if (performance.now() > deadline) throw new Error(`${server.url}: JetStream not ready within ${timeoutMs} ms (${String(error)})\n${server.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await nc.close();
  }
}

/**
 * Starts `size` clustered servers with JetStream, each routed to all (server
 * `${name}-${i}`, i from 1), and waits until each answers JetStream requests.
 */
export async function startNatsCluster(size = 3, name = `podmesh-${process.pid}-${Math.random().toString(36).slice(2, 8)}`): Promise<NatsCluster> {
  const ports: number[] = [];
  for (let i = 0; i < size; i += 1) ports.push(await freePort());
  const routes = ports.map((port) => `nats://127.0.0.1:${port}`);
  const servers: NatsServer[] = [];
  try {
    // One after another: started at once, they dial each other at once and churn through duplicate routes.
    for (const [i, routePort] of ports.entries()) servers.push(await startNatsServer({ cluster: { name, serverName: `${name}-${i + 1}`, routePort, routes } }));
    await Promise.all(servers.map((server) => waitForJetStream(server, 30_000)));
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
