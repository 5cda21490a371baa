import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { errorCode } from '../../../src/core/errors.js';
import { ensurePrivateDir } from '../../../src/actors/process/podPaths.js';
import { makeFolders, NotAFolderError } from '../../../src/actors/stores/makeFolders.js';
import { within } from '../../support/podProcess.js';

const folders = suite<{ root: string }>('makeFolders', { root: '' });

folders.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-folders-'));
});
folders.after.each(async ({ root }) => {
  await rm(root, { recursive: true, force: true });
});

/** The rejection of `promise`, which must come within 5 s (a hang fails the test). */
async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  return within(
    promise.then(
      () => {
        throw new Error(`${what} resolved`);
      },
      (error: unknown) => error,
    ),
    5_000,
    what,
  );
}

folders('should create every missing level and answer the top one, as mkdir recursive does', async ({ root }) => {
  const target = join(root, 'a', 'b', 'c');
  assert.is(await makeFolders(target, 0o700), join(root, 'a'));
  assert.ok((await stat(target)).isDirectory());
  assert.is((await stat(join(root, 'a', 'b'))).mode & 0o077, 0, 'created owner-only');
  assert.is(await makeFolders(target, 0o700), undefined, 'nothing to create');
});

folders('should take a level made by a concurrent creator as made', async ({ root }) => {
  const target = join(root, 'x', 'y');
  const results = await Promise.all(Array.from({ length: 8 }, () => makeFolders(target, 0o700)));
  assert.ok((await stat(target)).isDirectory());
  assert.ok(results.every((result) => result === undefined || result.startsWith(join(root, 'x'))));
});

folders('should reject a path under /proc at once instead of looping', async () => {
  if (process.platform !== 'linux') return;
  const error = await rejection(makeFolders('/proc/nope/x', 0o700), 'makeFolders(/proc/nope/x)');
  assert.is(errorCode(error), 'ENOENT');
  assert.match((error as Error).message, /\/proc\/nope/);
  assert.not.match((error as Error).message, /\n/);
});

folders('should reject a path under a regular file, naming the file', async ({ root }) => {
  const file = join(root, 'plain');
  await writeFile(file, 'x');
  const error = await rejection(makeFolders(join(file, 'x', 'y'), 0o700), 'makeFolders under a file');
  assert.instance(error, NotAFolderError);
  assert.is(errorCode(error), 'invalid-argument');
  assert.is((error as Error).message, `${file} is not a folder`);
});

folders('should make ensurePrivateDir reject under /proc and under a file, never hang', async ({ root }) => {
  const file = join(root, 'plain');
  await writeFile(file, 'x');
  assert.instance(await rejection(ensurePrivateDir(join(file, 'run')), 'ensurePrivateDir under a file'), NotAFolderError);
  if (process.platform !== 'linux') return;
  assert.is(errorCode(await rejection(ensurePrivateDir('/proc/nope/x'), 'ensurePrivateDir(/proc/nope/x)')), 'ENOENT');
});

folders.run();
