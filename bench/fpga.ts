// `npm run bench -- fpga`: an *estimated* performance model for BN254 NTT and MSM at 2^30 on Alveo U280
// cards. No FPGA is run: every figure is a model output with its assumptions. Everything per kernel
// comes from the emitted HLS (backends/hls, DATAFLOW form): DSPs per Montgomery multiplier (the CIOS
// word structure of the field library), the multipliers each process instantiates after sharing
// (ALLOCATION), each process's II and cycles per invocation (pipelined, interleaved or rolled loops,
// stream/port transfers), bytes moved per invocation. The MSM phases follow how runtime/gpu/msm.ts
// launches the kernels; each phase may replicate its kernel into compute units, each emitted again
// with its share of the DSP budget.
import { analyzeKernels } from "../backends/kernels/index.ts";
import { DEFAULT_DSP_BUDGET, dspPerMul, emitHls, mulLatency, U280, type HlsKernelStructure } from "../backends/hls/index.ts";
import { BN254_FQ, BN254_FR } from "../runtime/field/index.ts";
import { defaultSegLen, kernelSource, msmKernels, MSM_LIMITS } from "../tooling/kernels/stdlib.ts";

/** *Estimated* seconds to load an xclbin (one per MSM phase). */
const XCLBIN_LOAD_S = 1;
/** Compute units of one kernel per card the model tries. */
const MAX_CUS = 17;
/** Host DRAM bandwidth for the four-step transpose between the two NTT passes on ten cards. */
const HOST_MEM_BYTES_PER_S = 100e9;
const TARGETS = { msm1: 40, ntt1: 15, msm10: 6, ntt10: 1.8 };


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
  const mulDsp = dspPerMul(mul);
  const usableDsp = DEFAULT_DSP_BUDGET;
  const multipliers = Math.floor(usableDsp / mulDsp);
  const mulsPerSecond = multipliers * U280.clockHz;

  // NTT 2^30: four-step, 2^15 × 2^15. Each pass runs 2^15-point sub-NTTs as 15 ntt_stage launches over
  // chunks resident in HBM (32 GiB do not fit 8 GiB), streamed from the host over PCIe and overlapped.
  const stage = nttHls.structure.find((s) => s.name === "ntt_stage")!;
  const bflyII = stageII(stage);
  const pipelines = Math.floor(usableDsp / (mulDsp * Math.max(1, stage.mulsPerInvocation)));
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
  // entry; buckets are cut into chunks of ≤ CHUNK entries summed by msm_bucket_acc, chunk sums reduced by
  // msm_reduce_round (⌈log2 chunks per bucket⌉ launches over every chunk), then the segmented bucket
  // reduction: msm_segment_sums and msm_segment_scale (one invocation per window segment of
  // defaultSegLen(c) buckets) and msm_reduce_round over the segments (⌈log2 segments per window⌉ launches);
  // the host combines the ≈ 254/c window sums (a few hundred point operations, not modeled). Cycles per
  // invocation come from the emitted processes (the slowest process of a DATAFLOW top sets the pace); a
  // phase may replicate its kernel into k compute units, each emitted with a DSP budget of usable/k (so
  // sharing and II follow what that emission says).
  const msmKm = analyzeKernels(msmModule, "hls").km!;
  const emitted = new Map<number, HlsKernelStructure[]>();
  /** The kernel as emitted for a DSP budget (sharing, and so II, follow the budget). */
  const kernelWithin = (name: string, budget: number) => {
    let s = emitted.get(budget);
    if (!s) emitted.set(budget, (s = emitHls(msmKm, { dspBudget: budget }).structure));
    return s.find((k) => k.name === name)!;
  };
  const cycles = (k: HlsKernelStructure) => Math.max(...k.stages.map((st) => st.cyclesPerInvocation));
  const kernelDsp = (k: HlsKernelStructure) => k.stages.reduce((a, st) => a + st.dsp, 0);
  /**
   * Seconds for `invocations` of a kernel on one card, best over 1..MAX_CUS compute units that fit in
   * `cap` DSPs (the whole usable budget when the phase has its own xclbin), each emitted with cap/k.
   */
  const phase = (name: string, invocations: number, launches = 1, cap = usableDsp) => {
    let best = { cus: 1, s: Infinity, cyclesPerInvocation: 0, ii: 0, multipliers: 0, dsp: 0 };
    for (let cus = 1; cus <= MAX_CUS; cus++) {
      const k = kernelWithin(name, Math.floor(cap / cus));
      if (cus * kernelDsp(k) > cap) break;
      const lanes = Math.max(1, ...k.stages.map((st) => st.lanes ?? 1));
      // A group of `lanes` invocations costs the same whether or not every lane is busy.
      const perCu = Math.ceil(invocations / cus / lanes) * lanes;
      const s = (launches * perCu * cycles(k)) / U280.clockHz;
      const cp = k.stages.find((st) => st.role === "compute")!;
      if (s < best.s) best = { cus, s, cyclesPerInvocation: cycles(k), ii: cp.effectiveII, multipliers: cp.multipliers, dsp: kernelDsp(k) };
    }
    return best;
  };
  const chunk = MSM_LIMITS.chunk;
  const msmAt = (c: number, cards: number) => {
    const windows = Math.ceil(254 / c);
    const buckets = windows * (2 ** c - 1);
    const pts = n / cards;
    const entries = pts * windows * (1 - 2 ** -c);
    const chunks = Math.ceil(entries / chunk) + buckets; // ⌈entries/chunk⌉ per bucket, bounded
    const rounds = Math.ceil(Math.log2(Math.max(2, entries / buckets / chunk)));
    const acc = phase("msm_bucket_acc", chunks);
    const reduce = phase("msm_reduce_round", chunks, rounds);
    const reduceCompacted = phase("msm_reduce_round", chunks - buckets);
    const segs = Math.ceil((2 ** c - 1) / defaultSegLen(c));
    const segSums = phase("msm_segment_sums", windows * segs);
    const segScale = phase("msm_segment_scale", windows * segs);
    const segRounds = phase("msm_reduce_round", windows * segs, Math.ceil(Math.log2(segs)));
    const compute = acc.s + reduce.s + segSums.s + segScale.s + segRounds.s + 5 * XCLBIN_LOAD_S;
    const pcie = (pts * (64 + 32)) / U280.pcieBytesPerS; // affine point + scalar, once
    const hbm = (entries * (64 + 4)) / U280.hbmBytesPerS; // one point (via idx) per mixed add
    const bucketBytes = buckets * 96; // Jacobian bucket sums in HBM
    const total = Math.max(compute, pcie, hbm);
    const compactedTotal = Math.max(compute - reduce.s + reduceCompacted.s, pcie, hbm);
    return { c, windows, entries, chunks, rounds, phases: { acc, reduce, reduceCompacted, segSums, segScale, segRounds }, compute, pcie, hbm, bucketBytes, total, compactedTotal };
  };
  // Batch-affine buckets (runtime/gpu/msm.ts `buckets: "affine"`): rounds of disjoint affine additions,
  // each round three launches (msm_affine_prefix, msm_affine_invert, msm_affine_finish; one inversion per
  // lane of MAX_AFFINE_BATCH pairs), then msm_affine_to_jac and the window sums as above. The rounds
  // interleave launches of three kernels, so they share ONE xclbin: its DSPs are split between the
  // kernels (searched below, in whole multipliers). Windows are independent, so the host keeps every
  // kernel busy: while window w's round r inverts, window w + 1's round r forms its products and window
  // w − 1's finishes (XRT runs distinct compute units concurrently). The rounds then take as long as
  // the busiest kernel, plus one window's pass through the other two (pipeline fill and drain); the
  // phases-in-sequence figure (no overlap at all) is reported beside it.
  const batch = MSM_LIMITS.maxAffineBatch;
  const affineAt = (c: number, cards: number) => {
    const windows = Math.ceil(254 / c);
    const buckets = windows * (2 ** c - 1);
    const pts = n / cards;
    const entries = pts * windows * (1 - 2 ** -c);
    // Entries per bucket are ≈ Poisson(λ); rounds until the fullest bucket (λ + 6√λ, bounded) is one point.
    const lambda = entries / buckets;
    const rounds = Math.max(1, Math.ceil(Math.log2(lambda + 6 * Math.sqrt(lambda))));
    const pairsPerRound = Array.from({ length: rounds }, (_, r) => buckets * Math.max(1, Math.ceil(lambda / 2 ** (r + 1))));
    const pairs = pairsPerRound.reduce((a, b) => a + b, 0);
    const mulDspFloor = mulDsp; // one Montgomery multiplier: the unit the split is searched in
    // The window sums (msm_affine_to_jac, msm_segment_sums/scale, msm_reduce_round) run after the last
    // round from a second xclbin with the whole card, as in the chunked scheme.
    const segs = Math.ceil((2 ** c - 1) / defaultSegLen(c));
    const tail = {
      toJac: phase("msm_affine_to_jac", buckets),
      segSums: phase("msm_segment_sums", windows * segs),
      segScale: phase("msm_segment_scale", windows * segs),
      segRounds: phase("msm_reduce_round", windows * segs, Math.ceil(Math.log2(segs))),
    };
    const rest = usableDsp;
    const roundsOn = (a: number, b: number, f: number) => {
      let pre = 0, inv = 0, fin = 0;
      for (const p of pairsPerRound) {
        const lanes = Math.ceil(p / batch);
        pre += phase("msm_affine_prefix", lanes, 1, a * mulDspFloor).s;
        inv += phase("msm_affine_invert", lanes, 1, b * mulDspFloor).s;
        fin += phase("msm_affine_finish", lanes, 1, f * mulDspFloor).s;
      }
      // busiest kernel, plus the other two kernels' share of one window (fill and drain)
      const s = Math.max(pre, inv, fin) + (pre + inv + fin - Math.max(pre, inv, fin)) / windows;
      return { prefix: pre, invert: inv, finish: fin, s, sequential: pre + inv + fin };
    };
    const units = Math.floor(rest / mulDspFloor);
    let best = { split: { prefix: 0, invert: 0, finish: 0 }, ...roundsOn(1, 1, 1), s: Infinity };
    for (let a = 1; a < units - 1; a++)
      for (let b = 1; a + b < units; b++) {
        const t = roundsOn(a, b, units - a - b);
        if (t.s < best.s) best = { split: { prefix: a, invert: b, finish: units - a - b }, ...t };
      }
    const tailS = tail.toJac.s + tail.segSums.s + tail.segScale.s + tail.segRounds.s;
    const compute = best.s + tailS + 2 * XCLBIN_LOAD_S;
    const computeSequential = best.sequential + tailS + 2 * XCLBIN_LOAD_S;
    const pcie = (pts * (64 + 32)) / U280.pcieBytesPerS;
    // per pair: prefix reads two x, two y, two identity flags and two indices and writes a running
    // product; finish reads them again with the product and writes (x, y, flag)
    const hbm = (pairs * (2 * (4 * 32 + 8 + 8) + 32 + 32 + 2 * 32 + 4)) / U280.hbmBytesPerS;
    const total = Math.max(compute, pcie, hbm);
    return {
      c, windows, entries, rounds, pairs, lanesPerRound: pairsPerRound.map((p) => Math.ceil(p / batch)),
      multiplierSplit: best.split,
      phases: { prefix: r2(best.prefix), invert: r2(best.invert), finish: r2(best.finish), toJac: r2(tail.toJac.s), segSums: r2(tail.segSums.s), segScale: r2(tail.segScale.s), segRounds: r2(tail.segRounds.s) },
      compute, computeSequential, pcie, hbm, total,
    };
  };

  const sweep = [8, 10, 12, 13, 14, 15, 16].map((c) => msmAt(c, 1));
  const best = sweep.reduce((a, b) => (b.total < a.total ? b : a));
  const msm1 = best.total;
  const best10 = msmAt(best.c, 10);
  const msm10 = best10.total;
  const bestCompacted = sweep.reduce((a, b) => (b.compactedTotal < a.compactedTotal ? b : a));
  const affineSweep = [12, 13, 14, 15, 16].map((c) => affineAt(c, 1));
  const affineBest = affineSweep.reduce((a, b) => (b.total < a.total ? b : a));
  const affine10 = affineAt(affineBest.c, 10);
  const msm1Best = Math.min(msm1, affineBest.total);
  const msm10Best = Math.min(msm10, affine10.total);

  // Resources as emitted with the default budget (one compute unit per kernel): Montgomery multipliers
  // after sharing, DSPs, and whether the kernel fits the card's usable DSPs.
  const asEmitted = [...nttHls.structure, ...msmHls.structure].map((k) => {
    const ii = stageII(k);
    const muls = k.stages.reduce((a, st) => a + st.multipliers, 0);
    return {
      kernel: k.name,
      multipliers: muls,
      multiplierSites: k.stages.reduce((a, st) => a + st.mulInstances, 0),
      dsp: kernelDsp(k),
      fitsOneCard: kernelDsp(k) <= usableDsp,
      effectiveII: Number.isFinite(ii) ? ii : "not pipelined (rolled inner loop)",
      cyclesPerInvocation: cycles(k),
      loops: k.stages.find((st) => st.role === "compute")!.loops,
      ...(k.stages.some((st) => st.lanes) ? { lanes: Math.max(...k.stages.map((st) => st.lanes ?? 0)) } : {}),
      ...(k.stages.some((st) => st.mulLimit) ? { mulLimit: Math.max(...k.stages.map((st) => st.mulLimit ?? 0)) } : {}),
    };
  });
  const r2phases = (m: ReturnType<typeof msmAt>) =>
    Object.fromEntries(Object.entries(m.phases).map(([k, v]) => [k, { ...v, s: r2(v.s) }]));

  const verdict = (est: number, target: number) => (est <= target ? "meets (estimated)" : "misses (estimated)");
  return {
    note: "ESTIMATED figures from a performance model; no FPGA was run. The HLS source the model reads is checked by C simulation (test/kernels/hls-dataflow.test.ts) and by a static Vitis-subset check (test/kernels/hls-vitis-subset.test.ts), not by Vitis synthesis.",
    assumptions: {
      card: "Xilinx Alveo U280",
      ...U280,
      hostMemoryBytesPerS: HOST_MEM_BYTES_PER_S,
      dspPerProduct: "ceil(w1/26)·ceil(w2/17) DSP48E2 per unsigned w1×w2 product",
      montgomeryMul: { ...mul, dspPerMul: mulDsp, source: "emitted field library (word-serial CIOS, all words unrolled, II=1)" },
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
        scheme: "bucket method as runtime/gpu/msm.ts drives msm.cwl: msm_bucket_acc over every chunk, msm_reduce_round ⌈log2 chunks/bucket⌉ times over every chunk, msm_segment_sums and msm_segment_scale per window segment (defaultSegLen(c) buckets), msm_reduce_round ⌈log2 segments/window⌉ times over the segments, window sums combined on the host (not modeled); one xclbin per phase, 5 in all (its kernel replicated into the compute units that fit), host digit sort overlapped and not modeled",
        source: "cycles per invocation of each emitted DATAFLOW top (slowest process; interleaved kernels per invocation of a full lane group), emitted again with a DSP budget of usable/k for k compute units",
        mulLatencyCycles: mulLatency(mul),
        xclbinLoadSeconds: XCLBIN_LOAD_S,
        maxComputeUnits: MAX_CUS,
        chunk,
        bestWindowBits: best.c,
        phasesAtBest: r2phases(best),
        reduceNote: "msm_reduce_round as the host drives it launches over every chunk each round; a host that launched only the active segment heads (chunks − buckets invocations in all) would give msm_2_30_one_card_compacted_reduce_s",
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
      msm_2_30_one_card_compacted_reduce_s: r2(bestCompacted.compactedTotal),
      msm_2_30_one_card_compacted_reduce_window_bits: bestCompacted.c,
      msm_bucket_bytes: best.bucketBytes,
      msm_affine_window_bits: affineBest.c,
      msm_affine_2_30_one_card_s: r2(affineBest.total),
      msm_affine_2_30_one_card_compute_s: r2(affineBest.compute),
      msm_affine_2_30_one_card_hbm_s: r2(affineBest.hbm),
      msm_affine_2_30_one_card_pcie_s: r2(affineBest.pcie),
      msm_affine_2_30_ten_cards_s: r2(affine10.total),
      msm_affine_2_30_one_card_by_window_bits: Object.fromEntries(affineSweep.map((s) => [s.c, r2(s.total)])),
      msm_2_30_one_card_best_s: r2(msm1Best),
      msm_2_30_ten_cards_best_s: r2(msm10Best),
    },
    msmAffine: {
      scheme: "batch-affine bucket rounds (runtime/gpu/msm.ts buckets: \"affine\"): per round msm_affine_prefix, msm_affine_invert, msm_affine_finish over lanes of MAX_AFFINE_BATCH pairs (one inversion per lane, ≈ 6 multiplications per point addition against 11 for the mixed Jacobian one); then msm_affine_to_jac and the window sums; the three round kernels in ONE xclbin, its DSPs split between them in whole multipliers (searched), the window sums in a second one with the whole card (two loads); independent windows keep the three round kernels busy at once (time of the busiest plus one window's fill and drain); computeSequential: the same with no overlap at all",
      batch,
      atBest: { ...affineBest, compute: r2(affineBest.compute), computeSequential: r2(affineBest.computeSequential), hbm: r2(affineBest.hbm), pcie: r2(affineBest.pcie), total: r2(affineBest.total) },
      tenCards: { total: r2(affine10.total), compute: r2(affine10.compute), phases: affine10.phases },
    },
    resourcesAsEmitted: asEmitted,
    targets: TARGETS,
    verdicts: {
      ntt_one_card: verdict(ntt1, TARGETS.ntt1),
      ntt_ten_cards: verdict(ntt10, TARGETS.ntt10),
      msm_one_card: verdict(msm1Best, TARGETS.msm1),
      msm_ten_cards: verdict(msm10Best, TARGETS.msm10),
      msm_one_card_jacobian_chunks: verdict(msm1, TARGETS.msm1),
      msm_ten_cards_jacobian_chunks: verdict(msm10, TARGETS.msm10),
    },
    fields: { scalar: BN254_FR.name, base: BN254_FQ.name },
  };
}
