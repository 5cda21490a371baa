import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findWorkspace, openWorkspace, type Workspace } from '../../src/tickets/index.js';

interface Context {
  root: string;
}

const find = suite<Context>('findWorkspace', { root: '' });
find.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-find-'));
});
find.after.each(async (context) => {
  await rm(context.root, { recursive: true, force: true });
});

async function rejects(pending: Promise<Workspace>, code: string, message: string): Promise<void> {
  try {
    await pending;
    assert.unreachable('should reject');
  } catch (error) {
    assert.instance(error, Error);
    assert.is((error as { code?: string }).code, code);
    assert.is((error as Error).message, message);
  }
}

find('should walk up from a subfolder to the folder holding .podmesh-workspace', async ({ root }) => {
  const ws = join(root, 'Yoi Project');
  await mkdir(join(ws, 'src', 'deep'), { recursive: true });
  await writeFile(join(ws, '.podmesh-workspace'), '');
  const found = await findWorkspace(join(ws, 'src', 'deep'));
  assert.equal(found, { root: ws, marker: '.podmesh-workspace', names: { companion: 'yoi-project', orchestrator: 'yoi-project-orchestrator' } });
  assert.equal(await findWorkspace(ws), found, 'the folder itself counts');
});

find('should resolve a relative start against the working directory', async ({ root }) => {
  const ws = join(root, 'yoi');
  await mkdir(join(ws, 'sub'), { recursive: true });
  await mkdir(join(ws, '.git'));
  const found = await findWorkspace(relative(process.cwd(), join(ws, 'sub')));
  assert.is(found.root, ws);
  assert.is(found.marker, '.git');
});

find('should take the first non-empty line of the marker as the name, and the pod names from it', async ({ root }) => {
  const ws = join(root, 'yoi');
  await mkdir(join(ws, 'sub'), { recursive: true });
  await writeFile(join(ws, '.podmesh-workspace'), '\n   \r\n  Yoi Work\t\n second line\n');
  const found = await findWorkspace(join(ws, 'sub'));
  assert.is(found.name, 'Yoi Work');
  assert.equal(found.names, { companion: 'yoi-work', orchestrator: 'yoi-work-orchestrator' });
});

find('should read only the first 4 KiB of a marker', async ({ root }) => {
  const ws = join(root, 'yoi');
  await mkdir(ws);
  // A name past 4 KiB of blank lines is not read: the basename names the pods.
  await writeFile(join(ws, '.podmesh-workspace'), '\n'.repeat(5000) + 'late name\n');
  const found = await findWorkspace(ws);
  assert.is(found.name, undefined);
  assert.is(found.names.companion, 'yoi');
});

find('should accept a .git file (a worktree) and prefer .podmesh-workspace in the same folder', async ({ root }) => {
  const wt = join(root, 'wt-tickets');
  await mkdir(join(wt, 'src'), { recursive: true });
  await writeFile(join(wt, '.git'), 'gitdir: /elsewhere/.git/worktrees/wt-tickets\n');
  const found = await findWorkspace(join(wt, 'src'));
  assert.equal([found.root, found.marker, found.name, found.names.companion], [wt, '.git', undefined, 'wt-tickets']);
  await writeFile(join(wt, '.podmesh-workspace'), 'tickets\n');
  const marked = await findWorkspace(join(wt, 'src'));
  assert.equal([marked.marker, marked.name, marked.names.orchestrator], ['.podmesh-workspace', 'tickets', 'tickets-orchestrator']);
});

find('should stop at the nearest marked folder, not an outer one', async ({ root }) => {
  await mkdir(join(root, 'outer', 'inner', 'x'), { recursive: true });
  await writeFile(join(root, 'outer', '.podmesh-workspace'), 'outer');
  await mkdir(join(root, 'outer', 'inner', '.git'));
  assert.is((await findWorkspace(join(root, 'outer', 'inner', 'x'))).root, join(root, 'outer', 'inner'));
});

find('should not take a .podmesh-workspace folder as a marker', async ({ root }) => {
  await mkdir(join(root, 'a', '.podmesh-workspace'), { recursive: true });
  await writeFile(join(root, '.podmesh-workspace'), '');
  assert.is((await findWorkspace(join(root, 'a'))).root, root);
});

find('should reject with workspace-not-found when nothing is marked up to the root, creating nothing', async ({ root }) => {
  const start = join(root, 'plain', 'sub');
  await mkdir(start, { recursive: true });
  // The temporary folder may sit inside a marked folder on some machine: then that one is found, as git would.
  const outer = await findWorkspace(tmpdir()).catch(() => undefined);
  if (outer !== undefined) {
    assert.is((await findWorkspace(start)).root, outer.root);
    return;
  }
  await rejects(
    findWorkspace(start),
    'workspace-not-found',
    `no workspace at or above ${start}: a workspace is a folder holding .podmesh-workspace or .git ` +
      '(mark one with: touch DIR/.podmesh-workspace, or pass --workspace DIR)',
  );
  assert.equal(await readdir(start), []);
});

find.run();

const open = suite<Context>('openWorkspace', { root: '' });
open.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-open-'));
});
open.after.each(async (context) => {
  await rm(context.root, { recursive: true, force: true });
});

open('should open an explicit folder without a marker, named by its basename', async ({ root }) => {
  const ws = join(root, 'Yoi');
  await mkdir(ws);
  assert.equal(await openWorkspace(ws), { root: ws, marker: null, names: { companion: 'yoi', orchestrator: 'yoi-orchestrator' } });
});

open('should read the marker of an explicit folder, and not walk up from it', async ({ root }) => {
  await writeFile(join(root, '.podmesh-workspace'), 'outer');
  const ws = join(root, 'yoi');
  await mkdir(ws);
  assert.equal((await openWorkspace(ws)).marker, null);
  await writeFile(join(ws, '.podmesh-workspace'), 'named\n');
  assert.equal(await openWorkspace(ws), { root: ws, marker: '.podmesh-workspace', name: 'named', names: { companion: 'named', orchestrator: 'named-orchestrator' } });
});

open('should reject a missing folder and a file with workspace-not-found, creating nothing', async ({ root }) => {
  const missing = join(root, 'missing');
  await rejects(openWorkspace(missing), 'workspace-not-found', `workspace folder ${missing} does not exist`);
  await rejects(openWorkspace(join(missing, 'deeper')), 'workspace-not-found', `workspace folder ${join(missing, 'deeper')} does not exist`);
  const file = join(root, 'file');
  await writeFile(file, 'x');
  await rejects(openWorkspace(file), 'workspace-not-found', `workspace folder ${file} is not a folder`);
  await rejects(openWorkspace(join(file, 'sub')), 'workspace-not-found', `workspace folder ${join(file, 'sub')} does not exist`);
  assert.equal(await readdir(root), ['file']);
});

open.run();
