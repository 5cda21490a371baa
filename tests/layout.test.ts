import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkLayout, readSourceTree, scanImports } from './support/importGraph.js';
import type { LayoutProblem } from './support/importGraph.js';

const layout = suite('layout');

const repoRoot = resolve(import.meta.dirname, '..');

/** A synthetic tree: each file's lines joined, so a test can name the line it expects. */
const tree = (files: Record<string, readonly string[]>): Map<string, string> =>
  new Map(Object.entries(files).map(([file, lines]) => [file, lines.join('\n')]));

const messages = (problems: readonly LayoutProblem[]): string[] => problems.map((problem) => problem.message);

layout('should find no import against the layer direction and no circle in src/', () => {
  const problems = checkLayout(readSourceTree(repoRoot));
  assert.ok(problems.length === 0, `${problems.length} layout problem(s) in src/:\n${messages(problems).join('\n')}`);
});

layout('should scan enough of the real tree that a pass means something', () => {
  const scan = scanImports(readSourceTree(repoRoot));
  const resolved = scan.imports.filter((edge) => edge.target !== undefined);
  assert.ok(scan.files.length > 40, `only ${scan.files.length} files scanned`);
  assert.ok(resolved.length > 100, `only ${resolved.length} relative imports resolved`);
  // Each kind the rules depend on must actually occur, or a parser slip could hide it.
  for (const kind of ['import', 'import type', 'export', 'dynamic'] as const) {
    assert.ok(resolved.some((edge) => edge.kind === kind), `no resolved import of kind ${kind}`);
  }
});

layout('should report an upward import with its file and line', () => {
  const problems = checkLayout(
    tree({
      'src/core/text.ts': ['// Text helpers.', 'export const a = 1;', "import { createPodRuntime } from '../actors/runtime/createPodRuntime.js';"],
      'src/actors/runtime/createPodRuntime.ts': ['export const createPodRuntime = 1;'],
    }),
  );
  assert.equal(problems, [
    {
      file: 'src/core/text.ts',
      line: 3,
      message: 'src/core/text.ts:3 imports src/actors/runtime/createPodRuntime.ts: core (rank 0) may not import runtime (rank 2)',
    },
  ]);
});

layout('should report a sideways import between rooms of the same rank', () => {
  const problems = checkLayout(
    tree({
      'src/tickets/startOrchestrator.ts': ["import { podPaths } from '../actors/process/podPaths.js';"],
      'src/actors/process/podPaths.ts': ['export const podPaths = 1;'],
      'src/testing/createFaultyStore.ts': ['', "export { ticketError } from '../tickets/ticketError.js';"],
      'src/tickets/ticketError.ts': ['export const ticketError = 1;'],
    }),
  );
  assert.equal(messages(problems), [
    'src/testing/createFaultyStore.ts:2 imports src/tickets/ticketError.ts: testing (rank 3) may not import tickets (rank 3) (sideways)',
    'src/tickets/startOrchestrator.ts:1 imports src/actors/process/podPaths.ts: tickets (rank 3) may not import process (rank 3) (sideways)',
  ]);
});

layout('should report a circle of two files inside one room, type imports included', () => {
  const problems = checkLayout(
    tree({
      'src/machines/a.ts': ['// a needs b', "import { b } from './b.js';", 'export const a = b;'],
      'src/machines/b.ts': ["import type { A } from './a.js';", 'export const b = 1;'],
    }),
  );
  assert.equal(problems, [
    { file: 'src/machines/a.ts', line: 2, message: 'src/machines/a.ts:2 is in an import circle: src/machines/a.ts -> src/machines/b.ts -> src/machines/a.ts' },
  ]);
});

layout('should report a Node built-in in core and in machines', () => {
  const problems = checkLayout(
    tree({
      'src/core/keyedLock.ts': ["import { readFile } from 'node:fs';"],
      'src/machines/podMachine.ts': ["import { setup } from 'xstate';", "import type { Stats } from 'node:fs';"],
    }),
  );
  assert.equal(messages(problems), [
    'src/core/keyedLock.ts:1 imports node:fs: core imports nothing outside src/core/, and node:fs is a Node built-in',
    'src/machines/podMachine.ts:2 imports node:fs: machines may import only xstate from outside src/, and node:fs is a Node built-in',
  ]);
});

layout('should report an npm package other than xstate in machines, and any npm package in core', () => {
  const problems = checkLayout(
    tree({
      'src/machines/ticketMachine.ts': ["import { setup } from 'xstate';", "import { nanoid } from 'nanoid';"],
      'src/core/types.ts': ["import type { AnyActorRef } from 'xstate';"],
    }),
  );
  assert.equal(messages(problems), [
    'src/core/types.ts:1 imports xstate: core imports nothing outside src/core/, and xstate is an npm package',
    'src/machines/ticketMachine.ts:2 imports nanoid: machines may import only xstate from outside src/, and nanoid is an npm package',
  ]);
});

