/** The statecharts the hello event brought, read once per hello, and the ones the views look for. */
import type { HelloEvent } from '../../core/inspectorProtocol.js';
import { readChart, type ChartModel } from './chartModel.js';

const cache = new WeakMap<HelloEvent, Map<string, ChartModel>>();

/** Every machine of the hello event as a chart, by its key in `machines`. */
export function chartModels(hello: HelloEvent | null): Map<string, ChartModel> {
  if (!hello) return new Map();
  let models = cache.get(hello);
  if (!models) {
    models = new Map(Object.entries(hello.machines ?? {}).map(([id, json]) => [id, readChart(id, json)]));
    cache.set(hello, models);
  }
  return models;
}

/** The first machine found under one of `names` (a key of `machines` or a machine's own id). */
export function findMachine(hello: HelloEvent | null, names: readonly string[]): ChartModel | null {
  const models = chartModels(hello);
  for (const name of names) {
    const model = models.get(name) ?? [...models.values()].find((m) => m.root.id === name);
    if (model) return model;
  }
  return null;
}

/** podMachine's chart. */
export const podChart = (hello: HelloEvent | null): ChartModel | null => findMachine(hello, ['pod', 'podMachine']);
/** weakNotifyMachine's chart. */
export const weakNotifyChart = (hello: HelloEvent | null): ChartModel | null => findMachine(hello, ['weakNotify', 'weakNotifyMachine']);
