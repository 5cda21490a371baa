import { PodmeshError } from '../../core/errors.js';
import { readPodProcess } from '../../actors/process/readPodProcess.js';
import type { PodmeshPaths } from '../../actors/process/podPaths.js';

/** "pod yoi is already running (pid 41201): stop it with podmesh pod stop yoi", code `pod-already-running`. */
export async function alreadyRunning(paths: PodmeshPaths, name: string): Promise<PodmeshError> {
  const running = await readPodProcess(paths.runtimeDir, name).catch(() => null);
  const pid = running === null ? '' : ` (pid ${running.pid})`;
  return new PodmeshError('pod-already-running', `pod ${name} is already running${pid}: stop it with podmesh pod stop ${name}`);
}
