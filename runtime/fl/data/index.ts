// Image data sets for federated learning: MNIST in the idx format and CIFAR-10 in its binary layout
// (both read gzipped or plain: a gzip file is recognised by its magic bytes), and the positional
// feature splits that vertical-FL benchmarks use (top/bottom halves, quadrants).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";

/** Images as rows of features (channel-major: index c·H·W + y·W + x), one byte each, and their labels. */
export interface ImageSet {
  name: string;
  n: number;
  height: number;
  width: number;
  channels: number;
  /** n × features bytes, row-major by image. */
  pixels: Uint8Array;
  labels: Uint8Array;
  classes: number;
}

/** A malformed data file; the message names the file and what is wrong with it. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}

export function features(s: ImageSet): number {
  return s.height * s.width * s.channels;
}

function readMaybeGz(file: string): Buffer {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch (e) {
    throw new DataError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    try {
      return gunzipSync(b);
    } catch (e) {
      throw new DataError(`${file}: broken gzip stream (${(e as Error).message})`);
    }
  }
  return b;
}

/** Parses an idx file: 2 zero bytes, a type byte (0x08 = unsigned byte), the rank, rank big-endian u32 sizes, the data. */
export function parseIdx(b: Buffer, file: string): { dims: number[]; data: Uint8Array } {
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) throw new DataError(`${file}: not an idx file (bad magic)`);
  if (b[2] !== 0x08) throw new DataError(`${file}: idx element type 0x${b[2].toString(16)} is not unsigned byte (0x08)`);
  const rank = b[3];
  if (b.length < 4 + 4 * rank) throw new DataError(`${file}: truncated idx header`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(b.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, d) => a * d, 1);
  const off = 4 + 4 * rank;
  if (b.length - off < size) throw new DataError(`${file}: ${b.length - off} data bytes, the header announces ${size}`);
  return { dims, data: new Uint8Array(b.buffer, b.byteOffset + off, size) };
}

/** Reads MNIST from an images file (idx3) and a labels file (idx1). */
export function loadMnist(imagesFile: string, labelsFile: string, name = "mnist"): ImageSet {
  const img = parseIdx(readMaybeGz(imagesFile), imagesFile);
  const lab = parseIdx(readMaybeGz(labelsFile), labelsFile);
  if (img.dims.length !== 3) throw new DataError(`${imagesFile}: images need rank 3 (count, rows, columns), not ${img.dims.length}`);
  if (lab.dims.length !== 1) throw new DataError(`${labelsFile}: labels need rank 1, not ${lab.dims.length}`);
  if (img.dims[0] !== lab.dims[0]) throw new DataError(`${imagesFile}: ${img.dims[0]} images but ${lab.dims[0]} labels in ${labelsFile}`);
  for (const l of lab.data) if (l > 9) throw new DataError(`${labelsFile}: label ${l} is not a digit`);
  return { name, n: img.dims[0], height: img.dims[1], width: img.dims[2], channels: 1, pixels: img.data, labels: lab.data, classes: 10 };
}

const CIFAR_RECORD = 1 + 3 * 32 * 32;

/** Reads CIFAR-10 binary records (1 label byte, then 1024 red, 1024 green, 1024 blue bytes, rows of 32) from one or more files. */
export function loadCifar10(files: readonly string[], name = "cifar10"): ImageSet {
  const parts = files.map((f) => {
    const b = readMaybeGz(f);
    if (b.length % CIFAR_RECORD !== 0) throw new DataError(`${f}: ${b.length} bytes is not a whole number of ${CIFAR_RECORD}-byte CIFAR-10 records`);
    return { f, b };
  });
  const n = parts.reduce((a, p) => a + p.b.length / CIFAR_RECORD, 0);
  const pixels = new Uint8Array(n * (CIFAR_RECORD - 1));
  const labels = new Uint8Array(n);
  let i = 0;
  for (const { f, b } of parts) {
    for (let off = 0; off < b.length; off += CIFAR_RECORD, i++) {
      if (b[off] > 9) throw new DataError(`${f}: record ${off / CIFAR_RECORD} has label ${b[off]}, not 0..9`);
      labels[i] = b[off];
      pixels.set(b.subarray(off + 1, off + CIFAR_RECORD), i * (CIFAR_RECORD - 1));
    }
  }
  return { name, n, height: 32, width: 32, channels: 3, pixels, labels, classes: 10 };
}

/**
 * Loads a data set from a directory: MNIST from `*images-idx3-ubyte[.gz]` and the matching
 * `*labels-idx1-ubyte[.gz]` (the training files preferred when both are there), CIFAR-10 from
 * `*.bin[.gz]` record files (training batches first, then the test batch).
 */
