import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore, createMemoryPodStore, createPodRuntime, type MemoryPodStore, type PodRuntime } from '../../src/index.js';
import { createTicketBoard, startOrchestrator, type Orchestrator, type ToolResult } from '../../src/tickets/index.js';
import { spyStore, type SpyStore } from '../support/spyStore.js';

// The workspace must be a real folder (startOrchestrator never creates one): `<tmp>/yoi`, made per suite.
let sandbox = '';
let WORKSPACE = '';

async function makeWorkspace(): Promise<void> {
  sandbox = await mkdtemp(join(tmpdir(), 'podmesh-hook-'));
  WORKSPACE = join(sandbox, 'yoi');
  await mkdir(WORKSPACE);
}

async function removeWorkspace(): Promise<void> {
  await rm(sandbox, { recursive: true, force: true });
}
const SECRET = 'SECRET-token-123';
let runtime: PodRuntime | undefined;
let turns = 0;

interface Setup {
  /** Peers of the orchestrator and of the companion before start; `null` means no companion record. */
  orchestratorPeers?: string[];
  companionPeers?: string[] | null;
}

async function start(setup: Setup = {}): Promise<{ store: SpyStore; memory: MemoryPodStore; orchestrator: Orchestrator; runtime: PodRuntime }> {
  const memory = createMemoryPodStore();
  const store = spyStore(memory);
  turns = 0;
  runtime = createPodRuntime({ store, turn: () => void (turns += 1) });
  await store.write({ name: 'yoi-orchestrator', role: 'orchestrator', peers: setup.orchestratorPeers ?? [], spawnedChildren: [] });
  if (setup.companionPeers !== null) {
    await store.write({ name: 'yoi', role: 'companion', peers: setup.companionPeers ?? [], spawnedChildren: [] });
    await runtime.spawnPod({ name: 'yoi' });
  }
  await runtime.spawnPod({ name: 'bystander' });
  const orchestrator = await startOrchestrator(runtime, { workspaceRoot: WORKSPACE, tickets: createTicketBoard() });
  return { store, memory, orchestrator, runtime };
}

async function ticketIn(orchestrator: Orchestrator, state: 'planning' | 'inprogress' = 'planning'): Promise<string> {
  const created = JSON.parse((await orchestrator.tools.create({ title: 'Fix login', body: SECRET })).content) as { ticket: string };
  if (state === 'inprogress') {
    await orchestrator.board.intakeReady(created.ticket);
    await orchestrator.board.setState(created.ticket, 'queued');
    await orchestrator.board.setState(created.ticket, 'inprogress');
  }
  return created.ticket;
}

const hook = suite('orchestrator hook');
hook.before(makeWorkspace);
hook.after(removeWorkspace);
hook.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
});

hook('should ensure the companion peer at start, repairing a one-directional relation', async () => {
  const { store, orchestrator } = await start({ companionPeers: ['yoi-orchestrator'] });
  assert.is(orchestrator.name, 'yoi-orchestrator');
  assert.is(orchestrator.companion, 'yoi');
  assert.equal(orchestrator.installed, { type: 'ensured', relation: { source: 'yoi-orchestrator', peer: 'yoi' } });
  assert.equal((await store.read('yoi-orchestrator'))?.peers, ['yoi']);
  const record = runtime!.diagnostics.recent().find((r) => r.scope === 'orchestrator');
  assert.is(record?.level, 'debug');
  assert.is(record?.fields.outcome, 'ensured');
});

hook('should deliver every lifecycle event as a weak notice the companion queues without a turn', async () => {
  const { orchestrator, runtime } = await start();
  const id = await ticketIn(orchestrator);
  const results: ToolResult[] = [
    await orchestrator.tools.comment({ ticket: id, event: 'plan', body: SECRET }),
    await orchestrator.tools.review({ ticket: id, review: 'approve', body: SECRET }),
    await orchestrator.tools.intakeReady({ ticket: id }),
    await orchestrator.tools.setState({ ticket: id, to: 'queued' }),
    await orchestrator.tools.close({ ticket: id, resolution: SECRET }),
  ];
  assert.ok(results.every((r) => !r.isError));
  const companion = runtime.pod('yoi')!;
  const notices = companion.pendingNotices();
  assert.is(notices.length, 5);
  assert.equal(
    notices.map((n) => /^event: (.*)$/m.exec(n)?.[1]),
    ['comment/plan', 'review/approve', 'state/planning->ready', 'state/ready->queued', 'close/resolution'],
  );
  assert.equal(
    notices.map((n) => /^ref: (.*)$/m.exec(n)?.[1]),
    ['thread.md', 'thread.md', 'item.md', 'item.md', 'resolution.md'].map((f) => `tickets/${id}/${f}`),
  );
  assert.match(notices[0]!, new RegExp(`^\\[Notification\\]\\nTicket event notice \\(weak; autoRun=false\\)\\nticket: ${id}\\ntitle: Fix login\\nstate: planning\\n`));
  assert.match(notices[4]!, /^state: closed$/m);
  assert.not.ok(notices.join('\n').includes(SECRET), 'no body or resolution in a notice');
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(companion.activity, 'idle');
  assert.is(turns, 0);
  assert.equal(runtime.pod('bystander')!.pendingNotices(), [], 'no other pod is notified');
});

