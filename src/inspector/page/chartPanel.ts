/**
 * A pane that shows one statechart: lays it out (once per chart, cached),
 * draws it with its highlight, fitted to the pane (or to the states it is
 * asked to focus on, such as a decision's path), with zoom and pan
 * (chartViewport.ts), and offers "Export SVG" (the whole chart). A newer
 * `show` wins over a layout still running for an older one. Redrawing the
 * same chart with the same focus keeps the view the user zoomed or panned to.
 */
import { button, h } from './dom.js';
import { layoutChart, type ChartLayout } from './chartLayout.js';
import type { ChartModel } from './chartModel.js';
import { downloadSvg, renderChart, type ChartHighlight } from './chartSvg.js';
import { createChartViewport, type Box } from './chartViewport.js';

const layouts = new WeakMap<ChartModel, Promise<ChartLayout>>();

/** The layout of a chart, computed once. */
export function layoutOf(model: ChartModel): Promise<ChartLayout> {
  let layout = layouts.get(model);
  if (!layout) layouts.set(model, (layout = layoutChart(model)));
  return layout;
}

/** What a pane first shows: the box around these states (their numbered badges included), `context` chart units more on each side. */
export interface ChartFocus {
  readonly ids: readonly string[];
  readonly context?: number;
}

/** The box of a focus, within the chart; null when none of its states is placed. */
function boxOf(layout: ChartLayout, focus: ChartFocus): Box | null {
  const wanted = new Set(focus.ids);
  const placed = layout.states.filter((p) => wanted.has(p.state.id));
  if (placed.length === 0) return null;
  const more = focus.context ?? 0;
  const x = Math.max(0, Math.min(...placed.map((p) => p.x)) - 12 - more);
  const y = Math.max(0, Math.min(...placed.map((p) => p.y)) - 14 - more);
  const right = Math.min(layout.width, Math.max(...placed.map((p) => p.x + p.width)) + 14 + more);
  const bottom = Math.min(layout.height, Math.max(...placed.map((p) => p.y + p.height)) + 12 + more);
  return { x, y, width: right - x, height: bottom - y };
}

/** A chart pane; see the module comment. */
export interface ChartPanel {
  readonly element: HTMLElement;
  /**
   * Shows `model` highlighted (null: an explanation instead), fitted to the
   * states `focus` names (default: the whole chart).
   */
  show(model: ChartModel | null, highlight?: ChartHighlight, note?: string, focus?: ChartFocus): Promise<void>;
}

const ZOOM_STEP = 1.25;

/** Creates a chart pane; `exportTestId` names its export button, `placeholder` is what it says before a first chart. */
export function createChartPanel(exportTestId = 'export-svg', placeholder = 'No statechart yet.'): ChartPanel {
  const canvas = h('div', { class: 'chart-canvas', tabindex: 0, role: 'group', 'aria-label': 'statechart: drag or scroll to pan, ctrl+wheel or + and − to zoom, 0 to fit' });
  const noteLine = h('p', { class: 'muted chart-note', hidden: true });
  let current: SVGSVGElement | null = null;
  let shown: { layout: ChartLayout; focus: string } | null = null;
  let name = 'chart';
  let token = 0;
  const zoomLabel = h('span', { class: 'zoom-level muted', 'aria-live': 'polite' }, '');
  const viewport = createChartViewport(canvas, (scale) => {
    zoomLabel.textContent = `${Math.round(scale * 100)}%`;
  });
  const exportButton = button('Export SVG', { 'data-testid': exportTestId, disabled: true, title: 'the whole chart as an SVG file' }, () => {
    if (current) downloadSvg(current, name);
  });
  const zoomOut = button('−', { class: 'zoom', 'aria-label': 'zoom out', title: 'zoom out (ctrl+wheel, −)', disabled: true }, () => viewport.zoomBy(1 / ZOOM_STEP));
  const zoomIn = button('+', { class: 'zoom', 'aria-label': 'zoom in', title: 'zoom in (ctrl+wheel, +)', disabled: true }, () => viewport.zoomBy(ZOOM_STEP));
  const fit = button('Fit', { class: 'zoom', 'aria-label': 'fit the whole chart', title: 'fit the whole chart (0)', disabled: true }, () => viewport.fitAll());
  const hint = h('span', { class: 'chart-hint muted' }, 'drag to pan · ctrl+wheel to zoom');
  const element = h(
    'div',
    { class: 'chart-panel' },
    h('div', { class: 'chart-tools' }, zoomOut, zoomLabel, zoomIn, fit, hint, exportButton),
    canvas,
    noteLine,
  );
  const enable = (on: boolean): void => {
    for (const control of [exportButton, zoomOut, zoomIn, fit]) control.disabled = !on;
    hint.hidden = !on;
    if (!on) zoomLabel.textContent = '';
  };
  enable(false);
  canvas.append(h('p', { class: 'muted chart-empty' }, placeholder));

  const setNote = (note: string | undefined): void => {
    noteLine.textContent = note ?? '';
    noteLine.hidden = !note;
  };

  return {
    element,
    async show(model, highlight = {}, note, focus) {
      const mine = (token += 1);
      if (!model) {
        current = null;
        shown = null;
        viewport.detach();
        enable(false);
  canvas.append(h('p', { class: 'muted chart-empty' }, placeholder));
        setNote(undefined);
        canvas.replaceChildren(h('p', { class: 'muted chart-empty' }, note ?? 'No statechart.'));
        return;
      }
      if (!current || current.dataset.machine !== model.machineId) canvas.replaceChildren(h('p', { class: 'muted chart-empty' }, 'Laying out…'));
      const layout = await layoutOf(model);
      if (mine !== token) return;
      const focusKey = focus ? `${focus.ids.join(' ')}+${focus.context ?? 0}` : '';
      const same = shown !== null && shown.layout === layout && shown.focus === focusKey;
      current = renderChart(layout, highlight);
      name = model.machineId;
      shown = { layout, focus: focusKey };
      enable(true);
      canvas.replaceChildren(current);
      setNote(note);
      const whole = { x: 0, y: 0, width: layout.width, height: layout.height };
      viewport.attach(current, whole, (focus && boxOf(layout, focus)) ?? undefined, same);
    },
  };
}
