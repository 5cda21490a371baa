/**
 * Section 4: senders × distinct weak notices to one pod process, with a
 * kill -9 of the pod halfway (it is started again at once; the senders keep
 * going) and once more at the end. A notice acknowledged as `delivered` must
 * be in the pod's queue after each restart: the journal wrote it before the
 * acknowledgement.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createSocketTransport } from '../../src/actors/process/createSocketTransport.js';
import { spawnWorker, type LineChild } from './children.js';
import { startPodProcess, stopPodProcess, type PodFolders, type PodProcess } from './podProcess.js';
import type { SectionContext, SectionReport } from './report.js';
import { bump, errorText, ms, tally } from './stats.js';

const TARGET = 'target';
const NOTICE_PREFIX = '[Notification]\n';
const READY_TIMEOUT_MS = 30_000;
const RESULT_TIMEOUT_MS = 600_000;

interface SenderResult {
  readonly delivered: number[];
  readonly failed: Record<string, number>;
  readonly samples: Record<string, string>;
  readonly ms: number;
}

interface QueueCheck {
  readonly queued: number;
  readonly lost: string[];
  readonly duplicates: number;
  readonly unknown: number;
  readonly unacknowledgedKept: number;
  readonly omitted: number;
  readonly dropped: number;
}

/** Reads the pod's queue and compares it with what the senders were told was delivered. */
async function checkQueue(folders: PodFolders, acknowledged: ReadonlySet<string>, sent: ReadonlySet<string>): Promise<QueueCheck> {
  const transport = createSocketTransport({ runtimeDir: folders.runtimeDir });
  try {
    const state = (await transport.request(TARGET, 'state', undefined, { timeoutMs: 30_000 })) as {
      pendingNotices?: unknown;
      pendingNoticesOmitted?: unknown;
      dropped?: unknown;
    };
    const notices = Array.isArray(state.pendingNotices) ? state.pendingNotices : [];
    const seen = new Map<string, number>();
    let unknown = 0;
    for (const notice of notices) {
      const message = typeof notice === 'string' && notice.startsWith(NOTICE_PREFIX) ? notice.slice(NOTICE_PREFIX.length) : undefined;
      if (message === undefined || !sent.has(message)) unknown += 1;
      else bump(seen, message);
    }
    let duplicates = 0;
    for (const count of seen.values()) duplicates += count - 1;
    const lost = [...acknowledged].filter((message) => !seen.has(message));
    const unacknowledgedKept = [...seen.keys()].filter((message) => !acknowledged.has(message)).length;
    const omitted = typeof state.pendingNoticesOmitted === 'number' ? state.pendingNoticesOmitted : 0;
    return { queued: notices.length, lost, duplicates, unknown, unacknowledgedKept, omitted, dropped: Number(state.dropped ?? 0) };
  } finally {
    transport.close();
  }
}

/** kill -9 of the pod, then the same command again; resolves to the new process and the time it was down. */
async function killAndRestart(pod: PodProcess, folders: PodFolders, args: readonly string[], signal: AbortSignal): Promise<{ pod: PodProcess; downMs: number }> {
  const killed = performance.now();
  pod.child.kill('SIGKILL');
  await pod.child.closed;
  const next = await startPodProcess(folders, TARGET, args, signal);
  return { pod: next, downMs: performance.now() - killed };
}

