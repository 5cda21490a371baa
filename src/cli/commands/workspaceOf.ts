import { findWorkspace, openWorkspace, type Workspace } from '../../tickets/findWorkspace.js';

/** The workspace a command works in: `--workspace DIR` as given, else found upwards from the current folder as git finds a repository. */
export function workspaceOf(flag: string | undefined): Promise<Workspace> {
  return flag === undefined ? findWorkspace(process.cwd()) : openWorkspace(flag);
}
