/**
 * The podmesh demo (`npm start`): a fresh workspace with the file store, a
 * companion and an orchestrator whose peer metadata is one-directional, ticket
 * lifecycle events and passive reads, then the companion stopped, disconnected
 * and deleted in turn. Prints what the hook did for every step and what the
 * companion has queued.
 *
 * Usage: npm start [-- --keep] [-- --help]
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFsPodStore, createPodRuntime, formatOutcome } from '../src/index.js';
import { startOrchestrator, type PeerEnsureOutcome, type TicketToolMethod, type ToolCall } from '../src/tickets/index.js';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    [
      'usage: npm start [-- --keep | --home DIR]',
      '',
      'Runs the podmesh demo in a new temporary workspace and prints a table of',
      'ticket events, the peer ensure result and the weak notify outcome of each.',
      '  --keep       keep the temporary workspace (pods/ and tickets/) and print its path',
      '  --home DIR   run in DIR instead and keep it, for `podmesh inspect --home DIR`',
      '               (a DIR an earlier demo made is cleared first; any other non-empty DIR is refused)',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const homeAt = args.indexOf('--home');
const homeArg = homeAt === -1 ? undefined : args[homeAt + 1];
if (homeAt !== -1 && (homeArg === undefined || homeArg.startsWith('-'))) {
  process.stderr.write('podmesh demo: --home needs a folder (try --help)\n');
  process.exit(2);
}
const unknown = args.filter((a, i) => a !== '--keep' && i !== homeAt && i !== homeAt + 1);
if (unknown.length > 0) {
  process.stderr.write(`podmesh demo: unknown argument ${JSON.stringify(unknown[0])} (try --help)\n`);
  process.exit(2);
}

function describeEnsure(ensure: PeerEnsureOutcome | undefined): string {
  if (ensure === undefined) return '—';
  if (ensure.type === 'ensured') return 'ensured (reciprocal)';
  if (ensure.type === 'companion-missing') return 'companion missing';
  return `failed: ${ensure.code ?? ensure.error}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const line = (r: string[]) => r.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The demo's folder: a new temporary one, or `--home DIR` (cleared only when an earlier demo made it). */
async function demoFolder(dir: string | undefined): Promise<string> {
  if (dir === undefined) return mkdtemp(join(tmpdir(), 'podmesh-demo-'));
  const path = resolve(dir);
  const entries = await readdir(path).catch(() => [] as string[]);
  if (entries.length > 0) {
    if (!entries.includes(DEMO_MARKER)) {
      process.stderr.write(`podmesh demo: ${path} is not empty and no earlier demo made it: choose another folder\n`);
      process.exit(2);
    }
    await rm(path, { recursive: true, force: true });
  }
  await mkdir(path, { recursive: true });
  await writeFile(join(path, DEMO_MARKER), 'made by npm start -- --home; cleared by the next one\n');
  return path;
}
const DEMO_MARKER = '.podmesh-demo';
const base = await demoFolder(homeArg);
const workspaceRoot = join(base, 'yoi');
await mkdir(workspaceRoot);
const store = createFsPodStore(join(base, 'pods'));
const runtime = createPodRuntime({ store });

try {
  // A companion and an orchestrator that exist, with the peer relation on one side only.
  const companion = await runtime.spawnPod({ name: 'yoi', role: 'companion', workspaceRoot });
  await runtime.spawnPod({ name: 'yoi-orchestrator', role: 'orchestrator', workspaceRoot });
  await store.addPeer('yoi', 'yoi-orchestrator');
  const before = `orchestrator peers ${JSON.stringify((await store.read('yoi-orchestrator'))?.peers)}, companion peers ${JSON.stringify((await store.read('yoi'))?.peers)}`;

  const orchestrator = await startOrchestrator(runtime, { workspaceRoot });
  const after = `orchestrator peers ${JSON.stringify((await store.read('yoi-orchestrator'))?.peers)}, companion peers ${JSON.stringify((await store.read('yoi'))?.peers)}`;

  // Each tool call answers with its result and what the hook did for it.
  const rows: string[][] = [['step', 'tool', 'event', 'ensure', 'delivery']];
  const step = async (label: string, method: TicketToolMethod, args: Record<string, unknown> = {}): Promise<ToolCall> => {
    const call = await orchestrator.callTool(method, args);
    const { result, hook } = call;
    rows.push([
      label,
      result.isError ? `${result.toolName} (error)` : result.toolName,
      hook?.kind ?? 'none (no notice)',
      describeEnsure(hook?.ensure),
      hook === null ? '—' : formatOutcome(hook.delivery),
    ]);
    return call;
  };

  const created = await step('create a ticket', 'create', { title: 'Add login rate limiting', body: 'Limit to 5 attempts a minute.' });
  const ticket = created.ticket!.id;
  await step('plan it', 'comment', { ticket, event: 'plan', body: 'Token bucket per account.' });
  await step('intake ready', 'intakeReady', { ticket });
  await step('passive read', 'show', { ticket });
  await step('passive list', 'list');
  await step('queue it', 'setState', { ticket, to: 'queued' });
  await step('start work', 'setState', { ticket, to: 'inprogress' });
  await step('bad move (error)', 'setState', { ticket, to: 'planning' });
  companion.stop();
  await step('companion stopped', 'comment', { ticket, event: 'implementation_report', body: 'Done, see PR.' });
  companion.start();
  companion.disconnect('simulated network fault');
  await step('companion unreachable', 'review', { ticket, review: 'approve' });
  companion.reconnect();
  await step('companion back', 'setState', { ticket, to: 'done' });
  await store.delete('yoi');
  await step('companion deleted', 'close', { ticket, resolution: 'Shipped in 1.4.' });

  const out: string[] = [];
  out.push(`podmesh demo — workspace ${workspaceRoot} (file store)`, '');
  out.push(`before start: ${before}`);
  out.push(`at start:     ensure ${describeEnsure(orchestrator.installed)}; ${after}`, '');
  out.push(table(rows), '');
  out.push(`companion status: ${companion.status}/${companion.activity ?? '-'}, turns run: ${companion.history().length}`);
  out.push(`companion queued notices (${companion.pendingNotices().length}, autoRun=false, no turn started):`);
  for (const [i, notice] of companion.pendingNotices().entries()) {
    out.push(`--- notice ${i + 1}`, notice);
  }
  const diagnostics = runtime.diagnostics.recent();
  out.push('', `diagnostics: ${diagnostics.length} records (${diagnostics.filter((d) => d.level === 'warn').length} warn)`);
  for (const d of diagnostics.filter((r) => r.level === 'warn')) {
    out.push(`  warn ${d.scope}: ${d.message} [${Object.entries(d.fields).map(([k, v]) => `${k}=${v}`).join(' ')}]`);
  }
  process.stdout.write(out.join('\n') + '\n');
} finally {
  await runtime.stop();
  if (homeArg !== undefined) process.stdout.write(`kept ${base}: podmesh inspect --home ${homeArg}\n`);
  else if (args.includes('--keep')) process.stdout.write(`kept ${base}\n`);
  else await rm(base, { recursive: true, force: true });
}
