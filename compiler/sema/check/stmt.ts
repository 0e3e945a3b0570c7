// Bodies and statements: parameters, blocks, let/assert/lookup/push/for, assignment and places.
import type { Span } from "../../../base/diagnostics/index.ts";
import type { Block, Expr, LookupStmt, PushStmt, Param, Pattern, Stmt } from "../../syntax/index.ts";
import { type CV } from "../consteval.ts";
import { suggestHint } from "../scope.ts";
import { BOOL, ERR, type Ty, U32, UNIT, containsSecret, scalarOf, tyToString } from "../types.ts";
import { type Local, type TableInfo, CTX_NAME, hasErrorNode, hasLit, replaceLit } from "./common.ts";
import { CallChecker } from "./call.ts";

/** Checks one instance body (or, with `inst` undefined, a const initialiser). */
export class FnChecker extends CallChecker {
  // --- bodies ------------------------------------------------------------------------------------

  checkBody(): void {
    const inst = this.inst!;
    const item = inst.item;
    const seen = new Map<string, Span>();
    inst.params.forEach((p, i) => {
      const prm = item.params[i];
      if (seen.has(p.name)) this.c.err("E0105", `parameter \`${p.name}\` is declared twice`, prm.name.span);
      seen.set(p.name, prm.name.span);
      this.checkTypeAllowed(p.ty, prm.type.span, true);
      this.checkQualifier(prm, p.ty);
      const local = this.bind(prm.name.name, prm.name.span, p.ty, prm.mutable, "param");
      inst.locals.set(prm, local);
    });
    this.checkTypeAllowed(inst.ret, item.ret?.span ?? item.name.span, false);
    const body = item.body;
    const t = this.block(body, inst.ret, true);
    const last = body.stmts[body.stmts.length - 1];
    const returns = !body.tail && last?.kind === "Return";
    if (!returns && inst.ret.k !== "error" && !(inst.ret.k === "tuple" && inst.ret.elems.length === 0)) {
      if (body.tail) this.expectType(body.tail, t, inst.ret);
      else if (!hasErrorNode(body) && !this.c.syntaxErrorIn(body.span))
        this.c.err("E0201", `\`${item.name.name}\` must return ${tyToString(inst.ret)}, but its body has no value`, item.body.span, "end the body with an expression (no `;`) or a `return`");
    } else if (body.tail && inst.ret.k === "tuple" && inst.ret.elems.length === 0 && t.k !== "error" && !(t.k === "tuple" && t.elems.length === 0))
      this.c.err("E0201", `\`${item.name.name}\` returns nothing, but its body ends with a value of type ${tyToString(t)}`, body.tail.span, `declare \`-> ${tyToString(t)}\` or add \`;\``);
  }

  private checkQualifier(p: Param, t: Ty): void {
    const q = p.qualifier;
    const kind = this.inst!.item.kind;
    if (q === "pub" || q === "priv") {
      if (kind !== "Circuit")
        this.c.err("E0404", `\`${q}\` marks circuit inputs; it is not allowed in ${CTX_NAME[this.ctx]}`, p.name.span, "remove the qualifier");
    } else if (q === "secret" || q === "public") {
      if (kind !== "Protocol")
        this.c.err("E0404", `\`${q}\` marks protocol inputs; it is not allowed in ${CTX_NAME[this.ctx]}`, p.name.span, "remove the qualifier");
      else if (q === "secret" && !containsSecret(t) && t.k !== "error")
        this.c.err("E0201", `secret input \`${p.name.name}\` has the clear type ${tyToString(t)}`, p.type.span, "use `sint`/`sfix` (or `secret T`)");
    }
  }


  block(b: Block, expected: Ty | undefined, fnBody = false): Ty {
    this.scopes.push(new Map());
    this.scopeSpans.push(b.span);
    try {
      b.stmts.forEach((s, i) => this.stmt(s, fnBody && i === b.stmts.length - 1 && !b.tail));
      if (b.tail) return this.expr(b.tail, expected);
      const last = b.stmts[b.stmts.length - 1];
      if (last?.kind === "ExprStmt" && !last.semi && last.expr.kind === "If") return this.inst?.types.get(last.expr) ?? UNIT;
      return UNIT;
    } finally {
      // Settle while the scope is still visible: re-typing an initialiser may look its names up.
      this.settleScope(this.scopes[this.scopes.length - 1]);
      this.scopes.pop();
      this.scopeSpans.pop();
    }
  }

  // --- statements --------------------------------------------------------------------------------

