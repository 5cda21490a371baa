/**
 * Weak notify decisions: newest first (a virtual list of at most 5,000),
 * filtered by outcome, pod (self or peer) and ticket; counts per outcome,
 * in total and over time; the selected decision's path drawn through
 * weakNotifyMachine, with the facts it saw and its outcome's reason.
 */
import type { DecisionEvent } from '../../core/inspectorProtocol.js';
import { findState, withPath } from './chartModel.js';
import { createChartPanel } from './chartPanel.js';
import { formatAt, h, labelled, select } from './dom.js';
import { weakNotifyChart } from './machines.js';
import { renderOutcomeChart } from './outcomeChart.js';
import { OUTCOMES, OUTCOME_COLOURS, decisionHasTicket, outcomeReason } from './outcomes.js';
import type { InspectorStore, Stamped } from './store.js';
import type { View } from './view.js';
import { createVirtualList } from './virtualList.js';

/** Decisions the list holds at most (the store keeps more, the counts all). */
export const DECISION_LIST_LIMIT = 5_000;

/** Creates the decisions view; `replay` buckets the counts by step instead of by second. */
export function createDecisionsView(store: InspectorStore, replay: boolean): View {
  const outcome = select({ 'data-testid': 'decision-filter-outcome' }, [['', 'any'], ...OUTCOMES]);
  const pod = h('input', { type: 'search', placeholder: 'self or peer', 'data-testid': 'decision-filter-pod' });
  const ticket = h('input', { type: 'search', placeholder: 'ticket', 'data-testid': 'decision-filter-ticket' });
  const counts = h('ul', { class: 'outcome-counts', 'aria-label': 'decisions per outcome' });
  const chartBox = h('div', { class: 'outcome-chart-box' });
  const shown = h('span', { class: 'muted', 'data-testid': 'decision-count' });
  let selected: number | null = null;

  const list = createVirtualList<Stamped<DecisionEvent>>({
    rowHeight: 26,
    attrs: { 'data-testid': 'decision-list', 'aria-label': 'decisions, newest first' },
    render(row, item) {
      const d = item.event;
      row.className = `vlist-row decision-row${item.seq === selected ? ' selected' : ''}`;
      row.dataset.testid = 'decision-row';
      row.dataset.outcome = d.outcome;
      row.dataset.self = d.self;
      row.dataset.peer = d.peer;
      row.dataset.seq = String(item.seq);
      row.setAttribute('aria-selected', String(item.seq === selected));
      row.replaceChildren(
        h('span', { class: 'c-at' }, replay ? `step ${item.step}` : formatAt(d.at)),
        h('span', { class: 'c-pods' }, `${d.self} → ${d.peer}`),
        h('span', { class: 'outcome-chip', style: `--c:${OUTCOME_COLOURS[d.outcome] ?? '#888'}` }, d.outcome),
      );
    },
    empty() {
      if (store.decisions.length > 0) return 'No decision matches these filters.';
      if (replay) return 'No weak notify decided up to this step yet: step forward or play.';
      if (store.hello?.mode === 'home')
        return 'A home’s feed carries no decisions: they are made inside a runtime. Watch one with createRuntimeInspector(), or replay a recorded simulation (podmesh inspect run.jsonl).';
      return 'No decisions yet — send a weak notify (discovery.sendWeakNotifyToLivePeer) and it shows here.';
    },
    onChoose(item) {
      selected = item.seq;
      list.refresh();
      showDecision(item);
    },
  });

  const summary = h('div', { class: 'decision-summary', 'data-testid': 'decision-details' }, h('p', { class: 'muted' }, 'Select a decision to see the path it took through weakNotifyMachine, its facts and its reason.'));
  const chart = createChartPanel('export-decision-svg', 'The selected decision’s path is drawn here.');
  const element = h(
    'section',
    { class: 'view decisions-view', 'aria-label': 'decisions' },
    h('div', { class: 'toolbar' }, labelled('Outcome', outcome), labelled('Pod', pod), labelled('Ticket', ticket), shown),
    h('div', { class: 'counts-row' }, counts, chartBox),
    h('div', { class: 'split' }, list.element, h('div', { class: 'side' }, summary, chart.element)),
  );

  function filtered(): Stamped<DecisionEvent>[] {
    const o = outcome.value;
    const p = pod.value.trim();
    const t = ticket.value.trim();
    const out: Stamped<DecisionEvent>[] = [];
    for (let i = store.decisions.length - 1; i >= 0 && out.length < DECISION_LIST_LIMIT; i -= 1) {
      const item = store.decisions[i]!;
      const d = item.event;
      if (o && d.outcome !== o) continue;
      if (p && !d.self.includes(p) && !d.peer.includes(p)) continue;
      if (t && !decisionHasTicket(d, t)) continue;
      out.push(item);
    }
    return out;
  }

  function drawCounts(): void {
    counts.replaceChildren(
      ...OUTCOMES.map((name) =>
        h(
          'li',
          { 'data-testid': 'outcome-count', 'data-outcome': name, style: `--c:${OUTCOME_COLOURS[name]}` },
          h('span', { class: 'swatch' }),
          `${name} `,
          h('b', { class: 'n' }, String(store.totals.get(name) ?? 0)),
        ),
      ),
    );
    const label = replay ? (key: number) => `step ${key}` : (key: number) => new Date(key * 1000).toLocaleTimeString(undefined, { hour12: false });
    chartBox.replaceChildren(renderOutcomeChart(store.buckets, replay ? 'step' : 's', label));
  }

  function drawList(): void {
    const items = filtered();
    shown.textContent = `${items.length.toLocaleString()} shown of ${store.decisions.length.toLocaleString()}`;
    list.setItems(items);
  }

  function showDecision(item: Stamped<DecisionEvent>): void {
    const d = item.event;
    const facts = Object.entries(d.facts).filter(([, value]) => value !== undefined);
    summary.replaceChildren(
      h('h2', {}, `${d.self} → ${d.peer}`),
      h('p', { 'data-testid': 'decision-outcome', 'data-outcome': d.outcome }, h('span', { class: 'outcome-chip', style: `--c:${OUTCOME_COLOURS[d.outcome] ?? '#888'}` }, d.outcome), ` in ${d.state}`),
      h('p', { 'data-testid': 'decision-reason' }, outcomeReason(d)),
      h('p', { class: 'muted', 'data-testid': 'decision-path' }, d.path.join(' → ')),
      h('table', { class: 'facts', 'data-testid': 'decision-facts' }, ...facts.map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, factText(name, value))))),
    );
    const base = weakNotifyChart(store.hello);
    if (!base) {
      void chart.show(null, {}, 'The stream named no weakNotify machine.');
      return;
    }
    const model = withPath(base, d.path);
    const ids = d.path.map((name) => findState(model, name)?.id).filter((id): id is string => id !== undefined);
    // Fitted to the path, so the states it passed are in view however large the chart is.
    void chart.show(model, { path: ids }, undefined, { ids });
  }

  for (const control of [outcome, pod, ticket]) control.addEventListener(control === outcome ? 'change' : 'input', drawList);

  return {
    id: 'decisions',
    title: 'Decisions',
    element,
    render(dirty, full) {
      if (full || dirty.has('decisions')) {
        drawCounts();
        drawList();
      }
    },
  };
}

/** A fact as a person reads it: the store and send checks hold an error, and `null` there means none. */
function factText(name: string, value: unknown): string {
  if (value === null && (name === 'store' || name === 'sent')) return 'ok (no error)';
  return JSON.stringify(value);
}
