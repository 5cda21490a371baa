import { assertEvent, enqueueActions, setup } from 'xstate';
import { discoveryMachine } from './discoveryMachine.js';
import { orchestratorMachine, type OrchestratorInput } from './orchestratorMachine.js';

/** System ids under which the runtime's actors can be found with `system.get`. */
export const DISCOVERY_SYSTEM_ID = 'discovery';
export const orchestratorSystemId = (name: string): string => `orchestrator:${name}`;

export type RuntimeEvent = { type: 'orchestrator.spawn'; input: OrchestratorInput };

/**
 * The root of a runtime's actor system: it spawns the discovery actor and the
 * orchestrators. Pods join the same system as actors whose parent is this root
 * but are not spawned by it: xstate copies a parent's `children` on every
 * spawn, which makes 100,000 spawned children quadratic.
 */
export const runtimeMachine = setup({
  types: { events: {} as RuntimeEvent },
  actors: { discovery: discoveryMachine, orchestrator: orchestratorMachine },
  actions: {
    spawnDiscovery: enqueueActions(({ enqueue }) => {
      enqueue.spawnChild('discovery', { id: DISCOVERY_SYSTEM_ID, systemId: DISCOVERY_SYSTEM_ID });
    }),
    spawnOrchestrator: enqueueActions(({ enqueue, event }) => {
      assertEvent(event, 'orchestrator.spawn');
      const id = orchestratorSystemId(event.input.self);
      enqueue.spawnChild('orchestrator', { id, systemId: id, input: event.input });
    }),
  },
}).createMachine({
  id: 'podmesh',
  entry: 'spawnDiscovery',
  initial: 'running',
  states: {
    running: {
      on: {
        'orchestrator.spawn': { actions: 'spawnOrchestrator' },
      },
    },
  },
});
