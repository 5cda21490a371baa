/**
 * The page's one model of what the stream or trace said so far: pods by
 * name, decisions, notices, diagnostics and invariants, and counts of
 * decisions per outcome per bucket (a second live, a step in replay).
 * `apply` takes events in order and notes which topics changed, so the
 * views re-render once per animation frame; given an undo log it records
 * how to take the events back (replay steps backwards with it).
 */
import type {
  DecisionEvent,
  DiagnosticEvent,
  HelloEvent,
  InspectorEvent,
  InvariantEvent,
  NoticeEvent,
  PodView,
  StepEvent,
} from '../../core/inspectorProtocol.js';

/** What changed since the views last rendered. */
export type Topic = 'hello' | 'podsReplaced' | 'podSet' | 'podRows' | 'decisions' | 'notices' | 'diagnostics' | 'step';

/** An event with the step it arrived in (0 live) and a running number, for stable keys. */
export interface Stamped<E> {
  readonly seq: number;
  readonly step: number;
  readonly event: E;
}

/** How to take one step's events back. */
export interface UndoLog {
  pods: Map<string, PodView | undefined>;
  wholePods: Map<string, PodView> | null;
  lengths: readonly [number, number, number, number, number];
}

/** Live memory bounds; a replay keeps everything so it can step back. */
const LIVE_LIMITS = { decisions: 20_000, notices: 5_000, diagnostics: 200, invariants: 1_000, steps: 1_000 };

/** The model; see the module comment. */
export interface InspectorStore {
  hello: HelloEvent | null;
  readonly pods: Map<string, PodView>;
  readonly decisions: Stamped<DecisionEvent>[];
  readonly notices: Stamped<NoticeEvent>[];
  readonly diagnostics: Stamped<DiagnosticEvent>[];
  readonly invariants: Stamped<InvariantEvent>[];
  readonly steps: Stamped<StepEvent>[];
  /** Decisions per outcome over all time (trimmed ones included). */
  readonly totals: Map<string, number>;
  /** Decisions per outcome per bucket. */
  readonly buckets: Map<number, Map<string, number>>;
  /** Names of pods whose row changed since the last render. */
  readonly changedPods: Set<string>;
  readonly dirty: Set<Topic>;
  /** The step being applied or shown (replay), 0 live. */
  step: number;
  /** Applies events in order; with `undo`, records how to take them back. */
  apply(events: readonly InspectorEvent[], undo?: UndoLog): void;
  /** Takes back what `apply` with this log did. */
  revert(undo: UndoLog): void;
  /** A fresh undo log for the state as it is now. */
  undoLog(): UndoLog;
}

/** Creates the store; `replay` keeps every event and buckets counts by step. */
export function createStore(options: { readonly replay: boolean }): InspectorStore {
  let seq = 0;
  const bounded = !options.replay;
  const store: InspectorStore = {
    hello: null,
    pods: new Map(),
    decisions: [],
    notices: [],
    diagnostics: [],
    invariants: [],
    steps: [],
    totals: new Map(),
    buckets: new Map(),
    changedPods: new Set(),
    dirty: new Set(),
    step: 0,
    apply,
    revert,
    undoLog,
  };

  function push<E>(list: Stamped<E>[], event: E, limit: number, topic: Topic): Stamped<E> {
    const item = { seq: seq++, step: store.step, event };
    list.push(item);
    if (bounded && list.length > limit * 1.25) list.splice(0, list.length - limit);
    store.dirty.add(topic);
    return item;
  }

  function count(decision: DecisionEvent, by: number): void {
    const key = options.replay ? store.step : Math.floor(decision.at / 1000);
    store.totals.set(decision.outcome, (store.totals.get(decision.outcome) ?? 0) + by);
    let bucket = store.buckets.get(key);
    if (!bucket) store.buckets.set(key, (bucket = new Map()));
    bucket.set(decision.outcome, (bucket.get(decision.outcome) ?? 0) + by);
    if (bounded && store.buckets.size > 600) store.buckets.delete(store.buckets.keys().next().value as number);
  }

  function setPod(name: string, pod: PodView | undefined, undo?: UndoLog): void {
    if (undo && !undo.wholePods && !undo.pods.has(name)) undo.pods.set(name, store.pods.get(name));
    const had = store.pods.has(name);
    if (pod) store.pods.set(name, pod);
    else store.pods.delete(name);
    if (had !== (pod !== undefined)) store.dirty.add('podSet');
    store.changedPods.add(name);
    store.dirty.add('podRows');
  }

  function apply(events: readonly InspectorEvent[], undo?: UndoLog): void {
    for (const event of events) {
      switch (event.type) {
        case 'podmesh.hello':
          store.hello = event;
          store.dirty.add('hello');
          break;
        case 'podmesh.pods':
          if (undo && !undo.wholePods) undo.wholePods = new Map(store.pods);
          store.pods.clear();
          for (const pod of event.pods) store.pods.set(pod.name, pod);
          store.changedPods.clear();
          store.dirty.add('podsReplaced').add('podSet');
          break;
        case 'podmesh.pod':
          setPod(event.pod.name, event.pod, undo);
          break;
        case 'podmesh.podRemoved':
          setPod(event.name, undefined, undo);
          break;
        case 'podmesh.decision':
          push(store.decisions, event, LIVE_LIMITS.decisions, 'decisions');
          count(event, 1);
          break;
        case 'podmesh.notice':
          push(store.notices, event, LIVE_LIMITS.notices, 'notices');
          break;
        case 'podmesh.diagnostic':
          push(store.diagnostics, event, LIVE_LIMITS.diagnostics, 'diagnostics');
          break;
        case 'podmesh.invariant':
          push(store.invariants, event, LIVE_LIMITS.invariants, 'step');
          break;
        case 'podmesh.step':
          push(store.steps, event, LIVE_LIMITS.steps, 'step');
          break;
        default:
          // xstate's own inspection events: the pod rows already carry what the page shows of them.
          break;
      }
    }
  }

  function undoLog(): UndoLog {
    return {
      pods: new Map(),
      wholePods: null,
      lengths: [store.decisions.length, store.notices.length, store.diagnostics.length, store.invariants.length, store.steps.length],
    };
  }

  function revert(undo: UndoLog): void {
    if (undo.wholePods) {
      store.pods.clear();
      for (const [name, pod] of undo.wholePods) store.pods.set(name, pod);
      store.dirty.add('podsReplaced').add('podSet');
    }
    // Recorded only before a whole-list replacement, so they come back after it.
    for (const [name, pod] of undo.pods) setPod(name, pod);
    for (const item of store.decisions.splice(undo.lengths[0])) {
      const at = store.step;
      store.step = item.step;
      count(item.event, -1);
      store.step = at;
    }
    store.notices.length = undo.lengths[1];
    store.diagnostics.length = undo.lengths[2];
    store.invariants.length = undo.lengths[3];
    store.steps.length = undo.lengths[4];
    for (const topic of ['decisions', 'notices', 'diagnostics', 'step'] as const) store.dirty.add(topic);
  }

  return store;
}
