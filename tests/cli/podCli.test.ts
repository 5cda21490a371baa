import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { createFsPodStore, METADATA_FILE } from '../../src/actors/stores/createFsPodStore.js';
import type { HookResult } from '../../src/tickets/startOrchestrator.js';
import { sandboxSuite, type PodState, runWorkers, within, type CommandResult } from '../support/podProcess.js';

/** The JSON a command printed; fails with its stderr when it did not exit `code`. */
function json<T>(result: CommandResult, code = 0): T {
  assert.is(result.code, code, `exit ${result.code ?? result.signal}; stderr: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Bad usage and refusals: one line on stderr, nothing that looks like a stack trace. */
function assertOneLineError(result: CommandResult, code: number, pattern: RegExp): void {
  assert.is(result.code, code, `exit ${result.code ?? result.signal} for stderr ${result.stderr}`);
  assert.match(result.stderr, /^podmesh[^\n]*\n$/, `one line on stderr: ${JSON.stringify(result.stderr)}`);
  assert.match(result.stderr, pattern);
  assert.not.match(result.stderr, /\n\s+at |Error:/, 'no stack trace');
}

const cli = sandboxSuite('podmesh CLI across processes');

cli('should leave every record reciprocal when processes ensure the same peers at the same moment', async ({ sandbox }) => {
  const s = sandbox!;
  const store = createFsPodStore(s.podsDir);
  for (const name of ['a', 'b', 'c', 'd']) await store.write({ name, peers: [], spawnedChildren: [] });
  // Both directions of each relation at once: each process writes both records of its pair.
  const pairs = [['a', 'b'], ['b', 'a'], ['a', 'c'], ['c', 'a'], ['b', 'c'], ['c', 'b'], ['a', 'd'], ['d', 'a']] as const;
  const results = await Promise.all(pairs.map(([self, peer]) => s.run(['peer', '--as', self, peer, '--json'])));
  results.forEach((result, i) => assert.equal(json(result), { source: pairs[i]![0], peer: pairs[i]![1] }));

  const expected: Record<string, string[]> = { a: ['b', 'c', 'd'], b: ['a', 'c'], c: ['a', 'b'], d: ['a'] };
  for (const [name, peers] of Object.entries(expected)) {
    const text = await readFile(join(s.podsDir, name, METADATA_FILE), 'utf8');
    assert.equal(JSON.parse(text), { name, peers, spawnedChildren: [] }, `${name}'s record on disk`);
    assert.equal(await readdir(join(s.podsDir, name)), [METADATA_FILE], 'no lock or temporary file left');
  }
  for (const [name, peers] of Object.entries(expected)) {
    for (const peer of peers) assert.ok(expected[peer]!.includes(name), `${name} -> ${peer} is reciprocal`);
  }
});

