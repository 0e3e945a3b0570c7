// Checked AST → CWIR. One IR func per concrete instance (generic items are monomorphised by sema);
// mutable locals become SSA values rebound on assignment, and loops / ifs carry the locals they
// assign as block arguments / results. Every op gets the span of the AST node it came from.
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import {
  Builder,
  INDEX_TYPE,
  Module,
  type ParamInfo,
  T,
  type Type,
  type Value,
  type Attrs,
  typeEq,
  typeToString,
} from "../ir/index.ts";
import type { Block, Expr, Param, Pattern, Stmt } from "../syntax/index.ts";
import { walk } from "../syntax/index.ts";
import type { CV, CheckedProgram, Instance, Local, TableInfo, Ty } from "../sema/index.ts";
import { shorthandOf, tyToString } from "../sema/index.ts";

export interface LowerOptions {
  /** Lower only these entry items (by source name); default: all. */
  only?: string[];
}

export function lowerProgram(program: CheckedProgram, opts: LowerOptions = {}): { module: Module; diagnostics: Diagnostic[] } {
  const m = new Module();
  const diagnostics: Diagnostic[] = [];
  const seenFields = new Set<string>();
  const addField = (name: string, modulus: bigint) => {
    if (seenFields.has(name)) return;
    seenFields.add(name);
    m.addField(name, modulus);
  };
  for (const f of program.fields) addField(f.ir, f.modulus);
  for (const t of program.tables) {
    if (m.has(t.irName)) continue;
    m.addTable({ name: t.irName, columns: t.columns.map(irType), range: t.range, rows: t.rows, ...(t.dynamic ? { dynamic: true } : {}) });
  }
  const b = new Builder(m);
  const wanted = opts.only ? new Set(opts.only) : undefined;
  for (const inst of program.instances) {
    if (!inst.concrete) continue;
    // Protocol and kernel helpers are inlined at their call sites (mpc.* / k.* ops live only there).
    if (inst.item.kind === "Fn" && !inst.item.hint && (inst.ctx === "protocol" || inst.ctx === "kernel")) continue;
    if (wanted && program.entries.includes(inst) && !wanted.has(inst.item.name.name)) continue;
    try {
      new FuncLowerer(b, inst, diagnostics).lowerFunc();
    } catch (e) {
      if (e instanceof LowerError) diagnostics.push({ severity: "error", code: e.code, message: e.message, span: e.span, hint: e.hint });
      else throw e;
    }
  }
  return { module: m, diagnostics };
}

class LowerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly span: Span,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function irType(t: Ty): Type {
  switch (t.k) {
    case "field":
      return T.field(t.f.ir);
    case "int":
      return T.int(t.bits);
    case "bool":
      return T.i1;
    case "lit":
      return INDEX_TYPE;
    case "array":
      return T.array(irType(t.elem), t.len ?? 0);
    case "slice":
      return T.mem(irType(t.elem));
    case "ref":
      return t.inner.k === "slice" ? irType(t.inner) : irType(t.inner);
    case "bytes":
      return T.mem(T.i8);
    case "tuple":
      return T.tuple(t.elems.map(irType));
    case "struct":
      return T.tuple(t.s.fields.map((f) => irType(f.type)));
    case "sint":
      return T.sint(t.f.ir);
    case "sfix":
      return T.sfix(t.f.ir, t.frac);
    case "fix":
      return T.fix(t.f.ir, t.frac);
    default:
      return INDEX_TYPE;
  }
}

/** Whether a parameter type holds a signed integer (i8..i128), directly or inside arrays, tuples, structs. */
function hasSignedInt(t: Ty): boolean {
  switch (t.k) {
    case "int":
      return t.signed;
    case "array":
    case "slice":
      return hasSignedInt(t.elem);
    case "ref":
      return hasSignedInt(t.inner);
    case "tuple":
      return t.elems.some(hasSignedInt);
    case "struct":
      return t.s.fields.some((f) => hasSignedInt(f.type));
    default:
      return false;
  }
}

const isUnit = (t: Ty) => t.k === "tuple" && t.elems.length === 0;
const isMem = (t: Ty) => t.k === "slice" || t.k === "bytes" || (t.k === "ref" && (t.inner.k === "slice" || t.inner.k === "bytes"));
const FUNC_KIND = { Circuit: "circuit", Program: "program", Protocol: "protocol", Kernel: "kernel" } as const;

class FuncLowerer {
  private env = new Map<Local, Value>();

  constructor(
    readonly b: Builder,
    readonly inst: Instance,
    readonly diags: Diagnostic[],
  ) {}

  private fail(code: string, msg: string, span: Span, hint?: string): never {
    throw new LowerError(code, msg, span, hint);
  }

