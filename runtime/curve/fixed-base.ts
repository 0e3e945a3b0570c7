// Many multiples s_i·B of one base point (an SRS from a known τ, a Lagrange basis), on the calling thread.
// A table holds d·2^(c·w)·B for every window w and signed digit magnitude d ≤ 2^(c−1) (affine, packed;
// c = 8 for many scalars, narrower for few, where building the table would dominate);
// each scalar's signed digits pick one table point per window, and each output is the sum of its picks,
// formed in rounds of independent affine additions sharing one inversion (g1_batch_add, as the MSM's
// buckets are). About 254/c additions of ≈ 6 multiplications per scalar.
import { BN254_FQ, BN254_FR, writeLimbs, type WasmInstance } from "../field/index.ts";
import { G1, type G1Affine, type G1Jacobian } from "./g1.ts";
import { packG1, type PackedG1 } from "./msm.ts";
import { recodeScalar } from "./msm-task.ts";
import { bn254Instance } from "./wasm/modules.ts";

const CHUNK = 1 << 12;

/** Window width by the number of scalars: the table (2^(c−1)·254/c points, BigInt) against 254/c additions each. */
function widthFor(n: number): number {
  return n <= 1 << 9 ? 4 : n <= 1 << 12 ? 6 : 8;
}

let instance: WasmInstance | undefined;
const tables = new Map<string, Uint32Array>();

/** d·2^(C·w)·B for w < WINDOWS, 1 ≤ d ≤ HALF, packed (WINDOWS × HALF points). */
function tableFor(base: G1Affine, C: number): Uint32Array {
  const HALF = 1 << (C - 1);
  const WINDOWS = Math.floor(254 / C) + 1;
  const key = `${C}:${base.x}:${base.y}`;
  let t = tables.get(key);
  if (!t) {
    const jac: G1Jacobian[] = [];
    let b = G1.fromAffine(base);
    for (let w = 0; w < WINDOWS; w++) {
      let acc = b;
      for (let d = 1; d <= HALF; d++) {
        jac.push(acc);
        acc = G1.add(acc, b);
      }
      for (let i = 0; i < C; i++) b = G1.double(b);
    }
    // One inversion for all (no table point is the identity: every multiple is below the group order).
    const zi = BN254_FQ.batchInverse(jac.map((p) => p.Z));
    const aff = jac.map((p, i) => {
      const z2 = BN254_FQ.square(zi[i]);
      return { x: BN254_FQ.mul(p.X, z2), y: BN254_FQ.mul(p.Y, BN254_FQ.mul(z2, zi[i])), infinity: false };
    });
    t = packG1(aff).data;
    tables.set(key, t);
  }
  return t;
}

/** s_i·base for every scalar (reduced mod r), packed as packG1 packs points. */
export function fixedBaseMul(base: G1Affine, scalars: readonly bigint[]): PackedG1 {
  const n = scalars.length;
  const data = new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 64)).subarray(0, n * 16);
  if (n === 0 || base.infinity) return { n, data };
  const C = widthFor(n);
  const HALF = 1 << (C - 1);
  const WINDOWS = Math.floor(254 / C) + 1;
  const table = tableFor(base, C);
  const w = (instance ??= bn254Instance());
  const ex = w.exports;
  const words = new Uint32Array(8);
  const digits = new Int32Array(WINDOWS * CHUNK);
  const entries = new Int32Array(CHUNK * (WINDOWS + 1));
  const len = new Int32Array(CHUNK);
  for (let s = 0; s < n; s += CHUNK) {
    const m = Math.min(CHUNK, n - s);
    w.reset();
    const tp = w.put(table);
    const tEnd = tp + table.length * 4;
    const out = w.alloc(m * 64);
    w.u32(out, m * 16).fill(0);
    // Round one pairs picks two by two (the output slot takes one): at most WINDOWS / 2 fresh slots per scalar.
    const slots = w.alloc(m * (Math.ceil(WINDOWS / 2) + 1) * 64);
    const maxOps = m * (Math.ceil(WINDOWS / 2) + 1);
    const opsPtr = w.alloc(maxOps * 12);
    const scratch = w.alloc(maxOps * 65);
    for (let i = 0; i < m; i++) {
      words.fill(0);
      writeLimbs(words, 0, 8, BN254_FR.fromBigint(scalars[s + i]));
      recodeScalar(words, 0, 8, C, WINDOWS, digits, i, CHUNK);
      const e = i * (WINDOWS + 1);
      entries[e] = out + i * 64; // the output starts as the identity
      let L = 1;
      for (let win = 0; win < WINDOWS; win++) {
        const d = digits[win * CHUNK + i];
        if (d !== 0) entries[e + L++] = (tp + (win * HALF + (d < 0 ? -d : d) - 1) * 64) | (d < 0 ? 1 : 0);
      }
      len[i] = L;
    }
    let slotTop = 0;
    for (;;) {
      const ops = w.i32(opsPtr, maxOps * 3);
      let nops = 0;
      for (let i = 0; i < m; i++) {
        const L = len[i];
        if (L < 2) continue;
        const e = i * (WINDOWS + 1);
        let nl = 0;
        for (let j = 0; j + 1 < L; j += 2) {
          const a = entries[e + j];
          const pa = a & ~1;
          const dst = pa >= tp && pa < tEnd ? slots + 64 * slotTop++ : pa;
          ops[3 * nops] = dst;
          ops[3 * nops + 1] = a;
          ops[3 * nops + 2] = entries[e + j + 1];
          nops++;
          entries[e + nl++] = dst;
        }
        if (L & 1) entries[e + nl++] = entries[e + L - 1];
        len[i] = nl;
      }
      if (nops === 0) break;
      ex.g1_batch_add(opsPtr, nops, scratch);
    }
    data.set(w.u32(out, m * 16), s * 16);
  }
  return { n, data };
}
