import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { PodLiveness } from '../../src/core/types.js';
import { sandboxSuite, type PodState, waitFor, within, type Sandbox } from '../support/podProcess.js';

const exists = (path: string): Promise<boolean> => access(path).then(
  () => true,
  () => false,
);

/** The orchestrator of workspace `yoi` as a record of the test process (it serves no socket). */
async function openSender(sandbox: Sandbox) {
  const opened = sandbox.openRuntime();
  await opened.runtime.store.write({ name: 'yoi-orchestrator', role: 'orchestrator', peers: [], spawnedChildren: [] });
  await opened.runtime.discovery('yoi-orchestrator').registerPeer('yoi');
  return opened;
}

const processes = sandboxSuite('pod processes');

processes('should deliver a weak notice to a companion in another process, queued without a turn', async ({ sandbox }) => {
  const s = sandbox!;
  const companion = await s.startPod('yoi', ['--role', 'companion']);
  const { runtime, transport } = await openSender(s);
  assert.equal((await runtime.store.read('yoi'))?.peers, ['yoi-orchestrator'], 'the companion record holds the relation');
  assert.equal((await runtime.store.read('yoi-orchestrator'))?.peers, ['yoi']);

  const outcome = await runtime.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', 'ticket t-1 was commented');
  assert.equal(outcome, { type: 'delivered' });

  const state = (await transport.request('yoi', 'state')) as PodState;
  assert.equal(state.pendingNotices, ['[Notification]\nticket t-1 was commented']);
  assert.is(state.status, 'live');
  assert.is(state.activity, 'idle');
  assert.is(state.turns, 0);
  assert.is(state.accepted, 1);
  // The pod's terminal names the sender and the time (docs/cli.md, pod start).
  await companion.waitForStdout(/\d\d:\d\d:\d\d notice from yoi-orchestrator \(weak; 1 queued\)\n {2}ticket t-1 was commented\n/, 5_000);
  assert.equal(await runtime.discovery('yoi-orchestrator').inspect('yoi'), {
    name: 'yoi',
    role: 'companion',
    visibility: 'peer',
    live: { status: 'live', activity: 'idle' },
  });
});

