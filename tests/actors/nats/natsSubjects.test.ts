import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { natsSubjects, natsToken, natsTokenText } from '../../../src/actors/nats/natsSubjects.js';
import { POD_METHODS } from '../../../src/core/podMessages.js';
import { isValidPodName } from '../../../src/core/validatePodName.js';

const subjects = suite('natsSubjects');

const HOSTILE = ['a.b', '*', '>', 'a b', 'x.*.y', 'a.>', 'a_2Eb', '_', 'é', '日本', '🙂', 'a\u00a0b', 'a  b', '..x', 'pod.*.notify'];
const TOKEN = /^[A-Za-z0-9_-]+$/;

subjects('should keep a name of letters, digits and dashes as it is', () => {
  assert.is(natsToken('yoi'), 'yoi');
  assert.is(natsToken('agent-7'), 'agent-7');
  assert.is(natsSubjects().request('yoi', 'notify'), 'podmesh.default.pod.yoi.notify');
  assert.is(natsSubjects('team a').live('yoi'), 'podmesh.team_20a.live.yoi');
});

subjects('should escape every other character into one token of [A-Za-z0-9_-] that reads back', () => {
  for (const name of HOSTILE) {
    const token = natsToken(name);
    assert.ok(TOKEN.test(token), `${JSON.stringify(name)} -> ${token}`);
    assert.is(natsTokenText(token), name);
  }
  assert.is(natsToken('a.b'), 'a_2Eb');
  assert.is(natsToken('_'), '_5F');
});

subjects('should give hostile names subjects of exactly five tokens, none a wildcard, all distinct', () => {
  const s = natsSubjects('ns.*');
  const seen = new Set<string>();
  for (const name of [...HOSTILE, 'a', 'b', 'x', 'y']) {
    assert.ok(isValidPodName(name), name);
    for (const method of POD_METHODS) {
      const subject = s.request(name, method);
      const tokens = subject.split('.');
      assert.is(tokens.length, 5, subject);
      assert.ok(tokens.every((token) => TOKEN.test(token)), subject);
      assert.not.ok(seen.has(subject), `two names share ${subject}`);
      seen.add(subject);
    }
    assert.is(s.nameOfLive(s.live(name)), name);
    assert.is(s.podWildcard(name).split('.').length, 5);
  }
});

subjects('should be injective over random strings', () => {
  const seen = new Map<string, string>();
  for (let i = 0; i < 5000; i += 1) {
    const length = 1 + Math.floor(Math.random() * 6);
    let text = '';
    for (let j = 0; j < length; j += 1) text += String.fromCodePoint([0x2e, 0x2a, 0x3e, 0x5f, 0x20, 0x41, 0xe9, 0x1f642][Math.floor(Math.random() * 8)]!);
    const token = natsToken(text);
    const before = seen.get(token);
    assert.ok(before === undefined || before === text, `${JSON.stringify(before)} and ${JSON.stringify(text)} share ${token}`);
    seen.set(token, text);
    assert.is(natsTokenText(token), text);
  }
});

subjects('should refuse invalid pod names, namespaces and foreign tokens', () => {
  assert.throws(() => natsSubjects('').request('a', 'ping'), /invalid NATS namespace/);
  assert.throws(() => natsSubjects().request('a/b', 'ping'), /invalid pod name/);
  assert.throws(() => natsSubjects().request(' a', 'ping'), /invalid pod name/);
  assert.throws(() => natsTokenText('a.b'), /not a podmesh subject token/);
  assert.throws(() => natsTokenText('a_2e'), /not a podmesh subject token/);
  assert.is(natsSubjects().nameOfLive('podmesh.default.live.a.b'), undefined);
  assert.is(natsSubjects().nameOfLive('podmesh.other.live.a'), undefined);
});

subjects.run();
