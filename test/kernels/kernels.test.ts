// Kernel targets against outside references: every lowered field op (fieldops fixture), the stdlib
// NTT and the stdlib MSM (msm.cwl + curve.cwl) on WGSL (WebGPU/lavapipe) and WASM, compared with
// runtime/field BigInt arithmetic, runtime/curve's NTT and @noble/curves. HLS C simulation runs the
// same checks in hls-dataflow.test.ts (one csim build per module, shared there).
import { describe, expect, it } from "vitest";
import { Builder, Module, T, walkFunc } from "../../compiler/ir/index.ts";
import { type KernelModule, type KernelTarget, analyzeKernels } from "../../backends/kernels/index.ts";
import { packMont, unpackMont } from "../../runtime/field/index.ts";
import { emitWasm } from "../../backends/wasm/index.ts";
import { emitWgsl } from "../../backends/wgsl/index.ts";
import { BN254_FQ, BN254_FR } from "../../runtime/field/index.ts";
import { ntt } from "../../runtime/curve/index.ts";
import { kernelSource, MSM_LIMITS, msmKernels, msmShape } from "../../tooling/kernels/stdlib.ts";
import { G1, packG1, packScalars } from "../../runtime/curve/index.ts";
import { fieldOpsExpected, fieldOpsInputs, fieldOpsModule, msmEdgeCase } from "./fixtures.ts";
import { join } from "node:path";
import { compileFile, compileSource } from "../../compiler/pipeline/index.ts";
import { type KernelExecutor, type MsmOptions, nttOnExecutor, planMsm, WasmExecutor, WebGpuExecutor, openGpu, msmOnExecutor, msmChunkedOnExecutor } from "../../runtime/gpu/index.ts";

const gpu = await openGpu();
const slow = !!process.env.CWL_SLOW_KERNEL_TESTS;
const skip: Record<"wgsl" | "wasm", string | undefined> = {
  wgsl: "reason" in gpu ? gpu.reason : undefined,
  wasm: undefined,
};
for (const [t, why] of Object.entries(skip)) if (why) console.warn(`skipped: ${t} kernel tests: ${why}`);

function analyzed(m: Module, target: KernelTarget): KernelModule {
  const { km, diagnostics } = analyzeKernels(m, target);
  expect(diagnostics).toEqual([]);
  return km!;
}

async function build(m: Module, target: KernelTarget): Promise<{ ex: KernelExecutor; km: KernelModule }> {
  const km = analyzed(m, target);
  if (target === "wasm") return { ex: new WasmExecutor(emitWasm(km)), km };
  if ("reason" in gpu) throw new Error(gpu.reason);
  const ex = new WebGpuExecutor(gpu, emitWgsl(km));
  expect(await ex.compileAll()).toEqual([]);
  return { ex, km };
}

// lavapipe compiles the MSM shaders for tens of seconds on its own threads: start that (and every other
// WGSL build) now, so it overlaps the WASM tests instead of following them.
const builds = new Map<string, Promise<{ ex: KernelExecutor; km: KernelModule }>>();
function executor(m: () => Module, key: string, target: KernelTarget): Promise<{ ex: KernelExecutor; km: KernelModule }> {
  const k = `${target}:${key}`;
  let b = builds.get(k);
  if (!b) builds.set(k, (b = build(m(), target)));
  return b;
}
if (!skip.wgsl) {
  for (const [key, m] of [["msm", msmKernels], ["ntt", () => kernelSource("ntt")], ["fieldops:bn254_fr", () => fieldOpsModule("bn254_fr")]] as const)
    executor(m, key, "wgsl").catch(() => {}); // a failure is reported by the test that awaits it
}

