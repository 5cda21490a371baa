import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode, PodmeshError } from '../core/errors.js';
import { errorLine, redactUrl } from '../core/text.js';
import { createFsNoticeJournal } from '../actors/stores/createFsNoticeJournal.js';
import { createFsPodStore } from '../actors/stores/createFsPodStore.js';
import { makeFolders } from '../actors/stores/makeFolders.js';
import { createPodRuntime, type PodRuntime, type PodRuntimeOptions } from '../actors/runtime/createPodRuntime.js';
import { createSocketTransport, type SocketTransport } from '../actors/process/createSocketTransport.js';
import { ensurePrivateDir, resolvePodmeshPaths, type PodmeshPaths } from '../actors/process/podPaths.js';
import { UsageError } from './cliArgs.js';
import type { CliContext } from './cliContext.js';

/** `stat` that answers null for a path that is not there. */
async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** A folder flag's value: a folder, or (when `mayBeMissing`) nothing yet under a folder. */
async function checkFolder(path: string, flag: string, mayBeMissing: boolean): Promise<boolean> {
  const stats = await statOrNull(path);
  if (stats !== null) {
    if (!stats.isDirectory()) throw new UsageError(`${flag} ${path} is not a folder`);
    return true;
  }
  if (!mayBeMissing) return false;
  // The nearest folder that exists must be a folder: a file in the way is a mistyped path.
  for (let up = dirname(path); ; up = dirname(up)) {
    const above = await statOrNull(up);
    if (above !== null) {
      if (!above.isDirectory()) throw new UsageError(`${flag} ${path} lies under ${up}, which is not a folder`);
      return false;
    }
    if (dirname(up) === up) return false;
  }
}

/**
 * The home and runtime folders of a command, checked up front: a flag naming
 * a file is a usage error. `create` (commands that run a pod) makes a missing
 * home; otherwise a home that was named (flag or `PODMESH_HOME`) must exist
 * (unless the pods are on NATS, whose server holds the records), while the
 * default home may be absent (nothing was started yet).
 */
export async function cliPaths(context: CliContext, { create = false }: { readonly create?: boolean } = {}): Promise<CliPaths> {
  const { options, io } = context;
  const paths = resolvePodmeshPaths(
    { ...(options.home === undefined ? {} : { home: options.home }), ...(options.runtimeDir === undefined ? {} : { runtimeDir: options.runtimeDir }) },
    io.env,
  );
  const named = options.home !== undefined || io.env.PODMESH_HOME !== undefined;
  const homeFlag = options.home !== undefined ? '--home' : 'PODMESH_HOME';
  const homeExists = await checkFolder(paths.home, named ? homeFlag : 'the home', true);
  const nats = natsServerOf(context);
  // Over NATS the records are the server's: a home that is not there yet holds nothing a read needs.
  if (!homeExists && !create && named && nats === undefined) throw new UsageError(`${homeFlag} ${paths.home} does not exist (no pod was started with this home)`);
  const runtimeFlag = options.runtimeDir !== undefined ? '--runtime-dir' : io.env.PODMESH_RUNTIME_DIR !== undefined ? 'PODMESH_RUNTIME_DIR' : 'the runtime dir';
  await checkFolder(paths.runtimeDir, runtimeFlag, true);
  if (create) {
    // Made now, before any record is written: a folder the OS cannot make (`/proc/nope`) leaves nothing behind.
    await createFolder(paths.home, homeFlag, (path) => makeFolders(path, 0o700));
    await createFolder(paths.runtimeDir, runtimeFlag, ensurePrivateDir);
  }
  return nats === undefined ? paths : { ...paths, nats };
}

/** The NATS server a command was pointed at: `--nats`, else a non-empty `PODMESH_NATS`. */
export function natsServerOf({ options, io }: CliContext): string | undefined {
  return options.nats ?? (io.env.PODMESH_NATS === '' ? undefined : io.env.PODMESH_NATS);
}

/** A NATS server that could not be used, as the error of its flag: the client's own message ("connection refused") does not say which server or which flag. */
export function natsUnusable(nats: string, error: unknown): PodmeshError {
  return new PodmeshError('invalid-argument', `--nats ${redactUrl(nats)}: cannot use this NATS server (${errorLine(error, 160)})`, { cause: error });
}

/** The folders of a command, and the NATS server its pods use instead of the home's sockets and `pods/` (`--nats`, env PODMESH_NATS). */
export type CliPaths = PodmeshPaths & { readonly nats?: string };

/** What the CLI asks of a transport: the socket transport and the NATS transport both answer it. */
export type CliTransport = Pick<SocketTransport, 'probe' | 'request'>;

/** Makes a folder a flag named, as a one-line usage error when the OS refuses (`--home /proc/nope cannot be created (ENOENT)`). */
async function createFolder(path: string, flag: string, make: (path: string) => Promise<unknown>): Promise<void> {
  try {
    await make(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path} cannot be created (${errorCode(error) ?? errorLine(error)})`);
  }
}

/** The folders, store, socket transport and runtime a CLI process works with. */
export interface CliRuntime {
  readonly paths: CliPaths;
  readonly transport: CliTransport;
  readonly runtime: PodRuntime;
  /** The NATS server, when the pods live there (`--nats`); else the pods are the home's, on Unix sockets. */
  readonly nats: string | undefined;
  close(): Promise<void>;
}

/**
 * Opens the runtime of a CLI process on the shared home and runtime dir; with
 * `journal`, accepted notices are kept in `<home>/notices` until consumed.
 */
export async function openRuntime(paths: CliPaths, extra: Partial<PodRuntimeOptions> = {}, { journal = false }: { readonly journal?: boolean } = {}): Promise<CliRuntime> {
  const journalOption = journal ? { journal: createFsNoticeJournal(join(paths.home, 'notices')) } : {};
  if (paths.nats !== undefined) {
    // Records in the NATS KV bucket, pods reached over NATS; the journal stays on this host's disk.
    const { createNatsKvPodStore } = await import('../actors/nats/createNatsKvPodStore.js');
    const { createNatsTransport } = await import('../actors/nats/createNatsTransport.js');
    let store: Awaited<ReturnType<typeof createNatsKvPodStore>>;
    try {
      store = await createNatsKvPodStore({ servers: paths.nats });
    } catch (error) {
      throw natsUnusable(paths.nats, error);
    }
    const transport = createNatsTransport({ servers: paths.nats });
    const runtime = createPodRuntime({ ...extra, store, transport, ...journalOption });
    return {
      paths,
      transport,
      runtime,
      nats: paths.nats,
      async close() {
        await runtime.stop();
        await transport.close();
        await store.close();
      },
    };
  }
  const transport = createSocketTransport({ runtimeDir: paths.runtimeDir });
  const runtime = createPodRuntime({ ...extra, store: createFsPodStore(paths.podsDir), transport, ...journalOption });
  return { paths, transport, runtime, nats: undefined, close: () => runtime.stop() };
}

/** Runs `fn` with a runtime opened on `paths` and closes it after, whatever happens. */
export async function withRuntime<T>(paths: CliPaths, fn: (cli: CliRuntime) => Promise<T>): Promise<T> {
  const cli = await openRuntime(paths);
  try {
    return await fn(cli);
  } finally {
    await cli.close();
  }
}