export function loadDataDir(kind: "mnist" | "cifar10", dir: string): ImageSet {
  if (!existsSync(dir)) throw new DataError(`${dir}: no such directory`);
  const names = readdirSync(dir).sort();
  if (kind === "mnist") {
    const images = names.filter((f) => /images-idx3-ubyte(\.gz)?$/.test(f)).sort((a, b) => Number(b.startsWith("train")) - Number(a.startsWith("train")));
    for (const im of images) {
      const lab = names.find((f) => f.replace(/\.gz$/, "") === im.replace(/\.gz$/, "").replace("images-idx3", "labels-idx1"));
      if (lab) return loadMnist(join(dir, im), join(dir, lab));
    }
    throw new DataError(`${dir}: no MNIST pair of *images-idx3-ubyte[.gz] and *labels-idx1-ubyte[.gz] files`);
  }
  const bins = names.filter((f) => /\.bin(\.gz)?$/.test(f)).sort((a, b) => Number(a.startsWith("test")) - Number(b.startsWith("test")));
  if (!bins.length) throw new DataError(`${dir}: no CIFAR-10 *.bin[.gz] record files`);
  return loadCifar10(bins.map((f) => join(dir, f)));
}

/** The first `count` images (a prefix of both interleaved-by-class files stays balanced). */
export function take(s: ImageSet, from: number, count: number): ImageSet {
  const f = features(s);
  const end = Math.min(s.n, from + count);
  return { ...s, n: end - from, pixels: s.pixels.subarray(from * f, end * f), labels: s.labels.subarray(from, end) };
}

export type Split = "halves" | "quadrants";

/**
 * Feature indices held by each party when images are split by position: halves gives party 0 the
 * top rows and party 1 the bottom rows; quadrants gives parties 0..3 the top-left, top-right,
 * bottom-left and bottom-right blocks. Every channel of a pixel goes to the same party.
 */
export function splitFeatures(s: Pick<ImageSet, "height" | "width" | "channels">, split: Split): number[][] {
  const parties = split === "halves" ? 2 : 4;
  const own: number[][] = Array.from({ length: parties }, () => []);
  const hh = s.height >> 1;
  const hw = s.width >> 1;
  for (let c = 0; c < s.channels; c++)
    for (let y = 0; y < s.height; y++)
      for (let x = 0; x < s.width; x++) {
        const p = split === "halves" ? Number(y >= hh) : 2 * Number(y >= hh) + Number(x >= hw);
        own[p].push(c * s.height * s.width + y * s.width + x);
      }
  return own;
}

/** One party's columns of the set, scaled to [0, 1]: n rows of `cols.length` features. */
export function columns(s: ImageSet, cols: readonly number[]): Float64Array {
  const f = features(s);
  const d = cols.length;
  const out = new Float64Array(s.n * d);
  for (let i = 0; i < s.n; i++) {
    const row = i * f;
    for (let j = 0; j < d; j++) out[i * d + j] = s.pixels[row + cols[j]] / 255;
  }
  return out;
}

/**
 * Standardises columns in place with the training rows' mean and standard deviation (each party
 * does this on its own columns, so it costs no communication); constant columns become 0.
 */
export function standardise(train: Float64Array, test: Float64Array, d: number): void {
  const n = train.length / d;
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = train[i * d + j];
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const sd = Math.sqrt(Math.max(0, s2 / n - mean * mean));
    const inv = sd > 1e-9 ? 1 / sd : 0;
    for (let i = 0; i < n; i++) train[i * d + j] = (train[i * d + j] - mean) * inv;
    for (let i = 0; i < test.length / d; i++) test[i * d + j] = (test[i * d + j] - mean) * inv;
  }
}

/** One party's columns of the training and test rows (standardised), with the labels at the active party. */
export interface PartyColumns {
  d: number;
  train: Float64Array;
  test: Float64Array;
  trainLabels?: Uint8Array;
  testLabels?: Uint8Array;
}

/**
 * Rows [0, nTrain) train and the next nTest rows test; party i gets the columns `splitFeatures`
 * gives it, standardised on its own, and party 0 the labels. `central` holds every column and the labels.
 */
export function verticalSplit(all: ImageSet, split: Split, nTrain: number, nTest: number): { parties: PartyColumns[]; central: PartyColumns } {
  if (nTrain + nTest > all.n) throw new DataError(`${all.name}: ${nTrain} training and ${nTest} test rows asked for, the data has ${all.n}`);
  const tr = take(all, 0, nTrain);
  const te = take(all, nTrain, nTest);
  const part = (cols: readonly number[], labels: boolean): PartyColumns => {
    const p: PartyColumns = { d: cols.length, train: columns(tr, cols), test: columns(te, cols) };
    standardise(p.train, p.test, p.d);
    if (labels) Object.assign(p, { trainLabels: tr.labels, testLabels: te.labels });
    return p;
  };
  return {
    parties: splitFeatures(all, split).map((c, i) => part(c, i === 0)),
    central: part(Array.from({ length: features(all) }, (_, i) => i), true),
  };
}
