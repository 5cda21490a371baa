import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assign, createMachine, fromPromise, setup } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import { discoveryMachine } from '../../src/machines/discoveryMachine.js';
import { orchestratorMachine } from '../../src/machines/orchestratorMachine.js';
import { podMachine } from '../../src/machines/podMachine.js';
import { runtimeMachine } from '../../src/machines/runtimeMachine.js';
import { ticketMachine } from '../../src/machines/ticketMachine.js';
import { weakNotifyMachine } from '../../src/machines/weakNotifyMachine.js';

const names = suite('machineNames');

/*
 * How `machine.toJSON()` shows implementations (xstate 5.33), learned by printing it:
 * - `entry` / `exit` are serialised: a named action becomes `{ type: name }`, but an
 *   inline function becomes `{ type: fn.name }` (an arrow in `entry:` is `{ type: 'entry' }`)
 *   and an inline `assign(...)` becomes `{ type: 'xstate.assign' }`; so those are
 *   also checked on the state node's own config, where an inline one is a function.
 * - `on` holds the raw transitions: actions are strings, `{ type, params }` objects, or
 *   functions when inline (they print as `null` in JSON); an inline guard is a function
 *   (JSON.stringify drops the key entirely, so a test on the JSON text would miss it).
 *   `after` transitions appear in `on` under `xstate.after.*` with their `delay`.
 * - `invoke[].src` is the actor's name, or `xstate.invoke.<id>` for inline logic.
 * - `always` transitions are not in `toJSON()` at all; they are read off the state node.
 */

