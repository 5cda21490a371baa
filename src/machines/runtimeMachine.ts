import { assertEvent, enqueueActions, setup } from 'xstate';
import { DISCOVERY_SYSTEM_ID, discoveryMachine } from './discoveryMachine.js';

/** A member of the runtime's system failed; the runtime goes on. */
export interface ActorFailure {
  readonly actorId: string;
  readonly error: unknown;
}

/** Events of the root actor: only xstate's own error reports of its members. */
export type RuntimeEvent = { type: 'xstate.error.actor.*'; actorId: string; error: unknown };

/**
 * The root of a runtime's actor system: it spawns the discovery actor. Pods,
 * and any actor a client of the runtime starts in its system (an
 * orchestrator, say), join the same system as actors whose parent is this
 * root but are not spawned by it: xstate copies a parent's `children` on every
 * spawn, which makes 100,000 spawned children quadratic. A member that fails
 * is reported (`reportActorFailure`) and the runtime keeps running: one broken
 * actor must not stop the discovery actor and every pod with it.
 */
export const runtimeMachine = setup({
  types: { events: {} as RuntimeEvent },
  actors: { discovery: discoveryMachine },
  actions: {
    spawnDiscovery: enqueueActions(({ enqueue }) => {
      enqueue.spawnChild('discovery', { id: DISCOVERY_SYSTEM_ID, systemId: DISCOVERY_SYSTEM_ID });
    }),
    // Named no-op; the runtime provides one that records a warn diagnostic.
    reportActorFailure: (_, _failure: ActorFailure) => {},
  },
}).createMachine({
  id: 'podmesh',
  entry: 'spawnDiscovery',
  initial: 'running',
  states: {
    running: {
      on: {
        'xstate.error.actor.*': {
          actions: {
            type: 'reportActorFailure',
            params: ({ event }) => {
              assertEvent(event, 'xstate.error.actor.*');
              return { actorId: event.actorId, error: event.error };
            },
          },
        },
      },
    },
  },
});
