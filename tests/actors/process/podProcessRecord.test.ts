import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_PROCESS_RECORD_BYTES, podProcessPath, processBelongsToPod, readPodProcess, type PodProcessRecord } from '../../../src/actors/process/index.js';
import { parseProcStat, readProcStat } from '../../../src/actors/process/processBelongsToPod.js';
import { startPodServer, type PodServer } from '../../../src/actors/process/startPodServer.js';
import { createPodRuntime, type PodRuntime } from '../../../src/index.js';

interface Context {
  root: string;
  runtime?: PodRuntime;
  servers: PodServer[];
}

const linux = process.platform === 'linux';
const records = suite<Context>('pod process records', { root: '', servers: [] });

records.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-ps-'));
  context.servers = [];
  context.runtime = createPodRuntime();
  await context.runtime.spawnPod({ name: 'yoi' });
});

records.after.each(async (context) => {
  for (const server of context.servers.splice(0)) await server.close();
  await context.runtime?.stop();
  context.runtime = undefined;
  await rm(context.root, { recursive: true, force: true });
});

async function serve(context: Context): Promise<PodServer> {
  const server = await startPodServer({ runtime: context.runtime!, name: 'yoi', runtimeDir: context.root });
  context.servers.push(server);
  return server;
}

const present = (path: string): Promise<boolean> => lstat(path).then(
  () => true,
  () => false,
);

records('should write process.json (0600) once the socket is in place, and remove it on close', async (context) => {
  const server = await serve(context);
  const path = join(context.root, 'yoi', 'process.json');
  assert.is((await stat(path)).mode & 0o777, 0o600);
  const written = JSON.parse(await readFile(path, 'utf8')) as PodProcessRecord;
  assert.is(written.pid, process.pid);
  assert.is(written.name, 'yoi');
  assert.ok(Math.abs(Date.parse(written.startedAt) - Date.now()) < 60_000, `startedAt ${written.startedAt} is now`);
  assert.equal(written.argv, process.argv.slice(0, 20).map((item) => item.slice(0, 256)));
  if (linux) assert.is(written.startTicks, (await readProcStat('self'))?.startTicks);
  assert.equal(await readPodProcess(context.root, 'yoi'), written);
  assert.equal(server.process, written);
  assert.is(await processBelongsToPod(written), linux, 'this very process, verified where /proc exists');

  await server.close();
  assert.not.ok(await present(path), 'removed on close');
  assert.is(await readPodProcess(context.root, 'yoi'), null);
});

records('should read a missing, corrupt, oversized, foreign or linked record as none, without following links', async (context) => {
  assert.is(await readPodProcess(context.root, 'yoi'), null, 'no folder');
  const folder = join(context.root, 'yoi');
  await mkdir(folder);
  const path = podProcessPath(context.root, 'yoi');
  assert.is(await readPodProcess(context.root, 'yoi'), null, 'no file');
  const good = { pid: process.pid, startedAt: new Date().toISOString(), name: 'yoi', argv: ['node'] };
  await writeFile(path, JSON.stringify(good));
  assert.equal(await readPodProcess(context.root, 'yoi'), good, 'a record without startTicks is read');
  for (const bad of ['{', 'null', '[]', JSON.stringify({ ...good, pid: -1 }), JSON.stringify({ ...good, name: 'other' }), JSON.stringify({ ...good, startTicks: 12 }), JSON.stringify({ ...good, argv: 'node' })]) {
    await writeFile(path, bad);
    assert.is(await readPodProcess(context.root, 'yoi'), null, `not a record: ${bad}`);
  }
  await writeFile(path, JSON.stringify({ ...good, argv: [' '.repeat(MAX_PROCESS_RECORD_BYTES)] }));
  assert.is(await readPodProcess(context.root, 'yoi'), null, 'oversized');

  const elsewhere = join(context.root, 'elsewhere.json');
  await writeFile(elsewhere, JSON.stringify(good));
  await rm(path);
  await symlink(elsewhere, path);
  assert.is(await readPodProcess(context.root, 'yoi'), null, 'a link at process.json is not followed');

  const realFolder = join(context.root, 'real');
  await mkdir(realFolder);
  await writeFile(join(realFolder, 'process.json'), JSON.stringify(good));
  await rm(folder, { recursive: true });
  await symlink(realFolder, folder);
  assert.is(await readPodProcess(context.root, 'yoi'), null, 'a link at the pod folder is not followed');
});

records('should parse field 22 after the last parenthesis of the command name', () => {
  const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '987654', '23', '24'];
  assert.equal(parseProcStat(`4242 (evil) 1 2 (x) ${fields.join(' ')}\n`), { state: 'S', startTicks: '987654' });
  assert.is(parseProcStat('4242 no parenthesis'), undefined);
  assert.is(parseProcStat('4242 (short) S 1 2'), undefined);
});

records('should vouch only for the recorded process: not another start time, not without startTicks, not a dead pid', async () => {
  const base = { startedAt: new Date().toISOString(), name: 'yoi', argv: [] };
  const self = await readProcStat('self');
  if (linux) {
    assert.ok(self !== undefined);
    assert.ok(await processBelongsToPod({ ...base, pid: process.pid, startTicks: self!.startTicks }));
    assert.not.ok(await processBelongsToPod({ ...base, pid: process.pid, startTicks: String(BigInt(self!.startTicks) + 1n) }), 'a reused pid');
  }
  assert.not.ok(await processBelongsToPod({ ...base, pid: process.pid }), 'no startTicks to compare');
  // Far above any pid_max (4,194,304 on Linux): no such process.
  assert.not.ok(await processBelongsToPod({ ...base, pid: 2 ** 30, startTicks: self?.startTicks ?? '1' }), 'a dead pid');
});

records.run();
