/**
 * Section 3: kill -9 between the writes of a relation. Each lane is a store
 * and a chain of children (relationWriter.mjs) that ensure fresh pairs in a
 * loop; each is killed a few ms in. The parent then repairs the interrupted
 * pair as a start would (a spawnPod of one side, chosen at random) or as the
 * next ensure would, and checks that no relation in the store is one-sided.
 */
import { createFsPodStore, createPodRuntime, type PodMetadataStore } from '../../src/index.js';
import { spawnWorker } from './children.js';
import type { SectionContext, SectionReport } from './report.js';
import { between, bump, childSeed, errorText, medianMax, pick, sleep, tally } from './stats.js';
import { scanRelations } from './storeScan.js';

const READY_TIMEOUT_MS = 20_000;

type Repair = 'spawnPod(a)' | 'spawnPod(b)' | 'ensure a→b' | 'ensure b→a';
const REPAIRS: readonly Repair[] = ['spawnPod(a)', 'spawnPod(b)', 'ensure a→b', 'ensure b→a'];

interface LaneTally {
  crashes: number;
  midRelation: number;
  oneSidedAtKill: number;
  oneSidedAfterRepair: number;
  repairErrors: number;
  writerFailures: number;
  pairsBegun: number;
  pairsDone: number;
  readonly states: Map<string, number>;
  readonly repairs: Map<string, number>;
  readonly repairMs: number[];
  readonly details: string[];
}

/** How far a pair's relation got: sides that hold the other, sides that carry its mark. */
async function pairState(store: PodMetadataStore, a: string, b: string): Promise<{ held: number; marked: number }> {
  const [ra, rb] = await Promise.all([store.read(a), store.read(b)]);
  const held = Number(ra?.peers.includes(b) === true) + Number(rb?.peers.includes(a) === true);
  const marked = Number(ra?.pendingPeers?.includes(b) === true) + Number(rb?.pendingPeers?.includes(a) === true);
  return { held, marked };
}

async function repair(store: PodMetadataStore, kind: Repair, a: string, b: string): Promise<void> {
  const runtime = createPodRuntime({ store });
  try {
    if (kind === 'spawnPod(a)') await runtime.spawnPod({ name: a });
    else if (kind === 'spawnPod(b)') await runtime.spawnPod({ name: b });
    else if (kind === 'ensure a→b') await runtime.discovery(a).ensureExistingPeer(b);
    else await runtime.discovery(b).ensureExistingPeer(a);
  } finally {
    await runtime.stop();
  }
}

async function runLane(index: number, crashes: number, context: SectionContext, lane: LaneTally, onCrash: () => void): Promise<void> {
  const { counts, random, signal } = context;
  const dir = `${context.dir}/lane-${index}`;
  const store = createFsPodStore(dir);
  const prefix = `r${index}`;
  let next = 0;
  for (let crash = 0; crash < crashes && !signal.aborted; crash += 1) {
    const child = spawnWorker('relationWriter.mjs', [dir, prefix, next, childSeed(random)]);
    try {
      // From its first pair on: a new process's first record writes are slow (its first lock, a cold disk
      // cache), and counting from `ready` would put most kills there rather than between relation writes.
      await child.waitFor((line) => line.startsWith('pair ') || line.startsWith('error '), READY_TIMEOUT_MS, 'its first pair', signal);
    } catch (error) {
      child.kill();
      await child.closed;
      if (signal.aborted) break;
      lane.writerFailures += 1;
      lane.details.push(`writer failure: lane-${index}: ${errorText(error)}`);
      continue;
    }
    await sleep(between(random, counts['relation-kill-min-ms'], counts['relation-kill-max-ms']), signal);
    child.kill('SIGKILL');
    const exit = await child.closed;
    const failed = child.lines.find((line) => line.startsWith('error '));
    if (exit.signal !== 'SIGKILL' || failed !== undefined) {
      lane.writerFailures += 1;
      lane.details.push(`writer failure: lane-${index}: ${failed ?? `ended by itself (${exit.code})`}`);
    }
    lane.crashes += 1;
    onCrash();
    const begun = child.lines.filter((line) => line.startsWith('pair ')).map((line) => Number(line.slice(5)));
    const done = new Set(child.lines.filter((line) => line.startsWith('done ')).map((line) => Number(line.slice(5))));
    lane.pairsBegun += begun.length;
    lane.pairsDone += done.size;
    const attempted = child.lines.filter((line) => line.startsWith('begin ')).map((line) => Number(line.slice(6)));
    if (attempted.length > 0) next = Math.max(...attempted) + 1;
    const interrupted = begun.find((k) => !done.has(k));
    if (interrupted === undefined) {
      bump(lane.states, attempted.length > begun.length ? 'writing the records' : 'before the first pair');
    } else {
      const a = `${prefix}-${interrupted}a`;
      const b = `${prefix}-${interrupted}b`;
      const before = await pairState(store, a, b);
      bump(lane.states, `${before.held} held/${before.marked} marked`);
      if (before.marked > 0) lane.midRelation += 1;
      if (before.held === 1) lane.oneSidedAtKill += 1;
      const kind = pick(random, REPAIRS);
      bump(lane.repairs, kind);
      const t = performance.now();
      try {
        await repair(store, kind, a, b);
      } catch (error) {
        lane.repairErrors += 1;
        lane.details.push(`repair error: lane-${index} pair ${interrupted} by ${kind}: ${errorText(error)}`);
      }
      lane.repairMs.push(performance.now() - t);
      const after = await pairState(store, a, b);
      if (after.held === 1) {
        lane.oneSidedAfterRepair += 1;
        lane.details.push(`one-sided after repair: lane-${index} pair ${interrupted} (at kill ${before.held} held/${before.marked} marked, repaired by ${kind})`);
      }
    }
  }
}

