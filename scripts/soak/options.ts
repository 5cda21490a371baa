/**
 * The soak's flags: every count has one, with a full and a `--quick` default.
 * One table drives parsing, the defaults and `--help`, so they cannot drift.
 */
import { parseArgs } from 'node:util';
import { KINDS, type Kind } from './malformedKinds.js';

interface CountFlag {
  readonly full: number;
  readonly quick: number;
  readonly min: number;
  readonly help: string;
}

/** Every count, by flag name (without `--`), grouped by section in the help. */
export const COUNT_FLAGS = {
  'write-crashes': { full: 1000, quick: 60, min: 1, help: '1: kill -9 of record writers (in all)' },
  'write-lanes': { full: 24, quick: 12, min: 1, help: '1: independent stores crashed side by side (each crash waits out a lock)' },
  'write-pods': { full: 3, quick: 3, min: 1, help: '1: pods each writer updates at once' },
  'kill-min-ms': { full: 2, quick: 2, min: 0, help: '1: earliest kill after the writer starts its loop' },
  'kill-max-ms': { full: 40, quick: 40, min: 0, help: '1: latest kill after the writer starts its loop' },
  'ensure-procs': { full: 4, quick: 4, min: 1, help: '2: processes ensuring at once' },
  ensures: { full: 1000, quick: 150, min: 1, help: '2: ensures per process' },
  'ensure-pods': { full: 20, quick: 20, min: 2, help: '2: pods the pairs are drawn from' },
  'ensure-inflight': { full: 4, quick: 4, min: 1, help: '2: ensures in flight in each process' },
  'relation-crashes': { full: 300, quick: 30, min: 1, help: '3: kill -9 of ensuring children (in all)' },
  'relation-lanes': { full: 16, quick: 10, min: 1, help: '3: independent stores crashed side by side' },
  'relation-kill-min-ms': { full: 0, quick: 0, min: 0, help: '3: earliest kill after the child began its first pair (a pair takes ~20-60 ms)' },
  'relation-kill-max-ms': { full: 150, quick: 150, min: 0, help: '3: latest kill after the child began its first pair' },
  senders: { full: 4, quick: 4, min: 1, help: '4: sender processes' },
  notices: { full: 5000, quick: 400, min: 2, help: '4: notices per sender' },
  'sender-inflight': { full: 4, quick: 4, min: 1, help: '4: notices in flight in each sender' },
  'fail-pause-ms': { full: 100, quick: 100, min: 0, help: '4: pause of a sender after a notice that failed (the pod is down)' },
  connections: { full: 5000, quick: 500, min: 1, help: '5: malformed connections (in all)' },
  clients: { full: 8, quick: 8, min: 1, help: '5: clients connecting at once' },
  'hang-ms': { full: 10000, quick: 10000, min: 100, help: '5: a connection not finished after this long is hung' },
  'rss-bound-mb': { full: 100, quick: 100, min: 1, help: '5: most the pod\'s RSS may grow' },
  'timeout-s': { full: 900, quick: 240, min: 10, help: 'the whole run; sections not finished by then fail as incomplete' },
} as const satisfies Record<string, CountFlag>;

export type CountName = keyof typeof COUNT_FLAGS;

