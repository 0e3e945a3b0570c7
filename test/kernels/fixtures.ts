// Builder-made kernels that exercise every lowered op; the same CWIR runs on all three targets.
import { Builder, Module, T, type Value } from "../../compiler/ir/index.ts";
import { BN254_FQ, BN254_FR } from "../../runtime/field/index.ts";
import { G1, type G1Affine } from "../../runtime/curve/index.ts";
import { bn254 } from "@noble/curves/bn254.js";
import { pippenger } from "@noble/curves/abstract/curve.js";

export const POW_EXP = 0x1234567890abcdefn;

/**
 * `fieldops(a, b, out, flags, n)`: per i < n, out[8i..8i+7] = a+b, a−b, a·b, −a, 1/a, a^POW_EXP, a·i + 7, select(a==b, a, b)·(a/b);
 * flags[i] = (a == b) | (Σ_{j<5} (i + j) as field == a? 2 : 0) — the loop exercises carried values.
 */
export function fieldOpsModule(fieldName: "bn254_fr" | "bn254_fq" = "bn254_fr"): Module {
  const m = new Module();
  m.addField(fieldName, fieldName === "bn254_fr" ? BN254_FR.p : BN254_FQ.p);
  const F = T.field(fieldName);
  const b = new Builder(m);
  const fn = b.func(
    "kernel",
    "fieldops",
    [
      { type: T.mem(F), name: "a" },
      { type: T.mem(F), name: "b" },
      { type: T.mem(F), name: "out", attrs: { access: "read_write" } },
      { type: T.mem(T.i32), name: "flags", attrs: { access: "read_write" } },
    ],
    [],
    { workgroup: [64n, 1n, 1n] },
  );
  const [A, B, OUT, FLAGS] = fn.args;
  const i = b.k.globalId();
  const x = b.mem.load(A, i);
  const y = b.mem.load(B, i);
  const base = b.i.mul(i, b.i.const(8));
  const put = (k: number, v: Value) => b.mem.store(OUT, b.i.add(base, b.i.const(k)), v);
  put(0, b.f.add(x, y));
  put(1, b.f.sub(x, y));
  put(2, b.f.mul(x, y));
  put(3, b.f.neg(x));
  put(4, b.f.inv(x));
  put(5, b.f.pow(x, POW_EXP));
  put(6, b.f.add(b.f.mul(x, b.i.toF(i, F)), b.f.const(7n, F)));
  const eq = b.f.eq(x, y);
  put(7, b.f.mul(b.f.select(eq, x, y), b.f.div(x, y)));
  const [acc] = b.cf.for(0, 5, [b.f.const(0n, F)], (j, [s]) => [b.f.add(s, b.i.toF(b.i.add(i, j), F))]);
  const [hit] = b.cf.if(b.f.eq(acc, x), [T.i32], () => [b.i.const(2)], () => [b.i.const(0)]);
  b.mem.store(FLAGS, i, b.i.or(b.i.zext(eq, T.i32), hit));
  b.cf.return([]);
  return m;
}

/** BigInt expectation for fieldops (canonical values; inv(0) = 0 as in every kernel library). */
export function fieldOpsExpected(F: typeof BN254_FR, a: bigint[], b: bigint[]): { out: bigint[]; flags: number[] } {
  const out: bigint[] = [];
  const flags: number[] = [];
  const inv = (x: bigint) => (x === 0n ? 0n : F.inv(x));
  a.forEach((x, i) => {
    const y = b[i];
    const eq = x === y;
    out.push(F.add(x, y), F.sub(x, y), F.mul(x, y), F.neg(x), inv(x), F.pow(x, POW_EXP), F.add(F.mul(x, BigInt(i)), 7n), F.mul(eq ? x : y, F.mul(x, inv(y))));
    let s = 0n;
    for (let j = 0; j < 5; j++) s = F.add(s, BigInt(i + j));
    flags.push((eq ? 1 : 0) | (s === x ? 2 : 0));
  });
  return { out, flags };
}

/** Inputs with the edge cases: 0, 1, p−1, equal pairs, a value the loop sum hits, and random values. */
export function fieldOpsInputs(F: typeof BN254_FR, n: number): { a: bigint[]; b: bigint[] } {
  const a: bigint[] = [];
  const b: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const special = [0n, 1n, F.p - 1n, (1n << 255n) % F.p, BigInt(5 * i + 10)];
    a.push(i < special.length ? special[i] : F.random());
    b.push(i === 1 || i === 2 ? a[i] : i === 3 ? 0n : F.random());
  }
  return { a, b };
}

/**
 * n ≥ 8 consecutive points with the MSM edge cases every target must get right: a zero scalar, the point at
 * infinity, r − 1, scalar 1, and equal scalars on equal (P + P) and opposite (P + (−P)) points, which the
 * mixed add meets inside a chunk. `expected` is @noble/curves' pippenger over the finite points.
 */
export function msmEdgeCase(n: number): { points: G1Affine[]; scalars: bigint[]; expected: G1Affine } {
  const points: G1Affine[] = [];
  let p = G1.fromAffine(G1.mulAffine(G1.generator, BN254_FR.random()));
  for (let i = 0; i < n; i++) {
    points.push(G1.toAffine(p));
    p = G1.add(p, G1.fromAffine(G1.generator));
  }
  points[1] = G1.infinityAffine;
  points[4] = points[3];
  points[7] = G1.negAffine(points[6]);
  const scalars = points.map((_, i) => (i === 0 ? 0n : i === 2 ? BN254_FR.p - 1n : i === 5 ? 1n : BN254_FR.random()));
  scalars[4] = scalars[3];
  scalars[7] = scalars[6];
  const live = points.flatMap((q, i) => (q.infinity ? [] : [i]));
  const exp = pippenger(bn254.G1.Point, live.map((i) => G1.toNoble(points[i])), live.map((i) => scalars[i]));
  return { points, scalars, expected: G1.fromNoble(exp) };
}
