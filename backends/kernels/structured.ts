// Shared printer for the structured control flow of kernel bodies (cf.for, cf.if, cf.yield), used by
// the text backends (HLS and WGSL): loop-carried and if-yielded values become mutable
// variables assigned at the yield, through temporaries because a yield may read the variables it sets.
// Targets supply the syntax and the printing of every other op. A `Slice` prints only the ops (and the
// for/if result positions) one stage of a split kernel needs, e.g. the address part of a load stage.
import type { Block, Op, Type, Value } from "../../compiler/ir/index.ts";

const CMP = { eq: "==", ne: "!=", ult: "<", ule: "<=", ugt: ">", uge: ">=" } as const;
const isBool = (v: Value) => v.type.kind === "int" && v.type.width === 1;

/**
 * The u32/bool ops that C++ and WGSL spell alike (constants, + − ×, bitwise ops — on bools too, without
 * short-circuit —, shifts taken mod 32, unsigned compares); undefined for every other op.
 */
export function sharedIntExpr(op: Op, n: (v: Value) => string): string | undefined {
  const o = op.operands;
  const bin = (sym: string) => `${n(o[0])} ${sym} ${n(o[1])}`;
  switch (op.name) {
    case "i.const": {
      const v = op.bigAttr("value") ?? 0n;
      return isBool(op.result) ? (v & 1n ? "true" : "false") : `${BigInt.asUintN(32, v)}u`;
    }
    case "i.add":
      return bin("+");
    case "i.sub":
      return bin("-");
    case "i.mul":
      return bin("*");
    case "i.and":
      return bin("&");
    case "i.or":
      return bin("|");
    case "i.xor":
      return bin(isBool(op.result) ? "!=" : "^");
    case "i.not":
      return `${isBool(op.result) ? "!" : "~"}${n(o[0])}`;
    case "i.shl":
      return `${n(o[0])} << (${n(o[1])} & 31u)`;
    case "i.shru":
      return `${n(o[0])} >> (${n(o[1])} & 31u)`;
    case "i.cmp":
      return bin(CMP[op.strAttr("pred") as keyof typeof CMP]);
    default:
      return undefined;
  }
}

export interface StructuredSyntax {
  /** A mutable variable (loop-carried or if-yielded value), with an initial value or without. */
  varDecl(type: Type, name: string, init?: string): string;
  /** An immutable value (yield temporaries). */
  constDecl(type: Type, name: string, expr: string): string;
  assign(name: string, expr: string): string;
  forOpen(iv: string, lo: bigint, hi: bigint, step: bigint): string;
  ifOpen(cond: string): string;
  readonly elseOpen: string;
  readonly close: string;
}

/** The ops one stage prints, and for each kept cf.for/cf.if the result positions it carries. */
export interface Slice {
  readonly ops: ReadonlySet<Op>;
  readonly positions: ReadonlyMap<Op, ReadonlySet<number>>;
}

/** Static trip count of a cf.for (bounds are attributes in CWIR). */
export function tripCount(op: Op): number {
  const lo = op.bigAttr("lo") ?? 0n;
  const hi = op.bigAttr("hi") ?? 0n;
  const step = op.bigAttr("step") ?? 1n;
  return hi > lo ? Number((hi - lo + step - 1n) / step) : 0;
}

function parentOp(op: Op): Op | undefined {
  return op.parent?.parent?.parent;
}

/**
 * Backward slice from `roots`: every op they need (operands as `operands(op)` lists them, default all),
 * the cf.for/cf.if ops enclosing a kept op (with an if's condition), and, per position, the carried
 * values and yields behind each for/if result a kept op reads. Positions nobody reads are left out, so
 * a load stage of a loop with field-valued carried values keeps only the loop and its addresses.
 */
export function sliceOps(roots: Iterable<Op>, operands: (op: Op) => readonly Value[] = (op) => op.operands): Slice {
  const ops = new Set<Op>();
  const positions = new Map<Op, Set<number>>();
  const markOp = (op: Op): void => {
    if (ops.has(op)) return;
    ops.add(op);
    if (op.name === "cf.if") markVal(op.operands[0]);
    else if (op.name !== "cf.for") for (const v of operands(op)) markVal(v);
    const p = parentOp(op);
    if (p) markOp(p);
  };
  const markPos = (op: Op, i: number): void => {
    markOp(op);
    let s = positions.get(op);
    if (!s) positions.set(op, (s = new Set()));
    if (s.has(i)) return;
    s.add(i);
    if (op.name === "cf.for") markVal(op.operands[i]);
    for (const r of op.regions) {
      const y = r.entry.terminator;
      if (y?.name === "cf.yield" && y.operands[i]) markVal(y.operands[i]);
    }
  };
  const markVal = (v: Value): void => {
    const d = v.definingOp;
    if (d) {
      if (d.name === "cf.for" || d.name === "cf.if") markPos(d, v.index);
      else markOp(d);
      return;
    }
    const loop = (v.owner as Block).parent?.parent;
    if (loop?.name === "cf.for") {
      if (v.index === 0) markOp(loop);
      else markPos(loop, v.index - 1);
    }
  };
  for (const r of roots) markOp(r);
  return { ops, positions };
}

