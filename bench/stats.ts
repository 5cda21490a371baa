/**
 * Small statistics and formatting helpers of the bench, and the shape of one
 * result. A result compares a value with a baseline measured in the same run,
 * so a noisy or slower machine moves both sides and the ratio stays readable.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What a result's goal bounds: the ratio to the baseline, or the value itself. */
export type GoalOn = 'ratio' | 'value';

/** One measurement, side by side with its baseline. */
export interface BenchResult {
  readonly name: string;
  /** Unit of `value` and `baseline` (`us/op`, `ms`, `bytes/pod`). */
  readonly unit: string;
  readonly value: number;
  readonly baseline: number;
  /** `value / baseline`. */
  readonly ratio: number;
  /** Upper bound on `goalOn`, or `null` when the result is only reported. */
  readonly goal: number | null;
  readonly goalOn: GoalOn;
  /** `goalOn <= goal`, or `null` when there is no goal. */
  readonly pass: boolean | null;
  /** Extra lines for a reader (what was compared, sample counts, side figures). */
  readonly info: readonly string[];
  /** Why it was not measured (a browser row without chromium); its figures are then 0 and `pass` null. */
  readonly skipped?: string;
}

/** Reports progress of the long parts; the CLI writes it to stderr. */
export type Progress = (line: string) => void;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Keeps four significant digits, so the JSON stays readable. */
export function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/** Builds a result; `pass` is computed from the unrounded figures. */
export function result(fields: {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  goal: number | null;
  goalOn?: GoalOn;
  info?: readonly string[];
}): BenchResult {
  const goalOn = fields.goalOn ?? 'ratio';
  const ratio = fields.value / fields.baseline;
  const checked = goalOn === 'ratio' ? ratio : fields.value;
  return {
    name: fields.name,
    unit: fields.unit,
    value: round(fields.value),
    baseline: round(fields.baseline),
    ratio: round(ratio),
    goal: fields.goal,
    goalOn,
    pass: fields.goal === null ? null : checked <= fields.goal,
    info: fields.info ?? [],
  };
}

/** A result that could not be measured here, with the reason (it keeps its unit and goal). */
export function skippedResult(fields: { name: string; unit: string; goal: number | null; goalOn?: GoalOn; reason: string; info?: readonly string[] }): BenchResult {
  return {
    name: fields.name,
    unit: fields.unit,
    value: 0,
    baseline: 0,
    ratio: 0,
    goal: fields.goal,
    goalOn: fields.goalOn ?? 'ratio',
    pass: null,
    info: [`skipped: ${fields.reason}`, ...(fields.info ?? [])],
    skipped: fields.reason,
  };
}

let cachedGc: (() => void) | undefined;

/**
 * The V8 collector: `globalThis.gc` under `--expose-gc`, else enabled at run
 * time (a context created after the flag is set gets `gc`), so the bench's
 * functions also work inside the test runner.
 */
export function getGc(): () => void {
  if (cachedGc !== undefined) return cachedGc;
  let gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  cachedGc = gc;
  return gc;
}

/** Full collections until the heap settles (two are usually enough; weak callbacks need the second). */
export function collect(): void {
  const gc = getGc();
  gc();
  gc();
}

/** Resolves after the event loop has turned `times` times: lets promise chains and actors settle. */
export async function turns(times = 2): Promise<void> {
  for (let i = 0; i < times; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

function group(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `value` with its unit, with a precision that suits its size. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  const abs = Math.abs(value);
  const text = abs >= 1000 ? group(value) : abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${text} ${unit}`;
}

function goalText(entry: BenchResult): string {
  if (entry.goal === null) return 'report only';
  return entry.goalOn === 'ratio' ? `ratio <= ${entry.goal}` : `value <= ${group(entry.goal)} ${entry.unit}`;
}

function verdict(entry: BenchResult): string {
  if (entry.skipped !== undefined) return 'SKIP';
  if (entry.pass === null) return '-';
  return entry.pass ? 'PASS' : 'MISS';
}

/** The human-readable table: one row per result, then each result's info lines. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['name', 'value', 'baseline', 'ratio', 'goal', 'result'];
  const rows = results.map((entry) => [
    entry.name,
    entry.skipped === undefined ? formatValue(entry.value, entry.unit) : '-',
    entry.skipped === undefined ? formatValue(entry.baseline, entry.unit) : '-',
    entry.skipped === undefined ? entry.ratio.toFixed(2) : '-',
    goalText(entry),
    verdict(entry),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join('  ').trimEnd();
  const out = [line(header), widths.map((width) => '-'.repeat(width)).join('  ')];
  for (const row of rows) out.push(line(row));
  const notes = results.filter((entry) => entry.info.length > 0);
  if (notes.length > 0) {
    out.push('');
    for (const entry of notes) {
      out.push(`${entry.name}:`);
      for (const info of entry.info) out.push(`  ${info}`);
    }
  }
  return out.join('\n');
}

/** One timed side of a comparison: returns its sample (for example microseconds per op). */
/** Microseconds per call of `batch` awaited calls of `op`, one after another. */
export async function usPerOp(batch: number, op: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < batch; i += 1) await op();
  return ((performance.now() - start) * 1000) / batch;
}

export type Side = () => number | Promise<number>;

/**
 * Samples two sides over many rounds, alternating which goes first so drift
 * and ordering favour neither; `settle` runs untimed after every sample.
 * The first `warmup` rounds are discarded. Returns the medians.
 */
export async function alternate(options: {
  rounds: number;
  warmup: number;
  value: Side;
  baseline: Side;
  settle?: () => Promise<void>;
  progress?: Progress;
  label?: string;
}): Promise<{ value: number; baseline: number; samples: number }> {
  const values: number[] = [];
  const baselines: number[] = [];
  const total = options.warmup + options.rounds;
  const step = Math.max(1, Math.floor(total / 4));
  for (let round = 0; round < total; round += 1) {
    const order = round % 2 === 0 ? (['value', 'baseline'] as const) : (['baseline', 'value'] as const);
    for (const side of order) {
      const sample = await options[side]();
      await options.settle?.();
      if (round >= options.warmup) (side === 'value' ? values : baselines).push(sample);
    }
    if (options.progress !== undefined && options.label !== undefined && (round + 1) % step === 0 && round + 1 < total) {
      options.progress(`${options.label}: round ${round + 1} of ${total}`);
    }
  }
  return { value: median(values), baseline: median(baselines), samples: values.length };
}
