/**
 * A pod server in the test process: a runtime from the root entry with one
 * pod, served by `startPodServer` in a fresh temporary runtime dir. `stop()`
 * closes the server, stops the runtime and removes the folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPodServer, type PodServer, type PodServerOptions } from '../../src/actors/process/startPodServer.js';
import { createPodRuntime, type PodRuntime, type PodRuntimeOptions } from '../../src/index.js';

export interface InProcessPod {
  readonly runtime: PodRuntime;
  readonly server: PodServer;
  readonly name: string;
  readonly root: string;
  readonly runtimeDir: string;
  readonly socketPath: string;
  stop(): Promise<void>;
}

/** Starts pod `name` in a new runtime and serves it; `server` options are passed on to `startPodServer`. */
export async function startInProcessPod(
  name = 'yoi',
  options: { readonly runtime?: PodRuntimeOptions; readonly server?: Partial<Omit<PodServerOptions, 'runtime' | 'name' | 'runtimeDir'>> } = {},
): Promise<InProcessPod> {
  const root = await mkdtemp(join(tmpdir(), 'podmesh-srv-'));
  const runtimeDir = join(root, 'run');
  const runtime = createPodRuntime(options.runtime ?? {});
  try {
    await runtime.spawnPod({ name });
    const server = await startPodServer({ ...options.server, runtime, name, runtimeDir });
    let stopping: Promise<void> | undefined;
    return {
      runtime,
      server,
      name,
      root,
      runtimeDir,
      socketPath: server.socketPath,
      stop() {
        stopping ??= (async () => {
          await server.close();
          await runtime.stop();
          await rm(root, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (error) {
    await runtime.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
