import { TICKET_NOTICE_BOUNDS, TICKET_NOTICE_HEADER } from '../tickets/ticketNotice.js';
import { peekRecord, readableRecord, type SimWorld, type StepObservation } from './simulationWorld.js';

/** One rule checked after every step it applies to. */
export interface Invariant {
  readonly name: string;
  readonly description: string;
  /** `undefined` when the rule does not apply to the step; else the failures (empty when it held). */
  check(world: SimWorld, obs: StepObservation): Promise<string[] | undefined>;
}

const NOTIFICATION_PREFIX = '[Notification]\n';
const codePoints = (text: string): number => [...text].length;

async function peersOf(world: SimWorld, name: string): Promise<readonly string[] | undefined> {
  return (await readableRecord(world, name))?.peers;
}

/** Hook runs of all workspaces so far. */
export function handledCount(world: SimWorld): number {
  return world.workspaces.reduce((sum, ws) => sum + ws.handled.length, 0);
}

/** Notices all companions accepted so far. */
export function acceptedCount(world: SimWorld): number {
  return world.workspaces.reduce((sum, ws) => sum + (world.companions.pod(ws.companion)?.actor.getSnapshot().context.accepted ?? 0), 0);
}

/** Why a received ticket notice breaks docs/behaviour.md §6's format or bounds, if it does. */
export function noticeProblem(received: string): string | undefined {
  if (!received.startsWith(NOTIFICATION_PREFIX)) return 'not rendered as [Notification]';
  const notice = received.slice(NOTIFICATION_PREFIX.length);
  if (codePoints(notice) > TICKET_NOTICE_BOUNDS.message + 1) return `notice has ${codePoints(notice)} code points`;
  const lines = notice.split('\n');
  if (lines[0] !== TICKET_NOTICE_HEADER) return 'missing header line';
  const limits: Record<string, number> = {
    ticket: TICKET_NOTICE_BOUNDS.ticket,
    title: TICKET_NOTICE_BOUNDS.title,
    state: TICKET_NOTICE_BOUNDS.state,
    event: TICKET_NOTICE_BOUNDS.kind,
    summary: TICKET_NOTICE_BOUNDS.summary,
    ref: TICKET_NOTICE_BOUNDS.refFile + TICKET_NOTICE_BOUNDS.ticket + 9,
  };
  if (lines.length !== 7) return `notice has ${lines.length} lines`;
  for (const line of lines.slice(1)) {
    const match = /^([a-z]+): (.*)$/.exec(line);
    const limit = match === null ? undefined : limits[match[1]!];
    if (match === null || limit === undefined) return `unexpected line ${JSON.stringify(line.slice(0, 40))}`;
    if (codePoints(match[2]!) > limit + 1) return `${match[1]} has ${codePoints(match[2]!)} code points`;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f]/.test(match[2]!)) return `${match[1]} holds a control character`;
  }
  return undefined;
}

/** The invariants of issue #3, in report order. */
export const INVARIANTS: readonly Invariant[] = [
  {
    name: 'delivered-only-to-live-peer',
    description: 'a weak notify is delivered only to a live peer of the sender',
    async check(world, obs) {
      const delivered = obs.notifies.filter((n) => n.delivery.type === 'delivered');
      if (delivered.length === 0) return undefined;
      const failures: string[] = [];
      for (const n of delivered) {
        const peers = await peersOf(world, n.self);
        if (peers === undefined || !peers.includes(n.target)) failures.push(`${n.self} -> ${n.target}: delivered, but not a peer of the sender`);
        const status = n.host.pod(n.target)?.status;
        if (status !== 'live') failures.push(`${n.self} -> ${n.target}: delivered, but the target is ${status ?? 'not running'}`);
      }
      return failures;
    },
  },
  {
    name: 'weak-notify-never-starts-a-turn',
    description: 'a weak notify never starts a turn',
    async check(world, obs) {
      if (obs.notifies.length === 0 || obs.startsTurns) return undefined;
      const failures: string[] = [];
      if (world.turnStarts !== obs.turnStartsBefore) failures.push(`${world.turnStarts - obs.turnStartsBefore} turn(s) started by a weak notify step`);
      for (const n of obs.notifies) {
        if (n.delivery.type === 'delivered' && n.host.pod(n.target)?.activity === 'running') failures.push(`${n.target} is running after a weak notify`);
      }
      return failures;
    },
  },
  {
    name: 'ensure-leaves-reciprocal-records',
    description: 'after a successful ensure both records hold each other',
    async check(world, obs) {
      if (obs.ensured.length === 0) return undefined;
      const failures: string[] = [];
      for (const { self, peer } of obs.ensured) {
        if (!(await peersOf(world, self))?.includes(peer)) failures.push(`${self} does not hold ${peer} after ensure`);
        if (!(await peersOf(world, peer))?.includes(self)) failures.push(`${peer} does not hold ${self} after ensure`);
      }
      return failures;
    },
  },
  {
    name: 'hook-never-spawns-or-starts-companion',
    description: 'a missing or stopped companion is never spawned or started by the hook',
    async check(world, obs) {
      const before = obs.lifecycle;
      if (before === undefined) return undefined;
      const failures: string[] = [];
      const pod = world.companions.pod(before.name);
      if (before.record === 'missing') {
        if ((await peekRecord(world, before.name)) !== null) failures.push(`missing companion ${before.name} got a record`);
      }
      if (before.status === 'none' && pod !== undefined) failures.push(`companion ${before.name} was spawned`);
      if ((before.status === 'stopped' || before.status === 'unreachable') && pod?.status !== before.status) {
        failures.push(`${before.status} companion ${before.name} is now ${pod?.status ?? 'gone'}`);
      }
      if (!before.inMain && world.companions !== world.main && world.main.pod(before.name) !== undefined) {
        failures.push(`companion ${before.name} was spawned in the orchestrators' runtime`);
      }
      return failures;
    },
  },
  {
    name: 'passive-tools-inert',
    description: 'passive ticket tools never write or notify',
    async check(world, obs) {
      const before = obs.passive;
      if (before === undefined) return undefined;
      const failures: string[] = [];
      if (world.faultyStore.writes !== before.writes) failures.push(`${world.faultyStore.writes - before.writes} store write(s)`);
      if (world.main.diagnostics.count() !== before.diagnostics) failures.push('a diagnostic was recorded');
      if (handledCount(world) !== before.handled) failures.push('the hook ran');
      if (acceptedCount(world) !== before.accepted) failures.push('a companion accepted a notice');
      if (obs.notifies.length > 0) failures.push('a weak notify was sent');
      return failures;
    },
  },
  {
    name: 'notice-within-bounds',
    description: 'every notice is within its bounds',
    async check(world, obs) {
      const delivered = obs.lifecycle === undefined ? [] : obs.notifies.filter((n) => n.delivery.type === 'delivered');
      if (delivered.length === 0) return undefined;
      const failures: string[] = [];
      for (const n of delivered) {
        const received = n.host.pod(n.target)?.pendingNotices().at(-1);
        const problem = received === undefined ? 'no notice in the buffer' : noticeProblem(received);
        if (problem !== undefined) failures.push(`${n.target}: ${problem}`);
      }
      return failures;
    },
  },
];
