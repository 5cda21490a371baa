import { assertEvent, enqueueActions, setup } from 'xstate';
import { discoveryMachine } from './discoveryMachine.js';
import { orchestratorMachine, type OrchestratorInput } from './orchestratorMachine.js';
import { podMachine, type PodInput } from './podMachine.js';

/** System ids under which the runtime's actors can be found with `system.get`. */
export const DISCOVERY_SYSTEM_ID = 'discovery';
export const podSystemId = (name: string): string => `pod:${name}`;
export const orchestratorSystemId = (name: string): string => `orchestrator:${name}`;

export type RuntimeEvent =
  | { type: 'pods.spawn'; pods: readonly PodInput[] }
  | { type: 'orchestrator.spawn'; input: OrchestratorInput };

/**
 * The root of a runtime's actor system: it owns the discovery actor, every
 * pod and every orchestrator, so one inspector sees them all. Pods are spawned
 * in batches: one event may carry many of them.
 */
export const runtimeMachine = setup({
  types: { events: {} as RuntimeEvent },
  actors: { pod: podMachine, discovery: discoveryMachine, orchestrator: orchestratorMachine },
  actions: {
    spawnDiscovery: enqueueActions(({ enqueue }) => {
      enqueue.spawnChild('discovery', { id: DISCOVERY_SYSTEM_ID, systemId: DISCOVERY_SYSTEM_ID });
    }),
    spawnPods: enqueueActions(({ enqueue, event }) => {
      assertEvent(event, 'pods.spawn');
      for (const input of event.pods) {
        enqueue.spawnChild('pod', { id: podSystemId(input.name), systemId: podSystemId(input.name), input });
      }
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
        'pods.spawn': { actions: 'spawnPods' },
        'orchestrator.spawn': { actions: 'spawnOrchestrator' },
      },
    },
  },
});
