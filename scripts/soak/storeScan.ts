/**
 * Reads a file store's folder as a checker would after a crash: what crashed
 * writers left (temp files, lock folders) and what the records say about
 * relations. The store itself is only read here, never repaired.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PodMetadata, PodMetadataStore } from '../../src/index.js';
import { errorText } from './stats.js';

/** Temp files of writeFileAtomic for metadata.json: `.metadata.json.<pid>.<n>.tmp`. */
const TEMP_FILE = /^\.metadata\.json\..*\.tmp$/;
const LOCK = 'metadata.json.lock';

/** What sits in a store's pod folders besides records. */
export interface Leftovers {
  readonly podFolders: number;
  /** Paths of stray temp files. */
  readonly temps: readonly string[];
  /** Pod folders holding a `metadata.json.lock`. */
  readonly locks: readonly string[];
}

export async function leftovers(dir: string): Promise<Leftovers> {
  const temps: string[] = [];
  const locks: string[] = [];
  let podFolders = 0;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return { podFolders: 0, temps, locks };
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    podFolders += 1;
    for (const name of await readdir(join(dir, entry.name)).catch((): string[] => [])) {
      if (TEMP_FILE.test(name)) temps.push(join(entry.name, name));
      else if (name === LOCK) locks.push(entry.name);
    }
  }
  return { podFolders, temps, locks };
}

/** The pid in a temp file's name, and whether a process has it now (a reused pid keeps a stray file, by design). */
export function tempFileOwners(temps: readonly string[]): string {
  const alive = temps.filter((path) => {
    const pid = Number(/\.(\d+)\.\d+\.tmp$/.exec(path)?.[1]);
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  return `${temps.length} stray (${alive.length} of a live pid, e.g. ${temps.slice(0, 3).join(', ')})`;
}

/** Relations as the records hold them. */
export interface RelationScan {
  readonly records: number;
  /** Unordered pairs held by both sides. */
  readonly reciprocal: number;
  /** `[holder, other]`: holder names other as a peer, other does not name holder (or has no record). */
  readonly oneSided: readonly (readonly [string, string])[];
  /** Names whose record carries a `pendingPeers` mark. */
  readonly marked: readonly string[];
  /** Records that could not be read, with the error. */
  readonly unreadable: readonly string[];
}

/** Reads every record of `store` and classifies every relation (`names`: only these, default all). */
export async function scanRelations(store: PodMetadataStore, names?: readonly string[]): Promise<RelationScan> {
  const records = new Map<string, PodMetadata>();
  const unreadable: string[] = [];
  for (const name of names ?? (await store.listNames())) {
    try {
      const record = await store.read(name);
      if (record !== null) records.set(name, record);
    } catch (error) {
      unreadable.push(`${name}: ${errorText(error)}`);
    }
  }
  let reciprocal = 0;
  const oneSided: [string, string][] = [];
  const marked: string[] = [];
  for (const [name, record] of records) {
    if ((record.pendingPeers?.length ?? 0) > 0) marked.push(name);
    for (const peer of record.peers) {
      const other = records.get(peer);
      // A peer outside `names` is not judged; a peer with no record is one-sided only when it was looked for.
      if (other === undefined) {
        if (names === undefined || names.includes(peer)) oneSided.push([name, peer]);
      } else if (!other.peers.includes(name)) oneSided.push([name, peer]);
      else if (name < peer) reciprocal += 1;
    }
  }
  return { records: records.size, reciprocal, oneSided, marked, unreadable };
}

/** True when `a` and `b` hold each other. */
export function holdEachOther(a: PodMetadata | null | undefined, b: PodMetadata | null | undefined): boolean {
  return a != null && b != null && a.peers.includes(b.name) && b.peers.includes(a.name);
}
