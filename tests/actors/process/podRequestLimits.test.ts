import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_QUEUED_RUNS, MAX_RUN_INPUT_BYTES } from '../../../src/actors/runtime/createPodRequestAnswerer.js';
import { MAX_PARAMS_DEPTH, MAX_RESPONSE_LINE_BYTES } from '../../../src/actors/process/podProtocol.js';
import { STATE_NOTICE_BYTES } from '../../../src/actors/runtime/podStateAnswer.js';
import { createSandbox, waitFor, type Sandbox } from '../../support/podProcess.js';
import { startInProcessPod, type InProcessPod } from '../../support/inProcessPod.js';
import { connectRawClient, type RawPodClient } from '../../support/rawPodClient.js';

interface Context {
  sandbox?: Sandbox;
  pod?: InProcessPod;
  clients: RawPodClient[];
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

const limits = suite<Context>('pod request limits', { clients: [] });

limits.before.each((context) => {
  context.clients = [];
});

limits.after.each(async (context) => {
  for (const client of context.clients) client.close();
  await context.pod?.stop();
  context.pod = undefined;
  await context.sandbox?.cleanup();
  context.sandbox = undefined;
});

const connect = async (context: Context, path: string): Promise<RawPodClient> => {
  const client = await connectRawClient(path);
  context.clients.push(client);
  await client.next(); // the snapshot on connect
  return client;
};

limits('should refuse a run nested 100,000 deep and go on answering state (a pod process)', async (context) => {
  const s = (context.sandbox = await createSandbox());
  const pod = await s.startPod('yoi');
  const client = await connect(context, join(s.runtimeDir, 'yoi', 'sock'));

  client.send(`{"id":1,"method":"run","params":{"input":${nested(100_000)}}}\n`);
  const refused = (await client.nextAnswer()).value;
  assert.is(refused.id, 1);
  assert.is(refused.error?.code, 'invalid-params');
  assert.match(refused.error?.message ?? '', String(MAX_PARAMS_DEPTH));

  client.send('{"id":2,"method":"state"}\n');
  const state = (await client.nextAnswer()).value;
  assert.is(state.id, 2);
  assert.is(state.ok, true, JSON.stringify(state).slice(0, 200));

  // Params at the limit (params is level 1, so the input may nest 63 deep) are a turn like any other.
  client.send(`{"id":3,"method":"run","params":{"input":${nested(MAX_PARAMS_DEPTH - 1)}}}\n`);
  assert.is((await client.nextAnswer()).value.ok, true);
  client.send(`{"id":4,"method":"run","params":{"input":${nested(MAX_PARAMS_DEPTH)}}}\n`);
  assert.is((await client.nextAnswer()).value.error?.code, 'invalid-params');
  client.send(`${JSON.stringify({ id: 5, method: 'run', params: { input: 'i'.repeat(MAX_RUN_INPUT_BYTES) } })}\n`);
  const tooLarge = (await client.nextAnswer()).value;
  assert.equal([tooLarge.id, tooLarge.error?.code], [5, 'invalid-params']);

  client.send('{"id":6,"method":"state"}\n');
  const after = (await client.nextAnswer()).value;
  assert.is(after.ok, true);
  await waitFor(() => pod.isRunning(), 1_000, 'the pod is still running');
});

limits('should answer internal-error with the id when a handler fails or its answer cannot be encoded', async (context) => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const results: Record<string, () => Promise<unknown>> = {
    cyclic: async () => cyclic,
    bigint: async () => ({ n: 1n }),
    deep: async () => JSON.parse(nested(200_000)),
    hostile: async () => ({
      toJSON() {
        throw new Error('no JSON for you');
      },
    }),
    rejects: async () => {
      throw new Error('the tool failed\nwith a second line');
    },
    throws: () => {
      throw new Error('thrown before any promise');
    },
  };
  context.pod = await startInProcessPod('yoi', { server: { tools: (tool) => results[String(tool)]!() } });
  const client = await connect(context, context.pod.socketPath);
  let id = 0;
  for (const tool of Object.keys(results)) {
    id += 1;
    client.send(`${JSON.stringify({ id, method: 'tool', params: { tool } })}\n`);
    const answer = (await client.nextAnswer()).value;
    assert.is(answer.id, id, tool);
    assert.is(answer.ok, false, tool);
    assert.is(answer.error?.code, 'internal-error', tool);
    assert.not.match(answer.error?.message ?? '', '\n');
  }
  client.send('{"id":"last","method":"ping"}\n');
  assert.is((await client.nextAnswer()).value.id, 'last');
});

limits('should bound a state answer whatever the pod holds: unencodable history, notices over the budget', async (context) => {
  context.pod = await startInProcessPod('yoi', { runtime: { notifyBufferSize: 40 } });
  const handle = context.pod.runtime.pod('yoi')!;
  // An in-process caller can store what no request could: a turn input JSON.stringify cannot encode.
  handle.run(JSON.parse(nested(100_000)));
  handle.run({ fine: true });
  await waitFor(() => handle.history().length === 2, 5_000, 'two turns recorded');
  const notice = 'n'.repeat(1024 * 1024 - 100);
  for (let i = 0; i < 20; i += 1) await handle.receive(notice, { autoRun: false });

  const client = await connect(context, context.pod.socketPath);
  client.send('{"id":1,"method":"state"}\n');
  const line = await client.nextAnswer(15_000);
  assert.ok(Buffer.byteLength(line.text) < MAX_RESPONSE_LINE_BYTES);
  const state = line.value.result as { pendingNotices: string[]; pendingNoticesOmitted?: number; history: { turn: number; truncated?: boolean; input?: unknown }[] };
  assert.is(line.value.ok, true);
  assert.equal(
    state.history.map((item) => [item.turn, item.truncated === true]),
    [
      [1, true],
      [2, false],
    ],
  );
  assert.equal(state.history[1]!.input, { fine: true });
  assert.ok(state.pendingNotices.length > 0 && state.pendingNotices.length < 20);
  assert.ok(state.pendingNotices.length * notice.length <= STATE_NOTICE_BYTES);
  assert.is(state.pendingNotices.length + (state.pendingNoticesOmitted ?? 0), 20);
});

limits(`should answer busy once ${MAX_QUEUED_RUNS} runs wait behind a running turn`, async (context) => {
  let release: () => void = () => undefined;
  const blocked = new Promise<void>((resolvePromise) => (release = resolvePromise));
  context.pod = await startInProcessPod('yoi', { runtime: { turn: () => blocked } });
  const client = await connect(context, context.pod.socketPath);
  let lines = '';
  for (let id = 1; id <= MAX_QUEUED_RUNS + 2; id += 1) lines += `{"id":${id},"method":"run","params":{"input":${id}}}\n`;
  client.send(lines);
  const codes: string[] = [];
  for (let i = 0; i < MAX_QUEUED_RUNS + 2; i += 1) codes.push((await client.nextAnswer()).value.error?.code ?? 'ok');
  // The first starts the turn, the next 128 wait, the last is refused.
  assert.equal(codes.slice(0, -1), new Array(MAX_QUEUED_RUNS + 1).fill('ok'));
  assert.is(codes.at(-1), 'busy');
  release();
});

limits.run();