  lowerFunc(): void {
    const { inst, b } = this;
    const item = inst.item;
    const kind = item.kind === "Fn" ? (item.hint ? "hint" : "fn") : FUNC_KIND[item.kind];
    const params: ParamInfo[] = inst.params.map((p) => this.paramInfo(p.param, p.ty, kind));
    const results = isUnit(inst.ret) ? [] : [irType(inst.ret)];
    const attrs: Attrs = {};
    for (const a of item.attrs) {
      if (a.name.name === "workgroup") {
        const dims = a.args.map((x) => (x.kind === "IntLit" ? x.value : 1n));
        while (dims.length < 3) dims.push(1n);
        attrs.workgroup = dims.slice(0, 3);
      }
    }
    b.loc = item.name.span;
    const f = b.func(kind, inst.irName, params, results, attrs);
    inst.params.forEach((p, i) => {
      const local = inst.locals.get(p.param);
      if (local) this.env.set(local, f.args[i]);
    });
    const v = this.lowerBody(item.body);
    b.loc = item.body.span;
    b.cf.return(results.length && v ? [v] : []);
  }

  private paramInfo(p: Param, t: Ty, kind: string): ParamInfo {
    const info: ParamInfo = { type: irType(t), name: p.name.name };
    // Inputs of an item that can be run are decoded against the source type: `type` names it in
    // diagnostics, `signed` lets its integers be given as negative numbers (CWIR integers are signless).
    if (kind !== "fn" && kind !== "hint") info.attrs = { type: tyToString(t), ...(hasSignedInt(t) ? { signed: true } : {}) };
    if (kind === "circuit") info.vis = p.qualifier === "pub" ? "pub" : "priv";
    else if (kind === "protocol") {
      const secret = p.qualifier === "secret" || (p.qualifier === undefined && containsSecretTy(t));
      info.vis = secret ? "secret" : "public";
      if (p.party && p.party.kind === "IntLit") info.party = Number(p.party.value);
      else if (secret) info.party = 0;
    } else if (kind === "kernel" && t.k === "ref") info.attrs = { ...info.attrs, access: t.mut ? "read_write" : "read" };
    return info;
  }

  /** Lower a function body; `return e` as the last statement gives the value. */
  private lowerBody(body: Block): Value | undefined {
    const last = body.stmts[body.stmts.length - 1];
    if (!body.tail && last?.kind === "Return") {
      for (const s of body.stmts.slice(0, -1)) this.stmt(s);
      return last.value ? this.expr(last.value) : undefined;
    }
    return this.block(body);
  }

  private block(bl: Block): Value | undefined {
    for (const s of bl.stmts) this.stmt(s);
    if (bl.tail) return this.expr(bl.tail);
    const last = bl.stmts[bl.stmts.length - 1];
    if (last?.kind === "ExprStmt" && !last.semi && last.expr.kind === "If") return this.lastIf;
    return undefined;
  }
  private lastIf: Value | undefined;

  // --- statements --------------------------------------------------------------------------------

  private stmt(s: Stmt): void {
    const b = this.b;
    b.loc = s.span;
    switch (s.kind) {
      case "Let": {
        let v: Value | undefined;
        if (s.init) v = this.expr(s.init);
        else {
          const l = this.patternLocal(s.pattern);
          if (l) v = this.zero(l.ty, s.span);
        }
        if (v) this.bindPattern(s.pattern, v);
        return;
      }
      case "Assign": {
        let v: Value;
        if (s.op === "=") v = this.coerceTo(this.expr(s.value)!, this.ty(s.value), this.ty(s.target));
        else {
          const cur = this.expr(s.target)!;
          const rhs = this.expr(s.value)!;
          v = this.binop(s.op.slice(0, -1), cur, rhs, this.ty(s.target), this.ty(s.value), this.ty(s.target), s.span);
        }
        this.assign(s.target, v);
        return;
      }
      case "Assert": {
        const c = this.expr(s.cond)!;
        b.loc = s.span;
        b.c.assert(c, s.message?.kind === "StrLit" ? s.message.value : "");
        return;
      }
      case "AssertEq": {
        const lt = this.ty(s.left);
        const l = this.expr(s.left)!;
        const r = this.coerceTo(this.expr(s.right)!, this.ty(s.right), lt);
        b.loc = s.span;
        b.c.assertEq(l, r, s.message?.kind === "StrLit" ? s.message.value : "");
        return;
      }
      case "Lookup": {
        const t = this.inst.lookups.get(s);
        if (!t) this.fail("E0110", "unresolved table", s.table.span);
        const vals = s.columns.map((c) => this.expr(c)!);
        b.loc = s.span;
        b.c.lookup(vals, this.tableFor(t, vals.map((v) => v.type)));
        return;
      }
      case "Push": {
        const t = this.inst.pushes.get(s);
        if (!t) this.fail("E0110", "unresolved table", s.table.span);
        const vals = s.columns.map((c, i) => this.coerceTo(this.expr(c)!, this.ty(c), t.columns[i]));
        b.loc = s.span;
        b.c.tablePush(vals, t.irName);
        return;
      }
      case "Reveal": {
        const v = this.expr(s.value)!;
        b.loc = s.span;
        b.mpc.reveal(v);
        return;
      }
      case "Return":
        this.fail("E0408", "`return` is only supported as the last statement of a function body", s.span);
      // eslint-disable-next-line no-fallthrough
      case "Break":
      case "Continue":
        this.fail("E0409", `\`${s.kind.toLowerCase()}\` is not supported yet`, s.span);
      // eslint-disable-next-line no-fallthrough
      case "For":
        return this.forStmt(s);
      case "While":
        return this.whileStmt(s);
      case "ExprStmt": {
        const v = this.expr(s.expr);
        if (s.expr.kind === "If") this.lastIf = v;
        return;
      }
    }
  }

