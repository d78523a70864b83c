// numpy's legacy RandomState integers (MT19937 + masked rejection), so a bootstrap seeded like the Open Bandit Pipeline's draws the same indices.

/**
 * `new NumpyRandomState(seed).randint(n)` returns what `numpy.random.RandomState(seed).randint(0, n)` does, draw for
 * draw (RandomState.choice(a, size) with replacement is randint(0, len(a), size)): the Mersenne Twister seeded with
 * init_genrand (numpy's mt19937_seed), and for n ≤ 2³² a 32-bit output masked to the smallest 2^k − 1 ≥ n − 1,
 * rejected while above n − 1 (numpy keeps this masked method in RandomState for backward compatibility).
 * Only for reproducing published numbers: production randomness is random.ts.
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError("seed must be an integer in [0, 2^32)");
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 · prev + i mod 2^32, without losing bits to float multiplication.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** genrand_int32: the next 32-bit output. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** An integer in [0, n), as RandomState.randint(0, n) draws it. */
  randint(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new RangeError("n must be an integer in [1, 2^32]");
    const max = n - 1;
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    if (max === 0xffffffff) return this.nextUint32();
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}
