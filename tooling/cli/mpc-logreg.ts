// The driver of examples/mpc_logreg.cwl: multi-class logistic regression on MNIST trained by two
// parties, one protocol run per batch of 16 images (party 0: images and weights, party 1: labels;
// the weights each run reveals go into the next), side by side with the same training in the clear
// fixed-point interpreter (the protocol run by compiler/interp), then both weight sets classify the
// held-out images. Data: the committed subset test/fl/data (the first 1,000 images of the official
// MNIST test set) or a directory given by the caller; training uses the first `train` images and
// testing the last `test` ones.
import type { Progress } from "../../base/progress/index.ts";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileFile, hasErrors, runPasses } from "../../compiler/pipeline/index.ts";
import { run as interpret } from "../../compiler/interp/index.ts";
import { compileSpdz } from "../../backends/spdz/index.ts";
import { connectInProcess, parseLink, type PartyNet } from "../../runtime/mpc/net/index.ts";
import { runProgram, type MpcProgram } from "../../runtime/mpc/index.ts";
import { InsecureDealer, Spdz2kParty, type Preprocessing } from "../../runtime/mpc/spdz2k/index.ts";
import { OtPreprocessing } from "../../runtime/mpc/ot/preprocessing.ts";
import { features, loadDataDir, loadMnist, type ImageSet } from "../../runtime/fl/data/index.ts";
import { programInputs } from "./mpc-party.ts";

export const LOGREG_EXAMPLE = join(REPO_ROOT, "examples/mpc_logreg.cwl");
const BATCH = 16;
const CLASSES = 10;
const FRAC = 16;

export interface LogRegOptions {
  /** An MNIST directory (idx files); default: the committed 1,000-image subset. */
  dataDir?: string;
  train: number;
  test: number;
  epochs: number;
  /** Learning rate per batch (the protocol's `rate` is it divided by the batch size). */
  learningRate: number;
  link?: string;
  preprocessing?: "dealer" | "ot";
  /** Phase "LR training": steps done of all steps, with the epoch and the time per MPC step. */
  progress?: Progress;
}

export interface LogRegReport {
  data: string;
  train: number;
  test: number;
  steps: number;
  clear: { accuracy: number; seconds: number };
  mpc: { accuracy: number; seconds: number; bytesPerParty: Record<string, number>; rounds: number };
  /** Largest difference between a clear and an MPC weight after training (probabilistic truncation). */
  maxWeightDiff: number;
}

export function loadLogRegData(dataDir?: string): ImageSet {
  if (dataDir) return loadDataDir("mnist", dataDir);
  const dir = join(REPO_ROOT, "test/fl/data");
  return loadMnist(join(dir, "mnist-t10k-1k-images-idx3-ubyte.gz"), join(dir, "mnist-t10k-1k-labels-idx1-ubyte.gz"));
}

/** The inputs of one step: 16 images from `from`, their one-hot labels, the weights. */
function stepInputs(data: ImageSet, from: number, w: number[][], rate: number): Record<string, unknown> {
  const f = features(data);
  const x = Array.from({ length: BATCH }, (_, i) => Array.from(data.pixels.subarray((from + i) * f, (from + i + 1) * f), (p) => p / 255));
  const y = Array.from({ length: BATCH }, (_, i) => Array.from({ length: CLASSES }, (_, c) => (data.labels[from + i] === c ? 1 : 0)));
  return { x, y, w, rate, slope: 0.25, bias: 0.5 };
}

function accuracy(data: ImageSet, from: number, count: number, w: number[][]): number {
  const f = features(data);
  let right = 0;
  for (let i = from; i < from + count; i++) {
    const scores = new Array<number>(CLASSES).fill(0);
    for (let j = 0; j < f; j++) {
      const p = data.pixels[i * f + j] / 255;
      if (p) for (let c = 0; c < CLASSES; c++) scores[c] += p * w[j][c];
    }
    if (scores.indexOf(Math.max(...scores)) === data.labels[i]) right++;
  }
  return right / count;
}

