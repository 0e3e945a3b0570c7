// The pass manager: runs named passes in order, optionally verifying the module after each one, and
// parses pipeline strings such as "inline,unroll,const-fold{kinds=circuit},cse,dce".
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import { type Func, type FuncKind, type Module, verifyModule } from "../ir/index.ts";

export type PassOptions = Record<string, string>;

export interface PassContext {
  options: PassOptions;
  /** Warnings/notes a pass wants the user to see (e.g. a loop too large to unroll). */
  report(d: Diagnostic): void;
}

export interface Pass {
  name: string;
  /** One line for `cwl build --help` and spec/ir.md. */
  description: string;
  /** Item kinds the pass rewrites by default (overridable with `{kinds=a+b}`). */
  defaultKinds: readonly FuncKind[];
  run(m: Module, funcs: Func[], ctx: PassContext): void;
}

const passes = new Map<string, Pass>();

export function registerPass(p: Pass): void {
  passes.set(p.name, p);
}
export function getPass(name: string): Pass | undefined {
  return passes.get(name);
}
export function allPasses(): Pass[] {
  return [...passes.values()];
}

export interface PipelineStep {
  pass: string;
  options: PassOptions;
}

/** Parse "a,b{k=v,k2=v2},c". Returns diagnostics (E0940) for unknown passes or malformed text. */
export function parsePipeline(text: string): { steps: PipelineStep[]; diagnostics: Diagnostic[] } {
  const steps: PipelineStep[] = [];
  const diagnostics: Diagnostic[] = [];
  const re = /\s*([A-Za-z0-9_-]+)\s*(?:\{([^}]*)\})?\s*(?:,|$)/y;
  let pos = 0;
  const src = text.trim();
  while (pos < src.length) {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m || m[0].length === 0) {
      diagnostics.push(error("E0940", `malformed pass pipeline near ${JSON.stringify(src.slice(pos, pos + 20))}`, undefined, "write passes as name or name{key=value}, separated by commas"));
      break;
    }
    pos = re.lastIndex;
    const options: PassOptions = {};
    for (const kv of (m[2] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
      const eq = kv.indexOf("=");
      if (eq < 0) options[kv] = "true";
      else options[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    if (!passes.has(m[1])) {
      diagnostics.push(error("E0940", `unknown pass '${m[1]}'`, undefined, `passes: ${[...passes.keys()].join(", ")}`));
      continue;
    }
    steps.push({ pass: m[1], options });
  }
  return { steps, diagnostics };
}

export interface RunOptions {
  /** Verify before the first pass and after every pass; stop at the first failure (E0941). */
  verifyEach?: boolean;
}

/**
 * Run a pipeline. Returns the diagnostics the passes reported plus, with verifyEach, verifier
 * failures attributed to the pass that produced them.
 */
export function runPipeline(m: Module, pipeline: string | PipelineStep[], opts: RunOptions = {}): Diagnostic[] {
  let steps: PipelineStep[];
  const out: Diagnostic[] = [];
  if (typeof pipeline === "string") {
    const parsed = parsePipeline(pipeline);
    if (parsed.diagnostics.length) return parsed.diagnostics;
    steps = parsed.steps;
  } else steps = pipeline;
  if (opts.verifyEach) {
    const ds = verifyModule(m);
    if (ds.length) return [error("E0941", "the module is invalid before any pass ran"), ...ds];
  }
  for (const step of steps) {
    const pass = passes.get(step.pass)!;
    const kinds = step.options.kinds ? (step.options.kinds.split("+") as FuncKind[]) : pass.defaultKinds;
    const funcs = m.funcs.filter((f) => kinds.includes(f.kind));
    pass.run(m, funcs, { options: step.options, report: (d) => out.push(d) });
    if (opts.verifyEach) {
      const ds = verifyModule(m);
      if (ds.length) return [...out, error("E0941", `the module is invalid after pass '${step.pass}'`), ...ds];
    }
  }
  return out;
}
