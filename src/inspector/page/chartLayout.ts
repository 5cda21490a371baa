/**
 * Lays a {@link ChartModel} out with elkjs's layered algorithm, nested states
 * as nested boxes (`elk.hierarchyHandling: INCLUDE_CHILDREN`, so an edge may
 * cross a box's border), each compound state's initial state marked by a
 * small dot with an edge into it. Positions come back absolute (page
 * coordinates of the chart), so the renderer need not add offsets up.
 */
import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import { getElk } from './elk.js';
import type { ChartEdge, ChartModel, ChartState } from './chartModel.js';

/** A placed box. */
export interface PlacedState {
  readonly state: ChartState;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
}

/** A placed transition: its polyline and its label's box. */
export interface PlacedEdge {
  /** The transition, or null for an initial marker's edge. */
  readonly edge: ChartEdge | null;
  readonly source: string;
  readonly target: string;
  readonly points: readonly ElkPoint[];
  readonly label: { readonly lines: readonly string[]; readonly x: number; readonly y: number; readonly width: number; readonly height: number } | null;
}

/** A laid-out chart. */
export interface ChartLayout {
  readonly model: ChartModel;
  readonly width: number;
  readonly height: number;
  readonly states: readonly PlacedState[];
  readonly initials: readonly { readonly of: string; readonly x: number; readonly y: number }[];
  readonly edges: readonly PlacedEdge[];
}

/** Width of a character at the chart's font size, a safe over-estimate for system sans-serif at 12px (used where text cannot be measured). */
export const CHAR_WIDTH = 7.4;
/** The fonts chartSvg.ts draws with: a state's name, and every other line (details, transition labels). */
export const NAME_FONT = '600 12px system-ui, sans-serif';
export const DETAIL_FONT = '11px system-ui, sans-serif';
/** Space left and right of a state's text inside its box (the final marker's inner border included). */
const BOX_PADDING = 14;
/** Height of one text line in the chart. */
export const LINE_HEIGHT = 15;
const INITIAL = 'initial:';

const WRAP = 34;

/** Names joined with commas, wrapped to lines of about {@link WRAP} characters; `first` starts the first line. */
function wrapNames(first: string, names: readonly string[]): string[] {
  const lines = [first];
  names.forEach((name, i) => {
    const piece = `${name}${i < names.length - 1 ? ',' : ''}`;
    const last = lines[lines.length - 1]!;
    if (last.length > 2 && last.length + piece.length + 1 > WRAP) lines.push(`  ${piece}`);
    else lines[lines.length - 1] = `${last} ${piece}`;
  });
  return lines;
}

/** An event as labels show it: xstate's invoke done/error events without their generated actor id. */
export function shortEvent(event: string): string {
  return event.replace(/^xstate\.(done|error)\.actor\..+$/, 'xstate.$1.actor.*') || '(any)';
}

/** A state's name line: its key (a final state is marked by its double border, not by its name). */
export function stateTitle(state: ChartState): string {
  return state.key;
}

let measurer: CanvasRenderingContext2D | null | undefined;

/**
 * The drawn width of `text` in `font`, measured with a canvas (the page's own
 * fonts, so boxes fit what the SVG draws), 5% to spare; a generous
 * per-character width where there is no canvas.
 */
export function measureText(text: string, font: string): number {
  if (measurer === undefined) measurer = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * CHAR_WIDTH;
  measurer.font = font;
  return Math.ceil(measurer.measureText(text).width * 1.05);
}

/** The lines of a transition's label: event, `[guard]`, `/ actions`. */
export function edgeLines(edge: ChartEdge): string[] {
  const lines = [shortEvent(edge.event)];
  if (edge.guard) lines.push(`[${edge.guard}]`);
  if (edge.actions.length > 0) lines.push(...wrapNames('/', edge.actions));
  return lines;
}

/** The lines inside a state's box after its name: entry, exit, invoke, and its targetless transitions. */
export function stateLines(state: ChartState, internal: readonly ChartEdge[] = []): string[] {
  const lines: string[] = [];
  if (state.entry.length > 0) lines.push(...wrapNames('entry /', state.entry));
  if (state.exit.length > 0) lines.push(...wrapNames('exit /', state.exit));
  if (state.invoke.length > 0) lines.push(`invoke ${state.invoke.join(', ')}`);
  for (const edge of internal) lines.push(...wrapNames(`${shortEvent(edge.event)}${edge.guard ? ` [${edge.guard}]` : ''} /`, edge.actions));
  return lines;
}

