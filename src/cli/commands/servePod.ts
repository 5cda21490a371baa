import { startPodServer, type PodServer, type PodToolHandler } from '../../actors/process/startPodServer.js';
import type { CliContext, CliRuntime } from '../cliContext.js';
import { boundText, printJsonLine } from '../cliOutput.js';

/** Lines and characters of a notice the pod's terminal shows; the whole stays in `pod state`. */
const NOTICE_LINES = 20;
const NOTICE_CHARS = 2000;

const clock = (): string => new Date().toTimeString().slice(0, 8);

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
): Promise<{ server: PodServer; done: Promise<number> }> {
  const { io } = context;
  const pod = cli.runtime.pod(name)!;
  const show = (text: string, event: Record<string, unknown>): void => {
    if (options.quiet === true) return;
    if (context.json) printJsonLine(context, { at: new Date().toISOString(), pod: name, ...event });
    else io.out(`${context.colors.dim(clock())} ${text}\n`);
  };

  let server: PodServer | undefined;
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
          io.err(`pod ${name} stopped\n`);
          resolveExit(code);
        });
    };
  });
  const onSignal = () => stop(0);

  // Drops and turns are read off the pod's own snapshots: the machine counts both.
  let seen = pod.actor.getSnapshot().context;
  const subscription = pod.actor.subscribe((snapshot) => {
    const now = snapshot.context;
    if (now.dropped > seen.dropped) {
      const count = now.dropped - seen.dropped;
      show(`dropped ${count} notice${count === 1 ? '' : 's'}: the buffer holds ${now.bufferSize}, the oldest went (${now.dropped} dropped in all)`, {
        event: 'dropped',
        count,
        dropped: now.dropped,
        bufferSize: now.bufferSize,
      });
    }
    if (now.turns > seen.turns || (now.history.length > 0 && now.history.at(-1) !== seen.history.at(-1))) {
      const last = now.history.at(-1);
      if (last !== undefined && last !== seen.history.at(-1)) {
        show(`turn ${last.turn} ${last.ok ? 'ok' : 'failed'} (${last.notices.length} notice${last.notices.length === 1 ? '' : 's'} consumed)`, {
          event: 'turn',
          turn: last.turn,
          ok: last.ok,
          consumed: last.notices.length,
        });
      }
    }
    seen = now;
  });

  server = await startPodServer({
    runtime: cli.runtime,
    name,
    runtimeDir: cli.paths.runtimeDir,
    ...(options.tools === undefined ? {} : { tools: options.tools }),
    onNotice: (message: string, autoRun: boolean, from?: string) => {
      const queued = pod.pendingNotices().length;
      const text = message;
      show(
        `notice from ${from ?? 'an unnamed sender'} (${autoRun ? 'autoRun: a turn was requested' : 'weak'}; ${queued} queued)\n` +
          boundText(text, NOTICE_LINES, NOTICE_CHARS, `whole text: podmesh pod state ${name}`).replace(/^/gm, '  '),
        { event: 'notice', from: from ?? null, autoRun, queued, bytes: Buffer.byteLength(text), message: boundText(text, NOTICE_LINES, NOTICE_CHARS, 'pod state') },
      );
    },
    onStopRequested: () => stop(0),
    onLockLost: (error) => {
      io.err(`podmesh: lost the name lock of ${name} (${error.message}); stopping\n`);
      stop(1);
    },
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { server, done };
}