/** Compiles the example once: the IR for the interpreter and the SPDZ2k program. */
export function compileLogReg(): { ir: NonNullable<ReturnType<typeof compileFile>["ir"]>; program: MpcProgram } {
  const r = compileFile(LOGREG_EXAMPLE);
  if (hasErrors(r.diagnostics) || !r.ir) throw new Error(`${LOGREG_EXAMPLE} does not compile: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  const ds = runPasses(r.ir, "inline,unroll,const-fold");
  if (hasErrors(ds)) throw new Error(`${LOGREG_EXAMPLE}: ${ds.map((d) => d.message).join("; ")}`);
  const c = compileSpdz(r.ir);
  if (!c.program) throw new Error(`${LOGREG_EXAMPLE}: ${c.diagnostics.map((d) => d.message).join("; ")}`);
  return { ir: r.ir, program: c.program };
}

/** One protocol run with two in-process parties; the revealed weights and each party's counters. */
async function mpcStep(program: MpcProgram, raw: Record<string, unknown>, opts: LogRegOptions, step: number): Promise<{ w: number[][]; nets: PartyNet[] }> {
  const nets = await connectInProcess(2, { link: opts.link ? parseLink(opts.link) : undefined, timeoutMs: 300_000 });
  const out = await Promise.all(
    nets.map(async (net) => {
      const prep: Preprocessing = opts.preprocessing === "ot" ? await OtPreprocessing.setup(net) : new InsecureDealer(net.party, 2, Buffer.from(`logreg step ${step}`));
      const party = new Spdz2kParty(net, prep);
      return runProgram(party, program, programInputs(program, net.party, raw, `step ${step}`));
    }),
  );
  const vals = out[0].revealed.map((v) => Number(v) / 2 ** FRAC);
  return { w: Array.from({ length: vals.length / CLASSES }, (_, j) => vals.slice(j * CLASSES, (j + 1) * CLASSES)), nets };
}

export async function trainLogReg(opts: LogRegOptions): Promise<LogRegReport> {
  const progress = opts.progress ?? (() => {});
  const data = loadLogRegData(opts.dataDir);
  if (opts.train + opts.test > data.n) throw new Error(`${opts.train} training and ${opts.test} test images: the data has ${data.n}`);
  const { ir, program } = compileLogReg();
  const f = features(data);
  const rate = opts.learningRate / BATCH;
  let wClear = Array.from({ length: f }, () => new Array<number>(CLASSES).fill(0));
  let wMpc = wClear.map((r) => r.slice());
  const perEpoch = Math.floor(opts.train / BATCH);
  const bytes: Record<string, number> = {};
  let rounds = 0;
  let clearMs = 0;
  let mpcMs = 0;
  let steps = 0;
  for (let e = 0; e < opts.epochs; e++)
    for (let b = 0; b < perEpoch; b++) {
      let t = performance.now();
      const res = interpret(ir, { inputs: stepInputs(data, b * BATCH, wClear, rate) });
      if (!res.ok) throw new Error(`the clear run failed: ${res.diagnostics.map((d) => d.message).join("; ")}`);
      wClear = res.revealed[0].json as number[][];
      clearMs += performance.now() - t;
      t = performance.now();
      const { w, nets } = await mpcStep(program, stepInputs(data, b * BATCH, wMpc, rate), opts, steps);
      mpcMs += performance.now() - t;
      wMpc = w;
      const st = nets[0].stats();
      for (const [k, v] of Object.entries(st.perPhase)) bytes[k] = (bytes[k] ?? 0) + v.sent;
      rounds += Object.values(st.rounds).reduce((a, x) => a + x, 0);
      for (const n of nets) n.destroy();
      steps++;
      progress("LR training", steps, opts.epochs * perEpoch, `epoch ${e + 1}/${opts.epochs}, ${Math.round(mpcMs / steps)} ms per MPC step`);
    }
  let maxWeightDiff = 0;
  wClear.forEach((r, j) => r.forEach((x, c) => (maxWeightDiff = Math.max(maxWeightDiff, Math.abs(x - wMpc[j][c])))));
  const from = data.n - opts.test;
  return {
    data: opts.dataDir ?? "test/fl/data (first 1,000 MNIST test images)",
    train: perEpoch * BATCH,
    test: opts.test,
    steps,
    clear: { accuracy: accuracy(data, from, opts.test, wClear), seconds: Math.round(clearMs) / 1000 },
    mpc: { accuracy: accuracy(data, from, opts.test, wMpc), seconds: Math.round(mpcMs) / 1000, bytesPerParty: bytes, rounds },
    maxWeightDiff,
  };
}
