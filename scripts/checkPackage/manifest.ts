/** What the repo says about itself: its package.json, and the versions of its dev dependencies. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly main?: string;
  readonly types?: string;
  readonly bin?: Record<string, string>;
  readonly exports?: Record<string, string | Record<string, string>>;
  readonly devDependencies?: Record<string, string>;
}

export function readManifest(root: string): Manifest {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
}

/** The version of a dev dependency: the lockfile's, else the installed one, else the range in package.json. */
export function repoVersion(root: string, manifest: Manifest, name: string): string {
  try {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages?: Record<string, { version?: string }> };
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (version !== undefined) return version;
  } catch {
    // no lockfile: fall through
  }
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    const range = manifest.devDependencies?.[name];
    if (range === undefined) throw new Error(`${name} is not a devDependency of ${manifest.name}`);
    return range;
  }
}

/** Every file package.json points at (main, types, bin, exports), without a leading `./`. */
export function packageTargets(manifest: Manifest): Set<string> {
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
  return targets;
}
