// The MSM kernels of stdlib/kernels/msm.cwl, built as CWIR until the front end compiles `.cwl` kernels.
// GPU-friendly bucket method (ICICLE-style): the host splits scalars into c-bit windows and sorts
// (window, digit) entries by bucket; kernels then
//   msm_gather        entry e → Jacobian copy of its point,
//   msm_reduce_round  segmented tree reduction inside each bucket (one launch per round, stride s),
//   msm_bucket_sums   bucket b → its reduced sum (or the identity),
//   msm_window_sums   window w → Σ_d d·B_{w,d} by the running-sum trick (2^c − 1 buckets, static loop),
//   msm_combine       Σ_w 2^(c·w)·S_w (one invocation; W windows, c doublings each).
// Points are affine (x, y) pairs and Jacobian (X, Y, Z) triples of Fq limbs in Montgomery form.
import { Builder, Module, T, type Value } from "../../compiler/ir/index.ts";
import { type Jac, jacAdd, jacDouble } from "./curve.ts";

export const MSM_WORKGROUP = 64;

export interface MsmShape {
  /** Window bits. */
  c: number;
  /** Number of windows (⌈254 / c⌉ for BN254 scalars). */
  windows: number;
}

export function msmShape(c: number, scalarBits = 254): MsmShape {
  return { c, windows: Math.ceil(scalarBits / c) };
}

export function msmKernels(fieldName: string, modulus: bigint, shape: MsmShape, module: Module = new Module()): Module {
  if (!module.field(fieldName)) module.addField(fieldName, modulus);
  const F = T.field(fieldName);
  const MF = T.mem(F);
  const MU = T.mem(T.i32);
  const b = new Builder(module);
  const wg = { workgroup: [BigInt(MSM_WORKGROUP), 1n, 1n] };
  const rw = { access: "read_write" };
  const nb = (1 << shape.c) - 1;
  const c = (x: number) => b.i.const(x);
  const loadJ = (buf: Value, e: Value): Jac => {
    const base = b.i.mul(e, c(3));
    return [b.mem.load(buf, base), b.mem.load(buf, b.i.add(base, c(1))), b.mem.load(buf, b.i.add(base, c(2)))];
  };
  const storeJ = (buf: Value, e: Value, p: Jac) => {
    const base = b.i.mul(e, c(3));
    p.forEach((v, k) => b.mem.store(buf, k ? b.i.add(base, c(k)) : base, v));
  };
  const identity = (): Jac => [b.f.const(1n, F), b.f.const(1n, F), b.f.const(0n, F)];

  {
    const fn = b.func("kernel", "msm_gather", [{ type: MF, name: "pts" }, { type: MU, name: "idx" }, { type: MF, name: "acc", attrs: rw }], [], wg);
    const [pts, idx, acc] = fn.args;
    const e = b.k.globalId();
    const p2 = b.i.mul(b.mem.load(idx, e), c(2));
    storeJ(acc, e, [b.mem.load(pts, p2), b.mem.load(pts, b.i.add(p2, c(1))), b.f.const(1n, F)]);
    b.cf.return([]);
  }
  {
    const fn = b.func("kernel", "msm_reduce_round", [{ type: MF, name: "acc", attrs: rw }, { type: MU, name: "pos" }, { type: MU, name: "len" }, { type: T.i32, name: "s" }], [], wg);
    const [acc, pos, len, s] = fn.args;
    const e = b.k.globalId();
    const p = b.mem.load(pos, e);
    const head = b.i.cmp("eq", b.i.remu(p, b.i.shl(s, c(1))), c(0));
    const inSeg = b.i.cmp("ult", b.i.add(p, s), b.mem.load(len, e));
    b.cf.if(b.i.and(head, inSeg), [], () => {
      storeJ(acc, e, jacAdd(b, F, loadJ(acc, e), loadJ(acc, b.i.add(e, s))));
      return [];
    });
    b.cf.return([]);
  }
  {
    const fn = b.func("kernel", "msm_bucket_sums", [{ type: MF, name: "acc" }, { type: MU, name: "start" }, { type: MU, name: "cnt" }, { type: MF, name: "sums", attrs: rw }], [], wg);
    const [acc, start, cnt, sums] = fn.args;
    const bk = b.k.globalId();
    const has = b.i.cmp("ne", b.mem.load(cnt, bk), c(0));
    const r = b.cf.if(has, [F, F, F], () => loadJ(acc, b.mem.load(start, bk)), identity);
    storeJ(sums, bk, [r[0], r[1], r[2]]);
    b.cf.return([]);
  }
  {
    const fn = b.func("kernel", "msm_window_sums", [{ type: MF, name: "sums" }, { type: MF, name: "wsum", attrs: rw }], [], wg);
    const [sums, wsum] = fn.args;
    const w = b.k.globalId();
    const first = b.i.mul(w, c(nb));
    const id = identity();
    const r = b.cf.for(0, nb, [...id, ...identity()], (k, cur) => {
      const bk = b.i.add(first, b.i.sub(c(nb - 1), k));
      const running = jacAdd(b, F, [cur[0], cur[1], cur[2]], loadJ(sums, bk));
      const total = jacAdd(b, F, [cur[3], cur[4], cur[5]], running);
      return [...running, ...total];
    });
    storeJ(wsum, w, [r[3], r[4], r[5]]);
    b.cf.return([]);
  }
  {
    const fn = b.func("kernel", "msm_combine", [{ type: MF, name: "wsum" }, { type: MF, name: "out", attrs: rw }], [], { workgroup: [1n, 1n, 1n] });
    const [wsum, out] = fn.args;
    const r = b.cf.for(0, shape.windows, identity(), (k, acc) => {
      const d = b.cf.for(0, shape.c, acc, (_j, p) => jacDouble(b, F, [p[0], p[1], p[2]]));
      return jacAdd(b, F, [d[0], d[1], d[2]], loadJ(wsum, b.i.sub(c(shape.windows - 1), k)));
    });
    storeJ(out, b.k.globalId(), [r[0], r[1], r[2]]);
    b.cf.return([]);
  }
  return module;
}
