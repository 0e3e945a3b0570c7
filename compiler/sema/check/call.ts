// Calls: functions (instantiating generic callees), builtins, struct constructors and methods.
import type {
  CallExpr,
  Expr,
  FnItem,
  GenericArg,
  MethodCallExpr,
  Type as AstType,
} from "../../syntax/index.ts";
import { type Entry, suggestHint } from "../scope.ts";
import { BOOL, ERR, type Ty, U32, UNIT, tyToString } from "../types.ts";
import { type CtxKind, BUILTIN_FNS, emptySubst, isTy, CTX_NAME, itemWord, mentions, unifyAst } from "./common.ts";
import { ExprChecker } from "./expr.ts";

export abstract class CallChecker extends ExprChecker {
  // --- calls -------------------------------------------------------------------------------------

  protected call(e: CallExpr, expected?: Ty): Ty {
    const callee = e.callee;
    if (callee.kind !== "PathExpr") {
      this.expr(callee);
      this.c.err("E0208", "only named functions can be called", callee.span);
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    const segs = callee.path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) {
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    const last = segs[segs.length - 1];
    const name = last.name.name;
    // Associated `T::from_bits(bits)`.
    if (segs.length >= 2 && name === "from_bits") {
      const tyPath: AstType = {
        kind: "PathType",
        path: { kind: "Path", segments: segs.slice(0, -1), span: callee.span },
        span: callee.span,
      };
      const to = this.c.resolveType(tyPath, this.m, this.subst, this.ctx);
      return this.fromBits(e, to, e.args);
    }
    if (segs.length === 1 && !this.lookupLocal(name) && (BUILTIN_FNS as readonly string[]).includes(name) && !this.c.loader.lookupIn(this.m, name, this.m)) {
      if (this.ctx !== "kernel")
        this.c.err("E0403", `\`${name}()\` is only available in kernels, not in ${CTX_NAME[this.ctx]}`, callee.span);
      let dim = 0;
      if (e.args.length > 1 || (name === "barrier" && e.args.length > 0))
        this.c.err("E0202", `\`${name}\` takes ${name === "barrier" ? "no arguments" : "at most one argument (the dimension)"}`, e.span);
      if (e.args.length === 1 && name !== "barrier") {
        this.expr(e.args[0], U32);
        const d = this.requireConst(e.args[0], "a dimension");
        if (typeof d === "bigint") {
          if (d < 0n || d > 2n) this.c.err("E0204", "dimension must be 0, 1 or 2", e.args[0].span);
          dim = Number(d);
        }
      }
      this.inst?.calls.set(e, { k: "builtin", name: name as (typeof BUILTIN_FNS)[number], dim });
      return name === "barrier" ? UNIT : U32;
    }
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length === 1) {
        const local = this.lookupLocal(name);
        if (local) this.c.err("E0208", `\`${name}\` is a variable, not a function`, callee.span);
        else {
          const cands = [...this.c.loader.namesIn(this.m), ...BUILTIN_FNS, ...this.scopes.flatMap((s) => [...s.keys()])];
          this.c.err("E0101", `cannot find function \`${name}\` in this scope`, last.name.span, suggestHint(name, cands));
        }
      }
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, last.name.span);
    const it = entry.item;
    if (it?.kind !== "Fn") {
      const kind = it ? itemWord(it) : "module";
      this.c.err(
        "E0208",
        `${kind} \`${entry.name}\` cannot be called`,
        callee.span,
        it && ["Circuit", "Program", "Protocol", "Kernel"].includes(it.kind) ? "move the shared logic into a `fn` and call that" : undefined,
      );
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    return this.callFn(e, it, entry, last.args, expected);
  }

  protected callFn(e: CallExpr, it: FnItem, entry: Entry, gargs: GenericArg[] | undefined, expected?: Ty): Ty {
    if (it.params.length !== e.args.length) {
      this.c.err("E0202", `\`${it.name.name}\` takes ${it.params.length} argument(s) but ${e.args.length} were given`, e.span);
      e.args.forEach((a) => this.expr(a));
      return ERR;
    }
    const calleeCtx: CtxKind = it.hint ? "hint" : this.ctx === "circuit" ? "fn" : this.ctx;
    if (!it.hint && this.ctx === "hint") {
      // fns called from hints run unconstrained too.
    }
    const explicit = (gargs ?? []).map((a) => this.c.genericArgValue(a, this.m, this.subst, this.ctx));
    // Non-generic params give their type to the argument (literals take it).
    const generic = new Set(it.generics.map((g) => g.name.name));
    const argTys = e.args.map((a, i) => {
      const pt = it.params[i].type;
      const hint = !mentions(pt, generic) ? this.c.resolveType(pt, entry.owner, emptySubst(), calleeCtx) : undefined;
      return this.expr(a, hint);
    });
    const inferred = emptySubst();
    e.args.forEach((_, i) => unifyAst(it.params[i].type, argTys[i], it.generics, inferred));
    if (expected && it.ret) unifyAst(it.ret, expected, it.generics, inferred);
    const { subst, concrete } = this.c.bindGenerics(it.generics, explicit, entry.owner, e.span, this.subst, inferred);
    const inst = this.c.instance(it, entry.owner, subst, calleeCtx, concrete && (this.inst?.concrete ?? true));
    this.inst?.callees.add(inst);
    this.inst?.calls.set(e, { k: "fn", inst });
    if (this.runtimeIf > 0 && this.constrained) this.c.conditionalCalls.push({ inst, span: e.span });
    e.args.forEach((a, i) => this.expectType(a, argTys[i], inst.params[i].ty));
    return inst.ret;
  }

