// Robustness: ≥ 10,000 generated and mutated programs through parse + sema + lowering + CWIR verifier.
// The front end must never throw and never produce invalid CWIR: every outcome is diagnostics (with
// spans inside the file) or a module that verifies. Seeded, so a failure reproduces from its seed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { tokenize } from "../../compiler/syntax/index.ts";
import { fixtures } from "./harness.ts";

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const ATOMS = ["x", "y", "a", "b", "n", "acc", "arr", "F", "Field", "u8", "u32", "u64", "bool", "sint", "Bytes", "0", "1", "255", "256", "0x10",
  "true", "false", "N", "DEPTH", "Leaf", "global_id()", "barrier()", "x.to_bits(8)", "arr.len()", "x.inv()", "arr[0]", "arr[0..2]", "(x, y)", "t.0", "s.key"];
const BINOPS = ["+", "-", "*", "/", "%", "**", "@", "<<", ">>", "&", "|", "^", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "=>", "in"];
const TYPES = ["Field", "u8", "u32", "u64", "bool", "[Field; 4]", "[u32; N]", "(Field, u8)", "sint", "sfix", "Bytes", "&mut [u32]", "[Field]", "Leaf"];
const ITEMS = ["circuit", "fn", "hint fn", "program", "protocol", "kernel"];

function generate(rnd: () => number): string {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const expr = (d: number): string => {
    const r = rnd();
    if (d > 3 || r < 0.35) return pick(ATOMS);
    if (r < 0.7) return `${expr(d + 1)} ${pick(BINOPS)} ${expr(d + 1)}`;
    if (r < 0.8) return `(${expr(d + 1)} as ${pick(TYPES)})`;
    if (r < 0.9) return `if ${expr(d + 1)} { ${expr(d + 1)} } else { ${expr(d + 1)} }`;
    return `[${expr(d + 1)}; ${pick(["2", "N", "x"])}]`;
  };
  const stmt = (d: number): string => {
    const r = rnd();
    if (r < 0.25) return `let ${rnd() < 0.5 ? "mut " : ""}${pick(["x", "y", "acc", "arr"])}${rnd() < 0.5 ? `: ${pick(TYPES)}` : ""} = ${expr(0)};`;
    if (r < 0.4) return `${pick(["x", "y", "acc", "arr[1]", "s.key"])} ${pick(["=", "+=", "*=", "^="])} ${expr(0)};`;
    if (r < 0.5) return `assert ${expr(0)};`;
    if (r < 0.55) return `assert_eq(${expr(0)}, ${expr(0)}, "m");`;
    if (r < 0.6) return `lookup ${expr(0)} in ${pick(["r8", "nope", "Leaf"])};`;
    if (r < 0.65) return `reveal ${expr(0)};`;
    if (r < 0.75 && d < 2) return `for i in ${expr(1)}..${expr(1)} { ${stmt(d + 1)} ${stmt(d + 1)} }`;
    if (r < 0.8 && d < 2) return `while ${expr(1)} { ${stmt(d + 1)} }`;
    if (r < 0.85) return `return ${expr(0)};`;
    return `${expr(0)};`;
  };
  const params = () =>
    Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => `${pick(["", "pub ", "priv ", "secret ", "public "])}${["x", "y", "a", "b"][i]}: ${pick(TYPES)}`).join(", ");
  const items: string[] = ["const N: u32 = 4;", "table r8: u8 = 0..256;", "struct Leaf { key: Field, value: Field }"];
  const n = 1 + Math.floor(rnd() * 2);
  for (let i = 0; i < n; i++) {
    const kind = pick(ITEMS);
    const generics = rnd() < 0.3 ? "<F: Field, const M: u32>" : "";
    const ret = rnd() < 0.4 ? ` -> ${pick(TYPES)}` : "";
    const body = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => stmt(0)).join("\n  ");
    items.push(`${kind} f${i}${generics}(${params()})${ret} {\n  ${body}\n  ${rnd() < 0.3 ? expr(0) : ""}\n}`);
  }
  return items.join("\n");
}

function mutate(src: string, rnd: () => number): string {
  const toks = tokenize(src).map((t) => t.text);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const k = 1 + Math.floor(rnd() * 3);
  for (let j = 0; j < k && toks.length; j++) {
    const i = Math.floor(rnd() * toks.length);
    const r = rnd();
    if (r < 0.3) toks.splice(i, 1);
    else if (r < 0.5) toks.splice(i, 0, pick(toks));
    else if (r < 0.7) {
      const q = Math.floor(rnd() * toks.length);
      [toks[i], toks[q]] = [toks[q], toks[i]];
    } else if (r < 0.85) toks[i] = pick([...ATOMS, ...BINOPS, "{", "}", "(", ")", ";", ",", "mut", "let", "::", "std"]);
    else toks.length = i;
  }
  return toks.join(" ");
}

describe("front-end fuzz", () => {
  it("10,000 generated and mutated programs: diagnostics only, never a throw or invalid CWIR", { timeout: 600_000 }, () => {
    const seeds = fixtures("compile_success")
      .concat(fixtures("execution_success"), fixtures("compile_failure"))
      .map((p) => readFileSync(p, "utf8"))
      // Small seeds keep 10,000 cases within the time budget; big files add little coverage per case.
      .filter((t) => t.length < 1200);
    const rnd = prng(0xc0ffee);
    let lowered = 0;
    let failing = 0;
    const N = Number(process.env.CWL_FUZZ_N ?? 10_000);
    const cpu0 = process.cpuUsage();
    // One FileManager, as in the language server: the stdlib is parsed once.
    const fm = new FileManager();
    for (let i = 0; i < N; i++) {
      const src = i % 2 === 0 ? generate(rnd) : mutate(seeds[i % seeds.length], rnd);
      let r;
      try {
        r = compileSource(`/fuzz/case${i}.cwl`, src, { fm });
      } catch (e) {
        throw new Error(`case ${i} threw: ${(e as Error).stack}\n--- source ---\n${src}`);
      }
      for (const d of r.diagnostics) {
        if (/internal/.test(d.message)) throw new Error(`case ${i}: ${d.code} ${d.message}\n--- source ---\n${src}`);
        if (d.span) {
          const f = fm.get(d.span.file);
          expect(d.span.start).toBeGreaterThanOrEqual(0);
          expect(d.span.end).toBeLessThanOrEqual(f.text.length);
        }
      }
      if (r.ir) lowered++;
      else failing++;
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(`fuzz: ${N} cases in ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${lowered} lowered to valid CWIR, ${failing} rejected with diagnostics`);
    expect(lowered).toBeGreaterThan(100);
  });
});
