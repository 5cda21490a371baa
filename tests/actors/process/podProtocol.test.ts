import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_REQUEST_LINE_BYTES } from '../../../src/actors/process/podProtocol.js';
import { readPodProcess } from '../../../src/actors/process/readPodProcess.js';
import { createSandbox, within, type Sandbox } from '../../support/podProcess.js';

interface Context {
  sandbox?: Sandbox;
  sockets: Socket[];
}

interface PodState {
  status: string;
  activity?: string;
  pendingNotices: string[];
  accepted: number;
  turns: number;
}

interface Line {
  readonly text: string;
  readonly value: { id?: unknown; ok?: boolean; type?: string; result?: unknown; error?: { code?: string; message?: string } };
}

/** A raw client of a pod socket: writes what it is given, reads whole lines. */
async function rawClient(context: Context, path: string) {
  const socket = createConnection(path);
  context.sockets.push(socket);
  const lines: Line[] = [];
  let partial = '';
  let wake: () => void = () => undefined;
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ text, value: JSON.parse(text) as Line['value'] });
    wake();
  });
  socket.on('error', () => undefined); // seen as a missing line, with the test's own message
  await within(new Promise((resolvePromise) => socket.once('connect', resolvePromise)), 5_000, 'connecting to the pod');
  let read = 0;
  const next = async (): Promise<Line> => {
    const arrived = new Promise<void>((resolvePromise) => {
      const check = () => (lines.length > read ? resolvePromise() : undefined);
      wake = check;
      check();
    });
    await within(arrived, 5_000, `waiting for line ${read + 1} from the pod`);
    return lines[read++]!;
  };
  return {
    next,
    send: (text: string) => socket.write(text),
    /** Lines received but not yet read. */
    unread: () => lines.length - read,
  };
}

const protocol = suite<Context>('pod protocol against a pod process', { sockets: [] });

protocol.before.each(async (context) => {
  context.sandbox = await createSandbox();
  context.sockets = [];
});

protocol.after.each(async (context) => {
  for (const socket of context.sockets) socket.destroy();
  context.sockets = [];
  await context.sandbox?.cleanup();
  context.sandbox = undefined;
});

protocol('should answer each malformed line with one error and keep serving', async (context) => {
  const s = context.sandbox!;
  const pod = await s.startPod('yoi');
  const client = await rawClient(context, join(s.runtimeDir, 'yoi', 'sock'));
  assert.equal((await client.next()).value, { type: 'snapshot', name: 'yoi', status: 'live', activity: 'idle' });

  const bigMessage = 'x'.repeat(Math.ceil(MAX_REQUEST_LINE_BYTES * 1.5));
  const cases: [string, string, unknown][] = [
    ['not json at all\n', 'bad-json', null],
    ['[1,2,3]\n', 'bad-request', null],
    ['{"id":1,"method":"teleport"}\n', 'unknown-method', 1],
    ['{"id":{"nested":true},"method":"ping"}\n', 'bad-request', null],
    [`{"id":"${'i'.repeat(201)}","method":"ping"}\n`, 'bad-request', null],
    ['{"id":2,"method":"notify","params":{}}\n', 'invalid-params', 2],
    ['{"id":3,"method":"notify","params":{"message":"m","autoRun":"yes"}}\n', 'invalid-params', 3],
    ['{"id":31,"method":"notify","params":{"message":"m","from":"../evil"}}\n', 'invalid-params', 31],
    ['{"id":32,"method":"notify","params":{"message":"m","from":7}}\n', 'invalid-params', 32],
    ['{"id":4,"method":"ping","params":[1]}\n', 'bad-request', 4],
    // A 1.5 MiB line, valid JSON otherwise: refused whole, so the notice in it is not queued; its id is read off its start.
    [`${JSON.stringify({ id: 5, method: 'notify', params: { message: bigMessage } })}\n`, 'line-too-long', 5],
    [`${bigMessage}\n`, 'line-too-long', null],
  ];
  for (const [text, code, id] of cases) {
    client.send(text);
    const answer = await client.next();
    assert.is(answer.value.ok, false, `${code} for ${text.slice(0, 40)}`);
    assert.is(answer.value.error?.code, code, `${code} for ${text.slice(0, 40)}: ${answer.text}`);
    assert.is(answer.value.id, id);
    assert.type(answer.value.error?.message, 'string');
  }

  // A request split over writes, and two in one write, are still one request each.
  client.send('{"id":6,"met');
  client.send('hod":"ping"}\n{"id":7,"method":"state"}\n');
  // The ping answer: the snapshot plus what ps shows (changed from the bare snapshot on purpose).
  const recorded = await readPodProcess(s.runtimeDir, 'yoi');
  assert.is(recorded?.pid, pod.pid);
  assert.equal((await client.next()).value, {
    id: 6,
    ok: true,
    result: { type: 'snapshot', name: 'yoi', status: 'live', activity: 'idle', queued: 0, dropped: 0, turns: 0, pid: pod.pid, startedAt: recorded!.startedAt },
  });
  const state = (await client.next()).value;
  assert.is(state.id, 7);
  assert.is((state.result as PodState).accepted, 0, 'no refused line queued a notice');
  assert.is(client.unread(), 0, 'exactly one line per request');

  assert.ok(pod.isRunning());
  const { transport } = s.openRuntime();
  assert.equal(await transport.probe('yoi'), { status: 'live', activity: 'idle' });
});

protocol('should return a state of more than 2 MiB (three notices of about 700 KB) intact', async (context) => {
  const s = context.sandbox!;
  const pod = await s.startPod('yoi', ['--role', 'companion']);
  const { runtime, transport } = s.openRuntime();
  await runtime.store.write({ name: 'yoi-orchestrator', role: 'orchestrator', peers: [], spawnedChildren: [] });
  await runtime.discovery('yoi-orchestrator').registerPeer('yoi');

  // Multi-byte characters, so UTF-8 sequences are cut across socket chunks on the way.
  const messages = [0, 1, 2].map((i) => `notice ${i}: ${'αβγ日本語xyz'.repeat(40_000)} end ${i}`);
  for (const message of messages) {
    assert.ok(Buffer.byteLength(message) > 700_000 && Buffer.byteLength(message) < MAX_REQUEST_LINE_BYTES - 1_000);
    assert.equal(await runtime.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', message), { type: 'delivered' });
  }

  const state = (await transport.request('yoi', 'state', undefined, { timeoutMs: 30_000 })) as PodState;
  assert.ok(Buffer.byteLength(JSON.stringify(state)) > 2 * 1024 * 1024, 'the response line is over 2 MiB');
  assert.is(state.pendingNotices.length, 3);
  state.pendingNotices.forEach((notice, i) => assert.ok(notice === `[Notification]\n${messages[i]}`, `notice ${i} intact`));
  assert.is(state.accepted, 3);
  assert.is(state.turns, 0);

  // The large response left the connection usable.
  const ping = (await transport.request('yoi', 'ping')) as Record<string, unknown>;
  assert.equal({ ...ping, startedAt: undefined }, { type: 'snapshot', name: 'yoi', status: 'live', activity: 'idle', queued: 3, dropped: 0, turns: 0, pid: pod.pid, startedAt: undefined });
  assert.ok(pod.isRunning());
});

protocol.run();
