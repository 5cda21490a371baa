import { resolve } from 'node:path';
import { validatePodName } from '../../core/validatePodName.js';
import { MissingPodError, errorCode } from '../../core/errors.js';
import { checkWorkspaceFolder } from '../../tickets/findWorkspace.js';
import { intOption } from '../cliArgs.js';
import { alreadyRunning } from './alreadyRunning.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, openRuntime } from '../cliRuntime.js';
import { printJson, printJsonLine } from '../cliOutput.js';
import { startDetached } from './startDetached.js';
import { servePod } from './servePod.js';

/** Options of the commands that run a pod (`pod start`, `orchestrator start`). */
export interface HostFlags {
  readonly bufferSize?: string;
  /** commander's `--no-journal`: false when given. */
  readonly journal?: boolean;
  readonly detach?: boolean;
  readonly quiet?: boolean;
}

/** The runtime options and journal choice the host flags ask for. */
export function hostOptions(flags: HostFlags): { runtime: { notifyBufferSize?: number }; journal: boolean } {
  const bufferSize = intOption(flags.bufferSize, '--buffer-size');
  return { runtime: bufferSize === undefined ? {} : { notifyBufferSize: bufferSize }, journal: flags.journal !== false };
}

/** The host flags again, as the arguments of a detached child. */
export function hostArgs(flags: HostFlags): string[] {
  return [...(flags.bufferSize === undefined ? [] : ['--buffer-size', flags.bufferSize]), ...(flags.journal === false ? ['--no-journal'] : []), ...(flags.quiet === true ? ['--quiet'] : [])];
}

/** A `--workspace` value: an existing folder, made absolute (else `workspace-not-found`, exit 2). */
export async function workspaceFlag(value: string): Promise<string> {
  const path = resolve(value);
  await checkWorkspaceFolder(path);
  return path;
}

/** `podmesh pod start <name>`: runs a pod in the foreground, or with `--detach` in the background. */
export async function podStart(
  context: CliContext,
  rawName: string,
  flags: HostFlags & { readonly role?: string; readonly workspace?: string; readonly parent?: string },
): Promise<number> {
  const name = validatePodName(rawName);
  const parent = flags.parent === undefined ? undefined : validatePodName(flags.parent);
  const workspaceRoot = flags.workspace === undefined ? undefined : await workspaceFlag(flags.workspace);
  const host = hostOptions(flags);
  const paths = await cliPaths(context, { create: true });
  if (flags.detach === true) {
    const args = ['pod', 'start', name, '--home', paths.home, '--runtime-dir', paths.runtimeDir, ...hostArgs(flags)];
    if (flags.role !== undefined) args.push('--role', flags.role);
    if (workspaceRoot !== undefined) args.push('--workspace', workspaceRoot);
    if (parent !== undefined) args.push('--parent', parent);
    const cli = await openRuntime(paths);
    try {
      // Checked here too, in the store the child will use, so that a detached start refuses at once instead of in its log.
      if (parent !== undefined && (await cli.runtime.store.read(parent)) === null) throw new MissingPodError(parent);
      const started = await startDetached(paths, cli.transport, name, args);
      if (context.json) printJson(context, started);
      else context.io.out(`pod ${name} started in the background (pid ${started.pid}); logs: podmesh pod logs ${name} (${started.log})\n`);
      return 0;
    } finally {
      await cli.close();
    }
  }
  const cli = await openRuntime(paths, host.runtime, { journal: host.journal });
  try {
    await cli.runtime.spawnPod({
      name,
      ...(flags.role === undefined ? {} : { role: flags.role }),
      ...(workspaceRoot === undefined ? {} : { workspaceRoot }),
      ...(parent === undefined ? {} : { parent }),
    });
    const { server, done } = await servePod(context, cli, name, { quiet: flags.quiet === true });
    if (context.json) printJsonLine(context, { event: 'live', name, pid: process.pid, address: server.address });
    else context.io.out(`pod ${name} live at ${server.address} (pid ${process.pid}; Ctrl-C to stop)\n`);
    return await done;
  } catch (error) {
    const refusal = errorCode(error) === 'pod-already-running' ? await alreadyRunning(cli.transport, name) : error;
    await cli.close();
    throw refusal;
  }
}
