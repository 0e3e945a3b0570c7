// CWIR kernel → one self-contained WGSL compute shader per kernel (field libraries included), plus the
// bind-group layout the host needs. Structured control flow (cf.for → `for`, cf.if → `if`, carried and
// yielded values as `var`s) is the shared StructuredPrinter's; this file spells WGSL's own ops.
import type { Op, Type, Value } from "../../compiler/ir/index.ts";
import type { FieldLimbs, KernelInfo, KernelModule, StructuredSyntax } from "../kernels/index.ts";
import { StructuredPrinter, identifier as sanitize, powExponent, sharedIntExpr, toMontgomery } from "../kernels/index.ts";
import { WGSL_LIMB_HELPERS, type WgslLibOptions, wgslFieldLib, wgslFieldType, wgslLimbLiteral } from "./fieldlib.ts";

export interface WgslBinding {
  binding: number;
  name: string;
  /** "storage" (read or read_write) or "uniform" (the scalar parameter block). */
  type: "storage" | "uniform";
  access: "read" | "read_write";
  /** u32 words per element (L for field buffers, 1 for u32 buffers; the uniform block: words in it). */
  elemWords: number;
  /** Kernel parameter indices this binding carries (one per buffer; the scalars for the uniform). */
  params: number[];
}

export interface WgslKernel {
  name: string;
  entry: string;
  workgroup: number;
  code: string;
  bindings: WgslBinding[];
  params: { name: string; kind: "fbuf" | "ubuf" | "scalar"; field?: string }[];
}

export function emitWgsl(km: KernelModule, opts: WgslLibOptions = {}): WgslKernel[] {
  return km.kernels.map((k) => new KernelPrinter(km, k, opts).print());
}

function wgslSyntax(ty: (t: Type) => string): StructuredSyntax {
  return {
    varDecl: (t, name, init) => `var ${name}: ${ty(t)}${init === undefined ? "" : ` = ${init}`};`,
    constDecl: (t, name, e) => `let ${name}: ${ty(t)} = ${e};`,
    assign: (name, e) => `${name} = ${e};`,
    forOpen: (iv, lo, hi, step) => `for (var ${iv}: u32 = ${lo}u; ${iv} < ${hi}u; ${iv} += ${step}u) {`,
    ifOpen: (c) => `if (${c}) {`,
    elseOpen: "} else {",
    close: "}",
  };
}

class KernelPrinter extends StructuredPrinter {
  private usedFields = new Set<FieldLimbs>();
  constructor(
    private km: KernelModule,
    private k: KernelInfo,
    private opts: WgslLibOptions,
  ) {
    super(wgslSyntax((t) => this.ty(t)));
  }

  private fieldOfType(t: Type): FieldLimbs {
    if (t.kind !== "field") throw new Error("not a field type");
    const f = this.km.fields.get(t.field)!;
    this.usedFields.add(f);
    return f;
  }
  private ty(t: Type): string {
    if (t.kind === "field") return wgslFieldType(this.fieldOfType(t));
    return t.kind === "int" && t.width === 1 ? "bool" : "u32";
  }
  protected typeOf(v: Value): Type {
    return v.type;
  }
  protected terminator(op: Op, ind: string): void {
    if (op.name === "cf.return") this.lines.push(`${ind}return;`);
  }
  private def(v: Value, expr: string, ind: string): void {
    const name = this.fresh();
    this.bind(v, name);
    this.lines.push(`${ind}let ${name}: ${this.ty(v.type)} = ${expr};`);
  }

  print(): WgslKernel {
    const k = this.k;
    const func = k.func;
    const bindings: WgslBinding[] = [];
    const decls: string[] = [];
    const scalars: { name: string; index: number }[] = [];
    for (const p of k.params) {
      const arg = func.args[p.index];
      if (p.kind.kind === "scalar") {
        scalars.push({ name: p.name, index: p.index });
        continue;
      }
      const gname = `b_${sanitize(p.name)}`;
      this.bind(arg, gname);
      const elem = p.kind.kind === "fbuf" ? wgslFieldType(this.fieldOfType(arg.type.kind === "mem" ? arg.type.elem : arg.type)) : "u32";
      decls.push(`@group(0) @binding(${p.binding}) var<storage, ${p.kind.access}> ${gname}: array<${elem}>;`);
      bindings.push({
        binding: p.binding,
        name: p.name,
        type: "storage",
        access: p.kind.access,
        elemWords: p.kind.kind === "fbuf" ? p.kind.field.limbs : 1,
        params: [p.index],
      });
    }
    // The uniform block always exists: k_threads bounds the launch so every target runs exactly N invocations.
    const ub = bindings.length;
    decls.push(`struct ${k.name}_params {\n  k_threads: u32,\n${scalars.map((s) => `  ${sanitize(s.name)}: u32,`).join("\n")}\n}`);
    decls.push(`@group(0) @binding(${ub}) var<uniform> u_${k.name}: ${k.name}_params;`);
    for (const s of scalars) this.bind(func.args[s.index], `u_${k.name}.${sanitize(s.name)}`);
    bindings.push({ binding: ub, name: "params", type: "uniform", access: "read", elemWords: scalars.length + 1, params: scalars.map((s) => s.index) });
    // A barrier needs uniform control flow, so barrier kernels run whole workgroups (documented in spec/kernels.md).
    if (!k.usesBarrier) this.lines.push(`  if (k_gid >= u_${k.name}.k_threads) { return; }`);
    this.lines.push(`  k_zero = u_${k.name}.k_threads >> 31u;`);
    this.block(func.body.entry, "  ");
    const body = this.lines.join("\n");
    const libs = [WGSL_LIMB_HELPERS, ...[...this.usedFields].map((f) => wgslFieldLib(f, this.opts))].join("\n");
    const code = [
      `// Generated by cwl from kernel \`${k.name}\`. Do not edit.`,
      `// Field elements are little-endian u32 limbs in Montgomery form (R = 2^(32·limbs)).`,
      libs,
      decls.join("\n"),
      ``,
      `// Linear invocation id: dispatches wider than 65535 workgroups are folded into y.`,
      `@compute @workgroup_size(${k.workgroup})`,
      `fn ${k.name}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`,
      `  let k_wg = wid.x + wid.y * nwg.x;`,
      `  let k_gid = k_wg * ${k.workgroup}u + lid.x;`,
      body,
      `}`,
      ``,
    ].join("\n");
    return {
      name: k.name,
      entry: k.name,
      workgroup: k.workgroup,
      code,
      bindings,
      params: k.params.map((p) => ({ name: p.name, kind: p.kind.kind, field: p.kind.kind === "fbuf" ? p.kind.field.name : undefined })),
    };
  }

