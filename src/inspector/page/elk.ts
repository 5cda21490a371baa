/**
 * elkjs, loaded on first use: evaluating its bundled build takes about half a
 * second, which must not stand between navigation and the first pod list.
 * esbuild bundles the dynamic import in place (no separate request).
 */
import type { ELK } from 'elkjs/lib/elk-api.js';

let instance: Promise<ELK> | null = null;

/** The page's one ELK instance (it runs in the page's thread: elk.bundled.js needs no worker file). */
export function getElk(): Promise<ELK> {
  instance ??= import('elkjs/lib/elk.bundled.js').then(({ default: ElkConstructor }) => new ElkConstructor());
  return instance;
}
