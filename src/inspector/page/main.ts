/**
 * The podmesh inspector page (issue 10): pods, statecharts, decisions, peers
 * and notices, and a replay of a recorded trace, read from the server on the
 * page's own origin (`/api/hello`, `/api/events`, `/api/trace`); no other
 * request.
 *
 * Test hooks (data-testid), stable for the Chromium tests:
 *   header:        mode (data-mode), source, connection (data-state: connecting|connected|disconnected|replay),
 *                  tab-<id> (pods|charts|decisions|peers|replay; aria-selected), panel-<id>, load-error
 *   pods:          pod-filter-text, pod-filter-status, pod-filter-role, pod-filter-workspace, pod-count,
 *                  pod-sort (data-column, aria-sort), pod-list (virtual: only visible rows exist),
 *                  pod-row (data-name, data-status, aria-selected), pod-details, pod-details-name,
 *                  pod-details-status, -activity, -role, -pid, -queue, -turns, -peers, -children, export-pod-svg
 *   statecharts:   machine-select, export-svg, statechart (svg; data-machine),
 *                  chart-state (data-state-id, data-state-key, data-state-type, data-active="true"|"false"),
 *                  chart-edge (data-source, data-target, data-event, data-active), chart-initial, path-order
 *   decisions:     decision-filter-outcome, decision-filter-pod, decision-filter-ticket, decision-count,
 *                  outcome-count (data-outcome; its <b> holds the number), outcome-chart, decision-list,
 *                  decision-row (data-outcome, data-self, data-peer, data-seq), decision-details,
 *                  decision-outcome (data-outcome), decision-reason, decision-path, decision-facts,
 *                  export-decision-svg (the decision's statechart has the same chart-* hooks)
 *   peers:         peer-workspace-select, peer-graph, peer-node (data-name, data-status), peer-edge,
 *                  notice-filter-pod, notice-filter-ticket, notice-list, notice-row (data-pod, data-ticket),
 *                  diagnostics, diagnostic-row (data-level)
 *   replay:        replay-play, replay-pause, replay-step-back, replay-step-forward, replay-scrubber,
 *                  replay-position (data-step), replay-speed, replay-first-failure,
 *                  invariant-message (data-found), replay-loading (data-state: loaded|failed),
 *                  step-events, step-event (data-type), step-invariants, step-invariant (data-ok)
 *   document.body.dataset.ready = "true" once the first view is drawn.
 * Performance marks (for the bench): podmesh:hello, podmesh:trace-step0 (replay), podmesh:first-pods (the first
 * frame that drew a non-empty pod list), podmesh:first-pods-painted (after the next frame: it is on screen).
 */
import type { HelloEvent, InspectorEvent } from '../../core/inspectorProtocol.js';
import { button, h } from './dom.js';
import { createDecisionsView } from './decisionsView.js';
import { connectFeed, type FeedState } from './liveFeed.js';
import { createPeersView } from './peersView.js';
import { createPodsView } from './podsView.js';
import { createReplay } from './replayView.js';
import { createStatechartsView } from './statechartsView.js';
import { createStore, type Topic } from './store.js';
import { loadTrace } from './traceLoader.js';
import type { View } from './view.js';

async function fetchHello(): Promise<HelloEvent> {
  const response = await fetch('/api/hello');
  if (!response.ok) throw new Error(`GET /api/hello: ${response.status}`);
  return (await response.json()) as HelloEvent;
}

async function start(root: HTMLElement): Promise<void> {
  const mode = h('span', { class: 'mode', 'data-testid': 'mode' }, '…');
  const source = h('span', { class: 'source', 'data-testid': 'source' });
  const connection = h('span', { class: 'connection', 'data-testid': 'connection', 'data-state': 'connecting', role: 'status' }, 'connecting');
  const header = h('header', { class: 'top' }, h('h1', {}, 'podmesh inspector'), mode, source, connection);
  root.replaceChildren(header);

  let hello: HelloEvent;
  try {
    hello = await fetchHello();
  } catch (error) {
    connection.dataset.state = 'disconnected';
    connection.textContent = 'disconnected';
    root.append(h('p', { class: 'error', 'data-testid': 'load-error' }, `The inspector server did not answer: ${(error as Error).message}`));
    return;
  }
  performance.mark('podmesh:hello');
  const replayMode = hello.mode === 'replay';
  mode.textContent = hello.mode;
  mode.dataset.mode = hello.mode;
  source.textContent = hello.source;
  source.title = hello.source;

  const store = createStore({ replay: replayMode });
  store.apply([hello]);
  const replay = replayMode ? createReplay(store, () => schedule()) : null;
  const views: View[] = [createPodsView(store), createStatechartsView(store), createDecisionsView(store, replayMode), createPeersView(store)];
  if (replay) views.push(replay.view);

  // Each view collects what changed while it was hidden, and draws fully when shown again.
  const stale = new Map<View, boolean>(views.map((view) => [view, true]));
  let current = views[0]!;
  const tabs = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'views' });
  const panels = h('main', { class: 'panels' });
  const tabButtons = new Map<View, HTMLButtonElement>();
  for (const view of views) {
    const tab = button(view.title, { role: 'tab', 'data-testid': `tab-${view.id}`, id: `tab-${view.id}`, 'aria-controls': `panel-${view.id}` }, () => show(view));
    tabButtons.set(view, tab);
    tabs.append(tab);
    view.element.id = `panel-${view.id}`;
    view.element.dataset.testid = `panel-${view.id}`;
    view.element.setAttribute('role', 'tabpanel');
    view.element.setAttribute('aria-labelledby', `tab-${view.id}`);
    panels.append(view.element);
  }
  root.append(...(replay ? [replay.bar] : []), tabs, panels);

  function show(view: View): void {
    current = view;
    for (const [v, tab] of tabButtons) {
      tab.setAttribute('aria-selected', String(v === view));
      v.element.hidden = v !== view;
    }
    draw(true);
  }

  let drewPods = false;
  const queue: (readonly InspectorEvent[])[] = [];
  let frame = 0;
  function schedule(): void {
    if (frame === 0) frame = requestAnimationFrame(() => draw(false));
  }
  function draw(switched: boolean): void {
    frame = 0;
    for (const events of queue.splice(0)) store.apply(events);
    const dirty: ReadonlySet<Topic> = new Set(store.dirty);
    if (dirty.size > 0) for (const view of views) if (view !== current) stale.set(view, true);
    if (dirty.size > 0 || switched) {
      const full = stale.get(current) === true;
      stale.set(current, false);
      current.render(dirty, full);
    }
    store.dirty.clear();
    store.changedPods.clear();
    document.body.dataset.ready = 'true';
    if (!drewPods && store.pods.size > 0) {
      drewPods = true;
      performance.mark('podmesh:first-pods');
      // The frame after: the list has been painted by then.
      requestAnimationFrame(() => setTimeout(() => performance.mark('podmesh:first-pods-painted'), 0));
    }
  }

  const setConnection = (state: FeedState | 'replay', text: string = state): void => {
    connection.dataset.state = state;
    connection.textContent = text;
  };
  show(current);

  if (replay) {
    setConnection('replay', 'trace');
    try {
      await loadTrace('/api/trace', replay.sink);
      replay.finished();
    } catch (error) {
      replay.finished(error as Error);
    }
    schedule();
    return;
  }
  connectFeed(
    '/api/events',
    (batch) => {
      queue.push(batch.events);
      schedule();
    },
    (state) => setConnection(state),
  );
}

const root = document.getElementById('app');
if (root) void start(root);
