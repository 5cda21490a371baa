import { errorLine, redactUrl } from '../../core/text.js';
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { createSimulation, type SimulationResult } from '../../simulation/createSimulation.js';
import { parseScenario, ScenarioError, type Scenario } from '../../simulation/parseScenario.js';
import { intOption, UsageError } from '../cliArgs.js';
import type { CliContext } from '../cliContext.js';
import { natsServerOf } from '../cliRuntime.js';
import { readUserFile } from '../readUserFile.js';

const MAX_SCENARIO_BYTES = 1024 * 1024;

async function loadScenario(path: string): Promise<Scenario> {
  const text = await readUserFile(path, path, MAX_SCENARIO_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${errorLine(error)})`);
  }
  try {
    return parseScenario(json);
  } catch (error) {
    if (error instanceof ScenarioError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

/** The file `--record` writes, opened before the run so that a bad path fails at once. */
async function openRecord(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) => reject(new UsageError(`--record ${path}: ${errorLine(error)}`)));
  });
  return stream;
}

/** Ends the recording once every line is on disk. */
function closeRecord(stream: WriteStream, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', (error) => reject(new UsageError(`--record ${path}: ${errorLine(error)}`)));
    stream.end(() => resolve());
  });
}

function bar(count: number, max: number, width = 30): string {
  return max === 0 ? '' : '█'.repeat(Math.round((count / max) * width));
}

function formatResult(result: SimulationResult, seconds: number, nats: string | undefined): string {
  const over = nats === undefined ? '' : ` over NATS ${redactUrl(nats)}`;
  const lines = [`podmesh simulate — ${result.scenario} (seed ${result.seed}, ${result.pods} pods, ${result.steps} steps)${over} in ${seconds.toFixed(1)} s`, ''];
  const max = Math.max(...Object.values(result.histogram));
  lines.push('weak notify outcomes');
  for (const [type, count] of Object.entries(result.histogram)) lines.push(`  ${type.padEnd(20)}${String(count).padStart(8)}  ${bar(count, max)}`);
  lines.push('', 'invariants');
  for (const r of result.invariants) {
    lines.push(`  ${r.failed === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(38)}${String(r.checks).padStart(8)} checks, ${r.failed} failures`);
    for (const f of r.failures.slice(0, 5)) lines.push(`         step ${f.step}: ${f.message}`);
  }
  lines.push('', `trace sha256 ${result.traceHash}`, result.ok ? 'all invariants held' : 'INVARIANTS FAILED', '');
  return lines.join('\n');
}

/** Flags of `podmesh simulate`. */
export interface SimulateFlags {
  readonly seed?: string;
  readonly pods?: string;
  readonly trace?: string;
  /** Writes the inspector's trace (`podmesh inspect <file>` replays it). */
  readonly record?: string;
  readonly quiet?: boolean;
}

/**
 * `podmesh simulate <scenario.json>`: runs a deterministic simulation and
 * prints the outcome histogram and the invariants; exit 0 when every
 * invariant held, 1 when one failed, 2 for bad usage or a bad scenario.
 */
export async function simulateCommand(context: CliContext, file: string, values: SimulateFlags): Promise<number> {
  const { io } = context;
  const seed = intOption(values.seed, '--seed', 0);
  const pods = intOption(values.pods, '--pods', 0);
  const scenario = await loadScenario(file);
  const nats = natsServerOf(context);
  if (pods !== undefined && pods < 2 * scenario.workspaces) throw new UsageError(`--pods must be at least ${2 * scenario.workspaces} (two per workspace)`);

  const total = pods ?? scenario.pods;
  const showProgress = values.quiet !== true && (scenario.steps >= 2000 || total >= 10_000);
  const progress = showProgress
    ? new cliProgress.SingleBar(
        {
          stream: io.stderr,
          format: '{phase} [{bar}] {percentage}% {value}/{total}',
          noTTYOutput: !io.interactive,
          notTTYSchedule: 5000,
          hideCursor: io.interactive,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let phase: string | undefined;
  const started = performance.now();
  let result: SimulationResult;
  const record = values.record === undefined ? undefined : await openRecord(values.record);
  try {
    result = await createSimulation({
      scenario,
      ...(seed === undefined ? {} : { seed }),
      ...(pods === undefined ? {} : { pods }),
      ...(nats === undefined ? {} : { nats: { servers: nats } }),
      ...(record === undefined ? {} : { onTraceLine: (line: string) => void record.write(`${line}\n`) }),
      onProgress: (next, done, all) => {
        if (progress === undefined) return;
        const label = next === 'spawn' ? 'spawning pods' : 'steps        ';
        if (phase !== label) {
          if (phase !== undefined) progress.stop();
          phase = label;
          progress.start(all, done, { phase: label });
        } else if (done % 100 === 0 || done === all) progress.update(done);
      },
    }).run();
  } finally {
    progress?.stop();
    if (record !== undefined) await closeRecord(record, values.record!);
  }
  const seconds = (performance.now() - started) / 1000;
  if (values.trace !== undefined) await writeFile(values.trace, result.trace.join('\n') + '\n');
  if (context.json) {
    const { trace: _trace, ...summary } = result;
    io.out(JSON.stringify({ ...summary, durationMs: Math.round(seconds * 1000) }, null, 2) + '\n');
  } else {
    io.out(formatResult(result, seconds, nats));
  }
  return result.ok ? 0 : 1;
}
