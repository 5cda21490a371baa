/**
 * A statechart as the page draws it, read from xstate v5's `machine.toJSON()`
 * (the `machines` of the hello event): nested states and labelled
 * transitions. The JSON is read defensively, as `unknown`, since a user's
 * runtime may bring any machine.
 *
 * Eventless transitions: xstate v5's `toJSON()` leaves `always` out (only
 * `on`/`transitions` are there), so a state that decides at once shows no
 * way out. When a node does carry `always` (a future xstate, another
 * producer) it is read as is. Otherwise an atomic, non-final state with no
 * transition at all is joined to the next state of its parent in document
 * order by a dashed "always (inferred)" edge — true of weakNotifyMachine's
 * `checkingRelation`, whose pass leads to the next check; its failing branch
 * cannot be seen in the JSON, and {@link withPath} adds any step a decision
 * actually took that the chart lacks, marked "seen in a decision".
 */

/** A state node. */
export interface ChartState {
  /** xstate's id, e.g. `pod.live.idle`. */
  readonly id: string;
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly children: readonly ChartState[];
  /** The id of the initial child, if any. */
  readonly initial: string | null;
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  readonly invoke: readonly string[];
}

/** A transition. `target === source` for a targetless (internal) one. */
export interface ChartEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly event: string;
  readonly guard: string | null;
  readonly actions: readonly string[];
  readonly kind: 'event' | 'always' | 'inferred' | 'seen';
  /** Targetless: the state stays and runs the actions (drawn inside its box, not as an arrow). */
  readonly internal: boolean;
}

/** A machine ready to lay out. */
export interface ChartModel {
  readonly machineId: string;
  readonly root: ChartState;
  readonly edges: readonly ChartEdge[];
  /** Every state by id. */
  readonly states: ReadonlyMap<string, ChartState>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/** The name of an action, guard or actor: a string, or an object's `type`/`src`. */
function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    const name = value.type ?? value.src;
    if (typeof name === 'string') return name === 'xstate.invoke' && typeof value.src === 'string' ? value.src : name;
  }
  return 'anonymous';
}

const stripHash = (target: string): string => (target.startsWith('#') ? target.slice(1) : target);
const STATE_TYPES = new Set(['atomic', 'compound', 'parallel', 'final', 'history']);

function readState(json: Json, parentId: string | null, key: string): ChartState {
  const id = typeof json.id === 'string' ? json.id : parentId === null ? key : `${parentId}.${key}`;
  const children = Object.entries(isObject(json.states) ? json.states : {})
    .filter((entry): entry is [string, Json] => isObject(entry[1]))
    .sort(([, a], [, b]) => (Number(a.order) || 0) - (Number(b.order) || 0))
    .map(([childKey, child]) => readState(child, id, childKey));
  const declared = typeof json.type === 'string' && STATE_TYPES.has(json.type) ? (json.type as ChartState['type']) : null;
  const initialTarget = isObject(json.initial) ? list(json.initial.target)[0] : json.initial;
  return {
    id,
    key,
    type: declared ?? (children.length > 0 ? 'compound' : 'atomic'),
    children,
    initial: typeof initialTarget === 'string' && initialTarget !== '' ? resolveTarget(initialTarget, id) : null,
    entry: list(json.entry).map(nameOf),
    exit: list(json.exit).map(nameOf),
    invoke: list(json.invoke).map(nameOf),
  };
}

function resolveTarget(target: string, sourceId: string): string {
  if (target.startsWith('#')) return stripHash(target);
  // A bare key names a sibling (xstate's default) or, in `initial`, a child.
  return `${sourceId}.${target}`;
}

