// The seed's only source of randomness. Math.random would make two runs differ; this one is a
// pure function of its seed, identical on every machine and Node version.

/** Mixes numbers into one 32-bit value (murmur3 finaliser), to derive independent streams. */
export function hash32(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // Numbers past 2^32 (large seeds) also mix in their high bits.
    const high = Math.floor(part / 4294967296);
    if (high !== 0) h = Math.imul(h ^ (high >>> 0), 0x85ebca6b);
    h = Math.imul(h ^ (part >>> 0), 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Same hash for a label, so each part of the seed (users, tickets, ...) draws from its own stream. */
export function labelHash(label: string): number {
  let h = 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: tiny and fast; a 2^32 period is plenty for fixtures. */
export class Random {
  private state: number;

  constructor(...seedParts: number[]) {
    this.state = hash32(...seedParts);
  }

  /** Restarts the stream; lets one instance serve many per-message draws without allocating. */
  reset(...seedParts: number[]): this {
    this.state = hash32(...seedParts);
    return this;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Exponentially distributed, for waits and gaps: mostly short, sometimes long. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Index into `weights`, each chosen with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 0x10000).toString(16).padStart(4, '0');
    return out.slice(0, length);
  }

  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += Math.floor(this.next() * 10);
    return out;
  }
}

/** Splits `total` into parts proportional to `weights` (at least one positive), summing exactly to `total`. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - parts.reduce((a, b) => a + b, 0);
  // The rounding remainder goes one by one to the parts that have a weight at all.
  for (let i = 0; left > 0; i = (i + 1) % parts.length) {
    if (weights[i] > 0) {
      parts[i]++;
      left--;
    }
  }
  return parts;
}
