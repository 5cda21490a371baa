import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INSPECTOR_PROTOCOL_VERSION, TRACE_FORMAT, type InspectorEvent, type PodView, type TraceHeader, type TraceStep } from '../../src/core/inspectorProtocol.js';
import { WEAK_NOTIFY_OUTCOME_TYPES } from '../../src/core/decideWeakNotify.js';
import { createTraceFeed, startInspectorServer } from '../../src/inspector/index.js';
import { createSimulation } from '../../src/simulation/createSimulation.js';

const test = suite('recorded traces');

/** Small and busy: every workload and fault kind, and a broken transport so that invariants fail. */
const busy = {
  name: 'busy',
  workspaces: 2,
  pods: 16,
  steps: 200,
  seed: 7,
  initialPeers: 'mixed',
  remoteCompanions: true,
  workload: { lifecycle: 6, passive: 2, spawnChild: 1, registerPeer: 1, directNotify: 3, run: 1 },
  faults: { stop: 0.5, start: 0.7, disconnect: 0.5, reconnect: 0.7, deleteMetadata: 0.2, restoreMetadata: 0.4, corruptRecord: 0.2, repairRecord: 0.4, oneDirectional: 0.5 },
};

async function record(seed: number): Promise<string[]> {
  const lines: string[] = [];
  await createSimulation({ scenario: busy, seed, onTraceLine: (line) => lines.push(line) }).run();
  return lines;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNullableNumber = (value: unknown): boolean => value === null || typeof value === 'number';

function checkPod(pod: PodView, where: string): void {
  assert.ok(isString(pod.name), `${where}: name`);
  assert.ok(pod.role === null || isString(pod.role), `${where}: role`);
  assert.ok(pod.workspace === null || isString(pod.workspace), `${where}: workspace`);
  assert.ok(['live', 'stopped', 'unreachable'].includes(pod.status), `${where}: status ${pod.status}`);
  assert.ok(pod.activity === null || ['idle', 'running', 'paused'].includes(pod.activity), `${where}: activity`);
  for (const field of ['pid', 'queued', 'dropped', 'turns'] as const) assert.ok(isNullableNumber(pod[field]), `${where}: ${field}`);
  assert.ok(Array.isArray(pod.peers) && pod.peers.every(isString), `${where}: peers`);
  assert.ok(Array.isArray(pod.spawnedChildren) && pod.spawnedChildren.every(isString), `${where}: spawnedChildren`);
  assert.ok(pod.reason === null || isString(pod.reason), `${where}: reason`);
  assert.is(Object.keys(pod).length, 12, `${where}: the twelve fields of PodView`);
}

/** The fields each event type of a trace must have, with their kinds. */
function checkEvent(event: InspectorEvent, step: number, where: string): void {
  assert.type((event as { at?: unknown }).at, 'number', `${where}: at`);
  switch (event.type) {
    case 'podmesh.pods':
      event.pods.forEach((pod, i) => checkPod(pod, `${where} pod ${i}`));
      break;
    case 'podmesh.pod':
      checkPod(event.pod, where);
      break;
    case 'podmesh.step':
      assert.is(event.step, step, `${where}: the step's number`);
      assert.ok(isString(event.action), `${where}: action`);
      break;
    case 'podmesh.decision':
      assert.ok(isString(event.self) && isString(event.peer), `${where}: self, peer`);
      assert.type(event.autoRun, 'boolean');
      assert.ok((WEAK_NOTIFY_OUTCOME_TYPES as readonly string[]).includes(event.outcome), `${where}: outcome ${event.outcome}`);
      assert.ok(event.path.length >= 1 && event.path.every(isString), `${where}: path`);
      assert.is(event.path.at(-1), event.state, `${where}: the path ends in the final state`);
      assert.type(event.facts, 'object');
      break;
    case 'podmesh.invariant':
      assert.is(event.step, step);
      assert.ok(isString(event.name));
      assert.type(event.ok, 'boolean');
      if (!event.ok) assert.ok(isString(event.message), `${where}: a failure has its message`);
      break;
    default:
      assert.unreachable(`${where}: ${event.type} is not an event a trace carries`);
  }
}

test('should record the same seed as the same bytes, and another seed differently', async () => {
  const [first, second, other] = [await record(7), await record(7), await record(8)];
  assert.ok(first.length > 100);
  assert.is(first.join('\n'), second.join('\n'), 'byte-identical');
  assert.is.not(first.join('\n'), other.join('\n'), 'the seed matters');
});

test('should write a header then one line per step, each parsing against the protocol types', async () => {
  const lines = await record(7);
  const header = JSON.parse(lines[0]!) as TraceHeader;
  assert.is(header.format, TRACE_FORMAT);
  assert.is(header.version, INSPECTOR_PROTOCOL_VERSION);
  assert.equal([header.scenario, header.seed, header.pods, header.steps], ['busy', 7, 16, 200]);
  for (const id of ['pod', 'weakNotify', 'discovery', 'orchestrator', 'ticket']) assert.type(header.machines[id], 'object', `machine ${id}`);
  const steps = lines.slice(1).map((line) => JSON.parse(line) as TraceStep);
  assert.is(steps.length, header.steps + 1, 'step 0 and every step');
  steps.forEach((step, i) => {
    assert.is(step.step, i, 'steps in order from 0');
    step.events.forEach((event, j) => checkEvent(event, step.step, `step ${i} event ${j}`));
    if (i > 0) assert.is(step.events[0]!.type, 'podmesh.step', `step ${i} starts with what happened`);
  });
  const initial = steps[0]!.events;
  assert.is(initial.length, 1);
  assert.is(initial[0]!.type === 'podmesh.pods' && initial[0].pods.length, 16, 'step 0 shows every pod');
  const all = steps.flatMap((step) => step.events);
  assert.ok(all.some((e) => e.type === 'podmesh.decision' && e.outcome === 'delivered'), 'a delivered decision');
  assert.ok(all.some((e) => e.type === 'podmesh.decision' && e.outcome !== 'delivered'), 'a skipped or failed decision');
  assert.ok(all.some((e) => e.type === 'podmesh.pod'), 'changed pods');
  const times = steps.map((step) => step.at);
  assert.ok(times.every((at, i) => i === 0 || at > times[i - 1]!), 'simulated time moves forward');
});

test('should record a failed invariant with its step and message', async () => {
  const lines: string[] = [];
  const result = await createSimulation({
    scenario: { ...busy, steps: 60 },
    seed: 3,
    onTraceLine: (line) => lines.push(line),
    // A discovery that lies: every weak notify says delivered without delivering.
    inject: { wrapDiscovery: (discovery) => ({ ...discovery, sendWeakNotifyToLivePeer: async () => ({ type: 'delivered' }) }) },
  }).run();
  const failures = lines.slice(1).flatMap((line) => (JSON.parse(line) as TraceStep).events.filter((e) => e.type === 'podmesh.invariant'));
  const failed = result.invariants.reduce((sum, r) => sum + r.failed, 0);
  assert.ok(failed > 0, 'the injection breaks an invariant');
  assert.is(failures.length, failed, 'one event per failure');
  const first = result.invariants.flatMap((r) => r.failures.map((f) => ({ ...f, name: r.name }))).sort((a, b) => a.step - b.step)[0]!;
  assert.ok(failures.some((e) => e.type === 'podmesh.invariant' && !e.ok && e.step === first.step + 1 && e.name === first.name && e.message === first.message));
});

test('should replay a trace file: hello of mode replay with its machines, the file at /api/trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-trace-'));
  try {
    const path = join(dir, 'run.jsonl');
    const text = (await record(7)).join('\n') + '\n';
    await writeFile(path, text);
    const feed = await createTraceFeed(path);
    const server = await startInspectorServer({ feed });
    try {
      const hello = (await (await fetch(`${server.url}api/hello`)).json()) as { mode: string; source: string; machines: Record<string, unknown> };
      assert.is(hello.mode, 'replay');
      assert.is(hello.source, path);
      assert.type(hello.machines.weakNotify, 'object');
      const served = await fetch(`${server.url}api/trace`);
      assert.is(served.headers.get('content-type'), 'application/x-ndjson');
      assert.is(await served.text(), text);
    } finally {
      await server.close();
      await feed.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('should refuse a bad or missing header with one clear line naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-trace-'));
  try {
    const cases: [string, string, RegExp][] = [
      ['empty.jsonl', '', /empty: a podmesh trace starts with its header line/],
      ['text.jsonl', 'hello\n', /the first line is not JSON: not a podmesh trace/],
      ['array.jsonl', '[1]\n', /not a JSON object/],
      ['other.jsonl', '{"format":"other","version":1}\n', /format is "other", not "podmesh-trace"/],
      ['step.jsonl', '{"step":0,"at":0,"events":[]}\n', /format is null, not "podmesh-trace"/],
      ['newer.jsonl', `{"format":"podmesh-trace","version":2,"scenario":"x","seed":1,"pods":1,"steps":1,"machines":{}}\n`, /trace version 2 is newer than this podmesh reads \(up to 1\)/],
      ['zero.jsonl', `{"format":"podmesh-trace","version":0}\n`, /version is 0, not a positive integer/],
      ['nomachines.jsonl', `{"format":"podmesh-trace","version":1,"scenario":"x","seed":1,"pods":1,"steps":1}\n`, /machines is not an object/],
    ];
    for (const [name, text, message] of cases) {
      const path = join(dir, name);
      await writeFile(path, text);
      try {
        await createTraceFeed(path);
        assert.unreachable(`${name} must be refused`);
      } catch (error) {
        const { code, message: line } = error as { code?: string; message: string };
        assert.is(code, 'invalid-trace', name);
        assert.match(line, message, name);
        assert.ok(line.startsWith(path), `${name}: the message names the file`);
        assert.not.match(line, /\n/, `${name}: one line`);
      }
    }
    try {
      await createTraceFeed(join(dir, 'missing.jsonl'));
      assert.unreachable('a missing file is refused');
    } catch (error) {
      assert.match((error as Error).message, /missing\.jsonl: no such file/);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