/** The five sections, in run order. */
export const SECTIONS = [
  { id: '1', name: 'record-crashes', title: 'kill -9 during record writes', unit: 'kill -9' },
  { id: '2', name: 'concurrent-ensures', title: 'concurrent ensures', unit: 'ensure' },
  { id: '3', name: 'relation-crashes', title: 'crash between relation writes', unit: 'kill -9' },
  { id: '4', name: 'notices-kill', title: 'notices with kill -9 of the pod', unit: 'notice' },
  { id: '5', name: 'malformed-connections', title: 'malformed connections', unit: 'connection' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

/** The parsed command line. */
export interface SoakOptions {
  readonly quick: boolean;
  readonly json: boolean;
  readonly help: boolean;
  readonly seed: number;
  readonly only: ReadonlySet<SectionId>;
  readonly counts: Readonly<Record<CountName, number>>;
  /** Section 5's kinds of connection, in round-robin order. */
  readonly kinds: readonly Kind[];
}

/** A flag the soak cannot use: printed with the usage, exit 2. */
export class UsageError extends Error {}

export function usage(): string {
  const rows = Object.entries(COUNT_FLAGS).map(
    ([name, flag]) => `  --${`${name} N`.padEnd(25)}${flag.help} (default ${flag.full}, --quick ${flag.quick})`,
  );
  const sections = SECTIONS.map((s) => `  ${s.id} ${s.name.padEnd(22)}${s.title}`);
  return `usage: npm run soak [-- options]

A crash-and-load suite for podmesh on this machine (loopback and temp folders
only). Each section runs real processes of the compiled package (dist/, built
first) and checks what must never happen:

  1 kill -9 during record writes: children update a few pods' records with
    createFsPodStore; each is killed with SIGKILL a few ms into its writes.
    After each crash every record must read as a valid record (0 torn, 0
    missing, 0 invalid, 0 acknowledged writes lost) and the next writer (a
    fresh child) must get its writes through; its wait (the killed holder's
    lock) is reported. At the end, after one clean write and delete of every
    pod: stray .metadata.json.*.tmp files and metadata.json.lock folders left.
  2 concurrent ensures: N processes run ensureExistingPeer on random pairs of
    a shared set of pods, all at once; every ensured pair must be reciprocal
    (0 lost peers, 0 one-sided relations, 0 pendingPeers marks, 0 errors).
  3 crash between relation writes: a child ensures fresh pairs in a loop and
    is killed at random moments; after a repair as a start would make (a
    spawnPod of one side, or an ensure of the pair) every pair must be
    reciprocal or none (0 one-sided). Crashes that landed mid-relation (a
    pendingPeers mark) are counted.
  4 notices with kill -9: senders send distinct weak notices to one pod process
    (podmesh pod start, journal on); halfway the pod is killed and started
    again, and once more at the end. 0 acknowledged notices may be lost;
    duplicates and notices per second are reported.
  5 malformed connections: clients open connections to a pod's socket, each
    sending random bytes, invalid JSON, a line over 1 MiB, a deeply nested
    value, a partial line then close, a request then close before reading, or
    a line without newline then hang-up. The pod must stay up (same pid), answer
    ping, answer every complete line, hang no connection, and its RSS may grow
    at most --rss-bound-mb.

Sections:
${sections.join('\n')}

Options:
  --quick                    smaller counts: about a minute in all
  --only LIST                sections to run, by number or name (e.g. 1,3 or notices-kill)
  --seed N                   seed of the random choices (default: from the clock; printed)
  --kinds LIST               5: only these kinds of connection (default all: ${KINDS.join(', ')})
  --json                     print the results as JSON on stdout instead of the table
  -h, --help                 this help
${rows.join('\n')}

Progress goes to stderr; the table (section, tries, failures, figures) or the
JSON to stdout. A figure marked ✗ is a check that must be 0. Exit 0 when every
check is 0, 1 when any is not (or a section was cut short), 2 on a bad flag.
Every child process and temp folder is removed on every way out, Ctrl-C included.
`;
}

/** Parses argv (without node and the script). */
export function parseOptions(argv: readonly string[]): SoakOptions {
  const countOptions = Object.fromEntries(Object.keys(COUNT_FLAGS).map((name) => [name, { type: 'string' as const }]));
  const parse = () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...countOptions,
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        seed: { type: 'string' },
        only: { type: 'string' },
        kinds: { type: 'string' },
      },
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const quick = values.quick === true;
  const integer = (name: string, raw: string, min: number): number => {
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
      throw new UsageError(`--${name} must be an integer of at least ${min}`);
    }
    return Number(raw);
  };
  const counts = {} as Record<CountName, number>;
  for (const [name, flag] of Object.entries(COUNT_FLAGS) as [CountName, CountFlag][]) {
    const raw = values[name];
    counts[name] = typeof raw === 'string' ? integer(name, raw, flag.min) : quick ? flag.quick : flag.full;
  }
  if (counts['kill-max-ms'] < counts['kill-min-ms']) throw new UsageError('--kill-max-ms must be at least --kill-min-ms');
  if (counts['relation-kill-max-ms'] < counts['relation-kill-min-ms']) {
    throw new UsageError('--relation-kill-max-ms must be at least --relation-kill-min-ms');
  }
  const only = new Set<SectionId>();
  if (typeof values.only === 'string') {
    for (const item of values.only.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const section = SECTIONS.find((s) => s.id === item || s.name === item);
      if (section === undefined) throw new UsageError(`--only: no section ${JSON.stringify(item)} (1-5 or ${SECTIONS.map((s) => s.name).join(', ')})`);
      only.add(section.id);
    }
  } else {
    for (const section of SECTIONS) only.add(section.id);
  }
  let kinds: Kind[] = [...KINDS];
  if (typeof values.kinds === 'string') {
    kinds = values.kinds.split(',').map((s) => s.trim()).filter((s) => s !== '') as Kind[];
    const unknown = kinds.find((kind) => !(KINDS as readonly string[]).includes(kind));
    if (unknown !== undefined || kinds.length === 0) throw new UsageError(`--kinds: one or more of ${KINDS.join(', ')}`);
  }
  const seed = typeof values.seed === 'string' ? integer('seed', values.seed, 0) : Date.now() % 2 ** 31;
  return { quick, json: values.json === true, help: values.help === true, seed, only, counts, kinds };
}