for (const target of ["wasm", "wgsl"] as const) {
  describe.skipIf(!!skip[target])(`${target} kernels`, () => {
    // lavapipe compiles each shader for tens of seconds: WGSL runs the Fr library, csim and WASM both fields.
    for (const field of target === "wgsl" ? [BN254_FR] : [BN254_FR, BN254_FQ]) {
      it(`field ops on ${field.name} equal BigInt arithmetic (edge values and random)`, async () => {
        const { ex, km } = await executor(() => fieldOpsModule(field.name as "bn254_fr"), `fieldops:${field.name}`, target);
        const fl = km.fields.get(field.name)!;
        const n = 70; // more than one workgroup, not a multiple of it
        const { a, b } = fieldOpsInputs(field, n);
        const A = ex.alloc(n * 8);
        const B = ex.alloc(n * 8);
        const O = ex.alloc(n * 64);
        const FL = ex.alloc(n);
        ex.write(A, packMont(fl, a));
        ex.write(B, packMont(fl, b));
        ex.launch("fieldops", n, [A, B, O, FL]);
        await ex.finish();
        const exp = fieldOpsExpected(field, a, b);
        expect(unpackMont(fl, await ex.read(O))).toEqual(exp.out);
        expect(Array.from(await ex.read(FL))).toEqual(exp.flags);
        ex.dispose();
      });
    }

    it("stdlib/kernels/ntt.cwl equals runtime/curve ntt, and the inverse round-trips", async () => {
      const { ex, km } = await executor(() => kernelSource("ntt"), "ntt", target);
      const fl = km.fields.get("bn254_fr")!;
      // Suite time on 2 cores: WGSL (lavapipe) 2^4, 2^10; WASM 2^4, 2^11, 2^14; CWL_SLOW_KERNEL_TESTS=1: every size
      // 2^4..2^14 on both (csim: every size in hls-dataflow.test.ts; bench/gpu.ts: 2^16, 2^22 on request).
      const every = Array.from({ length: 11 }, (_, i) => i + 4);
      for (const logn of slow ? every : { wgsl: [4, 10], wasm: [4, 11, 14] }[target]) {
        const xs = Array.from({ length: 1 << logn }, (_, i) => (i < 3 ? [0n, 1n, BN254_FR.p - 1n][i] : BN254_FR.random()));
        const got = await nttOnExecutor(ex, fl, xs);
        expect(got).toEqual(ntt(xs));
        expect(await nttOnExecutor(ex, fl, got, { inverse: true })).toEqual(xs);
      }
      ex.dispose();
    });

    // Suite sizes (2 cores): WASM 2^4, 2^8, 2^12; WGSL 2^8 twice (lavapipe runs each size for seconds; 2^8 has
    // chunked buckets and tree rounds, the edge cases below run small launches). CWL_SLOW_KERNEL_TESTS=1:
    // 2^4, 2^8, 2^10, 2^12 on WGSL; bench/gpu.ts times WGSL 2^8 and WASM 2^12. Window segments of 1, 3, 4
    // (the default at c ≤ 8), 7 and 64 buckets (uneven last segments, one segment per window) and both
    // combinations of the window sums (host, msm_combine on the device).
    if (!slow && target === "wgsl") console.warn(`skipped: wgsl MSM 2^4, 2^10, 2^12 (minutes on a 2-core CPU; set CWL_SLOW_KERNEL_TESTS=1)`);
    const runs: [number, MsmOptions][] =
      target === "wasm"
        ? [[4, { segLen: 1, combine: "gpu" }], [8, {}], [12, { segLen: 7, combine: "gpu" }], [8, { buckets: "affine", affineBatch: 5 }], [12, { buckets: "affine" }]]
        : slow
          ? [[4, { segLen: 1, combine: "gpu" }], [8, {}], [8, { segLen: 3, combine: "gpu" }], [10, { segLen: 64 }], [12, { segLen: 7, combine: "gpu" }], [10, { buckets: "affine" }]]
          : [[8, {}], [8, { segLen: 3, combine: "gpu" }], [8, { buckets: "affine", affineBatch: 8 }]];
    it(`stdlib/kernels/msm.cwl equals @noble/curves for ${runs.map(([l, o]) => `2^${l} ${JSON.stringify(o)}`).join(", ")} (zero scalars, infinity, P + P, P − P, r−1)`, async () => {
      const { ex, km } = await executor(msmKernels, "msm", target);
      const fq = km.fields.get("bn254_fq")!;
      for (const [logn, opts] of runs) {
        // Small chunks at 2^8 so buckets span several chunks and the tree rounds run; c = 8 from 2^10.
        const shape = msmShape(logn < 10 ? 4 : 8, 254, logn === 8 ? 4 : MSM_LIMITS.chunk);
        const n = 1 << logn;
        const { points: pts, scalars: ks, expected } = msmEdgeCase(n);
        const got = await msmOnExecutor(ex, fq, shape, pts, ks, opts);
        expect(G1.eqAffine(got, expected), `2^${logn} ${JSON.stringify(opts)}`).toBe(true);
        if (target === "wasm" && logn === 8) {
          // Streaming (the 2^30 plan): three uneven chunks of points, partial sums added on the host.
          const cuts = [0, 50, 51, n];
          const chunks = cuts.slice(1).map((end, k) => ({ points: pts.slice(cuts[k], end), scalars: ks.slice(cuts[k], end) }));
          expect(G1.eqAffine(await msmChunkedOnExecutor(ex, fq, shape, chunks), got)).toBe(true);
          // Packed inputs (points as Montgomery words, scalars as standard-form words) plan to the same result.
          expect(G1.eqAffine(await msmOnExecutor(ex, fq, shape, packG1(pts), packScalars(ks)), got)).toBe(true);
        }
      }
      // All-zero scalars give the identity without launching anything; P + (−P) alone gives it through the kernels.
      const shape = msmShape(4);
      expect((await msmOnExecutor(ex, fq, shape, [G1.generator], [0n])).infinity).toBe(true);
      for (const combine of ["host", "gpu"] as const)
        expect((await msmOnExecutor(ex, fq, shape, [G1.generator, G1.negAffine(G1.generator)], [5n, 5n], { combine })).infinity).toBe(true);
      // Batch-affine rounds meet each special case in round 0 (a bucket's entries pair in index order):
      // P + P (λ = 3x²/2y), Q + (−Q) (the identity, then added to the carried R + R in round 1), a lane of
      // two pairs whose second starts mid-round.
      const [P, Q, R] = [12345n, 777n, 99n].map((k) => G1.mulAffine(G1.generator, k));
      const pts = [P, P, Q, G1.negAffine(Q), R, R, R];
      const ks = [5n, 5n, 9n, 9n, 3n, 3n, 3n];
      const want = G1.mulAffine(G1.generator, (2n * 5n * 12345n + 3n * 3n * 99n) % BN254_FR.p);
      expect(G1.eqAffine(await msmOnExecutor(ex, fq, shape, pts, ks, { buckets: "affine", affineBatch: 2 }), want)).toBe(true);
      expect((await msmOnExecutor(ex, fq, shape, [G1.generator, G1.negAffine(G1.generator)], [5n, 5n], { buckets: "affine" })).infinity).toBe(true);
      ex.dispose();
    });
  });
}

