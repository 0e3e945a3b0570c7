// The checker of a program: items (tables, constants via ./type.ts), the queue of instances to check, and
// recursion between them. Generic items are checked per instantiation; each body by FnChecker (./stmt.ts).
import type { Span } from "../../../base/diagnostics/index.ts";
import type { ConstItem, FieldItem, PathExpr, TableItem } from "../../syntax/index.ts";
import { ConstEvalError, type ConstEnv, type CV, evalConst } from "../consteval.ts";
import { fieldInfo, isProbablePrime } from "../fields.ts";
import { MAX_DYNAMIC_COLUMNS } from "../../limits.ts";
import { type ModScope } from "../scope.ts";
import { ERR, type FieldInfo, type Ty, U32, UNIT, intRange, tyToString } from "../types.ts";
import {
  type FnLike,
  type CtxKind,
  type TableInfo,
  type Subst,
  Instance,
  UnknownConst,
  itemId,
  emptySubst,
  irTypeName,
  hasParam,
} from "./common.ts";
import { TypeResolver } from "./type.ts";
import { FnChecker } from "./stmt.ts";

export class Checker extends TypeResolver {
  readonly instances: Instance[] = [];
  private byKey = new Map<string, Instance>();
  private queue: Instance[] = [];
  private usedIrNames = new Set<string>();
  private consts = new Map<ConstItem, { ty: Ty; value?: CV } | "busy">();
  private fields = new Map<FieldItem, FieldInfo | undefined>();
  readonly tables = new Map<TableItem, TableInfo | undefined>();
  /** Calls made under a run-time `if` condition: a callee that pushes rows there is an error (E0413). */
  readonly conditionalCalls: { inst: Instance; span: Span }[] = [];

  // --- items -------------------------------------------------------------------------------------

  fieldOf(item: FieldItem, m: ModScope): FieldInfo | undefined {
    if (this.fields.has(item)) return this.fields.get(item);
    this.fields.set(item, undefined);
    let info: FieldInfo | undefined;
    try {
      const v = evalConst(item.modulus, this.constEnv(m, emptySubst()));
      if (typeof v !== "bigint") this.err("E0217", "a field modulus must be an integer", item.modulus.span);
      else if (v < 2n) this.err("E0217", `field modulus ${v} is not a prime`, item.modulus.span);
      else if (!isProbablePrime(v))
        this.err("E0217", `field modulus 0x${v.toString(16)} is not a prime`, item.modulus.span, "check the constant; a prime field needs a prime modulus");
      else info = fieldInfo(item.name.name, v);
    } catch (e) {
      this.constFail(e);
    }
    this.fields.set(item, info);
    return info;
  }

  protected constFail(e: unknown): void {
    if (e instanceof ConstEvalError) this.err(e.code, e.message, e.span, e.hint);
    else if (!(e instanceof UnknownConst)) throw e;
  }

  constOf(item: ConstItem, m: ModScope): { ty: Ty; value?: CV } {
    const c = this.consts.get(item);
    if (c === "busy") {
      this.err("E0305", `constant \`${item.name.name}\` depends on itself`, item.name.span);
      return { ty: ERR };
    }
    if (c) return c;
    this.consts.set(item, "busy");
    const declared = item.type ? this.resolveType(item.type, m, emptySubst(), "fn") : undefined;
    const fc = new FnChecker(this, undefined, m, emptySubst(), "fn");
    let ty = fc.expr(item.value, declared);
    if (declared) ty = fc.expectType(item.value, ty, declared);
    if (ty.k === "lit") ty = U32;
    let value: CV | undefined;
    try {
      value = evalConst(item.value, this.constEnv(m, emptySubst()));
      if (ty.k === "field" && typeof value === "bigint") value = ((value % ty.f.modulus) + ty.f.modulus) % ty.f.modulus;
      else value = this.fitConst(value, ty, item.value.span);
    } catch (e) {
      this.constFail(e);
    }
    const r = { ty, value };
    this.consts.set(item, r);
    const sym = this.syms.definedAt(item.name.span);
    if (sym) sym.type = tyToString(ty);
    return r;
  }

