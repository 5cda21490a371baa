import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromPromise, type Actor } from 'xstate';
import { podMachine, type TurnInput } from '../../src/machines/podMachine.js';

interface Turn {
  readonly input: TurnInput;
  readonly signal: AbortSignal;
  finish(): void;
  fail(error: Error): void;
}

/** A pod whose turns wait until the test finishes or fails them. */
function startPod(bufferSize?: number) {
  const turns: Turn[] = [];
  const overflows: unknown[] = [];
  const machine = podMachine.provide({
    actors: {
      runTurn: fromPromise<void, TurnInput>(
        ({ input, signal }) =>
          new Promise<void>((resolve, reject) => {
            turns.push({ input, signal, finish: resolve, fail: reject });
          }),
      ),
    },
    // Reports of nothing dropped are made on every requeue; the runtime ignores them too.
    actions: { reportOverflow: ({ self }, report) => void (report.dropped > 0 && overflows.push({ pod: self.id, ...report })) },
  });
  const actor = createActor(machine, { id: 'p', input: bufferSize === undefined ? {} : { bufferSize } });
  actor.start();
  return { actor, turns, overflows };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const value = (actor: Actor<typeof podMachine>) => actor.getSnapshot().value;
const notify = (message: string, autoRun: boolean) => ({ type: 'pod.notify' as const, message, autoRun });

const table = suite('podMachine notify table (docs/behaviour.md §3)');

table('should queue a weak notify in live.idle and stay idle', async () => {
  const { actor, turns } = startPod();
  actor.send(notify('a', false));
  await settle();
  assert.equal(value(actor), { live: 'idle' });
  assert.equal(actor.getSnapshot().context.buffer, ['[Notification]\na']);
  assert.is(turns.length, 0);
  actor.stop();
});

table('should start a turn that drains the buffer on autoRun true in live.idle', async () => {
  const { actor, turns } = startPod();
  actor.send(notify('weak', false));
  actor.send(notify('strong', true));
  await settle();
  assert.equal(value(actor), { live: 'running' });
  assert.equal(turns[0]?.input.notices, ['[Notification]\nweak', '[Notification]\nstrong']);
  assert.equal(actor.getSnapshot().context.buffer, []);
  turns[0]!.finish();
  await settle();
  assert.equal(value(actor), { live: 'idle' });
  assert.is(actor.getSnapshot().context.history.length, 1);
  actor.stop();
});

table('should queue in live.running; the next turn drains weak notices, autoRun ones start it', async () => {
  const { actor, turns } = startPod();
  actor.send({ type: 'pod.run', input: 'go' });
  await settle();
  actor.send(notify('weak', false));
  turns[0]!.finish();
  await settle();
  assert.equal(value(actor), { live: 'idle' }, 'a weak notice does not start the next turn');
  assert.equal(actor.getSnapshot().context.buffer, ['[Notification]\nweak']);
  actor.send({ type: 'pod.run', input: 'again' });
  await settle();
  actor.send(notify('strong', true));
  turns[1]!.finish();
  await settle();
  assert.equal(turns[1]!.input.notices, ['[Notification]\nweak']);
  assert.equal(value(actor), { live: 'running' }, 'an autoRun notice during a turn starts the next one');
  assert.equal(turns[2]!.input.notices, ['[Notification]\nstrong']);
  actor.stop();
});

table('should queue in live.paused and drain autoRun notices on resume', async () => {
  const { actor, turns } = startPod();
  actor.send({ type: 'pod.pause' });
  actor.send(notify('weak', false));
  await settle();
  assert.equal(value(actor), { live: 'paused' });
  actor.send(notify('strong', true));
  await settle();
  assert.equal(value(actor), { live: 'paused' });
  assert.is(turns.length, 0);
  actor.send({ type: 'pod.resume' });
  await settle();
  assert.equal(value(actor), { live: 'running' });
  assert.equal(turns[0]!.input.notices, ['[Notification]\nweak', '[Notification]\nstrong']);
  actor.stop();
});

table('should resume to idle when only weak notices wait, and run from paused on pod.run', async () => {
  const { actor, turns } = startPod();
  actor.send({ type: 'pod.pause' });
  actor.send(notify('weak', false));
  actor.send({ type: 'pod.resume' });
  await settle();
  assert.equal(value(actor), { live: 'idle' });
  actor.send({ type: 'pod.pause' });
  actor.send({ type: 'pod.run', input: 42 });
  await settle();
  assert.equal(value(actor), { live: 'running' });
  assert.is(turns[0]!.input.input, 42);
  actor.stop();
});

table('should not accept notices while stopped or unreachable', () => {
  const { actor } = startPod();
  actor.send({ type: 'pod.stop' });
  actor.send(notify('lost?', false));
  assert.is(actor.getSnapshot().context.accepted, 0);
  actor.send({ type: 'pod.start' });
  actor.send({ type: 'pod.disconnect', reason: 'EPIPE' });
  actor.send(notify('lost?', true));
  assert.is(actor.getSnapshot().context.accepted, 0);
  assert.is(value(actor), 'unreachable');
  assert.is(actor.getSnapshot().context.reason, 'EPIPE');
  actor.send({ type: 'pod.reconnect' });
  assert.equal(value(actor), { live: 'idle' });
  assert.is(actor.getSnapshot().context.reason, undefined);
  actor.stop();
});

table.run();

const buffer = suite('podMachine buffer');


buffer('should drop the oldest notice on overflow and report it', () => {
  const { actor, overflows } = startPod(3);
  for (const m of ['1', '2', '3', '4', '5']) actor.send(notify(m, false));
  assert.equal(actor.getSnapshot().context.buffer, ['[Notification]\n3', '[Notification]\n4', '[Notification]\n5']);
  assert.is(actor.getSnapshot().context.dropped, 2);
  assert.is(actor.getSnapshot().context.accepted, 5);
  assert.equal(overflows, [
    { pod: 'p', dropped: 1, bufferSize: 3, cause: 'notify' },
    { pod: 'p', dropped: 1, bufferSize: 3, cause: 'notify' },
  ]);
  actor.stop();
});

buffer('should report the notices an interrupted turn drops when it puts them back into a full buffer', async () => {
  for (const interrupt of [{ type: 'pod.pause' }, { type: 'pod.stop' }, { type: 'pod.disconnect' }, 'fail'] as const) {
    const { actor, turns, overflows } = startPod(3);
    actor.send(notify('a', false));
    actor.send(notify('b', true)); // a turn takes a and b
    await settle();
    for (const m of ['c', 'd', 'e']) actor.send(notify(m, false)); // the buffer is full again
    if (interrupt === 'fail') {
      turns[0]!.fail(new Error('model down'));
      await settle();
    } else actor.send(interrupt);
    const label = typeof interrupt === 'string' ? interrupt : interrupt.type;
    assert.equal(actor.getSnapshot().context.buffer, ['[Notification]\nc', '[Notification]\nd', '[Notification]\ne'], label);
    assert.is(actor.getSnapshot().context.dropped, 2, label);
    assert.equal(overflows, [{ pod: 'p', dropped: 2, bufferSize: 3, cause: 'requeue' }], `${label}: the drop is reported`);
    actor.stop();
  }
});

buffer('should keep queued notices while stopped and have them again after start', () => {
  const { actor } = startPod();
  actor.send(notify('kept', false));
  actor.send({ type: 'pod.stop' });
  assert.is(value(actor), 'stopped');
  actor.send({ type: 'pod.start' });
  assert.equal(value(actor), { live: 'idle' });
  assert.equal(actor.getSnapshot().context.buffer, ['[Notification]\nkept']);
  actor.stop();
});

buffer('should abort a running turn on stop and put its notices back at the front', async () => {
  const { actor, turns } = startPod();
  actor.send(notify('first', false));
  actor.send(notify('second', true));
  await settle();
  const turn = turns[0]!;
  actor.send(notify('third', false));
  actor.send({ type: 'pod.stop' });
  assert.ok(turn.signal.aborted, 'the turn signal is aborted');
  assert.equal(actor.getSnapshot().context.buffer, ['[Notification]\nfirst', '[Notification]\nsecond', '[Notification]\nthird']);
  turn.finish(); // a late finish of the aborted turn changes nothing
  await settle();
  assert.is(value(actor), 'stopped');
  assert.equal(actor.getSnapshot().context.history, []);
  actor.stop();
});

buffer('should put the notices of a failed turn back and record the failure', async () => {
  const { actor, turns } = startPod();
  actor.send(notify('n', true));
  await settle();
  turns[0]!.fail(new Error('model unavailable'));
  await settle();
  assert.equal(value(actor), { live: 'idle' });
  assert.equal(actor.getSnapshot().context.buffer, ['[Notification]\nn']);
  assert.equal(actor.getSnapshot().context.history.map((h) => h.ok), [false]);
  actor.stop();
});

buffer('should bound the history', async () => {
  const turns: number[] = [];
  const machine = podMachine.provide({ actors: { runTurn: fromPromise<void, TurnInput>(async ({ input }) => void turns.push(input.turn)) } });
  const actor = createActor(machine, { id: 'p', input: { historyLimit: 2 } }).start();
  for (let i = 0; i < 4; i += 1) {
    actor.send({ type: 'pod.run', input: i });
    await settle();
  }
  assert.equal(actor.getSnapshot().context.history.map((h) => h.input), [2, 3]);
  actor.stop();
});

buffer('should give every run its own turn, in call order, with its own input', async () => {
  const { actor, turns } = startPod();
  actor.send({ type: 'pod.run', input: 'a' });
  actor.send({ type: 'pod.run', input: 'b' });
  actor.send({ type: 'pod.run', input: 'c' });
  for (let i = 0; i < 3; i += 1) {
    await settle();
    assert.is(turns.length, i + 1, `turn ${i + 1} started`);
    turns[i]!.finish();
  }
  await settle();
  assert.equal(turns.map((t) => t.input.input), ['a', 'b', 'c']);
  assert.equal(value(actor), { live: 'idle' }, 'and no fourth turn');
  assert.equal(actor.getSnapshot().context.inputs, []);
  // A failed turn does not swallow the ones asked for after it.
  actor.send({ type: 'pod.run', input: 'd' });
  actor.send({ type: 'pod.run', input: 'e' });
  await settle();
  turns[3]!.fail(new Error('boom'));
  await settle();
  assert.equal(turns.map((t) => t.input.input), ['a', 'b', 'c', 'd', 'e']);
  turns[4]!.finish();
  await settle();
  assert.equal(value(actor), { live: 'idle' });
  actor.stop();
});

buffer.run();
