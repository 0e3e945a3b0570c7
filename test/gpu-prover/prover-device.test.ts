// The prover's device hook on the stdlib kernels: a proof with its MSMs and NTTs on a kernel executor is
// the same bytes as the CPU's with the same randomness, and verifies; the device's results are really
// used (a device that lies yields a proof the verifier rejects); MSMs split over several executors (the
// multi-GPU mode; several executors on one adapter stand in for several adapters) equal one device's.
// The WASM executor runs the same kernels everywhere; WebGPU (lavapipe here) runs when an adapter exists.
import { describe, it, expect, beforeAll } from "vitest";
import { analyzeKernels } from "../../backends/kernels/index.ts";
import { emitWasm } from "../../backends/wasm/index.ts";
import { emitWgsl } from "../../backends/wgsl/index.ts";
import { kernelSource, msmKernels } from "../../tooling/kernels/stdlib.ts";
import { GpuProverDevice, openGpu, WasmExecutor, WebGpuExecutor, type KernelExecutor } from "../../runtime/gpu/index.ts";
import { keygen, prove, verify, insecureDevSrs, minimumK, encodeProofBinary, type ProvingKey, type ProverDevice } from "../../runtime/plonk/index.ts";
import { G1, msmG1, packG1 } from "../../runtime/curve/index.ts";
import { BN254_FR, FieldVec } from "../../runtime/field/index.ts";
import { fr } from "../../runtime/poly/index.ts";
import { range8 } from "../plonk/circuits.ts";
import { mulberry32 } from "../util/prng.ts";

const msmKm = analyzeKernels(msmKernels(), "wasm").km!;
const nttKm = analyzeKernels(kernelSource("ntt"), "wasm").km!;
const fq = msmKm.fields.get("bn254_fq")!;
const frL = nttKm.fields.get("bn254_fr")!;

/** The same blinding stream for every proof of a comparison. */
const fixed = () => {
  let i = 0n;
  return () => fr.mod(0x9e3779b97f4a7c15n * ++i + 0x1234n);
};
const bytes = (p: Parameters<typeof encodeProofBinary>[0]) => Buffer.from(encodeProofBinary(p)).toString("hex");

const circuit = range8([3n, 200n, 17n, 255n, 0n]);
let pk: ProvingKey;
let cpuProof: string;

beforeAll(async () => {
  pk = await keygen(insecureDevSrs(1 << minimumK(circuit.circuit)), circuit.circuit);
  cpuProof = bytes(await prove(pk, circuit.witness, { random: fixed() }));
});

function wasmDevice(executors = 1, splitMin?: number): GpuProverDevice {
  const msm: KernelExecutor[] = Array.from({ length: executors }, () => new WasmExecutor(emitWasm(msmKm)));
  return new GpuProverDevice({ msm, ntt: [new WasmExecutor(emitWasm(nttKm))], fq, fr: frL, splitMin });
}

