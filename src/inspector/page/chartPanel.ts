/**
 * A pane that shows one statechart: lays it out (once per chart, cached),
 * draws it with its highlight, and offers "Export SVG". A newer `show`
 * wins over a layout still running for an older one.
 */
import { button, h } from './dom.js';
import { layoutChart, type ChartLayout } from './chartLayout.js';
import type { ChartModel } from './chartModel.js';
import { downloadSvg, renderChart, type ChartHighlight } from './chartSvg.js';

const layouts = new WeakMap<ChartModel, Promise<ChartLayout>>();

/** The layout of a chart, computed once. */
export function layoutOf(model: ChartModel): Promise<ChartLayout> {
  let layout = layouts.get(model);
  if (!layout) layouts.set(model, (layout = layoutChart(model)));
  return layout;
}

/** Scrolls the canvas so the deepest highlighted state (drawn last) is in the middle; charts are drawn at full size. */
function centre(canvas: HTMLElement, svg: SVGSVGElement): void {
  const focus = [...svg.querySelectorAll('[data-testid="chart-state"][data-active="true"]')].pop();
  if (!focus) return;
  const box = focus.getBoundingClientRect();
  const view = canvas.getBoundingClientRect();
  canvas.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
  canvas.scrollTop += box.top + box.height / 2 - (view.top + view.height / 2);
}

/** A chart pane; see the module comment. */
export interface ChartPanel {
  readonly element: HTMLElement;
  /** Shows `model` highlighted (null: an explanation instead). */
  show(model: ChartModel | null, highlight?: ChartHighlight, note?: string): Promise<void>;
}

/** Creates a chart pane; `testid` names its export button. */
export function createChartPanel(exportTestId = 'export-svg'): ChartPanel {
  const canvas = h('div', { class: 'chart-canvas' });
  let current: SVGSVGElement | null = null;
  let name = 'chart';
  let token = 0;
  const exportButton = button('Export SVG', { 'data-testid': exportTestId, disabled: true }, () => {
    if (current) downloadSvg(current, name);
  });
  const element = h('div', { class: 'chart-panel' }, h('div', { class: 'chart-tools' }, exportButton), canvas);

  return {
    element,
    async show(model, highlight = {}, note) {
      const mine = (token += 1);
      if (!model) {
        current = null;
        exportButton.disabled = true;
        canvas.replaceChildren(h('p', { class: 'muted' }, note ?? 'No statechart.'));
        return;
      }
      if (!current || current.dataset.machine !== model.machineId) canvas.replaceChildren(h('p', { class: 'muted' }, 'Laying out…'));
      const layout = await layoutOf(model);
      if (mine !== token) return;
      current = renderChart(layout, highlight);
      name = model.machineId;
      exportButton.disabled = false;
      canvas.replaceChildren(current);
      if (note) canvas.append(h('p', { class: 'muted chart-note' }, note));
      centre(canvas, current);
    },
  };
}
