/**
 * `npm run soak`: podmesh's crash-and-load suite (usage in options.ts, or
 * `npm run soak -- --help`). Runs the five sections one after another, each
 * in its own temp folder under one root, then prints the table (or JSON) on
 * stdout; progress goes to stderr. Children import the compiled package
 * (`dist/`, built by the npm script) so hundreds of them start fast; this
 * process reads the stores through `src/`, the same code.
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { concurrentEnsures } from './concurrentEnsures.js';
import { installCleanup, killAll, liveChildren, removeTemp, tempRootDir } from './children.js';
import { malformedConnections } from './malformedConnections.js';
import { noticesKill } from './noticesKill.js';
import { parseOptions, SECTIONS, usage, UsageError, type SectionId, type SoakOptions } from './options.js';
import { recordCrashes } from './recordCrashes.js';
import { relationCrashes } from './relationCrashes.js';
import { createSectionReport, formatJson, formatTable, skippedSection, type SectionContext, type SectionReport, type SectionResult } from './report.js';
import { createRandom, errorText } from './stats.js';

const RUNNERS: Record<SectionId, (context: SectionContext, report: SectionReport) => Promise<void>> = {
  '1': recordCrashes,
  '2': concurrentEnsures,
  '3': relationCrashes,
  '4': noticesKill,
  '5': malformedConnections,
};

const started = performance.now();
const log = (line: string): void => void process.stderr.write(`[soak ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

let options: SoakOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`soak: ${error.message} (try --help)\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(usage());
  process.exit(0);
}

installCleanup(log);
const root = tempRootDir();
const deadline = AbortSignal.timeout(options.counts['timeout-s'] * 1000);
// Every lane's waits and sleeps listen to it at once (each removes its listener when done).
setMaxListeners(10_000, deadline);
log(`${options.quick ? 'quick' : 'full'} run, seed ${options.seed}, sections ${[...options.only].join(',')}, temp ${root}, time limit ${options.counts['timeout-s']} s`);

const results: SectionResult[] = [];
for (const section of SECTIONS) {
  const label = `${section.id} ${section.name}`;
  if (!options.only.has(section.id)) continue;
  if (deadline.aborted) {
    results.push(skippedSection(section.id, section.title, section.unit, 'the time limit was reached before it started', true));
    continue;
  }
  log(`${label}: start`);
  const report = createSectionReport(section.id, section.title, section.unit);
  const dir = join(root, `s${section.id}`);
  mkdirSync(dir, { recursive: true });
  const context: SectionContext = {
    counts: options.counts,
    kinds: options.kinds,
    // One stream per section, so a section's choices do not depend on which others ran.
    random: createRandom(options.seed + Number(section.id) * 7919),
    signal: deadline,
    dir,
    progress: (line) => log(`${label}: ${line}`),
  };
  try {
    await RUNNERS[section.id](context, report);
  } catch (error) {
    report.incomplete(`the harness failed: ${errorText(error)}`);
    log(`${label}: harness error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  if (liveChildren() > 0) {
    // A section that left a child behind is a bug of the soak, not of podmesh: say so, then clean up.
    log(`${label}: ${liveChildren()} child process(es) left running; killed`);
    killAll();
  }
  const result = report.finish();
  results.push(result);
  log(`${label}: ${result.status}, ${result.tries} × ${result.unit}, ${result.failures} failure(s), ${(result.durationMs / 1000).toFixed(1)} s`);
}

const totalMs = performance.now() - started;
const failures = results.reduce((sum, result) => sum + result.failures, 0);
removeTemp();
process.stdout.write(
  options.json
    ? formatJson(results, totalMs, { quick: options.quick, seed: options.seed, only: [...options.only], kinds: options.kinds, ...options.counts })
    : formatTable(results, totalMs),
);
log(`done: ${failures} failure(s) in ${(totalMs / 1000).toFixed(1)} s`);
process.exit(failures > 0 ? 1 : 0);
