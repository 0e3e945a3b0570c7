// `cwl test`: the `@test` functions of compiled `.cwl` files, run by the CWIR interpreter.
// `@test` passes when the function runs with every assertion holding; `@test(should_fail)` when it fails,
// `@test(should_fail_with("text"))` when it fails with a message containing `text`. A test with
// parameters is fuzzed: each run draws its arguments from a seeded generator (edge values and random
// ones by type), and a failing input is shrunk (each number towards 0) before it is reported with the
// seed that reproduces it.
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import { run } from "../../compiler/interp/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import type { Instance, Ty } from "../../compiler/sema/index.ts";
import type { Attribute, Expr } from "../../compiler/syntax/index.ts";

export interface TestCase {
  name: string;
  /** The instance to run (its CWIR function is `inst.irName`). */
  inst: Instance;
  expect: { kind: "pass" } | { kind: "fail"; message?: string };
}

export type Outcome =
  | { status: "passed"; runs: number }
  | {
      status: "failed";
      /** Why, in one line. */
      reason: string;
      /** The interpreter's findings (with `.cwl` spans) for the failing run, if any. */
      diagnostics: Diagnostic[];
      /** For fuzzed tests: the seed of the failing sequence and the shrunk input. */
      seed?: number;
      input?: Record<string, unknown>;
    };

/** A problem with a test's declaration (bad attribute, generic test, unfuzzable parameter). */
export interface TestDeclError {
  name: string;
  diagnostic: Diagnostic;
}

const SHOULD_FAIL_HINT = "write `@test`, `@test(should_fail)` or `@test(should_fail_with(\"message\"))`";

/** The `@test` functions among `entries`, in source order, and the declarations that are wrong. */
export function collectTests(entries: readonly Instance[], filter?: string): { tests: TestCase[]; errors: TestDeclError[] } {
  const tests: TestCase[] = [];
  const errors: TestDeclError[] = [];
  const seen = new Set<object>();
  for (const inst of entries) {
    const attr = inst.item.attrs.find((a) => a.name.name === "test");
    if (!attr || seen.has(inst.item)) continue;
    seen.add(inst.item);
    const name = inst.item.name.name;
    if (filter && !name.includes(filter)) continue;
    const err = (message: string, hint?: string, span = attr.span) =>
      errors.push({ name, diagnostic: { severity: "error", code: "E0810", message, span, hint } });
    if (inst.item.kind !== "Fn") {
      err(`\`@test\` marks a ${inst.item.kind.toLowerCase()}; only a \`fn\` is a test`, "call the circuit from a test `fn`, or run it with `cwl run`");
      continue;
    }
    if (!inst.concrete || inst.item.generics.length) {
      err(`test \`${name}\` is generic`, "a test has concrete types; call the generic function from it with chosen ones");
      continue;
    }
    const expect = expectation(attr);
    if (typeof expect === "string") {
      err(expect, SHOULD_FAIL_HINT);
      continue;
    }
    const bad = inst.params.find((p) => !fuzzable(p.ty));
    if (bad) {
      err(`cannot fuzz parameter \`${bad.name}\` of type ${tyName(bad.ty)}`, "a fuzzed parameter is a field element, an integer, a bool, or an array, tuple or struct of those", bad.param.span);
      continue;
    }
    tests.push({ name, inst, expect });
  }
  return { tests, errors };
}

function expectation(a: Attribute): TestCase["expect"] | string {
  if (a.args.length === 0) return { kind: "pass" };
  if (a.args.length > 1) return "`@test` takes at most one argument";
  const e: Expr = a.args[0];
  const nameOf = (x: Expr): string | undefined => (x.kind === "PathExpr" && x.path.segments.length === 1 ? x.path.segments[0].name.name : undefined);
  if (nameOf(e) === "should_fail") return { kind: "fail" };
  if (e.kind === "Call" && nameOf(e.callee) === "should_fail_with") {
    const s = e.args[0];
    if (e.args.length === 1 && s?.kind === "StrLit") return { kind: "fail", message: s.value };
    return "`should_fail_with` takes one string: the text the failure message must contain";
  }
  return "unknown `@test` argument";
}

function fuzzable(t: Ty): boolean {
  switch (t.k) {
    case "field":
    case "int":
    case "bool":
      return true;
    case "array":
      return t.len !== undefined && fuzzable(t.elem);
    case "tuple":
      return t.elems.every(fuzzable);
    case "struct":
      return t.s.fields.every((f) => fuzzable(f.type));
    default:
      return false;
  }
}

function tyName(t: Ty): string {
  return t.k === "struct" ? t.s.display : t.k;
}