/** One implementation not referred to by a name that `setup()` declares. */
interface NameProblem {
  readonly state: string;
  readonly kind: 'action' | 'guard' | 'actor' | 'delay';
  readonly problem: 'inline' | 'unknown';
  readonly detail: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const asArray = (value: unknown): readonly unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function describeInline(value: unknown): string {
  if (typeof value !== 'function') return String(value);
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? `inline ${type}` : `inline function ${value.name || '(anonymous)'}`;
}

/** Walks a machine's `toJSON()` and returns every implementation that is not named in `setup()`. */
function findUnnamedImplementations(machine: AnyStateMachine): NameProblem[] {
  const impl = machine.implementations as Record<'actions' | 'guards' | 'actors' | 'delays', Record<string, unknown>>;
  const known = {
    action: new Set(Object.keys(impl.actions)),
    guard: new Set(Object.keys(impl.guards)),
    actor: new Set(Object.keys(impl.actors)),
    delay: new Set(Object.keys(impl.delays)),
  };
  const problems: NameProblem[] = [];

  const named = (state: string, kind: NameProblem['kind'], name: string): void => {
    if (!known[kind].has(name)) problems.push({ state, kind, problem: 'unknown', detail: name });
  };

  /** A reference as written in config or held in a raw transition. */
  const reference = (state: string, kind: 'action' | 'guard', value: unknown): void => {
    if (typeof value === 'string') named(state, kind, value);
    else if (isRecord(value) && typeof value.type === 'string') named(state, kind, value.type);
    else problems.push({ state, kind, problem: 'inline', detail: describeInline(value) });
  };

  /** An action as `toJSON()` serialises it for entry/exit/initial: `{ type }`. */
  const serialisedAction = (state: string, value: unknown): void => {
    const type = isRecord(value) ? value.type : undefined;
    if (typeof type !== 'string') problems.push({ state, kind: 'action', problem: 'inline', detail: String(value) });
    // xstate's own built-ins (the raise/cancel of `after`); inline ones are caught on the config.
    else if (!type.startsWith('xstate.')) named(state, 'action', type);
  };

  const transition = (state: string, value: unknown): void => {
    if (typeof value === 'string' || value === undefined) return; // a bare target
    if (!isRecord(value)) {
      problems.push({ state, kind: 'action', problem: 'inline', detail: `transition ${String(value)}` });
      return;
    }
    for (const action of asArray(value.actions)) reference(state, 'action', action);
    if (value.guard !== undefined) reference(state, 'guard', value.guard);
    if (typeof value.delay === 'function') problems.push({ state, kind: 'delay', problem: 'inline', detail: describeInline(value.delay) });
    else if (typeof value.delay === 'string') named(state, 'delay', value.delay);
  };

  const walk = (definition: unknown): void => {
    if (!isRecord(definition) || typeof definition.id !== 'string') throw new Error('not a state node definition');
    const state = definition.id;
    const node = machine.getStateNodeById(state);

    for (const action of asArray(definition.entry)) serialisedAction(state, action);
    for (const action of asArray(definition.exit)) serialisedAction(state, action);
    for (const action of asArray(node.config.entry)) reference(state, 'action', action);
    for (const action of asArray(node.config.exit)) reference(state, 'action', action);
    if (isRecord(definition.initial)) {
      for (const action of asArray(definition.initial.actions)) serialisedAction(state, action);
    }

    if (isRecord(definition.on)) {
      for (const transitions of Object.values(definition.on)) for (const t of asArray(transitions)) transition(state, t);
    }
    for (const t of asArray(definition.transitions)) {
      if (isRecord(t) && t.guard !== undefined) reference(state, 'guard', t.guard);
    }
    // Not part of toJSON(): eventless transitions live on the node only.
    for (const t of asArray(node.always)) transition(state, t);

    for (const invoke of asArray(definition.invoke)) {
      if (!isRecord(invoke) || typeof invoke.src !== 'string') {
        problems.push({ state, kind: 'actor', problem: 'inline', detail: String(invoke) });
        continue;
      }
      if (invoke.src.startsWith('xstate.invoke.')) problems.push({ state, kind: 'actor', problem: 'inline', detail: invoke.src });
      else named(state, 'actor', invoke.src);
      for (const t of asArray(invoke.onDone)) transition(state, t);
      for (const t of asArray(invoke.onError)) transition(state, t);
      for (const t of asArray(invoke.onSnapshot)) transition(state, t);
    }

    if (isRecord(definition.states)) for (const child of Object.values(definition.states)) walk(child);
  };

  walk(machine.toJSON());
  return problems;
}

const MACHINES: readonly [string, AnyStateMachine][] = [
  ['podMachine', podMachine],
  ['weakNotifyMachine', weakNotifyMachine],
  ['discoveryMachine', discoveryMachine],
  ['orchestratorMachine', orchestratorMachine],
  ['runtimeMachine', runtimeMachine],
  ['ticketMachine', ticketMachine],
];

for (const [label, machine] of MACHINES) {
  names(`should name every action, guard and actor of ${label} in setup()`, () => {
    const problems = findUnnamedImplementations(machine);
    assert.equal(problems, [], JSON.stringify(problems));
  });
}

/** Every name a machine's chart refers to, so the tests below know the walker saw something. */
function referencedNames(machine: AnyStateMachine): Set<string> {
  const out = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') out.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (isRecord(value)) {
      for (const key of ['type', 'src', 'guard', 'actions', 'entry', 'exit', 'invoke', 'on', 'transitions', 'states'] as const) {
        if (key in value) visit(key === 'on' || key === 'states' ? Object.values(value[key] as object) : value[key]);
      }
    }
  };
  visit(JSON.parse(JSON.stringify(machine.toJSON())));
  return out;
}

names('should see the named implementations it checks (walker reaches nested states and invokes)', () => {
  const pod = referencedNames(podMachine);
  for (const name of ['queueNotice', 'reportOverflow', 'takeTurnNotices', 'forgetReason', 'runTurn', 'willOverflow', 'reportTurnFailure']) {
    assert.ok(pod.has(name), name);
  }
  const orchestrator = referencedNames(orchestratorMachine);
  for (const name of ['requestPeerEnsure', 'notifyCompanion', 'rememberEnsure', 'reportEnsure', 'reportHandled', 'takeNextEvent']) {
    assert.ok(orchestrator.has(name), name);
  }
  // checkingRelation's isPeer sits on an eventless transition, which toJSON() leaves out.
  const weakNotify = referencedNames(weakNotifyMachine);
  for (const name of ['rememberFact', 'targetExists', 'isVisible', 'storeReadable', 'isLive', 'wasAccepted']) {
    assert.ok(weakNotify.has(name), name);
  }
});

