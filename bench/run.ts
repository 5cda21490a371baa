/**
 * `npm run bench`: measures podmesh against baselines taken in the same run
 * and prints a table and the JSON array of results. A missed goal is a MISS,
 * not a failure: the exit code is 0 unless the bench itself crashes.
 */
import { parseArgs } from 'node:util';
import { runBench } from './runBench.js';
import { formatTable } from './stats.js';

const USAGE = `usage: npm run bench [-- flags]

Measures podmesh side by side with a baseline taken in the same run, and prints
a table (name, value, baseline, ratio = value / baseline, goal, PASS/MISS) and
the JSON array of results. A MISS is reported, not failed: the exit code is 0
unless the bench crashes. The 100,000-pod parts run in child processes.

flags:
  --json         print only the JSON array on stdout (progress stays on stderr);
                 npm prints its own "> podmesh bench" banner on stdout, so use
                 npm run -s bench -- --json  when piping
  --smoke        tiny sizes (200 to 1,000 pods, a few rounds): checks that it runs, not how fast
  --only TEXT    only the measurements whose name contains TEXT
  --in-process   do not start child processes (for profiling with --cpu-prof)
  --quiet        no progress on stderr
  --help         this text

Run it as: node --expose-gc --import tsx bench/run.ts [flags]  (what npm run bench does)
`;

let flags;
try {
  flags = parseArgs({
    args: process.argv.slice(2),
    options: {
      json: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}

if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const started = performance.now();
const progress = flags.quiet ? () => undefined : (line: string) => process.stderr.write(`[bench] ${line}\n`);
try {
  const results = await runBench({
    smoke: flags.smoke,
    isolate: !flags['in-process'],
    ...(flags.only === undefined ? {} : { only: flags.only }),
    progress,
  });
  if (results.length === 0) throw new Error(`no measurement matches --only ${flags.only ?? ''}`);
  const json = JSON.stringify(results, null, 2);
  if (flags.json) process.stdout.write(`${json}\n`);
  else {
    const missed = results.filter((entry) => entry.pass === false).length;
    process.stdout.write(`${formatTable(results)}\n\n${json}\n`);
    process.stdout.write(
      `\n${results.length} results, ${missed} MISS${missed === 1 ? '' : 'es'} (reported, not failed)${flags.smoke ? '; --smoke sizes: the figures mean nothing' : ''}\n`,
    );
  }
  progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  process.stderr.write(`bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