describe("kernel helpers from the front end (fixtures/helpers.cwl)", () => {
  it("structs and tuples returned by fns, carried by loops and chosen by ifs run on WASM", async () => {
    const r = compileFile(join(import.meta.dirname, "fixtures/helpers.cwl"));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const km = analyzed(r.ir!, "wasm");
    const fl = km.fields.get("bn254_fr")!;
    const ex = new WasmExecutor(emitWasm(km));
    const F = BN254_FR;
    const n = 5;
    const xs = Array.from({ length: 2 * n }, () => F.random());
    const expected = (flip: number) =>
      Array.from({ length: n }, (_, i) => {
        const a = xs[2 * i];
        let [lo, hi] = [a, xs[2 * i + 1]];
        for (let k = 0; k < 3; k++) [lo, hi] = [F.add(F.mul(lo, F.add(a, BigInt(k))), hi), F.add(hi, F.add(a, BigInt(k)))];
        return flip ? [hi, lo] : [lo, hi];
      }).flat();
    for (const flip of [0, 1]) {
      const io = ex.alloc(2 * n * 8);
      ex.write(io, packMont(fl, xs));
      ex.launch("helpers", n, [io, flip]);
      expect(unpackMont(fl, await ex.read(io)), `flip ${flip}`).toEqual(expected(flip));
      ex.free(io);
    }
  });

  it("a `&[F]` buffer still cannot be passed where `&mut [F]` is expected", () => {
    const src = "use std::field::Bn254Fr;\nfn put(b: &mut [Bn254Fr]) { b[0] = 1; }\n@workgroup(64) kernel k(b: &[Bn254Fr]) { put(b); }\n";
    const r = compileSource("/virtual/bad.cwl", src);
    expect(r.diagnostics.map((d) => d.code)).toContain("E0201");
  });
});

