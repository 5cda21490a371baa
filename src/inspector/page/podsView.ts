/**
 * The pods: a virtual list to filter (text, status, role, workspace) and
 * sort by column, updated in place as pods change, and the selected pod's
 * details with podMachine drawn in its current state.
 */
import type { PodView } from '../../core/inspectorProtocol.js';
import { activeIds } from './chartModel.js';
import { createChartPanel } from './chartPanel.js';
import { button, h, labelled, select, setOptions } from './dom.js';
import { throttled } from './throttled.js';
import { podChart } from './machines.js';
import type { InspectorStore } from './store.js';
import type { View } from './view.js';
import { createVirtualList } from './virtualList.js';

type Column = 'name' | 'status' | 'activity' | 'role' | 'workspace' | 'queued' | 'dropped' | 'peers' | 'pid';
const COLUMNS: readonly Column[] = ['name', 'status', 'activity', 'role', 'workspace', 'queued', 'dropped', 'peers', 'pid'];
const ANY = '';
/** Values a role or workspace select lists at most. */
const OPTION_LIMIT = 1_000;

function cell(pod: PodView, column: Column): string {
  const value = column === 'peers' ? pod.peers.length : pod[column];
  return value === null ? '–' : String(value);
}

/** What a cell shows: a long workspace path by its last folder (its start is the same for every pod); the title has it all. */
function shown(column: Column, value: string): string {
  if (column !== 'workspace' || value.length <= 14) return value;
  const last = value.replace(/\/+$/, '').split('/').pop();
  return last ? `…/${last}` : value;
}

function sortKey(pod: PodView, column: Column): string | number {
  if (column === 'peers') return pod.peers.length;
  const value = pod[column];
  return value === null ? (column === 'name' ? '' : -1) : value;
}

/** The state value podMachine is in for a pod's status and activity. */
export function podStateValue(pod: PodView): unknown {
  return pod.status === 'live' ? { live: pod.activity ?? 'idle' } : pod.status;
}