  /**
   * The table to look `types` up in: the declared one, or a copy whose integer columns hold the same
   * values as field elements when the lookup passes field elements (`lookup limb in range8` with limb: F).
   */
  private tableFor(t: TableInfo, types: Type[]): string {
    const m = this.b.module;
    const decl = m.table(t.irName);
    if (!decl || decl.columns.every((c, i) => typeEq(c, types[i]))) return t.irName;
    const name = `${t.irName}$${types.map((x) => (x.kind === "field" ? x.field : typeToString(x).replace(/[^A-Za-z0-9_]/g, ""))).join("$")}`;
    if (!m.has(name)) m.addTable({ name, columns: types, range: decl.range, rows: decl.rows });
    return name;
  }

  private patternLocal(p: Pattern): Local | undefined {
    return p.kind === "IdentPattern" ? this.inst.locals.get(p) : undefined;
  }

  private bindPattern(p: Pattern, v: Value): void {
    if (p.kind === "IdentPattern") {
      const l = this.inst.locals.get(p);
      if (l) this.env.set(l, v);
    } else if (p.kind === "TuplePattern") {
      p.elems.forEach((q, i) => {
        if (q.kind === "WildcardPattern") return;
        this.b.loc = q.span;
        this.bindPattern(q, this.b.tuple.get(v, i));
      });
    }
  }

  /** Outer locals assigned somewhere inside `node` (they become loop-carried / if results). */
  private assignedOuter(node: Block | Expr): Local[] {
    const out: Local[] = [];
    const seen = new Set<Local>();
    walk(node, (n) => {
      if (n.kind !== "Assign") return;
      let t: Expr = n.target;
      while (t.kind === "Index" || t.kind === "FieldAccess" || t.kind === "TupleIndex" || t.kind === "Paren")
        t = t.kind === "Paren" ? t.inner : t.object;
      const r = this.inst.res.get(t);
      if (r?.k === "local" && this.env.has(r.local) && !isMem(r.local.ty) && !seen.has(r.local)) {
        seen.add(r.local);
        out.push(r.local);
      }
    });
    return out;
  }

  private forStmt(s: Extract<Stmt, { kind: "For" }>): void {
    const b = this.b;
    const carried = this.assignedOuter(s.body);
    const loopLocal = this.patternLocal(s.pattern);
    const it = s.iter;
    let lo: CV | undefined;
    let hi: CV | undefined;
    let arr: Value | undefined;
    let elemTy: Ty | undefined;
    if (it.kind === "Range") {
      lo = this.inst.consts.get(it.start!);
      hi = this.inst.consts.get(it.end!);
      if (typeof hi === "bigint" && it.inclusive) hi += 1n;
      elemTy = (this.ty(it) as { elem?: Ty }).elem;
    } else {
      const at = this.ty(it);
      arr = this.expr(it);
      lo = 0n;
      hi = at.k === "array" ? BigInt(at.len ?? 0) : 0n;
    }
    const init = carried.map((l) => this.env.get(l)!);
    const bodyFn = (iv: Value, vals: Value[]): Value[] => {
      carried.forEach((l, i) => this.env.set(l, vals[i]));
      b.loc = s.pattern.span;
      if (loopLocal) {
        if (arr) this.env.set(loopLocal, b.array.get(arr, iv));
        else this.env.set(loopLocal, this.fromIndex(iv, elemTy ?? { k: "int", bits: 32, signed: false }));
      }
      this.block(s.body);
      return carried.map((l) => this.env.get(l)!);
    };
    b.loc = s.span;
    if (typeof lo === "bigint" && typeof hi === "bigint") {
      const res = b.cf.for(lo, hi < lo ? lo : hi, init, bodyFn);
      carried.forEach((l, i) => this.env.set(l, res[i]));
      return;
    }
    // Bounds known only at run time (programs, hints): a while loop over an index.
    const loV = this.toIndex(this.expr(it.kind === "Range" ? it.start! : it)!, elemTy);
    const hiRaw = this.expr((it as { end: Expr }).end)!;
    const hiV = this.toIndex(it.kind === "Range" && it.inclusive ? b.i.add(hiRaw, b.i.const(1, hiRaw.type)) : hiRaw, elemTy);
    b.loc = s.span;
    const types = [INDEX_TYPE, ...init.map((v) => v.type)];
    const res = b.cf.while(
      [loV, ...init],
      types,
      (args) => [b.i.cmp("ult", args[0], hiV), ...args],
      (args) => {
        const next = bodyFn(args[0], args.slice(1));
        b.loc = s.span;
        return [b.i.add(args[0], b.i.const(1)), ...next];
      },
    );
    carried.forEach((l, i) => this.env.set(l, res[i + 1]));
  }