describe("prover device on the WASM kernel executor", () => {
  it("gives the CPU's proof byte for byte, with every MSM and NTT of the proof on the device", async () => {
    const dev = wasmDevice();
    const proof = await prove(pk, circuit.witness, { random: fixed(), device: dev });
    expect(bytes(proof)).toBe(cpuProof);
    expect(await verify(pk.vk, circuit.witness.instance, proof)).toBe(true);
    expect(dev.counts.msm.cpu).toBe(0);
    expect(dev.counts.ntt.cpu).toBe(0);
    // advice, multiplicity, permutation/logUp, quotient and opening commitments; interpolations and coset NTTs.
    expect(dev.counts.msm.device).toBeGreaterThanOrEqual(5);
    expect(dev.counts.ntt.device).toBeGreaterThanOrEqual(6);
    dev.dispose();
  });

  it("keygen with the device: the same verifying key (fixed and permutation commitments on the device)", async () => {
    const dev = wasmDevice();
    const pk2 = await keygen(insecureDevSrs(1 << minimumK(circuit.circuit)), circuit.circuit, { device: dev });
    expect(Buffer.from(pk2.vk.digest).toString("hex")).toBe(Buffer.from(pk.vk.digest).toString("hex"));
    expect(pk2.vk.fixedCommitments).toEqual(pk.vk.fixedCommitments);
    expect(pk2.vk.sigmaCommitments).toEqual(pk.vk.sigmaCommitments);
    expect(dev.counts.msm.device).toBe(pk.vk.fixedCommitments.length + pk.vk.sigmaCommitments.length);
    dev.dispose();
  });

  it("falls back to the CPU per call when a shape does not fit, and says so", async () => {
    const msm = [new WasmExecutor(emitWasm(msmKm))];
    const dev = new GpuProverDevice({ msm, ntt: [new WasmExecutor(emitWasm(nttKm))], fq, fr: frL, maxNttLog: Math.log2(pk.domain.n), maxMsmPoints: 4 });
    const proof = await prove(pk, circuit.witness, { random: fixed(), device: dev });
    expect(bytes(proof)).toBe(cpuProof);
    // Extended-domain transforms exceed maxNttLog; every commitment MSM exceeds 4 points.
    expect(dev.counts.ntt.cpu).toBeGreaterThan(0);
    expect(dev.counts.ntt.device).toBeGreaterThan(0);
    expect(dev.counts.msm.device).toBe(0);
    expect(dev.summary()).toMatch(/^msm 0 on the device, \d+ on the CPU; ntt \d+ on the device, \d+ on the CPU$/);
    dev.dispose();
  });

  it("a device whose MSM lies yields a proof the verifier rejects (the device's points are what is committed)", async () => {
    const honest = wasmDevice();
    let calls = 0;
    const liar: ProverDevice = {
      msm: async (p, s) => {
        const r = await honest.msm(p, s);
        // The third commitment round onward: a wrong point (doubling it) where the prover expects the MSM.
        return ++calls === 3 && r ? G1.toAffine(G1.double(G1.fromAffine(r))) : r;
      },
      ntt: (v, o) => honest.ntt(v, o),
    };
    const proof = await prove(pk, circuit.witness, { random: fixed(), device: liar });
    expect(bytes(proof)).not.toBe(cpuProof);
    expect(await verify(pk.vk, circuit.witness.instance, proof)).toBe(false);
    honest.dispose();
  });

  it("a device whose NTT lies: the prover's own check refuses, and unchecked the verifier rejects", async () => {
    const honest = wasmDevice();
    let calls = 0;
    const liar: ProverDevice = {
      msm: (p, s) => honest.msm(p, s),
      ntt: async (v, o) => {
        const ok = await honest.ntt(v, o);
        if (++calls === 2) v.set(1, BN254_FR.add(v.get(1), 1n));
        return ok;
      },
    };
    await expect(prove(pk, circuit.witness, { random: fixed(), device: liar })).rejects.toThrow(/does not satisfy/);
    calls = 0;
    const proof = await prove(pk, circuit.witness, { random: fixed(), device: liar, unchecked: true });
    expect(await verify(pk.vk, circuit.witness.instance, proof)).toBe(false);
    honest.dispose();
  });

  it("multi-device: one MSM split over 3 executors equals msmG1, zero scalars, identity points and uneven slices included", async () => {
    const rnd = mulberry32(21);
    const n = 37;
    const pts = Array.from({ length: n }, (_, i) => (i === 5 ? G1.infinityAffine : G1.mulAffine(G1.generator, BigInt(1 + Math.floor(rnd() * 1e9)))));
    const sc = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0n : BN254_FR.random()));
    const packed = packG1(pts);
    const dev = wasmDevice(3, 2);
    const got = await dev.msm(packed, FieldVec.fromBigints(BN254_FR, sc));
    expect(got && G1.eqAffine(got, await msmG1(packed, sc))).toBe(true);
    dev.dispose();
  });

  it("multi-device: a proof with every MSM split over 2 executors is the single device's proof", async () => {
    const dev = wasmDevice(2, 2);
    const proof = await prove(pk, circuit.witness, { random: fixed(), device: dev });
    expect(bytes(proof)).toBe(cpuProof);
    dev.dispose();
  });
});

// WebGPU: lavapipe compiles the MSM shaders for seconds per executor (tens without GALLIVM_PERF=nopt) and
// runs them slowly: one MSM executor in CI; CWL_SLOW_KERNEL_TESTS adds the two-executor proof.
const gpu = await openGpu();
const slow = !!process.env.CWL_SLOW_KERNEL_TESTS;
if ("reason" in gpu) console.warn(`skipped: WebGPU prover device: ${gpu.reason}`);
describe.skipIf("reason" in gpu)("prover device on WebGPU", () => {
  for (const executors of slow ? [1, 2] : [1])
    it(`gives the CPU's proof byte for byte (${executors} MSM executor${executors > 1 ? "s, every MSM split" : ""})`, async () => {
      if ("reason" in gpu) return;
      const msmK = analyzeKernels(msmKernels(), "wgsl").km!;
      const nttK = analyzeKernels(kernelSource("ntt"), "wgsl").km!;
      const msmWgsl = emitWgsl(msmK);
      const msm = Array.from({ length: executors }, () => new WebGpuExecutor(gpu, msmWgsl));
      const ntt = new WebGpuExecutor(gpu, emitWgsl(nttK));
      for (const ex of [...msm, ntt]) expect(await ex.compileAll()).toEqual([]);
      const dev = new GpuProverDevice({ msm, ntt: [ntt], fq: msmK.fields.get("bn254_fq")!, fr: nttK.fields.get("bn254_fr")!, splitMin: 8 });
      const proof = await prove(pk, circuit.witness, { random: fixed(), device: dev });
      expect(bytes(proof)).toBe(cpuProof);
      expect(dev.counts.msm.cpu + dev.counts.ntt.cpu).toBe(0);
      dev.dispose();
    }, 180_000);
});
