/**
 * A nats-server for the NATS rows of the bench: Debian's binary on a free
 * port (`-p -1`, read from its log), JetStream in a temporary folder, as in
 * tests/support/startNatsServer.ts. When the binary is missing the rows are
 * skipped with a note instead of failing the bench.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 10_000;

/** Why the NATS rows cannot run here, or `null` when they can. */
export function natsServerMissing(): string | null {
  return spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0 ? null : 'no nats-server on the PATH (apt-get install nats-server)';
}

export interface BenchNatsServer {
  readonly url: string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes its folder. */
  stop(): Promise<void>;
}

export async function launchNatsServer(): Promise<BenchNatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-bench-nats-'));
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<string>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`nats-server did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        const match = /Listening for client connections on 127\.0\.0\.1:(\d+)[\s\S]*Server is ready/.exec(log);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      void gone.then(() => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited:\n${log}`));
      });
    });
    return { url: `nats://127.0.0.1:${port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
