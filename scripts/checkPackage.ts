/**
 * `npm run check:package`: proves that the tarball `npm pack` makes works for
 * a user. It packs the package into a temporary folder, checks the file list,
 * installs the tarball into an empty ESM project (with the repo's TypeScript
 * and @types/node), then imports every entry point with plain node, requires
 * the root from CommonJS, type-checks a strict TypeScript consumer, runs the
 * same calls as JavaScript, and runs the CLI. Progress goes to stderr, the
 * summary table and sizes to stdout; exit 1 names the failing steps. The
 * temporary folders are always removed.
 *
 * Usage: tsx scripts/checkPackage.ts [--help]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run check:package [-- --help]

Checks the tarball that \`npm pack\` makes, as a user would meet it:
  pack          npm pack --json into a temporary folder (runs prepack: the build)
  contents      dist/index.js, dist/index.d.ts, bin/podmesh.js, README.md and every
                exports/bin target are in it; no src/, tests/ or node_modules/
  install       npm install <tarball> typescript@<repo's> @types/node@<repo's>
                into an empty {"type":"module"} project
  import        import('podmesh') with plain node: createPodRuntime is a function
  subpaths      podmesh/machines, /process, /tickets, /simulation, /testing each
                import and have their expected export
  require       require('podmesh') from a .cjs file (require of ESM, Node 20.19+)
  types         tsc on a strict consumer (strict, noUncheckedIndexedAccess,
                nodenext, skipLibCheck false): no error at all
  run           the same calls as an .mjs program: spawn, ensure, notify, orchestrator
  cli-version   npx podmesh --version prints exactly the package.json version
  cli-help      npx podmesh --help exits 0

Prints progress on stderr and a summary table (step, result, time) with the
installed sizes on stdout. Exit code 1 when a step fails (each failure is named),
2 on a bad flag. Temporary folders are removed in every case.
`;

const ROOT = resolve(import.meta.dirname, '..');
const PREFIX = '[check:package]';

function log(line: string): void {
  process.stderr.write(`${PREFIX} ${line}\n`);
}

// ---------------------------------------------------------------------------
// Flags

let flags;
try {
  flags = parseArgs({ args: process.argv.slice(2), options: { help: { type: 'boolean', short: 'h', default: false } }, strict: true }).values;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

// ---------------------------------------------------------------------------
// Temporary folders: removed on exit, on Ctrl-C and on SIGTERM

const temporary: string[] = [];
let current: ChildProcess | undefined;

function makeTemp(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `podmesh-check-${label}-`));
  temporary.push(dir);
  return dir;
}

function removeTemporary(): void {
  for (const dir of temporary.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      process.stderr.write(`${PREFIX} could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

process.on('exit', removeTemporary);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping, removing temporary folders`);
    current?.kill(signal);
    removeTemporary();
    process.exit(code);
  });
}

// ---------------------------------------------------------------------------
// Child processes

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a child: npm's per-script variables of this repo removed, so nothing points back at it. */
function childEnv(plainNode: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_package_') || key.startsWith('npm_lifecycle_') || key === 'npm_config_local_prefix' || key === 'INIT_CWD') continue;
    // `npm run -s` would silence the nested npm too, and its output is what explains a failure (shown only then).
    if (key === 'npm_config_loglevel') continue;
    // "Plain node": no loader or flag inherited from whoever started this script.
    if (plainNode && key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

function run(command: string, args: readonly string[], options: { cwd: string; timeoutMs?: number; plainNode?: boolean }): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.plainNode ?? false), stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      stderr += `\n(timed out after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      current = undefined;
      fail(new Error(`${command} could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      done({ code, signal, stdout, stderr });
    });
  });
}

/** The first line of every TypeScript error in tsc's output (`file(line,col): error TSnnnn: message`). */
function errorLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .map((line) => line.trim());
}

function tail(text: string, lines = 25): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).map((line) => `    ${line}`).join('\n');
}

