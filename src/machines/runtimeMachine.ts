import { enqueueActions, setup } from 'xstate';
import { DISCOVERY_SYSTEM_ID, discoveryMachine } from './discoveryMachine.js';

/**
 * The root of a runtime's actor system: it spawns the discovery actor. Pods,
 * and any actor a client of the runtime starts in its system (an
 * orchestrator, say), join the same system as actors whose parent is this
 * root but are not spawned by it: xstate copies a parent's `children` on every
 * spawn, which makes 100,000 spawned children quadratic.
 */
export const runtimeMachine = setup({
  actors: { discovery: discoveryMachine },
  actions: {
    spawnDiscovery: enqueueActions(({ enqueue }) => {
      enqueue.spawnChild('discovery', { id: DISCOVERY_SYSTEM_ID, systemId: DISCOVERY_SYSTEM_ID });
    }),
  },
}).createMachine({
  id: 'podmesh',
  entry: 'spawnDiscovery',
  initial: 'running',
  states: {
    running: {},
  },
});