  stmt(s: Stmt, isLastOfBody: boolean): void {
    switch (s.kind) {
      case "Let": {
        const declared = s.type ? this.c.resolveType(s.type, this.m, this.subst, this.ctx) : undefined;
        if (declared && s.type) this.checkTypeAllowed(declared, s.type.span, false);
        let t: Ty = declared ?? ERR;
        if (s.init) {
          const got = this.expr(s.init, declared);
          t = declared ? this.expectType(s.init, got, declared) : got;
        } else if (!declared) {
          this.c.err("E0201", "a `let` without an initial value needs a type", s.pattern.span, "write `let x: T;` or give it a value");
        }
        let cv: CV | undefined;
        if (s.init && s.pattern.kind === "IdentPattern" && !s.pattern.mutable) cv = this.tryConst(s.init);
        this.bindPattern(s.pattern, t, cv);
        if (s.pattern.kind === "IdentPattern" && hasLit(t)) {
          const l = this.inst?.locals.get(s.pattern) ?? this.lookupLocal(s.pattern.name.name);
          if (l) l.pending = { init: s.init, uses: [] };
        } else if (s.init && hasLit(t)) this.coerce(s.init, replaceLit(t, U32));
        return;
      }
      case "Assign":
        return this.assign(s);
      case "Assert": {
        this.needConstraints(s.span, "`assert`");
        const t = this.expr(s.cond, BOOL);
        this.expectType(s.cond, t, BOOL);
        if (s.message) this.message(s.message);
        return;
      }
      case "AssertEq": {
        this.needConstraints(s.span, "`assert_eq`");
        const l = this.expr(s.left);
        const r = this.expr(s.right, l.k === "lit" ? undefined : l);
        this.unify(s.left, l, s.right, r, "assert_eq");
        if (s.message) this.message(s.message);
        return;
      }
      case "Lookup":
        return this.lookup(s);
      case "Push":
        return this.push(s);
      case "Reveal": {
        if (this.ctx !== "protocol")
          this.c.err("E0402", `\`reveal\` is only allowed in protocols, not in ${CTX_NAME[this.ctx]}`, s.span, "circuits expose values as `pub` inputs or a return value");
        const t = this.expr(s.value);
        if (this.ctx === "protocol" && !containsSecret(t) && t.k !== "error")
          this.c.err("E0201", `\`reveal\` needs a secret value, found ${tyToString(t)}`, s.value.span);
        return;
      }
      case "Return": {
        if (!isLastOfBody || !this.inst)
          this.c.err("E0408", "`return` is only supported as the last statement of a function body", s.span, "make the returned value the block's final expression");
        const ret = this.inst?.ret ?? UNIT;
        if (s.value) this.expectType(s.value, this.expr(s.value, ret), ret);
        else if (!(ret.k === "tuple" && ret.elems.length === 0) && ret.k !== "error")
          this.c.err("E0201", `\`return\` needs a value of type ${tyToString(ret)}`, s.span);
        return;
      }
      case "Break":
      case "Continue":
        this.c.err("E0409", `\`${s.kind.toLowerCase()}\` is not supported outside spec actions yet`, s.span, "express the exit in the loop condition (`while`)");
        return;
      case "For":
        return this.forStmt(s);
      case "While": {
        if (this.ctx !== "program" && this.ctx !== "hint")
          this.c.err("E0404", `\`while\` is not allowed in ${CTX_NAME[this.ctx]}: loops there must have compile-time bounds`, s.span, "use `for i in 0..N` with a constant N");
        this.expectType(s.cond, this.expr(s.cond, BOOL), BOOL);
        this.loopDepth++;
        this.block(s.body, UNIT);
        this.loopDepth--;
        return;
      }
      case "ExprStmt":
        this.expr(s.expr);
        return;
    }
  }


  private bindPattern(p: Pattern, t: Ty, cv?: CV): void {
    switch (p.kind) {
      case "WildcardPattern":
        return;
      case "IdentPattern": {
        const l = this.bind(p.name.name, p.name.span, t, p.mutable, "local", cv);
        this.inst?.locals.set(p, l);
        return;
      }
      case "TuplePattern": {
        const elems = t.k === "tuple" ? t.elems : undefined;
        if (!elems && t.k !== "error") this.c.err("E0219", `a tuple pattern needs a tuple value, found ${tyToString(t)}`, p.span);
        else if (elems && elems.length !== p.elems.length)
          this.c.err("E0219", `tuple pattern has ${p.elems.length} elements but the value has ${elems.length}`, p.span);
        p.elems.forEach((q, i) => this.bindPattern(q, elems?.[i] ?? ERR, Array.isArray(cv) ? cv[i] : undefined));
        return;
      }
    }
  }

