// Randomness as a value: policies take an Rng, so tests and the simulator seed it and production uses crypto.
/** Returns a float in [0, 1). */
export type Rng = () => number;

const TWO_POW_53 = 2 ** 53;

/**
 * A reproducible Rng: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, from PractRand),
 * seeded through cyrb128 (bryc's 128-bit string hash; github.com/bryc/code, jshash/PRNGs.md, whose example pairs
 * the two). Numbers are hashed as their decimal string, so seededRng(42) equals seededRng("42"). Each float takes
 * two 32-bit outputs, giving the same 53-bit resolution as cryptoRng, so seeded runs see the same fine-grained
 * tails (u near 0) as production does.
 */
export function seededRng(seed: number | string): Rng {
  let [a, b, c, d] = cyrb128(String(seed));
  const next32 = (): number => {
    // sfc32 step: a 32-bit counter (d) guarantees a period of at least 2^32; the rest is chaotic mixing.
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  // Warm up: the first outputs from a fresh state are still close to the seed's structure (PractRand seeds sfc32 the same way).
  for (let i = 0; i < 15; i++) next32();
  return () => to53BitFloat(next32(), next32());
}

/**
 * Production randomness from the platform CSPRNG. Callers make one per decision, so the words come from a pool
 * shared by every instance in the isolate, refilled 512 at a time: one getRandomValues call (a crossing into the
 * runtime) serves a few decisions instead of each decision paying for a fresh block. Each word is used once.
 */
export function cryptoRng(): Rng {
  return () => to53BitFloat(nextCryptoWord(), nextCryptoWord());
}

const cryptoPool = new Uint32Array(512);
let cryptoNext = cryptoPool.length;

function nextCryptoWord(): number {
  if (cryptoNext === cryptoPool.length) {
    crypto.getRandomValues(cryptoPool);
    cryptoNext = 0;
  }
  return cryptoPool[cryptoNext++]!;
}

/** 27 high bits of one word and 26 of the other make a uniform multiple of 2^-53 in [0, 1) (the method of Java's nextDouble). */
function to53BitFloat(hi: number, lo: number): number {
  return ((hi >>> 5) * 2 ** 26 + (lo >>> 6)) / TWO_POW_53;
}

/** cyrb128: four 32-bit words from a string, each lane a multiply-xor chain with its own constants. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
