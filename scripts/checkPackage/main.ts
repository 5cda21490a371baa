/**
 * `npm run check:package`: proves that the tarball `npm pack` makes works for
 * a user. It packs the package into a temporary folder, checks the file list,
 * installs the tarball into an empty ESM project (with the repo's TypeScript
 * and @types/node), then imports every entry point with plain node, requires
 * the root from CommonJS, type-checks a strict TypeScript consumer, runs the
 * same calls as JavaScript, and runs the CLI. The consumer's files are the
 * fixtures in ./consumer/, copied into that project. Progress goes to stderr,
 * the summary table and sizes to stdout; exit 1 names the failing steps. The
 * temporary folders are always removed.
 *
 * Usage: tsx scripts/checkPackage/main.ts [--help]
 */
import { copyFileSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { log } from './log.js';
import { packageTargets, readManifest, repoVersion } from './manifest.js';
import { errorLines, killCurrent, mustRun, run, tail } from './run.js';
import { closureOf, formatBytes, sizeOf, type LockEntry } from './sizes.js';
import { formatMs, skip, step, steps, summaryLines } from './steps.js';
import { makeTemp, removeOnExit, removeTemporary } from './temporary.js';

const USAGE = `usage: npm run check:package [-- --help]

Checks the tarball that \`npm pack\` makes, as a user would meet it:
  pack          npm pack --json into a temporary folder (runs prepack: the build)
  contents      dist/index.js, dist/index.d.ts, bin/podmesh.js, README.md and every
                exports/bin target are in it; no src/, tests/ or node_modules/
  install       npm install <tarball> typescript@<repo's> @types/node@<repo's>
                into an empty {"type":"module"} project
  import        import('podmesh') with plain node: createPodRuntime is a function
  subpaths      podmesh/machines, /process, /tickets, /simulation, /testing, /inspector, /nats each
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

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'consumer');

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

removeOnExit(killCurrent);

const SUBPATHS: readonly (readonly [string, string])[] = [
  ['podmesh/machines', 'weakNotifyMachine'],
  ['podmesh/process', 'startPodServer'],
  ['podmesh/tickets', 'startOrchestrator'],
  ['podmesh/simulation', 'createSimulation'],
  ['podmesh/testing', 'createFaultyStore'],
  ['podmesh/inspector', 'createRuntimeInspector'],
  ['podmesh/nats', 'createNatsTransport'],
];

const overall = performance.now();
const manifest = readManifest(ROOT);
const tsVersion = repoVersion(ROOT, manifest, 'typescript');
const nodeTypesVersion = repoVersion(ROOT, manifest, '@types/node');
log(`${manifest.name}@${manifest.version}, node ${process.version}; consumer gets typescript@${tsVersion} @types/node@${nodeTypesVersion}`);

const packDir = makeTemp('pack');
const consumer = makeTemp('consumer');
let tarball: string | undefined;
let packedFiles: string[] = [];
const sizes: string[] = [];

/** Copies a fixture of ./consumer/ into the consumer project, next to its node_modules. */
const place = (name: string): void => copyFileSync(join(FIXTURES, name), join(consumer, name));

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
    const targets = packageTargets(manifest);
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
  } else {
    await step('require', async () => {
      place('require.cjs');
      const { stdout, stderr } = await mustRun(process.execPath, ['require.cjs'], nodeIn);
      const report = JSON.parse(stdout.trim()) as { exports: number; requireModule: boolean | null };
      const warning = /ExperimentalWarning[^\n]*/.exec(stderr)?.[0];
      return `${report.exports} exports; process.features.require_module=${String(report.requireModule)}; ${warning === undefined ? 'no warning' : `warned: ${warning.trim()}`}`;
    });
  }

  await step('types', async () => {
    place('tsconfig.json');
    place('consumer.ts');
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
    place('consumer.mjs');
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
    if (!stdout.startsWith('Usage: podmesh')) throw new Error(`npx podmesh --help printed ${JSON.stringify(stdout.slice(0, 80))}`);
    return `exit 0, ${stdout.trim().split('\n').length} lines of usage`;
  });
}

removeTemporary();

process.stdout.write(`\n${summaryLines().join('\n')}\n${sizes.length > 0 ? `\n${sizes.join('\n')}\n` : ''}`);

const failed = steps.filter((s) => s.verdict === 'FAIL').map((s) => s.name);
if (failed.length > 0) {
  process.stdout.write(`\ncheck:package FAILED at step${failed.length === 1 ? '' : 's'}: ${failed.join(', ')} (${formatMs(performance.now() - overall)})\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`\ncheck:package passed: ${steps.length} steps in ${formatMs(performance.now() - overall)}\n`);
}
