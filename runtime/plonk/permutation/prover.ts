// Grand products of the permutation argument, one per chunk of equality columns. z_0 starts at 1,
// each later chunk starts where the previous ended (row `usable`), and the last one must end at 1
// when every copy constraint holds. Rows after `usable` are random (blinding).
import { R, batchInvert } from "../../poly/fr.ts";
import { deltaPow } from "../constraints.ts";

export function permutationProducts(
  chunks: readonly (readonly bigint[][])[],
  sigmaChunks: readonly (readonly bigint[][])[],
  firstColumn: readonly number[],
  omegas: readonly bigint[],
  usable: number,
  beta: bigint,
  gamma: bigint,
  random: () => bigint,
): bigint[][] {
  const n = omegas.length;
  const zs: bigint[][] = [];
  let start = 1n;
  chunks.forEach((values, j) => {
    const num = new Array<bigint>(usable).fill(1n);
    const den = new Array<bigint>(usable).fill(1n);
    values.forEach((v, ci) => {
      const sigma = sigmaChunks[j][ci];
      const bd = (beta * deltaPow(firstColumn[j] + ci)) % R;
      for (let r = 0; r < usable; r++) {
        num[r] = (num[r] * ((v[r] + bd * omegas[r] + gamma) % R)) % R;
        den[r] = (den[r] * ((v[r] + beta * sigma[r] + gamma) % R)) % R;
      }
    });
    batchInvert(den);
    const z = new Array<bigint>(n);
    z[0] = start;
    for (let r = 0; r < usable; r++) z[r + 1] = (((z[r] * num[r]) % R) * den[r]) % R;
    start = z[usable];
    for (let r = usable + 1; r < n; r++) z[r] = random();
    zs.push(z);
  });
  return zs;
}
