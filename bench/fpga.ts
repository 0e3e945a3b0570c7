// `npm run bench -- fpga`: an *estimated* performance model for BN254 NTT and MSM at 2^30 on Alveo U280
// cards. No FPGA is run: every figure is a model output with its assumptions. What comes from the
// emitted HLS (backends/hls, DATAFLOW form): DSPs per Montgomery multiplier (the CIOS word structure
// of the field library), each process's II (requested II raised to the most transfers one stream or
// m_axi port makes per invocation), the loops unrolled or pipelined, bytes moved per invocation (the
// ports). What comes from the kernel IR: field multiplications on the longest path of one point
// addition (the mixed add in msm_bucket_acc, the general add in msm_reduce_round).
import { type Op } from "../compiler/ir/index.ts";
import { analyzeKernels, tripCount } from "../backends/kernels/index.ts";
import { emitHls, type HlsKernelStructure } from "../backends/hls/index.ts";
import { BN254_FQ, BN254_FR } from "../runtime/field/index.ts";
import { kernelSource, msmKernels, MSM_LIMITS } from "../stdlib/kernels/index.ts";

const U280 = {
  dsp: 9024, // DSP48E2 slices
  usableFraction: 0.7, // routing/timing headroom typically left at 256-bit datapaths
  clockHz: 300e6, // kernel clock in run_hls.tcl (3.33 ns)
  hbmBytesPerS: 460e9, // 8 GiB HBM2, 32 pseudo-channels
  hbmBytes: 8 * 2 ** 30,
  pcieBytesPerS: 12e9, // Gen3 x16 effective, per direction (full duplex)
};
/** Host DRAM bandwidth for the four-step transpose between the two NTT passes on ten cards. */
const HOST_MEM_BYTES_PER_S = 100e9;
const TARGETS = { msm1: 40, ntt1: 15, msm10: 6, ntt10: 1.8 };

/** DSP48E2 count of an unsigned w1 × w2 product on 27×18 signed multipliers (26×17 unsigned tiles). */
const dspProduct = (w1: number, w2: number) => Math.ceil(w1 / 26) * Math.ceil(w2 / 17);

/** Field multiplications on the longest path through ops (if: the costlier branch; for: trips × body). */
function pathMuls(ops: readonly Op[], bits: number): number {
  let n = 0;
  for (const op of ops) {
    if (op.name === "f.mul" || op.name === "i.to_f") n++;
    else if (op.name === "f.inv" || op.name === "f.pow") n += 2 * bits;
    else if (op.name === "f.div") n += 2 * bits + 1;
    else if (op.name === "cf.if") n += Math.max(0, ...op.regions.map((r) => pathMuls(r.entry.ops, bits)));
    else if (op.name === "cf.for") n += tripCount(op) * pathMuls(op.regions[0].entry.ops, bits);
  }
  return n;
}

function stageII(s: HlsKernelStructure): number {
  return Math.max(...s.stages.map((st) => st.effectiveII || Infinity));
}
/** Bytes one invocation moves over its m_axi ports (worst case). */
function portBytes(s: HlsKernelStructure): number {
  let b = 0;
  for (const st of s.stages) {
    if (st.role === "write") continue;
    for (const p of s.ports) if (p.dir === "read") b += (st.transfers[p.name] ?? 0) * (p.elemBits / 8);
    if (st.role === "compute") for (const str of s.streams) if (str.name.startsWith("k_st_")) b += (st.transfers[str.name] ?? 0) * ((str.bits - 33) / 8);
  }
  return b;
}

