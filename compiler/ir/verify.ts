// The CWIR verifier: structure (one block per region, terminators), SSA dominance, per-op type rules
// (ops.ts), dialect placement, item signatures and the call graph. Returns diagnostics; never throws.
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import {
  type Attrs,
  type Block,
  type Func,
  type Loc,
  type Module,
  type Op,
  type Region,
  type Type,
  type Value,
  INDEX_TYPE,
  MAX_INT_WIDTH,
  TERMINATORS,
  fieldOf,
  isInt,
  isSymRef,
  typeEq,
  typeToString,
} from "./ir.ts";
import { MAX_DYNAMIC_COLUMNS, type VerifyCtx, bitLength, opDef } from "./ops.ts";
import { isProbablePrime } from "../../runtime/field/index.ts";

/** A location for a diagnostic: the Span when it names a real file, else a textual suffix. */
export function locParts(loc: Loc | undefined): { span?: Loc; suffix: string } {
  if (!loc) return { suffix: "" };
  if (loc.file >= 0) return { span: loc, suffix: "" };
  if (loc.path !== undefined) return { suffix: ` (at ${loc.path}:${loc.line}:${loc.col})` };
  return { suffix: "" };
}

export function verifyModule(m: Module): Diagnostic[] {
  const v = new Verifier(m);
  try {
    v.module();
  } catch (e) {
    // A verifier bug must not take the compiler down; the fuzz test asserts this never happens.
    v.diags.push(error("E0999", `internal verifier error: ${e instanceof Error ? e.message : String(e)}`));
  }
  return v.diags;
}

class Verifier {
  readonly diags: Diagnostic[] = [];
  private func?: Func;
  constructor(private m: Module) {}

  private report(code: string, msg: string, loc?: Loc): void {
    const { span, suffix } = locParts(loc);
    const where = this.func ? `in @${this.func.name}: ` : "";
    this.diags.push(error(code, `${where}${msg}${suffix}`, span));
  }

  module(): void {
    for (const item of this.m.items) {
      this.func = undefined;
      if (item.kind === "field") {
        if (item.decl.modulus < 2n || !isProbablePrime(item.decl.modulus))
          this.report("E0929", `field @${item.decl.name}: modulus ${item.decl.modulus} is not a prime`);
      } else if (item.kind === "table") {
        if (item.decl.dynamic) this.dynamicTable(item.decl.name, item.decl.columns, item.decl.range !== undefined || item.decl.rows !== undefined);
        else this.table(item.decl.name, item.decl.columns, item.decl.range, item.decl.rows);
      } else {
        this.func = item.decl;
        this.funcItem(item.decl);
      }
    }
    this.func = undefined;
    this.callCycles();
  }

  private dynamicTable(name: string, columns: Type[], hasContents: boolean): void {
    if (columns.length < 1 || columns.length > MAX_DYNAMIC_COLUMNS)
      this.report("E0928", `dynamic table @${name} has ${columns.length} columns (1 to ${MAX_DYNAMIC_COLUMNS})`);
    for (const c of columns) {
      this.type(c, `table @${name}`);
      if (c.kind !== "field") this.report("E0928", `dynamic table @${name}: column type ${typeToString(c)} is not a field`);
    }
    if (hasContents) this.report("E0928", `dynamic table @${name} cannot also have a range or rows`);
  }

  private table(name: string, columns: Type[], range?: { lo: bigint; hi: bigint }, rows?: bigint[][]): void {
    if (!columns.length) this.report("E0928", `table @${name} has no columns`);
    for (const c of columns) {
      this.type(c, `table @${name}`);
      if (c.kind !== "field" && c.kind !== "int") this.report("E0928", `table @${name}: column type ${typeToString(c)} is not a field or integer`);
    }
    if (range && rows) this.report("E0928", `table @${name} has both a range and rows`);
    if (range) {
      if (columns.length !== 1) this.report("E0928", `range table @${name} must have exactly one column`);
      if (range.lo < 0n || range.hi < range.lo) this.report("E0928", `table @${name}: range ${range.lo}..${range.hi} is empty or negative`);
      else if (columns[0] && !fits(this.m, columns[0], range.hi - 1n) && range.hi > range.lo)
        this.report("E0928", `table @${name}: range ${range.lo}..${range.hi} does not fit ${typeToString(columns[0])}`);
    } else if (rows) {
      rows.forEach((row, r) => {
        if (row.length !== columns.length) return this.report("E0928", `table @${name}: row ${r} has ${row.length} entries, not ${columns.length}`);
        row.forEach((x, c) => {
          if (columns[c] && !fits(this.m, columns[c], x)) this.report("E0928", `table @${name}: row ${r} entry ${c} (${x}) does not fit ${typeToString(columns[c])}`);
        });
      });
    } else this.report("E0928", `table @${name} has neither a range nor rows`);
  }