hook('should record debug for ensured and delivered, with the ticket fields', async () => {
  const { orchestrator, runtime } = await start({ orchestratorPeers: ['yoi'], companionPeers: ['yoi-orchestrator'] });
  const id = await ticketIn(orchestrator);
  const before = runtime.diagnostics.recent().length;
  await orchestrator.tools.comment({ ticket: id, event: 'decision', body: 'x' });
  const records = runtime.diagnostics.recent().slice(before);
  assert.equal(
    records.map((r) => [r.level, r.scope, r.fields.outcome, r.fields.ticket, r.fields.event, r.fields.companion]),
    [
      ['debug', 'orchestrator', 'ensured', id, 'comment/decision', 'yoi'],
      ['debug', 'notify', 'delivered', id, 'comment/decision', 'yoi'],
    ],
  );
});

hook('should do nothing at all for passive tools, errors and ok:false results', async () => {
  const { store, orchestrator, runtime } = await start({ orchestratorPeers: ['yoi'], companionPeers: ['yoi-orchestrator'] });
  const id = await ticketIn(orchestrator);
  store.writes.length = 0;
  const diagnosticsBefore = runtime.diagnostics.recent().length;
  const passive = [
    await orchestrator.tools.create({ title: 'Another' }),
    await orchestrator.tools.list(),
    await orchestrator.tools.show({ ticket: id }),
    await orchestrator.tools.comment({ ticket: 'ZZZZZZZZZZZZZZZZ', event: 'plan', body: 'x' }),
    await orchestrator.tools.setState({ ticket: id, to: 'done' }),
    await orchestrator.tools.review({ ticket: id, review: 'maybe' }),
  ];
  assert.equal(passive.map((r) => r.isError), [false, false, false, true, true, true]);
  const elsewhere: unknown[] = [
    { toolName: 'TicketComment', isError: false, summary: 's', content: JSON.stringify({ ok: false, ticket: id, event: 'plan' }) },
    { toolName: 'TicketComment', isError: true, summary: 's', content: JSON.stringify({ ok: true, ticket: id, event: 'plan' }) },
    { toolName: 'TicketComment', isError: false, summary: 's', content: '{not json' },
    { toolName: 'TicketClose', isError: false, summary: 's', content: JSON.stringify({ ok: true, ticket: 'ZZZZZZZZZZZZZZZZ' }) },
    { toolName: 'TicketShow', isError: false, summary: 's', content: JSON.stringify({ ok: true, ticket: id }) },
    null,
    42,
    'TicketClose',
    { toolName: 'TicketClose' },
  ];
  for (const result of elsewhere) assert.is(await orchestrator.handleToolResult(result), null);
  assert.equal(store.writes, [], 'the store was not written');
  assert.is(runtime.diagnostics.recent().length, diagnosticsBefore, 'no diagnostic');
  assert.equal(runtime.pod('yoi')!.pendingNotices(), []);
});

hook('should bound and flatten a summary from elsewhere and report what it did', async () => {
  const { orchestrator } = await start();
  const id = await ticketIn(orchestrator);
  const summary = `line one\n\tline two\u0007 ${'y'.repeat(300)}`;
  const result = await orchestrator.handleToolResult({
    toolName: 'TicketComment',
    isError: false,
    summary,
    content: JSON.stringify({ ok: true, ticket: id, event: 'implementation_report', body: SECRET, error: SECRET }),
  });
  assert.ok(result);
  assert.equal(result.ensure, { type: 'ensured', relation: { source: 'yoi-orchestrator', peer: 'yoi' } });
  assert.equal(result.delivery, { type: 'delivered' });
  const line = /^summary: (.*)$/m.exec(result.notice)?.[1] ?? '';
  assert.is([...line].length, 161);
  assert.ok(line.startsWith('line one line two '));
  assert.ok(line.endsWith('…'));
  assert.not.ok(result.notice.includes(SECRET));
});

