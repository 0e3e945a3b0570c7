// Fuzz the CWIR text parser, verifier and passes with ≥ 5,000 mutated and generated texts (seeded, so
// failures reproduce). Properties: nothing throws; parse failures are E09xx diagnostics with a span;
// a parsed module prints and round-trips; the verifier never hits its internal-error path; and a module
// that verifies still verifies after every pass of the circuit pipeline, and the interpreter runs each of its
// items on generated inputs without throwing.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseText, printModule, verifyModule } from "../../compiler/ir/index.ts";
import { runPipeline } from "../../compiler/passes/index.ts";
import { run } from "../../compiler/interp/index.ts";
import { specFromIr } from "../../runtime/spec/from-ir.ts";
import { exprText } from "../../runtime/spec/index.ts";
import type { Module, Type } from "../../compiler/ir/index.ts";
import { mulberry32 as rng } from "../util/prng.ts";

/** A JSON input of type t with small pseudo-random values. */
function inputFor(t: Type, r: () => number): unknown {
  switch (t.kind) {
    case "array":
      return Array.from({ length: t.len }, () => inputFor(t.elem, r));
    case "tuple":
      return t.elems.map((e) => inputFor(e, r));
    case "mem":
      return Array.from({ length: Math.floor(r() * 6) }, () => inputFor(t.elem, r));
    case "int":
      return t.width === 1 ? r() < 0.5 : Math.floor(r() * 4);
    case "sfix":
    case "fix":
      return (r() * 8 - 4).toFixed(3);
    default:
      return String(Math.floor(r() * 5));
  }
}

type Outcome = { entry: string; inputs: unknown[]; result: unknown };

/**
 * What the model checker reads from each spec item of a verified module, as text (guards, effects,
 * predicates): reading must never fail on IR the verifier accepts, and passes must not change it.
 */
function specsRead(m: Module, ctx: string): string[] {
  return m.funcs
    .filter((f) => f.kind === "spec")
    .map((f) => {
      try {
        const model = specFromIr(f);
        return JSON.stringify(model, (k, v) => (k === "span" || k === "headSpan" ? undefined : k === "e" || k === "guard" || k === "init" ? exprText(v) : v));
      } catch (e) {
        throw new Error(`the spec reader refused verified IR (@${f.name}) in ${ctx}\n${(e as Error).stack}`);
      }
    });
}

/** Run every runnable item of a verified module: the interpreter must answer with diagnostics, never throw. */
function runAll(m: Module, r: () => number, ctx: string, given?: Outcome[]): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const f of m.funcs) {
    if (f.kind === "spec" || f.name.startsWith("__cw_")) continue;
    const inputs = given?.find((o) => o.entry === f.name)?.inputs ?? f.args.map((a) => inputFor(a.type, r));
    try {
      const res = run(m, { entry: f.name, inputs, maxSteps: 20_000, verify: false });
      expect(res.diagnostics.filter((d) => d.code === "E0599"), ctx).toEqual([]);
      // A run cut by the step limit says nothing about semantics (passes change step counts).
      const cut = res.diagnostics.some((d) => d.code === "E0505");
      outcomes.push({ entry: f.name, inputs, result: cut ? "cut" : { ok: res.ok, out: res.outputsJson, rev: res.revealed.map((x) => x.json), buf: res.buffers.map((b) => b?.map(String)) } });
    } catch (e) {
      throw new Error(`interpreter threw on @${f.name} in ${ctx}\n${(e as Error).stack}`);
    }
  }
  return outcomes;
}


const corpusDirs = ["ir/fixtures/roundtrip", "ir/fixtures/verify", "passes/fixtures/inline", "passes/fixtures/unroll", "passes/fixtures/const-fold", "passes/fixtures/cse", "passes/fixtures/dce", "passes/fixtures/if-to-select", "passes/fixtures/range-lookup"];
const corpus = corpusDirs.flatMap((d) => {
  const dir = join(import.meta.dirname, "..", d);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cwir"))
    .map((f) => readFileSync(join(dir, f), "utf8"));
});

