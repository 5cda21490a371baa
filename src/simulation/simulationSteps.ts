import { canMoveTicket, TICKET_COMMENT_EVENTS, TICKET_REVIEWS, TICKET_STATES, type TicketState } from '../machines/ticketMachine.js';
import { errorCode } from '../core/errors.js';
import { errorLine } from '../core/text.js';
import type { ToolResult } from '../tickets/types.js';
import type { FaultKind, WorkloadKind } from './parseScenario.js';
import { acceptedCount, handledCount } from './simulationInvariants.js';
import { companionPod, peekRecord, readableRecord, type CompanionBefore, type SimWorkspace, type SimWorld, type StepObservation } from './simulationWorld.js';

function code(error: unknown): string {
  return errorCode(error) ?? errorLine(error, 80);
}

function ticketOf(result: ToolResult): string | undefined {
  try {
    const ticket = (JSON.parse(result.content) as { ticket?: unknown }).ticket;
    return typeof ticket === 'string' ? ticket : undefined;
  } catch {
    return undefined;
  }
}

async function companionBefore(world: SimWorld, ws: SimWorkspace): Promise<CompanionBefore> {
  const record = await peekRecord(world, ws.companion);
  return {
    name: ws.companion,
    record: record === null ? 'missing' : record === 'unreadable' ? record : 'present',
    status: companionPod(world, ws)?.status ?? 'none',
    inMain: world.companions !== world.main && world.main.pod(ws.companion) !== undefined,
  };
}

/** Runs a lifecycle tool on one of the workspace's tickets (creating one when needed). */
async function lifecycle(world: SimWorld, obs: StepObservation): Promise<void> {
  const { random } = world;
  const ws = random.pick(world.workspaces);
  let id = ws.tickets.length === 0 || random.chance(0.05) ? undefined : random.pick(ws.tickets);
  let state = id === undefined ? undefined : (await ws.orchestrator.board.get(id))?.state;
  if (id === undefined || state === undefined || state === 'closed') {
    const created = await ws.tools.create({ title: `Ticket ${ws.tickets.length + 1} of ${ws.label}`, body: 'simulated body' });
    id = ticketOf(created);
    if (id === undefined) {
      obs.line = `lifecycle ${ws.label} create failed: ${created.summary}`;
      return;
    }
    ws.tickets.push(id);
    state = 'planning';
  }
  obs.lifecycle = await companionBefore(world, ws);
  const from: TicketState = state;
  const targets = TICKET_STATES.filter((to) => to !== 'closed' && canMoveTicket(from, to));
  const choice = random.weighted({
    comment: 3,
    review: 1,
    intakeReady: from === 'planning' ? 2 : 0,
    setState: targets.length > 0 ? 4 : 0,
    close: 0.3,
  });
  const handledBefore = ws.handled.length;
  let result: ToolResult;
  switch (choice) {
    case 'review':
      result = await ws.tools.review({ ticket: id, review: random.pick(TICKET_REVIEWS), body: 'looks fine' });
      break;
    case 'intakeReady':
      result = await ws.tools.intakeReady({ ticket: id });
      break;
    case 'setState':
      result = await ws.tools.setState({ ticket: id, to: random.pick(targets) });
      break;
    case 'close':
      result = await ws.tools.close({ ticket: id, resolution: 'resolved in simulation' });
      break;
    default:
      result = await ws.tools.comment({ ticket: id, event: random.pick(TICKET_COMMENT_EVENTS), body: 'simulated comment' });
  }
  const hook = ws.handled.length > handledBefore ? ws.handled[ws.handled.length - 1] : undefined;
  if (hook === undefined) {
    obs.line = `lifecycle ${ws.label} ${result.toolName} no hook (${result.isError ? result.summary : 'not a lifecycle event'})`;
    return;
  }
  obs.notifies.push({ self: ws.orchestrator.name, target: ws.companion, delivery: hook.delivery, host: world.companions });
  if (hook.ensure.type === 'ensured') obs.ensured.push({ self: ws.orchestrator.name, peer: ws.companion });
  const { kind } = hook;
  const ensure = hook.ensure.type === 'failed' ? `failed(${hook.ensure.code ?? 'error'})` : hook.ensure.type;
  obs.line = `lifecycle ${ws.label} ${result.toolName} ${kind} ensure=${ensure} delivery=${hook.delivery.type}`;
}

/** A passive read or a failing tool call: must do nothing at all. */
async function passive(world: SimWorld, obs: StepObservation): Promise<void> {
  const { random } = world;
  const ws = random.pick(world.workspaces);
  obs.passive = {
    writes: world.faultyStore.writes,
    diagnostics: world.main.diagnostics.count(),
    handled: handledCount(world),
    accepted: acceptedCount(world),
  };
  const ticket = ws.tickets.length > 0 ? random.pick(ws.tickets) : 'ZZZZZZZZZZZZZZZZ';
  const kind = random.weighted({ list: 2, show: 2, unknownTicket: 1, badMove: 1 });
  const result =
    kind === 'list'
      ? await ws.tools.list()
      : kind === 'show'
        ? await ws.tools.show({ ticket })
        : kind === 'unknownTicket'
          ? await ws.tools.comment({ ticket: 'ZZZZZZZZZZZZZZZZ', event: 'plan', body: 'x' })
          : await ws.tools.setState({ ticket, to: 'planning' });
  obs.line = `passive ${ws.label} ${result.toolName}${result.isError ? ' (error)' : ''}`;
}