/** Runs a command and throws, with the tail of its output, unless it exits 0. */
async function mustRun(command: string, args: readonly string[], options: { cwd: string; timeoutMs?: number; plainNode?: boolean }): Promise<RunResult> {
  const shown = [command, ...args].map((arg) => (/[\s"'()$`]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
  log(`  $ ${shown.length > 160 ? `${shown.slice(0, 157)}...` : shown}`);
  const outcome = await run(command, args, options);
  if (outcome.code !== 0) {
    const output = [outcome.stdout.trim() === '' ? '' : `  stdout:\n${tail(outcome.stdout)}`, outcome.stderr.trim() === '' ? '' : `  stderr:\n${tail(outcome.stderr)}`]
      .filter((part) => part !== '')
      .join('\n');
    throw new Error(`${command} exited ${outcome.code ?? outcome.signal}${output === '' ? '' : `\n${output}`}`);
  }
  return outcome;
}

// ---------------------------------------------------------------------------
// Steps

type Verdict = 'pass' | 'FAIL' | 'skipped';

interface StepRecord {
  readonly name: string;
  readonly verdict: Verdict;
  readonly ms: number;
  readonly note: string;
}

const steps: StepRecord[] = [];

/** Runs one step; its return value is the note of the summary. Returns whether it passed. */
async function step(name: string, body: () => Promise<string>): Promise<boolean> {
  log(`${name}: running`);
  const start = performance.now();
  try {
    const note = await body();
    const ms = performance.now() - start;
    steps.push({ name, verdict: 'pass', ms, note });
    log(`${name}: pass (${formatMs(ms)})${note === '' ? '' : ` — ${note}`}`);
    return true;
  } catch (error) {
    const ms = performance.now() - start;
    const message = error instanceof Error ? error.message : String(error);
    steps.push({ name, verdict: 'FAIL', ms, note: message.split('\n').map((line) => line.trim()).filter((line) => line !== '').slice(0, 2).join(' ') });
    log(`${name}: FAIL (${formatMs(ms)})\n${message}`);
    return false;
  }
}

function skip(name: string, why: string): void {
  steps.push({ name, verdict: 'skipped', ms: 0, note: why });
  log(`${name}: skipped (${why})`);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} B`;
}

// ---------------------------------------------------------------------------
// What the repo says

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly main?: string;
  readonly types?: string;
  readonly bin?: Record<string, string>;
  readonly exports?: Record<string, string | Record<string, string>>;
  readonly devDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The version of a dev dependency: the lockfile's, else the installed one, else the range in package.json. */
function repoVersion(name: string): string {
  try {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages?: Record<string, { version?: string }> };
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (version !== undefined) return version;
  } catch {
    // no lockfile: fall through
  }
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    const range = manifest.devDependencies?.[name];
    if (range === undefined) throw new Error(`${name} is not a devDependency of ${manifest.name}`);
    return range;
  }
}

// ---------------------------------------------------------------------------
// Sizes

interface Size {
  readonly bytes: number;
  readonly files: number;
}

/** Apparent size of the files under `dir` (symlinks not followed); `skipNodeModules` leaves out nested packages. */
function sizeOf(dir: string, skipNodeModules = false): Size {
  let bytes = 0;
  let files = 0;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (!(skipNodeModules && entry.name === 'node_modules')) walk(full);
      } else {
        bytes += lstatSync(full).size;
        files += 1;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

interface LockEntry {
  readonly version?: string;
  readonly link?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Lockfile paths of `start` and everything it needs at run time, resolved as node does (nearest node_modules up). */
function closureOf(packages: Record<string, LockEntry>, start: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    const entry = packages[path];
    if (entry === undefined) return;
    seen.add(path);
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => entry.peerDependenciesMeta?.[name]?.optional !== true),
    ];
    for (const name of names) {
      let base = path;
      for (;;) {
        const candidate = `${base}/node_modules/${name}`;
        if (packages[candidate] !== undefined) {
          visit(candidate);
          break;
        }
        const cut = base.lastIndexOf('/node_modules/');
        if (cut < 0) {
          if (packages[`node_modules/${name}`] !== undefined) visit(`node_modules/${name}`);
          break;
        }
        base = base.slice(0, cut);
      }
    }
  };
  visit(start);
  return [...seen];
}

// ---------------------------------------------------------------------------
// The consumer project

const SUBPATHS: readonly (readonly [string, string])[] = [
  ['podmesh/machines', 'weakNotifyMachine'],
  ['podmesh/process', 'startPodServer'],
  ['podmesh/tickets', 'startOrchestrator'],
  ['podmesh/simulation', 'createSimulation'],
  ['podmesh/testing', 'createFaultyStore'],
];

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    // Not exactOptionalPropertyTypes: xstate's own declarations do not compile under it (xstate alone shows the same).
    skipLibCheck: false,
    noEmit: true,
  },
  files: ['consumer.ts'],
};

// A strict consumer: every entry point, the runtime, discovery, the outcome
// narrowed on `type`, the orchestrator with a board in memory, a typed error.
const CONSUMER_TS = `import {
  createMemoryPodStore,
  createPodRuntime,
  formatOutcome,
  PodmeshError,
  validatePodName,
  type PeerRelation,
  type PodHandle,
  type PodmeshErrorCode,
  type PodRuntime,
  type WeakNotifyOutcome,
} from 'podmesh';
import { weakNotifyMachine, decideWeakNotify } from 'podmesh/machines';
import { startPodServer, type PodServerOptions } from 'podmesh/process';
import { createTicketBoard, startOrchestrator, type HookResult, type Orchestrator } from 'podmesh/tickets';
import { createSimulation, type SimulationOptions } from 'podmesh/simulation';
import { createFaultyStore, type FaultyStore } from 'podmesh/testing';

function describe(outcome: WeakNotifyOutcome): string {
  switch (outcome.type) {
    case 'delivered':
      return 'delivered';
    case 'skipped-not-live':
      return \`not live: \${outcome.status}\${outcome.reason === undefined ? '' : \` (\${outcome.reason})\`}\`;
    case 'skipped-not-peer':
      return \`not a peer: \${outcome.visibility}\`;
    case 'send-failed':
      return \`send failed: \${outcome.error}\`;
    case 'skipped-missing':
    case 'skipped-not-visible':
      return outcome.type;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

const runtime: PodRuntime = createPodRuntime({ store: createMemoryPodStore() });
const a: PodHandle = await runtime.spawnPod({ name: 'a', role: 'agent' });
const b: PodHandle = await runtime.spawnPod({ name: 'b' });
const relation: PeerRelation | null = await runtime.discovery('a').ensureExistingPeer('b');
const outcome: WeakNotifyOutcome = await runtime.discovery('a').sendWeakNotifyToLivePeer('b', 'hello', { fields: { why: 'check' } });
const text: string = formatOutcome(outcome);
const pending: readonly string[] = b.pendingNotices();
const first: string | undefined = pending[0];
console.log(a.name, relation?.peer, describe(outcome), text, first);

await runtime.spawnPod({ name: 'yoi', role: 'companion' });
const orchestrator: Orchestrator = await startOrchestrator(runtime, { workspaceRoot: '/tmp/podmesh-consumer/yoi', tickets: createTicketBoard() });
const created = await orchestrator.callTool('create', { title: 'Add rate limiting' });
const ticket: string | undefined = created.ticket?.id;
const commented = await orchestrator.callTool('comment', { ticket, event: 'plan', body: 'Token bucket per account.' });
const hook: HookResult | null = commented.hook;
if (hook !== null) console.log(hook.kind, describe(hook.delivery));

try {
  validatePodName('no/slashes');
} catch (error) {
  if (error instanceof PodmeshError) {
    const code: PodmeshErrorCode = error.code;
    console.log(code);
  }
}

const faulty: FaultyStore = createFaultyStore(createMemoryPodStore());
faulty.failNextWrite();
const serverOptions: Omit<PodServerOptions, 'runtime'> = { name: 'a', runtimeDir: '/tmp/podmesh-consumer/run' };
const simulation: SimulationOptions = { scenario: {}, seed: 1 };
const entryPoints: readonly unknown[] = [weakNotifyMachine, decideWeakNotify, startPodServer, createSimulation, serverOptions, simulation];
console.log(entryPoints.length, faulty.writes);
await runtime.stop();
`;

// The same calls at run time; prints what happened as one JSON line.
const CONSUMER_MJS = `import { createMemoryPodStore, createPodRuntime, formatOutcome, PodmeshError, validatePodName } from 'podmesh';
import { createTicketBoard, startOrchestrator } from 'podmesh/tickets';

const runtime = createPodRuntime({ store: createMemoryPodStore() });
await runtime.spawnPod({ name: 'a', role: 'agent' });
const b = await runtime.spawnPod({ name: 'b' });
const relation = await runtime.discovery('a').ensureExistingPeer('b');
const outcome = await runtime.discovery('a').sendWeakNotifyToLivePeer('b', 'hello');
await runtime.spawnPod({ name: 'yoi', role: 'companion' });
const orchestrator = await startOrchestrator(runtime, { workspaceRoot: '/tmp/podmesh-consumer/yoi', tickets: createTicketBoard() });
const created = await orchestrator.callTool('create', { title: 'Add rate limiting' });
const commented = await orchestrator.callTool('comment', { ticket: created.ticket?.id, event: 'plan', body: 'Token bucket per account.' });
let code = null;
try {
  validatePodName('no/slashes');
} catch (error) {
  if (error instanceof PodmeshError) code = error.code;
}
const report = {
  relation,
  outcome,
  formatted: formatOutcome(outcome),
  pendingOnB: b.pendingNotices().length,
  ticketHook: commented.hook === null ? null : { kind: commented.hook.kind, ensure: commented.hook.ensure.type, delivery: commented.hook.delivery.type },
  pendingOnCompanion: runtime.pod('yoi')?.pendingNotices().length,
  errorCode: code,
};
await runtime.stop();
console.log(JSON.stringify(report));
const ok =
  outcome.type === 'delivered' && report.pendingOnB === 1 && report.ticketHook?.delivery === 'delivered' && report.pendingOnCompanion === 1 && code === 'invalid-pod-name';
process.exit(ok ? 0 : 1);
`;

const REQUIRE_CJS = `const root = require('podmesh');
const tickets = require('podmesh/tickets');
if (typeof root.createPodRuntime !== 'function') throw new Error('require("podmesh").createPodRuntime is ' + typeof root.createPodRuntime);
if (typeof tickets.startOrchestrator !== 'function') throw new Error('require("podmesh/tickets").startOrchestrator is ' + typeof tickets.startOrchestrator);
console.log(JSON.stringify({ exports: Object.keys(root).length, requireModule: process.features.require_module ?? null }));
`;

// ---------------------------------------------------------------------------
// Main

const overall = performance.now();
const tsVersion = repoVersion('typescript');
const nodeTypesVersion = repoVersion('@types/node');
log(`${manifest.name}@${manifest.version}, node ${process.version}; consumer gets typescript@${tsVersion} @types/node@${nodeTypesVersion}`);

const packDir = makeTemp('pack');
const consumer = makeTemp('consumer');
let tarball: string | undefined;
let packedFiles: string[] = [];
const sizes: string[] = [];

const packed = await step('pack', async () => {
  const { stdout } = await mustRun('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: ROOT, timeoutMs: 300_000 });
  // npm 11 writes lifecycle output to stderr under --json; be lenient if an older one puts it first on stdout.
  const json = stdout.slice(Math.max(0, stdout.search(/^\[/m)));
  const [entry] = JSON.parse(json) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  if (entry === undefined) throw new Error('npm pack --json printed an empty list');
  tarball = join(packDir, entry.filename);
  lstatSync(tarball);
  packedFiles = entry.files.map((file) => file.path);
  sizes.push(`tarball ${entry.filename}: ${formatBytes(entry.size)} packed, ${formatBytes(entry.unpackedSize)} unpacked, ${entry.entryCount} files`);
  return `${entry.filename}, ${formatBytes(entry.size)}, ${entry.entryCount} files`;
});

if (!packed) skip('contents', 'no tarball');
else {
  await step('contents', async () => {
    const list = new Set(packedFiles);
    const problems: string[] = [];
    for (const required of ['dist/index.js', 'dist/index.d.ts', 'bin/podmesh.js', 'README.md']) {
      if (!list.has(required)) problems.push(`missing ${required}`);
    }
    // Every target package.json points at must ship.
    const targets = new Set<string>();
    const add = (target: string | undefined): void => {
      if (target !== undefined) targets.add(target.replace(/^\.\//, ''));
    };
    add(manifest.main);
    add(manifest.types);
    for (const target of Object.values(manifest.bin ?? {})) add(target);
    for (const target of Object.values(manifest.exports ?? {})) {
      if (typeof target === 'string') add(target);
      else for (const inner of Object.values(target)) add(inner);
    }
    for (const target of targets) if (!list.has(target)) problems.push(`missing ${target} (named in package.json)`);
    for (const path of packedFiles) {
      if (/^(src|tests)\//.test(path) || /(^|\/)node_modules\//.test(path)) problems.push(`ships ${path}`);
    }
    if (problems.length > 0) throw new Error(`the tarball's file list is wrong:\n${problems.map((line) => `    ${line}`).join('\n')}`);
    // Compiled files with no source left: dist/ is not cleaned before a build, so a renamed module ships twice.
    const stale = packedFiles.filter((path) => {
      const match = /^dist\/(.+)\.js$/.exec(path);
      if (match === null) return false;
      try {
        lstatSync(join(ROOT, 'src', `${match[1]}.ts`));
        return false;
      } catch {
        return true;
      }
    });
    if (stale.length > 0) log(`contents: warning: ${stale.length} dist file(s) without a source in src/: ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}`);
    return `${packedFiles.length} files, ${targets.size} package.json targets present${stale.length > 0 ? `; ${stale.length} stale dist file(s)` : ''}`;
  });
}

let installed = false;
if (tarball === undefined) skip('install', 'no tarball');
else {
  const file = tarball;
  installed = await step('install', async () => {
    writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'podmesh-consumer', type: 'module', private: true }, null, 2)}\n`);
    const { stdout } = await mustRun('npm', ['install', file, `typescript@${tsVersion}`, `@types/node@${nodeTypesVersion}`, '--no-audit', '--no-fund'], {
      cwd: consumer,
      timeoutMs: 600_000,
    });
    const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const paths = Object.keys(lock.packages).filter((path) => path !== '');
    const runtimePaths = closureOf(lock.packages, 'node_modules/podmesh');
    const own = sizeOf(join(consumer, 'node_modules', 'podmesh'));
    const all = sizeOf(join(consumer, 'node_modules'));
    const closure = runtimePaths.reduce((sum, path) => sum + sizeOf(join(consumer, path), true).bytes, 0);
    sizes.push(
      `node_modules/podmesh: ${formatBytes(own.bytes)} in ${own.files} files`,
      `podmesh with its runtime dependencies: ${runtimePaths.length} packages, ${formatBytes(closure)} (${runtimePaths
        .filter((path) => path !== 'node_modules/podmesh')
        .map((path) => `${path.replace(/^.*node_modules\//, '')}@${lock.packages[path]?.version ?? '?'}`)
        .join(', ')})`,
      `node_modules in all (with typescript and @types/node): ${paths.length} packages, ${formatBytes(all.bytes)} in ${all.files} files`,
    );
    const added = /added (\d+) packages?/.exec(stdout)?.[1];
    return `${paths.length} packages${added === undefined ? '' : ` (npm: added ${added})`}, node_modules ${formatBytes(all.bytes)}`;
  });
}

const needsInstall = ['import', 'subpaths', 'require', 'types', 'run', 'cli-version', 'cli-help'];
if (!installed) for (const name of needsInstall) skip(name, 'not installed');
else {
  const nodeIn = { cwd: consumer, plainNode: true };

  await step('import', async () => {
    await mustRun(process.execPath, ['-e', "import('podmesh').then(m => { if (typeof m.createPodRuntime !== 'function') process.exit(1) })"], nodeIn);
    return 'createPodRuntime is a function';
  });

  await step('subpaths', async () => {
    const failed: string[] = [];
    for (const [specifier, name] of SUBPATHS) {
      const code = `import(${JSON.stringify(specifier)}).then((m) => { if (m[${JSON.stringify(name)}] === undefined) { console.error('no export ${name}; has: ' + Object.keys(m).join(', ')); process.exit(1); } })`;
      try {
        await mustRun(process.execPath, ['-e', code], nodeIn);
      } catch (error) {
        failed.push(`${specifier} → ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failed.length > 0) throw new Error(failed.join('\n'));
    return SUBPATHS.map(([specifier, name]) => `${specifier.slice('podmesh/'.length)}:${name}`).join(' ');
  });

  // Node 20.19+ (and 22.12+) require ES modules without a flag and say so in process.features.
  if ((process.features as { require_module?: boolean }).require_module !== true) {
    skip('require', `node ${process.version} cannot require ES modules without a flag (20.19+, 22.12+)`);
  }
  else {
    await step('require', async () => {
      writeFileSync(join(consumer, 'require.cjs'), REQUIRE_CJS);
      const { stdout, stderr } = await mustRun(process.execPath, ['require.cjs'], nodeIn);
      const report = JSON.parse(stdout.trim()) as { exports: number; requireModule: boolean | null };
      const warning = /ExperimentalWarning[^\n]*/.exec(stderr)?.[0];
      const observed = `${report.exports} exports; process.features.require_module=${String(report.requireModule)}; ${warning === undefined ? 'no warning' : `warned: ${warning.trim()}`}`;
      return observed;
    });
  }

  await step('types', async () => {
    writeFileSync(join(consumer, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_TS);
    log('  $ npx --no -- tsc -p .');
    const outcome = await run('npx', ['--no', '--', 'tsc', '-p', '.'], { cwd: consumer, timeoutMs: 180_000 });
    const output = `${outcome.stdout}\n${outcome.stderr}`;
    const errors = errorLines(output);
    if (outcome.code !== 0 && errors.length === 0) throw new Error(`tsc exited ${outcome.code ?? outcome.signal} without a TS error:\n${tail(output)}`);
    if (errors.length > 0) {
      const missingTypes = errors.filter((line) => line.includes('TS7016'));
      throw new Error(
        `tsc found ${errors.length} error(s)${missingTypes.length > 0 ? ` (${missingTypes.length} TS7016: a dependency without types)` : ''}:\n${tail(output, 80)}`,
      );
    }
    return `0 errors (typescript ${tsVersion}, skipLibCheck false)`;
  });

  await step('run', async () => {
    writeFileSync(join(consumer, 'consumer.mjs'), CONSUMER_MJS);
    const outcome = await run(process.execPath, ['consumer.mjs'], nodeIn);
    log('  $ node consumer.mjs');
    const line = outcome.stdout.trim().split('\n').pop() ?? '';
    if (line !== '') log(`  ${line}`);
    if (outcome.code !== 0) throw new Error(`node consumer.mjs exited ${outcome.code ?? outcome.signal}: ${line === '' ? tail(outcome.stderr) : line}`);
    const report = JSON.parse(line) as { formatted: string; ticketHook: { delivery: string } | null; errorCode: string };
    return `a→b: ${report.formatted}; ticket hook: ${report.ticketHook?.delivery ?? 'none'}; error code ${report.errorCode}`;
  });

  await step('cli-version', async () => {
    const { stdout } = await mustRun('npx', ['--no', '--', 'podmesh', '--version'], nodeIn);
    if (stdout !== `${manifest.version}\n`) throw new Error(`npx podmesh --version printed ${JSON.stringify(stdout)}, want ${JSON.stringify(`${manifest.version}\n`)}`);
    return stdout.trim();
  });

  await step('cli-help', async () => {
    const { stdout } = await mustRun('npx', ['--no', '--', 'podmesh', '--help'], nodeIn);
    if (!stdout.startsWith('usage: podmesh')) throw new Error(`npx podmesh --help printed ${JSON.stringify(stdout.slice(0, 80))}`);
    return `exit 0, ${stdout.trim().split('\n').length} lines of usage`;
  });
}

removeTemporary();

// ---------------------------------------------------------------------------
// Summary

const widths = [Math.max(4, ...steps.map((s) => s.name.length)), 7, Math.max(4, ...steps.map((s) => formatMs(s.ms).length))];
const row = (cells: readonly string[]): string =>
  cells.map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : column < 2 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd();
const summary = [
  row(['step', 'result', 'time', 'note']),
  row([...widths.map((width) => '-'.repeat(width)), '----']),
  ...steps.map((s) => row([s.name, s.verdict, s.verdict === 'skipped' ? '-' : formatMs(s.ms), s.note.length > 110 ? `${s.note.slice(0, 107)}...` : s.note])),
];
process.stdout.write(`\n${summary.join('\n')}\n${sizes.length > 0 ? `\n${sizes.join('\n')}\n` : ''}`);

const failed = steps.filter((s) => s.verdict === 'FAIL').map((s) => s.name);
if (failed.length > 0) {
  process.stdout.write(`\ncheck:package FAILED at step${failed.length === 1 ? '' : 's'}: ${failed.join(', ')} (${formatMs(performance.now() - overall)})\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`\ncheck:package passed: ${steps.length} steps in ${formatMs(performance.now() - overall)}\n`);
}