const TOKENS = [
  "%1", "%2", "%0", "%99", "^bb0", "^bb1(%7: i32):", "@x", "@range8", "@sq", "{", "}", "(", ")", "[", "]", "<", ">", ",", ":", "=", "->", "..", "!",
  "!f<bn254_fr>", "!f<nope>", "i1", "i32", "i0", "i999", "!array<i1, 3>", "!tuple<>", "!mem<i8>", "!sint<bn254_fr>", "!sfix<bn254_fr, 300>",
  "f.add", "f.mul", "f.inv", "i.cmp", "c.assert", "cf.yield", "cf.return", "cf.for", "cf.if", "cf.while", "cf.condition", "k.barrier", "mpc.reveal",
  "array.get", "mem.store", "f.to_bits", "\"s\"", "\"\\u00", "0x", "0xfff", "-1", "18446744073709551616", "loc(\"a.cwl\":1:1)", "loc(", "\n", " ", "//",
  "{value = 1}", "{bits = 0}", "{lo = 0, hi = 2}", "{callee = @sq}", "{table = @nope}", "attributes", "field", "table", "circuit", "fn", "hint",
  "kernel", "protocol", "program", "spec", "range", "rows", "true", "#", "\u0000", "é",
  "spec.read", "spec.local", "spec.let", "spec.assign", "spec.quant", "spec.bin", "spec.if", "spec.action", "{name = \"x\"}",
  "{ty = [\"dom\", \"Node\"]}", "{ty = [\"set\", \"int\"]}", "{op = \"&&\"}", "{value = true}",
];

function mutate(text: string, r: () => number): string {
  let t = text;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(r() * (t.length + 1));
    const op = Math.floor(r() * 7);
    const lines = t.split("\n");
    switch (op) {
      case 0: // delete a range
        t = t.slice(0, pos) + t.slice(pos + Math.floor(r() * 12));
        break;
      case 1: // insert a token
        t = t.slice(0, pos) + TOKENS[Math.floor(r() * TOKENS.length)] + t.slice(pos);
        break;
      case 2: { // duplicate a line
        const i = Math.floor(r() * lines.length);
        lines.splice(i, 0, lines[i]);
        t = lines.join("\n");
        break;
      }
      case 3: { // swap two lines
        const i = Math.floor(r() * lines.length);
        const j = Math.floor(r() * lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        t = lines.join("\n");
        break;
      }
      case 4: // change a number
        t = t.replace(/\d+/g, (d) => (r() < 0.1 ? String(Math.floor(r() * 300)) : d));
        break;
      case 5: // truncate
        t = t.slice(0, pos);
        break;
      case 6: { // rename a value to another one
        const a = Math.floor(r() * 12);
        const b = Math.floor(r() * 12);
        t = t.replace(new RegExp(`%${a}\\b`), `%${b}`);
        break;
      }
    }
  }
  return t;
}

const SPEC_ATTRS: [RegExp, string[]][] = [
  [/op = "[^"]*"/g, ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "=>", "!", "<<"].map((o) => `op = "${o}"`)],
  [/q = "[^"]*"/g, ["forall", "exists", "count", "some"].map((q) => `q = "${q}"`)],
  [/method = "[^"]*"/g, ["insert", "remove", "len", "contains", "union", "is_empty", "pop"].map((m) => `method = "${m}"`)],
  [/value = (-?\d+|true|false)/g, ["value = 0", "value = 7", "value = -1", "value = true", "value = false"]],
  [/ty = (\[[^{}]*?\]|"\w+")(?=[,}])/g, ['ty = "bool"', 'ty = "int"', 'ty = ["dom", "Node"]', 'ty = ["set", "int"]', 'ty = ["dom"]']],
  [/kind = "[^"]*"/g, ["always", "eventually", "within", "noninterference", "byzantine", "network", "flood"].map((k) => `kind = "${k}"`)],
  [/ : i(1|64)\b/g, [" : i1", " : i64", " : i32"]],
];

/** Small, mostly well-formed edits of spec IR: another attribute value, a dropped, doubled or moved line, swapped operands. */
function mutateSpec(text: string, r: () => number): string {
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const lines = text.split("\n");
  switch (Math.floor(r() * 4)) {
    case 0: {
      const [re, alts] = pick(SPEC_ATTRS);
      const hits = [...text.matchAll(re)];
      if (!hits.length) return text;
      const h = pick(hits);
      return text.slice(0, h.index) + pick(alts) + text.slice(h.index! + h[0].length);
    }
    case 1: {
      const i = Math.floor(r() * lines.length);
      if (r() < 0.5) lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]);
      return lines.join("\n");
    }
    case 2: {
      const i = Math.floor(r() * lines.length);
      lines.splice(Math.min(lines.length, i + 1 + Math.floor(r() * 3)), 0, ...lines.splice(i, 1));
      return lines.join("\n");
    }
    default:
      return text.replace(/(%\d+), (%\d+)/g, (m, a, b) => (r() < 0.15 ? `${b}, ${a}` : m));
  }
}

