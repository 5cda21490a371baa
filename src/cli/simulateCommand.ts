import { readFile, writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { errorCode } from '../core/errors.js';
import { createSimulation, type SimulationResult } from '../simulation/createSimulation.js';
import { parseScenario, ScenarioError, type Scenario } from '../simulation/parseScenario.js';
import { intOption, parseCommand, UsageError } from './cliArgs.js';
import type { CliIo } from './cliIo.js';

const HELP = `usage: podmesh simulate <scenario.json> [options]

Runs a deterministic simulation (docs/simulation.md) and prints the weak notify
outcome histogram and the invariant report. The same seed and scenario always
give the same trace; its sha256 is printed.

options:
  --seed N       seed of the run (default: the scenario's seed)
  --pods N       total pods (default: the scenario's pods)
  --json         print one JSON object instead of tables
  --trace FILE   write the trace, one line per step, to FILE
  --quiet        no progress bar
  -h, --help     this help

exit status: 0 when every invariant held, 1 when one failed, 2 for bad usage or a bad scenario file.
`;

const MAX_SCENARIO_BYTES = 1024 * 1024;

async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    const buffer = await readFile(path);
    if (buffer.length > MAX_SCENARIO_BYTES) throw new UsageError(`${path}: larger than 1 MiB`);
    text = buffer.toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = errorCode(error);
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : `cannot read (${code ?? 'error'})`}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'})`);
  }
  try {
    return parseScenario(json);
  } catch (error) {
    if (error instanceof ScenarioError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

function bar(count: number, max: number, width = 30): string {
  return max === 0 ? '' : '█'.repeat(Math.round((count / max) * width));
}

function formatResult(result: SimulationResult, seconds: number): string {
  const lines = [`podmesh simulate — ${result.scenario} (seed ${result.seed}, ${result.pods} pods, ${result.steps} steps) in ${seconds.toFixed(1)} s`, ''];
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

/** `podmesh simulate`: runs a scenario file. */
export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    seed: { type: 'string' },
    pods: { type: 'string' },
    json: { type: 'boolean' },
    trace: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one scenario file (try --help)');
  const seed = intOption(values.seed, '--seed', 0);
  const pods = intOption(values.pods, '--pods', 0);
  const scenario = await loadScenario(positionals[0]!);
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
  try {
    result = await createSimulation({
      scenario,
      ...(seed === undefined ? {} : { seed }),
      ...(pods === undefined ? {} : { pods }),
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
  }
  const seconds = (performance.now() - started) / 1000;
  if (values.trace !== undefined) await writeFile(values.trace, result.trace.join('\n') + '\n');
  if (values.json === true) {
    const { trace: _trace, ...summary } = result;
    io.out(JSON.stringify({ ...summary, durationMs: Math.round(seconds * 1000) }, null, 2) + '\n');
  } else {
    io.out(formatResult(result, seconds));
  }
  return result.ok ? 0 : 1;
}
