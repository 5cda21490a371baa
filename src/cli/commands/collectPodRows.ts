import type { PodMetadata } from '../../core/types.js';
import { knownPodNames as namesOf, readPodRow, readPodRows, type PodRow, type PodRowSource } from '../../actors/process/readPodRows.js';
import type { CliRuntime } from '../cliRuntime.js';

export type { PodRow } from '../../actors/process/readPodRows.js';

/** What the rows of a CLI process are read from (its store, transport and, for the home's pods, runtime folder). */
export function podRowSource(cli: CliRuntime): PodRowSource {
  const source = { store: cli.runtime.store, transport: cli.transport };
  return cli.nats === undefined ? { ...source, runtimeDir: cli.paths.runtimeDir } : source;
}

/** The names of every pod the home knows (see `knownPodNames` of src/actors/process/readPodRows.ts). */
export function knownPodNames(cli: CliRuntime): Promise<string[]> {
  return namesOf(podRowSource(cli));
}

/** The row of one pod, with its record. */
export function podRow(cli: CliRuntime, name: string, now = Date.now()): Promise<PodRow & { readonly record: PodMetadata | null }> {
  return readPodRow(podRowSource(cli), name, now);
}

/** Every known pod's row, sorted by name (or the rows of `names`), without their records. */
export async function collectPodRows(cli: CliRuntime, names?: readonly string[]): Promise<PodRow[]> {
  return (await readPodRows(podRowSource(cli), names)).map(({ record: _record, ...row }) => row);
}
