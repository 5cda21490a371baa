/**
 * Two workspaces whose folders share a basename (or a marker name) map to the
 * same pod names. Before an orchestrator starts, the records of its pods tell
 * whether they already belong to another workspace root.
 */
import { resolve } from 'node:path';
import { PodmeshError, podmeshErrorCode } from '../core/errors.js';
import type { PodMetadataStore } from '../core/types.js';
import { WORKSPACE_MARKER } from './findWorkspace.js';

/** The `workspace-clash` error: `pod` belongs to workspace `owner`, and `root` has the same names. */
export function workspaceClashError(pod: string, owner: string, root: string): PodmeshError {
  return new PodmeshError(
    'workspace-clash',
    `pod ${pod} already belongs to workspace ${owner}; this workspace ${root} has the same name: ` +
      `name it with \`echo NAME > ${root}/${WORKSPACE_MARKER}\` (or remove the other's pods with podmesh pod rm)`,
  );
}

/**
 * Rejects with {@link workspaceClashError} when the record of one of `pods`
 * names a `workspaceRoot` other than `root` (compared resolved). A missing
 * record, or one without a root, belongs to nobody. A record that cannot be
 * read (corrupt) is no clash either: whoever uses it reports it (the ensure
 * of an orchestrator warns). Reads only.
 */
export async function checkWorkspaceClash(store: PodMetadataStore, root: string, pods: readonly string[]): Promise<void> {
  for (const pod of pods) {
    const record = await store.read(pod).catch((error: unknown) => {
      if (podmeshErrorCode(error) === 'corrupt-metadata') return null;
      throw error;
    });
    const owner = record?.workspaceRoot;
    if (owner !== undefined && resolve(owner) !== resolve(root)) throw workspaceClashError(pod, owner, resolve(root));
  }
}