  private whileStmt(s: Extract<Stmt, { kind: "While" }>): void {
    const b = this.b;
    const carried = this.assignedOuter(s.body);
    const init = carried.map((l) => this.env.get(l)!);
    b.loc = s.span;
    const res = b.cf.while(
      init,
      init.map((v) => v.type),
      (args) => {
        carried.forEach((l, i) => this.env.set(l, args[i]));
        const c = this.expr(s.cond)!;
        return [c, ...args];
      },
      (args) => {
        carried.forEach((l, i) => this.env.set(l, args[i]));
        this.block(s.body);
        return carried.map((l) => this.env.get(l)!);
      },
    );
    carried.forEach((l, i) => this.env.set(l, res[i]));
  }

  private toIndex(v: Value, t: Ty | undefined): Value {
    const w = v.type.kind === "int" ? v.type.width : 32;
    if (w === 32) return v;
    return w < 32 ? this.b.i.zext(v, INDEX_TYPE) : this.b.i.trunc(v, INDEX_TYPE);
    void t;
  }

  private fromIndex(iv: Value, t: Ty): Value {
    if (t.k !== "int" || t.bits === 32) return iv;
    return t.bits < 32 ? this.b.i.trunc(iv, T.int(t.bits)) : t.signed ? this.b.i.sext(iv, T.int(t.bits)) : this.b.i.zext(iv, T.int(t.bits));
  }

  /** Write `v` into a place expression, rebuilding arrays/tuples functionally. */
  private assign(target: Expr, v: Value): void {
    const b = this.b;
    switch (target.kind) {
      case "Paren":
        return this.assign(target.inner, v);
      case "PathExpr": {
        const r = this.inst.res.get(target);
        if (r?.k !== "local") this.fail("E0207", "cannot assign to this expression", target.span);
        this.env.set(r.local, v);
        return;
      }
      case "Index": {
        const objTy = this.ty(target.object);
        const obj = this.expr(target.object)!;
        const idx = this.expr(target.index)!;
        b.loc = target.span;
        if (isMem(objTy)) {
          b.mem.store(obj, idx, v);
          return;
        }
        return this.assign(target.object, b.array.set(obj, idx, v));
      }
      case "FieldAccess":
      case "TupleIndex": {
        const objTy = this.ty(target.object);
        const obj = this.expr(target.object)!;
        const index = target.kind === "TupleIndex" ? target.index : objTy.k === "struct" ? objTy.s.fields.findIndex((f) => f.name === target.field.name) : -1;
        const n = objTy.k === "struct" ? objTy.s.fields.length : objTy.k === "tuple" ? objTy.elems.length : 0;
        b.loc = target.span;
        const elems: Value[] = [];
        for (let i = 0; i < n; i++) elems.push(i === index ? v : b.tuple.get(obj, i));
        return this.assign(target.object, b.tuple.make(elems));
      }
      default:
        this.fail("E0207", "cannot assign to this expression", target.span);
    }
  }

  // --- expressions -------------------------------------------------------------------------------

  private ty(e: Expr): Ty {
    const t = this.inst.typeOf(e);
    return t.k === "lit" ? { k: "int", bits: 32, signed: false } : t;
  }

  expr(e: Expr): Value | undefined {
    const saved = this.b.loc;
    this.b.loc = e.span;
    try {
      return this.exprInner(e);
    } finally {
      this.b.loc = saved;
    }
  }

