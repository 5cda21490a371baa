/**
 * `heap-per-idle-pod-100k`: heap retained per idle pod — its actor, its place
 * in the system and the runtime's maps, its name and its store record — next
 * to what xstate itself retains per bare actor. Each side is meant to run in a
 * fresh process (see `runTask`), so the heaps of the others do not blur it.
 */
import { createActor, type AnyActorRef } from 'xstate';
import { createPodRuntime } from '../src/index.js';
import { bareMachine } from './bareMachine.js';
import { fillerSpawns, warmSpawnPath, WARMUP } from './spawnFillers.js';
import { collect, result, turns, type BenchResult } from './stats.js';

/** What one heap sample holds: pods of a runtime, bare actors parented to one root, or bare root actors. */
export type HeapSideKind = 'runtime' | 'bare-children' | 'bare-roots';

export const IDLE_HEAP_GOAL_BYTES = 3072;


function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

// A parented actor refuses `stop()`; its stop event is what xstate's stopChild sends.
function stopChild(actor: AnyActorRef): void {
  actor.send({ type: 'xstate.stop' });
}

/**
 * Retained heap per item, in bytes: gc twice, sample, create `count` items,
 * gc twice, sample. Compiles the code paths first so code space stays out.
 */
export async function idleHeapSide(kind: HeapSideKind, count: number): Promise<number> {
  if (kind === 'runtime') {
    await warmSpawnPath();
    const runtime = createPodRuntime();
    try {
      collect();
      const before = heapUsed();
      // The spawn list is garbage once spawned; only what the runtime keeps is counted.
      await runtime.spawnPods(fillerSpawns(count));
      await turns(2);
      collect();
      const after = heapUsed();
      if (runtime.pod(`pod-${count - 1}`)?.activity !== 'idle') throw new Error('the last pod is not idle');
      return (after - before) / count;
    } finally {
      await runtime.stop();
    }
  }
  const root = createActor(bareMachine).start();
  const create = kind === 'bare-children' ? () => createActor(bareMachine, { parent: root }).start() : () => createActor(bareMachine).start();
  const release = kind === 'bare-children' ? stopChild : (actor: AnyActorRef) => actor.stop();
  const warm = Array.from({ length: WARMUP }, create);
  warm.forEach(release);
  const actors: AnyActorRef[] = [];
  try {
    collect();
    const before = heapUsed();
    for (let i = 0; i < count; i += 1) actors.push(create());
    await turns(2);
    collect();
    const after = heapUsed();
    return (after - before) / count;
  } finally {
    actors.forEach(release);
    root.stop();
  }
}

/** Runs one heap side, in a fresh process when isolating. */
export type RunHeapSide = (kind: HeapSideKind, count: number) => Promise<number>;

export async function measureIdleHeap(options: { count: number; runSide: RunHeapSide }): Promise<BenchResult> {
  const value = await options.runSide('runtime', options.count);
  const baseline = await options.runSide('bare-children', options.count);
  const roots = await options.runSide('bare-roots', options.count);
  const n = options.count.toLocaleString('en-US');
  return result({
    name: 'heap-per-idle-pod-100k',
    unit: 'bytes/pod',
    value,
    baseline,
    goal: IDLE_HEAP_GOAL_BYTES,
    goalOn: 'value',
    info: [
      `pass means value <= ${IDLE_HEAP_GOAL_BYTES} bytes per pod; the ratio to the baseline is for information`,
      `value: runtime.spawnPods of ${n} idle pods, memory store (actor, system entry, runtime maps, name, store record)`,
      `baseline: ${n} bare actors created with { parent: root } in one system and started (how the runtime creates pods)`,
      `info: ${n} bare root actors, createActor(bare).start(): ${Math.round(roots)} bytes each (each has its own system)`,
    ],
  });
}
