import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { recordedProcessState } from '../../src/actors/process/processBelongsToPod.js';
import { sandboxSuite, waitFor, type CommandResult, type Sandbox } from '../support/podProcess.js';

/** The JSON object a command printed; fails with its output when it did not exit `code`. */
function json<T = Record<string, unknown>>(result: CommandResult, code = 0): T {
  assert.is(result.code, code, `exit ${result.code ?? result.signal}; stdout: ${result.stdout}; stderr: ${result.stderr}`);
  const value = JSON.parse(result.stdout) as unknown;
  assert.type(value, 'object', 'every --json output is an object');
  assert.ok(value !== null && !Array.isArray(value), 'an object, not a list');
  return value as T;
}

/** A failed command: exit `code`, one line on stderr matching `pattern`, nothing on stdout, no stack trace. */
function failed(result: CommandResult, code: number, pattern: RegExp): void {
  assert.is(result.code, code, `exit ${result.code ?? result.signal} for ${result.stderr}`);
  assert.match(result.stderr, /^podmesh[^\n]*\n$/, `one line: ${JSON.stringify(result.stderr)}`);
  assert.match(result.stderr, pattern);
  assert.not.match(result.stderr, /\n\s+at |Error:/);
}

interface PsRow {
  name: string;
  role: string | null;
  workspace: string | null;
  status: string;
  activity: string | null;
  pid: number | null;
  uptime: number | null;
  queued: number | null;
  dropped: number | null;
  turns: number | null;
  reason: string | null;
}

const ps = async (s: Sandbox): Promise<Map<string, PsRow>> => new Map(json<{ pods: PsRow[] }>(await s.run(['ps', '--json'])).pods.map((p) => [p.name, p]));

const session = sandboxSuite('podmesh as an operator runs it (real CLI, detached pods)');

