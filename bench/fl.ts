// Vertical federated learning figures (spec/fl.md), all from one run: for MNIST and CIFAR-10 split
// into top/bottom halves (2 parties), LR trained centralised, with the baseline protocol (64-bit
// masked messages) and the improved one (6-bit), each party with its own PartyNet in this process
// over loopback TCP shaped to 10 MB/s; bytes per passive party for training and inference from the
// transport's counters, wall times, accuracies; and the centralised histogram GBDT.
// Data: FL_DATA_DIR=DIR with mnist/ and cifar10/ inside (the standard files), else the committed
// subsets of test/fl/data; FL_TRAIN / FL_TEST rows (default: 80 % / 20 % of what is there).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDataDir, verticalSplit, type ImageSet } from "../runtime/fl/data/index.ts";
import { runLrLocal, trainCentral, argmaxAccuracy, type LrOptions } from "../runtime/fl/lr/index.ts";
import { trainGbdt, predictGbdt, GBDT_DEFAULTS } from "../runtime/fl/gbdt/index.ts";
import { parseLink } from "../runtime/mpc/net/index.ts";

const LINK = "10MB/s";
const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function one(all: ImageSet, learningRate: number) {
  const nTrain = Number(process.env.FL_TRAIN ?? Math.floor(all.n * 0.8));
  const nTest = Number(process.env.FL_TEST ?? all.n - nTrain);
  const { parties, central } = verticalSplit(all, "halves", nTrain, nTest);
  const opts: LrOptions = { protocol: "baseline", classes: 10, epochs: 10, batch: 50, learningRate, seed: Buffer.from("bench-fl") };
  let t = performance.now();
  const c = trainCentral(central, opts);
  const centralSeconds = (performance.now() - t) / 1000;
  const lr: Record<string, unknown> = { centralised: { accuracy: c.accuracy, seconds: round3(centralSeconds) } };
  for (const protocol of ["baseline", "improved"] as const) {
    t = performance.now();
    const r = await runLrLocal(parties, { ...opts, protocol }, parseLink(LINK));
    const ph = (name: string) => (r[1].stats.perPhase[name]?.sent ?? 0) + (r[1].stats.perPhase[name]?.received ?? 0);
    lr[protocol] = { accuracy: r[0].accuracy, trainBytesPerPassiveParty: ph("train"), predictBytesPerPassiveParty: ph("predict"), seconds: round3((performance.now() - t) / 1000) };
  }
  const b = lr.baseline as { trainBytesPerPassiveParty: number; predictBytesPerPassiveParty: number };
  const i = lr.improved as typeof b;
  lr.trainReduction = round3(b.trainBytesPerPassiveParty / i.trainBytesPerPassiveParty);
  lr.predictReduction = round3(b.predictBytesPerPassiveParty / i.predictBytesPerPassiveParty);
  t = performance.now();
  const g = trainGbdt(central.train, central.d, central.trainLabels!, { ...GBDT_DEFAULTS, classes: 10 });
  const gbdt = {
    centralised: { accuracy: argmaxAccuracy(predictGbdt(g.model, central.test, 10), 10, central.testLabels!), seconds: round3((performance.now() - t) / 1000), rounds: GBDT_DEFAULTS.rounds, depth: GBDT_DEFAULTS.depth, bins: GBDT_DEFAULTS.bins },
    vertical: "not built yet (spec/fl.md)",
  };
  return { train: nTrain, test: nTest, lr, gbdt };
}

export async function run(): Promise<object> {
  const env = process.env.FL_DATA_DIR;
  const local = join(fileURLToPath(new URL(".", import.meta.url)), "../test/fl/data");
  const mnist = loadDataDir("mnist", env ? join(env, "mnist") : local);
  const cifar = loadDataDir("cifar10", env ? join(env, "cifar10") : local);
  const out = {
    note: `2 parties (halves), LR 10 epochs batch 50, links ${LINK}, parties in one process over loopback TCP; data: ${env ? "FL_DATA_DIR" : "the committed subsets (test/fl/data)"}`,
    mnist: await one(mnist, 0.05),
    cifar10: await one(cifar, 0.01),
  };
  console.log(JSON.stringify(out, null, 2));
  return out;
}
