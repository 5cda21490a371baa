/**
 * A workspace's peer graph (pods as nodes, peer relations as edges, laid
 * out with elk), the ticket notices pods accepted (filtered by pod and
 * ticket), and the diagnostics ring (the last 200).
 */
import { getElk } from './elk.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { PodView } from '../../core/inspectorProtocol.js';
import { formatAt, h, labelled, s, select, setOptions } from './dom.js';
import { throttled } from './throttled.js';
import type { InspectorStore } from './store.js';
import type { View } from './view.js';

/** Pods a peer graph draws at most (a bigger workspace is cut, and says so). */
export const PEER_GRAPH_LIMIT = 300;
const NOTICE_ROWS = 500;
const DIAGNOSTIC_ROWS = 200;

async function drawGraph(pods: readonly PodView[]): Promise<SVGSVGElement> {
  const names = new Set(pods.map((pod) => pod.name));
  const edges: { id: string; sources: string[]; targets: string[] }[] = [];
  // Both records hold a relation: one edge per unordered pair.
  const seen = new Set<string>();
  for (const pod of pods)
    for (const peer of pod.peers) {
      const [a, b] = pod.name < peer ? [pod.name, peer] : [peer, pod.name];
      if (!names.has(peer) || seen.has(`${a}>${b}`)) continue;
      seen.add(`${a}>${b}`);
      edges.push({ id: `${a}>${b}`, sources: [a], targets: [b] });
    }
  const width = (pod: PodView): number => Math.max(60, pod.name.length * 7 + 16);
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'stress', 'elk.stress.desiredEdgeLength': '90', 'elk.padding': '[top=16,left=16,bottom=16,right=16]', 'elk.spacing.nodeNode': '24' },
    children: pods.map((pod) => ({ id: pod.name, width: width(pod), height: 26 })),
    edges,
  };
  const laid = await (await getElk()).layout(graph);
  const svg = s('svg', { viewBox: `0 0 ${Math.ceil(laid.width ?? 0)} ${Math.ceil(laid.height ?? 0)}`, width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), role: 'img', 'aria-label': 'peer graph', 'data-testid': 'peer-graph' });
  const at = new Map((laid.children ?? []).map((node) => [node.id, node]));
  for (const edge of edges) {
    const a = at.get(edge.sources[0]!);
    const b = at.get(edge.targets[0]!);
    if (!a || !b) continue;
    const cx = (n: typeof a): number => (n.x ?? 0) + (n.width ?? 0) / 2;
    const cy = (n: typeof a): number => (n.y ?? 0) + (n.height ?? 0) / 2;
    svg.append(s('line', { x1: cx(a), y1: cy(a), x2: cx(b), y2: cy(b), class: 'peer-edge', 'data-testid': 'peer-edge', 'data-source': edge.sources[0], 'data-target': edge.targets[0] }));
  }
  for (const pod of pods) {
    const node = at.get(pod.name);
    if (!node) continue;
    svg.append(
      s(
        'g',
        { class: `peer-node status-${pod.status}`, transform: `translate(${node.x ?? 0},${node.y ?? 0})`, 'data-testid': 'peer-node', 'data-name': pod.name, 'data-status': pod.status },
        s('rect', { width: node.width ?? 0, height: node.height ?? 0, rx: 13 }),
        s('text', { x: (node.width ?? 0) / 2, y: 17, 'text-anchor': 'middle' }, pod.name),
      ),
    );
  }
  return svg;
}

