import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPodRuntime } from '../../src/actors/runtime/createPodRuntime.js';
import type { DecisionEvent, DiagnosticEvent, HelloEvent, NoticeEvent, PodEvent, PodsEvent } from '../../src/core/inspectorProtocol.js';
import { createRuntimeInspector, KEPT_DECISIONS } from '../../src/inspector/index.js';
import { createRuntimeFeed, KEPT_NOTICES } from '../../src/inspector/createRuntimeFeed.js';
import { readEventStream } from './readEventStream.js';

const test = suite('createRuntimeInspector');

test('should stream hello, pods and a weak notify decision with its path and outcome over real HTTP', async () => {
  const inspector = await createRuntimeInspector();
  const runtime = createPodRuntime({ inspect: inspector.inspect });
  try {
    assert.match(inspector.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    await runtime.spawnPod({ name: 'alpha', role: 'coder' });
    await runtime.spawnPod({ name: 'beta' });
    await runtime.discovery('alpha').registerPeer('beta');
    const stream = await readEventStream(`${inspector.url}api/events`);
    try {
      assert.is(stream.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const hello = (await stream.waitFor((e) => e.type === 'podmesh.hello')) as HelloEvent;
      assert.is(hello.mode, 'runtime');
      assert.is(hello.version, 1);
      for (const id of ['pod', 'weakNotify', 'discovery', 'orchestrator', 'ticket', 'podmesh']) assert.ok(id in hello.machines, `machine ${id} in the hello`);
      const pods = (await stream.waitFor((e) => e.type === 'podmesh.pods')) as PodsEvent;
      assert.equal(pods.pods.map((p) => [p.name, p.status, p.activity, p.queued]).sort(), [['alpha', 'live', 'idle', 0], ['beta', 'live', 'idle', 0]]);
      assert.is(stream.batches[0]!.events[0]!.type, 'podmesh.hello', 'the first batch starts with the hello');

      const outcome = await runtime.discovery('alpha').sendWeakNotifyToLivePeer('beta', 'hello beta');
      assert.is(outcome.type, 'delivered');
      const decision = (await stream.waitFor((e) => e.type === 'podmesh.decision' && e.peer === 'beta')) as DecisionEvent;
      assert.is(decision.self, 'alpha');
      assert.is(decision.outcome, 'delivered');
      assert.is(decision.state, decision.path.at(-1));
      assert.ok(decision.path.length >= 3, `a path through the checks: ${decision.path.join(' > ')}`);
      assert.is(decision.facts.visibility, 'peer');
      const row = (await stream.waitFor((e) => e.type === 'podmesh.pod' && e.pod.name === 'beta' && e.pod.queued === 1)) as PodEvent;
      assert.is(row.pod.status, 'live');

      const skipped = await runtime.discovery('alpha').sendWeakNotifyToLivePeer('nobody', 'lost');
      const missing = (await stream.waitFor((e) => e.type === 'podmesh.decision' && e.peer === 'nobody')) as DecisionEvent;
      assert.is(missing.outcome, skipped.type);
      // Not the whole context: no event carries the buffer's notices.
      assert.not.ok(JSON.stringify(stream.events).includes('[Notification]'), 'no notice text in the stream');
    } finally {
      await stream.close();
    }
  } finally {
    await runtime.stop();
    await inspector.close();
  }
});

test('should stream the notices pods receive (with the ticket a ticket notice names) and the diagnostics ring of a watched runtime', async () => {
  const inspector = await createRuntimeInspector();
  const runtime = createPodRuntime({ inspect: inspector.inspect });
  inspector.watch(runtime);
  try {
    await runtime.spawnPod({ name: 'alpha' });
    await runtime.spawnPod({ name: 'beta', role: 'reviewer', workspaceRoot: '/w/yoi' });
    await runtime.discovery('alpha').registerPeer('beta');
    const stream = await readEventStream(`${inspector.url}api/events`);
    try {
      await runtime.discovery('alpha').sendWeakNotifyToLivePeer('beta', 'Ticket event notice\nticket: T-7\nstate: ready', { fields: { ticket: 'T-7' } });
      const decision = (await stream.waitFor((e) => e.type === 'podmesh.decision')) as DecisionEvent;
      assert.is(decision.ticket, 'T-7', 'the ticket its caller named, for the page to filter by');
      const notice = (await stream.waitFor((e) => e.type === 'podmesh.notice')) as NoticeEvent;
      assert.equal([notice.pod, notice.ticket, notice.autoRun], ['beta', 'T-7', false]);
      assert.match(notice.message, /^Ticket event notice\n/);
      // A watched runtime's (memory) store fills what the actor does not hold.
      const row = (await stream.waitFor((e) => e.type === 'podmesh.pod' && e.pod.name === 'beta' && e.pod.peers.length > 0)) as PodEvent;
      assert.equal([row.pod.role, row.pod.workspace, row.pod.peers], ['reviewer', '/w/yoi', ['alpha']]);
      await runtime.discovery('alpha').sendWeakNotifyToLivePeer('nobody', 'x');
      const diagnostic = (await stream.waitFor((e) => e.type === 'podmesh.diagnostic' && e.message.includes('skipped-missing'), 5_000)) as DiagnosticEvent;
      assert.is(diagnostic.level, 'debug');
      assert.is(diagnostic.fields?.peer, 'nobody');
    } finally {
      await stream.close();
    }
  } finally {
    await runtime.stop();
    await inspector.close();
  }
});

test('should keep decisions for a page that connects later, in a ring of KEPT_DECISIONS', async () => {
  const inspector = await createRuntimeInspector();
  const runtime = createPodRuntime({ inspect: inspector.inspect });
  try {
    await runtime.spawnPod({ name: 'one' });
    for (let i = 0; i < 3; i += 1) await runtime.discovery('one').sendWeakNotifyToLivePeer('two', `n${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    const stream = await readEventStream(`${inspector.url}api/events`);
    try {
      await stream.waitFor((e) => e.type === 'podmesh.pods');
      const first = stream.batches[0]!.events;
      assert.is(first.filter((e) => e.type === 'podmesh.decision').length, 3, 'the three decisions made before the page came');
      assert.ok(first.some((e) => e.type === '@xstate.actor' && e.machineId === 'discovery'), 'the discovery actor is named');
      assert.ok(KEPT_DECISIONS >= 10_000);
    } finally {
      await stream.close();
    }
  } finally {
    await runtime.stop();
    await inspector.close();
  }
});

test('should keep exactly the newest KEPT_DECISIONS decisions and KEPT_NOTICES notices, oldest first', async () => {
  const feed = createRuntimeFeed();
  const decided = (i: number) => ({ type: 'weakNotify.decided', self: 'a', peer: `p${i}`, autoRun: false, state: 'delivered', outcome: { type: 'delivered' }, path: [], facts: {} });
  const discovery = { id: 'discovery', logic: { id: 'discovery' } };
  const pod = { id: 'a', logic: { id: 'pod' } };
  // One batch past the ring, then notices past theirs: synthetic events of the shapes the runtime sends.
  feed.inspect({ type: '@xstate.event', actorRef: discovery, event: { type: 'weakNotify.decisions', decisions: Array.from({ length: KEPT_DECISIONS + 5 }, (_, i) => decided(i)) } } as never);
  for (let i = 0; i < KEPT_NOTICES + 3; i += 1) feed.inspect({ type: '@xstate.event', actorRef: pod, event: { type: 'pod.notify', message: `m${i}`, autoRun: false } } as never);
  await new Promise((resolve) => setImmediate(resolve));
  const recent = feed.recent!();
  const decisions = recent.filter((e): e is DecisionEvent => e.type === 'podmesh.decision');
  assert.is(decisions.length, KEPT_DECISIONS);
  assert.equal([decisions[0]!.peer, decisions.at(-1)!.peer], ['p5', `p${KEPT_DECISIONS + 4}`]);
  const notices = recent.filter((e): e is NoticeEvent => e.type === 'podmesh.notice');
  assert.is(notices.length, KEPT_NOTICES);
  assert.equal([notices[0]!.message, notices.at(-1)!.message], ['m3', `m${KEPT_NOTICES + 2}`]);
  feed.close();
});

test('should drop a page that goes away without an error, and go on streaming to the others', async () => {
  const inspector = await createRuntimeInspector();
  const runtime = createPodRuntime({ inspect: inspector.inspect });
  try {
    await runtime.spawnPod({ name: 'solo' });
    const leaving = await readEventStream(`${inspector.url}api/events`);
    await leaving.waitFor((e) => e.type === 'podmesh.pods');
    await leaving.close();
    const staying = await readEventStream(`${inspector.url}api/events`);
    try {
      await runtime.spawnPod({ name: 'late' });
      await staying.waitFor((e) => e.type === 'podmesh.pod' && e.pod.name === 'late', 5000, 'the late pod');
    } finally {
      await staying.close();
    }
  } finally {
    await runtime.stop();
    await inspector.close();
  }
});

test.run();
