/**
 * Replay of a recorded trace: a bar of controls (play, pause, step back and
 * forward, a scrubber, a jump to the first failed invariant) shown above
 * every tab, and a tab with the current step's events and invariants.
 * Stepping forward applies a step with an undo log; stepping back applies
 * the logs in reverse — exact, and cheaper than snapshots of 100,000 pods.
 */
import type { InspectorEvent, InvariantEvent, TraceHeader, TraceStep } from '../../core/inspectorProtocol.js';
import { button, formatAt, h, labelled, select } from './dom.js';
import type { InspectorStore, UndoLog } from './store.js';
import type { TraceSink } from './traceLoader.js';
import type { View } from './view.js';

/** The replay's parts: its bar, its tab, and the sink a trace loads into. */
export interface Replay {
  readonly bar: HTMLElement;
  readonly view: View;
  readonly sink: TraceSink;
  /** The whole trace is read (or failed). */
  finished(error?: Error): void;
}

const EVENT_ROWS = 500;

function summary(event: InspectorEvent): string {
  switch (event.type) {
    case 'podmesh.pods':
      return `${event.pods.length} pods`;
    case 'podmesh.pod':
      return `${event.pod.name} ${event.pod.status}${event.pod.activity ? `/${event.pod.activity}` : ''}`;
    case 'podmesh.podRemoved':
      return event.name;
    case 'podmesh.decision':
      return `${event.self} → ${event.peer}: ${event.outcome}`;
    case 'podmesh.notice':
      return `${event.from ?? '?'} → ${event.pod}${event.ticket ? ` (${event.ticket})` : ''}`;
    case 'podmesh.step':
      return event.action;
    case 'podmesh.invariant':
      return `${event.name}: ${event.ok ? 'ok' : `FAILED ${event.message ?? ''}`}`;
    case 'podmesh.diagnostic':
      return `${event.level} ${event.message}`;
    default:
      return 'actorId' in event ? event.actorId : '';
  }
}