cli('should lose no relation when 4 processes write the same records at the same moment', async ({ sandbox }) => {
  const s = sandbox!;
  const store = createFsPodStore(s.podsDir);
  const side = (prefix: string) => Array.from({ length: 20 }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
  const [left, right] = [side('l'), side('r')];
  for (const name of ['hub', ...left, ...right]) await store.write({ name, peers: [], spawnedChildren: [] });
  // Each relation from both ends at once, and every process writes `hub` 20 times.
  const results = await runWorkers<{ registered: number }>(s, 'peerWorker.ts', [
    left.map((name) => `hub:${name}`),
    left.map((name) => `${name}:hub`),
    right.map((name) => `hub:${name}`),
    right.map((name) => `${name}:hub`),
  ]);
  assert.equal(results, Array(4).fill({ registered: 20 }));
  assert.equal((await store.read('hub'))?.peers, [...left, ...right]);
  for (const name of [...left, ...right]) assert.equal((await store.read(name))?.peers, ['hub'], `${name} holds hub`);
  assert.equal(await readdir(join(s.podsDir, 'hub')), [METADATA_FILE], 'no lock or temporary file left');
});

cli('should run tickets end to end: weak lifecycle notices reach the companion process, reads notify nobody', async ({ sandbox }) => {
  const s = sandbox!;
  const workspace = join(s.root, 'yoi');
  await mkdir(workspace);
  const companion = await s.startPod('yoi', ['--role', 'companion', '--workspace', workspace]);
  const orchestrator = s.spawnCli(['orchestrator', 'start', '--workspace', workspace]);
  const [started] = await orchestrator.waitForStdout(/orchestrator yoi-orchestrator of .* live at .*\n/);
  assert.match(started, /companion yoi: peer ensured/);
  const ticket = (args: string[]) => s.run(['ticket', ...args, '--workspace', workspace, '--json']);

  // Results are objects (docs/cli.md): the id is one field away, no JSON inside a string.
  type Answer<T> = { summary: string; content: T; hook: HookResult | null };
  const created = json<Answer<{ ticket: string }>>(await ticket(['create', '--title', 'Fix the peer', '--body', 'secret body']));
  assert.is(created.hook, null, 'creating notifies nobody');
  const id = created.content.ticket;
  assert.type(id, 'string');

  const commented = json<Answer<unknown>>(await ticket(['comment', id, '--event', 'plan', '--body', 'the secret plan']));
  assert.is(commented.hook?.ensure.type, 'ensured');
  assert.equal(commented.hook?.delivery, { type: 'delivered' });

  const ready = json<Answer<{ to: string }>>(await ticket(['ready', id]));
  assert.equal(ready.hook?.delivery, { type: 'delivered' });
  assert.is(ready.content.to, 'ready');

  // list and show read the ticket files: they never reach the orchestrator, so they notify nobody.
  const listed = json<{ tickets: { id: string; state: string; title: string }[] }>(await ticket(['list']));
  assert.equal(listed.tickets.map((t) => [t.id, t.state, t.title]), [[id, 'ready', 'Fix the peer']]);

  const shown = json<{ ticket: { state: string; body: string; thread: { event: string; body: string }[] } }>(await ticket(['show', id]));
  const item = shown.ticket;
  assert.is(item.state, 'ready');
  assert.is(item.body, 'secret body');
  assert.equal(item.thread.map((entry) => [entry.event, entry.body]), [['plan', 'the secret plan']]);
  assert.ok((await readdir(join(s.home, 'tickets', 'yoi-orchestrator'))).includes(id), 'tickets persist under the home');

  const state = json<PodState>(await s.run(['pod', 'state', 'yoi', '--json']));
  assert.is(state.status, 'live');
  assert.is(state.activity, 'idle');
  assert.is(state.turns, 0, 'weak notices start no turn');
  assert.equal(state.history, []);
  assert.is(state.pendingNotices.length, 2, 'one notice per lifecycle event, none for create, list or show');
  const [onComment, onReady] = state.pendingNotices as [string, string];
  for (const notice of state.pendingNotices) {
    assert.ok(notice.startsWith('[Notification]\nTicket event notice (weak; autoRun=false)\n'), notice);
    assert.match(notice, new RegExp(`\nticket: ${id}\ntitle: Fix the peer\n`));
    assert.not.match(notice, /secret/, 'bodies never enter a notice');
  }
  assert.match(onComment, /\nevent: comment\/plan\n/);
  // The ref is the path of the file on disk (it opens).
  const board = join(s.home, 'tickets', 'yoi-orchestrator', id).replace(/[/.]/g, '\\$&');
  assert.match(onComment, new RegExp(`\nref: ${board}/thread\\.md$`));
  assert.match(onReady, /\nstate: ready\nevent: state\/planning->ready\n/);
  assert.match(onReady, new RegExp(`\nref: ${board}/item\\.md$`));
  await companion.waitForStdout(/notice from yoi-orchestrator \(weak; 1 queued\)\n {2}Ticket event notice[\s\S]*notice from yoi-orchestrator \(weak; 2 queued\)\n {2}Ticket event notice/, 5_000);
  await orchestrator.waitForStdout(new RegExp(`ticket ${id} state/planning->ready: companion yoi: peer ensured; notice delivered \\(queued without starting a turn\\)`), 5_000);

  // Field names are the table's columns (NAME VISIBILITY RECORD STATUS ACTIVITY REASON).
  const visible = json<{ self: string; pods: unknown[] }>(await s.run(['pod', 'ls', '--as', 'yoi-orchestrator', '--json']));
  assert.equal(visible, {
    self: 'yoi-orchestrator',
    pods: [
      { name: 'yoi', visibility: 'peer', record: 'readable', status: 'live', activity: 'idle', reason: null },
      { name: 'yoi-orchestrator', visibility: 'self', record: 'readable', status: 'live', activity: 'idle', reason: null },
    ],
  });

  // The companion is asked to stop over its socket, the orchestrator by signal: both end cleanly.
  // `pod stop` waits until the pod has gone (docs/cli.md).
  assert.equal(json(await s.run(['pod', 'stop', 'yoi', '--json'])), { name: 'yoi', outcome: 'stopped', pid: companion.pid });
  // (No signal to the companion: one during its shutdown would end it by the default action.)
  assert.equal(await Promise.all([within(companion.exited, 15_000, 'the companion stopping'), orchestrator.stop('SIGTERM')]), [
    { code: 0, signal: null },
    { code: 0, signal: null },
  ]);
  assert.equal(await readdir(s.runtimeDir), ['yoi', 'yoi-orchestrator']);
  for (const name of ['yoi', 'yoi-orchestrator']) assert.equal(await readdir(join(s.runtimeDir, name)), [], `${name}: socket and lock removed`);
});

cli('should exit 1 with the outcome when notifying a pod that has no record', async ({ sandbox }) => {
  const s = sandbox!;
  await s.startPod('yoi', ['--role', 'companion']);
  // And a ticket tool without a running orchestrator is one clear line (list and show read the files).
  await mkdir(join(s.root, 'yoi'));
  assertOneLineError(await s.run(['ticket', 'ready', 'T1', '--workspace', join(s.root, 'yoi')]), 1, /orchestrator yoi-orchestrator of .* is stopped: start it/);
  const result = await s.run(['notify', '--as', 'yoi', 'ghost', 'x']);
  assert.is(result.code, 1, result.stderr);
  assert.is(result.stdout, 'notify ghost: skipped: no metadata for the target\n');
  assert.is(result.stderr, '');
  const asJson = await s.run(['notify', '--as', 'yoi', 'ghost', 'x', '--json']);
  assert.equal(json(asJson, 1), { type: 'skipped-missing', autoRun: false, text: 'skipped: no metadata for the target' });
});

cli('should count every queued notice in pod state, also those a state answer leaves out', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('big', ['--quiet', '--no-journal']);
  const { transport } = s.openRuntime();
  // 20 notices of ~900 KB: a state answer holds 16 MiB of them, so the newest few are counted, not sent.
  for (let i = 0; i < 20; i += 1) await transport.request('big', 'notify', { message: `${i} ${'x'.repeat(900_000)}` });
  const state = await s.run(['pod', 'state', 'big']);
  assert.is(state.code, 0, state.stderr);
  const [head] = state.stdout.split('\n');
  assert.match(head!, /^pod big: live\/idle, 20 queued notices, 0 dropped, 0 turns$/);
  const shown = [...state.stdout.matchAll(/^--- \d+$/gm)].length;
  assert.ok(shown > 0 && shown < 20, `${shown} notices shown`);
  assert.match(state.stdout, new RegExp(`^--- ${20 - shown} newer notices not shown`, 'm'));
  await pod.stop();
});

