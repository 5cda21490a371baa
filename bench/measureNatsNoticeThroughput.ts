/**
 * `nats-notices-4-senders-vs-request-reply`: notices per second that one pod
 * process served over NATS (`podmesh pod start --nats --no-journal`) accepts
 * from 4 sender processes at once, each sending weak notifies with one in
 * flight, against the raw request/reply throughput of the same setup: the
 * same 4 processes, on the same connections, sending `nc.request`s of the
 * same payload to a trivial responder process (one connection, answering
 * what the pod answers). The parent releases all 4 senders with a line each
 * and times the burst from that release to the last sender's answer: wall
 * time over every notice sent, which is what throughput means here. Skipped,
 * with the reason, when no `nats-server` runs here.
 */
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { createNatsTransport } from '../src/actors/nats/createNatsTransport.js';
import { natsServerAvailable, startNatsServer } from '../tests/support/natsServer.js';
import { pinned, startNatsBenchPod, stopChild } from './benchPod.js';
import { SENDERS } from './measureNoticeThroughput.js';
import { spawnLineWorker, type LineWorker } from './spawnLineWorker.js';
import { alternate, median, result, skippedResult, type BenchResult, type Progress } from './stats.js';

const NAME = 'nats-notices-4-senders-vs-request-reply';
const POD = 'target';
const ECHO_SUBJECT = 'bench.echo.notify';
const BENCH_DIR = import.meta.dirname;

type Side = 'value' | 'baseline';

export async function measureNatsNoticeThroughput(options: { rounds: number; warmup: number; perSender: number; progress?: Progress }): Promise<BenchResult> {
  if (!natsServerAvailable()) {
    return skippedResult({ name: NAME, unit: 'us/notice', goal: null, reason: 'no nats-server here (.ci/run installs Debian\'s)' });
  }
  const home = await mkdtemp(join(tmpdir(), 'podmesh-bench-'));
  const server = await startNatsServer().catch(async (error: unknown) => {
    await rm(home, { recursive: true, force: true });
    throw error;
  });
  const env = { ...process.env, PODMESH_HOME: join(home, 'home'), PODMESH_RUNTIME_DIR: join(home, 'run') };
  const transport = createNatsTransport({ servers: server.url });
  const workers: LineWorker[] = [];
  let pod: ChildProcess | undefined;
  // Room for a whole burst: nothing is dropped, so every notice is work done.
  const bufferSize = Math.max(128, options.perSender * SENDERS);
  try {
    pod = await startNatsBenchPod({ name: POD, url: server.url, args: ['--no-journal', '--buffer-size', String(bufferSize)], env, transport });
    const incarnation = transport.incarnation(POD);
    if (incarnation === undefined) throw new Error('no incarnation heard from the pod');
    // The bytes the pod answers a notify with, mid-burst (docs/nats.md, replies).
    const ack = JSON.stringify({ ...incarnation, status: 'live', activity: 'idle', ok: true, result: { accepted: true, pending: bufferSize >> 1 } });
    const echo = spawnLineWorker(...pinned(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'natsEchoWorker.ts'), server.url, ECHO_SUBJECT, ack]), { label: 'the NATS echo' });
    workers.push(echo);
    await echo.next();
    const senders = Array.from({ length: SENDERS }, (_, i) =>
      spawnLineWorker(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'natsSenderWorker.ts'), server.url, `sender-${i + 1}`, POD, ECHO_SUBJECT], {
        label: `NATS sender ${i + 1}`,
      }),
    );
    workers.push(...senders);
    await Promise.all(senders.map((sender) => sender.next()));

    // A turn consumes the queue; waited for (queue empty, pod idle) so no turn overlaps a burst.
    const drain = async (): Promise<void> => {
      await transport.request(POD, 'run');
      const deadline = performance.now() + 10_000;
      for (;;) {
        const ping = (await transport.request(POD, 'ping')) as { queued?: number; activity?: string };
        if (ping.queued === 0 && ping.activity === 'idle') return;
        if (performance.now() > deadline) throw new Error(`the pod did not drain within 10 s: ${JSON.stringify(ping)}`);
        await new Promise((wake) => setTimeout(wake, 1));
      }
    };
    // Release to last answer, less the slowest sender's own time: what the coordination adds.
    const overhead: Record<Side, number[]> = { value: [], baseline: [] };
    const burst = async (side: Side): Promise<number> => {
      const start = performance.now();
      for (const sender of senders) sender.send({ side, count: options.perSender });
      const own = await Promise.all(senders.map(async (sender) => (await sender.next()).done as number));
      const wall = performance.now() - start;
      overhead[side].push(wall - Math.max(...own));
      return (wall * 1000) / (options.perSender * SENDERS);
    };

    await drain();
    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: () => burst('value'),
      baseline: () => burst('baseline'),
      settle: drain,
      ...(options.progress === undefined ? {} : { progress: options.progress, label: NAME }),
    });
    // Every notify was delivered (the senders check), and the pod dropped none of them (a ping's counters).
    const { dropped, turns } = (await transport.request(POD, 'ping')) as { dropped?: number; turns?: number };
    if (dropped !== 0) throw new Error(`the pod dropped ${dropped} notices`);
    const perSecond = (us: number): string => Math.round(1e6 / us).toLocaleString('en-US');
    const ms = (values: number[]): string => median(values).toFixed(2);
    return result({
      name: NAME,
      unit: 'us/notice',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: null,
      info: [
        `value: ${SENDERS} sender processes, each sendWeakNotifyToLivePeer (memory store, createNatsTransport) with one in flight, to a \`podmesh pod start --nats --no-journal\` process: ${perSecond(sampled.value)} notices/s`,
        `baseline: the same processes and connections, nc.request of the same payload to a one-connection responder process answering the pod's ${ack.length}-byte ack: ${perSecond(sampled.baseline)} requests/s`,
        `median of ${sampled.samples} alternating bursts of ${SENDERS} x ${options.perSender} per side, timed from the parent's release to the last sender's answer (that coordination: median ${ms(overhead.value)} / ${ms(overhead.baseline)} ms a burst); the queue drained untimed; pod and responder pinned to one CPU when taskset exists; every notify delivered, none dropped, in ${turns} turns`,
      ],
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    if (pod !== undefined) await stopChild(pod);
    await transport.close();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}