export async function relationCrashes(context: SectionContext, report: SectionReport): Promise<void> {
  const { counts, signal } = context;
  const total = counts['relation-crashes'];
  const lanes = Math.min(counts['relation-lanes'], total);
  const tallies: LaneTally[] = Array.from({ length: lanes }, () => ({
    crashes: 0,
    midRelation: 0,
    oneSidedAtKill: 0,
    oneSidedAfterRepair: 0,
    repairErrors: 0,
    writerFailures: 0,
    pairsBegun: 0,
    pairsDone: 0,
    states: new Map(),
    repairs: new Map(),
    repairMs: [],
    details: [],
  }));
  let crashed = 0;
  let lastProgress = performance.now();
  const onCrash = (): void => {
    crashed += 1;
    if (performance.now() - lastProgress > 10_000 || crashed === total) {
      lastProgress = performance.now();
      context.progress(`${crashed}/${total} kill -9 in ${lanes} lanes, ${tallies.reduce((n, t) => n + t.oneSidedAfterRepair + t.repairErrors, 0)} failure(s)`);
    }
  };
  await Promise.all(tallies.map((lane, i) => runLane(i, Math.floor(total / lanes) + (i < total % lanes ? 1 : 0), context, lane, onCrash)));

  const sum = (key: 'crashes' | 'midRelation' | 'oneSidedAtKill' | 'oneSidedAfterRepair' | 'repairErrors' | 'writerFailures' | 'pairsBegun' | 'pairsDone'): number =>
    tallies.reduce((n, lane) => n + lane[key], 0);
  const merged = (key: 'states' | 'repairs'): Map<string, number> => {
    const all = new Map<string, number>();
    for (const lane of tallies) for (const [k, n] of lane[key]) bump(all, k, n);
    return all;
  };
  const details = tallies.flatMap((lane) => lane.details);
  const detail = (prefix: string): string => details.filter((line) => line.startsWith(prefix)).slice(0, 3).join(' | ');
  report.tries(sum('crashes'));
  report.check('one-sided after repair', sum('oneSidedAfterRepair'), detail('one-sided'));
  // Every relation of every lane, not only the interrupted pairs: nothing earlier may have gone one-sided either.
  let oneSided = 0;
  let marks = 0;
  let unreadable = 0;
  let reciprocal = 0;
  const samples: string[] = [];
  for (let index = 0; index < lanes; index += 1) {
    const scan = await scanRelations(createFsPodStore(`${context.dir}/lane-${index}`));
    oneSided += scan.oneSided.length;
    marks += scan.marked.length;
    unreadable += scan.unreadable.length;
    reciprocal += scan.reciprocal;
    samples.push(...scan.oneSided.map(([a, b]) => `lane-${index} ${a}→${b}`), ...scan.unreadable);
  }
  report.check('one-sided relations in the stores', oneSided, samples.slice(0, 5).join(', '));
  report.check('unreadable records', unreadable, samples.slice(0, 3).join(' | '));
  report.check('repair errors', sum('repairErrors'), detail('repair error'));
  report.check('writer failures', sum('writerFailures'), detail('writer failure'));
  report.figure('crashes mid-relation (a pendingPeers mark)', `${sum('midRelation')} of ${sum('crashes')}`);
  report.figure('one-sided at the kill, before repair', sum('oneSidedAtKill'));
  report.figure('state at the kill', tally(merged('states')));
  report.figure('repairs', tally(merged('repairs')));
  report.figure('repair time', medianMax(tallies.flatMap((lane) => lane.repairMs)));
  report.figure('marks left after repair', marks);
  report.figure('pairs', `${sum('pairsBegun')} begun, ${sum('pairsDone')} done by the writer, ${reciprocal} reciprocal at the end`);
  if (signal.aborted) report.incomplete(`time limit reached after ${sum('crashes')} of ${total} kills`);
}
