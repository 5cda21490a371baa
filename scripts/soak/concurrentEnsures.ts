/**
 * Section 2: N processes × M concurrent ensures on overlapping pairs of one
 * shared set of pods (ensureWorker.mjs). Every worker is started and ready
 * before any ensures, then all are told `go` at once, so the cross-process
 * lock is what keeps their read-modify-write cycles from losing each other.
 */
import { createFsPodStore } from '../../src/index.js';
import { spawnWorker, type LineChild } from './children.js';
import type { SectionContext, SectionReport } from './report.js';
import { childSeed, errorText, maxOf, median, quantile } from './stats.js';
import { holdEachOther, scanRelations } from './storeScan.js';

const READY_TIMEOUT_MS = 20_000;
// Generous: 1,000 ensures take seconds; a stuck lock is up to 15 s per wait.
const RESULT_TIMEOUT_MS = 300_000;

interface WorkerResult {
  readonly ensured: [string, string][];
  readonly errors: string[];
  readonly nulls: number;
  readonly latencies: number[];
  readonly ms: number;
}

function parseResult(line: string): WorkerResult | undefined {
  try {
    const value = JSON.parse(line) as Partial<WorkerResult> & { type?: string };
    return value.type === 'result' ? (value as WorkerResult) : undefined;
  } catch {
    return undefined;
  }
}

export async function concurrentEnsures(context: SectionContext, report: SectionReport): Promise<void> {
  const { counts, random, signal } = context;
  const store = createFsPodStore(context.dir);
  const pods = Array.from({ length: counts['ensure-pods'] }, (_, i) => `e${String(i).padStart(2, '0')}`);
  for (const pod of pods) await store.write({ name: pod, peers: [], spawnedChildren: [] });
  const procs = counts['ensure-procs'];
  const workers: LineChild[] = Array.from({ length: procs }, () =>
    spawnWorker('ensureWorker.mjs', [context.dir, pods.join(','), counts.ensures, counts['ensure-inflight'], childSeed(random)]),
  );
  const results: WorkerResult[] = [];
  const workerFailures: string[] = [];
  try {
    await Promise.all(workers.map((worker) => worker.waitFor((line) => line === 'ready', READY_TIMEOUT_MS, 'ready', signal)));
    context.progress(`${procs} processes ready; go: ${procs} × ${counts.ensures} ensures on ${pods.length} pods`);
    const wall = performance.now();
    for (const worker of workers) worker.send('go');
    const settled = await Promise.allSettled(
      workers.map((worker) => worker.waitFor((line) => parseResult(line) !== undefined || line.startsWith('error '), RESULT_TIMEOUT_MS, 'its result', signal)),
    );
    const wallMs = performance.now() - wall;
    for (const [i, outcome] of settled.entries()) {
      const result = outcome.status === 'fulfilled' ? parseResult(outcome.value) : undefined;
      if (result !== undefined) results.push(result);
      else {
        const why = outcome.status === 'fulfilled' ? outcome.value : errorText(outcome.reason);
        workerFailures.push(`worker ${i}: ${why.slice(0, 160)}`);
      }
    }
    const total = results.reduce((sum, result) => sum + result.ensured.length + result.errors.length + result.nulls, 0);
    report.tries(total);
    report.figure('ensures/s', Math.round(total / (wallMs / 1000)));
    report.figure('wall time', `${(wallMs / 1000).toFixed(2)} s`);
  } finally {
    for (const worker of workers) worker.kill();
    await Promise.all(workers.map((worker) => worker.closed));
  }
  if (signal.aborted) report.incomplete('time limit reached while the workers ran');
  report.check('worker failures', workerFailures.length, workerFailures.join(' | '));

  const errors = results.flatMap((result) => result.errors);
  report.check('ensure errors', errors.length, errors.slice(0, 3).join(' | '));
  // Every pair any worker ensured must now be held by both sides.
  const records = new Map((await Promise.all(pods.map((pod) => store.read(pod)))).map((record, i) => [pods[i]!, record]));
  const ensured = new Set(results.flatMap((result) => result.ensured.map(([a, b]) => (a < b ? `${a}|${b}` : `${b}|${a}`))));
  const lost = [...ensured].filter((key) => {
    const [a, b] = key.split('|') as [string, string];
    return !holdEachOther(records.get(a), records.get(b));
  });
  report.check('lost peers', lost.length, lost.slice(0, 5).join(', '));
  const scan = await scanRelations(store);
  report.check('one-sided relations', scan.oneSided.length, scan.oneSided.slice(0, 5).map(([a, b]) => `${a}→${b}`).join(', '));
  report.check('pendingPeers marks left', scan.marked.length, scan.marked.slice(0, 5).join(', '));
  report.check('unreadable records', scan.unreadable.length, scan.unreadable.slice(0, 3).join(' | '));
  const nulls = results.reduce((sum, result) => sum + result.nulls, 0);
  report.check('ensures answering null (every pod exists)', nulls);
  const latencies = results.flatMap((result) => result.latencies);
  report.figure('distinct pairs ensured', `${ensured.size} of ${(pods.length * (pods.length - 1)) / 2}`);
  report.figure('reciprocal relations in the store', scan.reciprocal);
  report.figure('ensure latency', `median ${median(latencies).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${maxOf(latencies).toFixed(1)} ms`);
}
