/** Decisions per outcome over time: stacked bars, one per bucket (a second live, a step in replay). */
import { s } from './dom.js';
import { OUTCOMES, OUTCOME_COLOURS } from './outcomes.js';

const WIDTH = 480;
const HEIGHT = 90;

/** Draws the last `limit` buckets (by key, ascending) as stacked bars. */
export function renderOutcomeChart(
  buckets: ReadonlyMap<number, ReadonlyMap<string, number>>,
  unit: string,
  label: (key: number) => string,
  limit = 60,
): SVGSVGElement {
  const keys = [...buckets.keys()].sort((a, b) => a - b).slice(-limit);
  const totals = keys.map((key) => [...(buckets.get(key)?.values() ?? [])].reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const barWidth = WIDTH / Math.max(limit, keys.length);
  const svg = s('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT + 14}`,
    width: WIDTH,
    height: HEIGHT + 14,
    role: 'img',
    'aria-label': `decisions per ${unit}, last ${keys.length}`,
    'data-testid': 'outcome-chart',
    class: 'outcome-chart',
  });
  keys.forEach((key, i) => {
    let y = HEIGHT;
    const bucket = buckets.get(key)!;
    for (const outcome of OUTCOMES) {
      const n = bucket.get(outcome) ?? 0;
      if (n <= 0) continue;
      const h = (n / max) * HEIGHT;
      y -= h;
      svg.append(s('rect', { x: i * barWidth + 0.5, y, width: Math.max(1, barWidth - 1), height: h, fill: OUTCOME_COLOURS[outcome] ?? '#888' }, s('title', {}, `${label(key)}: ${n} ${outcome}`)));
    }
  });
  svg.append(
    s('line', { x1: 0, x2: WIDTH, y1: HEIGHT + 0.5, y2: HEIGHT + 0.5, stroke: '#aab' }),
    s('text', { x: 0, y: HEIGHT + 12, class: 'axis' }, keys.length ? label(keys[0]!) : 'no decisions yet'),
    s('text', { x: WIDTH, y: HEIGHT + 12, class: 'axis', 'text-anchor': 'end' }, keys.length ? `${label(keys[keys.length - 1]!)} · max ${max}/${unit}` : ''),
  );
  return svg;
}
