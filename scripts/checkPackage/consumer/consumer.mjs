// check:package's `run` step: the calls of consumer.ts at run time against the installed
// tarball; prints what happened as one JSON line and exits 1 unless it is what a user expects.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryPodStore, createPodRuntime, formatOutcome, PodmeshError, validatePodName } from 'podmesh';
import { createTicketBoard, startOrchestrator } from 'podmesh/tickets';

const runtime = createPodRuntime({ store: createMemoryPodStore() });
await runtime.spawnPod({ name: 'a', role: 'agent' });
const b = await runtime.spawnPod({ name: 'b' });
const relation = await runtime.discovery('a').ensureExistingPeer('b');
const outcome = await runtime.discovery('a').sendWeakNotifyToLivePeer('b', 'hello');
// A workspace is a folder that exists (the orchestrator never creates one); its name names the companion.
const scratch = await mkdtemp(join(tmpdir(), 'podmesh-consumer-'));
const workspace = join(scratch, 'yoi');
await mkdir(workspace);
await runtime.spawnPod({ name: 'yoi', role: 'companion' });
const orchestrator = await startOrchestrator(runtime, { workspaceRoot: workspace, tickets: createTicketBoard() });
const created = await orchestrator.callTool('create', { title: 'Add rate limiting' });
const commented = await orchestrator.callTool('comment', { ticket: created.ticket?.id, event: 'plan', body: 'Token bucket per account.' });
let code = null;
try {
  validatePodName('no/slashes');
} catch (error) {
  if (error instanceof PodmeshError) code = error.code;
}
const report = {
  relation,
  outcome,
  formatted: formatOutcome(outcome),
  pendingOnB: b.pendingNotices().length,
  ticketHook: commented.hook === null ? null : { kind: commented.hook.kind, ensure: commented.hook.ensure.type, delivery: commented.hook.delivery.type },
  pendingOnCompanion: runtime.pod('yoi')?.pendingNotices().length,
  errorCode: code,
};
await runtime.stop();
await rm(scratch, { recursive: true, force: true });
console.log(JSON.stringify(report));
const ok =
  outcome.type === 'delivered' && report.pendingOnB === 1 && report.ticketHook?.delivery === 'delivered' && report.pendingOnCompanion === 1 && code === 'invalid-pod-name';
process.exit(ok ? 0 : 1);