  private assign(s: Extract<Stmt, { kind: "Assign" }>): void {
    let target = this.place(s.target);
    if (hasLit(target)) {
      const root = this.rootLocal(s.target);
      const vt = this.expr(s.value);
      const sc = scalarOf(vt);
      if (root?.pending && sc.k !== "lit" && sc.k !== "error" && sc.k !== "bool") this.fixLocal(root, sc);
      if (root && !root.pending) target = this.place(s.target);
    }
    let t: Ty;
    if (s.op === "=") t = this.expr(s.value, target);
    else {
      const op = s.op.slice(0, -1) as Parameters<FnChecker["binaryType"]>[0];
      const r = this.expr(s.value, target.k === "int" && (op === "<<" || op === ">>") ? undefined : target);
      t = this.binaryType(op, target, r, s.target, s.value, s.span);
    }
    this.expectType(s.value, t, target);
  }

  /** Type of an assignable place; reports immutable roots (E0206) and non-places (E0207). */
  private place(e: Expr): Ty {
    switch (e.kind) {
      case "PathExpr": {
        const t = this.expr(e);
        const r = this.inst?.res.get(e);
        if (r?.k !== "local") {
          if (t.k !== "error") this.c.err("E0207", "only variables, array elements and struct fields can be assigned", e.span);
          return ERR;
        }
        if (!r.local.mutable)
          this.c.err("E0206", `cannot assign twice to immutable variable \`${r.local.name}\``, e.span, `declare it \`let mut ${r.local.name}\``);
        return t;
      }
      case "Paren":
        return this.place(e.inner);
      case "Index": {
        const obj = e.object;
        const root = this.rootLocal(obj);
        const objTy = root && (root.ty.k === "ref" || root.ty.k === "slice" || root.ty.k === "bytes") && obj.kind === "PathExpr" ? this.expr(obj) : this.place(obj);
        if (objTy.k === "ref" && !objTy.mut)
          this.c.err("E0206", "cannot write through a read-only buffer", obj.span, "declare the parameter `&mut [T]`");
        return this.indexType(e, objTy);
      }
      case "FieldAccess":
      case "TupleIndex": {
        this.place(e.object);
        return this.expr(e);
      }
      default:
        this.expr(e);
        this.c.err("E0207", "this expression cannot be assigned to", e.span);
        return ERR;
    }
  }

  private rootLocal(e: Expr): Local | undefined {
    if (e.kind === "PathExpr" && e.path.segments.length === 1) return this.lookupLocal(e.path.segments[0].name.name);
    if (e.kind === "Index" || e.kind === "FieldAccess" || e.kind === "TupleIndex") return this.rootLocal(e.object);
    if (e.kind === "Paren") return this.rootLocal(e.inner);
    return undefined;
  }

  /** The table a `lookup … in t` / `push … into t` names (E0110/E0107 otherwise); records the reference. */
  private tableNamed(path: LookupStmt["table"], declareHint: string): TableInfo | undefined {
    const segs = path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return undefined;
    const entry =
      segs.length === 1
        ? this.c.loader.lookupIn(this.m, segs[0].name.name, this.m)
        : this.c.loader.resolveModulePath(this.m, segs.map((x) => ({ name: x.name.name, span: x.name.span })), true);
    if (!entry) {
      if (segs.length === 1) {
        const tables = [...this.m.entries.values()].filter((e) => e.item?.kind === "Table").map((e) => e.name);
        this.c.err("E0110", `unknown table \`${segs[0].name.name}\``, path.span, suggestHint(segs[0].name.name, tables) ?? declareHint);
      }
      return undefined;
    }
    this.syms.reference(entry.sym, segs[segs.length - 1].name.span);
    if (entry.item?.kind !== "Table") {
      this.c.err("E0107", `\`${entry.name}\` is not a table`, path.span);
      return undefined;
    }
    return this.c.tableOf(entry.item, entry.owner);
  }

