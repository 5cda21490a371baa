/**
 * Bounds on JSON a pod parses, stores and sends. `JSON.parse` is iterative in
 * V8 and takes any depth, but `JSON.stringify` recurses and throws a
 * `RangeError` on a value nested a few thousand levels deep: so what a pod
 * keeps is measured here, without recursion, before it is kept.
 */

/**
 * Whether parsed JSON nests arrays and objects deeper than `maxDepth` (a
 * scalar is depth 0, `{}` and `[]` depth 1). Iterative: any depth is measured
 * without growing the call stack.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (maxDepth < 1) return true;
  // The usual params (a notify's message and flag) hold only scalars: decided without allocating.
  if (!holdsObject(value)) return false;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) {
        const child: unknown = node[i];
        if (typeof child !== 'object' || child === null) continue;
        if (depth >= maxDepth) return true;
        nodes.push(child);
        depths.push(depth + 1);
      }
      continue;
    }
    // for…in, not Object.values: no array per object on the notify path.
    for (const key in node) {
      const child = (node as Record<string, unknown>)[key];
      if (typeof child !== 'object' || child === null) continue;
      if (depth >= maxDepth) return true;
      nodes.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}

function holdsObject(node: object): boolean {
  if (Array.isArray(node)) return node.some((child) => typeof child === 'object' && child !== null);
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) return true;
  }
  return false;
}

/** The JSON of `value`, or `undefined` when it cannot be encoded (a cycle, a BigInt, too deep, a throwing `toJSON`). */
export function tryStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