  /** Well-formed type: declared fields, sane widths and lengths. */
  private type(t: Type, where: string, loc?: Loc): boolean {
    switch (t.kind) {
      case "field":
      case "sint":
      case "sfix":
      case "fix": {
        const f = this.m.field(t.field);
        if (!f) {
          this.report("E0929", `${where}: type ${typeToString(t)} refers to an undeclared field @${t.field}`, loc);
          return false;
        }
        if ((t.kind === "sfix" || t.kind === "fix") && t.frac >= bitLength(f.modulus) - 1) {
          this.report("E0922", `${where}: ${typeToString(t)} has more fractional bits than the field can hold`, loc);
          return false;
        }
        return true;
      }
      case "int":
        if (!Number.isInteger(t.width) || t.width < 1 || t.width > MAX_INT_WIDTH) {
          this.report("E0922", `${where}: integer width ${t.width} is not in 1..${MAX_INT_WIDTH}`, loc);
          return false;
        }
        return true;
      case "array":
        if (!Number.isInteger(t.len) || t.len < 0) {
          this.report("E0922", `${where}: array length ${t.len} is invalid`, loc);
          return false;
        }
        return this.type(t.elem, where, loc);
      case "tuple":
        return t.elems.every((e) => this.type(e, where, loc));
      case "mem":
        return this.type(t.elem, where, loc);
    }
  }

  private funcItem(f: Func): void {
    f.args.forEach((a, i) => {
      this.type(a.type, `parameter ${i}`);
      this.paramAttrs(f, i, f.paramAttrs[i] ?? {});
    });
    f.results.forEach((r, i) => this.type(r, `result ${i}`));
    if (f.kind === "kernel") {
      const wg = f.attrs.workgroup;
      if (wg !== undefined && !(Array.isArray(wg) && wg.length >= 1 && wg.length <= 3 && wg.every((x) => typeof x === "bigint" && x >= 1n && x <= 1024n)))
        this.report("E0923", "kernel attribute 'workgroup' must be a list of 1 to 3 sizes in 1..1024");
      if (f.results.length) this.report("E0925", "kernels return no values; write results to buffers");
    }
    if (f.body.blocks.length !== 1) {
      this.report("E0926", `the body must be one block, not ${f.body.blocks.length}`);
      if (!f.body.blocks.length) return;
    }
    const entry = f.body.blocks[0];
    if (entry.args.length !== f.paramAttrs.length) this.report("E0921", "parameter attributes and parameters differ in number");
    const scope = new Set<Value>();
    this.block(entry, scope, "func");
    const last = entry.ops[entry.ops.length - 1];
    if (f.kind !== "spec") {
      if (last?.name !== "cf.return") this.report("E0926", "the body must end with cf.return", last?.loc);
      else this.checkTypes(last.operands, f.results, "cf.return", last.loc);
    }
  }

  private paramAttrs(f: Func, i: number, a: Attrs): void {
    const vis = a.vis;
    const allowed: Record<string, string[]> = { circuit: ["pub", "priv"], protocol: ["secret", "public"] };
    if (vis !== undefined) {
      const ok = allowed[f.kind];
      if (typeof vis !== "string" || !ok || !ok.includes(vis))
        this.report("E0923", `parameter ${i}: visibility ${JSON.stringify(vis)} is not allowed in a ${f.kind}${ok ? ` (use ${ok.join(" or ")})` : ""}`);
    }
    if (a.party !== undefined && (typeof a.party !== "bigint" || a.party < 0n)) this.report("E0923", `parameter ${i}: 'party' must be a non-negative integer`);
    if (a.access !== undefined && a.access !== "read" && a.access !== "read_write")
      this.report("E0923", `parameter ${i}: 'access' must be "read" or "read_write"`);
  }

  private checkTypes(vals: readonly Value[], want: readonly Type[], what: string, loc?: Loc): void {
    if (vals.length !== want.length) {
      this.report("E0926", `${what} passes ${vals.length} value(s), expected ${want.length}`, loc);
      return;
    }
    vals.forEach((v, i) => {
      if (!typeEq(v.type, want[i])) this.report("E0926", `${what} value ${i} is ${typeToString(v.type)}, expected ${typeToString(want[i])}`, loc);
    });
  }

