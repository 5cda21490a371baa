import * as assert from 'uvu/assert';
import { createPodRuntime } from '../../src/actors/runtime/createPodRuntime.js';
import type { PodMetadata, PodMetadataStore } from '../../src/core/types.js';

/** Whether `record` lists `other` as a peer (marked pending or not). */
export const lists = (record: PodMetadata | null, other: string): boolean => record?.peers.includes(other) === true;

/**
 * Asserts that between every two of `names` (both ways) a weak notify is
 * delivered only on a relation both records list, and is otherwise skipped
 * (not visible, missing, or a spawned child): a one-sided relation is never
 * honoured. Every pod counts as live elsewhere (a transport answers for it), so
 * nothing is started and nothing repaired: the outcomes come from the records as they are.
 * `skip` names directions (`'a→b'`) not to check. Returns how many were delivered.
 */
export async function assertNoOneSidedDelivery(
  store: PodMetadataStore,
  names: readonly string[],
  label: string,
  skip: readonly string[] = [],
): Promise<number> {
  const runtime = createPodRuntime({ store, transport: { probe: () => ({ status: 'live' }), notify: () => undefined } });
  let delivered = 0;
  try {
    for (const self of names) {
      for (const peer of names) {
        if (self === peer || skip.includes(`${self}→${peer}`)) continue;
        const outcome = await runtime.discovery(self).sendWeakNotifyToLivePeer(peer, 'x');
        const [a, b] = [await store.read(self), await store.read(peer)];
        const where = `${label}, ${self}→${peer}: ${outcome.type} ${JSON.stringify([a, b])}`;
        if (outcome.type === 'delivered') {
          assert.ok(lists(a, peer) && lists(b, self), where);
          delivered += 1;
        } else {
          assert.ok(['skipped-not-visible', 'skipped-missing', 'skipped-not-peer'].includes(outcome.type), where);
        }
      }
    }
  } finally {
    await runtime.stop();
  }
  return delivered;
}
