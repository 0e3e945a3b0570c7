// Type checking of expressions: literals, paths, operators, casts, indexing and struct literals.
import type { Span } from "../../../base/diagnostics/index.ts";
import type { Block, CallExpr, Expr, MethodCallExpr, PathExpr, StructLit } from "../../syntax/index.ts";
import { ConstEvalError, type CV, evalConst } from "../consteval.ts";
import { type ModScope, suggestHint } from "../scope.ts";
import type { SymbolTable } from "../symbols.ts";
import {
  BOOL,
  ERR,
  type FieldInfo,
  INT_TYPES,
  LIT,
  STR,
  type Ty,
  U32,
  UNIT,
  containsSecret,
  intRange,
  isSecretTy,
  scalarOf,
  tyEq,
  tyToString,
} from "../types.ts";
import {
  type CtxKind,
  type Local,
  type Subst,
  Instance,
  UnknownConst,
  emptySubst,
  CTX_NAME,
  shorthandOf,
  replaceLit,
  itemWord,
  castHint,
  unifyAst,
} from "./common.ts";
import type { Checker } from "./item.ts";

/** Checks expressions of one body; statements (./stmt.ts) and calls (./call.ts) extend it. */
export abstract class ExprChecker {
  protected scopes: Map<string, Local>[] = [new Map()];
  /** Source extent of each scope in `scopes` (for `visibleAt` completion queries). */
  protected scopeSpans: (Span | undefined)[] = [undefined];
  protected nextLocal = 0;
  protected loopDepth = 0;
  /** Nesting depth of `if`s whose condition is not a compile-time constant. */
  protected runtimeIf = 0;
  protected readonly syms: SymbolTable;

  constructor(
    readonly c: Checker,
    readonly inst: Instance | undefined,
    readonly m: ModScope,
    readonly subst: Subst,
    readonly ctx: CtxKind,
  ) {
    this.syms = c.syms;
  }

  protected record(e: Expr, t: Ty): Ty {
    this.inst?.types.set(e, t);
    this.syms.recordType(e, t);
    return t;
  }

  protected get constrained(): boolean {
    return this.ctx === "circuit" || this.ctx === "fn";
  }


  /** Secret types only in protocols, Bytes only in programs, slices/references only in kernel signatures. */
  checkTypeAllowed(t: Ty, span: Span, isParam: boolean): void {
    const walk = (x: Ty, top: boolean): void => {
      switch (x.k) {
        case "sint":
        case "sfix":
          if (this.ctx !== "protocol" && this.ctx !== "fn")
            this.c.err("E0410", `secret type \`${tyToString(x)}\` is only allowed in protocols`, span);
          return;
        case "bytes":
          if (this.ctx !== "program" && this.ctx !== "hint" && this.ctx !== "fn")
            this.c.err("E0410", "`Bytes` is only allowed in programs", span);
          return;
        case "ref":
          if (!(isParam && top && (this.ctx === "kernel" || this.ctx === "fn")))
            this.c.err("E0411", "references are only allowed on kernel buffer parameters", span, "kernel buffers are written `buf: &mut [T]`");
          walk(x.inner, false);
          return;
        case "slice":
          if (!(isParam && (this.ctx === "kernel" || this.ctx === "fn")))
            this.c.err("E0411", "slices `[T]` are only allowed as kernel buffer parameters", span, "use a fixed-size array `[T; N]`");
          walk(x.elem, false);
          return;
        case "array":
          return walk(x.elem, false);
        case "tuple":
          return x.elems.forEach((e) => walk(e, false));
        default:
          return;
      }
    };
    walk(t, true);
  }

  protected bind(name: string, span: Span, ty: Ty, mutable: boolean, kind: "local" | "param", cv?: CV): Local {
    const sym = this.syms.define(name, kind, span, { type: tyToString(ty), mutable });
    const l: Local = { id: this.nextLocal++, name, ty, mutable, sym, cv };
    this.scopes[this.scopes.length - 1].set(name, l);
    const extent = this.scopeSpans[this.scopeSpans.length - 1] ?? this.inst?.item.span;
    if (extent) this.syms.scoped(sym, { file: span.file, start: span.end, end: extent.end });
    return l;
  }

