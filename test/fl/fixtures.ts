// The committed subsets (see test/fl/data/README.md) split between parties as the tests use them.
import { loadMnist, loadCifar10, verticalSplit, type ImageSet, type Split } from "../../runtime/fl/data/index.ts";

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

/** The first 80 % of the rows train, the rest test. */
export function vertical(all: ImageSet, split: Split) {
  const nTrain = Math.floor(all.n * 0.8);
  return verticalSplit(all, split, nTrain, all.n - nTrain);
}
