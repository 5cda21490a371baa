import type { PodTransport } from '../core/types.js';
import type { PodRuntime } from '../actors/runtime/createPodRuntime.js';

/**
 * A transport to the pods of another runtime in the same process: one
 * runtime per simulated host, each reaching the others' pods through the
 * same seam a socket or NATS transport uses.
 */
export function createRuntimeTransport(target: () => PodRuntime): PodTransport {
  return {
    probe(name) {
      const pod = target().pod(name);
      return pod?.liveness();
    },
    notify(name, message, { autoRun }) {
      const pod = target().pod(name);
      if (pod === undefined) throw new Error('no such pod on the target runtime');
      return pod.receive(message, { autoRun });
    },
  };
}
