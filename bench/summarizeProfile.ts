/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) as its top functions
 * by self time, to explain a MISS:
 *   tsx bench/summarizeProfile.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time per function (name, file, line) in ms, largest first, and the profile's total. */
export function selfTimes(profile: CpuProfile): { total: number; rows: { name: string; where: string; ms: number }[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, { name: string; where: string; ms: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    const file = frame.url.replace(/^file:\/\//, '');
    const where = file === '' ? '' : `${file.startsWith('/') ? relative(process.cwd(), file) : file}:${frame.lineNumber + 1}`;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const key = `${name} ${where}`;
    const row = self.get(key) ?? { name, where, ms: 0 };
    row.ms += ms;
    self.set(key, row);
  });
  return { total, rows: [...self.values()].sort((a, b) => b.ms - a.ms) };
}

if (import.meta.filename === process.argv[1]) {
  const [file, topText] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: tsx bench/summarizeProfile.ts <file.cpuprofile> [top=25]\n');
    process.exit(2);
  }
  const { total, rows } = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  process.stdout.write(`total ${total.toFixed(0)} ms\n  self ms      %  function\n`);
  for (const row of rows.slice(0, Number(topText ?? 25))) {
    process.stdout.write(`${row.ms.toFixed(1).padStart(8)}  ${((row.ms / total) * 100).toFixed(1).padStart(5)}  ${row.name}  ${row.where}\n`);
  }
}