/** Creates the pods view over the store. */
export function createPodsView(store: InspectorStore): View {
  const text = h('input', { type: 'search', placeholder: 'name, role, workspace…', 'data-testid': 'pod-filter-text' });
  const status = select({ 'data-testid': 'pod-filter-status' }, [[ANY, 'any'], 'live', 'stopped', 'unreachable']);
  const role = select({ 'data-testid': 'pod-filter-role' }, [[ANY, 'any']]);
  const workspace = select({ 'data-testid': 'pod-filter-workspace' }, [[ANY, 'any']]);
  const count = h('span', { class: 'muted', 'data-testid': 'pod-count', 'aria-live': 'polite' });
  let sortBy: Column = 'name';
  let descending = false;
  let rows: PodView[] = [];
  let indexOf = new Map<string, number>();
  let selected: string | null = null;
  let lastFull = 0;
  let resortTimer: ReturnType<typeof setTimeout> | null = null;

  const header = h('div', { class: 'pod-grid pod-head', role: 'presentation' });
  const sortButtons = COLUMNS.map((column) =>
    button(column, { 'data-testid': 'pod-sort', 'data-column': column, class: 'sort' }, () => {
      descending = sortBy === column ? !descending : false;
      sortBy = column;
      recompute();
    }),
  );
  header.append(...sortButtons);

  const list = createVirtualList<PodView>({
    rowHeight: 28,
    attrs: { 'data-testid': 'pod-list', 'aria-label': 'pods' },
    render(row, pod) {
      row.className = `vlist-row pod-grid status-${pod.status}${pod.name === selected ? ' selected' : ''}`;
      row.dataset.testid = 'pod-row';
      row.dataset.name = pod.name;
      row.dataset.status = pod.status;
      row.setAttribute('aria-selected', String(pod.name === selected));
      if (row.childElementCount !== COLUMNS.length) row.replaceChildren(...COLUMNS.map((c) => h('span', { class: `c-${c}` })));
      COLUMNS.forEach((column, i) => {
        const span = row.children[i] as HTMLElement;
        const value = cell(pod, column);
        const text = shown(column, value);
        if (span.textContent !== text) {
          span.textContent = text;
          // A cut-off name, role or workspace can be read in full on hover.
          if (column === 'name' || column === 'role' || column === 'workspace') span.title = value;
        }
      });
    },
    empty() {
      return store.pods.size > 0 ? 'No pod matches these filters.' : 'No pods yet — start one (podmesh pod start <name>) and it shows here.';
    },
    onChoose(pod) {
      selected = pod.name;
      list.refresh();
      showDetails();
    },
  });

  const details = h('div', { class: 'pod-details', 'data-testid': 'pod-details' }, h('p', { class: 'muted' }, 'Select a pod to see its details and podMachine in its current state.'));
  const chart = createChartPanel('export-pod-svg', 'podMachine is drawn here, in the selected pod’s state.');
  const element = h(
    'section',
    { class: 'view pods-view', 'aria-label': 'pods' },
    h('div', { class: 'toolbar' }, labelled('Filter', text), labelled('Status', status), labelled('Role', role), labelled('Workspace', workspace), count),
    h('div', { class: 'split' }, h('div', { class: 'pod-table' }, header, list.element), h('div', { class: 'side' }, details, chart.element)),
  );

  /** The filter as it stands, read from the controls once (not once per pod). */
  function currentFilter(): (pod: PodView) => boolean {
    const needle = text.value.trim().toLowerCase();
    const [wantStatus, wantRole, wantWorkspace] = [status.value, role.value, workspace.value];
    return (pod) => {
      if (wantStatus !== ANY && pod.status !== wantStatus) return false;
      if (wantRole !== ANY && (pod.role ?? '') !== wantRole) return false;
      if (wantWorkspace !== ANY && (pod.workspace ?? '') !== wantWorkspace) return false;
      if (!needle) return true;
      return pod.name.toLowerCase().includes(needle) || (pod.role ?? '').toLowerCase().includes(needle) || (pod.workspace ?? '').toLowerCase().includes(needle);
    };
  }
  let matches = currentFilter();

  function refreshOptions(): void {
    const roles = new Set<string>();
    const workspaces = new Set<string>();
    for (const pod of store.pods.values()) {
      if (pod.role) roles.add(pod.role);
      if (pod.workspace) workspaces.add(pod.workspace);
    }
    // A select of 10,000 workspaces costs more than it helps: the first ones, and the text filter for the rest.
    const cap = (values: Set<string>): string[] => [...values].sort().slice(0, OPTION_LIMIT);
    setOptions(role, [[ANY, 'any'], ...cap(roles)]);
    setOptions(workspace, [[ANY, workspaces.size > OPTION_LIMIT ? `any (first ${OPTION_LIMIT} of ${workspaces.size} listed)` : 'any'], ...cap(workspaces)]);
  }
  // New pods come in bursts: the options are rebuilt at most once a second, and once after a burst.
  const options = throttled(refreshOptions, 1000);

  function recompute(): void {
    if (resortTimer) clearTimeout(resortTimer);
    resortTimer = null;
    matches = currentFilter();
    const next: PodView[] = [];
    for (const pod of store.pods.values()) if (matches(pod)) next.push(pod);
    const sign = descending ? -1 : 1;
    next.sort((a, b) => {
      const x = sortKey(a, sortBy);
      const y = sortKey(b, sortBy);
      if (x !== y) return (x < y ? -1 : 1) * sign;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    rows = next;
    indexOf = new Map(next.map((pod, i) => [pod.name, i]));
    lastFull = performance.now();
    for (const b of sortButtons) b.setAttribute('aria-sort', b.dataset.column === sortBy ? (descending ? 'descending' : 'ascending') : 'none');
    count.textContent = `${rows.length.toLocaleString()} of ${store.pods.size.toLocaleString()} pods`;
    list.setItems(rows);
  }

  /** Rows changed in place when they can; a change of membership or order re-sorts, at most every 250 ms. */
  function update(changed: Iterable<string>): void {
    let resort = false;
    for (const name of changed) {
      const pod = store.pods.get(name);
      const at = indexOf.get(name);
      if (at === undefined) resort ||= pod !== undefined && matches(pod);
      else if (!pod || !matches(pod) || sortKey(pod, sortBy) !== sortKey(rows[at]!, sortBy)) resort = true;
      else rows[at] = pod;
    }
    if (resort && !resortTimer) resortTimer = setTimeout(recompute, Math.max(0, 250 - (performance.now() - lastFull)));
    list.refresh();
  }

  function showDetails(): void {
    const pod = selected === null ? undefined : store.pods.get(selected);
    if (!pod) {
      details.replaceChildren(h('p', { class: 'muted' }, selected === null ? 'Select a pod.' : `${selected} is gone.`));
      return;
    }
    const field = (name: string, value: string, testid: string): HTMLElement[] => [h('dt', {}, name), h('dd', { 'data-testid': testid }, value)];
    const names = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(', '));
    details.replaceChildren(
      h('h2', { 'data-testid': 'pod-details-name' }, pod.name),
      h(
        'dl',
        {},
        ...field('status', pod.reason ? `${pod.status} (${pod.reason})` : pod.status, 'pod-details-status'),
        ...field('activity', pod.activity ?? '–', 'pod-details-activity'),
        ...field('role / workspace', `${pod.role ?? '–'} / ${pod.workspace ?? '–'}`, 'pod-details-role'),
        ...field('pid', pod.pid === null ? '–' : String(pod.pid), 'pod-details-pid'),
        ...field('queued / dropped', `${pod.queued ?? '–'} / ${pod.dropped ?? '–'}`, 'pod-details-queue'),
        ...field('turns', pod.turns === null ? '–' : String(pod.turns), 'pod-details-turns'),
        ...field('peers', names(pod.peers), 'pod-details-peers'),
        ...field('children', names(pod.spawnedChildren), 'pod-details-children'),
      ),
    );
    const model = podChart(store.hello);
    if (!model) {
      void chart.show(null, {}, 'The stream named no pod machine.');
      return;
    }
    // Shown around the pod's state, with its neighbours: the whole of podMachine is unreadable in this pane.
    const active = activeIds(model, podStateValue(pod));
    const deepest = [...active].reduce((a, b) => (b.split('.').length > a.split('.').length ? b : a));
    void chart.show(model, { active }, `${pod.name} is in ${deepest.slice(model.root.id.length + 1) || deepest} (highlighted) · Fit shows all of podMachine`, { ids: [deepest], context: 200 });
  }

  for (const control of [status, role, workspace]) control.addEventListener('change', recompute);
  let typing: ReturnType<typeof setTimeout> | null = null;
  text.addEventListener('input', () => {
    if (typing) clearTimeout(typing);
    typing = setTimeout(recompute, store.pods.size > 20_000 ? 150 : 30);
  });

  return {
    id: 'pods',
    title: 'Pods',
    element,
    render(dirty, full) {
      if (full || dirty.has('podsReplaced') || dirty.has('hello')) {
        recompute();
        // After the rows are on screen: 10,000 workspaces are 10,000 options to build.
        requestAnimationFrame(() => setTimeout(options.now, 0));
        if (selected !== null) showDetails();
        return;
      }
      if (dirty.has('podSet')) options.request();
      if (dirty.has('podRows')) {
        update(store.changedPods);
        if (selected !== null && store.changedPods.has(selected)) showDetails();
      }
    },
  };
}
