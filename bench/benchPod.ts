/**
 * Pod processes for the cross-process rows: start one with the CLI, wait until
 * it answers, stop it. Shared by the notify and the throughput measurements,
 * on Unix sockets and over NATS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { NatsTransport } from '../src/actors/nats/createNatsTransport.js';
import { createSocketTransport } from '../src/actors/process/createSocketTransport.js';
import type { PodTransport } from '../src/core/types.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Both server processes run on the same CPU when `taskset` exists: a round trip
 * costs ~20 µs when the client and server share a core and ~80 µs when the
 * server must be woken on another one, and which happens otherwise depends on
 * where the scheduler put each process — noise bigger than what is measured.
 */
export function pinned(command: string, args: string[]): [string, string[]] {
  return existsSync('/usr/bin/taskset') && availableParallelism() > 1 ? ['/usr/bin/taskset', ['-c', '1', command, ...args]] : [command, args];
}

/**
 * Starts `podmesh pod start <name> --quiet <args>` (pinned) with `env` and
 * resolves once `probe` finds it live, within 20 s (SIGKILLed otherwise).
 */
async function startPodWith(options: { name: string; args: readonly string[]; env: NodeJS.ProcessEnv; where: string }, probe: PodTransport): Promise<ChildProcess> {
  // --quiet: a pod does not print the notices it receives (terminal output is not the transport).
  const pod = spawn(...pinned(process.execPath, [join(ROOT, 'bin/podmesh.js'), 'pod', 'start', options.name, '--quiet', ...options.args]), {
    env: options.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = performance.now() + 20_000;
  while ((await probe.probe(options.name))?.status !== 'live') {
    if (performance.now() > deadline || pod.exitCode !== null || pod.signalCode !== null) {
      pod.kill('SIGKILL');
      throw new Error(`the ${options.name} pod did not come up ${options.where}`);
    }
    await new Promise((wake) => setTimeout(wake, 50));
  }
  return pod;
}

/** A bench pod on its Unix socket in `runtimeDir`. */
export async function startBenchPod(options: { name: string; args: readonly string[]; env: NodeJS.ProcessEnv; runtimeDir: string }): Promise<ChildProcess> {
  const probe = createSocketTransport({ runtimeDir: options.runtimeDir });
  try {
    return await startPodWith({ ...options, where: 'on its socket' }, probe);
  } finally {
    probe.close();
  }
}

/** A bench pod served over NATS at `url`, found live by `transport`. */
export function startNatsBenchPod(options: { name: string; url: string; args: readonly string[]; env: NodeJS.ProcessEnv; transport: NatsTransport }): Promise<ChildProcess> {
  return startPodWith({ name: options.name, args: ['--nats', options.url, ...options.args], env: options.env, where: 'on NATS' }, options.transport);
}

/** Stops `child` with SIGTERM, SIGKILL after 5 s; resolves when it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}
