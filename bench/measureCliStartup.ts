/**
 * `cli-help-vs-node-startup`: the wall time of `node bin/podmesh.js --help`
 * (node's start, the bin, `dist/cli/main.js` and the usage; commands are
 * loaded lazily, so neither xstate nor the runtime should load) against
 * `node -e 0` (node's start alone), each a fresh child process with stdout
 * ignored. The difference is what podmesh adds before a user sees anything.
 * Needs the compiled `dist/` (`npm run bench` builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alternate, result, type BenchResult, type Progress } from './stats.js';

export const CLI_STARTUP_GOAL = 2;

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'podmesh.js');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/** The bench's own flags (`--expose-gc`, the tsx loader) must not reach either side, nor differ between them. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

/** Milliseconds from spawning `node <args>` to its exit; rejects unless it exits 0. */
function timeNode(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let elapsed = 0;
    child.once('exit', () => (elapsed = performance.now() - start));
    child.once('error', fail);
    child.once('close', (code, signal) => {
      if (code === 0) done(elapsed);
      else fail(new Error(`node ${args.join(' ')} exited ${code ?? signal}: ${stderr.trim().slice(-300)}`));
    });
  });
}

export async function measureCliStartup(options: { rounds: number; warmup: number; progress?: Progress }): Promise<BenchResult> {
  if (!existsSync(MAIN)) throw new Error(`cli-help-vs-node-startup needs ${MAIN}: run npm run build first (npm run bench does)`);
  const env = plainEnv();
  const values: number[] = [];
  const baselines: number[] = [];
  const measured = await alternate({
    rounds: options.rounds,
    warmup: options.warmup,
    value: async () => {
      const ms = await timeNode([BIN, '--help'], env);
      values.push(ms);
      return ms;
    },
    baseline: async () => {
      const ms = await timeNode(['-e', '0'], env);
      baselines.push(ms);
      return ms;
    },
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    label: 'cli-help-vs-node-startup',
  });
  // The spread of the timed samples (warm-ups left out), for a reader to judge the noise.
  const timed = (samples: number[]): number[] => samples.slice(options.warmup).sort((a, b) => a - b);
  const range = (samples: number[]): string => `${(samples[0] ?? NaN).toFixed(1)}–${(samples[samples.length - 1] ?? NaN).toFixed(1)}`;
  return result({
    name: 'cli-help-vs-node-startup',
    unit: 'ms',
    value: measured.value,
    baseline: measured.baseline,
    goal: CLI_STARTUP_GOAL,
    info: [
      `value: wall time of node bin/podmesh.js --help (stdout ignored); baseline: node -e 0; each a fresh process, NODE_OPTIONS cleared`,
      `median of ${measured.samples} alternating runs per side after ${options.warmup} warm-up runs; range ${range(timed(values))} vs ${range(timed(baselines))} ms`,
      `podmesh's own share (value - baseline): ${(measured.value - measured.baseline).toFixed(1)} ms`,
    ],
  });
}