  protected lookupLocal(name: string): Local | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const l = this.scopes[i].get(name);
      if (l) return l;
    }
    return undefined;
  }


  protected message(e: Expr): void {
    if (e.kind !== "StrLit") this.c.err("E0201", "an assertion message must be a string literal", e.span);
    else this.record(e, STR);
  }

  protected needConstraints(span: Span, what: string): void {
    if (this.ctx === "hint")
      this.c.err("E0401", `${what} is a constraint and is not allowed in a hint fn (hints are unconstrained)`, span, "check the hint's result in the calling circuit instead");
    else if (this.ctx === "protocol" || this.ctx === "kernel")
      this.c.err("E0401", `${what} is not allowed in ${CTX_NAME[this.ctx]}`, span);
  }

  /** Compile-time constant (or depends only on a not-yet-instantiated const generic)? */
  protected isConst(e: Expr): boolean {
    try {
      evalConst(e, this.env());
      return true;
    } catch (err) {
      if (err instanceof UnknownConst) return true;
      if (err instanceof ConstEvalError) return false;
      throw err;
    }
  }

  protected tryConst(e: Expr): CV | undefined {
    try {
      return evalConst(e, this.env());
    } catch (err) {
      if (err instanceof ConstEvalError || err instanceof UnknownConst) return undefined;
      throw err;
    }
  }

  /** Evaluate an expression the language requires to be constant (E0301 otherwise). */
  requireConst(e: Expr, what: string): CV | undefined {
    try {
      const v = evalConst(e, this.env());
      this.inst?.consts.set(e, v);
      return v;
    } catch (err) {
      if (err instanceof ConstEvalError) {
        this.c.err(err.code === "E0301" ? "E0301" : err.code, `${what} must be a compile-time constant: ${err.message}`, err.span, err.hint ?? "use a literal, a `const` item or a const generic parameter");
        return undefined;
      }
      if (err instanceof UnknownConst) return undefined;
      throw err;
    }
  }

  protected env() {
    const base = this.c.constEnv(this.m, this.subst);
    return {
      resolve: (p: PathExpr): CV | undefined => {
        const r = this.inst?.res.get(p);
        if (r?.k === "local") return r.local.cv;
        if (r?.k === "const") return r.value;
        if (p.path.segments.length === 1) {
          const l = this.lookupLocal(p.path.segments[0].name.name);
          if (l) return l.cv;
        }
        return base.resolve(p);
      },
    };
  }


  // --- expressions -------------------------------------------------------------------------------

  /** Report a mismatch (E0201) unless `got` fits `want`; integer literals take `want`. */
  expectType(e: Expr, got: Ty, want: Ty): Ty {
    if (got.k === "lit" && (want.k === "int" || want.k === "field" || want.k === "sint" || want.k === "sfix" || want.k === "fix"))
      return this.coerce(e, want);
    if (want.k === "sint" && (got.k === "field" || got.k === "int") && this.ctx === "protocol") return want;
    if (want.k === "sfix" && got.k === "fix") return want;
    if (want.k === "array" && got.k === "array" && got.elem.k === "lit") return this.coerce(e, want);
    // A kernel buffer `&mut [T]` may be passed where `&[T]` is expected (helpers that only read it).
    if (want.k === "ref" && !want.mut && got.k === "ref" && got.mut && tyEq(got.inner, want.inner)) return want;
    if (!tyEq(got, want)) {
      this.c.err("E0201", `expected ${tyToString(want)}, found ${tyToString(got)}`, e.span, castHint(got, want));
      return want;
    }
    return got;
  }

  /** Re-check a literal-typed expression against a concrete type. */
  coerce(e: Expr, want: Ty): Ty {
    const cur = this.inst?.types.get(e) ?? this.syms.exprTypes.get(e);
    if (cur && cur.k !== "lit" && !(cur.k === "array" && scalarOf(cur).k === "lit")) return cur;
    return this.expr(e, want);
  }

  protected unify(l: Expr, lt: Ty, r: Expr, rt: Ty, what: string): Ty {
    if (lt.k === "lit" && rt.k !== "lit") return this.expectType(l, lt, rt);
    if (rt.k === "lit") return lt.k === "lit" ? LIT : this.expectType(r, rt, lt);
    if (!tyEq(lt, rt)) {
      this.c.err("E0201", `${what}: ${tyToString(lt)} and ${tyToString(rt)} differ`, r.span, castHint(rt, lt));
      return ERR;
    }
    return lt;
  }

  expr(e: Expr, expected?: Ty): Ty {
    return this.record(e, this.exprInner(e, expected));
  }

  protected exprInner(e: Expr, expected?: Ty): Ty {
    switch (e.kind) {
      case "IntLit":
        return this.intLit(e.value, e.suffix, e.span, expected);
      case "BoolLit":
        return BOOL;
      case "StrLit":
        this.c.err("E0201", "strings are only allowed as assertion messages and attribute arguments", e.span);
        return ERR;
      case "ErrorExpr":
        return ERR;
      case "Paren":
        return this.expr(e.inner, expected);
      case "PathExpr":
        return this.pathExpr(e, expected);
      case "Unary":
        return this.unary(e, expected);
      case "Binary":
        return this.binary(e, expected);
      case "Cast":
        return this.cast(e);
      case "Call":
        return this.call(e, expected);
      case "MethodCall":
        return this.methodCall(e, expected);
      case "FieldAccess": {
        const t = this.expr(e.object);
        if (t.k === "struct") {
          const f = t.s.fields.find((x) => x.name === e.field.name);
          if (!f) {
            this.c.err("E0108", `struct \`${t.s.name}\` has no field \`${e.field.name}\``, e.field.span, suggestHint(e.field.name, t.s.fields.map((x) => x.name)));
            return ERR;
          }
          const decl = t.s.item.fields.find((x) => x.name.name === e.field.name);
          const sym = decl && this.c.fieldSymbol(decl);
          if (sym) this.syms.reference(sym, e.field.span);
          return f.type;
        }
        if (e.field.name === "T" && t.k === "array" && t.elem.k === "array") {
          if (this.ctx !== "protocol") this.c.err("E0403", "transpose `.T` is only available in protocols", e.field.span);
          return { k: "array", elem: { k: "array", elem: t.elem.elem, len: t.len }, len: t.elem.len };
        }
        if (t.k !== "error") this.c.err("E0108", `${tyToString(t)} has no field \`${e.field.name}\``, e.field.span);
        return ERR;
      }
      case "TupleIndex": {
        const t = this.expr(e.object);
        if (t.k === "tuple") {
          if (e.index >= t.elems.length) {
            this.c.err("E0209", `tuple index ${e.index} is out of range for ${tyToString(t)}`, e.indexSpan);
            return ERR;
          }
          return t.elems[e.index];
        }
        if (t.k !== "error") this.c.err("E0209", `${tyToString(t)} is not a tuple`, e.object.span);
        return ERR;
      }
      case "Index":
        return this.indexType(e, this.expr(e.object, expected && e.index.kind !== "Range" ? { k: "array", elem: expected, len: undefined } : undefined));
      case "Range": {
        this.c.err("E0203", "a range is only allowed in `for` loops, tables and slices `a[i..j]`", e.span);
        if (e.start) this.expr(e.start);
        if (e.end) this.expr(e.end);
        return ERR;
      }
      case "ArrayLit": {
        const want = expected?.k === "array" ? expected.elem : undefined;
        if (e.elems.length === 0) {
          if (!want) {
            this.c.err("E0213", "cannot infer the element type of an empty array", e.span, "annotate it: `let a: [u32; 0] = [];`");
            return ERR;
          }
          return { k: "array", elem: want, len: 0 };
        }
        let elem = this.expr(e.elems[0], want);
        for (const x of e.elems.slice(1)) {
          const t = this.expr(x, elem.k === "lit" ? want : elem);
          elem = this.unify(e.elems[0], elem, x, t, "array elements");
        }
        if (elem.k === "lit" && want) elem = want;
        if (elem.k !== "lit") for (const x of e.elems) this.coerce(x, elem);
        return { k: "array", elem, len: e.elems.length };
      }
      case "ArrayRepeat": {
        const want = expected?.k === "array" ? expected.elem : undefined;
        const elem = this.expr(e.value, want);
        this.expr(e.count, U32);
        const n = this.requireConst(e.count, "an array length");
        const len = typeof n === "bigint" ? Number(n) : undefined;
        if (typeof n === "bigint" && (n < 0n || n > 1n << 24n)) this.c.err("E0303", `array length ${n} is out of range`, e.count.span);
        return { k: "array", elem, len };
      }
      case "Tuple": {
        const want = expected?.k === "tuple" ? expected.elems : undefined;
        return { k: "tuple", elems: e.elems.map((x, i) => {
          const t = this.expr(x, want?.[i]);
          return t.k === "lit" ? this.coerce(x, U32) : t;
        }) };
      }
      case "StructLit":
        return this.structLit(e, expected);
      case "If": {
        const ct = this.expr(e.cond, BOOL);
        this.expectType(e.cond, ct, BOOL);
        const runtime = ct.k !== "error" && !this.isConst(e.cond) ? 1 : 0;
        this.runtimeIf += runtime;
        const tt = this.block(e.then, expected);
        if (!e.else) {
          this.runtimeIf -= runtime;
          return UNIT;
        }
        const et = e.else.kind === "If" ? this.expr(e.else, expected ?? (tt.k === "lit" ? undefined : tt)) : this.block(e.else, expected ?? (tt.k === "lit" ? undefined : tt));
        this.runtimeIf -= runtime;
        const thenExpr = e.then.tail ?? e;
        const elseExpr = e.else.kind === "If" ? e.else : e.else.tail ?? e;
        if (tt.k === "lit" && et.k === "lit") return expected ?? LIT;
        return this.unify(thenExpr, tt, elseExpr, et, "`if` and `else` branches");
      }
      case "BlockExpr":
        return this.block(e.block, expected);
      case "Quantifier":
      case "Count":
      case "Temporal":
        this.c.err("E0203", "quantifiers and temporal operators are only allowed in `spec` items", e.span);
        return ERR;
      case "Comprehension":
        this.c.err("E0203", "comprehensions are only allowed in `table` definitions", e.span);
        return ERR;
    }
  }

  protected intLit(v: bigint, suffix: string | undefined, span: Span, expected?: Ty): Ty {
    if (suffix) {
      const t = INT_TYPES[suffix];
      this.checkLit(v, t, span);
      return t;
    }
    if (!expected) return LIT;
    switch (expected.k) {
      case "int":
      case "field":
        this.checkLit(v, expected, span);
        return expected;
      case "sint":
      case "sfix":
      case "fix":
        return expected;
      default:
        return LIT;
    }
  }

  protected checkLit(v: bigint, t: Ty, span: Span): void {
    if (t.k === "int") {
      const { min, max } = intRange(t);
      if (v < min || v > max)
        this.c.err("E0204", `literal ${v} does not fit in ${tyToString(t)} (range ${min}..=${max})`, span, t.bits < 128 ? "use a wider integer type" : undefined);
    } else if (t.k === "field" && v >= t.f.modulus)
      this.c.err("E0204", `literal ${v} is not below the modulus of field ${t.f.name}`, span, "field literals must be canonical: reduce it mod p");
  }

  /** Give a pending local (`let mut acc = 0;`) its scalar type, re-typing its initialiser and earlier uses. */
  fixLocal(l: Local, scalar: Ty): void {
    const p = l.pending;
    if (!p) return;
    l.pending = undefined;
    l.ty = replaceLit(l.ty, scalar);
    l.sym.type = tyToString(l.ty);
    if (p.init) this.coerce(p.init, l.ty);
    for (const u of p.uses) this.record(u, l.ty);
  }

  /** Fix every local still pending in the current scope to u32 (Rust's default is i32; ours is the index type). */
  protected settleScope(scope: Map<string, Local>): void {
    for (const l of scope.values()) if (l.pending) this.fixLocal(l, U32);
  }

  protected pathExpr(e: PathExpr, expected?: Ty): Ty {
    const segs = e.path.segments;
    // The parser leaves empty names where it recovered from a syntax error: already reported.
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return ERR;
    const name = segs[0].name.name;
    if (segs.length === 1) {
      const l = this.lookupLocal(name);
      if (l) {
        this.syms.reference(l.sym, segs[0].name.span);
        this.inst?.res.set(e, { k: "local", local: l });
        if (l.pending) {
          const s = expected ? scalarOf(expected) : undefined;
          if (s && (s.k === "int" || s.k === "field" || s.k === "sint" || s.k === "sfix" || s.k === "fix")) this.fixLocal(l, s);
          else l.pending.uses.push(e);
        }
        return l.ty;
      }
      if (this.subst.consts.has(name)) {
        const v = this.subst.consts.get(name);
        if (v !== undefined) this.inst?.res.set(e, { k: "const", value: v, ty: U32 });
        return U32;
      }
    }
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length === 1) {
        const cands = [...this.scopes.flatMap((s) => [...s.keys()]), ...this.c.loader.namesIn(this.m), ...this.subst.consts.keys()];
        this.c.err("E0101", `cannot find \`${name}\` in this scope`, segs[0].name.span, suggestHint(name, cands));
      }
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, segs[0].name.span);
    const it = entry.item;
    if (it?.kind === "Const") {
      const c = this.c.constOf(it, entry.owner);
      if (c.value !== undefined) this.inst?.res.set(e, { k: "const", value: c.value, ty: c.ty });
      return c.ty;
    }
    const what = it ? itemWord(it) : "module";
    this.c.err("E0107", `expected a value, found ${what} \`${entry.name}\``, e.span, it?.kind === "Fn" ? "call it: `name(args)`" : undefined);
    return ERR;
  }

  protected unary(e: Extract<Expr, { kind: "Unary" }>, expected?: Ty): Ty {
    if (e.op === "-" && e.operand.kind === "IntLit" && !e.operand.suffix && expected?.k === "int") {
      this.record(e.operand, expected);
      this.checkNeg(e.operand.value, expected, e.span);
      return expected;
    }
    const t = this.expr(e.operand, expected);
    switch (e.op) {
      case "-":
        if (t.k === "int" && !t.signed) {
          this.c.err("E0203", `cannot negate unsigned ${tyToString(t)}`, e.span, "use a signed type or subtract from a value");
          return ERR;
        }
        if (t.k === "field" || t.k === "int" || t.k === "lit" || t.k === "sint" || t.k === "sfix" || t.k === "fix" || t.k === "error") return t;
        if (t.k === "array" && containsSecret(t)) return t;
        break;
      case "!":
        if (t.k === "bool" || t.k === "int" || t.k === "error") return t;
        break;
      case "~":
        if (t.k === "int" || t.k === "error") return t;
        break;
    }
    this.c.err("E0203", `cannot apply \`${e.op}\` to ${tyToString(t)}`, e.span);
    return ERR;
  }

  protected checkNeg(v: bigint, t: Extract<Ty, { k: "int" }>, span: Span): void {
    const { min } = intRange(t);
    if (!t.signed) this.c.err("E0203", `cannot negate unsigned ${tyToString(t)}`, span);
    else if (-v < min) this.c.err("E0204", `literal -${v} does not fit in ${tyToString(t)}`, span);
  }

  protected binary(e: BinaryExpr, expected?: Ty): Ty {
    const op = e.op;
    if (op === "in" || op === "=>") {
      this.c.err("E0203", `\`${op}\` is only allowed in \`spec\` items`, e.span);
      return ERR;
    }
    if (op === "**") {
      const base = this.expr(e.left, expected);
      this.expr(e.right, U32);
      const n = this.requireConst(e.right, "an exponent");
      if (typeof n === "bigint" && n < 0n) this.c.err("E0302", "exponent must not be negative", e.right.span);
      if (base.k !== "field" && base.k !== "int" && base.k !== "lit" && base.k !== "error") {
        this.c.err("E0203", `cannot raise ${tyToString(base)} to a power`, e.span);
        return ERR;
      }
      return base;
    }
    // `a + b + c + ...` is a left-deep tree as long as the source; it is checked along its left spine
    // with a loop (innermost operator first, as recursion would), so its length costs no stack.
    const spine: { e: BinaryExpr; expected?: Ty }[] = [];
    let cur: Expr = e;
    let want = expected;
    while (cur.kind === "Binary" && cur.op !== "in" && cur.op !== "=>" && cur.op !== "**") {
      spine.push({ e: cur, expected: want });
      want = operandExpected(cur.op, want);
      cur = cur.left;
    }
    let l = this.expr(cur, want);
    for (let i = spine.length - 1; i >= 0; i--) {
      const t = this.binaryStep(spine[i].e, l, spine[i].expected);
      // The outermost node is recorded by `expr`, which called this.
      l = i > 0 ? this.record(spine[i].e, t) : t;
    }
    return l;
  }

  /** One operator of a chain whose left operand has type `l` already. */
  private binaryStep(e: BinaryExpr, l: Ty, expected: Ty | undefined): Ty {
    const op = e.op;
    const shift = op === "<<" || op === ">>";
    const down = operandExpected(op, expected);
    let r = this.expr(e.right, shift ? undefined : l.k === "lit" ? down : l);
    if (!shift && l.k === "lit" && r.k !== "lit") l = this.coerce(e.left, r);
    if (shift && r.k === "lit") r = this.coerce(e.right, U32);
    return this.binaryType(op, l, r, e.left, e.right, e.span);
  }

  binaryType(op: string, l: Ty, r: Ty, le: Expr, re: Expr, span: Span): Ty {
    // An abstract type parameter (generic code nothing instantiates) is checked at each instantiation instead.
    if (l.k === "error" || r.k === "error" || l.k === "param" || r.k === "param")
      return ["==", "!=", "<", "<=", ">", ">="].includes(op) ? BOOL : ERR;
    const bad = (): Ty => {
      this.c.err("E0203", `cannot apply \`${op}\` to ${tyToString(l)} and ${tyToString(r)}`, span, castHint(r, l));
      return ERR;
    };
    const protocolMix = (): Ty | undefined => {
      // Secret ⊕ clear in protocols: the result is secret.
      const ls = scalarOf(l);
      const rs = scalarOf(r);
      if (!isSecretTy(ls) && !isSecretTy(rs)) return undefined;
      if (this.ctx !== "protocol") return undefined;
      // sint and sfix meet only in `*` (a fixed-point value scaled by a secret integer, e.g. a comparison result), which is fixed point.
      if (isSecretTy(ls) && isSecretTy(rs) && ls.k !== rs.k) return op === "*" ? (ls.k === "sfix" ? l : r) : bad();
      const sec = isSecretTy(ls) ? l : r;
      const other = isSecretTy(ls) ? r : l;
      const os = scalarOf(other);
      if (os.k === "lit") this.coerce(isSecretTy(ls) ? re : le, isSecretTy(ls) ? scalarOf(l) : scalarOf(r));
      const ok = os.k === "lit" || os.k === "int" || os.k === "field" || os.k === "fix" || isSecretTy(os);
      if (!ok) return bad();
      // mpc ops are element-wise on equal shapes; there is no scalar broadcasting.
      if ((l.k === "array") !== (r.k === "array")) {
        this.c.err("E0203", `\`${op}\` needs operands of the same shape, found ${tyToString(l)} and ${tyToString(r)}`, span, "combine element by element in a `for` loop");
        return ERR;
      }
      if (l.k === "array" && r.k === "array" && l.len !== r.len && l.len !== undefined && r.len !== undefined) return bad();
      return sec;
    };
    switch (op) {
      case "+":
      case "-":
      case "*": {
        const mix = protocolMix();
        if (mix) return mix;
        if (l.k === "lit" && r.k === "lit") return LIT;
        if (!tyEq(l, r)) return bad();
        if (l.k === "field" || l.k === "int" || l.k === "fix") return l;
        if (l.k === "array" && this.ctx === "protocol") return l;
        return bad();
      }
      case "/":
      case "%": {
        // A secret fixed-point value divided by a constant power of two: a truncation (floor).
        if (op === "/" && this.ctx === "protocol" && scalarOf(l).k === "sfix" && (r.k === "lit" || r.k === "int" || r.k === "sfix") && this.isConst(re)) return l;
        if (l.k === "lit" && r.k === "lit") return LIT;
        if (!tyEq(l, r)) return bad();
        if (l.k === "field" && op === "/") return l;
        if (l.k === "int") {
          if (this.constrained && !(this.isConst(le) && this.isConst(re)))
            this.c.err("E0405", `integer \`${op}\` is not allowed in constrained code (${CTX_NAME[this.ctx]})`, span, "compute it in a `hint fn` and constrain the result, or use field division");
          return l;
        }
        return bad();
      }
      case "@": {
        if (this.ctx !== "protocol") {
          this.c.err("E0403", "matrix multiplication `@` is only available in protocols", span);
          return ERR;
        }
        if (l.k !== "array" || r.k !== "array") return bad();
        const ld = l.elem.k === "array";
        const rd = r.elem.k === "array";
        const inner = (t: Extract<Ty, { k: "array" }>) => (t.elem.k === "array" ? t.elem.len : t.len);
        const k1 = ld ? inner(l) : l.len;
        const k2 = r.len;
        if (k1 !== undefined && k2 !== undefined && k1 !== k2)
          this.c.err("E0201", `matrix shapes do not match: ${tyToString(l)} @ ${tyToString(r)} (inner dimensions ${k1} and ${k2})`, span);
        const sl = scalarOf(l);
        const elem = isSecretTy(sl) ? sl : scalarOf(r);
        if (ld && rd) return { k: "array", elem: { k: "array", elem, len: (r.elem as { len?: number }).len }, len: l.len };
        if (ld) return { k: "array", elem, len: l.len };
        if (rd) return { k: "array", elem, len: (r.elem as { len?: number }).len };
        return elem;
      }
      case "<<":
      case ">>":
        if ((l.k === "int" || l.k === "lit") && r.k === "int") return l.k === "lit" ? this.coerce(le, U32) : l;
        return bad();
      case "&":
      case "|":
      case "^":
        if (l.k === "lit" && r.k === "lit") return LIT;
        if (!tyEq(l, r)) return bad();
        if (l.k === "int" || l.k === "bool") return l;
        return bad();
      case "&&":
      case "||":
        if (l.k === "bool" && r.k === "bool") return BOOL;
        return bad();
      case "==":
      case "!=":
        if (l.k === "lit" && r.k === "lit") return BOOL;
        if (!tyEq(l, r)) return bad();
        if (isSecretTy(scalarOf(l))) {
          this.c.err("E0203", "secret values cannot be compared with `==`; reveal them first", span);
          return ERR;
        }
        if (l.k === "field" || l.k === "int" || l.k === "bool") return BOOL;
        return bad();
      case "<":
      case "<=":
      case ">":
      case ">=": {
        if (this.ctx === "protocol" && (isSecretTy(l) || isSecretTy(r))) {
          const mix = protocolMix();
          return mix ? { k: "sint", f: (mix as { f: FieldInfo }).f } : ERR;
        }
        if (l.k === "lit" && r.k === "lit") return BOOL;
        if (!tyEq(l, r)) return bad();
        if (l.k === "int") return BOOL;
        if (l.k === "field") {
          if (this.ctx !== "hint")
            this.c.err("E0406", `field elements have no order in ${CTX_NAME[this.ctx]}; \`${op}\` on fields is only allowed in hint fns`, span, "convert to bits (`x.to_bits(n)`) or to an integer (`x as u64`) first");
          return BOOL;
        }
        return bad();
      }
    }
    return bad();
  }

  protected cast(e: Extract<Expr, { kind: "Cast" }>): Ty {
    const to = this.c.resolveType(e.type, this.m, this.subst, this.ctx);
    // Only a bare literal takes the target type; `(8 * k) as u64` keeps k's type inside.
    let from = this.expr(e.expr);
    if (from.k === "lit") from = this.coerce(e.expr, to.k === "int" || to.k === "field" ? to : U32);
    if (from.k === "error" || to.k === "error") return to;
    const ok =
      (from.k === "int" && (to.k === "int" || to.k === "field")) ||
      (from.k === "bool" && (to.k === "int" || to.k === "field")) ||
      (from.k === "field" && (to.k === "int" || to.k === "field")) ||
      (from.k === "fix" && to.k === "fix") ||
      ((from.k === "int" || from.k === "field") && to.k === "fix");
    if (!ok) this.c.err("E0211", `cannot cast ${tyToString(from)} to ${tyToString(to)}`, e.span);
    if (from.k === "field" && to.k === "field" && !tyEq(from, to))
      this.c.err("E0211", `cannot cast between different fields (${tyToString(from)} to ${tyToString(to)})`, e.span);
    return to;
  }

  protected indexType(e: Extract<Expr, { kind: "Index" }>, t: Ty): Ty {
    const base = t.k === "ref" ? t.inner : t;
    if (e.index.kind === "Range") {
      // Constant slice a[i..j] of a fixed-size array.
      const r = e.index;
      if (base.k !== "array" || !r.start || !r.end) {
        this.c.err("E0209", "slicing needs a fixed-size array and both bounds", e.span);
        return ERR;
      }
      this.expr(r.start, U32);
      this.expr(r.end, U32);
      const lo = this.requireConst(r.start, "a slice bound");
      const hi = this.requireConst(r.end, "a slice bound");
      if (typeof lo !== "bigint" || typeof hi !== "bigint") return ERR;
      const top = hi + (r.inclusive ? 1n : 0n);
      if (lo < 0n || top < lo || (base.len !== undefined && top > BigInt(base.len))) {
        this.c.err("E0304", `slice ${lo}..${top} is out of bounds for length ${base.len}`, e.index.span);
        return ERR;
      }
      return { k: "array", elem: base.elem, len: Number(top - lo) };
    }
    let it = this.expr(e.index, U32);
    if (it.k === "lit") it = this.coerce(e.index, U32);
    if (it.k !== "int" && it.k !== "error") this.c.err("E0201", `an index must be an integer, found ${tyToString(it)}`, e.index.span, it.k === "field" ? "cast it: `i as u32`" : undefined);
    if (base.k === "array") {
      const v = this.tryConst(e.index);
      if (typeof v === "bigint" && base.len !== undefined && (v < 0n || v >= BigInt(base.len)))
        this.c.err("E0304", `index ${v} is out of bounds for an array of length ${base.len}`, e.index.span);
      return base.elem;
    }
    if (base.k === "slice") return base.elem;
    if (base.k === "bytes") return { k: "int", bits: 8, signed: false };
    if (base.k !== "error") this.c.err("E0209", `cannot index into ${tyToString(t)}`, e.object.span);
    return ERR;
  }

  protected structLit(e: StructLit, expected?: Ty): Ty {
    const segs = e.path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return ERR;
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, segs[0].name.name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length === 1)
        this.c.err("E0102", `unknown struct \`${segs[0].name.name}\``, segs[0].name.span, suggestHint(segs[0].name.name, this.c.loader.namesIn(this.m)));
      for (const f of e.fields) if (f.value) this.expr(f.value);
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, segs[0].name.span);
    if (entry.item?.kind !== "Struct") {
      this.c.err("E0107", `\`${entry.name}\` is not a struct`, e.path.span);
      return ERR;
    }
    const item = entry.item;
    const last = segs[segs.length - 1];
    let t: Ty;
    if (expected?.k === "struct" && expected.s.item === item && !last.args) t = expected;
    else {
      const args = (last.args ?? []).map((a) => this.c.genericArgValue(a, this.m, this.subst, this.ctx));
      // Infer generic args from the field values when not given.
      const inferred = emptySubst();
      if (item.generics.length && !last.args)
        for (const f of e.fields) {
          const decl = item.fields.find((d) => d.name.name === f.name.name);
          if (!decl) continue;
          const vt = f.value ? this.expr(f.value) : this.lookupLocal(f.name.name)?.ty;
          if (vt) unifyAst(decl.type, vt, item.generics, inferred);
        }
      t = this.c.instantiateStruct(item, entry.owner, args, e.path.span, this.subst, inferred);
    }
    if (t.k !== "struct") return t;
    this.inst?.structs.set(e, t.s);
    const given = new Set<string>();
    for (const f of e.fields) {
      const decl = t.s.fields.find((x) => x.name === f.name.name);
      if (given.has(f.name.name)) this.c.err("E0210", `field \`${f.name.name}\` is given twice`, f.name.span);
      given.add(f.name.name);
      if (!decl) {
        this.c.err("E0108", `struct \`${t.s.name}\` has no field \`${f.name.name}\``, f.name.span, suggestHint(f.name.name, t.s.fields.map((x) => x.name)));
        if (f.value) this.expr(f.value);
        continue;
      }
      const fdecl = item.fields.find((d) => d.name.name === f.name.name);
      const sym = fdecl && this.c.fieldSymbol(fdecl);
      if (sym) this.syms.reference(sym, f.name.span);
      if (f.value) this.expectType(f.value, this.expr(f.value, decl.type), decl.type);
      else {
        // Shorthand `Leaf { value }` reads the local `value`.
        const fake: PathExpr = {
          kind: "PathExpr",
          path: { kind: "Path", segments: [{ kind: "PathSegment", name: f.name, span: f.name.span }], span: f.name.span },
          span: f.name.span,
        };
        (f as { value?: Expr }).value = undefined;
        const vt = this.expr(fake);
        this.shorthand.set(f, fake);
        this.expectType(fake, vt, decl.type);
      }
    }
    const missing = t.s.fields.filter((x) => !given.has(x.name)).map((x) => x.name);
    if (missing.length) this.c.err("E0210", `missing field(s) ${missing.map((m) => `\`${m}\``).join(", ")} in \`${t.s.name}\``, e.span);
    return t;
  }
  protected get shorthand(): Map<object, PathExpr> {
    return shorthandOf(this.inst);
  }


  // Defined by the subclasses: a block expression holds statements, a call its callee's check.
  abstract block(b: Block, expected: Ty | undefined, fnBody?: boolean): Ty;
  protected abstract call(e: CallExpr, expected?: Ty): Ty;
  protected abstract methodCall(e: MethodCallExpr, expected?: Ty): Ty;
}

type BinaryExpr = Extract<Expr, { kind: "Binary" }>;

/** The type an operand of `op` is expected to have: comparisons, logic and shifts pass none down. */
function operandExpected(op: string, expected: Ty | undefined): Ty | undefined {
  const cmpOrLogic = ["==", "!=", "<", "<=", ">", ">=", "&&", "||"].includes(op);
  return cmpOrLogic || op === "<<" || op === ">>" ? undefined : expected;
}