export async function noticesKill(context: SectionContext, report: SectionReport): Promise<void> {
  const { counts, signal } = context;
  const folders: PodFolders = { home: join(context.dir, 'home'), runtimeDir: join(context.dir, 'run') };
  const total = counts.senders * counts.notices;
  // Room for every notice: a drop by the buffer would hide a loss by the journal.
  const podArgs = ['--buffer-size', String(total + 1000)];
  let pod = await startPodProcess(folders, TARGET, podArgs, signal);
  report.figure('pod start', ms(pod.startMs));
  const senders: LineChild[] = [];
  try {
    for (let i = 0; i < counts.senders; i += 1) {
      senders.push(
        spawnWorker('noticeSender.mjs', [folders.home, folders.runtimeDir, `sender-${i}`, counts.notices, counts['sender-inflight'], counts['fail-pause-ms']]),
      );
    }
    await Promise.all(senders.map((sender) => sender.waitFor((line) => line === 'ready', READY_TIMEOUT_MS, 'ready', signal)));
    const progress = senders.map(() => 0);
    let onHalf: () => void = () => undefined;
    const half = new Promise<void>((resolve) => (onHalf = resolve));
    let lastLog = performance.now();
    senders.forEach((sender, i) =>
      sender.onLine((line) => {
        if (!line.startsWith('p ')) return;
        progress[i] = Number(line.slice(2));
        const done = progress.reduce((a, b) => a + b, 0);
        if (done >= total / 2) onHalf();
        if (performance.now() - lastLog > 3000) {
          lastLog = performance.now();
          context.progress(`${done}/${total} notices sent`);
        }
      }),
    );
    const results = senders.map((sender) =>
      sender.waitFor((line) => line.startsWith('{') || line.startsWith('error '), RESULT_TIMEOUT_MS, 'its result', signal),
    );
    const started = performance.now();
    for (const sender of senders) sender.send('go');
    await Promise.race([half, Promise.allSettled(results)]);
    context.progress(`halfway: kill -9 of the pod (pid ${pod.pid}) and a restart`);
    const restart = await killAndRestart(pod, folders, podArgs, signal);
    pod = restart.pod;
    report.figure('pod down after the kill (kill to live again)', ms(restart.downMs));
    const settled = await Promise.allSettled(results);
    const sendMs = performance.now() - started;

    const acknowledged = new Set<string>();
    const sent = new Set<string>();
    const failed = new Map<string, number>();
    const samples = new Map<string, string>();
    const senderFailures: string[] = [];
    settled.forEach((outcome, i) => {
      for (let n = 0; n < counts.notices; n += 1) sent.add(`soak sender-${i} #${n}`);
      const line = outcome.status === 'fulfilled' ? outcome.value : `error ${errorText(outcome.reason)}`;
      if (!line.startsWith('{')) return void senderFailures.push(`sender-${i}: ${line.slice(0, 160)}`);
      const result = JSON.parse(line) as SenderResult;
      for (const n of result.delivered) acknowledged.add(`soak sender-${i} #${n}`);
      for (const [type, count] of Object.entries(result.failed)) bump(failed, type, count);
      for (const [type, sample] of Object.entries(result.samples)) if (sample !== '' && !samples.has(type)) samples.set(type, sample.slice(0, 100));
    });
    report.tries(total);
    report.check('sender failures', senderFailures.length, senderFailures.join(' | '));
    const first = await checkQueue(folders, acknowledged, sent);
    report.check('acknowledged then lost', first.lost.length, `${first.lost.length} of ${acknowledged.size}, e.g. ${first.lost.slice(0, 3).join(', ')}`);
    report.check('unknown notices in the queue', first.unknown);
    report.check('queue not read whole (pendingNoticesOmitted)', first.omitted);
    report.figure('acknowledged', `${acknowledged.size} of ${total}`);
    report.figure('acknowledged notices/s', `${Math.round(acknowledged.size / (sendMs / 1000))} (${Math.round(acknowledged.size / ((sendMs - restart.downMs) / 1000))} while the pod was up)`);
    report.figure('not delivered', tally(failed));
    if (samples.size > 0) report.figure('why not', [...samples].map(([type, sample]) => `${type}: ${sample}`).join(' | '));
    report.figure('duplicates', first.duplicates);
    report.figure('kept without acknowledgement (in flight at the kill)', first.unacknowledgedKept);
    report.figure('queued', first.queued);
    report.figure('dropped by the buffer', first.dropped);

    // Once more, with nobody sending: everything acknowledged after the first restart must survive a kill too.
    const again = await killAndRestart(pod, folders, podArgs, signal);
    pod = again.pod;
    const second = await checkQueue(folders, acknowledged, sent);
    report.check('lost by the final kill -9', second.lost.length, `${second.lost.length} of ${acknowledged.size}, e.g. ${second.lost.slice(0, 3).join(', ')}`);
    report.figure('duplicates after the final kill', second.duplicates);
    report.figure('restart with the full queue', ms(again.pod.startMs));
    // The journal is what makes an acknowledgement durable: its absence would make every figure above luck.
    const journal = await stat(join(folders.home, 'notices', `${TARGET}.jsonl`)).catch(() => undefined);
    report.figure('journal file', journal === undefined ? 'none found' : `${(journal.size / 1024).toFixed(0)} KiB`);
  } finally {
    for (const sender of senders) sender.kill();
    await Promise.all(senders.map((sender) => sender.closed));
    const stopped = await stopPodProcess(pod);
    if (stopped.forced) report.check('pod ignored SIGTERM for 10 s', 1, `pid ${pod.pid}`);
  }
}