/** The transitions of one node: `transitions` (or `on`), then `always` when present. */
function readEdges(json: Json, state: ChartState, into: ChartEdge[]): boolean {
  const parentId = state.id.includes('.') ? state.id.slice(0, state.id.lastIndexOf('.')) : state.id;
  const add = (raw: unknown, event: string, kind: ChartEdge['kind']): void => {
    if (!isObject(raw)) return;
    const targets = list(raw.target).filter((t): t is string => typeof t === 'string');
    const eventType = typeof raw.eventType === 'string' ? raw.eventType : event;
    const guard = raw.guard === undefined || raw.guard === null ? null : nameOf(raw.guard);
    const actions = list(raw.actions).map(nameOf);
    for (const target of targets.length > 0 ? targets : [null]) {
      const to = target === null ? state.id : target.startsWith('#') ? stripHash(target) : `${parentId}.${target}`;
      into.push({ id: `e${into.length}`, source: state.id, target: to, event: eventType, guard, actions, kind, internal: target === null });
    }
  };
  const before = into.length;
  if (Array.isArray(json.transitions)) for (const t of json.transitions) add(t, '', 'event');
  else if (isObject(json.on)) for (const [event, ts] of Object.entries(json.on)) for (const t of list(ts)) add(t, event, 'event');
  for (const t of list(json.always)) add(t, 'always', 'always');
  return into.length > before;
}

/** Reads a machine's `toJSON()`; see the module comment for eventless transitions. */
export function readChart(machineId: string, json: unknown): ChartModel {
  const rootJson = isObject(json) ? json : {};
  const root = readState(rootJson, null, typeof rootJson.id === 'string' ? rootJson.id : machineId);
  const edges: ChartEdge[] = [];
  const states = new Map<string, ChartState>();
  const silent: ChartState[] = [];
  const visit = (state: ChartState, node: Json): void => {
    states.set(state.id, state);
    if (!readEdges(node, state, edges) && state.type === 'atomic' && state !== root) silent.push(state);
    const childJson = isObject(node.states) ? node.states : {};
    for (const child of state.children) visit(child, isObject(childJson[child.key]) ? (childJson[child.key] as Json) : {});
  };
  visit(root, rootJson);
  for (const state of silent) {
    const parent = states.get(state.id.slice(0, state.id.lastIndexOf('.')));
    const siblings = parent?.children ?? [];
    const next = siblings.slice(siblings.indexOf(state) + 1).find((s) => s.type !== 'final' && s.type !== 'history');
    if (next) edges.push({ id: `e${edges.length}`, source: state.id, target: next.id, event: 'always (inferred)', guard: null, actions: [], kind: 'inferred', internal: false });
  }
  return { machineId, root, edges, states };
}

/** The id of a state named by a path item: an id, a dotted path from the root, or a key. */
export function findState(model: ChartModel, name: string): ChartState | undefined {
  return (
    model.states.get(name) ??
    model.states.get(`${model.root.id}.${name}`) ??
    [...model.states.values()].find((state) => state.key === name)
  );
}

const pathCharts = new WeakMap<ChartModel, Map<string, ChartModel>>();

/**
 * The chart with an edge added for each step of `path` that none of its
 * edges makes; the same chart object for the same added edges, so its
 * layout is computed once.
 */
export function withPath(model: ChartModel, path: readonly string[]): ChartModel {
  const ids = path.map((name) => findState(model, name)?.id).filter((id): id is string => id !== undefined);
  const extra: ChartEdge[] = [];
  for (let i = 1; i < ids.length; i += 1) {
    const [source, target] = [ids[i - 1]!, ids[i]!];
    if (model.edges.some((e) => e.source === source && e.target === target)) continue;
    if (extra.some((e) => e.source === source && e.target === target)) continue;
    extra.push({ id: `seen${i}`, source, target, event: 'eventless (seen in a decision)', guard: null, actions: [], kind: 'seen', internal: false });
  }
  if (extra.length === 0) return model;
  const key = extra.map((e) => `${e.source}>${e.target}`).join(' ');
  let known = pathCharts.get(model);
  if (!known) pathCharts.set(model, (known = new Map()));
  let chart = known.get(key);
  if (!chart) known.set(key, (chart = { ...model, edges: [...model.edges, ...extra] }));
  return chart;
}

/** The ids of a state value's active states (`'live'`, `{ live: 'idle' }`), ancestors included. */
export function activeIds(model: ChartModel, value: unknown): Set<string> {
  const active = new Set<string>([model.root.id]);
  const walk = (v: unknown, prefix: string): void => {
    if (typeof v === 'string') active.add(`${prefix}.${v}`);
    else if (isObject(v))
      for (const [key, child] of Object.entries(v)) {
        active.add(`${prefix}.${key}`);
        walk(child, `${prefix}.${key}`);
      }
  };
  walk(value, model.root.id);
  return active;
}
