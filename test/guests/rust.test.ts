// Rust guests (examples/guests/rust, SDK guests/rust/cwl-guest): each is built for
// wasm32-unknown-unknown, compiled by `cwl build --target zkvm` and run in the zkVM, and built for the
// host and run natively; the two runs must agree with each other and with an outside reference
// (node:crypto, BigInt arithmetic, JSON.stringify). Skips, saying why, without a rustc that has the
// wasm32 standard library.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { buildRust, findRustc } from "../../tooling/guest/index.ts";
import { type Run, nativeRun, u32le, vmProgram, vmRun } from "./util.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { runCwlInProcess } from "../util/cli.ts";
import { secp256k1 } from "@noble/curves/secp256k1.js";

const rc = findRustc();
if (typeof rc === "string") console.log(`test/guests/rust: skipped: ${rc} (npm run setup:toolchains installs it)`);
const src = (f: string) => join(REPO_ROOT, "examples", "guests", "rust", f);
const enc = (s: string) => new TextEncoder().encode(s);

/** Builds an example both ways; `both(input)` runs it in the VM and natively. */
function guest(file: string) {
  let vm: Awaited<ReturnType<typeof vmProgram>>;
  let exe: string;
  beforeAll(async () => {
    vm = await vmProgram(buildRust(src(file)));
    exe = buildRust(src(file), "host");
  }, 600_000);
  return (input: Uint8Array): { vm: Run; native: Run } => {
    const v = vmRun(vm, input);
    const nat = nativeRun(exe, input);
    expect({ exit: v.exit, out: v.out }).toEqual(nat);
    return { vm: v, native: nat };
  };
}

describe.skipIf(typeof rc === "string")("Rust guests: zkVM run = native run = reference", () => {
  describe("sha256.rs", () => {
    const both = guest("sha256.rs");
    it("equals node:crypto on lengths around the padding boundaries", () => {
      for (const len of [0, 3, 55, 56, 64, 119, 200]) {
        const msg = Uint8Array.from({ length: len }, (_, i) => (i * 131 + len) & 255);
        const r = both(msg);
        expect(r.vm.exit).toBe(0);
        expect(r.vm.out).toBe(createHash("sha256").update(msg).digest("hex"));
      }
    });
  });

  describe("fib.rs", () => {
    const both = guest("fib.rs");
    it("F(n) mod 2^64, past the wrap", () => {
      const fib = (n: number) => {
        let [a, b] = [0n, 1n];
        for (let i = 0; i < n; i++) [a, b] = [b, (a + b) & 0xffffffffffffffffn];
        return a;
      };
      for (const n of [0, 1, 2, 10, 93, 94, 300]) expect(both(u32le(n)).vm.out).toBe(String(fib(n)));
    });
    it("a short input is a panic: exit code 101 in the VM as natively", () => {
      expect(both(Uint8Array.of(1, 2)).vm.exit).toBe(101);
    });
  });

  describe("json.rs", () => {
    const both = guest("json.rs");
    it("writes JSON.stringify's form and the sum of the numbers", () => {
      const docs = [
        `{"a": [1, -2, 30], "s": "x\\"\\\\\\u00e9\\n\\ud83d\\ude00\\u0001", "o": {"t": true, "f": false, "n": null}, "e": [], "q": {}}`,
        ` [ 9007199254740991 , -9007199254740991 , "ü" ] `,
        `"\\t"`,
        `0`,
      ];
      for (const d of docs) {
        const r = both(enc(d));
        const nums = d.replace(/"(?:[^"\\]|\\.)*"/g, "").match(/-?\d+/g) ?? [];
        expect(r.vm.exit).toBe(0);
        const [text, sum] = r.vm.out.split("\n");
        expect(text).toBe(JSON.stringify(JSON.parse(d)));
        expect(sum).toBe(String(nums.reduce((s, x) => BigInt.asIntN(64, s + BigInt(x)), 0n)));
      }
    });
    it("malformed JSON exits with code 1", () => {
      for (const d of [`{"a":}`, `[1,]`, `01`, `1.5`, `"abc`, `{} x`, "[".repeat(100) + "]".repeat(100)]) expect(both(enc(d)).vm.exit, d).toBe(1);
    });
  });

  describe("ecdsa.rs", () => {
    const both = guest("ecdsa.rs");
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const hex32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, "0"), "hex");
    it("agrees with @noble/curves on valid, high-s, tampered and malformed signatures", { timeout: 120_000 }, () => {
      const priv = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
      const pub = secp256k1.getPublicKey(priv, false);
      const other = secp256k1.getPublicKey(Uint8Array.from({ length: 32 }, (_, i) => 40 - i), false);
      const h = createHash("sha256").update("cwl guest").digest();
      const sig = secp256k1.sign(h, priv, { prehash: false });
      const r = BigInt("0x" + Buffer.from(sig.subarray(0, 32)).toString("hex"));
      const sv = BigInt("0x" + Buffer.from(sig.subarray(32)).toString("hex"));
      const highS = Buffer.concat([sig.subarray(0, 32), hex32(N - sv)]);
      const badHash = Buffer.from(h);
      badHash[5] ^= 1;
      const offCurve = Buffer.from(pub);
      offCurve[64] ^= 1;
      const cases: [string, Uint8Array, Uint8Array, Uint8Array][] = [
        ["valid", h, sig, pub],
        ["high s", h, highS, pub],
        ["another hash", badHash, sig, pub],
        ["another key", h, sig, other],
        ["a point off the curve", h, sig, offCurve],
        ["r = 0", h, Buffer.concat([hex32(0n), sig.subarray(32)]), pub],
        ["s = n", h, Buffer.concat([sig.subarray(0, 32), hex32(N)]), pub],
        ["r + n as r", h, Buffer.concat([hex32(r + N > (1n << 256n) - 1n ? r : r + N), sig.subarray(32)]), pub],
      ];
      for (const [what, hash, sg, pk] of cases) {
        let ref = false;
        try {
          ref = secp256k1.verify(sg, hash, pk, { prehash: false, lowS: false });
        } catch {
          ref = false;
        }
        const got = both(Buffer.concat([hash, sg, pk]));
        expect(got.vm, what).toMatchObject({ exit: 0, out: ref ? "1" : "0" });
        if (what === "valid" || what === "high s") expect(ref, what).toBe(true);
      }
      expect(both(Buffer.concat([h, sig])).vm.exit).toBe(1);
    });
  });

  it("cwl guest new --lang rust, then cwl guest build: the scaffold runs in the zkVM; a compile error is exit 1 with rustc's message", { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-guest-new-"));
    expect((await runCwlInProcess(["guest", "new", "--lang", "rust", "hello"], dir)).status).toBe(0);
    const b = await runCwlInProcess(["guest", "build", "hello"], dir);
    expect(b.status, b.out).toBe(0);
    const p = await vmProgram(join(dir, "hello", "build", "hello.wasm"));
    expect(vmRun(p, enc("abc"))).toMatchObject({ exit: 0, out: "3 294" });
    writeFileSync(join(dir, "hello", "src", "main.rs"), "fn main() { let x: u32 = \"no\"; }\n");
    const bad = await runCwlInProcess(["guest", "build", "hello"], dir);
    expect(bad.status).toBe(1);
    expect(bad.out).toMatch(/error: compiling main\.rs with rustc [\d.]+ failed:[\s\S]*mismatched types/);
  });
});
