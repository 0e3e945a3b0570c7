// The soft-float library (compiler/wasm/softfloat.rs, compiled to compiler/wasm/softfloat-wasm.ts)
// against V8's own float instructions as the outside reference: 10,000 operands (pairs) per
// operation, weighted towards ±0, ±inf, NaNs with payloads, subnormals and range boundaries. Results
// must be bit-exact; a NaN result must be the canonical NaN (which the spec allows for every float
// operation); a trapping conversion must report a trap exactly where V8 traps, and NaN apart.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import wabtInit from "wabt";
import { REPO_ROOT } from "../../base/files/index.ts";
import { SOFTFLOAT_WASM_BASE64 } from "../../compiler/wasm/softfloat-wasm.ts";
import { buildSoftfloat, softfloatSource } from "../../scripts/build-softfloat.ts";
import { CANONICAL, FLOAT_OPS, bitsOf, isNaNBits, operands, softfloatExports, width } from "./softfloat-ops.ts";

interface V8Api {
  instantiate(b: Uint8Array): Promise<{ instance: { exports: Record<string, (...a: unknown[]) => unknown> } }>;
}
const V8 = (globalThis as unknown as { WebAssembly: V8Api }).WebAssembly;
const N = 10_000;

/** A module with one export per operation: the native instruction between reinterpretations. */
function referenceWat(): string {
  const fns = FLOAT_OPS.map((op, k) => {
    const params = op.ins.map((t, i) => `(param $p${i} ${bitsOf(t)})`).join(" ");
    const args = op.ins.map((t, i) => (t.startsWith("f") ? `(${t}.reinterpret_${bitsOf(t)} (local.get $p${i}))` : `(local.get $p${i})`)).join(" ");
    const body = `(${op.wasm} ${args})`;
    const res = op.out.startsWith("f") ? `(${bitsOf(op.out)}.reinterpret_${op.out} ${body})` : body;
    return `(func (export "op${k}") ${params} (result ${bitsOf(op.out)}) ${res})`;
  });
  return `(module ${fns.join("\n")})`;
}

const toJs = (t: string, v: bigint) => (bitsOf(t) === "i32" ? Number(BigInt.asIntN(32, v)) : BigInt.asIntN(64, v));
const fromJs = (t: string, v: unknown) => BigInt.asUintN(width(t), BigInt(v as number | bigint));

describe("soft-float library against V8", async () => {
  const wabt = await wabtInit();
  const ref = (await V8.instantiate(wabt.parseWat("ref.wat", referenceWat(), {}).toBinary({}).buffer)).instance.exports;
  const sf = (await V8.instantiate(new Uint8Array(Buffer.from(SOFTFLOAT_WASM_BASE64, "base64")))).instance.exports;

  it("uses no memory, globals, calls or float instructions", () => {
    const m = wabt.readWasm(new Uint8Array(Buffer.from(SOFTFLOAT_WASM_BASE64, "base64")), {});
    const text = m.toText({}).split("\n").filter((l) => /^\s{4}/.test(l)).join("\n");
    expect(text).not.toMatch(/global\.|\.load|\.store|memory\.|call|f32\.|f64\./);
  });

  it("the committed module is the one compiler/wasm/softfloat.rs compiles to (with the same rustc)", (ctx) => {
    const committed = readFileSync(join(REPO_ROOT, "compiler", "wasm", "softfloat-wasm.ts"), "utf8");
    let version = "";
    try {
      version = execFileSync(process.env.RUSTC ?? "/usr/bin/rustc", ["--version"]).toString().trim().split(" ")[1];
    } catch {
      console.log("softfloat: no rustc at /usr/bin/rustc (npm run setup:toolchains); the rebuild check is skipped");
      return ctx.skip();
    }
    if (!committed.includes(`(rustc ${version},`)) {
      console.log(`softfloat: rustc ${version} is not the version the module was built with; the rebuild check is skipped`);
      return ctx.skip();
    }
    expect(softfloatSource(buildSoftfloat())).toBe(committed);
  });

  FLOAT_OPS.forEach((op, k) => {
    it(`${op.wasm}: ${N} operands bit-exact`, () => {
      const gen = operands(1000 + k);
      const { value, check } = softfloatExports(op);
      let bad: string[] = [];
      for (let i = 0; i < N && bad.length < 5; i++) {
        const args = op.ins.map((t) => gen(t));
        const js = args.map((a, j) => toJs(op.ins[j], a));
        let want: bigint | "trap";
        try {
          want = fromJs(op.out, ref[`op${k}`](...js));
        } catch (e) {
          if (!(e instanceof Error) || !/unrepresentable|overflow|invalid/.test(e.message)) throw e;
          want = "trap";
        }
        const got = fromJs(op.out, sf[value](...js));
        const show = () => `${op.wasm}(${args.map((a) => `0x${a.toString(16)}`).join(", ")})`;
        if (check) {
          const status = Number(sf[check](...js));
          const nanIn = isNaNBits(op.ins[0], args[0]);
          if ((want === "trap") !== (status !== 0) || (status === 1) !== nanIn) bad.push(`${show()}: status ${status}, V8 ${want === "trap" ? "traps" : "does not trap"}`);
          else if (want !== "trap" && got !== want) bad.push(`${show()} = 0x${got.toString(16)}, V8 0x${want.toString(16)}`);
          continue;
        }
        if (want === "trap") throw new Error(`${show()} trapped in V8`);
        if (isNaNBits(op.out, want)) {
          if (got !== CANONICAL[op.out as "f32" | "f64"]) bad.push(`${show()} = 0x${got.toString(16)}, not the canonical NaN`);
        } else if (got !== want) bad.push(`${show()} = 0x${got.toString(16)}, V8 0x${want.toString(16)}`);
      }
      expect(bad).toEqual([]);
    });
  });
});
