import { basename, resolve } from 'node:path';

/** The pod names a workspace root maps to. */
export interface WorkspacePodNames {
  readonly companion: string;
  readonly orchestrator: string;
}

const ORCHESTRATOR_SUFFIX = '-orchestrator';

function sanitize(raw: string, budget: number): string {
  let s = raw.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
  s = s.replace(/[^a-z0-9_.]/g, '-').replace(/-+/g, '-');
  s = s.replace(/^[-_.]+|[-_.]+$/g, '');
  s = s.slice(0, budget).replace(/-+$/, '');
  return s === '' ? 'workspace' : s;
}

/**
 * The companion and orchestrator pod names of a workspace, derived from its
 * `name` when given (the first line of its `.podmesh-workspace` marker), else
 * from the basename of its root folder; either is sanitised the same way.
 * This is the one rule used by the runtime, the hook and the CLI:
 * `/home/u/Projects/yoi` → `yoi` and `yoi-orchestrator`. A blank `name`
 * counts as none.
 */
export function workspacePodNames(workspaceRoot: string, name?: string): WorkspacePodNames {
  const base = name !== undefined && name.trim() !== '' ? name : basename(resolve(workspaceRoot));
  return {
    companion: sanitize(base, 80),
    orchestrator: sanitize(base, 80 - ORCHESTRATOR_SUFFIX.length) + ORCHESTRATOR_SUFFIX,
  };
}
