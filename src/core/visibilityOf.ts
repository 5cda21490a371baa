import { holdsPeer } from './podRecord.js';
import type { PodMetadata, Visibility } from './types.js';

/**
 * Where `name` stands in `self`'s view, computed from `self`'s own record only
 * (docs/behaviour.md §4): self > spawned-child > peer. A missing record sees only itself.
 * A peer still marked pending is not one yet: an ensure is writing the relation, or a crash
 * cut it short and the next start or ensure decides it, so no notice is honoured on it.
 */
export function visibilityOf(self: string, record: PodMetadata | null, name: string): Visibility | undefined {
  if (name === self) return 'self';
  if (record === null) return undefined;
  if (record.spawnedChildren.includes(name)) return 'spawned-child';
  if (holdsPeer(record, name)) return 'peer';
  return undefined;
}