  protected op(op: Op, ind: string): void {
    const o = op.operands;
    const a = () => this.n(o[0]);
    const b = () => this.n(o[1]);
    const isBool = (v: Value) => v.type.kind === "int" && v.type.width === 1;
    switch (op.name) {
      case "k.global_id":
        return this.def(op.result, "k_gid", ind);
      case "k.local_id":
        return this.def(op.result, "lid.x", ind);
      case "k.workgroup_id":
        return this.def(op.result, "k_wg", ind);
      case "k.barrier":
        this.lines.push(`${ind}workgroupBarrier();`);
        return;
      case "i.divu":
      case "i.remu":
        // x / 0 = x % 0 = 0 on every kernel target (WGSL alone would give x).
        return this.def(op.result, `select(${a()} ${op.name === "i.divu" ? "/" : "%"} ${b()}, 0u, ${b()} == 0u)`, ind);
      case "i.select":
        return this.def(op.result, `select(${this.n(o[2])}, ${b()}, ${a()})`, ind);
      case "i.zext":
        return this.def(op.result, isBool(o[0]) && !isBool(op.result) ? `select(0u, 1u, ${a()})` : a(), ind);
      case "i.trunc":
        return this.def(op.result, isBool(op.result) && !isBool(o[0]) ? `(${a()} & 1u) != 0u` : a(), ind);
      case "i.to_f": {
        const f = this.fieldOfType(op.result.type);
        return this.def(op.result, `${f.prefix}_from_u32(${isBool(o[0]) ? `select(0u, 1u, ${a()})` : a()})`, ind);
      }
      case "f.const": {
        const f = this.fieldOfType(op.result.type);
        return this.def(op.result, wgslLimbLiteral(f, toMontgomery(f, op.bigAttr("value") ?? 0n)), ind);
      }
      case "f.add":
      case "f.sub":
      case "f.mul": {
        const f = this.fieldOfType(op.result.type);
        return this.def(op.result, `${f.prefix}_${op.name.slice(2)}(${a()}, ${b()})`, ind);
      }
      case "f.neg":
      case "f.inv": {
        const f = this.fieldOfType(op.result.type);
        return this.def(op.result, `${f.prefix}_${op.name.slice(2)}(${a()})`, ind);
      }
      case "f.div": {
        const f = this.fieldOfType(op.result.type);
        return this.def(op.result, `${f.prefix}_mul(${a()}, ${f.prefix}_inv(${b()}))`, ind);
      }
      case "f.pow": {
        const f = this.fieldOfType(op.result.type);
        return this.def(op.result, `${f.prefix}_pow(${a()}, ${wgslLimbLiteral(f, powExponent(f, op.bigAttr("exp") ?? 0n))})`, ind);
      }
      case "f.eq": {
        const f = this.fieldOfType(o[0].type);
        return this.def(op.result, `${f.prefix}_eq(${a()}, ${b()})`, ind);
      }
      case "f.select": {
        // WGSL `select` takes no arrays, so choose with a branch.
        const name = this.fresh();
        this.bind(op.result, name);
        this.lines.push(`${ind}var ${name}: ${this.ty(op.result.type)} = ${this.n(o[2])};`, `${ind}if (${a()}) { ${name} = ${b()}; }`);
        return;
      }
      case "mem.load":
        return this.def(op.result, `${a()}[${b()}]`, ind);
      case "mem.store":
        this.lines.push(`${ind}${a()}[${b()}] = ${this.n(o[2])};`);
        return;
      case "mem.len":
        return this.def(op.result, `arrayLength(&${a()})`, ind);
      default: {
        const e = sharedIntExpr(op, (v) => this.n(v));
        if (e === undefined) throw new Error(`wgsl: unexpected op ${op.name} (analyzeKernels admits it?)`);
        return this.def(op.result, e, ind);
      }
    }
  }
}
