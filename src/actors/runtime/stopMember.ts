import type { AnyActorRef } from 'xstate';

// xstate refuses `stop()` on an actor with a parent; its own stop event is what stopChild uses.
const STOP = { type: 'xstate.stop' } as const;

/** Stops `ref`, a member of the runtime's system (an actor whose parent is the root). */
export function stopMember(ref: AnyActorRef): void {
  ref.send(STOP);
}