hook.run();

const boundaries = suite('orchestrator hook boundaries');
boundaries.before(makeWorkspace);
boundaries.after(removeWorkspace);
boundaries.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
});

boundaries('should never spawn a missing companion: debug for missing metadata and skipped-missing', async () => {
  const { store, orchestrator, runtime } = await start({ companionPeers: null });
  assert.equal(orchestrator.installed, { type: 'companion-missing' });
  const id = await ticketIn(orchestrator);
  const result = await orchestrator.tools.comment({ ticket: id, event: 'comment', body: 'x' });
  assert.not.ok(result.isError);
  assert.is(runtime.pod('yoi'), undefined);
  assert.is(await store.read('yoi'), null);
  const records = runtime.diagnostics.recent().filter((r) => r.fields.ticket === id);
  assert.equal(records.map((r) => [r.level, r.fields.outcome]), [
    ['debug', 'companion-missing'],
    ['debug', 'skipped-missing'],
  ]);
});

boundaries('should skip stopped and unreachable companions with a warn and never restart them', async () => {
  const { orchestrator, runtime } = await start();
  const id = await ticketIn(orchestrator);
  const companion = runtime.pod('yoi')!;
  companion.stop();
  const stopped = await orchestrator.handleToolResult(await orchestrator.board.comment(id, { event: 'plan', body: 'x' }).then(() => ({
    toolName: 'TicketComment',
    isError: false,
    summary: 'Commented',
    content: JSON.stringify({ ok: true, ticket: id, event: 'plan' }),
  })));
  assert.equal(stopped?.delivery, { type: 'skipped-not-live', status: 'stopped' });
  assert.is(companion.status, 'stopped');
  companion.start();
  companion.disconnect('EHOSTUNREACH');
  await orchestrator.tools.review({ ticket: id, review: 'request_changes' });
  assert.is(companion.status, 'unreachable');
  assert.equal(companion.pendingNotices(), []);
  const warns = runtime.diagnostics.recent().filter((r) => r.level === 'warn' && r.fields.ticket === id);
  assert.equal(warns.map((r) => r.fields.outcome), ['skipped-not-live', 'skipped-not-live']);
});

boundaries('should warn on a corrupt companion: not peered → skipped-not-visible, nothing rewritten', async () => {
  const { store, memory, orchestrator, runtime } = await start();
  await store.setPeers('yoi-orchestrator', []);
  await memory.writeRaw('yoi', '{"name":"yoi","peers":[42]}');
  const id = await ticketIn(orchestrator);
  store.writes.length = 0;
  const result = await orchestrator.handleToolResult(await orchestrator.tools.intakeReady({ ticket: id }));
  assert.equal(result?.ensure, { type: 'failed', error: result?.ensure.type === 'failed' ? result.ensure.error : '', code: 'corrupt-metadata' });
  assert.equal(result?.delivery, { type: 'skipped-not-visible' });
  assert.equal(store.writes, []);
  const levels = runtime.diagnostics.recent().filter((r) => r.fields.ticket === id).map((r) => r.level);
  assert.equal(levels, ['warn', 'warn', 'warn', 'warn'], 'tool call and handleToolResult each: ensure warn + delivery warn');
});

boundaries('should report send-failed for a corrupt companion that was already a peer', async () => {
  const { store, memory, orchestrator } = await start();
  await memory.writeRaw('yoi', 'garbage');
  const id = await ticketIn(orchestrator, 'inprogress');
  store.writes.length = 0;
  const result = await orchestrator.handleToolResult({
    toolName: 'TicketWorkflowState',
    isError: false,
    summary: 'Moved',
    content: JSON.stringify({ ok: true, ticket: id, from: 'inprogress', to: 'done' }),
  });
  assert.is(result?.ensure.type, 'failed');
  assert.is(result?.delivery.type, 'send-failed');
  assert.equal(store.writes, []);
  await assertRejectsCorrupt(store);
});

async function assertRejectsCorrupt(store: SpyStore): Promise<void> {
  try {
    await store.read('yoi');
    assert.unreachable('the corrupt record must stay corrupt');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'corrupt-metadata');
  }
}

