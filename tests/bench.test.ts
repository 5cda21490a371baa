import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_NAMES, runBench } from '../bench/runBench.js';
import { runTask } from '../bench/runTask.js';
import { formatTable, median, type BenchResult } from '../bench/stats.js';

// The bench is a measurement, not a gate: these tests check that it still runs and
// reports every result in the agreed shape. They never look at timings or PASS/MISS.
const bench = suite('bench (smoke sizes)');

const expected: Record<string, { unit: string; goal: number | null; goalOn: 'ratio' | 'value' }> = {
  'weak-notify-vs-direct-notify': { unit: 'us/op', goal: 1.5, goalOn: 'ratio' },
  'direct-notify-vs-raw-send': { unit: 'us/op', goal: null, goalOn: 'ratio' },
  'weak-notify-100k-vs-100': { unit: 'us/op', goal: 1.3, goalOn: 'ratio' },
  'heap-per-idle-pod-100k': { unit: 'bytes/pod', goal: 3072, goalOn: 'value' },
  'spawn-100k-vs-bare-actors': { unit: 'ms', goal: 1.5, goalOn: 'ratio' },
  'fs-ensure-and-notify-vs-atomic-write': { unit: 'us/op', goal: 2.5, goalOn: 'ratio' },
  'cross-process-notify-vs-socket-ping-pong': { unit: 'us/op', goal: 2, goalOn: 'ratio' },
  'cross-process-notify-fs-store-vs-socket-ping-pong': { unit: 'us/op', goal: null, goalOn: 'ratio' },
  'durable-notify-vs-ping-pong-plus-fsync': { unit: 'us/op', goal: 1.5, goalOn: 'ratio' },
  'durable-notices-4-senders-vs-volatile': { unit: 'us/notice', goal: null, goalOn: 'ratio' },
  'cli-help-vs-node-startup': { unit: 'ms', goal: 2, goalOn: 'ratio' },
  'weak-notify-inspect-vs-plain': { unit: 'us/op', goal: 1.5, goalOn: 'ratio' },
  'inspect-load-100k-home-vs-json-parse': { unit: 'ms', goal: 2000, goalOn: 'value' },
  'inspect-load-100k-trace-vs-json-parse': { unit: 'ms', goal: 2000, goalOn: 'value' },
  'inspect-update-latency-p50-vs-bare-sse': { unit: 'ms', goal: null, goalOn: 'ratio' },
  'inspect-update-latency-p95-vs-bare-sse': { unit: 'ms', goal: null, goalOn: 'ratio' },
  'nats-kv-ensure-existing-vs-kv-get': { unit: 'us/op', goal: 2.5, goalOn: 'ratio' },
  'nats-weak-notify-vs-request-reply': { unit: 'us/op', goal: 1.5, goalOn: 'ratio' },
  'nats-notices-4-senders-vs-request-reply': { unit: 'us/notice', goal: null, goalOn: 'ratio' },
};

let results: BenchResult[] = [];

bench('should report every result in order', async () => {
  // Isolated like the real run: a heap delta taken inside this busy test process is noise.
  results = await runBench({ smoke: true, isolate: true });
  assert.equal(
    results.map((entry) => entry.name),
    Object.keys(expected),
  );
  assert.equal([...BENCH_NAMES], Object.keys(expected));
});

bench('should give each result finite positive figures, its unit and its goal', () => {
  for (const entry of results) {
    const want = expected[entry.name];
    assert.ok(want, entry.name);
    assert.is(entry.unit, want.unit, entry.name);
    assert.is(entry.goal, want.goal, entry.name);
    assert.is(entry.goalOn, want.goalOn, entry.name);
    if (entry.skipped !== undefined) {
      // Only a browser row may be skipped, for want of chromium, or a NATS row, for want of nats-server.
      const nats = entry.name.startsWith('nats-');
      assert.match(entry.skipped, nats ? /nats-server/ : /chromium/, entry.name);
      assert.ok(nats || entry.name.includes('inspect-'), entry.name);
      assert.is(entry.pass, null);
      continue;
    }
    for (const figure of [entry.value, entry.baseline, entry.ratio]) {
      assert.ok(Number.isFinite(figure) && figure > 0, `${entry.name}: ${figure}`);
    }
    assert.is(typeof entry.pass, want.goal === null ? 'object' : 'boolean', entry.name);
    if (want.goal === null) assert.is(entry.pass, null);
    assert.ok(entry.info.length > 0, entry.name);
  }
});

bench('should print a table with one row per result and survive a JSON round trip', () => {
  const table = formatTable(results);
  for (const name of BENCH_NAMES) assert.ok(table.includes(name), name);
  assert.equal(JSON.parse(JSON.stringify(results)), results);
});

bench('should run a task in a child process and return its JSON result', async () => {
  const lines: string[] = [];
  const bytes = await runTask('idleHeapSide', { kind: 'bare-children', count: 200 }, (line) => lines.push(line));
  assert.type(bytes, 'number');
  assert.ok(Number.isFinite(bytes) && bytes > 0, String(bytes));
});

bench('should take the median of odd and even samples', () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]));
});

bench.run();
