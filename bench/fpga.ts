// `npm run bench -- fpga`: an *estimated* performance model for BN254 NTT and MSM at 2^30 on Alveo U280
// cards, driven by the loop structure cwl emits for the stdlib kernels (II, multiplications per
// invocation, CIOS word structure). No FPGA is run: every figure is a model output with its assumptions.
import { Builder, Module, T, walkFunc } from "../compiler/ir/index.ts";
import { analyzeKernels } from "../backends/kernels/index.ts";
import { emitHls } from "../backends/hls/index.ts";
import { BN254_FQ, BN254_FR } from "../runtime/field/index.ts";
import { jacDouble, kernelSource, msmKernels, msmShape } from "../stdlib/kernels/index.ts";

const U280 = {
  dsp: 9024, // DSP48E2 slices
  usableFraction: 0.7, // routing/timing headroom typically left at 256-bit datapaths
  clockHz: 300e6, // Vitis kernel clock target used in run_hls.tcl (3.33 ns)
  hbmBytesPerS: 460e9, // 8 GiB HBM2
  hbmBytes: 8 * 2 ** 30,
  ddrBytesPerS: 38.4e9, // 2 × DDR4-2400 channels, 32 GiB
  pcieBytesPerS: 12e9, // Gen3 x16 effective, per direction
  uramBytes: 90e6 / 8, // 960 URAM × 288 Kb ≈ 11.25 MB on-chip
};
const TARGETS = { msm1: 40, ntt1: 15, msm10: 6, ntt10: 1.8 };

function fMulCount(m: Module, kernel: string): number {
  let n = 0;
  walkFunc(m.func(kernel)!, (op) => {
    if (op.name === "f.mul") n++;
  });
  return n;
}

export async function run(): Promise<object> {
  const log2n = 30;
  const n = 2 ** log2n;
  const L = 8;
  // DSPs per fully pipelined 256-bit Montgomery multiplier as emitted (word-serial CIOS, L unrolled words):
  // per word one 256×32 product a·b_i, one m·p product and the 32×32 m = t0·p' — on 27×18 DSPs (26×17 unsigned).
  const dspProduct = (w1: number, w2: number) => Math.ceil(w1 / 26) * Math.ceil(w2 / 17);
  const dspPerMul = L * (2 * dspProduct(256, 32) + dspProduct(32, 32));
  const multipliers = Math.floor((U280.dsp * U280.usableFraction) / dspPerMul);
  const mulsPerSecond = multipliers * U280.clockHz; // II = 1 per multiplier

  // Loop structure from the emitted HLS of the stdlib kernels.
  const ntt = analyzeKernels(kernelSource("ntt"), "hls");
  const shape = msmShape(16);
  const msmMod = msmKernels("bn254_fq", BN254_FQ.p, msmShape(4));
  const msm = analyzeKernels(msmMod, "hls");
  const nttStruct = emitHls(ntt.km!).structure.find((s) => s.name === "ntt_stage")!;
  const msmStruct = emitHls(msm.km!).structure.find((s) => s.name === "msm_reduce_round")!;
  // Muls of the general Jacobian add = muls in msm_reduce_round minus its doubling branch.
  const dm = new Module();
  dm.addField("bn254_fq", BN254_FQ.p);
  const db = new Builder(dm);
  const F = T.field("bn254_fq");
  const df = db.func("kernel", "dbl", [{ type: T.mem(F), name: "p", attrs: { access: "read_write" } }]);
  const z = db.i.const(0);
  jacDouble(db, F, [db.mem.load(df.args[0], z), db.mem.load(df.args[0], z), db.mem.load(df.args[0], z)]);
  db.cf.return([]);
  const mulsPerAdd = fMulCount(msmMod, "msm_reduce_round") - fMulCount(dm, "dbl");

  // NTT 2^30, four-step: 2^15-point column/row NTTs on chip (2^15 × 32 B = 1 MiB fits URAM), two passes.
  const elemBytes = 32;
  const dataBytes = n * elemBytes;
  const butterflies = (n / 2) * log2n;
  const nttMuls = butterflies * nttStruct.mulsPerInvocation + n; // + the twiddle pass between the steps
  const nttCompute1 = nttMuls / mulsPerSecond;
  const passes = 2;
  // 32 GiB does not fit HBM (8 GiB) and only just DDR: stream from the host, in and out at once per pass.
  const nttIo1 = (passes * dataBytes) / U280.pcieBytesPerS;
  const ntt1 = Math.max(nttCompute1, nttIo1);
  // 10 cards: each pass splits the independent sub-NTTs; the transpose between passes goes through host memory (~100 GB/s).
  const hostMemBytesPerS = 100e9;
  const ntt10 = Math.max(nttCompute1 / 10, nttIo1 / 10) + (2 * dataBytes) / hostMemBytesPerS;

  // MSM 2^30, c = 16: every point updates one bucket per window; buckets stay on chip per window group.
  const adds = n * shape.windows;
  const msmMuls = adds * mulsPerAdd;
  const msmCompute1 = msmMuls / mulsPerSecond;
  const pointBytes = 64 + 32; // affine point + scalar, streamed once
  const msmIo1 = (n * pointBytes) / U280.pcieBytesPerS;
  const bucketTail = (shape.windows * 2 ** shape.c * 2 * mulsPerAdd) / mulsPerSecond;
  const msm1 = Math.max(msmCompute1, msmIo1) + bucketTail;
  const msm10 = Math.max(msmCompute1, msmIo1) / 10 + bucketTail;

  // What-if: buckets fed affine points use the mixed add (madd-2007-bl, 11 muls) instead of the emitted general add.
  const msm1Madd = Math.max((adds * 11) / mulsPerSecond, msmIo1) + bucketTail;
  const r = (x: number) => Math.round(x * 100) / 100;
  const verdict = (est: number, target: number) => (est <= target ? "meets (estimated)" : "misses (estimated)");
  return {
    note: "ESTIMATED figures from a performance model; no FPGA was run. Correctness of the same HLS source is checked by C simulation (test/kernels).",
    assumptions: {
      card: "Xilinx Alveo U280",
      ...U280,
      dspPerMontgomeryMul: dspPerMul,
      multipliersPerCard: multipliers,
      nttKernel: { name: nttStruct.name, ii: nttStruct.ii, mulsPerButterfly: nttStruct.mulsPerInvocation, scheme: "four-step 2^15 × 2^15, on-chip sub-NTTs, 2 streaming passes over PCIe" },
      msmKernel: { name: msmStruct.name, ii: msmStruct.ii, mulsInAdderDatapath: msmStruct.mulsPerInvocation, mulsPerGeneralAdd: mulsPerAdd, windowBits: shape.c, windows: shape.windows, scheme: "bucket method, all windows per streamed point, multipliers time-shared by the adder" },
      hostMemoryBytesPerS: hostMemBytesPerS,
    },
    estimated: {
      ntt_2_30_one_card_s: r(ntt1),
      ntt_2_30_one_card_compute_s: r(nttCompute1),
      ntt_2_30_one_card_io_s: r(nttIo1),
      ntt_2_30_ten_cards_s: r(ntt10),
      msm_2_30_one_card_s: r(msm1),
      msm_2_30_one_card_compute_s: r(msmCompute1),
      msm_2_30_one_card_io_s: r(msmIo1),
      msm_2_30_ten_cards_s: r(msm10),
      msm_2_30_one_card_with_mixed_add_s: r(msm1Madd),
    },
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
