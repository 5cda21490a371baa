/**
 * Scans the imports of `src/` with the TypeScript parser (so comments and strings
 * that mention `import` are not imports) and checks them against the room layout:
 * an import may only point at a lower rank or stay in its own room, no file may
 * import an entry point, the pure rooms import nothing impure, and no import
 * forms a circle (type imports included: a circle of types still ties the files).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** One thing wrong with the tree; `message` starts with `file:line` so it can be printed as is. */
export interface LayoutProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Which syntax an import was written in; every kind counts the same for the rules. */
export type ImportKind = 'import' | 'import type' | 'side effect' | 'export' | 'dynamic' | 'type query' | 'import equals';

/** One import as written in `file`; `target` is the `src/` file it resolves to, when relative and found. */
export interface ImportEdge {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly kind: ImportKind;
  readonly target: string | undefined;
}

export interface ImportScan {
  /** The TypeScript sources scanned, sorted. */
  readonly files: readonly string[];
  readonly imports: readonly ImportEdge[];
  /** Dynamic imports whose specifier is not a string literal: they cannot be checked. */
  readonly computed: readonly { readonly file: string; readonly line: number }[];
}

interface Room {
  readonly name: string;
  readonly rank: number;
  readonly folder: string;
}

/** The rooms of `src/`; same rank means sideways, and sideways is forbidden. */
export const ROOMS: readonly Room[] = [
  { name: 'core', rank: 0, folder: 'src/core/' },
  { name: 'machines', rank: 1, folder: 'src/machines/' },
  { name: 'stores', rank: 1, folder: 'src/actors/stores/' },
  { name: 'runtime', rank: 2, folder: 'src/actors/runtime/' },
  { name: 'process', rank: 3, folder: 'src/actors/process/' },
  { name: 'tickets', rank: 3, folder: 'src/tickets/' },
  { name: 'testing', rank: 3, folder: 'src/testing/' },
  { name: 'nats', rank: 3, folder: 'src/actors/nats/' },
  { name: 'simulation', rank: 4, folder: 'src/simulation/' },
  { name: 'inspector', rank: 4, folder: 'src/inspector/' },
  { name: 'cli', rank: 5, folder: 'src/cli/' },
];

const ENTRY_RANK = 6;
const ROOT_ENTRIES = ['src/index.ts', 'src/deprecated.ts'];
/** The one import between entry points: the root re-exports the 0.1 aliases. */
const ENTRY_TO_ENTRY = new Set(['src/index.ts -> src/deprecated.ts']);

/** Entry points are the package's public doors: the root ones and each room folder's own `index.ts`. */
export function isEntryPoint(file: string): boolean {
  return ROOT_ENTRIES.includes(file) || ROOMS.some((room) => file === `${room.folder}index.ts`);
}

function roomOf(file: string): Room | undefined {
  if (isEntryPoint(file)) return { name: 'entry point', rank: ENTRY_RANK, folder: file };
  return ROOMS.find((room) => file.startsWith(room.folder));
}

const isSource = (file: string): boolean => file.endsWith('.ts') && !file.endsWith('.d.ts');
const isRelative = (specifier: string): boolean =>
  specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
const lineOf = (source: ts.SourceFile, node: ts.Node): number =>
  source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

/** `./x.js` is `x.ts` on disk; a folder (`./x`, `./x/`) is its `index.ts`. */
function resolve(file: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  const path = posix.join(posix.dirname(file), specifier);
  const candidates = [path.endsWith('.js') ? `${path.slice(0, -'.js'.length)}.ts` : path, posix.join(path, 'index.ts')];
  return candidates.find((candidate) => files.has(candidate));
}

