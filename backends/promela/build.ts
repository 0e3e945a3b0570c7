// CWIR → Promela, what `cwl build FILE --target promela` runs: every `spec` item of the module (or the
// one named `entry`) is read back into a model (runtime/spec/from-ir.ts), instantiated with its params
// fixed (defaults, or `params`) and emitted as one Promela model per spec.
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { InstantiateError, instantiate } from "../../runtime/spec/index.ts";
import { specFromIr } from "../../runtime/spec/from-ir.ts";
import { type PromelaModel, emitPromela } from "./emit.ts";

export interface PromelaBuild {
  /** One model per spec, in module order. */
  models: (PromelaModel & { spec: string })[];
  diagnostics: Diagnostic[];
}

export function buildPromela(m: Module, opts: { entry?: string; params?: Record<string, number>; property?: string } = {}): PromelaBuild {
  const all = m.funcs.filter((f) => f.kind === "spec");
  const specs = opts.entry === undefined ? all : all.filter((f) => f.name === opts.entry);
  const diagnostics: Diagnostic[] = [];
  if (!specs.length) {
    const names = all.map((f) => f.name);
    diagnostics.push({
      severity: "error",
      code: "E0711",
      message: opts.entry === undefined ? "this file declares no spec to emit as Promela" : `no spec named \`${opts.entry}\``,
      hint: names.length ? `specs here: ${names.join(", ")}` : "`--target promela` emits `spec` items; circuits build with `--target plonkish`",
    });
    return { models: [], diagnostics };
  }
  const models: PromelaBuild["models"] = [];
  for (const f of specs) {
    try {
      const inst = instantiate(specFromIr(f), opts.params);
      models.push({ spec: f.name, ...emitPromela(inst, { property: opts.property }) });
    } catch (e) {
      if (!(e instanceof InstantiateError)) throw e;
      diagnostics.push({ severity: "error", code: "E0709", message: `spec \`${f.name}\`: ${e.message}`, span: e.span });
    }
  }
  return { models, diagnostics };
}
