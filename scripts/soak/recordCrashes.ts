/**
 * Section 1: kill -9 during record writes. Each lane is a store of a few pods
 * and a chain of writer children (recordWriter.mjs): a writer first writes
 * every pod once (after a crash that is the wait for the killed holder's
 * lock), then updates them in a loop until the parent kills it a few ms
 * later. Lanes run side by side because each crash costs a lock takeover
 * (seconds) that is mostly waiting, not CPU.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFsPodStore, type PodMetadataStore } from '../../src/index.js';
import { spawnWorker, type LineChild } from './children.js';
import type { SectionContext, SectionReport } from './report.js';
import { between, childSeed, errorText, medianMax, sleep } from './stats.js';
import { leftovers, tempFileOwners } from './storeScan.js';

const RECOVERY_TIMEOUT_MS = 30_000;

/** What one lane saw; summed over lanes at the end. */
interface LaneTally {
  crashes: number;
  torn: number;
  missing: number;
  invalid: number;
  lostWrites: number;
  writerFailures: number;
  acked: number;
  locksAtKill: number;
  /** Kills that left at least one lock held. */
  killsWithLock: number;
  maxTempsAtKill: number;
  /** The next writer's own wait (its clock, from its start), after a kill that left a lock, and after one that left none. */
  waitsAfterLock: number[];
  waitsWithoutLock: number[];
  /** From the kill to the next writer's writes through (the parent's clock: node's start included), after a kill that left a lock. */
  blockedAfterLock: number[];
  details: string[];
}

const newTally = (): LaneTally => ({
  crashes: 0,
  torn: 0,
  missing: 0,
  invalid: 0,
  lostWrites: 0,
  writerFailures: 0,
  acked: 0,
  locksAtKill: 0,
  killsWithLock: 0,
  maxTempsAtKill: 0,
  waitsAfterLock: [],
  waitsWithoutLock: [],
  blockedAfterLock: [],
  details: [],
});

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

/** Checks every record of a lane after a kill; returns how many locks the killed writer left. */
async function verify(dir: string, lane: string, store: PodMetadataStore, pods: readonly string[], acked: ReadonlyMap<string, number>, tally: LaneTally): Promise<number> {
  let locks = 0;
  for (const pod of pods) {
    const where = `${lane}/${pod} after kill ${tally.crashes}`;
    if (await exists(join(dir, pod, 'metadata.json.lock'))) locks += 1;
    let text: string;
    try {
      text = await readFile(join(dir, pod, 'metadata.json'), 'utf8');
    } catch (error) {
      tally.missing += 1;
      tally.details.push(`missing: ${where}: ${errorText(error)}`);
      continue;
    }
    try {
      JSON.parse(text);
    } catch {
      tally.torn += 1;
      tally.details.push(`torn: ${where}: ${text.length} chars that do not parse`);
      continue;
    }
    try {
      const record = await store.read(pod);
      const seq = record?.['seq'];
      const last = acked.get(pod) ?? 0;
      if (record === null) {
        tally.missing += 1;
        tally.details.push(`missing: ${where}: read() is null`);
      } else if (typeof seq !== 'number' || seq > last + 1) {
        tally.invalid += 1;
        tally.details.push(`invalid: ${where}: seq ${String(seq)}, last acknowledged ${last}`);
      } else if (seq < last) {
        tally.lostWrites += 1;
        tally.details.push(`lost acknowledged write: ${where}: seq ${seq} < acknowledged ${last}`);
      }
    } catch (error) {
      tally.invalid += 1;
      tally.details.push(`invalid: ${where}: ${errorText(error)}`);
    }
  }
  return locks;
}

const laneDir = (root: string, index: number): string => join(root, `lane-${index}`);

