// numpy's argsort(kind="quicksort") for object arrays (npy_aquicksort), whose order of tied keys pandas' sort_values inherits.

const SMALL_QUICKSORT = 16;

/**
 * The permutation numpy.argsort(values, kind="quicksort") returns for an array of Python objects: introsort with a
 * median-of-3 pivot and insertion sort below 17 elements, comparing with `less`. Unlike Array.prototype.sort it is
 * not stable, and OBP's OpenBanditDataset sorts its rows with it (pandas sort_values on the timestamp strings): rows
 * with the same timestamp come out in numpy's order, which the bootstrap's resampling by index sees. Heapsort, numpy's
 * fallback after 2·log2(n) levels, is not needed for the near-sorted inputs here and throws instead.
 */
export function numpyObjectArgsort<T>(values: readonly T[], less: (a: T, b: T) => boolean): number[] {
  const tosort = values.map((_, i) => i);
  const lt = (i: number, j: number) => less(values[tosort[i]!]!, values[tosort[j]!]!);
  const swap = (i: number, j: number) => ([tosort[i], tosort[j]] = [tosort[j]!, tosort[i]!]);
  const stack: Array<[number, number, number]> = [];
  let pl = 0;
  let pr = values.length - 1;
  let cdepth = values.length > 0 ? 2 * Math.floor(Math.log2(values.length)) : 0;
  for (;;) {
    if (cdepth < 0) throw new Error("numpyObjectArgsort: numpy would switch to heapsort here, which is not reproduced");
    while (pr - pl > SMALL_QUICKSORT) {
      const pm = pl + ((pr - pl) >> 1);
      if (lt(pm, pl)) swap(pm, pl);
      if (lt(pr, pm)) swap(pr, pm);
      if (lt(pm, pl)) swap(pm, pl);
      const vp = values[tosort[pm]!]!;
      let pi = pl;
      let pj = pr - 1;
      swap(pm, pj);
      for (;;) {
        do ++pi;
        while (less(values[tosort[pi]!]!, vp) && pi < pj);
        do --pj;
        while (less(vp, values[tosort[pj]!]!) && pj > pl);
        if (pi >= pj) break;
        swap(pi, pj);
      }
      swap(pi, pr - 1);
      // The larger side waits on the stack, the smaller one is sorted next.
      if (pi - pl < pr - pi) {
        stack.push([pi + 1, pr, --cdepth]);
        pr = pi - 1;
      } else {
        stack.push([pl, pi - 1, --cdepth]);
        pl = pi + 1;
      }
    }
    for (let i = pl + 1; i <= pr; i++) {
      const vi = tosort[i]!;
      let j = i;
      while (j > pl && less(values[vi]!, values[tosort[j - 1]!]!)) {
        tosort[j] = tosort[j - 1]!;
        j--;
      }
      tosort[j] = vi;
    }
    const next = stack.pop();
    if (!next) break;
    [pl, pr, cdepth] = next;
  }
  return tosort;
}
