// Vertical federated learning figures (spec/fl.md), all from one run: for MNIST and CIFAR-10, LR and
// GBDT with 2 parties (top/bottom halves) and 4 (quadrants), each trained centralised, with the
// baseline protocol (64-bit messages) and the improved one (few-bit; for LR with the passive weights
// secret-shared, and besides it the improved protocol that opens the gradients); every party and the
// dealer with its own PartyNet in this process over loopback TCP shaped to 10 MB/s; bytes per passive
// party for training and inference from the transport's counters (the dealer's bytes apart), wall
// times, accuracies.
// Data: FL_DATA_DIR=DIR with mnist/ and cifar10/ inside (the standard files), else the committed
// subsets of test/fl/data; FL_TRAIN / FL_TEST rows (default: 80 % / 20 % of what is there);
// FL_GBDT_ROUNDS (default 5: the baseline's 64-bit products are the slow part).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDataDir, verticalSplit, type ImageSet, type Split } from "../runtime/fl/data/index.ts";
import { runLrLocal, trainCentral, argmaxAccuracy, type LrOptions } from "../runtime/fl/lr/index.ts";
import { trainGbdt, predictGbdt, GBDT_DEFAULTS } from "../runtime/fl/gbdt/index.ts";
import { runVGbdtLocal, binsOf, type VGbdtOptions } from "../runtime/fl/gbdt/vertical.ts";
import { parseLink, type NetStats } from "../runtime/mpc/net/index.ts";

const LINK = "10MB/s";
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const seconds = (t: number) => round3((performance.now() - t) / 1000);
const phase = (s: NetStats, name: string) => (s.perPhase[name]?.sent ?? 0) + (s.perPhase[name]?.received ?? 0);
const dealerBytes = (s?: NetStats) => (s ? s.perPeer.reduce((a, p) => a + p.sent, 0) : 0);

function rows(all: ImageSet) {
  const nTrain = Number(process.env.FL_TRAIN ?? Math.floor(all.n * 0.8));
  return { nTrain, nTest: Number(process.env.FL_TEST ?? all.n - nTrain) };
}

async function lr(all: ImageSet, split: Split, learningRate: number) {
  const { nTrain, nTest } = rows(all);
  const { parties, central } = verticalSplit(all, split, nTrain, nTest);
  const opts: LrOptions = { protocol: "baseline", classes: 10, epochs: 10, batch: 50, learningRate, seed: Buffer.from("bench-fl") };
  let t = performance.now();
  const c = trainCentral(central, opts);
  const out: Record<string, unknown> = { parties: parties.length, split, train: nTrain, test: nTest, centralised: { accuracy: c.accuracy, seconds: seconds(t) } };
  for (const [name, protocol, sharedWeights] of [
    ["baseline", "baseline", false],
    ["improved", "improved", true],
    ["improvedOpenedGradients", "improved", false],
  ] as const) {
    t = performance.now();
    const r = await runLrLocal(parties, { ...opts, protocol, sharedWeights }, parseLink(LINK));
    out[name] = {
      accuracy: r[0].accuracy,
      trainBytesPerPassiveParty: r.slice(1).map((x) => phase(x.stats, "train")),
      predictBytesPerPassiveParty: r.slice(1).map((x) => phase(x.stats, "predict")),
      dealerBytes: dealerBytes(r.dealer),
      seconds: seconds(t),
    };
  }
  return withReductions(out);
}

