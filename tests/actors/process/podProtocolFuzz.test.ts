/**
 * Protocol lines (property): whatever line a client sends a pod server (random
 * bytes, random JSON, requests of the right shape with random params, lines
 * around the length limit, values nested up to 200,000 deep, invalid UTF-8),
 * split over random writes, it gets exactly one answer, an error line or a
 * result, and the server goes on. Budget and seed: tests/fuzz/checkProperty.ts
 * (PODMESH_FUZZ_RUNS, PODMESH_FUZZ_SEED).
 */
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_REQUEST_LINE_BYTES, POD_METHODS } from '../../../src/actors/process/podProtocol.js';
import { checkProperty } from '../../fuzz/checkProperty.js';
import { startInProcessPod, type InProcessPod } from '../../support/inProcessPod.js';
import { connectRawClient, type RawLine } from '../../support/rawPodClient.js';

interface Context {
  pod?: InProcessPod;
}

const NEWLINE = 0x0a;
const ANSWER_MS = 5_000;

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const noNewline = (bytes: Uint8Array): Uint8Array => bytes.map((byte) => (byte === NEWLINE ? 0x20 : byte));

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, truncated sequences. */
const invalidUtf8 = fc
  .array(fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => Uint8Array.from(parts.flat()));

const anyId = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.integer(), fc.string({ maxLength: 200 })) },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.string({ minLength: 201, maxLength: 220 }), fc.constant(null), fc.jsonValue({ maxDepth: 2 })) },
);
const anyMethod = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...POD_METHODS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const anyParams = fc.oneof(
  fc.record(
    {
      message: fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.jsonValue({ maxDepth: 2 })),
      autoRun: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
      input: fc.jsonValue({ maxDepth: 4 }),
      tool: fc.string({ maxLength: 12 }),
      args: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

const shapedRequest = fc
  .record({ id: anyId, method: anyMethod, params: anyParams }, { requiredKeys: ['id', 'method'] })
  .map((request) => utf8(JSON.stringify(request)));

/** `[[[…]]]` or `{"a":{"a":…}}` as the input of a run, the message of a notify, or the whole line. */
const deeplyNested = fc
  .record({ depth: fc.integer({ min: 0, max: 200_000 }), kind: fc.constantFrom('array', 'object'), at: fc.constantFrom('input', 'message', 'line') })
  .map(({ depth, kind, at }) => {
    const value = kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    if (at === 'line') return utf8(value);
    return utf8(`{"id":7,"method":"${at === 'input' ? 'run' : 'notify'}","params":{"${at}":${value}}}`);
  });

/** A notify whose line is a few bytes either side of the limit, its message of one repeated character. */
const aroundTheLimit = fc
  .record({ delta: fc.integer({ min: -64, max: 64 }), char: fc.constantFrom('a', '"', '\n', 'é', '\u0001') })
  .map(({ delta, char }) => {
    const frame = Buffer.byteLength(JSON.stringify({ id: 9, method: 'notify', params: { message: '' } }));
    const unit = Buffer.byteLength(JSON.stringify(char)) - 2;
    const message = char.repeat(Math.max(0, Math.floor((MAX_REQUEST_LINE_BYTES - frame + delta) / unit)));
    return utf8(JSON.stringify({ id: 9, method: 'notify', params: { message } }));
  });

const withInvalidUtf8 = fc
  .tuple(fc.constantFrom('notify', 'run', 'ping', 'teleport'), invalidUtf8)
  .map(([method, bad]) => Uint8Array.from([...utf8(`{"id":3,"method":"${method}","params":{"message":"`), ...bad, ...utf8('"}}')]));

const line = fc
  .oneof(
    { weight: 3, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }) },
    { weight: 3, arbitrary: fc.json({ maxDepth: 4 }).map(utf8) },
    { weight: 6, arbitrary: shapedRequest },
    { weight: 2, arbitrary: deeplyNested },
    { weight: 1, arbitrary: aroundTheLimit },
    { weight: 2, arbitrary: withInvalidUtf8 },
  )
  .map(noNewline);

/** The line split at random points into the writes that carry it. */
const writes = fc.tuple(line, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 })).map(([bytes, cuts]) => {
  const points = [...new Set(cuts.map((cut) => Math.floor(cut * bytes.length)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) pieces.push(Buffer.from(bytes.subarray(from, point)));
    from = point;
  }
  return { bytes, pieces };
});

/** The id the answer must carry: the request's when the line is a request the pod can read whole, else unknown. */
function expectedId(bytes: Uint8Array): { readonly known: boolean; readonly id?: unknown } {
  if (bytes.length > MAX_REQUEST_LINE_BYTES) return { known: false };
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { known: true, id: null };
    const id = (value as { id?: unknown }).id;
    const valid = (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= 200);
    return { known: true, id: valid ? id : null };
  } catch {
    return { known: true, id: null };
  }
}

function assertAnswer(answer: RawLine, bytes: Uint8Array): void {
  const { value } = answer;
  assert.ok('id' in value, `an answer carries an id: ${answer.text.slice(0, 200)}`);
  if (value.ok === true) assert.ok('result' in value, 'a result');
  else {
    assert.is(value.ok, false, 'ok is true or false');
    assert.type(value.error?.code, 'string');
    assert.type(value.error?.message, 'string');
  }
  const expected = expectedId(bytes);
  if (expected.known) assert.is(JSON.stringify(value.id), JSON.stringify(expected.id), 'the id of the request');
}

const fuzz = suite<Context>('pod protocol lines (property)');

fuzz.before(async (context) => {
  // A small buffer keeps `state` answers (every notice in them) cheap to build and read.
  context.pod = await startInProcessPod('yoi', { runtime: { notifyBufferSize: 16 } });
});

fuzz.after(async (context) => {
  await context.pod?.stop();
  context.pod = undefined;
});

fuzz('should answer every line exactly once, never throw, and still answer ping and state afterwards', async (context) => {
  const pod = context.pod!;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  let sentinel = 0;
  try {
    await checkProperty(
      'protocol lines: one answer per line',
      fc.asyncProperty(writes, async ({ bytes, pieces }) => {
        const client = await connectRawClient(pod.socketPath);
        try {
          assert.is((await client.next(ANSWER_MS)).value.type, 'snapshot');
          for (const piece of pieces) client.send(piece);
          client.send('\n');
          if (Buffer.from(bytes).toString('utf8').trim() !== '') assertAnswer(await client.nextAnswer(ANSWER_MS), bytes);
          // Nothing more for that line: the next answer is the sentinel's.
          const id = `sentinel-${(sentinel += 1)}`;
          client.send(`{"id":"${id}","method":"ping"}\n`);
          assert.is((await client.nextAnswer(ANSWER_MS)).value.id, id, 'exactly one answer per line');
        } finally {
          client.close();
        }
      }),
      { runs: 120, timeout: 20_000 },
    );
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.equal(unhandled, [], 'no unhandled rejection');

  // Whatever the run left stored in the pod (queued notices, turn inputs), it still answers.
  const client = await connectRawClient(pod.socketPath);
  try {
    await client.next(ANSWER_MS);
    client.send('{"id":"after","method":"ping"}\n{"id":"state","method":"state"}\n');
    const ping = (await client.nextAnswer(ANSWER_MS)).value;
    assert.equal([ping.id, ping.ok], ['after', true]);
    const state = (await client.nextAnswer(ANSWER_MS)).value;
    assert.equal([state.id, state.ok], ['state', true], JSON.stringify(state.error));
  } finally {
    client.close();
  }
});

fuzz.run();