  private exprInner(e: Expr): Value | undefined {
    const b = this.b;
    const t = this.ty(e);
    switch (e.kind) {
      case "IntLit":
        return this.constant(e.value, t, e.span);
      case "BoolLit":
        return b.i.const(e.value ? 1 : 0, T.i1);
      case "Paren":
        return this.expr(e.inner);
      case "PathExpr": {
        const r = this.inst.res.get(e);
        if (r?.k === "local") {
          const v = this.env.get(r.local);
          if (!v) this.fail("E0201", `\`${r.local.name}\` is used before it has a value`, e.span);
          return v;
        }
        if (r?.k === "const") return this.constant(r.value, t, e.span);
        return this.fail("E0101", "unresolved name", e.span);
      }
      case "Unary": {
        const v = this.expr(e.operand)!;
        b.loc = e.span;
        const ot = this.ty(e.operand);
        if (e.op === "-") {
          if (ot.k === "field") return b.f.neg(v);
          if (isSecretScalar(ot) || ot.k === "array") return b.mpc.neg(v);
          return b.i.sub(b.i.const(0, v.type), v);
        }
        return b.i.not(v);
      }
      case "Binary": {
        if (e.op === "**") {
          const base = this.expr(e.left)!;
          const n = this.inst.consts.get(e.right);
          if (typeof n !== "bigint") this.fail("E0301", "exponent must be a compile-time constant", e.right.span);
          b.loc = e.span;
          if (base.type.kind === "field") return b.f.pow(base, n);
          let acc = b.i.const(1, base.type);
          for (let i = 0n; i < n; i++) acc = b.i.mul(acc, base);
          return acc;
        }
        // `a + b + c + ...` is a left-deep tree as long as the source: lowered along its left spine by
        // a loop (innermost operator first, as recursion would), so its length costs no stack.
        const spine: Extract<Expr, { kind: "Binary" }>[] = [];
        let cur: Expr = e;
        for (; cur.kind === "Binary" && cur.op !== "**"; cur = cur.left) spine.push(cur);
        let l = this.expr(cur)!;
        for (let i = spine.length - 1; i >= 0; i--) {
          const n = spine[i];
          b.loc = n.span;
          const r = this.expr(n.right)!;
          l = this.binop(n.op, l, r, this.ty(n.left), this.ty(n.right), this.ty(n), n.span);
        }
        return l;
      }
      case "Cast":
        return this.cast(this.expr(e.expr)!, this.ty(e.expr), t, e.span);
      case "Call":
        return this.call(e);
      case "MethodCall":
        return this.methodCall(e);
      case "FieldAccess": {
        const ot = this.ty(e.object);
        const o = this.expr(e.object)!;
        b.loc = e.span;
        if (ot.k === "struct") return b.tuple.get(o, ot.s.fields.findIndex((f) => f.name === e.field.name));
        if (e.field.name === "T") return b.mpc.transpose(o);
        return this.fail("E0108", "unknown field", e.field.span);
      }
      case "TupleIndex": {
        const o = this.expr(e.object)!;
        b.loc = e.span;
        return b.tuple.get(o, e.index);
      }
      case "Index": {
        const ot = this.ty(e.object);
        const o = this.expr(e.object)!;
        if (e.index.kind === "Range") {
          const lo = this.inst.consts.get(e.index.start!) as bigint;
          let hi = this.inst.consts.get(e.index.end!) as bigint;
          if (e.index.inclusive) hi += 1n;
          b.loc = e.span;
          const elems: Value[] = [];
          for (let i = lo; i < hi; i++) elems.push(b.array.get(o, b.i.const(i)));
          return b.array.make(elems, irType((t as { elem: Ty }).elem));
        }
        const idx = this.expr(e.index)!;
        b.loc = e.span;
        return isMem(ot) ? b.mem.load(o, idx) : b.array.get(o, idx);
      }
      case "ArrayLit": {
        const elemTy = (t as { elem: Ty }).elem;
        const vals = e.elems.map((x) => this.coerceTo(this.expr(x)!, this.ty(x), elemTy));
        b.loc = e.span;
        return b.array.make(vals, irType(elemTy));
      }
      case "ArrayRepeat": {
        const v = this.expr(e.value)!;
        const n = (t as { len?: number }).len ?? 0;
        b.loc = e.span;
        return b.array.make(Array.from({ length: n }, () => v), v.type);
      }
      case "Tuple": {
        if (e.elems.length === 0) return undefined;
        const vals = e.elems.map((x) => this.expr(x)!);
        b.loc = e.span;
        return b.tuple.make(vals);
      }
      case "StructLit": {
        const s = this.inst.structs.get(e);
        if (!s) return this.fail("E0102", "unresolved struct", e.span);
        const byName = new Map<string, Value>();
        const sh = shorthandOf(this.inst);
        for (const f of e.fields) {
          const src = f.value ?? sh.get(f);
          if (src) byName.set(f.name.name, this.coerceTo(this.expr(src)!, this.ty(src), s.fields.find((x) => x.name === f.name.name)?.type ?? this.ty(src)));
        }
        b.loc = e.span;
        return b.tuple.make(s.fields.map((f) => byName.get(f.name) ?? this.zero(f.type, e.span)));
      }
      case "If":
        return this.ifExpr(e);
      case "BlockExpr":
        return this.block(e.block);
      default:
        return this.fail("E0203", `this expression cannot be lowered here`, e.span);
    }
  }

