import { spawn } from 'node:child_process';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PodmeshError } from '../../core/errors.js';
import { makeFolders } from '../../actors/stores/makeFolders.js';
import { alreadyRunning } from './alreadyRunning.js';
import type { CliPaths, CliTransport } from '../cliRuntime.js';

/** How long a detached start may take before the parent gives up waiting (the child keeps its log). */
const START_WAIT_MS = 20_000;

// src/cli/commands/ and dist/cli/commands/ are both three folders below the package root.
const BIN = fileURLToPath(new URL('../../../bin/podmesh.js', import.meta.url));

/** The log file of a pod started with `--detach`: `<home>/logs/<name>.log`. */
export function podLogPath(paths: CliPaths, name: string): string {
  return join(paths.home, 'logs', `${name}.log`);
}

/** What a detached start came to. */
export interface DetachedPod {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
}

/** The last non-empty line of a log, for the one-line error of a start that failed. */
async function lastLine(path: string, from: number): Promise<string> {
  const text = (await readFile(path, 'utf8')).slice(from);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  // The child's own error line already says `podmesh: `; once is enough.
  return (lines.at(-1) ?? 'no output').replace(/^podmesh: /, '');
}

/**
 * Starts `podmesh <args>` (a foreground pod command with absolute paths) as a
 * detached process whose stdout and stderr append to the pod's log file, and
 * resolves once `name` answers live on its socket. A child that exits first
 * rejects with the last line it logged.
 */
export async function startDetached(paths: CliPaths, transport: CliTransport, name: string, commandArgs: readonly string[]): Promise<DetachedPod> {
  // A pod on NATS is started on NATS again: the child gets the same server.
  const args = paths.nats === undefined ? commandArgs : [...commandArgs, '--nats', paths.nats];
  // A name already live would make the child fail while the probe below answered for the other pod.
  if ((await transport.probe(name))?.status === 'live') throw await alreadyRunning(transport, name);
  const log = podLogPath(paths, name);
  await makeFolders(join(paths.home, 'logs'), 0o700);
  const file = await open(log, 'a', 0o600);
  const from = (await stat(log)).size;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  try {
    await file.write(`--- ${new Date().toISOString()} podmesh ${args.join(' ')}\n`);
    const child = spawn(process.execPath, [BIN, ...args], {
      detached: true,
      cwd: paths.home,
      stdio: ['ignore', file.fd, file.fd],
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.once('exit', (code, signal) => (exited = { code, signal }));
    const spawned = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    child.unref();
    const deadline = performance.now() + START_WAIT_MS;
    while (performance.now() < deadline) {
      if (exited !== undefined) {
        throw new PodmeshError('request-rejected', `pod ${name} did not start (${exited.signal ?? `exit ${exited.code}`}): ${await lastLine(log, from)}`);
      }
      // Live, and served by the child itself (a pod that answers with another pid is someone else's).
      if ((await transport.probe(name))?.status === 'live') {
        const ping = (await transport.request(name, 'ping').catch(() => undefined)) as { pid?: unknown } | undefined;
        if (ping?.pid === spawned) return { name, pid: spawned, log };
      }
      await sleep(50);
    }
    throw new PodmeshError('timeout', `pod ${name} (pid ${spawned}) did not answer within ${START_WAIT_MS / 1000} s; it may still be starting: see podmesh pod logs ${name}`);
  } finally {
    await file.close();
  }
}
