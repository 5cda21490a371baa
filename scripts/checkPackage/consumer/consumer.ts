// A strict consumer, type-checked by check:package's `types` step in a temporary project
// where `podmesh` is the installed tarball: every entry point, the runtime, discovery, the
// outcome narrowed on `type`, the orchestrator with a board in memory, a typed error.
// Excluded from the repo's typecheck (tsconfig.json): it must meet `podmesh` as the tarball ships it.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMemoryPodStore,
  createPodRuntime,
  formatOutcome,
  PodmeshError,
  validatePodName,
  type PeerRelation,
  type PodHandle,
  type PodmeshErrorCode,
  type PodRuntime,
  type WeakNotifyOutcome,
} from 'podmesh';
import { weakNotifyMachine, decideWeakNotify } from 'podmesh/machines';
import { startPodServer, type PodServerOptions } from 'podmesh/process';
import { createTicketBoard, startOrchestrator, type HookResult, type Orchestrator } from 'podmesh/tickets';
import { createSimulation, type SimulationOptions } from 'podmesh/simulation';
import { createFaultyStore, type FaultyStore } from 'podmesh/testing';

function describe(outcome: WeakNotifyOutcome): string {
  switch (outcome.type) {
    case 'delivered':
      return 'delivered';
    case 'skipped-not-live':
      return `not live: ${outcome.status}${outcome.reason === undefined ? '' : ` (${outcome.reason})`}`;
    case 'skipped-not-peer':
      return `not a peer: ${outcome.visibility}`;
    case 'send-failed':
      return `send failed: ${outcome.error}`;
    case 'skipped-missing':
    case 'skipped-not-visible':
      return outcome.type;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

const runtime: PodRuntime = createPodRuntime({ store: createMemoryPodStore() });
const a: PodHandle = await runtime.spawnPod({ name: 'a', role: 'agent' });
const b: PodHandle = await runtime.spawnPod({ name: 'b' });
const relation: PeerRelation | null = await runtime.discovery('a').ensureExistingPeer('b');
const outcome: WeakNotifyOutcome = await runtime.discovery('a').sendWeakNotifyToLivePeer('b', 'hello', { fields: { why: 'check' } });
const text: string = formatOutcome(outcome);
const pending: readonly string[] = b.pendingNotices();
const first: string | undefined = pending[0];
console.log(a.name, relation?.peer, describe(outcome), text, first);

// A workspace is a folder that exists (the orchestrator never creates one); its name names the companion.
const scratch = await mkdtemp(join(tmpdir(), 'podmesh-consumer-'));
const workspace = join(scratch, 'yoi');
await mkdir(workspace);
await runtime.spawnPod({ name: 'yoi', role: 'companion' });
const orchestrator: Orchestrator = await startOrchestrator(runtime, { workspaceRoot: workspace, tickets: createTicketBoard() });
const created = await orchestrator.callTool('create', { title: 'Add rate limiting' });
const ticket: string | undefined = created.ticket?.id;
const commented = await orchestrator.callTool('comment', { ticket, event: 'plan', body: 'Token bucket per account.' });
const hook: HookResult | null = commented.hook;
if (hook !== null) console.log(hook.kind, describe(hook.delivery));

try {
  validatePodName('no/slashes');
} catch (error) {
  if (error instanceof PodmeshError) {
    const code: PodmeshErrorCode = error.code;
    console.log(code);
  }
}

const faulty: FaultyStore = createFaultyStore(createMemoryPodStore());
faulty.failNextWrite();
const serverOptions: Omit<PodServerOptions, 'runtime'> = { name: 'a', runtimeDir: '/tmp/podmesh-consumer/run' };
const simulation: SimulationOptions = { scenario: {}, seed: 1 };
const entryPoints: readonly unknown[] = [weakNotifyMachine, decideWeakNotify, startPodServer, createSimulation, serverOptions, simulation];
console.log(entryPoints.length, faulty.writes);
await runtime.stop();
await rm(scratch, { recursive: true, force: true });