  private ifExpr(e: Extract<Expr, { kind: "If" }>): Value | undefined {
    const b = this.b;
    const t = this.ty(e);
    const hasValue = !isUnit(t) && t.k !== "error";
    const carried = this.assignedOuter(e);
    const cond = this.expr(e.cond)!;
    const before = new Map(this.env);
    const arm = (run: () => Value | undefined) => (): Value[] => {
      this.env = new Map(before);
      const v = run();
      const out = carried.map((l) => this.env.get(l)!);
      return hasValue ? [this.coerceTo(v ?? this.zero(t, e.span), t, t), ...out] : out;
    };
    const types = [...(hasValue ? [irType(t)] : []), ...carried.map((l) => before.get(l)!.type)];
    b.loc = e.span;
    const res = b.cf.if(
      cond,
      types,
      arm(() => this.block(e.then)),
      arm(() => (e.else ? (e.else.kind === "If" ? this.expr(e.else) : this.block(e.else)) : undefined)),
    );
    this.env = before;
    const off = hasValue ? 1 : 0;
    carried.forEach((l, i) => this.env.set(l, res[i + off]));
    return hasValue ? res[0] : undefined;
  }

  /** Int → field where the checker let a clear int meet a field/secret (protocol mixing). */
  private coerceTo(v: Value, from: Ty, to: Ty): Value {
    if ((to.k === "field" || isSecretScalar(to)) && v.type.kind === "int" && (from.k === "int" || from.k === "lit")) {
      const f = to.k === "field" ? T.field(to.f.ir) : T.field((to as { f: { ir: string } }).f.ir);
      const fv = this.b.i.toF(v, f);
      return to.k === "field" ? fv : this.b.mpc.share(fv, irType(to));
    }
    if (isSecretScalar(to) && v.type.kind === "field") return this.b.mpc.share(v, irType(to));
    return v;
  }

  binop(op: string, l: Value, r: Value, lt: Ty, rt: Ty, t: Ty, span: Span): Value {
    const b = this.b;
    b.loc = span;
    const secret = isSecretScalar(scalarTy(lt)) || isSecretScalar(scalarTy(rt));
    if (secret) {
      // Clear ints meet secrets as field elements.
      const fix = (v: Value, vt: Ty): Value => {
        if (v.type.kind === "int") {
          const f = (scalarTy(isSecretScalar(scalarTy(lt)) ? lt : rt) as { f: { ir: string } }).f.ir;
          return b.i.toF(v, T.field(f));
        }
        void vt;
        return v;
      };
      const a = fix(l, lt);
      const c = fix(r, rt);
      switch (op) {
        case "+":
          return b.mpc.add(a, c);
        case "-":
          return b.mpc.sub(a, c);
        case "*":
          return b.mpc.mul(a, c);
        case "/": {
          // sfix / 2^k (the checker allows only a constant divisor): a truncation by k bits.
          const def = r.definingOp;
          const frac = r.type.kind === "sfix" ? BigInt(r.type.frac) : 0n;
          const raw = def && (def.name === "i.const" || def.name === "f.const" || def.name === "mpc.const") ? def.bigAttr("value") : undefined;
          const d = raw !== undefined && raw % (1n << frac) === 0n ? raw >> frac : undefined;
          if (d === undefined || d <= 0n || (d & (d - 1n)) !== 0n) return this.fail("E0203", "a secret fixed-point value can only be divided by a constant power of two", span);
          return b.mpc.trunc(l, d.toString(2).length - 1);
        }
        case "@":
          return b.mpc.matmul(a, c);
        case "<":
          return b.mpc.lt(a, c);
        case ">":
          return b.mpc.lt(c, a);
        case "<=":
        case ">=": {
          const lt2 = op === "<=" ? b.mpc.lt(c, a) : b.mpc.lt(a, c);
          return b.mpc.sub(b.mpc.const(1n, lt2.type), lt2);
        }
      }
      return this.fail("E0203", `\`${op}\` is not supported on secret values`, span);
    }
    if (op === "@") return b.mpc.matmul(l, r);
    if (lt.k === "field") {
      switch (op) {
        case "+":
          return b.f.add(l, r);
        case "-":
          return b.f.sub(l, r);
        case "*":
          return b.f.mul(l, r);
        case "/":
          return b.f.div(l, r);
        case "==":
          return b.f.eq(l, r);
        case "!=":
          return b.i.not(b.f.eq(l, r));
        case "<":
        case "<=":
        case ">":
        case ">=": {
          // Hints only: compare the canonical representatives as 256-bit integers.
          const w = T.int(256);
          return b.i.cmp(UNSIGNED_CMP[op], b.i.fromF(l, w), b.i.fromF(r, w));
        }
      }
    }
    if (lt.k === "int" || lt.k === "bool" || lt.k === "lit") {
      const signed = lt.k === "int" && lt.signed;
      if ((op === "<<" || op === ">>") && r.type.kind === "int" && l.type.kind === "int" && r.type.width !== l.type.width)
        r = r.type.width < l.type.width ? b.i.zext(r, l.type) : b.i.trunc(r, l.type);
      switch (op) {
        case "+":
          return b.i.add(l, r);
        case "-":
          return b.i.sub(l, r);
        case "*":
          return b.i.mul(l, r);
        case "/":
          return signed ? b.i.divs(l, r) : b.i.divu(l, r);
        case "%":
          return signed ? b.i.rems(l, r) : b.i.remu(l, r);
        case "&":
        case "&&":
          return b.i.and(l, r);
        case "|":
        case "||":
          return b.i.or(l, r);
        case "^":
          return b.i.xor(l, r);
        case "<<":
          return b.i.shl(l, r);
        case ">>":
          return signed ? b.i.shrs(l, r) : b.i.shru(l, r);
        case "==":
          return b.i.cmp("eq", l, r);
        case "!=":
          return b.i.cmp("ne", l, r);
        case "<":
        case "<=":
        case ">":
        case ">=":
          return b.i.cmp(signed ? SIGNED_CMP[op] : UNSIGNED_CMP[op], l, r);
      }
    }
    if (lt.k === "array" && (op === "+" || op === "-" || op === "*")) {
      return op === "+" ? b.mpc.add(l, r) : op === "-" ? b.mpc.sub(l, r) : b.mpc.mul(l, r);
    }
    return this.fail("E0203", `\`${op}\` on ${lt.k} cannot be lowered`, span);
    void t;
  }

