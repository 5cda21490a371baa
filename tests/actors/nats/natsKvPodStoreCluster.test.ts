import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createNatsKvPodStore } from '../../../src/actors/nats/createNatsKvPodStore.js';
import { pod } from '../../support/assertions.js';
import { killAll, spawnKvWorker } from '../../support/spawnNatsKvWorker.js';
import { natsServerAvailable, startNatsCluster, type NatsCluster } from '../../support/startNatsServer.js';

interface Context {
  cluster?: NatsCluster;
  children: ChildProcessWithoutNullStreams[];
}

const clustered = suite<Context>('NATS KV store on a 3-server cluster', { children: [] });

clustered.after.each(async (context) => {
  await killAll(context.children);
  await context.cluster?.stop();
});

/**
 * How many of 10 concurrent `kv.update`s that all expect the same revision a
 * replicas-3 bucket accepts: 1 where compare-and-set holds.
 */
async function sameRevisionUpdatesAccepted(urls: readonly string[]): Promise<number> {
  const nc = await connect({ servers: [...urls] });
  try {
    const kv = await new Kvm(nc).create('podmesh-cas-probe', { replicas: 3, history: 1 });
    const revision = await kv.put('k', 'v');
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => kv.update('k', `v${i}`, revision)));
    return results.filter((outcome) => outcome.status === 'fulfilled').length;
  } finally {
    await nc.close();
  }
}

clustered('should lose no peer when the stream leader is killed mid-run (replicas 3)', async (context) => {
  if (!natsServerAvailable()) {
    process.stderr.write('skipped (no nats-server on the PATH): cluster kill\n');
    return;
  }
  const cluster = (context.cluster = await startNatsCluster(3));
  const accepted = await sameRevisionUpdatesAccepted(cluster.urls);
  if (accepted > 1) {
    // Measured on Debian's 2.9.10: 10 of 10. No client can keep updates on such a stream, so the case cannot hold.
    process.stderr.write(`skipped: this nats-server accepts ${accepted} of 10 concurrent updates expecting the same revision on a replicas-3 stream (compare-and-set broken there)\n`);
    return;
  }
  const bucket = 'podmesh-cluster';
  const store = await createNatsKvPodStore({ servers: cluster.urls, bucket, replicas: 3 });
  const nc = await connect({ servers: cluster.urls });
  try {
    const names = Array.from({ length: 12 }, (_, i) => `c${i}`);
    await Promise.all(names.map((name) => store.write(pod(name))));
    const pairs: string[][] = [[], []];
    let n = 0;
    for (let i = 0; i < names.length; i += 1) {
      for (let j = i + 1; j < names.length; j += 1) pairs[n++ % 2]!.push(n % 4 < 2 ? `${names[i]}:${names[j]}` : `${names[j]}:${names[i]}`);
    }
    const info = await (await jetstreamManager(nc)).streams.info(`KV_${bucket}`);
    // Servers are named podmesh-test-1..3 (startNatsCluster): the leader's number picks it.
    const victim = cluster.servers[Number(/-(\d+)$/.exec(info.cluster?.leader ?? '')?.[1] ?? 1) - 1]!;
    const workers = pairs.map((list) => spawnKvWorker(context.children, [cluster.urls.join(','), bucket, 'register', ...list]));
    await Promise.all(workers.map((worker) => worker.waitFor('ready')));
    for (const worker of workers) worker.go();
    await Promise.all(workers.map((worker) => worker.waitFor('started')));
    await sleep(30);
    await victim.kill();
    const exits = await Promise.all(workers.map((worker) => worker.done));
    for (const exit of exits) assert.is(exit.code, 0, exit.stderr);
    for (const name of names) {
      const record = await store.read(name);
      assert.equal(record?.peers, names.filter((other) => other !== name), `${name} lost no peer`);
      assert.is(record?.pendingPeers, undefined, `${name} holds no mark`);
    }
    process.stderr.write(`cluster: killed the stream leader ${info.cluster?.leader} mid-run; ${pairs[0]!.length + pairs[1]!.length} relations all reciprocal\n`);
  } finally {
    await nc.close();
    await store.close();
  }
});

clustered.run();
