/**
 * `spawn-100k-vs-bare-actors`: `runtime.spawnPods` (validation, store record,
 * actor) against creating and starting as many bare xstate actors. Each side
 * is meant to run in a fresh process (see `runTask`): at this size the
 * collector dominates, and a heap left by the previous side would tax the next.
 */
import { createActor, type AnyActorRef } from 'xstate';
import { createPodRuntime } from '../src/index.js';
import { bareMachine } from './bareMachine.js';
import { fillerSpawns, warmSpawnPath, WARMUP } from './spawnFillers.js';
import { collect, median, result, type BenchResult, type Progress } from './stats.js';

/** What one spawn sample creates: pods of a runtime, bare actors parented to one root, or bare root actors. */
export type SpawnSideKind = 'runtime' | 'bare-children' | 'bare-roots';

export const SPAWN_GOAL = 1.5;


/** Milliseconds to create and start `count` items, from a collected heap; the spawn list is built untimed. */
export async function spawnSide(kind: SpawnSideKind, count: number): Promise<number> {
  if (kind === 'runtime') {
    await warmSpawnPath();
    const runtime = createPodRuntime();
    try {
      const spawns = fillerSpawns(count);
      collect();
      const start = performance.now();
      await runtime.spawnPods(spawns);
      const elapsed = performance.now() - start;
      if (runtime.pod(`pod-${count - 1}`)?.activity !== 'idle') throw new Error('the last pod is not idle');
      return elapsed;
    } finally {
      await runtime.stop();
    }
  }
  const root = createActor(bareMachine).start();
  const children = kind === 'bare-children';
  const create = children ? () => createActor(bareMachine, { parent: root }).start() : () => createActor(bareMachine).start();
  // A parented actor refuses `stop()`; its stop event is what xstate's stopChild sends.
  const release = children ? (actor: AnyActorRef) => actor.send({ type: 'xstate.stop' }) : (actor: AnyActorRef) => actor.stop();
  Array.from({ length: WARMUP }, create).forEach(release);
  const actors: AnyActorRef[] = [];
  try {
    collect();
    const start = performance.now();
    for (let i = 0; i < count; i += 1) actors.push(create());
    return performance.now() - start;
  } finally {
    actors.forEach(release);
    root.stop();
  }
}

/** Runs one spawn side, in a fresh process when isolating. */
export type RunSpawnSide = (kind: SpawnSideKind, count: number) => Promise<number>;

export async function measureSpawn(options: { count: number; reps: number; runSide: RunSpawnSide; progress?: Progress }): Promise<BenchResult> {
  const pods: number[] = [];
  const bare: number[] = [];
  for (let rep = 0; rep < options.reps; rep += 1) {
    const order = rep % 2 === 0 ? (['runtime', 'bare-children'] as const) : (['bare-children', 'runtime'] as const);
    for (const kind of order) {
      const ms = await options.runSide(kind, options.count);
      (kind === 'runtime' ? pods : bare).push(ms);
      options.progress?.(`spawn-100k-vs-bare-actors: rep ${rep + 1} of ${options.reps}, ${kind}: ${ms.toFixed(0)} ms`);
    }
  }
  const roots = await options.runSide('bare-roots', options.count);
  const n = options.count.toLocaleString('en-US');
  return result({
    name: 'spawn-100k-vs-bare-actors',
    unit: 'ms',
    value: median(pods),
    baseline: median(bare),
    goal: SPAWN_GOAL,
    info: [
      `value: runtime.spawnPods of ${n} pods, memory store; baseline: ${n} bare actors created with { parent: root } and started`,
      `median of ${options.reps} alternating reps per side, each from a collected heap; samples ${pods.map((ms) => ms.toFixed(0)).join('/')} vs ${bare.map((ms) => ms.toFixed(0)).join('/')} ms`,
      `info: ${n} bare root actors, createActor(bare).start(): ${roots.toFixed(0)} ms`,
    ],
  });
}