  private cast(v: Value, from: Ty, to: Ty, span: Span): Value {
    const b = this.b;
    b.loc = span;
    const toIr = irType(to);
    if (from.k === "int" || from.k === "bool" || from.k === "lit") {
      const w = v.type.kind === "int" ? v.type.width : 32;
      if (to.k === "field") return b.i.toF(v, toIr);
      if (to.k === "int") {
        if (to.bits === w) return v;
        if (to.bits < w) return b.i.trunc(v, toIr);
        return from.k === "int" && from.signed ? b.i.sext(v, toIr) : b.i.zext(v, toIr);
      }
    }
    if (from.k === "field") {
      if (to.k === "field") return v;
      if (to.k === "int") return b.i.fromF(v, toIr);
    }
    if (from.k === to.k) return v;
    return this.fail("E0211", `cannot lower a cast from ${from.k} to ${to.k}`, span);
  }

  private call(e: Extract<Expr, { kind: "Call" }>): Value | undefined {
    const b = this.b;
    const target = this.inst.calls.get(e);
    if (!target) return this.fail("E0208", "unresolved call", e.span);
    switch (target.k) {
      case "builtin":
        b.loc = e.span;
        switch (target.name) {
          case "barrier":
            b.k.barrier();
            return undefined;
          case "global_id":
            return b.k.globalId(target.dim);
          case "local_id":
            return b.k.localId(target.dim);
          case "workgroup_id":
            return b.k.workgroupId(target.dim);
          case "num_workgroups":
            return b.k.numWorkgroups(target.dim);
        }
        return undefined;
      case "from_bits":
        return this.fromBits(this.expr(e.args[0])!, target.ty, e.span);
      case "fn": {
        const callee = target.inst;
        const args = e.args.map((a, i) => this.coerceTo(this.expr(a)!, this.ty(a), callee.params[i].ty));
        b.loc = e.span;
        const inline = callee.item.kind === "Fn" && !callee.item.hint && (callee.ctx === "protocol" || callee.ctx === "kernel");
        if (inline) return this.inlineCall(callee, args, e.span);
        const res = b.cf.call(callee.irName, args, isUnit(callee.ret) ? [] : [irType(callee.ret)]);
        return res[0];
      }
      default:
        return this.fail("E0208", "unexpected call target", e.span);
    }
  }