/** Width of a transition label's lines (drawn in {@link DETAIL_FONT}, 3px in from its box's left). */
const labelWidth = (lines: readonly string[]): number => Math.max(...lines.map((line) => measureText(line, DETAIL_FONT))) + 10;

/** Width a state's box needs for its name and detail lines. */
function boxWidth(state: ChartState, details: readonly string[]): number {
  const widths = [measureText(stateTitle(state), NAME_FONT), ...details.map((line) => measureText(line, DETAIL_FONT))];
  return Math.max(...widths) + 2 * BOX_PADDING + (state.type === 'final' ? 6 : 0);
}

function toElk(state: ChartState, internal: ReadonlyMap<string, ChartEdge[]>): ElkNode {
  const details = stateLines(state, internal.get(state.id));
  const lines = [stateTitle(state), ...details];
  if (state.children.length === 0) {
    return { id: state.id, width: Math.max(80, boxWidth(state, details)), height: 16 + lines.length * LINE_HEIGHT };
  }
  const children = state.children.map((child) => toElk(child, internal));
  if (state.initial) children.unshift({ id: INITIAL + state.id, width: 12, height: 12 });
  return {
    id: state.id,
    children,
    layoutOptions: {
      'elk.padding': `[top=${14 + lines.length * LINE_HEIGHT},left=14,bottom=14,right=14]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${boxWidth(state, details)}, 40)`,
    },
  };
}

/** Each state's targetless transitions, drawn as lines inside its box. */
export function internalEdges(model: ChartModel): Map<string, ChartEdge[]> {
  const byState = new Map<string, ChartEdge[]>();
  for (const edge of model.edges) if (edge.internal) byState.set(edge.source, [...(byState.get(edge.source) ?? []), edge]);
  return byState;
}

/** Lays out a chart (a few ms for podmesh's machines). */
export async function layoutChart(model: ChartModel): Promise<ChartLayout> {
  const internal = internalEdges(model);
  const edges: ElkExtendedEdge[] = model.edges.filter((edge) => !edge.internal).map((edge) => {
    const lines = edgeLines(edge);
    return { id: edge.id, sources: [edge.source], targets: [edge.target], labels: [{ text: lines.join('\n'), width: labelWidth(lines), height: lines.length * LINE_HEIGHT }] };
  });
  for (const state of model.states.values()) {
    if (state.initial && state.children.length > 0) edges.push({ id: `${INITIAL}${state.id}>`, sources: [INITIAL + state.id], targets: [state.initial] });
  }
  const graph: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children: [toElk(model.root, internal)],
    edges,
  };
  const laid = await (await getElk()).layout(graph);

  const states: PlacedState[] = [];
  const initials: { of: string; x: number; y: number }[] = [];
  const place = (node: ElkNode, ox: number, oy: number, depth: number): void => {
    const x = ox + (node.x ?? 0);
    const y = oy + (node.y ?? 0);
    if (node.id.startsWith(INITIAL)) initials.push({ of: node.id.slice(INITIAL.length), x: x + 6, y: y + 6 });
    else {
      const state = model.states.get(node.id);
      if (state) states.push({ state, x, y, width: node.width ?? 0, height: node.height ?? 0, depth });
    }
    for (const child of node.children ?? []) place(child, x, y, depth + 1);
  };
  for (const child of laid.children ?? []) place(child, 0, 0, 0);

  const byId = new Map(model.edges.map((edge) => [edge.id, edge]));
  const placedEdges: PlacedEdge[] = (laid.edges ?? []).map((e) => {
    const points = (e.sections ?? []).flatMap((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
    const label = e.labels?.[0];
    return {
      edge: byId.get(e.id) ?? null,
      source: e.sources[0] ?? '',
      target: e.targets[0] ?? '',
      points,
      label: label && label.text
        ? { lines: label.text.split('\n'), x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 }
        : null,
    };
  });
  return { model, width: laid.width ?? 0, height: laid.height ?? 0, states, initials, edges: placedEdges };
}
