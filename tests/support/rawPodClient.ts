/**
 * Clients of a pod socket below the transport, for the protocol tests: a raw
 * client that writes what it is given and reads whole lines, and the resident
 * memory of a pod process. Every wait is bounded.
 */
import { readFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { within } from './podProcess.js';

/** One line a pod sent, parsed. */
export interface RawLine {
  readonly text: string;
  readonly value: { id?: unknown; ok?: boolean; type?: string; result?: unknown; error?: { code?: string; message?: string } };
}

/** A client of a pod socket below the transport: writes what it is given, reads whole lines; every wait is bounded. */
export interface RawPodClient {
  readonly socket: Socket;
  /** The next line, snapshot or answer. */
  next(timeoutMs?: number): Promise<RawLine>;
  /** The next line that is not a snapshot (status changes send snapshots between answers). */
  nextAnswer(timeoutMs?: number): Promise<RawLine>;
  send(text: string | Buffer): boolean;
  /** Lines received but not yet read. */
  unread(): number;
  /** Resolves when the pod closed the connection (bounded). */
  closed(timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Connects a {@link RawPodClient} to `path` (a pod's `sock`); call `close()` when done. */
export async function connectRawClient(path: string): Promise<RawPodClient> {
  const socket = createConnection(path);
  const lines: RawLine[] = [];
  let partial: string[] = [];
  let ended = false;
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const waker of wakers) waker();
  };
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    // Pieces of a long line are joined once, when its newline comes (not once per chunk).
    if (!chunk.includes('\n')) {
      partial.push(chunk);
      return;
    }
    const parts = chunk.split('\n');
    parts[0] = partial.join('') + parts[0]!;
    partial = [parts.pop() ?? ''];
    for (const text of parts) lines.push({ text, value: JSON.parse(text) as RawLine['value'] });
    wake();
  });
  socket.on('error', () => undefined); // seen as a missing line or a close, with the test's own message
  socket.on('close', () => {
    ended = true;
    wake();
  });
  await within(new Promise((resolvePromise) => socket.once('connect', resolvePromise)), 5_000, 'connecting to the pod');
  let read = 0;
  const until = async (check: () => boolean, timeoutMs: number, what: string): Promise<void> => {
    let waker: () => void = () => undefined;
    const done = new Promise<void>((resolvePromise) => {
      waker = () => (check() ? resolvePromise() : undefined);
      wakers.add(waker);
      waker();
    });
    try {
      await within(done, timeoutMs, what);
    } finally {
      wakers.delete(waker);
    }
  };
  const next = async (timeoutMs = 5_000): Promise<RawLine> => {
    await until(() => lines.length > read || ended, timeoutMs, `waiting for line ${read + 1} from the pod`);
    if (lines.length <= read) throw new Error(`the pod closed the connection before line ${read + 1}`);
    return lines[read++]!;
  };
  return {
    socket,
    next,
    async nextAnswer(timeoutMs = 5_000) {
      for (;;) {
        const line = await next(timeoutMs);
        if (line.value.type !== 'snapshot') return line;
      }
    },
    send: (text) => socket.write(text),
    unread: () => lines.length - read,
    closed: (timeoutMs = 5_000) => until(() => ended, timeoutMs, 'waiting for the pod to close the connection'),
    close: () => socket.destroy(),
  };
}

/** Resident memory of process `pid` in bytes (VmRSS of /proc/<pid>/status; Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kib) * 1024;
}
