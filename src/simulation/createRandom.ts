/** A seeded source of randomness: the same seed always gives the same sequence. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A key chosen with probability proportional to its (non-negative) weight; `undefined` when all are 0. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K | undefined;
}

/**
 * sfc32 seeded through splitmix32: small, fast and good enough for
 * simulations (not for secrets). No `Math.random`, so runs replay exactly.
 */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i += 1) next();
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(items.length)] as T;
    },
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K | undefined => {
      const keys = Object.keys(weights) as K[];
      let total = 0;
      for (const key of keys) total += Math.max(0, weights[key]);
      if (total <= 0) return undefined;
      let roll = next() * total;
      for (const key of keys) {
        roll -= Math.max(0, weights[key]);
        if (roll < 0) return key;
      }
      return keys[keys.length - 1];
    },
  };
}