/** Creates the replay over the store; `changed` asks the shell to draw. */
export function createReplay(store: InspectorStore, changed: () => void): Replay {
  const steps: TraceStep[] = [];
  const undo: UndoLog[] = [];
  let cursor = -1;
  let loading = true;
  let timer: ReturnType<typeof setInterval> | null = null;
  let failureAt: number | null = null;

  const scrubber = h('input', { type: 'range', min: 0, max: 0, value: 0, step: 1, 'data-testid': 'replay-scrubber', 'aria-label': 'step' });
  const position = h('span', { class: 'position', 'data-testid': 'replay-position', 'aria-live': 'polite' }, 'loading…');
  const status = h('span', { class: 'muted', 'data-testid': 'replay-loading' }, 'loading trace…');
  const speed = select({ 'data-testid': 'replay-speed' }, [['2', '2 steps/s'], ['10', '10 steps/s'], ['50', '50 steps/s']]);
  speed.value = '10';
  const failure = h('div', { class: 'failure', 'data-testid': 'invariant-message', hidden: true });
  const play = button('▶ Play', { 'data-testid': 'replay-play' }, () => startPlaying());
  const pause = button('Pause', { 'data-testid': 'replay-pause', disabled: true }, () => stopPlaying());
  const back = button('◀ Step', { 'data-testid': 'replay-step-back', 'aria-label': 'step back' }, () => seek(cursor - 1));
  const forward = button('Step ▶', { 'data-testid': 'replay-step-forward', 'aria-label': 'step forward' }, () => seek(cursor + 1));
  const firstFailure = button('First failure', { 'data-testid': 'replay-first-failure' }, () => jumpToFailure());
  const bar = h('div', { class: 'replay-bar', role: 'toolbar', 'aria-label': 'replay' }, back, play, pause, forward, scrubber, position, labelled('Speed', speed), firstFailure, status, failure);

  const events = h('ol', { class: 'rows', 'data-testid': 'step-events', 'aria-label': 'events of the current step' });
  const invariants = h('ul', { class: 'rows', 'data-testid': 'step-invariants', 'aria-label': 'invariants of the current step' });
  const element = h('section', { class: 'view replay-view', 'aria-label': 'replay' }, h('h2', {}, 'Invariants of this step'), invariants, h('h2', {}, 'Events of this step'), events);

  function seek(target: number): void {
    const to = Math.max(0, Math.min(steps.length - 1, target));
    if (to === cursor || steps.length === 0) return;
    while (cursor < to) {
      cursor += 1;
      store.step = steps[cursor]!.step;
      undo[cursor] = store.undoLog();
      store.apply(steps[cursor]!.events, undo[cursor]);
    }
    while (cursor > to) {
      store.step = steps[cursor]!.step;
      store.revert(undo[cursor]!);
      cursor -= 1;
    }
    store.step = steps[cursor]!.step;
    store.dirty.add('step');
    if (cursor === steps.length - 1 && !loading) stopPlaying();
    drawBar();
    changed();
  }

  function startPlaying(): void {
    if (timer) return;
    if (cursor >= steps.length - 1) seek(0);
    timer = setInterval(() => (cursor >= steps.length - 1 ? stopPlaying() : seek(cursor + 1)), 1000 / Number(speed.value));
    play.disabled = true;
    pause.disabled = false;
  }

  function stopPlaying(): void {
    if (timer) clearInterval(timer);
    timer = null;
    play.disabled = false;
    pause.disabled = true;
  }

  const failed = (step: TraceStep): InvariantEvent | undefined =>
    step.events.find((e): e is InvariantEvent => e.type === 'podmesh.invariant' && !e.ok);

  function jumpToFailure(): void {
    stopPlaying();
    failure.hidden = false;
    if (failureAt === null) {
      failure.dataset.found = 'false';
      // Good news, not an error: drawn as a pass (green), never in the failure's red.
      const last = steps[steps.length - 1]?.step ?? 0;
      failure.textContent = `✓ No invariant failed in steps 0–${last}${loading ? ' (read so far)' : ''}.`;
      return;
    }
    const invariant = failed(steps[failureAt]!)!;
    failure.dataset.found = 'true';
    failure.textContent = `Step ${steps[failureAt]!.step}: ${invariant.name} failed — ${invariant.message ?? 'no message'}`;
    seek(failureAt);
  }

  speed.addEventListener('change', () => {
    if (timer) {
      stopPlaying();
      startPlaying();
    }
  });
  scrubber.addEventListener('input', () => seek(Number(scrubber.value)));

  function drawBar(): void {
    scrubber.max = String(Math.max(0, steps.length - 1));
    scrubber.value = String(Math.max(0, cursor));
    const step = steps[cursor];
    position.textContent = step ? `step ${step.step} of ${steps[steps.length - 1]!.step} · ${formatAt(step.at)}` : 'no steps';
    position.dataset.step = String(step?.step ?? '');
    back.disabled = cursor <= 0;
    forward.disabled = cursor >= steps.length - 1;
  }

  const view: View = {
    id: 'replay',
    title: 'Replay',
    element,
    render() {
      const step = steps[cursor];
      const list = step?.events ?? [];
      events.replaceChildren(
        ...list.slice(0, EVENT_ROWS).map((e) => h('li', { 'data-testid': 'step-event', 'data-type': e.type }, h('code', {}, e.type), ` ${summary(e)}`)),
        ...(list.length > EVENT_ROWS ? [h('li', { class: 'muted' }, `… ${list.length - EVENT_ROWS} more`)] : []),
      );
      const checks = list.filter((e): e is InvariantEvent => e.type === 'podmesh.invariant');
      invariants.replaceChildren(
        ...(checks.length
          ? checks.map((c) => h('li', { 'data-testid': 'step-invariant', 'data-ok': String(c.ok), class: c.ok ? 'ok' : 'failed' }, `${c.ok ? '✓' : '✗'} ${c.name}${c.message ? ` — ${c.message}` : ''}`))
          : [h('li', { class: 'muted' }, 'No invariant checked at this step.')]),
      );
    },
  };

  let lastBar = 0;
  const sink: TraceSink = {
    header(header: TraceHeader) {
      if (!store.hello || Object.keys(store.hello.machines ?? {}).length === 0) {
        store.hello = { type: 'podmesh.hello', version: header.version, mode: 'replay', source: store.hello?.source ?? header.scenario, machines: header.machines };
        store.dirty.add('hello');
      }
      status.textContent = `${header.scenario} · seed ${header.seed} · ${header.pods.toLocaleString()} pods · loading…`;
    },
    step(step) {
      steps.push(step);
      if (failureAt === null && failed(step)) failureAt = steps.length - 1;
      if (steps.length === 1) seek(0);
      else if (performance.now() - lastBar > 200) {
        lastBar = performance.now();
        drawBar();
      }
    },
    progress() {},
  };

  return {
    bar,
    view,
    sink,
    finished(error) {
      loading = false;
      const last = steps[steps.length - 1]?.step ?? 0;
      status.textContent = error ? `trace failed: ${error.message}` : `trace loaded: steps 0–${last.toLocaleString()}`;
      status.dataset.state = error ? 'failed' : 'loaded';
      drawBar();
    },
  };
}
