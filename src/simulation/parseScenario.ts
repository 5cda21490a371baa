/**
 * The simulation scenario format (docs/simulation.md) and its validation.
 * Every problem names the JSON path it is at; unknown keys are errors, so a
 * typo never silently falls back to a default.
 */
import { PodmeshError } from '../core/errors.js';

export const WORKLOAD_KINDS = ['lifecycle', 'passive', 'spawnChild', 'registerPeer', 'directNotify', 'run'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const FAULT_KINDS = [
  'stop',
  'start',
  'disconnect',
  'reconnect',
  'deleteMetadata',
  'restoreMetadata',
  'corruptRecord',
  'repairRecord',
  'oneDirectional',
  'storeFailNextWrite',
  'transportFail',
  'transportTimeout',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const INITIAL_PEERS = ['reciprocal', 'one-directional', 'none', 'mixed'] as const;
export type InitialPeers = (typeof INITIAL_PEERS)[number];

/** A fault at a given step, aimed at one workspace's companion (or orchestrator/companion pair). */
export interface ScheduledFault {
  readonly step: number;
  readonly fault: FaultKind;
  /** Workspace index; default 0. */
  readonly workspace: number;
}

/** A validated scenario with every default filled in. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  /** All pods: each workspace's companion and orchestrator, plus workers. */
  readonly pods: number;
  readonly workspaces: number;
  readonly steps: number;
  /** Simulated milliseconds per step. */
  readonly stepMs: number;
  readonly initialPeers: InitialPeers;
  /** Companions run on a second runtime reached through a transport (needed for transport faults). */
  readonly remoteCompanions: boolean;
  /** Relative weights of the workload actions picked at each step. */
  readonly workload: Readonly<Record<WorkloadKind, number>>;
  /** Relative weights of random faults, picked alongside the workload. */
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly schedule: readonly ScheduledFault[];
}

/** A scenario that does not follow the format; `path` points at the problem. */
export class ScenarioError extends PodmeshError {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super('invalid-scenario', `${path === '' ? 'scenario' : path}: ${problem}`);
  }
}

const DEFAULT_WORKLOAD: Record<WorkloadKind, number> = {
  lifecycle: 6,
  passive: 2,
  spawnChild: 1,
  registerPeer: 1,
  directNotify: 2,
  run: 1,
};

const MAX_PODS = 1_000_000;
const MAX_STEPS = 10_000_000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allowKeys(value: Json, path: string, keys: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new ScenarioError(path === '' ? key : `${path}.${key}`, `unknown key (allowed: ${keys.join(', ')})`);
  }
}

function integer(value: unknown, path: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ScenarioError(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function weights<K extends string>(value: unknown, path: string, kinds: readonly K[], fallback: Record<K, number>): Record<K, number> {
  if (value === undefined) return { ...fallback };
  if (!isObject(value)) throw new ScenarioError(path, 'must be an object of weights');
  allowKeys(value, path, kinds);
  const out = {} as Record<K, number>;
  for (const kind of kinds) {
    const weight = value[kind] ?? 0;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new ScenarioError(`${path}.${kind}`, 'must be a number ≥ 0');
    }
    out[kind] = weight;
  }
  return out;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ScenarioError(path, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Validates a parsed scenario (JSON value) and fills in defaults. Throws {@link ScenarioError}. */
export function parseScenario(value: unknown): Scenario {
  if (!isObject(value)) throw new ScenarioError('', 'must be a JSON object');
  allowKeys(value, '', [
    '$schema',
    'name',
    'description',
    'seed',
    'pods',
    'workspaces',
    'steps',
    'stepMs',
    'initialPeers',
    'remoteCompanions',
    'workload',
    'faults',
    'schedule',
  ]);
  if (typeof value.name !== 'string' || value.name.trim() === '' || value.name.length > 100) {
    throw new ScenarioError('name', 'must be a non-empty string of at most 100 characters');
  }
  if (value.description !== undefined && typeof value.description !== 'string') {
    throw new ScenarioError('description', 'must be a string');
  }
  if (value.remoteCompanions !== undefined && typeof value.remoteCompanions !== 'boolean') {
    throw new ScenarioError('remoteCompanions', 'must be true or false');
  }
  const workspaces = integer(value.workspaces, 'workspaces', 1, 10_000, 1);
  const pods = integer(value.pods, 'pods', 2 * workspaces, MAX_PODS, 2 * workspaces + 8);
  const steps = integer(value.steps, 'steps', 0, MAX_STEPS, 100);
  const faults = weights(value.faults, 'faults', FAULT_KINDS, Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>);
  const schedule: ScheduledFault[] = [];
  if (value.schedule !== undefined) {
    if (!Array.isArray(value.schedule)) throw new ScenarioError('schedule', 'must be an array');
    value.schedule.forEach((item: unknown, i) => {
      const path = `schedule[${i}]`;
      if (!isObject(item)) throw new ScenarioError(path, 'must be an object { step, fault, workspace? }');
      allowKeys(item, path, ['step', 'fault', 'workspace']);
      schedule.push({
        step: integer(item.step, `${path}.step`, 0, Math.max(0, steps - 1)),
        fault: oneOf(item.fault, `${path}.fault`, FAULT_KINDS, 'stop'),
        workspace: integer(item.workspace, `${path}.workspace`, 0, workspaces - 1, 0),
      });
      if (item.fault === undefined) throw new ScenarioError(`${path}.fault`, `is required (one of ${FAULT_KINDS.join(', ')})`);
    });
  }
  return {
    name: value.name,
    description: value.description ?? '',
    seed: integer(value.seed, 'seed', 0, 0xffffffff, 1),
    pods,
    workspaces,
    steps,
    stepMs: integer(value.stepMs, 'stepMs', 1, 86_400_000, 1000),
    initialPeers: oneOf(value.initialPeers, 'initialPeers', INITIAL_PEERS, 'reciprocal'),
    remoteCompanions: value.remoteCompanions ?? true,
    workload: weights(value.workload, 'workload', WORKLOAD_KINDS, DEFAULT_WORKLOAD),
    faults,
    schedule: schedule.sort((a, b) => a.step - b.step),
  };
}
