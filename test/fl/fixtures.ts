// The committed subsets (see test/fl/data/README.md) split between parties as the tests use them.
import { loadMnist, loadCifar10, take, splitFeatures, columns, features, standardise, type ImageSet, type Split } from "../../runtime/fl/data/index.ts";
import type { LrPartyData } from "../../runtime/fl/lr/index.ts";

const dir = new URL("./data/", import.meta.url).pathname;
export const MNIST_IMAGES = dir + "mnist-t10k-1k-images-idx3-ubyte.gz";
export const MNIST_LABELS = dir + "mnist-t10k-1k-labels-idx1-ubyte.gz";
export const CIFAR = dir + "cifar10-test-500.bin.gz";
export const DATA_DIR = dir;

export function mnist(): ImageSet {
  return loadMnist(MNIST_IMAGES, MNIST_LABELS);
}

export function cifar(): ImageSet {
  return loadCifar10([CIFAR]);
}

/** The first 80 % of the rows train, the rest test; each party's columns standardised locally. */
export function vertical(all: ImageSet, split: Split): { parties: LrPartyData[]; central: LrPartyData } {
  const nTrain = Math.floor(all.n * 0.8);
  const tr = take(all, 0, nTrain);
  const te = take(all, nTrain, all.n - nTrain);
  const part = (cols: number[], labels: boolean): LrPartyData => {
    const p: LrPartyData = { d: cols.length, train: columns(tr, cols), test: columns(te, cols) };
    standardise(p.train, p.test, p.d);
    if (labels) Object.assign(p, { trainLabels: tr.labels, testLabels: te.labels });
    return p;
  };
  return {
    parties: splitFeatures(all, split).map((c, i) => part(c, i === 0)),
    central: part(Array.from({ length: features(all) }, (_, i) => i), true),
  };
}
