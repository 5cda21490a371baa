import createDebug from 'debug';
import { boundLine } from '../../core/text.js';

/** Severity of a diagnostic record. */
export type DiagnosticLevel = 'debug' | 'warn';

/** Bounded fields a record may carry; each value is one line of at most 200 characters. */
export interface DiagnosticFields {
  readonly ticket?: string;
  readonly event?: string;
  readonly companion?: string;
  readonly self?: string;
  readonly peer?: string;
  readonly pod?: string;
  readonly outcome?: string;
  readonly error?: string;
  readonly [field: string]: string | undefined;
}

/** One diagnostic record. Never holds message bodies, stack traces or secrets. */
export interface DiagnosticRecord {
  /** Position in the runtime's sequence of records, from 1. */
  readonly seq: number;
  /** Clock time in ms. */
  readonly at: number;
  readonly level: DiagnosticLevel;
  readonly scope: string;
  readonly message: string;
  readonly fields: DiagnosticFields;
}

/** Records diagnostics into a ring buffer and the `debug` package. */
export interface Diagnostics {
  /** Records one diagnostic; `message` and field values are made one line and bounded. */
  record(level: DiagnosticLevel, scope: string, message: string, fields?: DiagnosticFields): void;
  /**
   * `record` for the runtime's hot paths, which hand over a fresh `fields`
   * object of short strings (names, outcome types, error lines already
   * bounded): it is kept as it is and bounded in place when first read or
   * logged, not copied and bounded now.
   */
  recordOwned(level: DiagnosticLevel, scope: string, message: string, fields: Record<string, string | undefined>): void;
  /** The retained records, oldest first (at most the configured limit). */
  recent(): DiagnosticRecord[];
  /** How many records were ever made (retained or not). */
  count(): number;
  /** How many records of each level were ever made. */
  levels(): Record<DiagnosticLevel, number>;
  /** Forgets the retained records. */
  clear(): void;
}

/** Records a runtime keeps in its ring. */
export const DEFAULT_DIAGNOSTICS_LIMIT = 1000;
const FIELD_LIMIT = 200;
// Most values are pod names, outcome types and ticket ids: printable ASCII
// with no edge spaces can skip the one-line rewrite.
const PLAIN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function cleanLine(value: string): string {
  return value.length <= FIELD_LIMIT && PLAIN.test(value) ? value : boundLine(value, FIELD_LIMIT);
}

/** Makes every value of `fields` one line and bounded, drops `undefined` ones, and freezes the object. */
function boundInPlace(fields: Record<string, string | undefined>): DiagnosticFields {
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined) delete fields[key];
    else fields[key] = cleanLine(String(value));
  }
  return Object.freeze(fields);
}

/** A caller's fields as a fresh, bounded copy (a value that cannot be made a string is dropped). */
function boundCopy(fields: DiagnosticFields | undefined): Record<string, string | undefined> {
  const copy: Record<string, string | undefined> = {};
  if (fields === undefined) return copy;
  for (const key of Object.keys(fields)) {
    try {
      const value = fields[key];
      if (value !== undefined) copy[key] = cleanLine(String(value));
    } catch {
      // A value whose toString throws: it has nothing to say.
    }
  }
  return copy;
}

/** A retained record; `raw` until its message and fields were bounded (on first read). */
interface Entry {
  seq: number;
  at: number;
  level: DiagnosticLevel;
  scope: string;
  message: string;
  fields: Record<string, string | undefined>;
  raw: boolean;
}

function bounded(entry: Entry): DiagnosticRecord {
  if (entry.raw) {
    entry.message = cleanLine(entry.message);
    boundInPlace(entry.fields);
    entry.raw = false;
  }
  const { seq, at, level, scope, message, fields } = entry;
  return { seq, at, level, scope, message, fields: fields as DiagnosticFields };
}

/**
 * Diagnostics of one runtime: a ring buffer of the last `limit` records, also
 * written to `debug` under `podmesh:<scope>` (formatting only when enabled).
 */
export function createDiagnostics(options: { limit?: number; now?: () => number } = {}): Diagnostics {
  const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_DIAGNOSTICS_LIMIT));
  const now = options.now ?? Date.now;
  const ring: Entry[] = [];
  let start = 0;
  let seq = 0;
  const byLevel: Record<DiagnosticLevel, number> = { debug: 0, warn: 0 };
  const loggers = new Map<string, createDebug.Debugger>();

  const logger = (scope: string): createDebug.Debugger => {
    let log = loggers.get(scope);
    if (log === undefined) {
      log = createDebug(`podmesh:${scope}`);
      loggers.set(scope, log);
    }
    return log;
  };

  const keep = (level: DiagnosticLevel, scope: string, message: string, fields: Record<string, string | undefined>): void => {
    byLevel[level] += 1;
    const entry: Entry = { seq: ++seq, at: now(), level, scope, message, fields, raw: true };
    if (limit > 0) {
      if (ring.length < limit) ring.push(entry);
      else {
        ring[start] = entry;
        start = (start + 1) % limit;
      }
    }
    const log = logger(scope);
    if (log.enabled) {
      const record = bounded(entry);
      log('%s %s %o', level, record.message, record.fields);
    }
  };

  return {
    // A caller's object may change or hold anything: the record keeps a bounded copy, made now.
    record: (level, scope, message, fields) => keep(level, scope, cleanLine(String(message)), boundCopy(fields)),
    recordOwned: keep,
    recent() {
      return [...ring.slice(start), ...ring.slice(0, start)].map(bounded);
    },
    count: () => seq,
    levels: () => ({ ...byLevel }),
    clear() {
      ring.length = 0;
      start = 0;
    },
  };
}
