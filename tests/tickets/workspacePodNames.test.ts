import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom } from '../../src/simulation/createRandom.js';
import { validatePodName } from '../../src/core/validatePodName.js';
import { workspacePodNames } from '../../src/tickets/workspacePodNames.js';

const names = suite('workspacePodNames');

const SUFFIX = '-orchestrator';

names('should derive both names of a plain workspace', () => {
  assert.equal(workspacePodNames('/home/u/Projects/yoi'), { companion: 'yoi', orchestrator: 'yoi-orchestrator' });
});

names('should lower-case and dash spaces', () => {
  assert.equal(workspacePodNames('/tmp/Yoi Workspace'), {
    companion: 'yoi-workspace',
    orchestrator: 'yoi-workspace-orchestrator',
  });
});

names('should drop non-ASCII and punctuation, collapse dashes and trim edge separators', () => {
  assert.equal(workspacePodNames('/tmp/.strange_日本語!!'), {
    companion: 'strange',
    orchestrator: 'strange-orchestrator',
  });
});

names('should fall back to workspace when nothing is left', () => {
  assert.equal(workspacePodNames('/tmp/___'), { companion: 'workspace', orchestrator: 'workspace-orchestrator' });
  assert.equal(workspacePodNames('/tmp/日本語'), { companion: 'workspace', orchestrator: 'workspace-orchestrator' });
});

names('should cut a long basename to 80 and the orchestrator name to exactly 80', () => {
  const { companion, orchestrator } = workspacePodNames(`/tmp/${'a'.repeat(120)}`);
  assert.is(companion, 'a'.repeat(80));
  assert.is(orchestrator.length, 80);
  assert.ok(orchestrator.endsWith(SUFFIX));
  assert.is(orchestrator, 'a'.repeat(67) + SUFFIX);
});

names('should take the names from an explicit name instead of the basename, sanitised the same way', () => {
  assert.equal(workspacePodNames('/home/u/Projects/yoi', 'Yoi Work!'), { companion: 'yoi-work', orchestrator: 'yoi-work-orchestrator' });
  assert.equal(workspacePodNames('/a/x', 'b'.repeat(120)), workspacePodNames(`/tmp/${'b'.repeat(120)}`));
  assert.equal(workspacePodNames('/a/x', '日本語'), { companion: 'workspace', orchestrator: 'workspace-orchestrator' });
});

names('should take a blank name as none', () => {
  assert.equal(workspacePodNames('/home/u/yoi', ' \t '), workspacePodNames('/home/u/yoi'));
  assert.equal(workspacePodNames('/home/u/yoi', ''), { companion: 'yoi', orchestrator: 'yoi-orchestrator' });
});

names('should ignore a trailing slash', () => {
  assert.equal(workspacePodNames('/home/u/Projects/yoi/'), workspacePodNames('/home/u/Projects/yoi'));
  assert.is(workspacePodNames('/tmp/Yoi Workspace//').companion, 'yoi-workspace');
});

names('should trim a dash the 80 cut leaves at the end', () => {
  // Sanitized: 79 `a`, then `-` at index 79, so the 80-cut ends on that dash.
  const { companion } = workspacePodNames(`/tmp/${'a'.repeat(79)} tail`);
  assert.is(companion, 'a'.repeat(79));
  assert.not.ok(companion.endsWith('-'));
});

names('should trim a dash the 67 cut leaves at the end', () => {
  // Sanitized: 66 `a`, `-` at index 66, 12 `b`, `-` at index 79, then `c`s.
  const base = `${'a'.repeat(66)}!${'b'.repeat(12)}?${'c'.repeat(10)}`;
  const { companion, orchestrator } = workspacePodNames(`/tmp/${base}`);
  assert.is(orchestrator, 'a'.repeat(66) + SUFFIX);
  assert.not.ok(orchestrator.includes('--'));
  assert.is(companion, `${'a'.repeat(66)}-${'b'.repeat(12)}`);
});

/** The simulation's seeded random source, so a failing case is reproducible. */
function prng(seed: number): () => number {
  const random = createRandom(seed);
  return () => random.next();
}

const ALPHABETS: readonly (readonly string[])[] = [
  [...'abcdefghijklmnopqrstuvwxyz'],
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  [...'0123456789'],
  [...'日本語éßΩ😀ñ'],
  [...'-_.!?@#$%^&*()[]{}+=~,;:\'"\\|<>'],
  [' ', '  ', '\t', '\u00a0', '\u3000'],
];

function basenameFrom(random: () => number): string {
  const length = Math.floor(random() * 140);
  let out = '';
  for (let i = 0; i < length; i++) {
    const alphabet = ALPHABETS[Math.floor(random() * ALPHABETS.length)]!;
    out += alphabet[Math.floor(random() * alphabet.length)]!;
  }
  return out;
}

names('should always produce valid, sanitized names (500 seeded basenames)', () => {
  const random = prng(0x5eed);
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const base = basenameFrom(random);
    const label = `case ${i}: ${JSON.stringify(base)}`;
    const { companion, orchestrator } = workspacePodNames(`/tmp/podmesh-names/${base}`);
    seen.add(companion);
    assert.is(validatePodName(companion), companion, label);
    assert.is(validatePodName(orchestrator), orchestrator, label);
    assert.ok(companion.length >= 1 && companion.length <= 80, label);
    assert.ok(orchestrator.length <= 80, label);
    assert.ok(orchestrator.endsWith(SUFFIX), label);
    assert.match(companion, /^[a-z0-9_.-]+$/, label);
    assert.match(orchestrator, /^[a-z0-9_.-]+$/, label);
    assert.not.match(companion, /^[-_.]|-$|--/, label);
    assert.not.match(orchestrator.slice(0, -SUFFIX.length), /^[-_.]|-$|--/, label);
  }
  // The generator must actually exercise the rule, not produce the fallback every time.
  assert.ok(seen.size > 400, `only ${seen.size} distinct companions`);
});

names.run();