async function runLane(index: number, crashes: number, context: SectionContext, tally: LaneTally, onCrash: () => void): Promise<void> {
  const { counts, random, signal } = context;
  const lane = `lane-${index}`;
  const dir = laneDir(context.dir, index);
  const store = createFsPodStore(dir);
  const pods = Array.from({ length: counts['write-pods'] }, (_, i) => `w${index}-${i}`);
  for (const pod of pods) await store.write({ name: pod, peers: [], spawnedChildren: [], seq: 0 });
  const acked = new Map(pods.map((pod) => [pod, 0]));
  const spawnWriter = (mode: 'loop' | 'once'): LineChild => {
    const child = spawnWorker('recordWriter.mjs', [dir, pods.join(','), mode, childSeed(random)]);
    child.onLine((line) => {
      const [kind, pod, seq] = line.split(' ');
      if (kind !== 'w' || pod === undefined) return;
      tally.acked += 1;
      acked.set(pod, Math.max(acked.get(pod) ?? 0, Number(seq)));
    });
    return child;
  };
  let heldAtLastKill = false;
  let killedAt = 0;
  let child = spawnWriter(crashes === 0 ? 'once' : 'loop');
  for (let round = 0; round <= crashes; round += 1) {
    let recovered: string;
    try {
      recovered = await child.waitFor((line) => line.startsWith('recovered ') || line.startsWith('error '), RECOVERY_TIMEOUT_MS, 'the first writes', signal);
    } catch (error) {
      if (signal.aborted) break;
      recovered = `error ${errorText(error)}`;
    }
    if (recovered.startsWith('error ')) {
      tally.writerFailures += 1;
      tally.details.push(`writer failure: ${lane} after kill ${tally.crashes}: ${recovered.slice(6)}`);
      child.kill();
      await child.closed;
      if (round === crashes) break;
      child = spawnWriter('loop');
      continue;
    }
    const wait = Number(recovered.slice('recovered '.length));
    if (round > 0) {
      if (heldAtLastKill) {
        tally.waitsAfterLock.push(wait);
        tally.blockedAfterLock.push(performance.now() - killedAt);
      } else tally.waitsWithoutLock.push(wait);
    }
    if (round === crashes) break;
    await sleep(between(random, counts['kill-min-ms'], counts['kill-max-ms']), signal);
    killedAt = performance.now();
    child.kill('SIGKILL');
    const exit = await child.closed;
    if (exit.signal !== 'SIGKILL') {
      tally.writerFailures += 1;
      tally.details.push(`writer failure: ${lane}: the writer ended by itself (${exit.code}) before its kill: ${child.stderrTail().trim().slice(-200)}`);
    }
    tally.crashes += 1;
    onCrash();
    const locks = await verify(dir, lane, store, pods, acked, tally);
    heldAtLastKill = locks > 0;
    tally.locksAtKill += locks;
    if (locks > 0) tally.killsWithLock += 1;
    tally.maxTempsAtKill = Math.max(tally.maxTempsAtKill, (await leftovers(dir)).temps.length);
    if (signal.aborted) break;
    child = spawnWriter(round + 1 === crashes ? 'once' : 'loop');
  }
  child.kill();
  await child.closed;
  // The last writer's round is the recovery of the last crash: check once more.
  if (!signal.aborted) await verify(dir, lane, store, pods, acked, tally);
}

/** One more clean write and delete of every pod of every lane, then what is left in the folders. */
async function cleanCycle(root: string, lanes: number, pods: number): Promise<{ temps: string[]; locks: string[]; folders: number; errors: string[] }> {
  const temps: string[] = [];
  const locks: string[] = [];
  const errors: string[] = [];
  let folders = 0;
  for (let index = 0; index < lanes; index += 1) {
    const dir = laneDir(root, index);
    const store = createFsPodStore(dir);
    for (let i = 0; i < pods; i += 1) {
      const pod = `w${index}-${i}`;
      try {
        await store.update(pod, (record) => ({ ...record, seq: Number(record['seq'] ?? 0) + 1 }));
        await store.delete(pod);
      } catch (error) {
        errors.push(`lane-${index}/${pod}: ${errorText(error)}`);
      }
    }
    const left = await leftovers(dir);
    temps.push(...left.temps.map((path) => `lane-${index}/${path}`));
    locks.push(...left.locks.map((pod) => `lane-${index}/${pod}`));
    folders += left.podFolders;
  }
  return { temps, locks, folders, errors };
}