/** xorshift32: small, seedable, the same sequence on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomBelow(next: () => number, bound: bigint): bigint {
  if (bound <= 1n) return 0n;
  let v = 0n;
  const bits = bound.toString(2).length + 32;
  for (let b = 0; b < bits; b += 32) v = (v << 32n) | BigInt(next());
  return v % bound;
}

/** A value of type `t` as the interpreter's JSON input: edge values a quarter of the time. */
function gen(t: Ty, next: () => number): unknown {
  switch (t.k) {
    case "bool":
      return (next() & 1) === 1;
    case "int":
    case "field": {
      const lo = t.k === "int" && t.signed ? -(1n << BigInt(t.bits - 1)) : 0n;
      const hi = t.k === "field" ? t.f.modulus - 1n : t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
      const edges = [0n, 1n, hi, hi - 1n, lo];
      const v = next() % 4 === 0 ? edges[next() % edges.length] : lo + randomBelow(next, hi - lo + 1n);
      return v.toString();
    }
    case "array":
      return Array.from({ length: t.len ?? 0 }, () => gen(t.elem, next));
    case "tuple":
      return t.elems.map((e) => gen(e, next));
    case "struct":
      return t.s.fields.map((f) => gen(f.type, next));
    default:
      throw new Error(`unfuzzable type ${t.k}`);
  }
}

/** Paths to the scalar leaves of an input (indices into nested arrays). */
function leaves(v: unknown, at: number[] = [], out: number[][] = []): number[][] {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...at, i], out));
  else out.push(at);
  return out;
}

function getAt(v: unknown, path: number[]): unknown {
  return path.reduce<unknown>((x, i) => (x as unknown[])[i], v);
}

function setAt(v: unknown, path: number[], x: unknown): unknown {
  if (path.length === 0) return x;
  const arr = [...(v as unknown[])];
  arr[path[0]] = setAt(arr[path[0]], path.slice(1), x);
  return arr;
}

/**
 * Shrink a failing input: each number is moved towards 0 by bisection (the smallest magnitude in
 * [0, |v|] that still fails, if failing is monotone there), each bool to false, in rounds until no
 * leaf changes. `fails` runs the test.
 */
function shrink(input: unknown[], fails: (x: unknown[]) => boolean, budget = 2000): unknown[] {
  let cur = input;
  let calls = 0;
  for (let round = 0; round < 8; round++) {
    let changed = false;
    for (const path of leaves(cur)) {
      const v = getAt(cur, path);
      if (typeof v === "boolean") {
        if (v && calls++ < budget && fails(setAt(cur, path, false) as unknown[])) {
          cur = setAt(cur, path, false) as unknown[];
          changed = true;
        }
        continue;
      }
      const n = BigInt(v as string);
      if (n === 0n) continue;
      const sign = n < 0n ? -1n : 1n;
      const with_ = (m: bigint) => setAt(cur, path, String(sign * m)) as unknown[];
      // Invariant: magnitude `hi` fails; `lo` is the largest magnitude known to pass (or -1).
      let lo = -1n;
      let hi = sign * n;
      while (hi - lo > 1n && calls < budget) {
        const mid = lo === -1n ? 0n : (lo + hi) / 2n;
        calls++;
        if (fails(with_(mid))) hi = mid;
        else lo = mid;
      }
      if (hi !== sign * n) {
        cur = with_(hi);
        changed = true;
      }
    }
    if (!changed || calls >= budget) break;
  }
  return cur;
}

export interface RunTestOptions {
  /** Fuzz runs per test with parameters (default 64). */
  runs?: number;
  seed: number;
}

function once(ir: Module, t: TestCase, inputs: unknown[]): { ok: boolean; diagnostics: Diagnostic[] } {
  const r = run(ir, { entry: t.inst.irName, inputs, maxFailures: 1 });
  // The first failure is the test's; the interpreter's "stopped after N failures" note adds nothing.
  return { ok: r.ok, diagnostics: r.diagnostics.filter((d) => d.span || !d.message.startsWith("stopped after")) };
}

/** Whether a run's result is what the test expects; the reason when it is not. */
function judge(t: TestCase, r: { ok: boolean; diagnostics: Diagnostic[] }): string | undefined {
  if (t.expect.kind === "pass") return r.ok ? undefined : (r.diagnostics[0]?.message ?? "failed");
  if (r.ok) return t.expect.message === undefined ? "expected a failure, but every assertion held" : `expected a failure with "${t.expect.message}", but every assertion held`;
  const want = t.expect.message;
  if (want !== undefined && !r.diagnostics.some((d) => d.message.includes(want)))
    return `expected a failure with "${want}", got: ${r.diagnostics[0]?.message ?? "a failure without message"}`;
  return undefined;
}

export function runTest(ir: Module, t: TestCase, opts: RunTestOptions): Outcome {
  if (t.inst.params.length === 0) {
    const r = once(ir, t, []);
    const why = judge(t, r);
    return why === undefined ? { status: "passed", runs: 1 } : { status: "failed", reason: why, diagnostics: t.expect.kind === "pass" ? r.diagnostics : [] };
  }
  const runs = opts.runs ?? 64;
  const next = rng(opts.seed);
  for (let i = 0; i < runs; i++) {
    let input = t.inst.params.map((p) => gen(p.ty, next));
    let r = once(ir, t, input);
    if (judge(t, r) === undefined) continue;
    input = shrink(input, (x) => judge(t, once(ir, t, x)) !== undefined);
    r = once(ir, t, input);
    const named = Object.fromEntries(t.inst.params.map((p, j) => [p.name, input[j]]));
    return { status: "failed", reason: judge(t, r)!, diagnostics: t.expect.kind === "pass" ? r.diagnostics : [], seed: opts.seed, input: named };
  }
  return { status: "passed", runs };
}