async function spawnChild(world: SimWorld, obs: StepObservation): Promise<void> {
  const parent = world.random.pick(world.pods);
  const name = `c-${world.nextChild++}`;
  try {
    await world.main.spawnPod({ name, role: 'coder', parent });
    world.pods.push(name);
    obs.line = `spawnChild ${parent} -> ${name}`;
  } catch (error) {
    obs.line = `spawnChild ${parent} -> ${name} failed: ${code(error)}`;
  }
}

async function registerPeer(world: SimWorld, obs: StepObservation): Promise<void> {
  const self = world.random.pick(world.pods);
  const peer = world.random.pick(world.pods);
  try {
    const relation = await world.discovery(self).ensureExistingPeer(peer);
    if (relation !== null) obs.ensured.push({ self, peer });
    obs.line = `registerPeer ${self} ${peer} -> ${relation === null ? 'missing' : 'ensured'}`;
  } catch (error) {
    obs.line = `registerPeer ${self} ${peer} -> ${code(error)}`;
  }
}

async function directNotify(world: SimWorld, obs: StepObservation): Promise<void> {
  const { random } = world;
  const self = random.pick(world.pods);
  const record = await readableRecord(world, self);
  const kind = random.weighted({ peer: 6, child: 1.5, anyone: 1, missing: 0.5, invalid: 0.5, self: 0.5 });
  let target: string;
  if (kind === 'peer' && record !== null && record.peers.length > 0) target = random.pick(record.peers);
  else if (kind === 'child' && record !== null && record.spawnedChildren.length > 0) target = random.pick(record.spawnedChildren);
  else if (kind === 'missing') target = `ghost-${random.int(1000)}`;
  else if (kind === 'invalid') target = random.pick(['', '..', 'a/b', 'x\ny']);
  else if (kind === 'self') target = self;
  else target = random.pick(world.pods);
  const delivery = await world.discovery(self).sendWeakNotifyToLivePeer(target, `direct notice from ${self}`);
  obs.notifies.push({ self, target, delivery, host: world.main });
  obs.line = `directNotify ${self} -> ${JSON.stringify(target)} ${delivery.type}`;
}

async function run(world: SimWorld, obs: StepObservation): Promise<void> {
  const name = world.random.pick(world.pods);
  obs.startsTurns = true;
  world.main.pod(name)?.run(`turn at ${world.clock.now()}`);
  obs.line = `run ${name}`;
}

/** The workload actions, by scenario name. */
export const WORKLOAD: Record<WorkloadKind, (world: SimWorld, obs: StepObservation) => Promise<void>> = {
  lifecycle,
  passive,
  spawnChild,
  registerPeer,
  directNotify,
  run,
};

/** Applies a fault to a workspace's companion (or its peer relation, the store, the transport). */
export async function applyFault(world: SimWorld, fault: FaultKind, ws: SimWorkspace): Promise<string> {
  const pod = companionPod(world, ws);
  const { records } = world;
  const readSafe = (name: string) => readableRecord(world, name);
  switch (fault) {
    case 'stop':
      pod?.stop();
      break;
    case 'start':
      pod?.start();
      break;
    case 'disconnect':
      pod?.disconnect('simulated network fault');
      break;
    case 'reconnect':
      pod?.reconnect();
      break;
    case 'deleteMetadata': {
      const record = await readSafe(ws.companion);
      if (record === null) return `fault deleteMetadata ${ws.companion} (nothing to delete)`;
      ws.deleted = record;
      await records.delete(ws.companion);
      break;
    }
    case 'restoreMetadata':
      if (ws.deleted === undefined) return `fault restoreMetadata ${ws.companion} (nothing deleted)`;
      if ((await readSafe(ws.companion)) === null) await records.write(ws.deleted);
      ws.deleted = undefined;
      break;
    case 'corruptRecord': {
      const record = await readSafe(ws.companion);
      if (record === null) return `fault corruptRecord ${ws.companion} (nothing to corrupt)`;
      ws.corrupted = record;
      await records.writeRaw(ws.companion, '{"name": "torn');
      break;
    }
    case 'repairRecord':
      if (ws.corrupted === undefined) return `fault repairRecord ${ws.companion} (nothing corrupted)`;
      await records.write(ws.corrupted);
      ws.corrupted = undefined;
      break;
    case 'oneDirectional': {
      const [from, to] = world.random.chance(0.5) ? [ws.orchestrator.name, ws.companion] : [ws.companion, ws.orchestrator.name];
      if ((await readSafe(from)) === null) return `fault oneDirectional ${from} (unreadable)`;
      await records.removePeer(from, to);
      return `fault oneDirectional ${from} drops ${to}`;
    }
    case 'storeFailNextWrite':
      world.faultyStore.failNextWrite();
      return 'fault storeFailNextWrite';
    case 'transportFail':
      world.transport?.failNext();
      return `fault transportFail${world.transport === undefined ? ' (no transport)' : ''}`;
    case 'transportTimeout':
      world.transport?.hangNext();
      return `fault transportTimeout${world.transport === undefined ? ' (no transport)' : ''}`;
  }
  return `fault ${fault} ${ws.companion}${pod === undefined ? '' : ` now ${pod.status}`}`;
}