export abstract class StructuredPrinter {
  protected readonly names = new Map<Value, string>();
  protected lines: string[] = [];
  private counter = 0;
  constructor(
    protected readonly syntax: StructuredSyntax,
    protected readonly slice?: Slice,
  ) {}

  /** Prints one op that is not structured control flow. */
  protected abstract op(op: Op, ind: string): void;
  protected abstract typeOf(v: Value): Type;
  /** Lines placed first in a loop body (pragmas). */
  protected loopPrologue(_op: Op, _trips: number): string[] {
    return [];
  }
  /** Brackets a loop body's printing (targets scale per-invocation counts by the trip count). */
  protected enterLoop(_op: Op, _trips: number): void {}
  protected exitLoop(_op: Op, _trips: number): void {}
  /** cf.return (a target whose body is a loop iteration prints nothing for it). */
  protected terminator(_op: Op, _ind: string): void {}

  protected fresh(prefix = "v"): string {
    return `${prefix}${this.counter++}`;
  }
  protected bind(v: Value, name: string): void {
    this.names.set(v, name);
  }
  protected n(v: Value): string {
    const s = this.names.get(v);
    if (s === undefined) throw new Error("kernel printer: value used before definition (slice missed its definition?)");
    return s;
  }
  protected kept(op: Op): boolean {
    return !this.slice || this.slice.ops.has(op);
  }

  protected block(b: Block, ind: string): void {
    this.opList(b.ops, ind);
  }

  /** Prints a run of ops of one block (a target splitting a body into phases prints each run). */
  protected opList(ops: readonly Op[], ind: string): void {
    for (const op of ops) {
      if (!this.kept(op)) continue;
      if (op.name === "cf.for") this.forOp(op, ind);
      else if (op.name === "cf.if") this.ifOp(op, ind);
      else if (op.name === "cf.return") this.terminator(op, ind);
      else if (op.name !== "cf.yield") this.op(op, ind);
    }
  }

  protected positionsOf(op: Op): number[] {
    const all = op.results.map((_, i) => i);
    const s = this.slice?.positions.get(op);
    return this.slice ? all.filter((i) => s?.has(i)) : all;
  }

  private resultVars(op: Op, pos: number[], ind: string, init?: readonly Value[]): string[] {
    return pos.map((i) => {
      const r = op.results[i];
      const name = this.fresh("m");
      this.bind(r, name);
      this.lines.push(ind + this.syntax.varDecl(r.type, name, init ? this.n(init[i]) : undefined));
      return name;
    });
  }

  protected yieldTo(b: Block, pos: number[], vars: string[], ind: string): void {
    const y = b.terminator;
    if (!y || y.name !== "cf.yield" || vars.length === 0) return;
    const vals = pos.map((i) => this.n(y.operands[i]));
    if (vars.length === 1) {
      if (vals[0] !== vars[0]) this.lines.push(ind + this.syntax.assign(vars[0], vals[0]));
      return;
    }
    const tmps = vals.map((v, k) => {
      const t = this.fresh("y");
      this.lines.push(ind + this.syntax.constDecl(this.typeOf(y.operands[pos[k]]), t, v));
      return t;
    });
    tmps.forEach((t, k) => {
      if (t !== vars[k]) this.lines.push(ind + this.syntax.assign(vars[k], t));
    });
  }

  private forOp(op: Op, ind: string): void {
    const pos = this.positionsOf(op);
    const vars = this.resultVars(op, pos, ind, op.operands);
    const body = op.regions[0].entry;
    const iv = this.fresh("i");
    this.bind(body.args[0], iv);
    pos.forEach((i, k) => this.bind(body.args[i + 1], vars[k]));
    const trips = tripCount(op);
    this.lines.push(ind + this.syntax.forOpen(iv, op.bigAttr("lo") ?? 0n, op.bigAttr("hi") ?? 0n, op.bigAttr("step") ?? 1n));
    this.lines.push(...this.loopPrologue(op, trips));
    this.enterLoop(op, trips);
    this.block(body, ind + "  ");
    this.exitLoop(op, trips);
    this.yieldTo(body, pos, vars, ind + "  ");
    this.lines.push(ind + this.syntax.close);
  }

  private ifOp(op: Op, ind: string): void {
    const pos = this.positionsOf(op);
    const vars = this.resultVars(op, pos, ind);
    this.lines.push(ind + this.syntax.ifOpen(this.n(op.operands[0])));
    this.block(op.regions[0].entry, ind + "  ");
    this.yieldTo(op.regions[0].entry, pos, vars, ind + "  ");
    const els = op.regions[1]?.entry;
    if (els) {
      const outer = this.lines;
      this.lines = [];
      this.block(els, ind + "  ");
      this.yieldTo(els, pos, vars, ind + "  ");
      const inner = this.lines;
      this.lines = outer;
      if (inner.length) this.lines.push(ind + this.syntax.elseOpen, ...inner);
    }
    this.lines.push(ind + this.syntax.close);
  }
}