  private lookup(s: LookupStmt): void {
    if (!this.constrained && this.ctx !== "program")
      this.c.err("E0401", `\`lookup\` is a constraint and is only allowed in circuits and the fns they call, not in ${CTX_NAME[this.ctx]}`, s.span);
    const tys = s.columns.map((c) => this.expr(c));
    const info = this.tableNamed(s.table, "declare it: `table range8: u8 = 0..256;`");
    if (!info) return;
    if (info.dynamic && this.ctx === "program") {
      this.c.err("E0412", `the dynamic table \`${info.name}\` can only be used in circuits and the fns they call, not in ${CTX_NAME[this.ctx]}`, s.span, "its rows exist only while a circuit is proven");
      return;
    }
    this.inst?.lookups.set(s, info);
    if (info.columns.length !== s.columns.length) {
      this.c.err("E0216", `table \`${info.name}\` has ${info.columns.length} column(s) but the lookup gives ${s.columns.length}`, s.span);
      return;
    }
    s.columns.forEach((c, i) => {
      const col = info.columns[i];
      // A field element may be looked up in an integer/bool column: the table holds those values as field elements.
      if (tys[i].k === "field" && (col.k === "int" || col.k === "bool")) return;
      this.expectType(c, tys[i], col);
    });
  }

  /** `push (a, b) into t;`: one row of a dynamic table, added unconditionally. */
  private push(s: PushStmt): void {
    const tys = s.columns.map((c) => this.expr(c));
    const info = this.tableNamed(s.table, "declare it: `table rows: (Field, Field) = dynamic;`");
    if (!info) return;
    if (!info.dynamic) {
      this.c.err("E0221", `\`${info.name}\` is a fixed table; only dynamic tables take \`push\``, s.table.span, `declare it \`table ${info.name}: ... = dynamic;\` to fill it at proving time`);
      return;
    }
    if (!this.constrained) {
      this.c.err("E0412", `\`push\` adds a row to a circuit's dynamic table and is only allowed in circuits and the fns they call, not in ${CTX_NAME[this.ctx]}`, s.span);
      return;
    }
    if (this.runtimeIf > 0)
      this.c.err("E0413", "`push` under a condition known only at run time", s.span, "push the row unconditionally (e.g. with a marker column that says whether it counts)");
    if (info.columns.length !== s.columns.length) {
      this.c.err("E0216", `table \`${info.name}\` has ${info.columns.length} column(s) but the push gives ${s.columns.length}`, s.span);
      return;
    }
    s.columns.forEach((c, i) => this.expectType(c, tys[i], info.columns[i]));
    this.inst?.pushes.set(s, info);
  }

  private forStmt(s: Extract<Stmt, { kind: "For" }>): void {
    const it = s.iter;
    let elem: Ty = ERR;
    const needConst = this.ctx !== "program" && this.ctx !== "hint";
    if (it.kind === "Range") {
      if (!it.start || !it.end) {
        this.c.err("E0203", "a `for` range needs both bounds", it.span);
      } else {
        const a = this.expr(it.start);
        const b = this.expr(it.end, a.k === "lit" ? undefined : a);
        elem = this.unify(it.start, a, it.end, b, "range bounds");
        if (elem.k === "lit") elem = this.coerce(it.start, this.coerce(it.end, U32));
        if (elem.k !== "int" && elem.k !== "error")
          this.c.err("E0201", `range bounds must be integers, found ${tyToString(elem)}`, it.span);
        this.record(it, { k: "range", elem });
        if (needConst) {
          this.requireConst(it.start, `in ${CTX_NAME[this.ctx]}, a loop bound`);
          this.requireConst(it.end, `in ${CTX_NAME[this.ctx]}, a loop bound`);
        } else {
          const lo = this.tryConst(it.start);
          const hi = this.tryConst(it.end);
          if (lo !== undefined) this.inst?.consts.set(it.start, lo);
          if (hi !== undefined) this.inst?.consts.set(it.end, hi);
        }
      }
    } else {
      const t = this.expr(it);
      if (t.k === "array") elem = t.elem;
      else if (t.k !== "error")
        this.c.err("E0201", `can only iterate over a range or an array, not ${tyToString(t)}`, it.span, "write `for i in 0..n`");
      if (t.k === "array" && t.len === undefined && this.inst?.concrete) this.c.err("E0301", "array length is not known at compile time", it.span);
    }
    this.scopes.push(new Map());
    this.scopeSpans.push(s.body.span);
    if (s.pattern.kind === "TuplePattern") this.c.err("E0219", "a `for` loop binds one variable", s.pattern.span);
    this.bindPattern(s.pattern, elem);
    this.loopDepth++;
    this.block(s.body, UNIT);
    this.loopDepth--;
    this.scopes.pop();
    this.scopeSpans.pop();
  }

}