  /**
   * Verify a block: `scope` holds the values visible from enclosing blocks; values defined here are
   * added while walking and removed at the end, which is exactly SSA dominance for structured regions.
   * `kind` says which terminator the block may end with.
   */
  private block(b: Block, scope: Set<Value>, kind: "func" | "region"): void {
    const added: Value[] = [];
    const define = (v: Value) => {
      scope.add(v);
      added.push(v);
    };
    for (const a of b.args) define(a);
    b.ops.forEach((op, idx) => {
      if (op.parent !== b) this.report("E0924", `${op.name} has a stale parent link`, op.loc);
      for (const [i, v] of op.operands.entries()) {
        if (!scope.has(v))
          this.report("E0924", `${op.name} operand ${i} (${typeToString(v.type)}) is used before its definition or outside its scope`, op.loc, );
      }
      const isLast = idx === b.ops.length - 1;
      if (TERMINATORS.has(op.name) && !isLast) this.report("E0926", `${op.name} must be the last op of its block`, op.loc);
      if (op.name === "cf.return" && kind !== "func") this.report("E0926", "cf.return may only end an item body", op.loc);
      if ((op.name === "cf.yield" || op.name === "cf.condition") && kind === "func")
        this.report("E0926", `${op.name} may only end a nested region`, op.loc);
      this.op(op, scope);
      for (const r of op.results) define(r);
    });
    for (const v of added) scope.delete(v);
  }

  private op(op: Op, scope: Set<Value>): void {
    const f = this.func!;
    const def = opDef(op.name);
    if (!def) {
      this.report("E0920", `unknown op '${op.name}'`, op.loc);
      for (const r of op.regions) for (const b of r.blocks) this.block(b, scope, "region");
      return;
    }
    const count = (n: number | [number, number], have: number, what: string): boolean => {
      const [lo, hi] = typeof n === "number" ? [n, n] : n;
      if (have < lo || have > hi) {
        const want = lo === hi ? `${lo}` : hi === Infinity ? `at least ${lo}` : `${lo} to ${hi}`;
        this.report("E0921", `${op.name} takes ${want} ${what}, got ${have}`, op.loc);
        return false;
      }
      return true;
    };
    let shapeOk = count(def.operands, op.operands.length, "operand(s)");
    shapeOk = count(def.results, op.results.length, "result(s)") && shapeOk;
    shapeOk = count(def.regions ?? 0, op.regions.length, "region(s)") && shapeOk;
    if (def.allowedIn && !def.allowedIn.includes(f.kind))
      this.report("E0925", `${op.name} is not allowed in a ${f.kind} (only in ${def.allowedIn.join(", ")})`, op.loc);
    // The model checker reads a spec as terms of spec ops; any other op there would mean nothing to it.
    else if (f.kind === "spec" && op.dialect !== "spec" && op.name !== "cf.yield")
      this.report("E0925", `${op.name} is not allowed in a spec (only spec ops and cf.yield)`, op.loc);
    if (f.kind === "protocol" && op.name === "cf.call") {
      // fine: protocols may call fn helpers
    }
    let typesOk = true;
    for (const v of [...op.operands, ...op.results]) typesOk = this.type(v.type, op.name, op.loc) && typesOk;
    for (const r of op.regions) for (const b of r.blocks) for (const a of b.args) typesOk = this.type(a.type, op.name, op.loc) && typesOk;
    if (shapeOk && typesOk && def.verify) {
      const ctx: VerifyCtx = { module: this.m, funcKind: f.kind, err: (code, msg) => this.report(code, msg, op.loc) };
      def.verify(op, ctx);
    }
    // Regions: one block each, the right terminator, the right argument and yield types.
    const regionsOk = op.regions.every((r) => {
      if (r.blocks.length !== 1) {
        this.report("E0926", `${op.name}: every region must hold exactly one block, found ${r.blocks.length}`, op.loc);
        return false;
      }
      return true;
    });
    for (const r of op.regions) for (const b of r.blocks) this.block(b, scope, "region");
    if (!regionsOk || !shapeOk) return;
    this.regionShapes(op);
  }

