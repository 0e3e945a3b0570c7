// Go guests (examples/guests/go, SDK guests/go/cwlguest), built with GOOS=wasip1 GOARCH=wasm and for
// the host (the `go run` reference): the native runs must equal the outside references (node:crypto,
// BigInt arithmetic, JSON.stringify), and each zkVM run its native run. Skips, saying why, without
// Go 1.21 or later.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { buildGo, findGo } from "../../tooling/guest/index.ts";
import { nativeRun, u32le, vmProgram, vmRun } from "./util.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { runCwlInProcess } from "../util/cli.ts";
import { secp256k1 } from "@noble/curves/secp256k1.js";

const go = findGo();
if (typeof go === "string") console.log(`test/guests/go: skipped: ${go} (npm run setup:toolchains installs it)`);
const dir = (name: string) => join(REPO_ROOT, "examples", "guests", "go", name);
const enc = (s: string) => new TextEncoder().encode(s);

const fib = (n: number) => {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i++) [a, b] = [b, (a + b) & 0xffffffffffffffffn];
  return String(a);
};
const DOC = `{"a": [1, -2, 30], "s": "x\\"\\\\\\u00e9\\n\\ud83d\\ude00\\u0001", "o": {"t": true, "n": null}, "e": []}`;

describe.skipIf(typeof go === "string")("Go guests", () => {
  const exe: Record<string, string> = {};
  beforeAll(() => {
    for (const g of ["fib", "sha256", "json", "ecdsa"]) exe[g] = buildGo(dir(g), "host");
  }, 600_000);

  it("native runs equal node:crypto, BigInt and JSON.stringify", () => {
    for (const len of [0, 55, 64, 200]) {
      const msg = Uint8Array.from({ length: len }, (_, i) => (i * 7 + 1) & 255);
      expect(nativeRun(exe.sha256, msg)).toEqual({ exit: 0, out: createHash("sha256").update(msg).digest("hex") });
    }
    for (const n of [0, 1, 93, 94, 300]) expect(nativeRun(exe.fib, u32le(n))).toEqual({ exit: 0, out: fib(n) });
    expect(nativeRun(exe.json, enc(DOC))).toEqual({ exit: 0, out: `${JSON.stringify(JSON.parse(DOC))}\n29` });
    for (const bad of [`{"a":}`, `[1,]`, `01`, `1.5`]) expect(nativeRun(exe.json, enc(bad)).exit).toBe(1);
  });

  // The Go runtime (scheduler, allocator, GC, about 26 M instructions before main) runs in the VM
  // through WASI and soft-float; each example once, at a small input.
  it("each zkVM run equals its native run", { timeout: 600_000 }, async () => {
    const msg = Uint8Array.from({ length: 100 }, (_, i) => i);
    for (const [g, input] of [["fib", u32le(94)], ["sha256", msg], ["json", enc(DOC)]] as const) {
      const p = await vmProgram(buildGo(dir(g)));
      const r = vmRun(p, input);
      expect({ exit: r.exit, out: r.out }, g).toEqual(nativeRun(exe[g], input));
      expect(r.instructions).toBeGreaterThan(20_000_000);
    }
  });

  it("cwl guest new --lang go, then cwl guest build: the scaffold (its go.mod replacing the SDK by path) runs in the zkVM", { timeout: 600_000 }, async () => {
    const tmp = mkdtempSync(join(tmpdir(), "cwl-guest-go-"));
    expect((await runCwlInProcess(["guest", "new", "--lang", "go", "hello"], tmp)).status).toBe(0);
    const b = await runCwlInProcess(["guest", "build", "hello"], tmp);
    expect(b.status, b.out).toBe(0);
    const p = await vmProgram(join(tmp, "hello", "build", "hello.wasm"));
    expect(vmRun(p, enc("abc"))).toMatchObject({ exit: 0, out: "3 294" });
  });

  it("ecdsa: native runs agree with @noble/curves; the zkVM run of a valid signature equals the native run", { timeout: 600_000 }, async () => {
    const priv = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const pub = secp256k1.getPublicKey(priv, false);
    const h = createHash("sha256").update("cwl go guest").digest();
    const sig = secp256k1.sign(h, priv, { prehash: false });
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt("0x" + Buffer.from(sig.subarray(32)).toString("hex"));
    const highS = Buffer.concat([sig.subarray(0, 32), Buffer.from((N - s).toString(16).padStart(64, "0"), "hex")]);
    const bad = Buffer.from(h);
    bad[0] ^= 0x80;
    const off = Buffer.from(pub);
    off[40] ^= 1;
    for (const [hash, sg, pk] of [[h, sig, pub], [h, highS, pub], [bad, sig, pub], [h, sig, off]] as const) {
      let ref = false;
      try {
        ref = secp256k1.verify(sg, hash, pk, { prehash: false, lowS: false });
      } catch {
        ref = false;
      }
      expect(nativeRun(exe.ecdsa, Buffer.concat([hash, sg, pk]))).toEqual({ exit: 0, out: ref ? "1" : "0" });
    }
    const input = Buffer.concat([h, sig, pub]);
    const p = await vmProgram(buildGo(dir("ecdsa")));
    expect(vmRun(p, input)).toMatchObject({ exit: 0, out: "1" });
  });
});
