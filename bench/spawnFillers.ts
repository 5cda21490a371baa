import { createPodRuntime, type PodRuntime, type SpawnPodOptions } from '../src/index.js';
import type { Progress } from './stats.js';

/** `count` spawn options named `pod-0`, `pod-1`, … */
export function fillerSpawns(count: number): SpawnPodOptions[] {
  return Array.from({ length: count }, (_, i) => ({ name: `pod-${i}` }));
}

/** `runtime.spawnPods` with a progress line every 25 %. */
export async function spawnWithProgress(runtime: PodRuntime, spawns: readonly SpawnPodOptions[], progress: Progress, label: string): Promise<void> {
  const step = Math.max(1, Math.ceil(spawns.length / 4));
  await runtime.spawnPods(spawns, {
    onProgress: (done, total) => {
      if (done % step === 0 || done === total) progress(`${label}: spawned ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} filler pods`);
    },
  });
}

/** Items created untimed before a sample, so the code paths are compiled first. */
export const WARMUP = 64;

/** Spawns and stops a small runtime once: compiles the spawn path before a timed or sampled side. */
export async function warmSpawnPath(): Promise<void> {
  const warm = createPodRuntime();
  await warm.spawnPods(fillerSpawns(WARMUP));
  await warm.stop();
}
