import { resolve } from 'node:path';
import { startPodServer, type PodServer, type PodToolHandler } from '../actors/process/startPodServer.js';
import { validatePodName } from '../core/validatePodName.js';
import type { CliIo } from './cliIo.js';
import { COMMON_HELP, COMMON_OPTIONS, HOST_HELP, HOST_OPTIONS, hostOptions, openRuntime, parseCommand, table, UsageError, type CliRuntime } from './cliArgs.js';

const HELP = `usage:
  podmesh pod start <name> [--role R] [--workspace DIR] [--buffer-size N] [--no-journal] [--quiet]
      run a pod in the foreground; SIGTERM or SIGINT (Ctrl-C) stop it cleanly;
      each notice is printed as it arrives, unless --quiet; the notices it
      accepted and did not consume yet are there again when it starts again
  podmesh pod ls --as <self>        pods visible from <self>, with their status
  podmesh pod state <name>          a running pod's status and queued notices
  podmesh pod stop <name>           ask a running pod to stop

start options:
${HOST_HELP}

${COMMON_HELP}
`;

/** Prints a notice as it arrives, indented under a header. */
export function printNotice(io: CliIo, message: string, autoRun: boolean): void {
  io.out(`[notice${autoRun ? ', autoRun' : ''}]\n${message.replace(/^/gm, '  ')}\n`);
}

/**
 * Serves `name` of `cli.runtime` until SIGTERM/SIGINT or a `stop` request
 * (exit 0), or until the name lock is lost (exit 1); then closes the server
 * (removing the socket and the lock) and the runtime.
 */
export async function servePod(
  cli: CliRuntime,
  name: string,
  io: CliIo,
  options: { tools?: PodToolHandler; quiet?: boolean } = {},
): Promise<{ server: PodServer; done: Promise<number> }> {
  const { tools } = options;
  let server: PodServer | undefined;
  let stop: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolveExit) => {
    let stopping = false;
    stop = (code) => {
      if (stopping) return;
      stopping = true;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void (server?.close() ?? Promise.resolve())
        .then(() => cli.close())
        .then(() => {
          io.err(`pod ${name} stopped\n`);
          resolveExit(code);
        });
    };
  });
  const onSignal = () => stop(0);
  server = await startPodServer({
    runtime: cli.runtime,
    name,
    runtimeDir: cli.paths.runtimeDir,
    ...(tools === undefined ? {} : { tools }),
    ...(options.quiet === true ? {} : { onNotice: (message: string, autoRun: boolean) => printNotice(io, message, autoRun) }),
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

async function start(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...COMMON_OPTIONS,
    role: { type: 'string' },
    workspace: { type: 'string' },
    ...HOST_OPTIONS,
    quiet: { type: 'boolean' },
  });
  if (values.help) return io.out(HELP), 0;
  if (positionals.length !== 1) throw new UsageError('pod start takes one pod name (try --help)');
  const name = validatePodName(positionals[0]);
  const host = hostOptions(values);
  const cli = openRuntime(values, host.runtime, { journal: host.journal });
  try {
    await cli.runtime.spawnPod({
      name,
      ...(values.role === undefined ? {} : { role: values.role }),
      ...(values.workspace === undefined ? {} : { workspaceRoot: resolve(values.workspace) }),
    });
    const { server, done } = await servePod(cli, name, io, { quiet: values.quiet === true });
    io.out(`pod ${name} live at ${server.socketPath} (Ctrl-C to stop)\n`);
    return await done;
  } catch (error) {
    await cli.close();
    throw error;
  }
}

async function ls(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(args, { ...COMMON_OPTIONS, as: { type: 'string' } });
  if (values.help) return io.out(HELP), 0;
  if (values.as === undefined) throw new UsageError('pod ls needs --as <self>');
  const cli = openRuntime(values);
  try {
    const items = await cli.runtime.discovery(validatePodName(values.as)).listVisible();
    if (values.json) io.out(JSON.stringify(items, null, 2) + '\n');
    else {
      const rows = items.map((i) => [i.name, i.visibility, i.state, i.live?.status ?? '-', i.live?.activity ?? '-', i.live?.reason ?? '']);
      io.out(table([['NAME', 'VISIBILITY', 'RECORD', 'STATUS', 'ACTIVITY', 'REASON'], ...rows]));
    }
    return 0;
  } finally {
    await cli.close();
  }
}

async function request(args: readonly string[], io: CliIo, method: 'state' | 'stop'): Promise<number> {
  const { values, positionals } = parseCommand(args, COMMON_OPTIONS);
  if (values.help) return io.out(HELP), 0;
  if (positionals.length !== 1) throw new UsageError(`pod ${method} takes one pod name`);
  const name = validatePodName(positionals[0]);
  const cli = openRuntime(values);
  try {
    const live = await cli.transport.probe(name);
    if (live?.status !== 'live') throw new Error(`pod ${name} is ${live?.status ?? 'stopped'}${live?.reason ? ` (${live.reason})` : ''}`);
    const result = (await cli.transport.request(name, method)) as {
      status?: string;
      activity?: string;
      pendingNotices?: string[];
      pendingNoticesOmitted?: number;
      dropped?: number;
    };
    if (values.json) io.out(JSON.stringify(result, null, 2) + '\n');
    else if (method === 'stop') io.out(`pod ${name} is stopping\n`);
    else {
      const omitted = result.pendingNoticesOmitted ?? 0;
      const queued = (result.pendingNotices?.length ?? 0) + omitted;
      io.out(`pod ${name}: ${result.status}/${result.activity ?? '-'}, ${queued} queued notices, ${result.dropped ?? 0} dropped\n`);
      for (const [i, notice] of (result.pendingNotices ?? []).entries()) io.out(`--- ${i + 1}\n${notice}\n`);
      // A state answer holds at most 16 MiB of notices (docs/protocol.md): say what it left out.
      if (omitted > 0) io.out(`--- ${omitted} newer notices not shown (the answer holds at most 16 MiB of them)\n`);
    }
    return 0;
  } finally {
    await cli.close();
  }
}

/** `podmesh pod <start|ls|state|stop>`. */
export async function podCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'start':
      return start(rest, io);
    case 'ls':
      return ls(rest, io);
    case 'state':
    case 'stop':
      return request(rest, io, sub);
    case undefined:
    case '--help':
    case '-h':
      io.out(HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown pod command ${JSON.stringify(sub)} (try podmesh pod --help)`);
  }
}
