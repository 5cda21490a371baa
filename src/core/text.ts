/**
 * Text helpers for anything that leaves the runtime as display text: notices,
 * diagnostics, error lines. Everything is one line and bounded.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * One line: runs of whitespace (tab, newline, carriage return included) become
 * one space, the ends are trimmed, then every other control character is removed.
 */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(CONTROL, '');
}

/**
 * Keeps the first `max` code points of `text`; only when that cut something,
 * appends `…` (so the result has at most `max + 1` code points).
 */
export function bound(text: string, max: number): string {
  // Fast path: fewer UTF-16 units than the limit means fewer code points too.
  if (text.length <= max) return text;
  let count = 0;
  let end = 0;
  for (const ch of text) {
    if (count === max) return text.slice(0, end) + '…';
    count += 1;
    end += ch.length;
  }
  return text;
}

/** {@link oneLine} then {@link bound}. */
export function boundLine(text: string, max: number): string {
  return bound(oneLine(text), max);
}

/** A one-line, bounded description of any thrown value (no stack trace). */
export function errorLine(error: unknown, max = 200): string {
  let text: string;
  if (error instanceof Error) text = error.message || error.name;
  else if (typeof error === 'string') text = error;
  else {
    try {
      text = String(error);
    } catch {
      text = 'unknown error';
    }
  }
  const line = boundLine(text, max - 1);
  return line === '' ? 'unknown error' : line;
}

/**
 * A server URL (or a comma-separated list of them) fit to print: the
 * credentials of `scheme://user:password@host` become `***`, so a NATS URL
 * with a password never reaches a terminal, a log or an error line.
 */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/)[^/@\s,]*@/g, '$1***@');
}
