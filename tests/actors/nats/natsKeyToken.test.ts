import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromKeyToken, toKeyToken } from '../../../src/actors/nats/natsKeyToken.js';

const token = suite('natsKeyToken');

// Characters a name may mix: the plain ones, the escape character, subject syntax, Unicode of 2, 3 and 4 bytes.
const ALPHABET = ['a', 'Z', '0', '-', '_', '=', '.', '*', '>', ' ', '$', '/', '%', 'é', '日', '😀', '\u00a0'];

/** A deterministic pseudo-random generator (xorshift), so a failure names its seed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

token('should read every name back and give every name its own token of legal characters, with no dot or wildcard', () => {
  const next = random(11);
  const seen = new Map<string, string>();
  for (let i = 0; i < 5_000; i += 1) {
    const length = 1 + Math.floor(next() * 8);
    const name = Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
    const t = toKeyToken(name);
    assert.match(t, /^[-_=a-zA-Z0-9]+$/, name);
    assert.is(fromKeyToken(t), name);
    const other = seen.get(t);
    assert.ok(other === undefined || other === name, `${JSON.stringify(name)} and ${JSON.stringify(other)} share ${t}`);
    seen.set(t, name);
  }
});

token('should escape the escape character and subject syntax', () => {
  assert.is(toKeyToken('a.b'), 'a=2Eb');
  assert.is(toKeyToken('=2E'), '=3D2E');
  assert.is(toKeyToken('*'), '=2A');
  assert.is(toKeyToken('>'), '=3E');
  assert.is(toKeyToken('a b'), 'a=20b');
  assert.is(toKeyToken('é'), '=C3=A9');
});

token('should decode only canonical tokens', () => {
  for (const bad of ['', '=41', '=2e', '=2', 'a.b', 'a*', '=FF', '=C3', '=ED=A0=80']) assert.is(fromKeyToken(bad), undefined, bad);
});

token.run();
