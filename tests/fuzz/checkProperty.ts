/**
 * Runs a fast-check property inside a uvu test with podmesh's fuzz budget.
 *
 * - `npm test`: each property runs its own bounded number of cases (`runs`)
 *   from a fixed seed, so the suite is deterministic.
 * - `PODMESH_FUZZ_RUNS=N` (`npm run fuzz`): every property runs N/100 times its
 *   `npm test` budget, so a property of 100 cases runs N and the costly ones
 *   keep their share. Each property then prints its case count and seed.
 * - `PODMESH_FUZZ_SEED=<int>` replays or varies the run (`random` picks one;
 *   the lines `npm run fuzz` prints name it). A failure names the seed, the
 *   error, the shrunk counterexample and the command that replays it.
 */
import fc from 'fast-check';

/** The seed of `npm test`. */
export const DEFAULT_FUZZ_SEED = 0x5eed_0a11;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

const runsOverride = envNumber('PODMESH_FUZZ_RUNS');
const seed: number =
  process.env.PODMESH_FUZZ_SEED === 'random' ? (Math.random() * 2 ** 31) | 0 : (envNumber('PODMESH_FUZZ_SEED') ?? DEFAULT_FUZZ_SEED);

/** True under `npm run fuzz` (PODMESH_FUZZ_RUNS set). */
const FUZZ_MODE = runsOverride !== undefined;

/** Cases of a property that runs `runs` cases in `npm test`, scaled by PODMESH_FUZZ_RUNS when set. */
export function fuzzRuns(runs: number): number {
  return runsOverride === undefined ? runs : Math.max(1, Math.round((runs * runsOverride) / 100));
}

/** Options of {@link checkProperty}. */
export interface CheckOptions {
  /** Cases in `npm test`. */
  readonly runs: number;
  /** Fails a case of an async property that takes longer (a hang), in ms. */
  readonly timeout?: number;
}

/** What a passing property ran. */
export interface CheckReport {
  readonly cases: number;
  readonly seed: number;
}

/**
 * Checks `property` and throws an `Error` carrying fast-check's report (seed,
 * path, shrunk counterexample, the error it raised) when it fails.
 */
export async function checkProperty<Ts>(
  label: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  options: CheckOptions,
): Promise<CheckReport> {
  const started = performance.now();
  const parameters: fc.Parameters<Ts> = {
    seed,
    numRuns: fuzzRuns(options.runs),
    ...(options.timeout === undefined ? {} : { plugins: [fc.timeout(options.timeout)] }),
  };
  const details = property.isAsync()
    ? await fc.check(property as fc.IAsyncProperty<Ts>, parameters)
    : fc.check(property as fc.IProperty<Ts>, parameters);
  if (details.failed) {
    const replay = `PODMESH_FUZZ_SEED=${seed}${FUZZ_MODE ? ` PODMESH_FUZZ_RUNS=${runsOverride}` : ''} npx tsx scripts/test.ts fuzz`;
    const cause = details.errorInstance;
    const error = new Error(
      [
        `property "${label}" failed with seed ${seed}`,
        `error: ${cause instanceof Error ? cause.message : String(cause)}`,
        fc.defaultReportMessage(details) ?? '',
        `replay: ${replay}`,
      ].join('\n'),
      { cause },
    );
    // uvu prints the message, then the stack below its first line: the message again. One is enough.
    error.stack = `Error: property "${label}" failed`;
    throw error;
  }
  if (FUZZ_MODE) {
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`\n  fuzz ${label}: ${details.numRuns} cases, seed ${seed}, ${ms} ms\n`);
  }
  return { cases: details.numRuns, seed };
}
