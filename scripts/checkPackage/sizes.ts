/** Installed sizes for check:package: bytes on disk and the run-time closure of a package in a lockfile. */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Size {
  readonly bytes: number;
  readonly files: number;
}

/** Apparent size of the files under `dir` (symlinks not followed); `skipNodeModules` leaves out nested packages. */
export function sizeOf(dir: string, skipNodeModules = false): Size {
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

/** One entry of package-lock.json's `packages`, as far as the closure needs it. */
export interface LockEntry {
  readonly version?: string;
  readonly link?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Lockfile paths of `start` and everything it needs at run time, resolved as node does (nearest node_modules up). */
export function closureOf(packages: Record<string, LockEntry>, start: string): string[] {
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

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} B`;
}