  private regionShapes(op: Op): void {
    const res = op.results.map((r) => r.type);
    const ops = op.operands.map((v) => v.type);
    switch (op.name) {
      case "cf.for":
        this.region(op, op.regions[0], [INDEX_TYPE, ...res], "cf.yield", res, "cf.for body");
        break;
      case "cf.if":
        this.region(op, op.regions[0], [], "cf.yield", res, "cf.if then-region");
        this.region(op, op.regions[1], [], "cf.yield", res, "cf.if else-region");
        break;
      case "cf.while": {
        const before = op.regions[0];
        this.region(op, before, ops, "cf.condition", undefined, "cf.while condition");
        const cond = before.blocks[0].terminator;
        if (cond?.name === "cf.condition") this.checkTypes(cond.operands.slice(1), res, "cf.condition", cond.loc);
        this.region(op, op.regions[1], res, "cf.yield", ops, "cf.while body");
        break;
      }
      case "cf.block":
      case "cf.loop": {
        const what = `${op.name} region`;
        if (op.name === "cf.loop") this.region(op, op.regions[0], ops, "", undefined, what);
        const term = op.regions[0].blocks[0].ops.at(-1);
        if (term?.name === "cf.yield") this.checkTypes(term.operands, res, `cf.yield of the ${what}`, term.loc ?? op.loc);
        else if (!term || !["cf.br", "cf.br_table", "cf.trap"].includes(term.name))
          this.report("E0926", `${what} must end with cf.yield, cf.br, cf.br_table or cf.trap`, term?.loc ?? op.loc);
        break;
      }
      // spec ops check their regions' arguments and yields themselves (ops.ts): some yield a
      // variable number of values (a guard or an initial value may be absent).
      default:
        for (const r of op.regions) {
          const term = r.blocks[0].terminator;
          if (!term || term.name === "cf.return") this.report("E0926", `${op.name}: region must end with cf.yield`, op.loc);
        }
    }
  }

  private region(op: Op, r: Region, args: Type[], terminator: string, yields: Type[] | undefined, what: string): void {
    const b = r.blocks[0];
    const have = b.args.map((a) => a.type);
    if (have.length !== args.length || have.some((t, i) => !typeEq(t, args[i])))
      this.report(
        "E0926",
        `${what} must take (${args.map(typeToString).join(", ")}), takes (${have.map(typeToString).join(", ")})`,
        op.loc,
      );
    if (!terminator) return;
    const term = b.ops[b.ops.length - 1];
    if (term?.name !== terminator) {
      this.report("E0926", `${what} must end with ${terminator}`, term?.loc ?? op.loc);
      return;
    }
    if (yields) this.checkTypes(term.operands, yields, `${terminator} of the ${what}`, term.loc ?? op.loc);
  }

  /** fn items are inlined, so a call cycle through a fn cannot be compiled. */
  private callCycles(): void {
    const fns = this.m.funcs;
    const callees = new Map<string, string[]>();
    for (const f of fns) {
      const out: string[] = [];
      const walk = (r: Region) => {
        for (const b of r.blocks)
          for (const op of b.ops) {
            if (op.name === "cf.call" && isSymRef(op.attrs.callee)) out.push(op.attrs.callee.sym);
            op.regions.forEach(walk);
          }
      };
      walk(f.body);
      callees.set(f.name, out);
    }
    const state = new Map<string, 1 | 2>();
    const reported = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      const s = state.get(name);
      if (s === 2) return;
      if (s === 1) {
        const cycle = path.slice(path.indexOf(name));
        // a fn marked noinline (a WebAssembly function) is compiled as a call, so it may recurse
        const inlined = (n: string) => this.m.func(n)?.kind === "fn" && this.m.func(n)?.attrs.noinline !== true;
        if (cycle.some(inlined) && !reported.has(cycle.slice().sort().join())) {
          reported.add(cycle.slice().sort().join());
          this.report("E0927", `recursive calls through a fn cannot be inlined: ${[...cycle, name].map((n) => `@${n}`).join(" → ")}`);
        }
        return;
      }
      state.set(name, 1);
      for (const c of callees.get(name) ?? []) if (this.m.func(c)) visit(c, [...path, name]);
      state.set(name, 2);
    };
    for (const f of fns) visit(f.name, []);
  }
}

/** Does integer `x` fit a column of type `t` (field element < p, or unsigned iW)? */
function fits(m: Module, t: Type, x: bigint): boolean {
  if (x < 0n) return false;
  if (isInt(t)) return x < 1n << BigInt(t.width);
  const f = fieldOf(t);
  const p = f === undefined ? undefined : m.field(f)?.modulus;
  return p === undefined || x < p;
}
