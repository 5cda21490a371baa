import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTicketBoard, readTicket, readTicketBoard, readTicketList } from '../../src/tickets/index.js';

interface Context {
  root: string;
}

const read = suite<Context>('readTicketBoard', { root: '' });
read.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-read-'));
});
read.after.each(async (context) => {
  await rm(context.root, { recursive: true, force: true });
});

/** Every path under `dir` with its modification time, to prove a read wrote nothing. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const info = await stat(join(dir, entry));
    out.push(`${entry} ${info.mtimeMs} ${info.size}`);
  }
  return out.sort();
}

read('should list and show a board written by createTicketBoard, without an orchestrator', async ({ root }) => {
  const dir = join(root, 'tickets', 'yoi-orchestrator');
  const board = createTicketBoard({ dir });
  const first = await board.create({ title: 'Fix login', body: 'the body' });
  const second = await board.create({ title: 'Second' });
  await board.comment(first.id, { event: 'plan', body: 'step one' });
  await board.close(second.id, 'not needed');
  const before = await snapshot(dir);

  assert.equal(await readTicketList(dir), [
    { id: first.id, title: 'Fix login', state: 'planning', createdAt: first.createdAt, updatedAt: (await board.get(first.id))!.updatedAt },
    { id: second.id, title: 'Second', state: 'closed', createdAt: second.createdAt, updatedAt: (await board.get(second.id))!.updatedAt },
  ]);
  assert.equal(await readTicket(dir, first.id), await board.get(first.id));
  const closed = await readTicket(dir, second.id);
  assert.is(closed?.resolution, 'not needed');
  assert.equal(await snapshot(dir), before, 'nothing written, no lock left');
});

read('should read a missing board folder as empty, creating nothing', async ({ root }) => {
  const dir = join(root, 'tickets', 'nobody');
  assert.equal(await readTicketList(dir), []);
  assert.equal(await readTicketBoard(dir), { tickets: [], skipped: [] });
  assert.is(await readTicket(dir, '0000000000000000'), null);
  assert.equal(await readdir(root), []);
});

read('should skip and count corrupt ticket folders, and read them as no ticket', async ({ root }) => {
  const dir = join(root, 'board');
  const board = createTicketBoard({ dir });
  const good = await board.create({ title: 'Good' });
  const broken = await board.create({ title: 'Broken' });
  await writeFile(join(dir, broken.id, 'item.md'), 'not a ticket');
  const crashed = '0000000000000001';
  await mkdir(join(dir, crashed));
  await writeFile(join(dir, 'notes.txt'), 'not a folder');
  const listing = await readTicketBoard(dir);
  assert.equal(listing.tickets.map((t) => t.id), [good.id]);
  assert.equal(listing.skipped, [crashed, broken.id].sort());
  assert.equal((await readTicketList(dir)).map((t) => t.id), [good.id]);
  assert.is(await readTicket(dir, broken.id), null);
  assert.is(await readTicket(dir, crashed), null);
});

read('should not read through a link, a path-like id or a file in place of a ticket', async ({ root }) => {
  const dir = join(root, 'board');
  const elsewhere = join(root, 'elsewhere');
  const real = await createTicketBoard({ dir: elsewhere }).create({ title: 'Outside' });
  await mkdir(dir);
  await symlink(join(elsewhere, real.id), join(dir, real.id));
  assert.is(await readTicket(dir, real.id), null);
  assert.equal(await readTicketList(dir), []);
  assert.is(await readTicket(dir, '../elsewhere'), null);
  await writeFile(join(dir, '0000000000000002'), 'file');
  assert.is(await readTicket(dir, '0000000000000002'), null);
  assert.not.equal(await readTicket(elsewhere, real.id), null, 'the ticket itself reads');
});

read.run();
