import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exceedsBytes } from '../../src/core/exceedsBytes.js';

const bytes = suite('exceedsBytes');

bytes('should agree with Buffer.byteLength at and around every limit, lone surrogates included', () => {
  const units = fc.oneof(fc.constantFrom('a', 'é', '€', '😀', '\ud800', '\udfff', '\u0000'), fc.string({ unit: 'binary', maxLength: 1 }));
  fc.assert(
    fc.property(fc.array(units, { maxLength: 40 }), fc.integer({ min: 0, max: 160 }), (parts, max) => {
      const text = parts.join('');
      assert.is(exceedsBytes(text, max), Buffer.byteLength(text) > max, `${JSON.stringify(text)} against ${max}`);
    }),
    { numRuns: 2000, seed: 8 },
  );
  assert.is(exceedsBytes('€'.repeat(100), 300), false);
  assert.is(exceedsBytes('€'.repeat(100), 299), true);
  assert.is(exceedsBytes('😀', 3), true);
  assert.is(exceedsBytes('\ud800', 3), false);
});

bytes.run();
