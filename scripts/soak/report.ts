/**
 * What a section reports, and the closing table. A section names its checks
 * (counts that must be 0: any other value is a failure) apart from its
 * figures (measured and reported only), so the table's failure column and
 * the exit code come from one place.
 */
import type { Kind } from './malformedKinds.js';
import type { CountName } from './options.js';
import type { Random } from './stats.js';

/** How a section ended: all its tries, cut short by the time limit or an error, or never started. */
export type SectionStatus = 'done' | 'incomplete' | 'skipped';

/** One section's result, as printed and as `--json` gives it. */
export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly status: SectionStatus;
  readonly tries: number;
  /** What a try is: `kill -9`, `ensure`, `notice`, `connection`. */
  readonly unit: string;
  /** Sum of the checks, plus 1 when the section did not finish. */
  readonly failures: number;
  /** Counts that must be 0. */
  readonly checks: Readonly<Record<string, number>>;
  /** Measured values, in the order they were taken. */
  readonly figures: Readonly<Record<string, string | number>>;
  /** One line per failure seen (capped), for the owners. */
  readonly details: readonly string[];
  readonly durationMs: number;
}

const MAX_DETAILS = 20;

/** Collects one section's result. */
export interface SectionReport {
  tries(count: number): void;
  /** Adds `count` to a check (a count that must end at 0); `detail` says where, when count > 0. */
  check(name: string, count: number, detail?: string): void;
  figure(name: string, value: string | number): void;
  /** Marks the section as cut short (the time limit, an error of the harness). */
  incomplete(reason: string): void;
  finish(): SectionResult;
}

export function createSectionReport(id: string, title: string, unit: string): SectionReport {
  const started = performance.now();
  const checks: Record<string, number> = {};
  const figures: Record<string, string | number> = {};
  const details: string[] = [];
  let dropped = 0;
  let tries = 0;
  let cutShort: string | undefined;
  const note = (line: string): void => {
    if (details.length < MAX_DETAILS) details.push(line);
    else dropped += 1;
  };
  return {
    tries: (count) => void (tries = count),
    check(name, count, detail) {
      checks[name] = (checks[name] ?? 0) + count;
      if (count > 0 && detail !== undefined) note(`${name}: ${detail}`);
    },
    figure: (name, value) => void (figures[name] = value),
    incomplete(reason) {
      cutShort ??= reason;
      note(`incomplete: ${reason}`);
    },
    finish() {
      const sum = Object.values(checks).reduce((a, b) => a + b, 0);
      if (dropped > 0) details.push(`… and ${dropped} more`);
      return {
        id,
        title,
        status: cutShort === undefined ? 'done' : 'incomplete',
        tries,
        unit,
        failures: sum + (cutShort === undefined ? 0 : 1),
        checks: { ...checks },
        figures: { ...figures },
        details: [...details],
        durationMs: Math.round(performance.now() - started),
      };
    },
  };
}

/** A section that never ran (not selected, or the time limit was reached before it). */
export function skippedSection(id: string, title: string, unit: string, reason: string, counts: boolean): SectionResult {
  return { id, title, status: 'skipped', tries: 0, unit, failures: counts ? 1 : 0, checks: {}, figures: {}, details: [reason], durationMs: 0 };
}

const FIGURE_WIDTH = 78;

/** `name value` pairs joined into lines of at most about FIGURE_WIDTH characters. */
function figureLines(result: SectionResult): string[] {
  const items = [
    ...Object.entries(result.checks).map(([name, count]) => `${name} ${count}${count > 0 ? ' ✗' : ''}`),
    ...Object.entries(result.figures).map(([name, value]) => `${name} ${value}`),
  ];
  if (result.status !== 'done') items.unshift(result.status === 'skipped' ? 'skipped' : 'INCOMPLETE');
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line !== '' && line.length + item.length + 2 > FIGURE_WIDTH) {
      lines.push(`${line};`);
      line = '';
    }
    line = line === '' ? item : `${line}; ${item}`;
  }
  if (line !== '') lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

/** The closing table: section, tries, failures, figures (wrapped), then the failure details. */
export function formatTable(results: readonly SectionResult[], totalMs: number): string {
  const rows: string[][] = [['SECTION', 'TRIES', 'FAILURES', 'FIGURES']];
  for (const result of results) {
    const lines = figureLines(result);
    rows.push([`${result.id} ${result.title}`, `${result.tries} × ${result.unit}`, String(result.failures), lines[0]!]);
    for (const line of lines.slice(1)) rows.push(['', '', '', line]);
    rows.push(['', '', '', `(${(result.durationMs / 1000).toFixed(1)} s)`]);
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const text = rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd());
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  const out = [...text, '', `total: ${failures} failure(s) in ${(totalMs / 1000).toFixed(1)} s`];
  const failed = results.filter((result) => result.details.length > 0 && result.failures > 0);
  for (const result of failed) {
    out.push(`failures of ${result.id} ${result.title}:`);
    for (const detail of result.details) out.push(`  - ${detail}`);
  }
  return `${out.join('\n')}\n`;
}

/** The same as JSON. */
export function formatJson(results: readonly SectionResult[], totalMs: number, options: Readonly<Record<string, unknown>>): string {
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  return `${JSON.stringify({ ok: failures === 0, failures, durationMs: Math.round(totalMs), options, sections: results }, null, 2)}\n`;
}

/** What a section is given to run with. */
export interface SectionContext {
  readonly counts: Readonly<Record<CountName, number>>;
  readonly kinds: readonly Kind[];
  readonly random: Random;
  /** Aborted when the run's time limit is reached: a section stops starting tries and reports what it has. */
  readonly signal: AbortSignal;
  /** The section's own temp folder (removed with the run's). */
  readonly dir: string;
  /** A progress line on stderr (sections call it at most every few seconds). */
  progress(line: string): void;
}
