/**
 * A bench worker process spoken to in JSON lines: one object per line on its
 * stdin, one per line back on its stdout. Used by the rows whose senders are
 * processes of their own, which the parent starts together with a line each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './benchPod.js';

/** A running worker. */
export interface LineWorker {
  readonly child: ChildProcess;
  /** Writes `message` as one JSON line on the worker's stdin. */
  send(message: unknown): void;
  /** The next line the worker prints, parsed; rejects on an `{ error }` line, on exit, or after `timeoutMs`. */
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Closes its stdin (a worker exits on that) and stops it (SIGTERM, then SIGKILL); idempotent. */
  stop(): Promise<void>;
}

/** Starts `command args` with its stderr passed through, labelled `label` in errors. */
export function spawnLineWorker(command: string, args: readonly string[], options: { readonly label: string; readonly env?: NodeJS.ProcessEnv }): LineWorker {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], ...(options.env === undefined ? {} : { env: options.env }) });
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let ended: Error | undefined;
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line !== ''));
    waiting?.();
  });
  // 'close', not 'exit': the pipes are read to their end first, so a dying worker's last line is not lost.
  child.once('close', (code, signal) => {
    ended = new Error(`${options.label} exited (${signal ?? code})`);
    waiting?.();
  });
  child.once('error', (error) => {
    ended = error;
    waiting?.();
  });
  // A worker that already exited must not crash the parent with EPIPE.
  child.stdin!.on('error', () => undefined);

  let stopping: Promise<void> | undefined;
  return {
    child,
    send(message) {
      child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
    async next(timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      while (lines.length === 0) {
        if (ended !== undefined) throw ended;
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`${options.label} printed nothing within ${timeoutMs} ms`);
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((wake) => {
          waiting = wake;
          timer = setTimeout(wake, left);
        });
        clearTimeout(timer);
        waiting = undefined;
      }
      const line = lines.shift()!;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`${options.label} printed a line that is not JSON: ${line.slice(0, 200)}`);
      }
      if (typeof value !== 'object' || value === null) throw new Error(`${options.label} printed ${line.slice(0, 200)}`);
      const message = value as Record<string, unknown>;
      if (message.error !== undefined) throw new Error(`${options.label}: ${String(message.error)}`);
      return message;
    },
    stop() {
      stopping ??= (async () => {
        child.stdin!.end();
        await stopChild(child);
      })();
      return stopping;
    },
  };
}
