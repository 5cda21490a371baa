import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom } from '../../src/simulation/createRandom.js';

const random = suite('createRandom');

random('should repeat the same sequence for the same seed and differ for another', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const c = createRandom(43);
  const seqA = Array.from({ length: 20 }, () => a.next());
  assert.equal(seqA, Array.from({ length: 20 }, () => b.next()));
  assert.not.equal(seqA, Array.from({ length: 20 }, () => c.next()));
});

random('should stay in range and spread over it', () => {
  const r = createRandom(1);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i += 1) {
    const n = r.next();
    assert.ok(n >= 0 && n < 1);
    counts[r.int(4)]! += 1;
  }
  for (const count of counts) assert.ok(count > 800 && count < 1200, String(counts));
});

random('should pick by weight and never pick a zero weight', () => {
  const r = createRandom(7);
  const seen = { a: 0, b: 0, never: 0 };
  for (let i = 0; i < 3000; i += 1) seen[r.weighted({ a: 3, b: 1, never: 0 })!] += 1;
  assert.is(seen.never, 0);
  assert.ok(seen.a > 2 * seen.b);
  assert.is(r.weighted({ a: 0 }), undefined);
  assert.throws(() => r.pick([]), /empty/);
});

random.run();