describe("stdlib/kernels/msm.cwl shape", () => {
  it("its static loop bounds are the host's MSM_LIMITS, and tuples/structs are gone after analysis", () => {
    const m = msmKernels();
    const { km, diagnostics } = analyzeKernels(m, "wasm");
    expect(diagnostics).toEqual([]);
    const bounds = (name: string) => {
      const out: number[] = [];
      walkFunc(km!.kernels.find((k) => k.name === name)!.func, (op) => {
        if (op.name === "cf.for") out.push(op.intAttr("hi")!);
        expect(op.name.startsWith("tuple.")).toBe(false);
      });
      return out;
    };
    expect(bounds("msm_bucket_acc")).toEqual([MSM_LIMITS.chunk]);
    expect(bounds("msm_segment_sums")).toEqual([2 * MSM_LIMITS.maxSegment]);
    expect(bounds("msm_segment_scale")).toEqual([2 * MSM_LIMITS.maxWindowBits + 1]);
    expect(bounds("msm_combine")).toEqual([MSM_LIMITS.maxWindows, MSM_LIMITS.maxWindowBits + 1]);
    expect(bounds("msm_affine_prefix")).toEqual([MSM_LIMITS.maxAffineBatch]);
    expect(bounds("msm_affine_finish")).toEqual([MSM_LIMITS.maxAffineBatch]);
    expect(bounds("msm_affine_invert")).toEqual([256]);
    expect(() => msmShape(17)).toThrow(RangeError);
    expect(() => msmShape(8, 254, 17)).toThrow(RangeError);
  });
});

describe("runtime/gpu planMsm (host plan from packed words)", () => {
  it("puts every nonzero digit of a finite point in its bucket, chunks and segments as the kernels expect", () => {
    const { points, scalars } = msmEdgeCase(64);
    const shape = msmShape(5, 254, 3);
    const plan = planMsm(shape, points, scalars, { segLen: 7 });
    const nb = 31;
    // Expected entries per bucket, from BigInt digits of the reduced scalars (infinity and zero scalars: none).
    const want = Array.from({ length: shape.windows * nb }, () => [] as number[]);
    points.forEach((p, i) => {
      let k = BN254_FR.fromBigint(scalars[i]);
      for (let w = 0; !p.infinity && k > 0n; w++, k >>= 5n) if (k & 31n) want[w * nb + Number(k & 31n) - 1].push(i);
    });
    const got = want.map((_, b) => {
      const out: number[] = [];
      for (let j = 0; j < plan.bucketChunks[b]; j++) {
        const ch = plan.bucketFirst[b] + j;
        expect([plan.pos[ch], plan.len[ch]]).toEqual([j, plan.bucketChunks[b]]);
        expect(plan.chunkCount[ch]).toBeLessThanOrEqual(3);
        out.push(...plan.idx.subarray(plan.chunkFirst[ch], plan.chunkFirst[ch] + plan.chunkCount[ch]));
      }
      return out;
    });
    expect(got).toEqual(want);
    expect(plan.maxLen).toBe(Math.max(...want.map((e) => Math.ceil(e.length / 3))));
    // 31 buckets in segments of 7: 5 per window, offsets up to 28 (5 bits).
    expect([plan.segs, plan.scaleBits, plan.segPos.length]).toEqual([5, 5, 5 * shape.windows]);
    expect([...plan.segPos.subarray(0, 6)]).toEqual([0, 1, 2, 3, 4, 0]);
    // Packed inputs give the same plan.
    const packed = planMsm(shape, packG1(points), packScalars(scalars), { segLen: 7 });
    expect(packed.idx).toEqual(plan.idx);
    expect(packed.chunkFirst).toEqual(plan.chunkFirst);
    expect(() => planMsm(shape, points, scalars, { segLen: MSM_LIMITS.maxSegment + 1 })).toThrow(RangeError);
    expect(() => planMsm(shape, points, scalars.slice(1))).toThrow(RangeError);
  });
});

describe("kernel subset diagnostics", () => {
  it("rejects unsupported ops, parameter types and barriers on hls/wasm with E065x codes", () => {
    const m = new Module();
    m.addField("bn254_fr", BN254_FR.p);
    const F = T.field("bn254_fr");
    const b = new Builder(m);
    const fn = b.func("kernel", "bad", [{ type: T.mem(F), name: "buf", attrs: { access: "read_write" } }, { type: T.i64, name: "x" }], [], { workgroup: [64n, 1n, 1n] });
    const i = b.k.globalId();
    b.k.barrier();
    b.c.assertEq(b.mem.load(fn.args[0], i), b.f.const(1n, F));
    b.cf.return([]);
    const codes = (t: KernelTarget) => analyzeKernels(m, t).diagnostics.map((d) => d.code).sort();
    expect(codes("wgsl")).toEqual(["E0650", "E0652"]);
    expect(codes("hls")).toEqual(["E0650", "E0652", "E0653"]);
    expect(analyzeKernels(new Module(), "wasm").diagnostics.map((d) => d.code)).toEqual(["E0656"]);
  });
});
