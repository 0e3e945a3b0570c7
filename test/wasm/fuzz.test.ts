// The WASM frontend on hostile input: random bytes behind a valid header, and valid spec-test modules
// mutated (bytes flipped, inserted, deleted, cut short, sections spliced from another module). Every
// input must end in a diagnostic of the frontend (E0690 malformed/invalid, E0691 unsupported) or
// compile, verify and run cleanly within an instruction limit; nothing may throw, and the lifted CWIR
// must always pass the verifier (a verifier complaint would be an internal error).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { mulberry32 } from "../../base/prng/index.ts";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileWasm, decodeModule } from "../../compiler/wasm/index.ts";
import { execute } from "../../runtime/zkvm/index.ts";
import { moduleBinary, parseSexprs } from "./wast.ts";

const FILES = ["i32.wast", "block.wast", "br_table.wast", "call_indirect.wast", "memory_copy.wast", "loop.wast", "if.wast", "bulk.wast", "global.wast", "memory_grow.wast"];

async function corpus(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const f of FILES) {
    const src = readFileSync(join(REPO_ROOT, "test", "wasm", "spec", f), "utf8");
    for (const e of parseSexprs(src)) {
      if (!("list" in e) || !("atom" in e.list[0]) || e.list[0].atom !== "module") continue;
      const b = await binaryOf(src, e);
      if (b && compileWasm(b, { script: [] }).module) out.push(b);
      if (out.length % 8 === 7) break;
    }
  }
  return out;
}

async function binaryOf(src: string, e: Parameters<typeof moduleBinary>[1]): Promise<Uint8Array | undefined> {
  // moduleBinary needs wabt loaded: parsing one script through it once does that
  const b = moduleBinary(src, e);
  return b instanceof Uint8Array ? b : undefined;
}

describe("WASM frontend fuzzing", () => {
  it("100,000 nested blocks: a diagnostic, not a stack overflow in the verifier or the backend", () => {
    const leb = (x: number) => {
      const o: number[] = [];
      do {
        let b = x & 0x7f;
        x >>>= 7;
        if (x) b |= 0x80;
        o.push(b);
      } while (x);
      return o;
    };
    const module = (n: number) => {
      const body = [0x00, ...Array(n).fill([0x02, 0x40]).flat(), ...Array(n).fill(0x0b), 0x41, 0x2a, 0x0b];
      const code = [0x01, ...leb(body.length), ...body];
      return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 8, 1, 4, 0x6d, 0x61, 0x69, 0x6e, 0, 0, 0x0a, ...leb(code.length), ...code]);
    };
    expect(compileWasm(module(100_000)).diagnostics[0]?.message).toMatch(/blocks nested deeper than 512/);
    const ok = compileWasm(module(511));
    expect(ok.diagnostics).toEqual([]);
    const r = execute(buildZkvm(ok.module!).program!);
    expect(r.ok && Array.from(r.output)).toEqual([42, 0, 0, 0]);
  });

  it("5,000 random and mutated modules: a diagnostic or a clean run, never a throw", { timeout: 120_000 }, async () => {
    const { runWast } = await import("./wast.ts");
    await runWast("(module)"); // loads wabt
    const seeds = await corpus();
    expect(seeds.length).toBeGreaterThan(20);
    const rnd = mulberry32(18);
    const int = (n: number) => Math.floor(rnd() * n);
    const counts = { malformed: 0, unsupported: 0, compiled: 0, ran: 0, trapped: 0 };
    const problems: string[] = [];
    const N = 5000;
    for (let i = 0; i < N; i++) {
      let bytes: Uint8Array;
      if (i % 10 === 0) {
        // random bytes behind the header
        bytes = new Uint8Array(8 + int(200));
        bytes.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
        for (let k = 8; k < bytes.length; k++) bytes[k] = int(256);
      } else {
        const src = seeds[int(seeds.length)];
        const b = Array.from(src);
        const edits = 1 + int(2);
        for (let k = 0; k < edits; k++) {
          const at = 8 + int(Math.max(1, b.length - 8));
          switch (int(6)) {
            case 0: b[at] = int(256); break;
            case 1: b[at] ^= 1 << int(8); break;
            case 2: b.splice(at, 0, int(256)); break;
            case 3: b.splice(at, 1 + int(3)); break;
            case 4: b.length = Math.max(8, at); break;
            default: {
              // a run of bytes from another module
              const o = seeds[int(seeds.length)];
              const from = int(o.length);
              b.splice(at, 0, ...o.slice(from, from + 1 + int(24)));
            }
          }
        }
        bytes = Uint8Array.from(b);
      }
      try {
        const names = (() => {
          try {
            const m = decodeModule(bytes);
            // exported functions that take and return integers only, called with small arguments
            return m.exports
              .filter((e) => e.kind === "func" && e.index < m.funcs.length)
              .map((e) => ({ e, t: m.types[m.funcs[e.index]] }))
              .filter(({ t }) => t && [...t.params, ...t.results].every((x) => x === "i32" || x === "i64"))
              .slice(0, 3)
              .map(({ e, t }) => ({ name: e.name, args: t.params.map(() => BigInt(int(3))) }));
          } catch {
            return [];
          }
        })();
        const r = compileWasm(bytes, { script: names });
        if (!r.module) {
          const d = r.diagnostics[0];
          if (!d || !["E0690", "E0691", "E0692"].includes(d.code)) problems.push(`#${i}: ${d?.code} ${d?.message}`);
          if (d?.code === "E0691") counts.unsupported++;
          else counts.malformed++;
          continue;
        }
        counts.compiled++;
        const z = buildZkvm(r.module);
        if (!z.program) {
          if (z.diagnostics[0]?.code !== "E0680") problems.push(`#${i}: backend ${z.diagnostics[0]?.code} ${z.diagnostics[0]?.message}`);
          continue;
        }
        const x = execute(z.program, { maxInstructions: 20_000 });
        if (x.ok) counts.ran++;
        else counts.trapped++;
      } catch (err) {
        problems.push(`#${i}: threw ${err instanceof Error ? err.stack?.split("\n").slice(0, 4).join(" ") : String(err)}`);
      }
    }
    console.log(`wasm fuzz: ${N} inputs`, counts);
    expect(problems.slice(0, 10)).toEqual([]);
    // the mix reaches every outcome: some inputs are refused, some compile and run
    expect(counts.malformed).toBeGreaterThan(500);
    expect(counts.compiled).toBeGreaterThan(200);
    expect(counts.ran + counts.trapped).toBeGreaterThan(100);
  });
});
