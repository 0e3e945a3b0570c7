import { describe, it, expect } from "vitest";
import { parseIdx, splitFeatures, loadDataDir, DataError, loadCifar10 } from "../../runtime/fl/data/index.ts";
import { mnist, cifar, DATA_DIR } from "./fixtures.ts";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";

describe("fl data loaders", () => {
  it("reads the MNIST subset: the official test set's first labels and pixels", () => {
    const s = mnist();
    expect([s.n, s.height, s.width, s.channels]).toEqual([1000, 28, 28, 1]);
    // The MNIST test set starts 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 (as every MNIST tutorial prints).
    expect(Array.from(s.labels.subarray(0, 20))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4]);
    // Row 7 of the first image: the top bar of its 7.
    expect(Array.from(s.pixels.subarray(7 * 28 + 6, 7 * 28 + 12))).toEqual([84, 185, 159, 151, 60, 36]);
    expect(s.pixels.subarray(0, 784).reduce((a, b) => a + b, 0)).toBe(18454);
    expect(s.pixels.subarray(999 * 784, 1000 * 784).reduce((a, b) => a + b, 0)).toBe(18905);
  });

  it("reads the CIFAR-10 subset: labels interleaved by class, channels in planes", () => {
    const s = cifar();
    expect([s.n, s.height, s.width, s.channels]).toEqual([500, 32, 32, 3]);
    expect(Array.from(s.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const f = 3072;
    expect([s.pixels[0], s.pixels[1024], s.pixels[2048]]).toEqual([141, 158, 179]);
    expect(s.pixels[499 * f + f - 1]).toBe(112);
    expect(s.pixels.subarray(f, 2 * f).reduce((a, b) => a + b, 0)).toBe(232122);
  });

  it("finds both sets in a directory, gzipped or not", () => {
    expect(loadDataDir("mnist", DATA_DIR).n).toBe(1000);
    expect(loadDataDir("cifar10", DATA_DIR).n).toBe(500);
    const tmp = mkdtempSync(new URL("./", import.meta.url).pathname + ".plain-");
    try {
      writeFileSync(tmp + "/b.bin", gunzipSync(readFileSync(DATA_DIR + "cifar10-test-500.bin.gz")).subarray(0, 3073 * 3));
      const s = loadCifar10([tmp + "/b.bin"]);
      expect(s.n).toBe(3);
      expect(s.pixels[0]).toBe(141);
      writeFileSync(tmp + "/bad.bin", Buffer.alloc(3000));
      expect(() => loadCifar10([tmp + "/bad.bin"])).toThrow(/not a whole number of 3073-byte/);
    } finally {
      rmSync(tmp, { recursive: true });
    }
  });

  it("rejects malformed idx files with a message", () => {
    expect(() => parseIdx(Buffer.from([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]), "x.idx")).toThrow(/2 data bytes, the header announces 5/);
    expect(() => parseIdx(Buffer.from([1, 0, 8, 1]), "x.idx")).toThrow(DataError);
    expect(() => parseIdx(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), "x.idx")).toThrow(/not unsigned byte/);
    expect(() => loadDataDir("mnist", DATA_DIR + "nope")).toThrow(/no such directory/);
  });

  it("splits by position: halves top/bottom, quadrants, every channel of a pixel with one party", () => {
    const h = splitFeatures({ height: 28, width: 28, channels: 1 }, "halves");
    expect(h.map((c) => c.length)).toEqual([392, 392]);
    expect(h[0].every((i) => Math.floor(i / 28) < 14)).toBe(true);
    expect(h[1].every((i) => Math.floor(i / 28) >= 14)).toBe(true);
    const q = splitFeatures({ height: 32, width: 32, channels: 3 }, "quadrants");
    expect(q.map((c) => c.length)).toEqual([768, 768, 768, 768]);
    expect(new Set(q.flat()).size).toBe(3072);
    // Party 1 = top-right: pixel (y=0, x=31) in all three planes.
    for (const c of [0, 1, 2]) expect(q[1]).toContain(c * 1024 + 31);
    expect(q[2]).toContain(2 * 1024 + 16 * 32 + 0);
  });
});
