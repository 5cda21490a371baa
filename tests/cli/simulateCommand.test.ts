import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { captureIo } from '../support/captureIo.js';
import { main } from '../../src/cli/main.js';

const capture = () => captureIo({ env: process.env });

const cli = suite('podmesh simulate');
let dir = '';
cli.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podmesh-cli-'));
});
cli.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

cli('should print the histogram and invariant report as JSON and write the trace', async () => {
  const io = capture();
  const trace = join(dir, 'trace.txt');
  const code = await main(['simulate', 'examples/original-bug.json', '--json', '--seed', '3', '--trace', trace], io);
  assert.is(code, 0, io.stderrText);
  const result = JSON.parse(io.stdout) as { ok: boolean; seed: number; histogram: Record<string, number>; invariants: { name: string }[]; traceHash: string };
  assert.is(result.ok, true);
  assert.is(result.seed, 3);
  assert.equal(Object.keys(result.histogram), ['delivered', 'skipped-missing', 'skipped-not-visible', 'skipped-not-peer', 'skipped-not-live', 'send-failed']);
  assert.is(result.invariants.length, 6);
  assert.match(result.traceHash, /^[0-9a-f]{64}$/);
  const lines = (await readFile(trace, 'utf8')).trimEnd().split('\n');
  assert.match(lines[0]!, /^scenario original-bug seed=3 /);
  assert.is(lines.filter((l) => /^#\d+ (?!scheduled )/.test(l)).length, 400, 'one line per step');
  assert.is(lines.filter((l) => /^#\d+ scheduled /.test(l)).length, 2, 'one line per scheduled fault');
});

cli('should print tables with the trace hash by default', async () => {
  const io = capture();
  assert.is(await main(['simulate', 'examples/original-bug.json', '--quiet'], io), 0);
  assert.match(io.stdout, /weak notify outcomes\n {2}delivered/);
  assert.match(io.stdout, /trace sha256 [0-9a-f]{64}/);
  assert.match(io.stdout, /all invariants held/);
});

cli('should answer bad usage and bad files with one line and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['simulate'], /missing required argument 'scenario'/],
    [['simulate', join(dir, 'missing.json')], /no such file/],
    [['simulate', dir], /is a folder/],
    [['simulate', 'examples/original-bug.json', '--seed', 'x'], /--seed must be/],
    [['simulate', 'examples/original-bug.json', '--pods', '3'], /--pods must be at least 8/],
    [['simulate', 'examples/original-bug.json', '--bogus'], /unknown option '--bogus'/],
    [['nonsense'], /unknown command/],
  ];
  await writeFile(join(dir, 'broken.json'), '{ "name": ');
  await writeFile(join(dir, 'typo.json'), '{ "name": "x", "faults": { "stp": 1 } }');
  cases.push([['simulate', join(dir, 'broken.json')], /not valid JSON/], [['simulate', join(dir, 'typo.json')], /faults\.stp: unknown key/]);
  for (const [args, message] of cases) {
    const io = capture();
    assert.is(await main(args, io), 2, args.join(' '));
    assert.match(io.stderrText, message);
    assert.is(io.stderrText.trim().split('\n').length, 1, 'one line');
    assert.not.match(io.stderrText, /\n\s+at /, 'no stack trace');
  }
});

cli('should print help for the CLI and the command', async () => {
  const top = capture();
  assert.is(await main(['--help'], top), 0);
  assert.match(top.stdout, /simulate/);
  const sub = capture();
  assert.is(await main(['simulate', '--help'], sub), 0);
  assert.match(sub.stdout, /--seed <n>/);
  assert.match(sub.stdout, /exit status: 0 when every invariant held/);
});

cli.run();
