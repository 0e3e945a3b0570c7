// Checks that a CWIR `kernel` item stays inside the subset every kernel target can express, and
// computes its binding layout. Field values become L×u32 Montgomery limbs; integers are u32 (i32)
// or booleans (i1); buffers are `!mem<!f<F>>` (L words per element) or `!mem<i32>`; scalar i32
// parameters travel in one uniform block. Anything else is a diagnostic (E065x, spec/kernels.md).
// Tuples (and structs) from inlined `.cwl` helpers are first split into scalars (scalarize.ts).
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import { type Func, type Module, type Op, type Type, typeToString, walkFunc } from "../../compiler/ir/index.ts";
import { type FieldLimbs, fieldLimbs } from "../../runtime/field/index.ts";
import { scalarizeKernelTuples } from "./scalarize.ts";

export type KernelTarget = "wgsl" | "hls" | "wasm";
export const KERNEL_TARGETS: readonly KernelTarget[] = ["wgsl", "hls", "wasm"];

export type ParamKind =
  | { kind: "fbuf"; field: FieldLimbs; access: "read" | "read_write" }
  | { kind: "ubuf"; access: "read" | "read_write" }
  | { kind: "scalar" };

export interface KernelParam {
  readonly name: string;
  readonly index: number;
  readonly kind: ParamKind;
  /** WGSL binding number (buffers first in parameter order, then the uniform block). */
  readonly binding: number;
}

export interface KernelInfo {
  readonly func: Func;
  readonly name: string;
  readonly workgroup: number;
  readonly params: readonly KernelParam[];
  /** Binding of the uniform block holding scalar params (undefined when there are none). */
  readonly uniformBinding?: number;
  readonly usesBarrier: boolean;
}

export interface KernelModule {
  readonly module: Module;
  readonly fields: ReadonlyMap<string, FieldLimbs>;
  readonly kernels: readonly KernelInfo[];
}

/** Ops every target lowers; the value says which targets reject it (none today except the barrier). */
const SUPPORTED = new Map<string, readonly KernelTarget[]>([
  ["k.global_id", []],
  ["k.local_id", []],
  ["k.workgroup_id", []],
  ["k.barrier", ["hls", "wasm"]],
  ...["const", "add", "sub", "mul", "divu", "remu", "and", "or", "xor", "not", "shl", "shru", "cmp", "select", "zext", "trunc", "to_f"].map(
    (n) => [`i.${n}`, []] as [string, KernelTarget[]],
  ),
  ...["const", "add", "sub", "mul", "neg", "eq", "select", "inv", "div", "pow"].map((n) => [`f.${n}`, []] as [string, KernelTarget[]]),
  ["mem.load", []],
  ["mem.store", []],
  ["mem.len", []],
  ["cf.for", []],
  ["cf.if", []],
  ["cf.yield", []],
  ["cf.return", []],
]);

const UNSIGNED_PREDS = new Set(["eq", "ne", "ult", "ule", "ugt", "uge"]);

function scalarOk(t: Type): boolean {
  return t.kind === "field" || (t.kind === "int" && (t.width === 32 || t.width === 1));
}