layout('should report an import of an entry point from inside src/, by file or by folder', () => {
  const problems = checkLayout(
    tree({
      'src/cli/main.ts': ["import { podMachine } from '../machines/index.js';", "import { createTicketBoard } from '../tickets';"],
      'src/index.ts': ["export * from './deprecated.js';", "export * from './simulation/index.js';"],
      'src/deprecated.ts': [],
      'src/machines/index.ts': [],
      'src/tickets/index.ts': [],
      'src/simulation/index.ts': [],
    }),
  );
  assert.equal(messages(problems), [
    'src/cli/main.ts:1 imports src/machines/index.ts: no file of src/ may import an entry point',
    'src/cli/main.ts:2 imports src/tickets/index.ts: no file of src/ may import an entry point',
    'src/index.ts:2 imports src/simulation/index.ts: no file of src/ may import an entry point',
  ]);
});

layout('should report a file outside the layout', () => {
  const problems = checkLayout(
    tree({
      'src/actors/helpers.ts': ['export const helper = 1;'],
      'src/util.ts': [],
      'src/core/text.ts': [],
    }),
  );
  assert.equal(messages(problems), [
    'src/actors/helpers.ts:1 is a file outside the layout (no room of src/ holds it)',
    'src/util.ts:1 is a file outside the layout (no room of src/ holds it)',
  ]);
});

layout('should catch a type-only import and a dynamic import against the direction', () => {
  const problems = checkLayout(
    tree({
      'src/core/types.ts': ["import type { PodRuntime } from '../actors/runtime/createPodRuntime.js';"],
      'src/machines/podMachine.ts': ['export async function load() {', "  return (await import('../tickets/ticketNotice.js')).ticketNotice;", '}'],
      'src/actors/runtime/createPodRuntime.ts': [],
      'src/tickets/ticketNotice.ts': [],
    }),
  );
  assert.equal(messages(problems), [
    'src/core/types.ts:1 imports src/actors/runtime/createPodRuntime.ts: core (rank 0) may not import runtime (rank 2)',
    'src/machines/podMachine.ts:2 imports src/tickets/ticketNotice.ts: machines (rank 1) may not import tickets (rank 3)',
  ]);
});

layout('should count re-exports, side-effect imports and import() types as imports', () => {
  const problems = checkLayout(
    tree({
      'src/core/a.ts': ["export * from '../cli/main.js';"],
      'src/core/b.ts': ["export { x } from '../cli/main.js';"],
      'src/core/c.ts': ["import '../cli/main.js';"],
      'src/core/d.ts': ["export type Main = typeof import('../cli/main.js');"],
      'src/cli/main.ts': [],
    }),
  );
  assert.equal(
    problems.map((problem) => `${problem.file}:${problem.line}`),
    ['src/core/a.ts:1', 'src/core/b.ts:1', 'src/core/c.ts:1', 'src/core/d.ts:1'],
  );
});

layout('should report relative imports that resolve to nothing and computed dynamic imports', () => {
  const problems = checkLayout(
    tree({
      'src/cli/main.ts': ["import { gone } from './gone.js';", "import pkg from '../../package.json';", 'await import(`./${name}.js`);'],
    }),
  );
  assert.equal(messages(problems), [
    'src/cli/main.ts:1 imports ./gone.js: ./gone.js resolves to no file of src/',
    'src/cli/main.ts:2 imports ../../package.json: ../../package.json reaches outside src/',
    'src/cli/main.ts:3 has a dynamic import whose specifier is not a string literal, so it cannot be checked',
  ]);
});

layout('should give no problems for a tree that keeps the layout', () => {
  const problems = checkLayout(
    tree({
      'src/core/text.ts': ['// import { x } from "../cli/main.js" is only a comment', "export const note = \"import('../cli/main.js')\";"],
      'src/core/types.ts': ["import { note } from './text.js';", 'export type Note = typeof note;'],
      'src/core/ambient.d.ts': ["import '../cli/main.js';"],
      'src/machines/podMachine.ts': ["import { setup } from 'xstate';", "import type { Note } from '../core/types.js';"],
      'src/machines/index.ts': ["export * from './podMachine.js';", "export * from '../core/text.js';"],
      'src/actors/stores/createFsPodStore.ts': [
        "import { readFile } from 'node:fs/promises';",
        "import lockfile from 'proper-lockfile';",
        "import '../../core/types.js';",
      ],
      'src/actors/runtime/createPodRuntime.ts': ["import '../stores/createFsPodStore.js';", "import '../../machines/podMachine.js';"],
      'src/actors/process/startPodServer.ts': ["import { createServer } from 'node:net';", "import '../runtime/createPodRuntime.js';"],
      'src/tickets/createTicketBoard.ts': ["import '../actors/runtime/createPodRuntime.js';", "import './ticketError.js';"],
      'src/tickets/ticketError.ts': ["import type { Note } from '../core/types.js';"],
      'src/testing/createFaultyStore.ts': ["import '../actors/stores/createFsPodStore.js';"],
      'src/simulation/createSimulation.ts': [
        "import '../tickets/createTicketBoard.js';",
        "import '../actors/process/startPodServer.js';",
        "import '../testing/createFaultyStore.js';",
      ],
      'src/cli/main.ts': ["const load = async () => (await import('./podCommand.js')).podCommand;", "import '../simulation/createSimulation.js';"],
      'src/cli/podCommand.ts': ["import { createPodRuntime } from '../actors/runtime/createPodRuntime.js';"],
      'src/index.ts': ["export * from './deprecated.js';", "export * from './actors/runtime/createPodRuntime.js';"],
      'src/deprecated.ts': ["export * from './tickets/createTicketBoard.js';"],
    }),
  );
  assert.equal(messages(problems), []);
});

layout.run();
