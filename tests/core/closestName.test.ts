import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closestName } from '../../src/core/closestName.js';

test('should suggest the nearest name within a third of its length', () => {
  assert.is(closestName('yoii', ['yoi', 'other', 'yoi-orchestrator']), 'yoi');
  assert.is(closestName('pdo', ['pod', 'peer', 'ps']), 'pod', 'a swap of neighbours counts as one edit');
  assert.is(closestName('tikcet', ['ticket', 'pod']), 'ticket');
  assert.is(closestName('coder-2', ['coder-1', 'coder-3']), 'coder-1', 'the first of equally near names');
});

test('should suggest nothing when no name is close, and never the name itself', () => {
  assert.is(closestName('zzz', ['yoi', 'pod']), undefined);
  assert.is(closestName('yoi', ['yoi']), undefined);
  assert.is(closestName('a', []), undefined);
  assert.is(closestName('orchestrator', ['companion']), undefined);
  assert.is(closestName('c', ['a', 'b']), undefined, 'one letter is no typo of another');
  assert.is(closestName('ab', ['b', 'xy']), undefined, 'nothing in common left');
  assert.is(closestName('ab', ['abc']), 'abc');
});

test.run();
