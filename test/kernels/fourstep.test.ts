// The four-step NTT driver (runtime/gpu/ntt-fourstep.ts) against runtime/curve's NTT: chunks much
// smaller than the transform (2^12 in 2^6-element chunks), non-square splits, the inverse, and a
// file-backed store. WASM runs every case (the CI path); WGSL and csim one small case each.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeKernels, type KernelTarget } from "../../backends/kernels/index.ts";
import { packMont, unpackMont } from "../../runtime/field/index.ts";
import { emitHls } from "../../backends/hls/index.ts";
import { emitWasm } from "../../backends/wasm/index.ts";
import { emitWgsl } from "../../backends/wgsl/index.ts";
import { ntt } from "../../runtime/curve/index.ts";
import { BN254_FR } from "../../runtime/field/index.ts";
import { FileStore, type KernelExecutor, MemoryStore, nttFourStep, nttFourStepValues, openGpu, WasmExecutor, WebGpuExecutor } from "../../runtime/gpu/index.ts";
import { buildCsim, haveGxx, HlsSimExecutor, kernelSource } from "../../tooling/kernels/index.ts";

const mod = kernelSource("ntt");
const fl = analyzeKernels(mod, "wasm").km!.fields.get("bn254_fr")!;
const values = (logn: number) => Array.from({ length: 1 << logn }, (_, i) => (i < 3 ? [0n, 1n, BN254_FR.p - 1n][i] : BN254_FR.random()));

describe("four-step NTT on the WASM kernels", () => {
  const ex = new WasmExecutor(emitWasm(analyzeKernels(mod, "wasm").km!));
  it("2^12 in 2^6-element chunks equals runtime/curve ntt; the inverse round-trips", async () => {
    const xs = values(12);
    const seen: string[] = [];
    const got = await nttFourStepValues(ex, fl, xs, { logChunk: 6, onProgress: (p) => p.done === p.chunks && seen.push(`${p.pass}:${p.chunks}`) });
    expect(got).toEqual(ntt(xs));
    expect(seen).toEqual(["1:64", "2:64"]);
    expect(await nttFourStepValues(ex, fl, got, { logChunk: 6, inverse: true })).toEqual(xs);
  });

  it("non-square splits (2^13 = 2^6 × 2^7, 2^11 with 2^9 chunks) and resident limits", async () => {
    for (const [logn, logChunk] of [[13, 7], [11, 9], [2, 2]]) {
      const xs = values(logn);
      const input = new MemoryStore(xs.length, fl.limbs, packMont(fl, xs));
      const output = new MemoryStore(xs.length, fl.limbs);
      const stats = await nttFourStep(ex, fl, input, output, { logChunk });
      expect(unpackMont(fl, output.words), `2^${logn}`).toEqual(ntt(xs));
      // Two chunk buffers plus √n-sized tables: never the whole transform (beyond toy sizes).
      expect(stats.residentWords).toBeLessThanOrEqual((2 * 2 ** logChunk + 4 * 2 ** Math.ceil(logn / 2) + 1) * fl.limbs);
      expect(stats.chunks).toEqual([stats.n2 / Math.min(stats.n2, 2 ** logChunk / stats.n1), stats.n1 / (2 ** logChunk / stats.n2)]);
    }
    await expect(nttFourStepValues(ex, fl, values(12), { logChunk: 5 })).rejects.toThrow(/cannot hold one 64-point row/);
    await expect(nttFourStepValues(ex, fl, values(1), { logChunk: 5 })).rejects.toThrow(/power of two ≥ 4/);
  });

  const dir = mkdtempSync(join(tmpdir(), "cwl-fourstep-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("streams through file-backed stores (the 2^30 layout) with the same result", async () => {
    const xs = values(10);
    const input = new FileStore(join(dir, "in.bin"), xs.length, fl.limbs, true);
    input.write(0, packMont(fl, xs));
    const output = new FileStore(join(dir, "out.bin"), xs.length, fl.limbs, true);
    await nttFourStep(ex, fl, input, output, { logChunk: 6 });
    const words = new Uint32Array(xs.length * fl.limbs);
    output.read(0, xs.length, words, 0);
    input.close();
    output.close();
    expect(unpackMont(fl, words)).toEqual(ntt(xs));
  });
});

const gpu = await openGpu();
const gxx = haveGxx();
const why: Record<Exclude<KernelTarget, "wasm">, string | undefined> = { wgsl: "reason" in gpu ? gpu.reason : undefined, hls: gxx === true ? undefined : gxx };
for (const [t, w] of Object.entries(why)) if (w) console.warn(`skipped: ${t} four-step NTT: ${w}`);
for (const target of ["wgsl", "hls"] as const) {
  it.skipIf(!!why[target])(`four-step NTT 2^8 in 2^4-element chunks on ${target} equals runtime/curve ntt`, async () => {
    const km = analyzeKernels(mod, target).km!;
    const ex: KernelExecutor = target === "hls" ? new HlsSimExecutor(buildCsim(emitHls(km))) : new WebGpuExecutor(gpu as Exclude<typeof gpu, { reason: string }>, emitWgsl(km));
    const xs = values(8);
    expect(await nttFourStepValues(ex, fl, xs, { logChunk: 4 })).toEqual(ntt(xs));
    ex.dispose();
  });
}
