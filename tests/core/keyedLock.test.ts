import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKeyedLock } from '../../src/core/keyedLock.js';

const keyedLock = suite('keyedLock');

async function rejects(promise: Promise<unknown>, pattern?: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (pattern) assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable('expected a rejection');
}

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets every queued microtask and promise job run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

keyedLock('should run tasks of one key one at a time in call order', async () => {
  const lock = createKeyedLock();
  const log: string[] = [];
  let running = 0;
  const task = (id: number) => async (): Promise<number> => {
    running += 1;
    assert.is(running, 1, 'only one task of a key runs');
    log.push(`start ${id}`);
    await settle();
    log.push(`end ${id}`);
    running -= 1;
    return id;
  };
  const results = await Promise.all([1, 2, 3].map((id) => lock.run('k', task(id))));
  assert.equal(results, [1, 2, 3]);
  assert.equal(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
});

keyedLock('should let different keys run at the same time', async () => {
  const lock = createKeyedLock();
  const blocker = gate();
  const log: string[] = [];
  const first = lock.run('a', async () => {
    await blocker.promise;
    log.push('a');
  });
  await lock.run('b', async () => {
    log.push('b');
  });
  assert.equal(log, ['b']);
  blocker.open();
  await first;
  assert.equal(log, ['b', 'a']);
});

keyedLock('should pass errors to the caller without breaking the chain', async () => {
  const lock = createKeyedLock();
  const failing = lock.run('k', async () => {
    throw new Error('boom');
  });
  const throwingSync = lock.run('k', (() => {
    throw new Error('sync boom');
  }) as () => Promise<never>);
  const next = lock.run('k', async () => 'ok');
  await rejects(failing, /boom/);
  await rejects(throwingSync, /sync boom/);
  assert.is(await next, 'ok');
});

keyedLock('should forget a key once its last task settled', async () => {
  const lock = createKeyedLock();
  const blocker = gate();
  const first = lock.run('k', () => blocker.promise);
  const second = lock.run('k', async () => 2);
  const other = lock.run('j', async () => {
    throw new Error('x');
  });
  assert.is(lock.size, 2);
  await rejects(other);
  await settle();
  assert.is(lock.size, 1, 'the failed key is gone, the busy one stays');
  blocker.open();
  await first;
  assert.is(await second, 2);
  await settle();
  assert.is(lock.size, 0);
  for (let i = 0; i < 1000; i += 1) await lock.run(`key-${i}`, async () => i);
  await settle();
  assert.is(lock.size, 0, 'no key is kept after its work is done');
});

keyedLock.run();