/** Creates the peers view. */
export function createPeersView(store: InspectorStore): View {
  const workspace = select({ 'data-testid': 'peer-workspace-select' }, []);
  const graphBox = h('div', { class: 'peer-graph-box' }, h('p', { class: 'muted' }, 'Choose a workspace.'));
  const noticePod = h('input', { type: 'search', placeholder: 'pod or sender', 'data-testid': 'notice-filter-pod' });
  const noticeTicket = h('input', { type: 'search', placeholder: 'ticket', 'data-testid': 'notice-filter-ticket' });
  const notices = h('ol', { class: 'rows', 'data-testid': 'notice-list', 'aria-label': 'notices, newest first' });
  const diagnostics = h('ol', { class: 'rows', 'data-testid': 'diagnostics', 'aria-label': 'diagnostics, newest first' });
  let signature = '';
  let token = 0;
  // A live home changes many times a second: the workspace scan runs at most twice a second, and once after a burst.
  const scan = throttled(() => {
    const spaces = new Set<string>();
    for (const pod of store.pods.values()) spaces.add(pod.workspace ?? '(none)');
    setOptions(workspace, [...spaces].sort());
    graph();
  }, 500);
  const element = h(
    'section',
    { class: 'view peers-view', 'aria-label': 'peers, notices and diagnostics' },
    h('div', { class: 'toolbar' }, labelled('Workspace', workspace)),
    graphBox,
    h(
      'div',
      { class: 'columns' },
      h('div', {}, h('h2', {}, 'Notices'), h('div', { class: 'toolbar' }, labelled('Pod', noticePod), labelled('Ticket', noticeTicket)), notices),
      h('div', {}, h('h2', {}, 'Diagnostics'), diagnostics),
    ),
  );

  function members(): PodView[] {
    const out: PodView[] = [];
    for (const pod of store.pods.values()) if ((pod.workspace ?? '(none)') === workspace.value) out.push(pod);
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  function graph(): void {
    const all = members();
    const pods = all.slice(0, PEER_GRAPH_LIMIT);
    const next = pods.map((pod) => `${pod.name}:${pod.status}:${pod.peers.join(',')}`).join(';');
    if (next === signature) return;
    signature = next;
    const mine = (token += 1);
    if (pods.length === 0) {
      graphBox.replaceChildren(h('p', { class: 'muted' }, 'No pods in this workspace.'));
      return;
    }
    void drawGraph(pods).then((svg) => {
      if (mine !== token) return;
      const cut = all.length > pods.length ? h('p', { class: 'muted' }, `Showing ${pods.length} of ${all.length} pods.`) : null;
      graphBox.replaceChildren(svg, ...(cut ? [cut] : []));
    });
  }

  function drawNotices(): void {
    const p = noticePod.value.trim();
    const t = noticeTicket.value.trim();
    const rows: HTMLElement[] = [];
    for (let i = store.notices.length - 1; i >= 0 && rows.length < NOTICE_ROWS; i -= 1) {
      const n = store.notices[i]!.event;
      if (p && !n.pod.includes(p) && !(n.from ?? '').includes(p)) continue;
      if (t && !(n.ticket ?? '').includes(t)) continue;
      rows.push(
        h(
          'li',
          { 'data-testid': 'notice-row', 'data-pod': n.pod, 'data-ticket': n.ticket ?? '' },
          h('span', { class: 'muted' }, formatAt(n.at)),
          ` ${n.from ?? '?'} → ${n.pod}`,
          n.ticket ? h('span', { class: 'chip' }, n.ticket) : null,
          h('div', { class: 'message' }, n.message),
        ),
      );
    }
    notices.replaceChildren(...(rows.length ? rows : [h('li', { class: 'muted' }, 'No notices.')]));
  }

  function drawDiagnostics(): void {
    const items = store.diagnostics.slice(-DIAGNOSTIC_ROWS).reverse();
    diagnostics.replaceChildren(
      ...(items.length
        ? items.map(({ event: d }) =>
            h('li', { 'data-testid': 'diagnostic-row', 'data-level': d.level, class: `level-${d.level}` }, h('span', { class: 'muted' }, formatAt(d.at)), ` ${d.level} `, d.message, d.fields ? h('code', {}, ` ${JSON.stringify(d.fields)}`) : null),
          )
        : [h('li', { class: 'muted' }, 'No diagnostics.')]),
    );
  }

  workspace.addEventListener('change', graph);
  noticePod.addEventListener('input', drawNotices);
  noticeTicket.addEventListener('input', drawNotices);

  return {
    id: 'peers',
    title: 'Peers & notices',
    element,
    render(dirty, full) {
      if (full) scan.now();
      else if (dirty.has('podSet') || dirty.has('podRows')) scan.request();
      if (full || dirty.has('notices')) drawNotices();
      if (full || dirty.has('diagnostics')) drawDiagnostics();
    },
  };
}
