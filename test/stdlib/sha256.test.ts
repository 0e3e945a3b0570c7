// std::hash::sha256 equals node:crypto on messages of every length 0..200 bytes (one circuit per length,
// since padding is laid out at compile time; all compiled in one file), plus `to_bytes` and a wrong
// digest failing at the assertion's span.
import { describe, it, expect, beforeAll } from "vitest";
import { createHash } from "node:crypto";
import { compileTextOk, type Compiled } from "./util.ts";

const MAX_LEN = 200;
const lines = ["use std::hash::sha256;"];
for (let n = 0; n <= MAX_LEN; n++)
  lines.push(`circuit Sha${n}(pub digest: [u32; 8], priv msg: [u8; ${n}]) { let d = sha256::hash(msg); for i in 0..8 { assert_eq(d[i], digest[i], "digest word differs"); } }`);
lines.push(
  "circuit ShaBytes(pub digest: [u8; 32], priv msg: [u8; 3]) { let d = sha256::to_bytes(sha256::hash(msg)); for i in 0..32 { assert_eq(d[i], digest[i]); } }",
);
const SOURCE = lines.join("\n") + "\n";

/** Deterministic bytes that differ per length and position (so block boundaries see varied data). */
const message = (n: number) => Array.from({ length: n }, (_, i) => (i * 131 + n * 7 + ((i * i) >> 3)) & 255);
const digestWords = (msg: number[]) => {
  const d = createHash("sha256").update(Buffer.from(msg)).digest();
  return Array.from({ length: 8 }, (_, i) => d.readUInt32BE(4 * i));
};

describe("std::hash::sha256 equals node:crypto", () => {
  let c: Compiled;
  beforeAll(() => {
    c = compileTextOk("test/stdlib/sha256_lengths.cwl", SOURCE);
  });

  it(`every length 0..${MAX_LEN}`, () => {
    const failed: number[] = [];
    for (let n = 0; n <= MAX_LEN; n++) {
      const msg = message(n);
      const r = c.runEntry(`Sha${n}`, { digest: digestWords(msg), msg });
      if (!r.ok) failed.push(n);
    }
    expect(failed).toEqual([]);
  });

  it("to_bytes gives the digest bytes (\"abc\")", () => {
    const msg = [...Buffer.from("abc")];
    const digest = [...createHash("sha256").update(Buffer.from(msg)).digest()];
    expect(Buffer.from(digest).toString("hex")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(c.runEntry("ShaBytes", { digest, msg }).ok).toBe(true);
  });

  it("a wrong digest fails at the assertion's span", () => {
    for (const n of [0, 55, 56, 64, 200]) {
      const msg = message(n);
      const digest = digestWords(msg);
      digest[7] ^= 1;
      const r = c.runEntry(`Sha${n}`, { digest, msg });
      expect(r.ok).toBe(false);
      expect(c.render(r.diagnostics)).toMatch(new RegExp(`sha256_lengths\\.cwl:${n + 2}:\\d+: error\\[E0501\\]: digest word differs`));
    }
  });
});