export async function recordCrashes(context: SectionContext, report: SectionReport): Promise<void> {
  const { counts, signal } = context;
  const lanes = Math.min(counts['write-lanes'], counts['write-crashes']);
  const total = counts['write-crashes'];
  const tallies = Array.from({ length: lanes }, newTally);
  let done = 0;
  let lastProgress = performance.now();
  const onCrash = (): void => {
    done += 1;
    if (performance.now() - lastProgress > 10_000 || done === total) {
      lastProgress = performance.now();
      const failures = tallies.reduce((sum, t) => sum + t.torn + t.missing + t.invalid + t.lostWrites + t.writerFailures, 0);
      context.progress(`${done}/${total} kill -9 in ${lanes} lanes, ${failures} failure(s)`);
    }
  };
  // Crashes are spread over the lanes; the first lanes take one more when they do not divide evenly.
  await Promise.all(tallies.map((tally, i) => runLane(i, Math.floor(total / lanes) + (i < total % lanes ? 1 : 0), context, tally, onCrash)));
  const sum = (key: 'crashes' | 'torn' | 'missing' | 'invalid' | 'lostWrites' | 'writerFailures' | 'acked' | 'locksAtKill' | 'killsWithLock'): number =>
    tallies.reduce((n, tally) => n + tally[key], 0);
  const details = tallies.flatMap((tally) => tally.details);
  const detail = (prefix: string): string | undefined => details.filter((line) => line.startsWith(prefix)).slice(0, 3).join(' | ') || undefined;
  report.tries(sum('crashes'));
  report.check('torn', sum('torn'), detail('torn'));
  report.check('missing', sum('missing'), detail('missing'));
  report.check('invalid', sum('invalid'), detail('invalid'));
  report.check('acknowledged writes lost', sum('lostWrites'), detail('lost'));
  report.check('next writer failed', sum('writerFailures'), detail('writer failure'));
  report.figure('kill → next writer through, a lock left', medianMax(tallies.flatMap((tally) => tally.blockedAfterLock)));
  report.figure("next writer's own wait, a lock left", medianMax(tallies.flatMap((tally) => tally.waitsAfterLock)));
  report.figure("next writer's own wait, no lock left", medianMax(tallies.flatMap((tally) => tally.waitsWithoutLock)));
  report.figure('kills that left a lock', `${sum('killsWithLock')} of ${sum('crashes')} (${sum('locksAtKill')} locks)`);
  report.figure('writes acknowledged', sum('acked'));
  report.figure('most temp files in a store after a kill', Math.max(0, ...tallies.map((tally) => tally.maxTempsAtKill)));
  if (signal.aborted) {
    report.incomplete(`time limit reached after ${sum('crashes')} of ${total} kills`);
    return;
  }
  let before = { temps: 0, locks: 0 };
  for (let index = 0; index < lanes; index += 1) {
    const left = await leftovers(laneDir(context.dir, index));
    before = { temps: before.temps + left.temps.length, locks: before.locks + left.locks.length };
  }
  report.figure('temp files before the clean cycle', before.temps);
  report.figure('lock folders before the clean cycle', before.locks);
  const clean = await cleanCycle(context.dir, lanes, counts['write-pods']);
  report.check('clean cycle errors', clean.errors.length, clean.errors.slice(0, 3).join(' | '));
  report.check('stray temp files after the clean cycle', clean.temps.length, tempFileOwners(clean.temps));
  report.check('stale lock folders after the clean cycle', clean.locks.length, clean.locks.slice(0, 5).join(', '));
  report.check('pod folders left after delete', clean.folders, `${clean.folders} of ${lanes * counts['write-pods']}`);
}