session('should run a whole operator session: detach, ps, tickets, auto-run, force stop, rm, and the errors', async ({ sandbox }) => {
  const s = sandbox!;
  const workspace = join(s.root, 'yoi');
  await mkdir(join(workspace, 'src'), { recursive: true });
  await writeFile(join(workspace, '.podmesh-workspace'), '');

  // Detach two pods and the orchestrator.
  const yoi = json<{ name: string; pid: number; log: string }>(await s.run(['pod', 'start', 'yoi', '--role', 'companion', '--workspace', workspace, '-d', '--json']));
  assert.is(yoi.name, 'yoi');
  assert.is(yoi.log, join(s.home, 'logs', 'yoi.log'));
  const coder = await s.run(['pod', 'start', 'coder', '--role', 'coder', '--parent', 'yoi', '--detach']);
  assert.is(coder.code, 0, coder.stderr);
  assert.match(coder.stdout, /^pod coder started in the background \(pid \d+\); logs: podmesh pod logs coder/);
  const orchestrator = json<{ name: string; pid: number }>(await s.run(['orchestrator', 'start', '-d', '--json'], undefined, { cwd: join(workspace, 'src') }));
  assert.is(orchestrator.name, 'yoi-orchestrator', 'found the workspace upwards from src/, as git does');

  // ps shows all three, live, with their pids.
  const rows = await ps(s);
  assert.equal([...rows.keys()], ['coder', 'yoi', 'yoi-orchestrator']);
  for (const row of rows.values()) {
    assert.is(row.status, 'live', row.name);
    assert.type(row.pid, 'number');
    assert.ok(row.uptime !== null && row.uptime >= 0);
    assert.is(row.queued, 0);
    assert.is(row.dropped, 0);
  }
  assert.is(rows.get('yoi')!.pid, yoi.pid);
  assert.is(rows.get('yoi-orchestrator')!.pid, orchestrator.pid);
  assert.is(rows.get('yoi')!.workspace, workspace);
  assert.is(rows.get('coder')!.role, 'coder');
  const table = await s.run(['ps']);
  assert.match(table.stdout, /^NAME +ROLE +WORKSPACE +STATUS +ACTIVITY +PID +UPTIME +QUEUED +DROPPED/);
  assert.match(table.stdout, new RegExp(`\\nyoi +companion +${workspace.replace(/[/.]/g, '\\$&')} +live +idle +${yoi.pid} `));
  const shown = json<{ spawnedChildren: string[]; peers: string[]; role: string }>(await s.run(['pod', 'show', 'yoi', '--json']));
  assert.equal(shown.spawnedChildren, ['coder'], '--parent recorded the child');
  assert.equal(shown.peers, ['yoi-orchestrator'], 'the orchestrator ensured the relation at start');

  // Tickets flow; results are objects (one parse to get an id).
  const ticket = (args: string[], cwd = join(workspace, 'src')) => s.run(['ticket', ...args, '--json'], undefined, { cwd });
  const created = json<{ content: { ticket: string }; hook: unknown }>(await ticket(['create', '--title', 'Add rate limiting']));
  const id = created.content.ticket;
  assert.type(id, 'string');
  assert.is(created.hook, null);
  const planned = json<{ hook: { delivery: { type: string } } }>(await ticket(['comment', id, '--event', 'plan', '--body', 'token bucket']));
  assert.is(planned.hook.delivery.type, 'delivered');
  const wrong = json<{ ok: boolean; code: string; message: string }>(await ticket(['state', id, '--to', 'done']), 1);
  assert.is(wrong.ok, false);
  assert.is(wrong.code, 'invalid-transition');
  assert.match(wrong.message, /from planning/);
  const wrongText = await s.run(['ticket', 'state', id, '--to', 'done', '--workspace', workspace]);
  failed(wrongText, 1, /cannot move ticket .* from planning/);
  const state = json<{ pendingNotices: string[]; turns: number }>(await s.run(['pod', 'state', 'yoi', '--json']));
  assert.is(state.pendingNotices.length, 1, 'one weak notice, for the plan');
  const ref = /\nref: (.*)$/.exec(state.pendingNotices[0]!)![1]!;
  assert.match(await readFile(ref, 'utf8'), /token bucket/, "the notice's ref is a path that opens");

  // notify --auto-run says a turn was requested, and the pod runs it.
  const notified = await s.run(['notify', '--as', 'yoi-orchestrator', 'yoi', 'wake up', '--auto-run']);
  assert.is(notified.code, 0, notified.stderr);
  assert.is(notified.stdout, 'notify yoi: delivered (queued; a turn was requested)\n');
  await waitFor(async () => (await ps(s)).get('yoi')!.turns! >= 1, 10_000, 'the auto-run turn');
  const weak = await s.run(['notify', '--as', 'yoi-orchestrator', 'yoi', '-'], undefined, { stdin: 'from stdin\nsecond line' });
  assert.is(weak.stdout, 'notify yoi: delivered (queued without starting a turn)\n');
  const logs = await waitFor(async () => {
    const text = (await s.run(['pod', 'logs', 'yoi'])).stdout;
    return /notice from yoi-orchestrator \(weak; \d+ queued\)\n {2}from stdin\n {2}second line/.test(text) && /turn 1 ok/.test(text) && text;
  }, 10_000, "the companion's log");
  assert.match(logs, /notice from yoi-orchestrator \(autoRun: a turn was requested/);

  // A hung pod: unreachable; stop without --force says so; --force ends it by its pid.
  const coderPid = (await ps(s)).get('coder')!.pid!;
  process.kill(coderPid, 'SIGSTOP');
  const hung = (await ps(s)).get('coder')!;
  assert.is(hung.status, 'unreachable');
  assert.is(hung.pid, coderPid, 'the pid of a hung pod is still shown');
  failed(await s.run(['pod', 'stop', 'coder', '--timeout', '1']), 1, /--force/);
  const killed = json<{ outcome: string; pid: number }>(await s.run(['pod', 'stop', 'coder', '--force', '--timeout', '1', '--json']));
  assert.equal(killed, { name: 'coder', outcome: 'killed', pid: coderPid });
  assert.is(await recordedProcessState({ pid: coderPid, startedAt: '', name: 'coder', argv: [] }), 'exited', 'the process is gone (at most a zombie is left)');
  assert.is((await ps(s)).get('coder')!.status, 'stopped');
  const again = await s.run(['pod', 'stop', 'coder']);
  assert.is(again.code, 0, 'stopping a stopped pod is not an error');
  assert.is(again.stdout, 'pod coder is not running (nothing to stop)\n');

  // rm refuses a live pod, removes a stopped one and its place in its parent's children.
  failed(await s.run(['pod', 'rm', 'yoi']), 1, /pod yoi is live: stop it first: podmesh pod stop yoi/);
  const removed = json<{ name: string; parentsUpdated: string[] }>(await s.run(['pod', 'rm', 'coder', '--json']));
  assert.equal(removed.parentsUpdated, ['yoi']);
  assert.equal(json<{ spawnedChildren: string[] }>(await s.run(['pod', 'show', 'yoi', '--json'])).spawnedChildren, []);
  assert.not.ok((await ps(s)).has('coder'));

  // The orchestrators at a glance; the orchestrator stops (twice: the second is a note); tickets are still readable.
  assert.equal(json<{ pods: PsRow[] }>(await s.run(['orchestrator', 'ls', '--json'])).pods.map((p) => [p.name, p.status]), [['yoi-orchestrator', 'live']]);
  assert.is(json<{ outcome: string }>(await s.run(['orchestrator', 'stop', '--workspace', workspace, '--json'])).outcome, 'stopped');
  assert.is(json<{ outcome: string }>(await s.run(['orchestrator', 'stop', '--workspace', workspace, '--json'])).outcome, 'not-running');
  const listed = json<{ tickets: { id: string; state: string }[] }>(await ticket(['list']));
  assert.equal(listed.tickets.map((t) => [t.id, t.state]), [[id, 'planning']]);
  failed(await s.run(['ticket', 'ready', id, '--workspace', workspace]), 1, /orchestrator yoi-orchestrator of .* is stopped: start it with podmesh orchestrator start -d --workspace/);

  // A second workspace called yoi: the clash names both folders.
  const other = join(s.root, 'other', 'yoi');
  await mkdir(other, { recursive: true });
  failed(await s.run(['orchestrator', 'start', '--workspace', other]), 1, new RegExp(`already belongs to workspace ${workspace}.*${other}`));

  // Mistakes end in one line and a non-zero exit.
  failed(await s.run(['pod', 'state', 'yoii']), 1, /no pod named yoii .*\(did you mean yoi\?\)/);
  failed(await s.run(['pod', 'start', 'z', '--workspace', join(s.root, 'missing')]), 2, /workspace folder .*missing does not exist/);
  failed(await s.run(['pod', 'start', 'z', '--home', '/proc/nope']), 2, /^podmesh: --home \/proc\/nope cannot be created \(ENOENT\)\n$/);
  failed(await s.run(['pod', 'start', 'z', '--runtime-dir', '/proc/nope']), 2, /^podmesh: --runtime-dir \/proc\/nope cannot be created \(ENOENT\)\n$/);
  assert.not.ok((await ps(s)).has('z'), 'a start that failed left no record');
  failed(await s.run(['pod', 'start', 'yoi', '-d']), 1, new RegExp(`^podmesh: pod yoi is already running \\(pid ${yoi.pid}\\): stop it with podmesh pod stop yoi\n$`));
  failed(await s.run(['pod', 'start', 'kid', '-d', '--parent', 'nosuch']), 1, /^podmesh: pod "nosuch" does not exist\n$/);
  failed(await s.run(['notify', '--as', 'yoi', 'yoi-orchestrator']), 2, /give the message/);

  assert.is((await s.run(['pod', 'stop', 'yoi'])).code, 0);
  assert.is((await ps(s)).get('yoi')!.status, 'stopped');
});

session.run();
