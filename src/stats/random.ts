// Randomness as a value: policies take an Rng, so tests and the simulator seed it and production uses crypto.
/** Returns a float in [0, 1). */
export type Rng = () => number;