processes('should see a killed pod as unreachable (stale socket refuses), then live again after a restart', async ({ sandbox }) => {
  const s = sandbox!;
  const first = await s.startPod('yoi', ['--role', 'companion']);
  const { runtime, transport } = await openSender(s);
  assert.is((await transport.probe('yoi'))?.status, 'live');

  first.child.kill('SIGKILL');
  assert.equal(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
  assert.ok(await exists(join(s.runtimeDir, 'yoi', 'sock')), 'a crashed pod leaves its socket behind');
  // The kept connection learns of the crash when its socket closes; from then on every probe connects and is refused.
  const down = await waitFor(
    async () => {
      const live = await transport.probe('yoi');
      return live?.status === 'unreachable' ? live : undefined;
    },
    5_000,
    'the killed pod probing unreachable',
  );
  assert.match(down.reason ?? '', /ECONNREFUSED/);
  const inspected = await runtime.discovery('yoi-orchestrator').inspect('yoi');
  assert.is(inspected.live.status, 'unreachable');
  assert.match(inspected.live.reason ?? '', /ECONNREFUSED/);
  const outcome = await runtime.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', 'lost?');
  assert.is(outcome.type, 'skipped-not-live');
  assert.match(outcome.type === 'skipped-not-live' ? outcome.reason ?? '' : '', /ECONNREFUSED/);

  // The crashed holder's name lock is still fresh: the new process waits until it goes stale (about 5 s).
  const second = await s.startPod('yoi', ['--role', 'companion']);
  assert.ok(second.isRunning());
  const back = await waitFor(
    async () => {
      const live = await transport.probe('yoi');
      return live?.status === 'live' ? live : undefined;
    },
    5_000,
    'the restarted pod probing live',
  );
  assert.equal(back, { status: 'live', activity: 'idle' });
  assert.equal((await runtime.store.read('yoi'))?.peers, ['yoi-orchestrator'], 'a restart keeps the record');
  assert.equal(await runtime.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', 'back'), { type: 'delivered' });
});

processes('should exit 0 on SIGTERM, remove its socket and lock, and probe stopped', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('yoi');
  const { transport } = s.openRuntime();
  const socket = join(s.runtimeDir, 'yoi', 'sock');
  const lock = join(s.runtimeDir, 'yoi', 'pod.lock');
  assert.ok(await exists(socket));
  assert.ok(await exists(lock));
  assert.is((await transport.probe('yoi'))?.status, 'live');

  assert.equal(await pod.stop('SIGTERM'), { code: 0, signal: null });
  assert.match(pod.stderr(), /pod yoi stopped/);
  assert.is(await exists(socket), false, 'the socket is removed');
  assert.is(await exists(lock), false, 'the name lock is released');
  const live = await waitFor(
    async () => {
      const probed = await transport.probe('yoi');
      return probed?.status === 'stopped' ? probed : undefined;
    },
    5_000,
    'the stopped pod probing stopped',
  );
  assert.equal(live, { status: 'stopped' });
});

/** Probes `name` once and measures how long it took. */
async function timedProbe(probe: (name: string) => Promise<PodLiveness | undefined> | PodLiveness | undefined, name: string) {
  const started = performance.now();
  const live = await probe(name);
  return { live, ms: performance.now() - started };
}

processes('should probe a stopped (hung) process unreachable within the probe timeout, and live after SIGCONT', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('yoi');
  // freshMs 0: every probe on the kept connection pings, so none answers from what it heard before the hang.
  const kept = s.openRuntime({ freshMs: 0 }).transport;
  assert.equal(await kept.probe('yoi'), { status: 'live', activity: 'idle' });
  const fresh = s.openRuntime().transport;

  pod.child.kill('SIGSTOP');
  let results: Awaited<ReturnType<typeof timedProbe>>[];
  try {
    // Both at once keep the hang short: a pod stopped past its lock's stale time (3 s) would give up its name.
    results = await within(Promise.all([timedProbe(kept.probe, 'yoi'), timedProbe(fresh.probe, 'yoi')]), 10_000, 'probing the hung pod');
  } finally {
    pod.child.kill('SIGCONT');
  }
  const [onKept, onFresh] = results;
  assert.is(onKept!.live?.status, 'unreachable');
  assert.match(onKept!.live?.reason ?? '', /no answer to ping within 500 ms/);
  assert.is(onFresh!.live?.status, 'unreachable');
  assert.match(onFresh!.live?.reason ?? '', /no snapshot within 500 ms/);
  for (const { ms } of results) assert.ok(ms < 3_000, `a probe of a hung pod returns near its 500 ms timeout (took ${Math.round(ms)} ms)`);

  for (const transport of [kept, fresh]) {
    const live = await waitFor(
      async () => {
        const probed = await transport.probe('yoi');
        return probed?.status === 'live' ? probed : undefined;
      },
      5_000,
      'the continued pod probing live',
    );
    assert.equal(live, { status: 'live', activity: 'idle' });
  }
  assert.ok(pod.isRunning(), 'the pod survived the hang');
  // The ping answer is the snapshot and the counts `podmesh ps` shows (docs/protocol.md).
  const { type, name, status, activity, queued, pid } = (await kept.request('yoi', 'ping')) as Record<string, unknown>;
  assert.equal({ type, name, status, activity, queued, pid }, { type: 'snapshot', name: 'yoi', status: 'live', activity: 'idle', queued: 0, pid: pod.pid });
});

processes('should let a successor keep the name when a hung pod that lost its lock comes back', async (context) => {
  const s = context.sandbox!;
  const first = await s.startPod('yoi');
  first.child.kill('SIGSTOP');
  let second;
  try {
    // The hung pod's lock goes stale after 3 s; the successor takes the name over.
    second = await s.startPod('yoi');
  } finally {
    first.child.kill('SIGCONT');
  }
  const exit = await within(first.exited, 15_000, 'the hung pod noticing it lost its name');
  assert.is(exit.code, 1);
  assert.match(first.stderr(), /lost the name lock/);
  // Its exit must not remove the successor's socket.
  assert.ok(await exists(join(s.runtimeDir, 'yoi', 'sock')), 'the successor socket is still there');
  const { transport } = s.openRuntime();
  assert.equal(await transport.probe('yoi'), { status: 'live', activity: 'idle' });
  assert.ok(second.isRunning());
});

processes.run();
