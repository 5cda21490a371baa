import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throttled } from '../../src/inspector/page/throttled.js';

const test = suite('page throttle (throttled.ts)');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('should call at once, then once at the end of a burst: the last request is never lost', async () => {
  let calls = 0;
  const t = throttled(() => void (calls += 1), 40);
  t.request();
  assert.is(calls, 1, 'the first request calls at once');
  t.request();
  t.request();
  assert.is(calls, 1, 'requests within the interval wait');
  await pause(150);
  assert.is(calls, 2, 'one trailing call for the burst');
  await pause(100);
  assert.is(calls, 2, 'nothing more without a request');
});

test('should call now on demand and drop the trailing call it replaces', async () => {
  let calls = 0;
  const t = throttled(() => void (calls += 1), 40);
  t.request();
  t.request();
  t.now();
  assert.is(calls, 2);
  await pause(150);
  assert.is(calls, 2, 'the pending trailing call was dropped');
});

test.run();