names('should check eventless transitions that toJSON() leaves out', () => {
  // orchestrator.ready --hasPendingEvent--> handling exists only on the state node.
  const ready = (orchestratorMachine.toJSON() as unknown as { states: { ready: unknown } }).states.ready;
  assert.not.ok(JSON.stringify(ready).includes('hasPendingEvent'), 'toJSON() now shows always: the node fallback may go');
  const broken = orchestratorMachine.provide({});
  const impl = broken.implementations as { guards: Record<string, unknown> };
  delete impl.guards.hasPendingEvent;
  assert.ok('hasPendingEvent' in orchestratorMachine.implementations.guards, 'provide() copied the implementations');
  const problems = findUnnamedImplementations(broken);
  assert.ok(
    problems.some((p) => p.state === 'orchestrator.ready' && p.kind === 'guard' && p.problem === 'unknown' && p.detail === 'hasPendingEvent'),
    JSON.stringify(problems),
  );
});

names('should flag inline actions, guards, actors and names missing from setup() (negative control)', () => {
  // Plain createMachine: setup()'s types would already reject an inline invoke.
  const inline = createMachine(
    {
      id: 'inline',
      initial: 'a',
      entry: () => {},
      states: {
        a: {
          exit: assign({}),
          on: {
            go: { guard: ({ event }) => event.type === 'go', actions: [() => {}, 'named'], target: 'b' },
            back: { guard: 'known', actions: 'named' },
          },
          invoke: { src: fromPromise(async () => 1), onDone: { actions: () => {} } },
        },
        b: {
          always: { guard: () => false, target: 'a' },
          after: { soon: { target: 'a' }, 100: { target: 'a', actions: () => {} } },
        },
      },
    },
    { actions: { named: () => {} }, guards: { known: () => true }, delays: { soon: 10 } },
  );
  const problems = findUnnamedImplementations(inline);
  const has = (state: string, kind: NameProblem['kind'], problem: NameProblem['problem']): boolean =>
    problems.some((p) => p.state === state && p.kind === kind && p.problem === problem);

  assert.ok(has('inline', 'action', 'inline'), 'inline entry arrow');
  assert.ok(has('inline', 'action', 'unknown'), 'inline entry shows as the name "entry" in toJSON()');
  assert.ok(
    problems.some((p) => p.state === 'inline.a' && p.detail === 'inline xstate.assign'),
    'inline assign in exit',
  );
  assert.ok(has('inline.a', 'guard', 'inline'), 'inline guard on go');
  assert.ok(
    problems.some((p) => p.state === 'inline.a' && p.kind === 'action' && p.detail.startsWith('inline function')),
    'inline lambda action on go',
  );
  assert.ok(has('inline.a', 'actor', 'inline'), 'inline invoked logic');
  assert.ok(has('inline.b', 'guard', 'inline'), 'inline guard on always');
  assert.ok(has('inline.b', 'action', 'inline'), 'inline action on after');
  // The named ones of the same chart are not flagged.
  assert.not.ok(problems.some((p) => p.detail === 'named' || p.detail === 'known' || p.detail === 'soon'), JSON.stringify(problems));
});

names('should flag a string name that setup() does not declare', () => {
  // setup()'s types reject the typo at compile time; a plain createMachine lets it through.
  const machine = createMachine(
    { id: 'typo', initial: 'a', states: { a: { on: { go: { actions: 'namd' } } } } },
    { actions: { named: () => {} } },
  );
  assert.equal(findUnnamedImplementations(machine), [{ state: 'typo.a', kind: 'action', problem: 'unknown', detail: 'namd' }]);
});

names('should not flag a fully named machine (positive control)', () => {
  const machine = setup({
    actions: { named: () => {}, alsoNamed: () => {} },
    guards: { known: () => true },
    actors: { work: fromPromise(async () => 1) },
  }).createMachine({
    id: 'clean',
    initial: 'a',
    entry: 'named',
    states: {
      a: {
        exit: { type: 'alsoNamed' },
        always: { guard: 'known', target: 'b' },
      },
      b: { invoke: { src: 'work', onDone: { target: 'a', actions: 'named' }, onError: { guard: 'known', target: 'a' } } },
    },
  });
  assert.equal(findUnnamedImplementations(machine), []);
});

names("should end weakNotifyMachine in exactly the six outcome states", () => {
  const definition: unknown = weakNotifyMachine.toJSON();
  assert.ok(isRecord(definition) && isRecord(definition.states));
  const states = (definition as { states: Record<string, { type: string }> }).states;
  const finals = Object.entries(states)
    .filter(([, state]) => state.type === 'final')
    .map(([key]) => key)
    .sort();
  assert.equal(finals, ['delivered', 'sendFailed', 'skippedMissing', 'skippedNotLive', 'skippedNotPeer', 'skippedNotVisible']);
});

names.run();
