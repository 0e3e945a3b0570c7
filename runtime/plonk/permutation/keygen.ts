// Builds the σ permutation from copy constraints with halo2's cycle-merging assembly: every cell
// starts in its own cycle; a copy merges the smaller cycle into the larger and swaps two mapping
// entries, so each cycle ends up as one orbit of σ.
import type { Circuit } from "../cs.ts";
import { sameColumn } from "../cs.ts";
import { deltaPow } from "../constraints.ts";
import { mul } from "../../poly/fr.ts";

export class PermutationError extends Error {}

/** σ values per equality column per row: δ^{c'}·ω^{r'} where (c', r') is the next cell in the cycle. */
export function buildSigmaValues(circuit: Circuit, n: number, usable: number, omega: bigint): bigint[][] {
  const m = circuit.equality.length;
  const mapping = new Int32Array(m * n);
  const aux = new Int32Array(m * n);
  const sizes = new Int32Array(m * n).fill(1);
  for (let i = 0; i < m * n; i++) mapping[i] = aux[i] = i;
  const cellIndex = (col: { kind: string; index: number }, row: number, what: string) => {
    const c = circuit.equality.findIndex((e) => sameColumn(e, col as never));
    if (c < 0) throw new PermutationError(`${what}: column is not equality-enabled`);
    if (row < 0 || row >= usable) throw new PermutationError(`${what}: row ${row} is outside the ${usable} usable rows`);
    return c * n + row;
  };
  for (const cp of circuit.copies) {
    const what = `copy constraint${cp.name ? ` "${cp.name}"` : ""}`;
    let a = cellIndex(cp.a.column, cp.a.row, what);
    let b = cellIndex(cp.b.column, cp.b.row, what);
    let left = aux[a];
    let right = aux[b];
    if (left === right) continue;
    if (sizes[left] < sizes[right]) {
      [left, right] = [right, left];
      [a, b] = [b, a];
    }
    sizes[left] += sizes[right];
    let i = right;
    do {
      aux[i] = left;
      i = mapping[i];
    } while (i !== right);
    const t = mapping[a];
    mapping[a] = mapping[b];
    mapping[b] = t;
  }
  const omegas = new Array<bigint>(n);
  let w = 1n;
  for (let r = 0; r < n; r++) {
    omegas[r] = w;
    w = mul(w, omega);
  }
  const deltas = Array.from({ length: m }, (_, c) => deltaPow(c));
  const out: bigint[][] = [];
  for (let c = 0; c < m; c++) {
    const col = new Array<bigint>(n);
    for (let r = 0; r < n; r++) {
      const t = mapping[c * n + r];
      col[r] = mul(deltas[Math.floor(t / n)], omegas[t % n]);
    }
    out.push(col);
  }
  return out;
}

