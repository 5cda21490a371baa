import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPodRuntime } from '../../../src/index.js';
import { podStateAnswer, STATE_HISTORY_BYTES, STATE_NOTICE_BYTES, STATE_OVERHEAD_BYTES, stateBudgetWithin } from '../../../src/actors/runtime/podStateAnswer.js';

const budget = suite('state answer budget');

budget('should fit a NATS max_payload: two thirds for notices, one for history, after the overhead', () => {
  const mib = 1024 * 1024;
  const { noticeBytes, historyBytes } = stateBudgetWithin(mib);
  assert.is(noticeBytes + historyBytes + STATE_OVERHEAD_BYTES, mib);
  assert.is(noticeBytes, Math.floor(((mib - STATE_OVERHEAD_BYTES) * 2) / 3));
});

budget('should never go below zero for a tiny payload limit, nor above the socket budget for a huge one', () => {
  assert.equal(stateBudgetWithin(1024), { noticeBytes: 0, historyBytes: 0 });
  assert.equal(stateBudgetWithin(1024 ** 3), { noticeBytes: STATE_NOTICE_BYTES, historyBytes: STATE_HISTORY_BYTES });
});

budget('should count every notice that does not fit as omitted, oldest kept first', async () => {
  const runtime = createPodRuntime({});
  const pod = await runtime.spawnPod({ name: 'yoi' });
  for (const text of ['one', 'two', 'three']) await pod.receive(text, { autoRun: false });
  const none = podStateAnswer(pod, runtime, { noticeBytes: 0, historyBytes: 0 });
  assert.equal([none.pendingNotices, none.pendingNoticesOmitted], [[], 3]);
  const first = JSON.stringify(pod.pendingNotices()[0]).length + 1;
  const one = podStateAnswer(pod, runtime, { noticeBytes: first, historyBytes: 0 });
  assert.equal([one.pendingNotices, one.pendingNoticesOmitted], [[pod.pendingNotices()[0]], 2]);
  await runtime.stop();
});

budget.run();