  private inlineDepth = 0;
  private inlineCall(callee: Instance, args: Value[], span: Span): Value | undefined {
    if (this.inlineDepth > 64) this.fail("E0407", "recursive call cannot be inlined", span);
    const sub = new FuncLowerer(this.b, callee, this.diags);
    sub.inlineDepth = this.inlineDepth + 1;
    callee.params.forEach((p, i) => {
      const l = callee.locals.get(p.param);
      if (l) sub.env.set(l, args[i]);
    });
    const saved = this.b.loc;
    const v = sub.lowerBody(callee.item.body);
    this.b.loc = saved;
    return v;
  }

  private fromBits(bits: Value, to: Ty, span: Span): Value {
    const b = this.b;
    b.loc = span;
    if (to.k === "field") return b.f.fromBits(bits, irType(to));
    const ty = irType(to);
    const n = bits.type.kind === "array" ? bits.type.len : 0;
    let acc = b.i.const(0, ty);
    for (let k = 0; k < n; k++) {
      const bit = b.i.zext(b.array.get(bits, b.i.const(k)), ty);
      acc = b.i.or(acc, k === 0 ? bit : b.i.shl(bit, b.i.const(k, ty)));
    }
    return acc;
  }

  private methodCall(e: Extract<Expr, { kind: "MethodCall" }>): Value | undefined {
    const b = this.b;
    const target = this.inst.calls.get(e);
    const rt = this.ty(e.receiver);
    const recv = this.expr(e.receiver)!;
    b.loc = e.span;
    switch (target?.k) {
      case "to_bits": {
        if (rt.k === "field") return b.f.toBits(recv, target.bits);
        const bits: Value[] = [];
        for (let k = 0; k < target.bits; k++) {
          const sh = k === 0 ? recv : b.i.shru(recv, b.i.const(k, recv.type));
          bits.push(b.i.trunc(sh, T.i1));
        }
        return b.array.make(bits, T.i1);
      }
      case "from_bits":
        return this.fromBits(recv, target.ty, e.span);
      case "len": {
        const c = this.inst.consts.get(e);
        if (typeof c === "bigint") return b.i.const(c, T.i32);
        return b.mem.len(recv);
      }
      case "inv":
        return b.f.inv(recv);
    }
    return this.fail("E0109", `method \`${e.method.name}\` cannot be lowered`, e.span);
  }

  // --- constants ---------------------------------------------------------------------------------

  constant(v: CV, t: Ty, span: Span): Value {
    const b = this.b;
    b.loc = span;
    switch (t.k) {
      case "field": {
        const p = t.f.modulus;
        const n = typeof v === "bigint" ? ((v % p) + p) % p : v === true ? 1n : 0n;
        return b.f.const(n, irType(t));
      }
      case "int":
      case "lit":
        return b.i.const(typeof v === "bigint" ? v : v === true ? 1n : 0n, irType(t));
      case "bool":
        return b.i.const(v === true || v === 1n ? 1 : 0, T.i1);
      case "sint":
      case "sfix":
      case "fix": {
        const p = t.f.modulus;
        let n = typeof v === "bigint" ? v : 0n;
        if (t.k !== "sint") n *= 1n << BigInt(t.frac);
        n = ((n % p) + p) % p;
        const st: Ty = t.k === "fix" ? { k: "sfix", f: t.f, frac: t.frac } : t;
        return b.mpc.const(n, irType(st));
      }
      case "array": {
        const arr = Array.isArray(v) ? v : [];
        return b.array.make(arr.map((x) => this.constant(x, t.elem, span)), irType(t.elem));
      }
      case "tuple":
        return b.tuple.make((Array.isArray(v) ? v : []).map((x, i) => this.constant(x, t.elems[i], span)));
      case "struct":
        return b.tuple.make((Array.isArray(v) ? v : []).map((x, i) => this.constant(x, t.s.fields[i].type, span)));
      default:
        return this.fail("E0302", `cannot build a constant of this type`, span);
    }
  }

  private zero(t: Ty, span: Span): Value {
    const zeroCv = (x: Ty): CV =>
      x.k === "array" ? Array.from({ length: x.len ?? 0 }, () => zeroCv(x.elem)) : x.k === "tuple" ? x.elems.map(zeroCv) : x.k === "struct" ? x.s.fields.map((f) => zeroCv(f.type)) : x.k === "bool" ? false : 0n;
    return this.constant(zeroCv(t), t, span);
  }
}

const UNSIGNED_CMP = { "<": "ult", "<=": "ule", ">": "ugt", ">=": "uge" } as const;
const SIGNED_CMP = { "<": "slt", "<=": "sle", ">": "sgt", ">=": "sge" } as const;

function isSecretScalar(t: Ty): boolean {
  return t.k === "sint" || t.k === "sfix";
}
function scalarTy(t: Ty): Ty {
  return t.k === "array" ? scalarTy(t.elem) : t;
}
function containsSecretTy(t: Ty): boolean {
  return isSecretScalar(scalarTy(t));
}
