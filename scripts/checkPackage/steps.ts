/** Step bookkeeping for check:package: each step's verdict, time and note, and the summary table. */
import { log } from './log.js';

export type Verdict = 'pass' | 'FAIL' | 'skipped';

export interface StepRecord {
  readonly name: string;
  readonly verdict: Verdict;
  readonly ms: number;
  readonly note: string;
}

const records: StepRecord[] = [];

/** The steps so far, in the order they ran. */
export const steps: readonly StepRecord[] = records;

/** Runs one step; its return value is the note of the summary. Returns whether it passed. */
export async function step(name: string, body: () => Promise<string>): Promise<boolean> {
  log(`${name}: running`);
  const start = performance.now();
  try {
    const note = await body();
    const ms = performance.now() - start;
    records.push({ name, verdict: 'pass', ms, note });
    log(`${name}: pass (${formatMs(ms)})${note === '' ? '' : ` — ${note}`}`);
    return true;
  } catch (error) {
    const ms = performance.now() - start;
    const message = error instanceof Error ? error.message : String(error);
    records.push({ name, verdict: 'FAIL', ms, note: message.split('\n').map((line) => line.trim()).filter((line) => line !== '').slice(0, 2).join(' ') });
    log(`${name}: FAIL (${formatMs(ms)})\n${message}`);
    return false;
  }
}

export function skip(name: string, why: string): void {
  records.push({ name, verdict: 'skipped', ms: 0, note: why });
  log(`${name}: skipped (${why})`);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

/** The summary table's lines: step, result, time (right-aligned), note (cut at 110 characters). */
export function summaryLines(): string[] {
  const widths = [Math.max(4, ...records.map((s) => s.name.length)), 7, Math.max(4, ...records.map((s) => formatMs(s.ms).length))];
  const row = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : column < 2 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd();
  return [
    row(['step', 'result', 'time', 'note']),
    row([...widths.map((width) => '-'.repeat(width)), '----']),
    ...records.map((s) => row([s.name, s.verdict, s.verdict === 'skipped' ? '-' : formatMs(s.ms), s.note.length > 110 ? `${s.note.slice(0, 107)}...` : s.note])),
  ];
}