boundaries('should debug-log a deleted companion and skip it as missing', async () => {
  const { store, orchestrator, runtime } = await start();
  await store.delete('yoi');
  const id = await ticketIn(orchestrator);
  const result = await orchestrator.handleToolResult(await orchestrator.tools.comment({ ticket: id, event: 'comment', body: 'x' }));
  assert.equal(result?.ensure, { type: 'companion-missing' });
  assert.equal(result?.delivery, { type: 'skipped-missing' });
  assert.equal(runtime.pod('yoi')!.pendingNotices(), []);
});

boundaries('should keep tickets in <workspaceRoot>/.podmesh/tickets by default', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-orchestrator-'));
  try {
    const root = join(dir, 'Yoi Workspace');
    await mkdir(root);
    runtime = createPodRuntime({ store: createFsPodStore(join(dir, 'pods')) });
    const orchestrator = await startOrchestrator(runtime, { workspaceRoot: root });
    assert.is(orchestrator.name, 'yoi-workspace-orchestrator');
    assert.is(orchestrator.companion, 'yoi-workspace');
    const id = await ticketIn(orchestrator);
    assert.equal(await readdir(join(root, '.podmesh', 'tickets')), [id]);
    assert.is(await startOrchestrator(runtime, { workspaceRoot: root }), orchestrator, 'one orchestrator per workspace');
  } finally {
    await runtime?.stop();
    runtime = undefined;
    await rm(dir, { recursive: true, force: true });
  }
});

boundaries('should reject a hook still running when the runtime stops, instead of hanging', async () => {
  const { store, orchestrator, runtime } = await start();
  const id = await ticketIn(orchestrator);
  // Hold the ensure inside its store read, so the hook is in flight when the runtime stops.
  let entered!: () => void;
  const inFlight = new Promise<void>((resolve) => (entered = resolve));
  const read = store.read;
  store.read = (name) => (name === 'yoi' ? (entered(), new Promise(() => undefined)) : read(name));
  const pending = orchestrator.handleToolResult({
    toolName: 'TicketComment',
    isError: false,
    summary: 'Commented',
    content: JSON.stringify({ ok: true, ticket: id, event: 'comment' }),
  });
  await inFlight;
  await runtime.stop();
  try {
    await pending;
    assert.unreachable('the hook must not resolve after stop');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'runtime-stopped');
  }
});

boundaries('should reject waiting and later calls when the orchestrator actor fails, and keep the runtime running', async () => {
  const { orchestrator, runtime } = await start();
  const id = await ticketIn(orchestrator);
  // Hold the next ensure so a call is waiting, then make the actor fail with an answer it cannot read.
  const read = runtime.store.read;
  runtime.store.read = () => new Promise(() => undefined);
  const waiting = orchestrator.callTool('comment', { ticket: id, event: 'comment', body: 'x' });
  await new Promise((resolve) => setImmediate(resolve));
  orchestrator.actor.send({ type: 'peer.ensured', result: undefined as never });
  runtime.store.read = read;
  for (const call of [waiting, orchestrator.callTool('comment', { ticket: id, event: 'comment', body: 'y' })]) {
    try {
      await call;
      assert.unreachable('a call on a failed orchestrator must reject');
    } catch (error) {
      assert.is((error as { code?: string }).code, 'actor-failed');
    }
  }
  assert.is(runtime.actor.getSnapshot().status, 'active');
  assert.ok(runtime.diagnostics.recent().some((r) => r.scope === 'runtime' && r.fields.actor === 'orchestrator:yoi-orchestrator'));
});

boundaries('should take 1,000 pending lifecycle events without a process warning, each answered in order', async () => {
  const { orchestrator } = await start();
  const id = await ticketIn(orchestrator);
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  try {
    const pending = Array.from({ length: 1_000 }, (_, i) =>
      orchestrator.handleToolResult({
        toolName: 'TicketComment',
        isError: false,
        summary: `Commented ${i}`,
        content: JSON.stringify({ ok: true, ticket: id, event: 'comment' }),
      }),
    );
    const results = await Promise.all(pending);
    assert.is(results.length, 1_000);
    assert.ok(results.every((result) => result !== null && result.ensure.type === 'ensured'));
    assert.equal(
      results.map((result) => Number(/Commented (\d+)/.exec(result!.notice)?.[1])),
      results.map((_, i) => i),
    );
    // Warnings are emitted on the next tick: let them arrive before looking.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(warnings.map((warning) => warning.name), []);
  } finally {
    process.off('warning', onWarning);
  }
});

boundaries.run();