/** Analyses every kernel of the module for `target`; diagnostics are returned, never thrown. */
export function analyzeKernels(module: Module, target: KernelTarget): { km?: KernelModule; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fields = new Map<string, FieldLimbs>();
  const fieldOf = (name: string, op?: Op): FieldLimbs | undefined => {
    let f = fields.get(name);
    if (!f) {
      const decl = module.field(name);
      if (!decl) {
        diagnostics.push(error("E0651", `kernel uses undeclared field \`${name}\``, op?.loc));
        return undefined;
      }
      f = fieldLimbs(name, decl.modulus);
      fields.set(name, f);
    }
    return f;
  };
  const kernels: KernelInfo[] = [];
  for (const func of module.funcs) {
    if (func.kind !== "kernel") continue;
    scalarizeKernelTuples(func);
    const before = diagnostics.length;
    if (func.results.length)
      diagnostics.push(error("E0654", `kernel \`${func.name}\` returns values; kernels communicate through buffers only`, undefined, "write results into a `&mut [T]` parameter"));
    const params: KernelParam[] = [];
    let binding = 0;
    let scalars = 0;
    func.args.forEach((a, i) => {
      const name = (typeof func.paramAttrs[i]?.name === "string" ? (func.paramAttrs[i].name as string) : a.name) ?? `p${i}`;
      const access = func.paramAttrs[i]?.access === "read_write" ? "read_write" : "read";
      const t = a.type;
      if (t.kind === "mem" && t.elem.kind === "field") {
        const f = fieldOf(t.elem.field);
        if (f) params.push({ name, index: i, kind: { kind: "fbuf", field: f, access }, binding: binding++ });
      } else if (t.kind === "mem" && t.elem.kind === "int" && t.elem.width === 32) {
        params.push({ name, index: i, kind: { kind: "ubuf", access }, binding: binding++ });
      } else if (t.kind === "int" && t.width === 32) {
        params.push({ name, index: i, kind: { kind: "scalar" }, binding: -1 });
        scalars++;
      } else {
        diagnostics.push(
          error("E0652", `kernel \`${func.name}\`: parameter \`${name}\` has type ${typeToString(t)}, which kernels cannot take`, undefined, "use &[F], &mut [F], &[u32], &mut [u32] or u32"),
        );
      }
    });
    const uniformBinding = scalars ? binding : undefined;
    let usesBarrier = false;
    walkFunc(func, (op) => {
      const rejects = SUPPORTED.get(op.name);
      if (!rejects) {
        diagnostics.push(error("E0650", `\`${op.name}\` is not supported inside kernels`, op.loc, "kernels use field/u32 arithmetic, buffer loads/stores, for and if"));
        return;
      }
      if (rejects.includes(target))
        diagnostics.push(error("E0653", `\`${op.name}\` is not supported by the ${target} target`, op.loc, op.name === "k.barrier" ? "split the kernel at the barrier into two launches" : undefined));
      if (op.name === "k.barrier") usesBarrier = true;
      if (op.name === "i.cmp" && !UNSIGNED_PREDS.has(op.strAttr("pred") ?? ""))
        diagnostics.push(error("E0651", `kernels compare u32 values unsigned; predicate \`${op.strAttr("pred")}\` is not supported`, op.loc));
      if (op.name.startsWith("k.") && (op.intAttr("dim") ?? 0) !== 0)
        diagnostics.push(error("E0653", `kernels are one-dimensional; \`${op.name}\` dim ${op.intAttr("dim")} is not supported`, op.loc));
      for (const v of op.results) {
        if (!scalarOk(v.type)) diagnostics.push(error("E0651", `\`${op.name}\` yields ${typeToString(v.type)}; kernel values are field elements, u32 or bool`, op.loc));
        else if (v.type.kind === "field") fieldOf(v.type.field, op);
      }
      for (const r of op.regions) for (const b of r.blocks) for (const a of b.args) if (!scalarOk(a.type)) diagnostics.push(error("E0651", `loop value of type ${typeToString(a.type)} is not supported in kernels`, op.loc));
    });
    const wg = func.attrs.workgroup;
    const workgroup = Array.isArray(wg) && typeof wg[0] === "bigint" ? Number(wg[0]) : typeof wg === "bigint" ? Number(wg) : 64;
    if (!(workgroup >= 1 && workgroup <= 256))
      diagnostics.push(error("E0655", `kernel \`${func.name}\`: workgroup size ${workgroup} is outside 1..256`));
    if (diagnostics.length === before) kernels.push({ func, name: func.name, workgroup, params, uniformBinding, usesBarrier });
  }
  if (!module.funcs.some((f) => f.kind === "kernel")) diagnostics.push(error("E0656", "the module has no `kernel` items to emit", undefined, "declare `@workgroup(64) kernel name(buf: &mut [F]) { ... }`"));
  if (diagnostics.length) return { diagnostics };
  return { km: { module, fields, kernels }, diagnostics };
}

/** A name usable as a WGSL/C++ identifier (parameter names reach generated code). */
export function identifier(s: string): string {
  const r = s.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(r) ? `_${r}` : r;
}