/** Every import of every `.ts` source in `sources` (path relative to the repo root → text). */
export function scanImports(sources: ReadonlyMap<string, string>): ImportScan {
  const files = [...sources.keys()].filter(isSource).sort();
  const known = new Set(files);
  const imports: ImportEdge[] = [];
  const computed: { file: string; line: number }[] = [];

  for (const file of files) {
    const source = ts.createSourceFile(file, sources.get(file) ?? '', ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const add = (specifier: ts.Node, kind: ImportKind): void => {
      if (!ts.isStringLiteralLike(specifier)) return;
      const target = isRelative(specifier.text) ? resolve(file, specifier.text, known) : undefined;
      imports.push({ file, line: lineOf(source, specifier), specifier: specifier.text, kind, target });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node)) {
        add(node.moduleSpecifier, node.importClause === undefined ? 'side effect' : node.importClause.isTypeOnly ? 'import type' : 'import');
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
        add(node.moduleSpecifier, 'export');
      } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
        add(node.moduleReference.expression, 'import equals');
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        add(node.argument.literal, 'type query');
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [argument] = node.arguments;
        if (argument !== undefined && ts.isStringLiteralLike(argument)) add(argument, 'dynamic');
        else computed.push({ file, line: lineOf(source, node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { files, imports, computed };
}

/** Why a bare specifier (npm package or Node built-in) is not allowed in `file`, if it is not. */
function impurity(file: string, specifier: string): string | undefined {
  const what = isBuiltin(specifier) ? 'a Node built-in' : 'an npm package';
  if (file.startsWith('src/core/')) return `core imports nothing outside src/core/, and ${specifier} is ${what}`;
  if (file.startsWith('src/machines/') && specifier !== 'xstate' && !specifier.startsWith('xstate/')) {
    return `machines may import only xstate from outside src/, and ${specifier} is ${what}`;
  }
  return undefined;
}

/** Why the import `edge` breaks the layout, if it does. */
function directionProblem(edge: ImportEdge): string | undefined {
  if (edge.target === undefined) {
    if (!isRelative(edge.specifier)) return impurity(edge.file, edge.specifier);
    const path = posix.join(posix.dirname(edge.file), edge.specifier);
    return path.startsWith('src/') ? `${edge.specifier} resolves to no file of src/` : `${edge.specifier} reaches outside src/`;
  }
  const from = roomOf(edge.file);
  const to = roomOf(edge.target);
  // Files outside the layout are reported once on their own; their edges have no rank.
  if (from === undefined || to === undefined) return undefined;
  if (isEntryPoint(edge.target)) {
    return ENTRY_TO_ENTRY.has(`${edge.file} -> ${edge.target}`) ? undefined : 'no file of src/ may import an entry point';
  }
  if (from === to || from.rank > to.rank) return undefined;
  const how = from.rank === to.rank ? ' (sideways)' : '';
  return `${from.name} (rank ${from.rank}) may not import ${to.name} (rank ${to.rank})${how}`;
}

/** One shortest circle through each strongly connected group of files (Tarjan), smallest file first. */
function findCircles(files: readonly string[], imports: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const edge of imports) if (edge.target !== undefined) next.get(edge.file)?.push(edge.target);

  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  // Recursive Tarjan: the depth is bounded by the number of files in src/.
  const connect = (file: string): void => {
    const order = index.size;
    index.set(file, order);
    low.set(file, order);
    stack.push(file);
    onStack.add(file);
    for (const target of next.get(file) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file) ?? order, low.get(target) ?? order));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? order, index.get(target) ?? order));
      }
    }
    if (low.get(file) !== order) return;
    const group: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      group.push(member);
      if (member === file) break;
    }
    if (group.length > 1 || (next.get(file) ?? []).includes(file)) groups.push(group.sort());
  };
  for (const file of files) if (!index.has(file)) connect(file);

  return groups.map((group) => {
    const [start] = group as [string];
    const members = new Set(group);
    // Breadth-first from `start` inside the group: the first way back to it is a shortest circle.
    const cameFrom = new Map<string, string>();
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const file = queue[head] as string;
      for (const target of (next.get(file) ?? []).filter((target) => members.has(target))) {
        if (target === start) {
          const circle = [start];
          for (let at: string | undefined = file; at !== undefined && at !== start; at = cameFrom.get(at)) circle.splice(1, 0, at);
          return [...circle, start];
        }
        if (!cameFrom.has(target)) {
          cameFrom.set(target, file);
          queue.push(target);
        }
      }
    }
    return [start, start];
  });
}

/** Everything wrong with the layout of `sources` (path relative to the repo root → text), sorted by file and line. */
export function checkLayout(sources: ReadonlyMap<string, string>): LayoutProblem[] {
  const { files, imports, computed } = scanImports(sources);
  const problems: LayoutProblem[] = [];
  const report = (file: string, line: number, text: string): void => {
    problems.push({ file, line, message: `${file}:${line} ${text}` });
  };

  for (const file of files) {
    if (roomOf(file) === undefined) report(file, 1, 'is a file outside the layout (no room of src/ holds it)');
  }
  for (const edge of imports) {
    const problem = directionProblem(edge);
    if (problem !== undefined) report(edge.file, edge.line, `imports ${edge.target ?? edge.specifier}: ${problem}`);
  }
  for (const { file, line } of computed) report(file, line, 'has a dynamic import whose specifier is not a string literal, so it cannot be checked');
  for (const circle of findCircles(files, imports)) {
    const [file, target] = circle as [string, string];
    const line = imports.find((edge) => edge.file === file && edge.target === target)?.line ?? 1;
    report(file, line, `is in an import circle: ${circle.join(' -> ')}`);
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.message.localeCompare(b.message));
}

/** The real `src/` tree under `root`, keyed like `src/core/text.ts`; declaration files are not sources. */
export function readSourceTree(root: string): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && isSource(entry.name)) sources.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, 'src'));
  return sources;
}
