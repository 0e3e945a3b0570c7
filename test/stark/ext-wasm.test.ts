// The extension-field loops in WebAssembly (runtime/stark/ext-wasm.ts) against the TypeScript ones and
// a BigInt product, on random elements and the edge values (0, 1, p − 1, …) in every coefficient, so
// that the prover's bytes cannot depend on which path ran.
import { describe, it, expect } from "vitest";
import { mulberry32 } from "../../base/prng/index.ts";
import * as F from "../../runtime/stark/field.ts";
import { wasmExtAxpy, wasmExtBatchInv, wasmExtMulCols, wasmExtPowers } from "../../runtime/stark/ext-wasm.ts";
import { LinearCombiner, extMulColsTs, modP } from "../../runtime/stark/vec.ts";
import { encodeProof, keygen, prove, verify } from "../../runtime/stark/index.ts";
import { syntheticAir, syntheticTrace } from "../../runtime/stark/workload.ts";

const rnd = mulberry32(99);
const edge = [0, 1, 2, F.P - 1, F.P - 2, (F.P - 1) / 2, 1 << 30, 65535, 65536];
const rf = (i: number) => (i % 5 === 0 ? edge[Math.floor(rnd() * edge.length)] : Math.floor(rnd() * F.P));
const cols = (n: number, nonzero = false): Uint32Array[] => {
  const c = [0, 1, 2, 3].map(() => Uint32Array.from({ length: n }, (_, i) => rf(i)));
  if (nonzero) for (let i = 0; i < n; i++) if (c.every((x) => x[i] === 0)) c[0][i] = 1;
  return c;
};
const at = (c: Uint32Array[], i: number): F.Ext => [c[0][i], c[1][i], c[2][i], c[3][i]];

// X^4 = 11 schoolbook in BigInt: independent of both implementations
function refMul(a: F.Ext, b: F.Ext): F.Ext {
  const p = BigInt(F.P);
  const t = new Array<bigint>(7).fill(0n);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) t[i + j] += BigInt(a[i]) * BigInt(b[j]);
  return [0, 1, 2, 3].map((i) => Number((t[i] + (i < 3 ? 11n * t[i + 4] : 0n)) % p)) as F.Ext;
}

describe("extension arithmetic in WebAssembly", () => {
  const n = 1000;

  it("products of columns equal the TypeScript loop and BigInt", () => {
    const a = cols(n);
    const b = cols(n);
    // the edge values in every pairing of coefficients
    for (let i = 0; i < edge.length; i++) for (let j = 0; j < 4; j++) a[j][i] = b[3 - j][i] = edge[i];
    const w = wasmExtMulCols(a, b);
    expect(w).not.toBeNull();
    expect(w).toEqual(extMulColsTs(a, b));
    for (let i = 0; i < n; i += 37) expect(at(w!, i)).toEqual(refMul(at(a, i), at(b, i)));
    for (let i = 0; i < n; i++) expect(at(w!, i)).toEqual(F.emul(at(a, i), at(b, i)));
  });

  it("batch inversion equals field.ts's, and each result times its input is one", () => {
    const c = cols(n, true);
    const ts = c.map((x) => x.slice());
    F.eBatchInvCols(ts);
    const w = c.map((x) => x.slice());
    expect(wasmExtBatchInv(w)).toBe(true);
    expect(w).toEqual(ts);
    for (let i = 0; i < n; i += 11) expect(refMul(at(w, i), at(c, i))).toEqual([1, 0, 0, 0]);
  });

  it("batch inversion refuses a zero element", () => {
    const c = cols(n, true);
    for (let j = 0; j < 4; j++) c[j][500] = 0;
    expect(() => wasmExtBatchInv(c)).toThrow(/inverse of zero/);
  });

  it("powers of a point", () => {
    const z: F.Ext = [F.P - 1, 12345, 0, 987654321];
    const w = wasmExtPowers(z, n)!;
    let x: F.Ext = [1, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      expect(at(w, i)).toEqual(x);
      x = refMul(x, z);
    }
  });

  it("o += e·a (FRI folding) equals the scalar field code", () => {
    const a = cols(n);
    const o = cols(n);
    const e: F.Ext = [F.P - 1, 3, F.P - 2, 65536];
    const want = Array.from({ length: n }, (_, i) => F.eadd(at(o, i), refMul(e, at(a, i))));
    expect(wasmExtAxpy(e, a, o)).toBe(true);
    for (let i = 0; i < n; i++) expect(at(o, i)).toEqual(want[i]);
  });

  it("small sizes stay on the TypeScript path", () => {
    expect(wasmExtMulCols(cols(8), cols(8))).toBeNull();
  });

  it("a proof is byte-identical with the WASM loops off (CWL_STARK_WASM=0) and on", () => {
    const params = { logBlowup: 2, numQueries: 8, powBits: 2, logFinalLen: 2 };
    const { pk, vk } = keygen(syntheticAir(12), { params });
    const trace = syntheticTrace(12, 1 << 9);
    const saved = process.env.CWL_STARK_WASM;
    process.env.CWL_STARK_WASM = "0";
    let ts: Uint8Array;
    try {
      ts = encodeProof(prove(pk, [trace], []));
    } finally {
      if (saved === undefined) delete process.env.CWL_STARK_WASM;
      else process.env.CWL_STARK_WASM = saved;
    }
    const proof = prove(pk, [trace], []);
    expect(encodeProof(proof)).toEqual(ts);
    expect(verify(vk, proof, [])).toEqual({ ok: true });
  });
});

describe("reductions of double sums (vec.ts)", () => {
  it("modP equals BigInt's remainder up to 2^53, at multiples of p ± 1 and at random", () => {
    const p = BigInt(F.P);
    const xs: number[] = [0, 1, F.P - 1, F.P, F.P + 1, 2 ** 53 - 1, 2 ** 53 - 2, 2 ** 47, 2 ** 31];
    for (const q of [1, 2, 3, 1 << 20, (1 << 22) - 1, Math.floor((2 ** 53 - 1) / F.P)]) for (const d of [-1, 0, 1]) xs.push(q * F.P + d);
    for (let i = 0; i < 20000; i++) xs.push(Math.floor(rnd() * 2 ** 53));
    for (const x of xs) expect(modP(x)).toBe(Number(BigInt(x) % p));
  });

  it("LinearCombiner's sums equal scalar products over 40 columns (past its 31-column reduction)", () => {
    const m = 64;
    const cs = Array.from({ length: 40 }, () => Uint32Array.from({ length: m }, (_, i) => rf(i)));
    const es = cs.map((_, k) => [F.P - 1 - k, rf(k), 65535, rf(k + 1)] as F.Ext);
    const comb = new LinearCombiner(m);
    cs.forEach((c, k) => comb.add(es[k], c));
    const out = [0, 1, 2, 3].map(() => new Uint32Array(m));
    comb.addInto(out);
    for (let i = 0; i < m; i++) {
      let want: F.Ext = [0, 0, 0, 0];
      cs.forEach((c, k) => (want = F.eadd(want, F.escale(es[k], c[i]))));
      expect(at(out, i)).toEqual(want);
    }
  });
});