  /** Check an integer constant against its type; wraps nothing, reports overflow (E0204). */
  fitConst(v: CV, ty: Ty, span: Span): CV {
    if (typeof v === "bigint" && ty.k === "int") {
      const { min, max } = intRange(ty);
      if (v < min || v > max) this.err("E0204", `constant ${v} does not fit in ${tyToString(ty)}`, span);
    }
    return v;
  }

  constEnv(m: ModScope, subst: Subst): ConstEnv {
    return {
      resolve: (e: PathExpr): CV | undefined => {
        const segs = e.path.segments;
        if (segs.length === 1 && subst.consts.has(segs[0].name.name)) {
          const v = subst.consts.get(segs[0].name.name);
          if (v === undefined) throw new UnknownConst();
          return v;
        }
        const entry =
          segs.length === 1
            ? this.loader.lookupIn(m, segs[0].name.name, m)
            : this.loader.resolveModulePath(m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), false);
        if (entry?.item?.kind === "Const") {
          this.syms.reference(entry.sym, segs[segs.length - 1].name.span);
          const v = this.constOf(entry.item, entry.owner).value;
          // No value: its own error was reported already; do not add "not a constant" on top.
          if (v === undefined) throw new UnknownConst();
          return v;
        }
        return undefined;
      },
    };
  }

  tableOf(item: TableItem, m: ModScope): TableInfo | undefined {
    if (this.tables.has(item)) return this.tables.get(item);
    this.tables.set(item, undefined);
    const colTy = this.resolveType(item.type, m, emptySubst(), "fn");
    const columns = colTy.k === "tuple" ? colTy.elems : [colTy];
    for (const c of columns)
      if (c.k !== "int" && c.k !== "field" && c.k !== "bool" && c.k !== "error")
        this.err("E0201", `table columns must be integers, booleans or field elements, not ${tyToString(c)}`, item.type.span);
    const irName = this.mangle(m, item.name.name);
    let info: TableInfo | undefined;
    if (!item.value) {
      info = this.dynamicTable(item, columns, irName);
      this.tables.set(item, info);
      return info;
    }
    try {
      const v = item.value;
      if (v.kind === "Range" && v.start && v.end && columns.length === 1) {
        const lo = evalConst(v.start, this.constEnv(m, emptySubst()));
        const hi = evalConst(v.end, this.constEnv(m, emptySubst()));
        if (typeof lo === "bigint" && typeof hi === "bigint") {
          const top = hi + (v.inclusive ? 1n : 0n);
          this.checkColumnValue(columns[0], lo, v.start.span);
          this.checkColumnValue(columns[0], top - 1n, v.end.span);
          info = { name: item.name.name, irName, columns, range: { lo, hi: top } };
        }
      } else {
        const rowsCv = evalConst(v, this.constEnv(m, emptySubst()));
        if (!Array.isArray(rowsCv)) this.err("E0201", "a table is a range or an array of rows", v.span);
        else {
          const rows: bigint[][] = [];
          for (const r of rowsCv) {
            const cells = Array.isArray(r) && columns.length > 1 ? r : [r];
            if (cells.length !== columns.length) {
              this.err("E0216", `table row has ${cells.length} values but the table has ${columns.length} columns`, v.span);
              break;
            }
            const row = cells.map((c, i) => {
              const n = typeof c === "boolean" ? (c ? 1n : 0n) : typeof c === "bigint" ? c : 0n;
              this.checkColumnValue(columns[i], n, v.span);
              return n;
            });
            rows.push(row);
          }
          info = { name: item.name.name, irName, columns, rows };
        }
      }
    } catch (e) {
      this.constFail(e);
    }
    this.tables.set(item, info);
    return info;
  }

  private dynamicTable(item: TableItem, columns: Ty[], irName: string): TableInfo | undefined {
    let ok = true;
    if (columns.length < 1 || columns.length > MAX_DYNAMIC_COLUMNS) {
      this.err("E0222", `a dynamic table has 1 to ${MAX_DYNAMIC_COLUMNS} columns, \`${item.name.name}\` has ${columns.length}`, item.type.span, "split the row over two tables joined by a shared counter column");
      ok = false;
    }
    for (const c of columns)
      if (c.k !== "field" && c.k !== "error") {
        this.err("E0222", `the columns of a dynamic table must be field elements, not ${tyToString(c)}`, item.type.span, "declare the column as a field (`Field`, `Bn254Fr`) and push `x as Field`");
        ok = false;
      }
    return ok && columns.every((c) => c.k === "field") ? { name: item.name.name, irName, columns, dynamic: true } : undefined;
  }

  /** A call made under a run-time condition must not reach a `push` (the row would be added unconditionally). */
  checkConditionalPushes(): void {
    const memo = new Map<Instance, boolean>();
    const pushes = (i: Instance): boolean => {
      const hit = memo.get(i);
      if (hit !== undefined) return hit;
      memo.set(i, false);
      const r = i.pushes.size > 0 || [...i.callees].some(pushes);
      memo.set(i, r);
      return r;
    };
    for (const c of this.conditionalCalls)
      if (pushes(c.inst))
        this.err("E0413", `\`${c.inst.item.name.name}\` pushes rows into a dynamic table, so it cannot be called under a condition known only at run time`, c.span, "call it unconditionally, or push the row in every case and give it a marker column");
  }

  private checkColumnValue(t: Ty, v: bigint, span: Span): void {
    if (t.k === "int") {
      const { min, max } = intRange(t);
      if (v < min || v > max) this.err("E0204", `table value ${v} does not fit in ${tyToString(t)}`, span);
    } else if (t.k === "field" && (v < 0n || v >= t.f.modulus)) this.err("E0204", `table value ${v} is not below the field modulus`, span);
  }

  /** CWIR symbol for an item: bare in root modules, module-qualified (`std.hash.poseidon.hash2`) elsewhere. */
  mangle(m: ModScope, name: string): string {
    return m.path.length ? [...m.path, name].join(".") : name;
  }

  // --- instances ---------------------------------------------------------------------------------

  instance(item: FnLike, m: ModScope, subst: Subst, ctx: CtxKind, concrete: boolean): Instance {
    const args = [...[...subst.types].map(([, t]) => tyToString(t)), ...[...subst.consts].map(([, v]) => String(v ?? "?"))];
    const key = `${itemId(item)}|${ctx}|${args.join(",")}`;
    const existing = this.byKey.get(key);
    if (existing) return existing;
    let irName = this.mangle(m, item.name.name);
    const irArgs = [...[...subst.types].map(([, t]) => irTypeName(t)), ...[...subst.consts].map(([, v]) => String(v ?? "N"))];
    if (irArgs.length) irName += "$" + irArgs.join("$");
    if (this.usedIrNames.has(irName)) irName += "$" + ctx;
    for (let i = 2; this.usedIrNames.has(irName); i++) irName = irName.replace(/\$\d+$/, "") + "$" + i;
    this.usedIrNames.add(irName);
    const inst = new Instance(item, m, subst, ctx, key, irName);
    // Lowerable iff every generic argument is known; the same instance may be reached from abstract
    // (unknown const generic) code first and from concrete code later.
    void concrete;
    inst.concrete = [...subst.consts.values()].every((v) => v !== undefined) && [...subst.types.values()].every((t) => !hasParam(t));
    this.byKey.set(key, inst);
    this.instances.push(inst);
    // Signature now (callers need it); body later (recursion-safe).
    inst.params = item.params.map((p) => ({ name: p.name.name, ty: this.resolveType(p.type, m, subst, ctx), param: p }));
    inst.ret = item.ret ? this.resolveType(item.ret, m, subst, ctx) : UNIT;
    this.queue.push(inst);
    return inst;
  }

  drain(): void {
    while (this.queue.length) {
      const inst = this.queue.shift()!;
      new FnChecker(this, inst, inst.module, inst.subst, inst.ctx).checkBody();
    }
  }

  /** Report calls that (transitively) reach themselves: every call is inlined, so recursion cannot lower. */
  checkRecursion(): void {
    const state = new Map<Instance, number>();
    const visit = (i: Instance, stack: Instance[]) => {
      state.set(i, 1);
      for (const c of i.callees) {
        const s = state.get(c);
        if (s === 1) {
          if (c.ctx !== "hint")
            this.err("E0407", `\`${c.item.name.name}\` calls itself (directly or through other functions)`, c.item.name.span, "constrained code is inlined; write the recursion as a bounded `for` loop");
        } else if (!s) visit(c, [...stack, c]);
      }
      state.set(i, 2);
    };
    for (const i of this.instances) if (!state.get(i)) visit(i, [i]);
  }
}
