import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PodmeshError } from '../core/errors.js';
import { createFsNoticeJournal } from '../actors/stores/createFsNoticeJournal.js';
import { createFsPodStore } from '../actors/stores/createFsPodStore.js';
import { createPodRuntime, type PodRuntime, type PodRuntimeOptions } from '../actors/runtime/createPodRuntime.js';
import { createSocketTransport, type SocketTransport } from '../actors/process/createSocketTransport.js';
import { resolvePodmeshPaths, type PodmeshPaths } from '../actors/process/podPaths.js';

/** Bad usage: printed as one line, exit status 2. */
export class UsageError extends PodmeshError {
  constructor(message: string) {
    super('invalid-usage', message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command that touches pods takes. */
export const COMMON_OPTIONS = {
  home: { type: 'string' },
  'runtime-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const COMMON_HELP = `common options:
  --home DIR          durable state: pods/, tickets/, notices/ (env PODMESH_HOME, default ~/.podmesh)
  --runtime-dir DIR   sockets (env PODMESH_RUNTIME_DIR, default $XDG_RUNTIME_DIR/podmesh, else <home>/run)
  --json              machine-readable output
  -h, --help          this help`;

type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/** `parseArgs` whose errors are usage errors. */
export function parseCommand<T extends Options>(args: readonly string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (try --help)`);
  }
}

/** An integer option of at least `min` (default 1), or undefined when absent. */
export function intOption(value: unknown, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be an integer of at least ${min}`);
  }
  return Number(value);
}

/** The folders, store, socket transport and runtime a CLI process works with. */
export interface CliRuntime {
  readonly paths: PodmeshPaths;
  readonly transport: SocketTransport;
  readonly runtime: PodRuntime;
  close(): Promise<void>;
}

/** Options of the commands that run a pod (`pod start`, `orchestrator start`). */
export const HOST_OPTIONS = {
  'buffer-size': { type: 'string' },
  'no-journal': { type: 'boolean' },
} as const satisfies Options;

export const HOST_HELP = `  --buffer-size N     notices the pod's buffer holds (default 128; the oldest is dropped, with a warn)
  --no-journal        keep accepted notices in memory only: faster, but a crash or stop loses them
                      (by default each is on disk in <home>/notices before it is acknowledged)`;

/** The runtime options a pod-running command's flags ask for. */
export function hostOptions(values: { 'buffer-size'?: unknown; 'no-journal'?: unknown }): { runtime: Partial<PodRuntimeOptions>; journal: boolean } {
  const bufferSize = intOption(values['buffer-size'], '--buffer-size');
  return { runtime: bufferSize === undefined ? {} : { notifyBufferSize: bufferSize }, journal: values['no-journal'] !== true };
}

/**
 * Opens the runtime of a CLI process on the shared home and runtime dir; with
 * `journal`, accepted notices are kept in `<home>/notices` until consumed.
 */
export function openRuntime(
  values: { home?: unknown; 'runtime-dir'?: unknown },
  extra: Partial<PodRuntimeOptions> = {},
  { journal = false }: { readonly journal?: boolean } = {},
): CliRuntime {
  const paths = resolvePodmeshPaths({
    ...(typeof values.home === 'string' ? { home: values.home } : {}),
    ...(typeof values['runtime-dir'] === 'string' ? { runtimeDir: values['runtime-dir'] } : {}),
  });
  const transport = createSocketTransport({ runtimeDir: paths.runtimeDir });
  const runtime = createPodRuntime({
    ...extra,
    store: createFsPodStore(paths.podsDir),
    transport,
    ...(journal ? { journal: createFsNoticeJournal(join(paths.home, 'notices')) } : {}),
  });
  return { paths, transport, runtime, close: () => runtime.stop() };
}

/** A fixed-width text table. */
export function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => [...(row[i] ?? '')].length)));
  return rows.map((row) => row.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd()).join('\n') + '\n';
}
