import { chmod, chown, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UnsafeRuntimeDirError } from '../../../src/actors/process/podPaths.js';
import { startPodServer, type PodServer } from '../../../src/actors/process/startPodServer.js';
import { createPodRuntime, type PodRuntime } from '../../../src/index.js';

interface Context {
  root: string;
  runtime?: PodRuntime;
  servers: PodServer[];
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o7777;

const runtimeDirs = suite<Context>('runtime folders: modes and links', { root: '', servers: [] });

runtimeDirs.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-dir-'));
  context.servers = [];
  context.runtime = createPodRuntime();
  await context.runtime.spawnPod({ name: 'yoi' });
});

runtimeDirs.after.each(async (context) => {
  for (const server of context.servers.splice(0)) await server.close();
  await context.runtime?.stop();
  context.runtime = undefined;
  await rm(context.root, { recursive: true, force: true });
});

/** Starts the pod's server on `runtimeDir`, bounded: a lock that cannot be taken fails the test instead of waiting it out. */
async function serve(context: Context, runtimeDir: string, ms = 1_500): Promise<PodServer> {
  const started = performance.now();
  const server = await startPodServer({ runtime: context.runtime!, name: 'yoi', runtimeDir });
  context.servers.push(server);
  assert.ok(performance.now() - started < ms, `started after ${Math.round(performance.now() - started)} ms`);
  return server;
}

const refusal = (context: Context, runtimeDir: string): Promise<unknown> =>
  startPodServer({ runtime: context.runtime!, name: 'yoi', runtimeDir }).then(
    (server) => {
      context.servers.push(server);
      return undefined;
    },
    (error: unknown) => error,
  );

runtimeDirs('should leave an existing shared runtime dir as it is (1777) and make the pod folder 0700', async (context) => {
  const shared = join(context.root, 'shared');
  await mkdir(shared);
  await chmod(shared, 0o1777);
  await serve(context, shared);
  assert.is((await modeOf(shared)).toString(8), '1777');
  assert.is((await modeOf(join(shared, 'yoi'))).toString(8), '700');
});

runtimeDirs('should create missing folders 0700 and chmod none above the first one it created', async (context) => {
  const parent = join(context.root, 'parent');
  await mkdir(parent);
  await chmod(parent, 0o755);
  const runtimeDir = join(parent, 'a', 'b');
  const umask = process.umask(0o277); // mkdir alone would then make 0500 folders
  try {
    await serve(context, runtimeDir);
  } finally {
    process.umask(umask);
  }
  assert.is((await modeOf(parent)).toString(8), '755');
  for (const folder of [join(parent, 'a'), runtimeDir, join(runtimeDir, 'yoi')]) assert.is((await modeOf(folder)).toString(8), '700', folder);
});

runtimeDirs('should refuse a link, a file or another user folder at <runtimeDir>/<name>, touching nothing behind it', async (context) => {
  const runtimeDir = join(context.root, 'run');
  await mkdir(runtimeDir, { mode: 0o700 });
  const elsewhere = join(context.root, 'elsewhere');
  await mkdir(elsewhere);
  await chmod(elsewhere, 0o755);
  const plant = async (make: (path: string) => Promise<void>) => {
    await rm(join(runtimeDir, 'yoi'), { recursive: true, force: true });
    await make(join(runtimeDir, 'yoi'));
  };
  const cases: [string, (path: string) => Promise<void>, RegExp][] = [
    ['a link to a folder', (path) => symlink(elsewhere, path), /symbolic link/],
    ['a dangling link', (path) => symlink(join(context.root, 'nothing'), path), /symbolic link/],
    ['a file', (path) => writeFile(path, 'x'), /not a folder/],
  ];
  if (process.getuid?.() === 0) {
    cases.push([
      "another user's folder",
      async (path) => {
        await mkdir(path, { mode: 0o700 });
        await chown(path, 65534, 65534);
      },
      /another user/,
    ]);
  }
  for (const [what, make, reason] of cases) {
    await plant(make);
    const error = await refusal(context, runtimeDir);
    assert.instance(error, UnsafeRuntimeDirError, what);
    assert.is((error as UnsafeRuntimeDirError).code, 'invalid-argument', what);
    assert.match((error as Error).message, reason, what);
  }
  assert.is((await modeOf(elsewhere)).toString(8), '755', 'the link target keeps its mode');
  assert.equal(await readdir(elsewhere), [], 'no lock or socket behind the link');
});

runtimeDirs('should start at once over a link, a file or a folder with contents at pod.lock', async (context) => {
  const runtimeDir = join(context.root, 'run');
  const lockPath = join(runtimeDir, 'yoi', 'pod.lock');
  const elsewhere = join(context.root, 'elsewhere');
  await mkdir(elsewhere);
  const cases: [string, () => Promise<void>][] = [
    ['a link to a fresh folder', () => symlink(elsewhere, lockPath)],
    ['a dangling link', () => symlink(join(context.root, 'nothing'), lockPath)],
    ['a file', () => writeFile(lockPath, '')],
    ['a folder with a file in it', () => mkdir(lockPath).then(() => writeFile(join(lockPath, 'x'), ''))],
  ];
  for (const [what, plant] of cases) {
    await mkdir(join(runtimeDir, 'yoi'), { recursive: true, mode: 0o700 });
    await plant();
    const server = await serve(context, runtimeDir).catch((error: unknown) => {
      throw new Error(`${what}: ${(error as Error).message}`);
    });
    await server.close();
    context.servers.pop();
  }
  assert.ok((await stat(elsewhere)).isDirectory(), 'the link target is still there');
});

runtimeDirs.run();