function generate(r: () => number): string {
  const n = Math.floor(r() * 60);
  let s = "";
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(r() * TOKENS.length)] + (r() < 0.5 ? " " : "");
  return s;
}

const CASES = 6000;

describe("CWIR fuzz", () => {
  it(`parser, verifier and passes survive ${CASES} mutated and generated inputs`, () => {
    const r = rng(0xc0ffee);
    const stats = { parsed: 0, verified: 0, passes: 0, parseErrors: 0, runs: 0, compared: 0, comparedOk: 0, specs: 0 };
    for (let i = 0; i < CASES; i++) {
      const text = i % 10 === 9 ? generate(r) : mutate(corpus[Math.floor(r() * corpus.length)], r);
      const ctx = `case ${i}:\n${text}`;
      let res;
      try {
        res = parseText(text, "fuzz.cwir");
      } catch (e) {
        throw new Error(`parser threw on ${ctx}\n${(e as Error).stack}`);
      }
      if (res.diagnostics.length) {
        stats.parseErrors++;
        expect(res.diagnostics[0].code, ctx).toMatch(/^E09\d\d$/);
        expect(res.diagnostics[0].span, ctx).toBeDefined();
        continue;
      }
      stats.parsed++;
      const printed = printModule(res.module);
      const again = parseText(printed, "again.cwir");
      expect(again.diagnostics, ctx).toEqual([]);
      expect(printModule(again.module), ctx).toBe(printed);
      const ds = verifyModule(res.module);
      expect(ds.filter((d) => d.code === "E0999").map((d) => d.message), ctx).toEqual([]);
      if (ds.length) continue;
      stats.verified++;
      const before = runAll(res.module, r, ctx);
      stats.runs += before.length;
      const specs = specsRead(res.module, ctx);
      stats.specs += specs.length;
      const pd = runPipeline(res.module, "inline,unroll{max-trips=2000},const-fold,if-to-select,range-lookup,cse,dce", { verifyEach: true });
      expect(pd.filter((d) => d.severity === "error").map((d) => d.message), ctx).toEqual([]);
      stats.passes++;
      expect(specsRead(res.module, ctx), `${ctx}\nafter passes:\n${printModule(res.module)}`).toEqual(specs);
      // Differential check: the passes must not change what any item computes or whether it fails.
      const after = runAll(res.module, r, ctx, before);
      for (const b of before) {
        const a = after.find((o) => o.entry === b.entry);
        if (!a || a.result === "cut" || b.result === "cut") continue;
        stats.compared++;
        if ((b.result as { ok: boolean }).ok) stats.comparedOk++;
        expect(a.result, `${ctx}\n@${b.entry} inputs ${JSON.stringify(b.inputs)}\nafter passes:\n${printModule(res.module)}`).toEqual(b.result);
      }
    }
    console.log(`fuzz: ${JSON.stringify(stats)}`);
    expect(stats.parsed).toBeGreaterThan(300);
    expect(stats.verified).toBeGreaterThan(100);
    expect(stats.runs).toBeGreaterThan(300);
    expect(stats.comparedOk).toBeGreaterThan(100);
  });

  it("spec items: what the verifier accepts, the model checker's reader reads, before and after passes", () => {
    // The general corpus rarely keeps a spec item valid after a mutation, so spec items get their own run.
    const specCorpus = corpus.filter((t) => t.includes("spec.action") && !t.includes("// ERROR"));
    const r = rng(0x5bec);
    let read = 0;
    for (let i = 0; i < 1000; i++) {
      const base = specCorpus[i % specCorpus.length];
      const text = r() < 0.2 ? mutate(base, r) : mutateSpec(base, r);
      const res = parseText(text, "fuzz.cwir");
      if (res.diagnostics.length || verifyModule(res.module).length) continue;
      const ctx = `spec case ${i}:\n${text}`;
      const specs = specsRead(res.module, ctx);
      read += specs.length;
      const pd = runPipeline(res.module, "inline,const-fold,cse,dce", { verifyEach: true });
      expect(pd.filter((d) => d.severity === "error").map((d) => d.message), ctx).toEqual([]);
      expect(specsRead(res.module, ctx), `${ctx}\nafter passes:\n${printModule(res.module)}`).toEqual(specs);
    }
    console.log(`spec fuzz: ${read} spec items read`);
    expect(read).toBeGreaterThan(100);
  });
});