export async function run(): Promise<object> {
  const n = 2 ** 30;
  const r2 = (x: number) => Math.round(x * 100) / 100;

  // From the emitted field library: the multiplier datapath.
  const nttHls = emitHls(analyzeKernels(kernelSource("ntt"), "hls").km!);
  const msmModule = msmKernels();
  const msmHls = emitHls(analyzeKernels(msmModule, "hls").km!);
  const mul = msmHls.fieldMuls.find((m) => m.field === "bn254_fq")!;
  const dspPerMul = mul.words * mul.productsPerWord.reduce((a, [w1, w2]) => a + dspProduct(w1, w2), 0);
  const usableDsp = U280.dsp * U280.usableFraction;
  const multipliers = Math.floor(usableDsp / dspPerMul);
  const mulsPerSecond = multipliers * U280.clockHz;

  // NTT 2^30: four-step, 2^15 × 2^15. Each pass runs 2^15-point sub-NTTs as 15 ntt_stage launches over
  // chunks resident in HBM (32 GiB do not fit 8 GiB), streamed from the host over PCIe and overlapped.
  const stage = nttHls.structure.find((s) => s.name === "ntt_stage")!;
  const bflyII = stageII(stage);
  const pipelines = Math.floor(usableDsp / (dspPerMul * Math.max(1, stage.mulsPerInvocation)));
  const bflyPerS = (pipelines * U280.clockHz) / bflyII;
  const log2n = 30;
  const butterflies = (n / 2) * log2n;
  const nttCompute = butterflies / bflyPerS + n / mulsPerSecond; // + the twiddle pass between the steps
  const bytesPerBfly = portBytes(stage);
  const nttHbm = (butterflies * bytesPerBfly) / U280.hbmBytesPerS;
  const passes = 2;
  const dataBytes = n * 32;
  const nttPcie = (passes * dataBytes) / U280.pcieBytesPerS;
  const ntt1 = Math.max(nttCompute, nttHbm, nttPcie);
  const ntt10 = ntt1 / 10 + (2 * dataBytes) / HOST_MEM_BYTES_PER_S;

  // MSM 2^30 (bucket method as runtime/gpu/msm.ts drives msm.cwl): per window, each nonzero digit is one
  // entry; a bucket's entries are summed in chunks by mixed adds (msm_bucket_acc), chunk sums by general
  // adds (msm_reduce_round), then 2 general adds per bucket (msm_window_sums). Multipliers are time-shared.
  const fqBits = 32 * mul.words;
  const accFn = msmModule.func("msm_bucket_acc");
  const chunkLoop = accFn?.body.entry.ops.find((o) => o.name === "cf.for");
  const reduceFn = msmModule.func("msm_reduce_round");
  const mixedFromIr = !!(accFn && chunkLoop && reduceFn);
  const mulsMixed = mixedFromIr ? pathMuls(chunkLoop!.regions[0].entry.ops, fqBits) : 11;
  const mulsGeneral = reduceFn ? pathMuls(reduceFn.body.entry.ops, fqBits) : 16;
  const accII = mixedFromIr ? stageII(msmHls.structure.find((s) => s.name === "msm_bucket_acc")!) : undefined;
  const chunk = MSM_LIMITS.chunk;
  const msmAt = (c: number, cards: number) => {
    const windows = Math.ceil(254 / c);
    const buckets = windows * (2 ** c - 1);
    const pts = n / cards;
    const entries = pts * windows * (1 - 2 ** -c);
    const chunks = entries / chunk + buckets; // ⌈entries/chunk⌉ per bucket, bounded
    const muls = (entries - chunks) * mulsMixed + (chunks - buckets) * mulsGeneral + 2 * buckets * mulsGeneral;
    const compute = muls / mulsPerSecond;
    const pcie = (pts * (64 + 32)) / U280.pcieBytesPerS; // affine point + scalar, once
    const hbm = (entries * (64 + 4)) / U280.hbmBytesPerS; // one point (via idx) per mixed add
    const bucketBytes = buckets * 96; // Jacobian bucket sums in HBM
    return { c, windows, entries, muls, compute, pcie, hbm, bucketBytes, total: Math.max(compute, pcie, hbm) };
  };
  const sweep = [8, 10, 12, 13, 14, 15, 16].map((c) => msmAt(c, 1));
  const best = sweep.reduce((a, b) => (b.total < a.total ? b : a));
  const msm1 = best.total;
  const msm10 = msmAt(best.c, 10).total;

  // Resources as emitted (no sharing between exclusive branches, no ALLOCATION limit): multipliers per
  // kernel instance and whether one fits the card's usable DSPs.
  const asEmitted = [...nttHls.structure, ...msmHls.structure].map((k) => {
    const muls = k.stages.reduce((a, st) => a + st.mulInstances, 0);
    const ii = stageII(k);
    return { kernel: k.name, multipliers: muls, dsp: muls * dspPerMul, fitsOneCard: muls * dspPerMul <= usableDsp, effectiveII: Number.isFinite(ii) ? ii : "not pipelined (long inner loop)" };
  });

  const verdict = (est: number, target: number) => (est <= target ? "meets (estimated)" : "misses (estimated)");
  return {
    note: "ESTIMATED figures from a performance model; no FPGA was run. The HLS source the model reads is checked by C simulation (test/kernels/hls-dataflow.test.ts) and by a static Vitis-subset check (test/kernels/hls-vitis-subset.test.ts), not by Vitis synthesis.",
    assumptions: {
      card: "Xilinx Alveo U280",
      ...U280,
      hostMemoryBytesPerS: HOST_MEM_BYTES_PER_S,
      dspPerProduct: "ceil(w1/26)·ceil(w2/17) DSP48E2 per unsigned w1×w2 product",
      montgomeryMul: { ...mul, dspPerMul, source: "emitted field library (word-serial CIOS, all words unrolled, II=1)" },
      multipliersPerCard: multipliers,
      modmulPerSecondPerCard: mulsPerSecond,
      ntt: {
        scheme: "four-step 2^15 × 2^15: two passes, each 15 ntt_stage launches over HBM-resident chunks streamed over PCIe (overlapped)",
        kernel: stage.name,
        processes: stage.stages.map((s) => ({ name: s.name, ii: s.ii, effectiveII: s.effectiveII })),
        butterflyII: bflyII,
        iiReason: "the two stores of a butterfly share one write stream, the two loads of buf one read port",
        pipelinesPerCard: pipelines,
        bytesPerButterfly: bytesPerBfly,
      },
      msm: {
        scheme: "bucket method, chunked mixed-add accumulation, tree reduction, running-sum window sums; multipliers time-shared by the adders; host digit sort overlapped and not modeled",
        mulsPerMixedAdd: mulsMixed,
        mulsPerGeneralAdd: mulsGeneral,
        opCountSource: mixedFromIr ? "kernel IR of stdlib/kernels/msm.cwl (longest path: msm_bucket_acc chunk-loop body, msm_reduce_round body)" : "formula (madd-2007-bl 7M+4S, add-2007-bl 11M+5S): msm_bucket_acc not found in the kernel IR",
        chunk,
        bucketAccEffectiveII: accII,
        bucketAccNote: "as emitted, msm_bucket_acc unrolls its chunk loop (16 dependent mixed adds): the model assumes Vitis time-shares the multipliers (ALLOCATION); a pipelined chunk loop is the follow-up",
      },
    },
    estimated: {
      ntt_2_30_one_card_s: r2(ntt1),
      ntt_2_30_one_card_compute_s: r2(nttCompute),
      ntt_2_30_one_card_hbm_s: r2(nttHbm),
      ntt_2_30_one_card_pcie_s: r2(nttPcie),
      ntt_2_30_ten_cards_s: r2(ntt10),
      msm_window_bits: best.c,
      msm_2_30_one_card_s: r2(msm1),
      msm_2_30_one_card_compute_s: r2(best.compute),
      msm_2_30_one_card_pcie_s: r2(best.pcie),
      msm_2_30_one_card_hbm_s: r2(best.hbm),
      msm_2_30_ten_cards_s: r2(msm10),
      msm_2_30_one_card_by_window_bits: Object.fromEntries(sweep.map((s) => [s.c, r2(s.total)])),
      msm_bucket_bytes: best.bucketBytes,
    },
    resourcesAsEmitted: asEmitted,
    targets: TARGETS,
    verdicts: {
      ntt_one_card: verdict(ntt1, TARGETS.ntt1),
      ntt_ten_cards: verdict(ntt10, TARGETS.ntt10),
      msm_one_card: verdict(msm1, TARGETS.msm1),
      msm_ten_cards: verdict(msm10, TARGETS.msm10),
    },
    fields: { scalar: BN254_FR.name, base: BN254_FQ.name },
  };
}