  protected fromBits(e: Expr, to: Ty, args: Expr[]): Ty {
    if (args.length !== 1) {
      this.c.err("E0202", "`from_bits` takes one argument: an array of bools", e.span);
      args.forEach((a) => this.expr(a));
      return ERR;
    }
    const bt = this.expr(args[0]);
    if (bt.k !== "error" && !(bt.k === "array" && bt.elem.k === "bool"))
      this.c.err("E0201", `\`from_bits\` needs an array of bools, found ${tyToString(bt)}`, args[0].span);
    if (to.k !== "field" && to.k !== "int" && to.k !== "error") {
      this.c.err("E0203", `\`from_bits\` builds integers or field elements, not ${tyToString(to)}`, e.span);
      return ERR;
    }
    if (to.k === "int" && bt.k === "array" && bt.len !== undefined && bt.len > to.bits)
      this.c.err("E0201", `${bt.len} bits do not fit in ${tyToString(to)}`, args[0].span);
    this.inst?.calls.set(e, { k: "from_bits", ty: to });
    return to;
  }

  protected methodCall(e: MethodCallExpr, expected?: Ty): Ty {
    const name = e.method.name;
    const rt = this.expr(e.receiver);
    const base = rt.k === "ref" ? rt.inner : rt;
    switch (name) {
      case "to_bits": {
        if (base.k !== "field" && base.k !== "int" && base.k !== "error") break;
        let bits = base.k === "int" ? base.bits : undefined;
        if (e.args.length > 1) this.c.err("E0202", "`to_bits` takes one argument: the number of bits", e.span);
        if (e.args.length === 1) {
          this.expr(e.args[0], U32);
          const n = this.requireConst(e.args[0], "the bit count of `to_bits`");
          if (typeof n === "bigint") {
            const max = base.k === "field" ? base.f.modulus.toString(2).length : base.k === "int" ? base.bits : 256;
            if (n < 1n || n > BigInt(max)) this.c.err("E0204", `bit count ${n} is out of range 1..=${max}`, e.args[0].span);
            else bits = Number(n);
          }
        } else if (base.k === "field") this.c.err("E0202", "`to_bits` on a field element needs the number of bits, e.g. `x.to_bits(254)`", e.span);
        if (bits === undefined) return ERR;
        this.inst?.calls.set(e, { k: "to_bits", bits });
        return { k: "array", elem: BOOL, len: bits };
      }
      case "from_bits": {
        if (base.k !== "array" && base.k !== "error") break;
        let to: Ty = expected && (expected.k === "field" || expected.k === "int") ? expected : { k: "field", f: this.c.useField(this.c.defaultField) };
        if (e.generics?.length === 1) {
          const g = this.c.genericArgValue(e.generics[0], this.m, this.subst, this.ctx);
          if (isTy(g)) to = g;
        }
        if (e.args.length) this.c.err("E0202", "`bits.from_bits()` takes no arguments", e.span);
        if (base.k === "array" && base.elem.k !== "bool") this.c.err("E0201", `\`from_bits\` needs an array of bools, found ${tyToString(base)}`, e.receiver.span);
        this.inst?.calls.set(e, { k: "from_bits", ty: to });
        return to;
      }
      case "len": {
        if (base.k !== "array" && base.k !== "slice" && base.k !== "bytes" && base.k !== "error") break;
        if (e.args.length) this.c.err("E0202", "`len` takes no arguments", e.span);
        this.inst?.calls.set(e, { k: "len" });
        if (base.k === "array" && base.len !== undefined) this.inst?.consts.set(e, BigInt(base.len));
        return U32;
      }
      case "inv": {
        if (base.k !== "field" && base.k !== "error") break;
        if (e.args.length) this.c.err("E0202", "`inv` takes no arguments", e.span);
        this.inst?.calls.set(e, { k: "inv" });
        return base;
      }
    }
    e.args.forEach((a) => this.expr(a));
    if (rt.k !== "error")
      this.c.err("E0109", `no method \`${name}\` on ${tyToString(rt)}`, e.method.span, suggestHint(name, ["to_bits", "from_bits", "len", "inv"]));
    return ERR;
  }
}
