import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryPodStore, createPodRuntime, type PodRuntime } from '../../src/index.js';
import { createTicketBoard, openWorkspace, startOrchestrator, type Orchestrator } from '../../src/tickets/index.js';

interface Context {
  root: string;
  runtime: PodRuntime | undefined;
}

const ws = suite<Context>('startOrchestrator workspace', { root: '', runtime: undefined });
ws.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-ws-'));
  context.runtime = createPodRuntime({ store: createMemoryPodStore(), turn: () => undefined });
});
ws.after.each(async (context) => {
  await context.runtime?.stop();
  context.runtime = undefined;
  await rm(context.root, { recursive: true, force: true });
});

async function rejection(pending: Promise<Orchestrator>): Promise<{ code?: string; message: string }> {
  try {
    await pending;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  assert.unreachable('should reject');
  throw new Error('unreachable');
}

ws('should refuse a missing workspace folder and never create it, nor spawn anything', async ({ root, runtime }) => {
  const missing = join(root, 'yoi');
  const error = await rejection(startOrchestrator(runtime!, { workspaceRoot: missing }));
  assert.is(error.code, 'workspace-not-found');
  assert.is(error.message, `workspace folder ${missing} does not exist`);
  assert.equal(await readdir(root), [], 'no folder made');
  assert.is(await runtime!.store.read('yoi-orchestrator'), null, 'no pod spawned');
  // Not even with a board of its own: the workspace must exist.
  assert.is((await rejection(startOrchestrator(runtime!, { workspaceRoot: missing, tickets: createTicketBoard() }))).code, 'workspace-not-found');
});

ws('should refuse a workspace root that is a file', async ({ root, runtime }) => {
  const file = join(root, 'yoi');
  await writeFile(file, 'x');
  const error = await rejection(startOrchestrator(runtime!, { workspaceRoot: file }));
  assert.equal([error.code, error.message], ['workspace-not-found', `workspace folder ${file} is not a folder`]);
});

ws('should keep tickets in <workspaceRoot>/.podmesh/tickets by default, say so in ticketsDir, and ref paths that open', async ({ root, runtime }) => {
  const workspace = join(root, 'yoi');
  await mkdir(workspace);
  await runtime!.spawnPod({ name: 'yoi', role: 'companion', workspaceRoot: workspace });
  const orchestrator = await startOrchestrator(runtime!, { workspaceRoot: workspace });
  assert.is(orchestrator.ticketsDir, join(workspace, '.podmesh', 'tickets'));
  assert.is(orchestrator.workspaceRoot, workspace);
  assert.equal(await readdir(workspace), [], 'nothing written before the first ticket');
  const created = JSON.parse((await orchestrator.tools.create({ title: 'T' })).content) as { ticket: string };
  await orchestrator.tools.comment({ ticket: created.ticket, event: 'plan', body: 'x' });
  await orchestrator.tools.intakeReady({ ticket: created.ticket });
  await orchestrator.tools.close({ ticket: created.ticket, resolution: 'done' });
  const refs = runtime!.pod('yoi')!.pendingNotices().map((n) => /^ref: (.*)$/m.exec(n)?.[1] ?? '');
  assert.equal(refs, ['thread.md', 'item.md', 'resolution.md'].map((file) => join(workspace, '.podmesh', 'tickets', created.ticket, file)));
  for (const ref of refs) assert.ok((await stat(ref)).isFile(), `${ref} opens`);
});

ws('should ref the absolute path of a given file board, and keep the relative form for a board in memory', async ({ root, runtime }) => {
  const workspace = join(root, 'yoi');
  await mkdir(workspace);
  await runtime!.spawnPod({ name: 'yoi', role: 'companion' });
  const dir = join(root, 'home', 'tickets', 'yoi-orchestrator');
  const orchestrator = await startOrchestrator(runtime!, { workspaceRoot: workspace, tickets: createTicketBoard({ dir }) });
  assert.is(orchestrator.ticketsDir, dir);
  const id = (JSON.parse((await orchestrator.tools.create({ title: 'T' })).content) as { ticket: string }).ticket;
  const hook = (await orchestrator.callTool('comment', { ticket: id, event: 'comment', body: 'x' })).hook;
  const ref = /^ref: (.*)$/m.exec(hook?.notice ?? '')?.[1] ?? '';
  assert.is(ref, join(dir, id, 'thread.md'));
  assert.ok((await stat(ref)).isFile());
  assert.equal(await readdir(workspace), [], 'a given board writes nothing in the workspace');

  const other = join(root, 'memory');
  await mkdir(other);
  const inMemory = await startOrchestrator(runtime!, { workspaceRoot: other, tickets: createTicketBoard() });
  assert.is(inMemory.ticketsDir, undefined);
  const memoryId = (JSON.parse((await inMemory.tools.create({ title: 'T' })).content) as { ticket: string }).ticket;
  const memoryHook = (await inMemory.callTool('intakeReady', { ticket: memoryId })).hook;
  assert.match(memoryHook?.notice ?? '', new RegExp(`\\nref: tickets/${memoryId}/item\\.md$`));
});

ws('should refuse a workspace whose pods belong to another folder of the same name, naming both', async ({ root, runtime }) => {
  const a = join(root, 'a', 'yoi');
  const b = join(root, 'b', 'yoi');
  await mkdir(a, { recursive: true });
  await mkdir(b, { recursive: true });
  await runtime!.store.write({ name: 'yoi-orchestrator', role: 'orchestrator', workspaceRoot: a, peers: [], spawnedChildren: [] });
  const error = await rejection(startOrchestrator(runtime!, { workspaceRoot: b, tickets: createTicketBoard() }));
  assert.is(error.code, 'workspace-clash');
  assert.is(
    error.message,
    `pod yoi-orchestrator already belongs to workspace ${a}; this workspace ${b} has the same name: ` +
      `name it with \`echo NAME > ${b}/.podmesh-workspace\` (or remove the other's pods with podmesh pod rm)`,
  );
  assert.is((await runtime!.store.read('yoi-orchestrator'))?.workspaceRoot, a, 'the other workspace keeps its pod');
  assert.is(runtime!.pod('yoi-orchestrator'), undefined, 'nothing spawned');
});

ws('should refuse a companion that belongs to another folder, and take one of this folder or of none', async ({ root, runtime }) => {
  const a = join(root, 'a', 'yoi');
  const b = join(root, 'b', 'yoi');
  await mkdir(a, { recursive: true });
  await mkdir(b, { recursive: true });
  await runtime!.store.write({ name: 'yoi', role: 'companion', workspaceRoot: a, peers: [], spawnedChildren: [] });
  const error = await rejection(startOrchestrator(runtime!, { workspaceRoot: b, tickets: createTicketBoard() }));
  assert.is(error.code, 'workspace-clash');
  assert.match(error.message, `pod yoi already belongs to workspace ${a}; this workspace ${b} has the same name`);
  const started = await startOrchestrator(runtime!, { workspaceRoot: join(a, '.', 'sub', '..'), tickets: createTicketBoard() });
  assert.is(started.workspaceRoot, a, 'the same folder, spelled otherwise');
  assert.is((await runtime!.store.read('yoi-orchestrator'))?.workspaceRoot, a);
});

ws('should refuse a second workspace of the same name in one runtime, and return the running one for the same folder', async ({ root, runtime }) => {
  const a = join(root, 'a', 'yoi');
  const b = join(root, 'b', 'yoi');
  await mkdir(a, { recursive: true });
  await mkdir(b, { recursive: true });
  const first = await startOrchestrator(runtime!, { workspaceRoot: a, tickets: createTicketBoard() });
  assert.is(await startOrchestrator(runtime!, { workspaceRoot: a }), first);
  assert.is((await rejection(startOrchestrator(runtime!, { workspaceRoot: b, tickets: createTicketBoard() }))).code, 'workspace-clash');
});

ws('should name the pods after the workspace name of the marker, which ends a clash', async ({ root, runtime }) => {
  const a = join(root, 'a', 'yoi');
  const b = join(root, 'b', 'yoi');
  await mkdir(a, { recursive: true });
  await mkdir(b, { recursive: true });
  await startOrchestrator(runtime!, { workspaceRoot: a, tickets: createTicketBoard() });
  await writeFile(join(b, '.podmesh-workspace'), 'Yoi B\n');
  const workspace = await openWorkspace(b);
  const named = await startOrchestrator(runtime!, { workspaceRoot: workspace.root, name: workspace.name!, tickets: createTicketBoard() });
  assert.equal([named.name, named.companion], ['yoi-b-orchestrator', 'yoi-b']);
  assert.is((await runtime!.store.read('yoi-b-orchestrator'))?.workspaceRoot, b);
});

ws('should start a virtual workspace without a folder, with its board in memory', async ({ runtime }) => {
  const orchestrator = await startOrchestrator(runtime!, { workspaceRoot: '/sim/ws-0000', virtual: true });
  assert.is(orchestrator.name, 'ws-0000-orchestrator');
  assert.is(orchestrator.ticketsDir, undefined);
  assert.is(orchestrator.board.dir, undefined);
});

ws.run();
