import { redactUrl } from '../../core/text.js';
import { startPodServer, type PodToolHandler } from '../../actors/process/startPodServer.js';
import type { CliContext } from '../cliContext.js';
import type { CliRuntime } from '../cliRuntime.js';
import { boundText, plural } from '../cliOutput.js';

/** A served pod: where it answers (its socket path, or its NATS server) and how to stop serving it. */
export interface ServedPod {
  readonly address: string;
  close(): Promise<void>;
}

/** Lines and characters of a notice the pod's terminal shows; the whole stays in `pod state`. */
const NOTICE_LINES = 20;
const NOTICE_CHARS = 2000;

/**
 * Serves `name` of `cli.runtime` until SIGTERM/SIGINT or a `stop` request
 * (exit 0), or until the name lock is lost (exit 1); then closes the server
 * (removing the socket and the lock) and the runtime. Unless `quiet`, the
 * terminal shows each notice (time, sender, bounded text), each drop and each
 * turn; under `--json` each is one JSON line.
 */
export async function servePod(
  context: CliContext,
  cli: CliRuntime,
  name: string,
  options: { readonly tools?: PodToolHandler; readonly quiet?: boolean } = {},
): Promise<{ server: ServedPod; done: Promise<number> }> {
  const { io } = context;
  const pod = cli.runtime.pod(name)!;
  // Events are recorded as they happen (in the order they happen: a notice, then the turn it
  // started) and printed on the next turn of the event loop, off the acknowledgement's path.
  const lines: string[] = [];
  const flush = (): void => {
    io.out(lines.join(''));
    lines.length = 0;
  };
  const show = (text: string, event: Record<string, unknown>): void => {
    if (lines.length === 0) setImmediate(flush);
    const at = new Date();
    lines.push(context.json ? JSON.stringify({ at: at.toISOString(), pod: name, ...event }) + '\n' : `${context.colors.dim(at.toTimeString().slice(0, 8))} ${text}\n`);
  };

  let server: ServedPod | undefined;
  let stop: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolveExit) => {
    let stopping = false;
    stop = (code) => {
      if (stopping) return;
      stopping = true;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      subscription.unsubscribe();
      void (server?.close() ?? Promise.resolve())
        .then(() => cli.close())
        .then(() => {
          if (context.json) io.out(JSON.stringify({ at: new Date().toISOString(), pod: name, event: 'stopped', code }) + '\n');
          else io.err(`pod ${name} stopped\n`);
          resolveExit(code);
        });
    };
  });
  const onSignal = () => stop(0);

  // Drops and turns are read off the pod's own snapshots: the machine counts both.
  let seen = pod.actor.getSnapshot().context;
  // A quiet pod (and one under load, which should be quiet) pays nothing per snapshot.
  const subscription = options.quiet === true ? { unsubscribe: () => undefined } : pod.actor.subscribe((snapshot) => report(snapshot.context));
  const report = (now: typeof seen): void => {
    if (now.dropped > seen.dropped) {
      const count = now.dropped - seen.dropped;
      show(`dropped ${plural(count, 'notice')}: the buffer holds ${now.bufferSize}, the oldest went (${now.dropped} dropped in all)`, {
        event: 'dropped',
        count,
        dropped: now.dropped,
        bufferSize: now.bufferSize,
      });
    }
    const last = now.history.at(-1);
    if (last !== undefined && last !== seen.history.at(-1)) {
      show(`turn ${last.turn} ${last.ok ? 'ok' : 'failed'} (${plural(last.notices.length, 'notice')} consumed)`, {
        event: 'turn',
        turn: last.turn,
        ok: last.ok,
        consumed: last.notices.length,
      });
    }
    seen = now;
  };

  /** A notice, before the pod takes it: a weak one then waits with the others (the buffer's oldest goes when it is full). */
  const showNotice = (message: string, autoRun: boolean, from: string | undefined): void => {
    const snapshot = pod.actor.getSnapshot().context;
    const queued = Math.min(snapshot.buffer.length + 1, snapshot.bufferSize);
    // A message's own trailing newline (`echo … | podmesh notify … -`) is not a line to show.
    const shown = boundText(message.replace(/\n+$/, ''), NOTICE_LINES, NOTICE_CHARS, `whole text: podmesh pod state ${name}`);
    show(`notice from ${from ?? 'an unnamed sender'} (${autoRun ? 'autoRun: a turn was requested' : `weak; ${queued} queued`})\n${shown.replace(/^/gm, '  ')}`, {
      event: 'notice',
      from: from ?? null,
      autoRun,
      bytes: Buffer.byteLength(message),
      message: shown,
    });
  };

  const common = {
    runtime: cli.runtime,
    name,
    ...(options.tools === undefined ? {} : { tools: options.tools }),
    ...(options.quiet === true ? {} : { onNotice: (message: string, autoRun: boolean, from: string | undefined) => showNotice(message, autoRun, from) }),
    onStopRequested: () => stop(0),
  };
  const lost = (what: string, message: string): void => {
    if (context.json) io.out(JSON.stringify({ at: new Date().toISOString(), pod: name, event: what, message }) + '\n');
    else io.err(`podmesh: ${message}; stopping\n`);
    stop(1);
  };
  if (cli.nats !== undefined) {
    const { startNatsPodServer } = await import('../../actors/nats/startNatsPodServer.js');
    const served = await startNatsPodServer({ ...common, servers: cli.nats, onSuperseded: () => lost('superseded', `a newer ${name} started elsewhere on NATS`) });
    server = { address: `${redactUrl(cli.nats)} (NATS, incarnation ${served.incarnation})`, close: () => served.close() };
  } else {
    const served = await startPodServer({
      ...common,
      runtimeDir: cli.paths.runtimeDir,
      onLockLost: (error) => lost('lock-lost', `lost the name lock of ${name} (${error.message})`),
    });
    server = { address: served.socketPath, close: () => served.close() };
  }
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { server, done };
}
