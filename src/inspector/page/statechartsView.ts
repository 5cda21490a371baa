/** The statecharts: each machine the hello event named, chosen from a list and drawn with elk. */
import { createChartPanel } from './chartPanel.js';
import { h, labelled, select, setOptions } from './dom.js';
import { chartModels } from './machines.js';
import type { InspectorStore } from './store.js';
import type { View } from './view.js';

/** Creates the statecharts view. */
export function createStatechartsView(store: InspectorStore): View {
  const machine = select({ 'data-testid': 'machine-select' }, []);
  const chart = createChartPanel('export-svg');
  const element = h('section', { class: 'view charts-view', 'aria-label': 'statecharts' }, h('div', { class: 'toolbar' }, labelled('Machine', machine)), chart.element);

  function draw(): void {
    const model = chartModels(store.hello).get(machine.value) ?? null;
    const inferred = model?.edges.some((edge) => edge.kind === 'inferred');
    const legend = '● initial state · double border: final state';
    const note = inferred
      ? `${legend} · dashed: an eventless transition inferred from state order (xstate’s toJSON() leaves \`always\` out).`
      : legend;
    void chart.show(model, {}, model ? note : 'The stream named no machines.');
  }
  machine.addEventListener('change', draw);

  return {
    id: 'charts',
    title: 'Statecharts',
    element,
    render(dirty, full) {
      if (!full && !dirty.has('hello')) return;
      const ids = [...chartModels(store.hello).keys()];
      setOptions(machine, ids);
      draw();
    },
  };
}
