import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSandbox, type Sandbox } from '../support/podProcess.js';

const cli = suite('podmesh inspect and simulate --record (real CLI)');
let sandbox: Sandbox;
cli.before(async () => {
  sandbox = await createSandbox('podmesh-inspect-cli-');
});
cli.after(async () => {
  await sandbox.cleanup();
});

cli('should record a simulation, replay it with podmesh inspect, and stop with exit 0 on SIGTERM', async () => {
  const trace = join(sandbox.root, 'run.jsonl');
  const recorded = await sandbox.run(['simulate', 'examples/original-bug.json', '--seed', '2', '--quiet', '--record', trace]);
  assert.is(recorded.code, 0, recorded.stderr);
  const lines = (await readFile(trace, 'utf8')).trimEnd().split('\n');
  assert.is((JSON.parse(lines[0]!) as { format: string }).format, 'podmesh-trace');

  const inspect = sandbox.spawnCli(['inspect', trace]);
  const [, url] = await inspect.waitForStdout(/^podmesh inspect: (http:\/\/127\.0\.0\.1:\d+\/) \(trace .*run\.jsonl; Ctrl-C to stop\)$/m);
  const hello = (await (await fetch(`${url}api/hello`)).json()) as { mode: string };
  assert.is(hello.mode, 'replay');
  assert.is(await (await fetch(`${url}api/trace`)).text(), lines.join('\n') + '\n');
  const exit = await inspect.stop('SIGTERM');
  assert.is(exit.code, 0, inspect.stderr());
});

cli('should inspect the home with --json: its pods in the first batch of the stream', async () => {
  const pod = await sandbox.startPod('seen');
  const inspect = sandbox.spawnCli(['inspect', '--json', '--port', '0']);
  const [line] = await inspect.waitForStdout(/^\{.*\}$/m);
  const printed = JSON.parse(line) as { url: string; mode: string; source: string };
  assert.is(printed.mode, 'home');
  assert.is(printed.source, sandbox.home);
  const hello = (await (await fetch(`${printed.url}api/hello`)).json()) as { mode: string; source: string };
  assert.is(hello.source, sandbox.home);
  const controller = new AbortController();
  const stream = await fetch(`${printed.url}api/events`, { signal: controller.signal });
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
  controller.abort();
  const first = JSON.parse(text.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as { events: { type: string; pods?: { name: string; status: string }[] }[] };
  assert.equal(first.events.find((e) => e.type === 'podmesh.pods')?.pods?.map((p) => [p.name, p.status]), [['seen', 'live']]);
  assert.is((await inspect.stop('SIGINT')).code, 0);
  await pod.stop('SIGTERM');
});

cli('should refuse a file that is not a trace with exit 2 and one line', async () => {
  const result = await sandbox.run(['inspect', 'examples/original-bug.json']);
  assert.is(result.code, 2);
  assert.match(result.stderr, /^podmesh: .*original-bug\.json: the first line is not JSON: not a podmesh trace|^podmesh: .*original-bug\.json: the header's format is null/);
  assert.is(result.stderr.trimEnd().split('\n').length, 1);
});

cli.run();
