import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { sandboxSuite, waitFor, within, type CommandResult } from '../support/podProcess.js';

const ok = (result: CommandResult): string => {
  assert.is(result.code, 0, `exit ${result.code ?? result.signal}; stderr: ${result.stderr}`);
  return result.stdout;
};

const terminal = sandboxSuite("a pod's terminal and the commands around it");

terminal('should show drops, turns and a bounded long notice; notify reads --file; run, pause and resume answer', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('yoi', ['--buffer-size', '2']);
  await s.startPod('boss');
  ok(await s.run(['peer', 'add', '--as', 'boss', 'yoi']));

  // A 120 KB notice from a file: the terminal shows its head and says where the whole is.
  const long = join(s.root, 'long.txt');
  await writeFile(long, `${'line\n'.repeat(30)}${'x'.repeat(120_000)}`);
  assert.is(ok(await s.run(['notify', '--as', 'boss', 'yoi', '--file', long])), 'notify yoi: delivered (queued without starting a turn)\n');
  await pod.waitForStdout(/notice from boss \(weak; 1 queued\)\n( {2}line\n){20} {2}… \d+ more bytes \(whole text: podmesh pod state yoi\)\n/, 5_000);
  assert.ok(pod.stdout().length < 10_000, `the terminal printed ${pod.stdout().length} characters, not the whole notice`);

  // Two more into a buffer of two: the oldest goes, with a line.
  for (const text of ['two', 'three']) ok(await s.run(['notify', '--as', 'boss', 'yoi', text]));
  await pod.waitForStdout(/dropped 1 notice: the buffer holds 2, the oldest went \(1 dropped in all\)\n/, 5_000);

  // Pause: an auto-run notice queues without a turn; resume, and the turn runs and is shown.
  assert.match(ok(await s.run(['pod', 'pause', 'yoi'])), /^pod yoi: paused \(now live\/paused\)\n$/);
  ok(await s.run(['notify', '--as', 'boss', 'yoi', 'four', '--auto-run']));
  assert.match(ok(await s.run(['pod', 'resume', 'yoi'])), /^pod yoi: resumed/);
  await pod.waitForStdout(/turn 1 ok \(2 notices consumed\)\n/, 10_000);
  assert.match(pod.stdout(), /notice from boss \(autoRun: a turn was requested\)\n {2}four\n[\s\S]* turn 1 ok/, 'the notice is told before the turn it started');
  const run = JSON.parse(ok(await s.run(['pod', 'run', 'yoi', '--input', '{"task":"x"}', '--json']))) as { name: string; method: string };
  assert.equal([run.name, run.method], ['yoi', 'run']);
  await pod.waitForStdout(/turn 2 ok \(0 notices consumed\)\n/, 10_000);
  await s.run(['notify', '--as', 'boss', 'yoi', 'five', '--auto-run']);
  await pod.waitForStdout(/notice from boss \(autoRun: a turn was requested\)\n {2}five\n[^\n]* turn 3 ok \(1 notice consumed\)\n/, 10_000);
  const bad = await s.run(['pod', 'run', 'yoi', '--input', 'not json']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--input must be JSON/);

  // peer rm ends the relation both ways; the next notice is refused with its reason.
  assert.is(ok(await s.run(['peer', 'rm', '--as', 'boss', 'yoi'])), 'boss and yoi are no longer peers\n');
  assert.is(ok(await s.run(['peer', 'rm', '--as', 'boss', 'yoi'])), 'boss and yoi were not peers (nothing changed)\n');
  const refused = await s.run(['notify', '--as', 'boss', 'yoi', 'six']);
  assert.is(refused.code, 1);
  assert.match(refused.stdout, /^notify yoi: skipped: target not visible from the sender\n$/);
});

terminal('should watch ps until SIGINT, and follow a log until its pod stops', async ({ sandbox }) => {
  const s = sandbox!;
  ok(await s.run(['pod', 'start', 'yoi', '-d']));
  const watch = s.spawnCli(['ps', '--watch', '--interval', '0.2', '--json']);
  await watch.waitForStdout(/^(\{.*\}\n){3}/, 15_000);
  for (const line of watch.stdout().trim().split('\n')) {
    const refresh = JSON.parse(line) as { at: string; pods: { name: string; status: string }[] };
    assert.equal(refresh.pods.map((p) => [p.name, p.status]), [['yoi', 'live']]);
  }
  assert.equal(await watch.stop('SIGINT'), { code: 0, signal: null });

  const follow = s.spawnCli(['pod', 'logs', 'yoi', '--follow']);
  await follow.waitForStdout(/pod yoi live at /, 10_000);
  ok(await s.run(['pod', 'stop', 'yoi']));
  // The stream ends by itself once the pod is gone, with its last line.
  assert.equal(await within(follow.exited, 15_000, 'logs -f ending with its pod'), { code: 0, signal: null });
  assert.match(follow.stdout(), /pod yoi stopped\n$/);
  const tail = ok(await s.run(['pod', 'logs', 'yoi', '-n', '1']));
  assert.is(tail, 'pod yoi stopped\n');
  await waitFor(async () => (await s.run(['ps', '--json'])).stdout.includes('"stopped"'), 5_000, 'ps showing it stopped');
});

terminal.run();
