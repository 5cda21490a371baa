import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bound, boundLine, errorLine, oneLine, redactUrl } from '../../src/core/text.js';

const text = suite('text');

text('should collapse whitespace runs and drop other control characters', () => {
  assert.is(oneLine('  a\t\tb\r\n c \u0001d\u007f '), 'a b c d');
});

text('should keep text at the exact limit unchanged', () => {
  assert.is(bound('x'.repeat(10), 10), 'x'.repeat(10));
});

text('should cut by code points and append an ellipsis only when it cut', () => {
  assert.is(bound('日本語テキスト', 3), '日本語…');
  assert.is(bound('😀😀😀', 2), '😀😀…');
  assert.is(bound('😀😀', 2), '😀😀');
  assert.is(boundLine('a\nb\nc', 2), 'a …');
});

text('should describe errors in one bounded line', () => {
  const line = errorLine(new Error('boom\n  at somewhere\n' + 'x'.repeat(500)));
  assert.ok([...line].length <= 200);
  assert.not.match(line, /\n/);
  assert.is(errorLine(undefined), 'undefined');
});

text('redactUrl should hide credentials of every URL of a list, and leave the rest as it is', () => {
  assert.is(redactUrl('nats://alice:s3cret@nats.example:4222'), 'nats://***@nats.example:4222');
  assert.is(redactUrl('nats://token@a:4222,nats://b:4222,tls://u:p@c'), 'nats://***@a:4222,nats://b:4222,tls://***@c');
  assert.is(redactUrl('nats://127.0.0.1:4222'), 'nats://127.0.0.1:4222');
});

text.run();