async function gbdt(all: ImageSet, split: Split) {
  const { nTrain, nTest } = rows(all);
  const { parties, central } = verticalSplit(all, split, nTrain, nTest);
  const opts: VGbdtOptions = { ...GBDT_DEFAULTS, classes: 10, rounds: Number(process.env.FL_GBDT_ROUNDS ?? 5), protocol: "baseline" };
  let t = performance.now();
  const g = trainGbdt(central.train, central.d, central.trainLabels!, opts);
  const out: Record<string, unknown> = {
    parties: parties.length,
    split,
    train: nTrain,
    test: nTest,
    rounds: opts.rounds,
    depth: opts.depth,
    centralised: { accuracy: argmaxAccuracy(predictGbdt(g.model, central.test, 10), 10, central.testLabels!), bins: opts.bins, seconds: seconds(t) },
  };
  for (const protocol of ["baseline", "improved"] as const) {
    t = performance.now();
    const o = { ...opts, protocol };
    const r = await runVGbdtLocal(parties, o, parseLink(LINK), {}, 600_000);
    out[protocol] = {
      accuracy: r[0].accuracy,
      bins: binsOf(o),
      trainBytesPerPassiveParty: r.slice(1).map((x) => phase(x.stats, "train")),
      predictBytesPerPassiveParty: r.slice(1).map((x) => phase(x.stats, "predict")),
      dealerBytes: dealerBytes(r.dealer),
      seconds: seconds(t),
    };
  }
  return withReductions(out);
}

function withReductions(out: Record<string, unknown>) {
  type P = { trainBytesPerPassiveParty: number[]; predictBytesPerPassiveParty: number[] };
  const b = out.baseline as P;
  const i = out.improved as P;
  out.trainReduction = round3(b.trainBytesPerPassiveParty[0] / i.trainBytesPerPassiveParty[0]);
  out.predictReduction = round3(b.predictBytesPerPassiveParty[0] / i.predictBytesPerPassiveParty[0]);
  return out;
}

export async function run(): Promise<object> {
  const env = process.env.FL_DATA_DIR;
  const local = join(fileURLToPath(new URL(".", import.meta.url)), "../test/fl/data");
  const mnist = loadDataDir("mnist", env ? join(env, "mnist") : local);
  const cifar = loadDataDir("cifar10", env ? join(env, "cifar10") : local);
  const steps = [
    ["mnist lr halves", () => lr(mnist, "halves", 0.05)],
    ["mnist lr quadrants", () => lr(mnist, "quadrants", 0.05)],
    ["cifar10 lr halves", () => lr(cifar, "halves", 0.01)],
    ["cifar10 lr quadrants", () => lr(cifar, "quadrants", 0.01)],
    ["mnist gbdt halves", () => gbdt(mnist, "halves")],
    ["mnist gbdt quadrants", () => gbdt(mnist, "quadrants")],
    ["cifar10 gbdt halves", () => gbdt(cifar, "halves")],
    ["cifar10 gbdt quadrants", () => gbdt(cifar, "quadrants")],
  ] as const;
  const results: Record<string, unknown> = {};
  const t0 = performance.now();
  for (const [i, [name, f]] of steps.entries()) {
    process.stderr.write(`fl: ${name} (${i + 1}/${steps.length}, ${seconds(t0)} s so far)\n`);
    results[name] = await f();
  }
  const out = {
    note: `LR 10 epochs batch 50 (improved: passive weights secret-shared; improvedOpenedGradients: the passive parties open their gradients); GBDT depth 3, rounds as given; a dealer party besides the data parties; links ${LINK}; every party in one process over loopback TCP; data: ${env ? "FL_DATA_DIR" : "the committed subsets (test/fl/data)"}; bytes: sent + received by each passive party, per phase, frames with headers`,
    mnist: { lrHalves: results["mnist lr halves"], lrQuadrants: results["mnist lr quadrants"], gbdtHalves: results["mnist gbdt halves"], gbdtQuadrants: results["mnist gbdt quadrants"] },
    cifar10: { lrHalves: results["cifar10 lr halves"], lrQuadrants: results["cifar10 lr quadrants"], gbdtHalves: results["cifar10 gbdt halves"], gbdtQuadrants: results["cifar10 gbdt quadrants"] },
  };
  console.log(JSON.stringify(out, null, 2));
  return out;
}
