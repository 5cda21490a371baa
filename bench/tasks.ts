/**
 * The parts of the bench that run in a child process of their own (see
 * `runTask`): each builds 100,000 pods or actors, and a heap grown by one
 * would tax the next one's collector.
 */
import { idleHeapSide, type HeapSideKind } from './measureIdleHeap.js';
import { spawnSide, type SpawnSideKind } from './measureSpawn.js';
import { measureWeakNotifyAtScale, type ScaleOptions } from './measureWeakNotifyAtScale.js';
import type { Progress } from './stats.js';

export const tasks = {
  idleHeapSide: (args: { kind: HeapSideKind; count: number }) => idleHeapSide(args.kind, args.count),
  spawnSide: (args: { kind: SpawnSideKind; count: number }) => spawnSide(args.kind, args.count),
  weakNotifyAtScale: (args: Omit<ScaleOptions, 'progress'>, progress: Progress) => measureWeakNotifyAtScale({ ...args, progress }),
} satisfies Record<string, (args: never, progress: Progress) => Promise<unknown>>;

export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
export type TaskArgs<K extends TaskName> = Parameters<Tasks[K]>[0];
export type TaskResult<K extends TaskName> = Awaited<ReturnType<Tasks[K]>>;

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(tasks, name);
}
