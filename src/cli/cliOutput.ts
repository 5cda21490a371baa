import type { CliContext } from './cliContext.js';

/** A table cell: plain text, or text with the colour it is shown in on a terminal. */
export type Cell = string | { readonly text: string; readonly paint: (text: string) => string };

const textOf = (cell: Cell): string => (typeof cell === 'string' ? cell : cell.text);

/** A fixed-width text table; colours are applied after padding, so columns line up either way. */
export function table(rows: readonly (readonly Cell[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => [...textOf(row[i] ?? '')].length)));
  const line = (row: readonly Cell[]): string =>
    row
      .map((cell, i) => {
        const text = textOf(cell);
        const padded = i === row.length - 1 ? text : text + ' '.repeat(widths[i]! - [...text].length);
        return typeof cell === 'string' ? padded : cell.paint(text) + padded.slice(text.length);
      })
      .join('  ')
      .trimEnd();
  return rows.map(line).join('\n') + '\n';
}

/** A pod status as a cell: green live, yellow unreachable, dim stopped. */
export function statusCell(context: CliContext, status: string): Cell {
  const { colors } = context;
  const paint = status === 'live' ? colors.green : status === 'unreachable' ? colors.yellow : status === 'stopped' ? colors.dim : colors.red;
  return { text: status, paint };
}

/** Prints `value` as one JSON document (pretty, one trailing newline). */
export function printJson(context: CliContext, value: unknown): void {
  context.io.out(JSON.stringify(value, null, 2) + '\n');
}

/** Prints `value` as one JSON line (streams: `--watch`, `logs -f`, a foreground pod's events). */
export function printJsonLine(context: CliContext, value: unknown): void {
  context.io.out(JSON.stringify(value) + '\n');
}

/** Seconds as docker shows an age: `45s`, `12m`, `3h`, `2d`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/**
 * At most `maxLines` lines and `maxChars` characters of `text`, with a last
 * line saying how much was left out and where the whole is.
 */
export function boundText(text: string, maxLines: number, maxChars: number, whereWhole: string): string {
  const lines = text.split('\n');
  let shown = lines.slice(0, maxLines).join('\n');
  if (shown.length > maxChars) shown = shown.slice(0, maxChars);
  if (shown.length === text.length) return text;
  const left = Buffer.byteLength(text) - Buffer.byteLength(shown);
  return `${shown}\n… ${left} more bytes (${whereWhole})`;
}

/** `1 turn`, `2 turns`: a count with its noun. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
