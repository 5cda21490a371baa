import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { repoRoot, sandboxSuite, waitFor, type CommandResult, type Sandbox } from '../support/podProcess.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../support/natsServer.js';

interface Row {
  name: string;
  status: string;
  pid: number | null;
  peers?: string[];
}

const json = <T>(result: CommandResult, code = 0): T => {
  assert.is(result.code, code, `exit ${result.code ?? result.signal}; stdout: ${result.stdout}; stderr: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};

const cli = sandboxSuite<{ sandbox?: Sandbox; nats?: NatsServer }>('podmesh CLI with --nats (a real nats-server)');

// Whatever a case started, even one that failed before its own cleanup: no server outlives its test.
cli.after.each(async (context) => {
  await context.nats?.stop();
  context.nats = undefined;
});

// Without a nats-server the case is counted as skipped, never as passed.
const test = natsServerAvailable() ? cli : cli.skip;

test('should run detached pods and an orchestrator on NATS: ps, peer, notify, tickets, show and stop go through the server, not the home', async (context) => {
  const s = context.sandbox!;
  const nats = (context.nats = await startNatsServer());
  const run = (args: string[], options?: { stdin?: string }) => s.run([...args, '--nats', nats.url], undefined, options);
  const started: number[] = [];
  try {
    // An empty server says where it looked: the server, not the home.
    assert.is((await run(['ps'])).stdout, `no pods on NATS ${nats.url}\n`);
    assert.is((await run(['orchestrator', 'ls'])).stdout, `no orchestrators on NATS ${nats.url}\n`);
    for (const name of ['yoi', 'boss']) started.push(json<{ pid: number }>(await run(['pod', 'start', name, '-d', '--json'])).pid);
    const rows = new Map(json<{ pods: Row[] }>(await run(['ps', '--json'])).pods.map((row) => [row.name, row]));
    assert.equal([...rows.keys()], ['boss', 'yoi'], 'the records are in the KV bucket');
    assert.equal([rows.get('yoi')!.status, rows.get('yoi')!.pid], ['live', started[0]]);
    assert.is(rows.get('boss')!.pid, started[1]);

    assert.equal(json(await run(['peer', 'add', '--as', 'boss', 'yoi', '--json'])), { source: 'boss', peer: 'yoi' });
    const delivered = await run(['notify', '--as', 'boss', 'yoi', 'over nats']);
    assert.is(delivered.stdout, 'notify yoi: delivered (queued without starting a turn)\n', delivered.stderr);
    const state = json<{ pendingNotices: string[] }>(await run(['pod', 'state', 'yoi', '--json']));
    assert.equal(state.pendingNotices, ['[Notification]\nover nats']);
    assert.equal(json<{ peers: string[] }>(await run(['pod', 'show', 'yoi', '--json'])).peers, ['boss']);

    // The home holds no record: the pods are NATS's.
    const home = await s.run(['ps', '--json']);
    assert.equal(json<{ pods: Row[] }>(home).pods, []);

    // A second start of a live name is refused with the running pod's own pid (its ping over NATS), and a
    // --parent is looked for where the records are: on NATS.
    const again = await run(['pod', 'start', 'yoi', '-d']);
    assert.is(again.code, 1, again.stdout);
    assert.match(again.stderr, `pod yoi is already running (pid ${started[0]})`);
    const kid = json<{ pid: number }>(await run(['pod', 'start', 'kid', '-d', '--parent', 'boss', '--json']));
    started.push(kid.pid);
    assert.equal(json<{ spawnedChildren: string[] }>(await run(['pod', 'show', 'boss', '--json'])).spawnedChildren, ['kid']);
    assert.equal(json(await run(['pod', 'stop', 'kid', '--json'])), { name: 'kid', outcome: 'stopped', pid: kid.pid });

    // The orchestrator of a workspace on NATS: its ticket tools notify the companion over NATS too.
    const workspace = join(s.root, 'yoi');
    await mkdir(workspace);
    started.push(json<{ pid: number }>(await run(['orchestrator', 'start', '-d', '--workspace', workspace, '--json'])).pid);
    const created = json<{ content: { ticket: string } }>(await run(['ticket', 'create', '--title', 'Over NATS', '--workspace', workspace, '--json']));
    const planned = json<{ hook: { ensure: { type: string }; delivery: { type: string } } }>(
      await run(['ticket', 'comment', created.content.ticket, '--event', 'plan', '--body', 'b', '--workspace', workspace, '--json']),
    );
    assert.equal([planned.hook.ensure.type, planned.hook.delivery.type], ['ensured', 'delivered']);
    assert.is(json<{ pendingNotices: string[] }>(await run(['pod', 'state', 'yoi', '--json'])).pendingNotices.length, 2, 'the plan reached the companion');
    assert.equal(json(await run(['orchestrator', 'stop', '--workspace', workspace, '--json'])), { name: 'yoi-orchestrator', outcome: 'stopped', pid: started.at(-1) });

    assert.equal(json(await run(['pod', 'stop', 'yoi', '--json'])), { name: 'yoi', outcome: 'stopped', pid: started[0] });
    await waitFor(async () => json<{ pods: Row[] }>(await run(['ps', '--json'])).pods.find((row) => row.name === 'yoi')?.status === 'stopped', 10_000, 'yoi stopped');
    const skipped = await run(['notify', '--as', 'boss', 'yoi', 'too late']);
    assert.is(skipped.code, 1);
    assert.match(skipped.stdout, /^notify yoi: skipped: target is (stopped|unreachable)/);
    assert.equal(json(await run(['pod', 'stop', 'yoi', '--json'])), { name: 'yoi', outcome: 'not-running' });
    const force = await run(['pod', 'stop', 'boss', '--force']);
    assert.is(force.code, 1);
    assert.match(force.stderr, /a pod on NATS is stopped with a request/);
  } finally {
    await run(['pod', 'stop', 'boss']).catch(() => undefined);
    // Whatever still runs (a failed stop) is ended by its pid: the sandbox only knows socket pods' pids.
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await nats.stop();
  }
});

test("should list only NATS's pods in ps --nats, not a socket pod of this host's runtime dir", async (context) => {
  const s = context.sandbox!;
  const nats = (context.nats = await startNatsServer());
  let local: Awaited<ReturnType<Sandbox['startPod']>> | undefined;
  let remote: Awaited<ReturnType<Sandbox['startPod']>> | undefined;
  try {
    local = await s.startPod('local');
    remote = await s.startPod('remote', ['--nats', nats.url]);
    // Each listing holds its own pod only, with its own pid.
    const onNats = json<{ pods: Row[] }>(await s.run(['ps', '--json', '--nats', nats.url])).pods;
    assert.equal(onNats.map((row) => [row.name, row.status, row.pid]), [['remote', 'live', remote.pid]]);
    const onSockets = json<{ pods: Row[] }>(await s.run(['ps', '--json'])).pods;
    assert.equal(onSockets.map((row) => [row.name, row.status, row.pid]), [['local', 'live', local.pid]]);
  } finally {
    await local?.stop('SIGTERM');
    await remote?.stop('SIGTERM');
  }
});

test('should end a pod on SIGTERM when its NATS server is gone (its connections reconnect without end)', async (context) => {
  const s = context.sandbox!;
  const nats = (context.nats = await startNatsServer());
  const pod = await s.startPod('yoi', ['--nats', nats.url]);
  await nats.kill();
  // A bound a healthy stop meets many times over: the drain that cannot finish gives up in about 2 s.
  const exit = await pod.stop('SIGTERM', 20_000);
  assert.equal(exit, { code: 0, signal: null }, pod.stderr());
});

test('should simulate a scenario over NATS with the trace it gives in memory, and say where it ran', async (context) => {
  const s = context.sandbox!;
  const nats = (context.nats = await startNatsServer());
  try {
    const scenario = join(repoRoot, 'examples', 'flaky-workspace.json');
    const args = ['simulate', scenario];
    const memory = json<{ backend: string; traceHash: string; ok: boolean }>(await s.run([...args, '--json']));
    const overNats = json<{ backend: string; traceHash: string; ok: boolean }>(await s.run([...args, '--json', '--nats', nats.url]));
    assert.equal([memory.backend, overNats.backend], ['memory', 'nats']);
    assert.ok(overNats.ok);
    assert.is(overNats.traceHash, memory.traceHash);
    const text = await s.run([...args, '-q', '--nats', nats.url]);
    assert.is(text.code, 0, text.stderr);
    assert.match(text.stdout, `over NATS ${nats.url} in `);
    assert.match(text.stdout, `trace sha256 ${memory.traceHash}`);
  } finally {
    await nats.stop();
  }
});

cli.run();