cli('should answer bad usage with exit 2 and one line on stderr', async ({ sandbox }) => {
  const s = sandbox!;
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['pod', 'start'], /missing required argument 'name'/],
    [['pod', 'start', 'x', '--buffer-size', 'zero'], /--buffer-size must be an integer/],
    [['pod', 'start', 'x', '--colour'], /unknown option '--colour'/],
    [['notify', '--as', 'yoi'], /missing required argument 'peer'/],
    [['ticket', 'comment', '--event', 'plan', '--body', 'b'], /missing required argument 'id'/],
    [['ticket', 'comment', 'T1', '--event', 'blog', '--body', 'b'], /argument 'blog' is invalid\. Allowed choices are comment, plan, decision, implementation_report/],
    [['orchestrator', 'start', 'extra'], /too many arguments/],
  ];
  const results = await Promise.all(cases.map(([args]) => s.run(args)));
  results.forEach((result, i) => assertOneLineError(result, 2, cases[i]![1]));
  assert.equal(await readdir(s.root), [], 'bad usage touches no folder');
});

cli('should refuse at once to start a second pod under a running name', async ({ sandbox }) => {
  const s = sandbox!;
  const first = await s.startPod('yoi', ['--role', 'companion']);
  const second = await s.run(['pod', 'start', 'yoi']);
  assertOneLineError(second, 1, /already running/);
  // A live holder answers on its socket: no wait for its lock to go stale (that wait is about 5 s).
  assert.ok(second.ms < 4_500, `failed fast (took ${Math.round(second.ms)} ms)`);
  assert.ok(first.isRunning());
  const { transport } = s.openRuntime();
  assert.equal(await transport.probe('yoi'), { status: 'live', activity: 'idle' });
});

cli.run();
