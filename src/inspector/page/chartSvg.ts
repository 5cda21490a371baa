/**
 * Draws a {@link ChartLayout} as SVG: states as rounded boxes (nested ones
 * inside their parent's), final states with a double border, the initial
 * state's dot, transitions as arrows with their event, guard and actions.
 * Highlights the active states and, for a decision, the path in order
 * (numbered states, thick edges). The SVG carries its own `<style>`, so an
 * export looks like the page.
 */
import { s } from './dom.js';
import { LINE_HEIGHT, internalEdges, stateLines, stateTitle, type ChartLayout, type PlacedEdge } from './chartLayout.js';

/** What to highlight. */
export interface ChartHighlight {
  /** Ids of the states to mark active (ancestors included by the caller). */
  readonly active?: ReadonlySet<string>;
  /** State ids in the order a decision passed them; consecutive pairs mark edges. */
  readonly path?: readonly string[];
}

let charts = 0;

const STYLE = `
.st rect{fill:#fff;stroke:#5b6472;stroke-width:1.2}
.st.compound>rect.box{fill:#f5f7fa}
.st.final>rect{stroke:#333;stroke-width:1.4}
.st[data-active="true"]>rect.box{fill:#e4f2ff;stroke:#1565c0;stroke-width:2.4}
.st.compound[data-active="true"]>rect.box{fill:#f0f7ff}
.st text{font:12px system-ui,sans-serif;fill:#1d232b}
.st text.name{font-weight:600}
.st text.detail{fill:#56606c;font-size:11px}
.tr path{fill:none;stroke:#7a8594;stroke-width:1.2}
.tr.inferred path,.tr.seen path{stroke-dasharray:5 3}
.tr[data-active="true"] path{stroke:#1565c0;stroke-width:3}
.tr text{font:11px system-ui,sans-serif;fill:#39424d}
.tr[data-active="true"] text{fill:#0d47a1;font-weight:600}
.tr rect{fill:#fff;opacity:.85}
.init{fill:#1d232b}
.badge circle{fill:#1565c0}.badge text{font:bold 11px system-ui,sans-serif;fill:#fff;text-anchor:middle}
`;

function pointsOf(edge: PlacedEdge): string {
  return edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/** Renders the chart; `title` becomes the SVG's accessible name. */
export function renderChart(layout: ChartLayout, highlight: ChartHighlight = {}, title = layout.model.machineId): SVGSVGElement {
  const { active = new Set<string>(), path = [] } = highlight;
  const pathIndex = new Map<string, number>();
  path.forEach((id, i) => {
    if (!pathIndex.has(id)) pathIndex.set(id, i + 1);
  });
  const pathPairs = new Set(path.slice(1).map((id, i) => `${path[i]}>${id}`));
  // Each chart its own marker id: several charts share the page, and one may be removed.
  const arrow = `arrow${(charts += 1)}`;
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const svg = s('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': `statechart ${title}`,
    'data-testid': 'statechart',
    'data-machine': layout.model.machineId,
    // The whole chart's size: a pane may zoom the viewBox, an export puts it back.
    'data-width': width,
    'data-height': height,
  });
  svg.append(
    s('title', {}, `statechart ${title}`),
    s('style', {}, STYLE),
    s('defs', {}, s('marker', { id: arrow, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#5b6472' }))),
  );

  const internal = internalEdges(layout.model);
  const byDepth = [...layout.states].sort((a, b) => a.depth - b.depth);
  for (const placed of byDepth) {
    const { state } = placed;
    const compound = state.children.length > 0;
    const isActive = active.has(state.id) || pathIndex.has(state.id);
    const g = s('g', {
      class: `st ${state.type}${compound ? ' compound' : ''}`,
      'data-testid': 'chart-state',
      'data-state-id': state.id,
      'data-state-key': state.key,
      'data-state-type': state.type,
      'data-active': isActive ? 'true' : 'false',
      transform: `translate(${placed.x.toFixed(1)},${placed.y.toFixed(1)})`,
    });
    if (state.type === 'final') g.append(s('title', {}, `${state.key} (final state)`));
    g.append(s('rect', { class: 'box', width: placed.width, height: placed.height, rx: 8 }));
    if (state.type === 'final') g.append(s('rect', { x: 3, y: 3, width: placed.width - 6, height: placed.height - 6, rx: 6, fill: 'none' }));
    const lines = stateLines(state, internal.get(state.id));
    const textX = compound ? 10 : placed.width / 2;
    const anchor = compound ? 'start' : 'middle';
    g.append(s('text', { class: 'name', x: textX, y: 18, 'text-anchor': anchor }, stateTitle(state)));
    lines.forEach((line, i) => g.append(s('text', { class: 'detail', x: textX, y: 18 + (i + 1) * LINE_HEIGHT, 'text-anchor': anchor }, line)));
    const order = pathIndex.get(state.id);
    if (order !== undefined) {
      g.append(s('g', { class: 'badge', 'data-testid': 'path-order' }, s('circle', { cx: placed.width - 2, cy: 2, r: 9 }), s('text', { x: placed.width - 2, y: 6 }, String(order))));
    }
    svg.append(g);
  }

  for (const initial of layout.initials) svg.append(s('circle', { class: 'init', cx: initial.x, cy: initial.y, r: 6, 'data-testid': 'chart-initial', 'data-of': initial.of }));

  for (const placed of layout.edges) {
    const edge = placed.edge;
    const isActive = edge !== null && pathPairs.has(`${edge.source}>${edge.target}`);
    const g = s('g', {
      class: `tr ${edge?.kind ?? 'initial'}`,
      'data-testid': edge ? 'chart-edge' : 'chart-initial-edge',
      'data-source': placed.source,
      'data-target': placed.target,
      'data-event': edge?.event,
      'data-active': isActive ? 'true' : 'false',
    });
    g.append(s('path', { d: pointsOf(placed), 'marker-end': `url(#${arrow})` }));
    if (placed.label) {
      const { x, y, width, lines } = placed.label;
      g.append(s('rect', { x, y, width, height: lines.length * LINE_HEIGHT }));
      lines.forEach((line, i) => g.append(s('text', { x: x + 3, y: y + 11 + i * LINE_HEIGHT }, line)));
    }
    svg.append(g);
  }
  return svg;
}

/** Offers the SVG as a file download (a Blob URL: nothing leaves the page). */
export function downloadSvg(svg: SVGSVGElement, name: string): void {
  // The whole chart at its natural size, whatever part of it the pane shows.
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = svg.dataset;
  if (width && height) {
    copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
    copy.setAttribute('width', width);
    copy.setAttribute('height', height);
  }
  copy.removeAttribute('style');
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${name}.svg`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
