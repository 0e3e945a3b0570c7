// Builder: creates ops at an insertion point so that lowering code reads like the IR it emits.
// Every op created takes `b.loc` as its location; dialect helpers (b.f, b.i, b.c, b.cf, b.array,
// b.tuple, b.mem, b.mpc, b.k) compute result types; `b.op(...)` builds anything generically.
// Typing mistakes are not checked here (lowering stays cheap); verifyModule reports them.
import {
  type Attr,
  type Attrs,
  Block,
  Func,
  type FuncKind,
  INDEX_TYPE,
  type Loc,
  type Module,
  Op,
  type ParamInfo,
  Region,
  T,
  type Type,
  type Value,
  fieldOf,
  sym,
} from "./ir.ts";

export type CmpPred = "eq" | "ne" | "ult" | "ule" | "ugt" | "uge" | "slt" | "sle" | "sgt" | "sge";

export interface InsertionPoint {
  block: Block;
  /** Insert before this op; undefined = append at the end of the block. */
  before?: Op;
}

export class Builder {
  /** Location given to every op created (set it per source expression while lowering). */
  loc?: Loc;
  private ip?: InsertionPoint;

  constructor(readonly module: Module) {}

  // --- items ---------------------------------------------------------------------------------

  /** Create a func-like item, add it to the module and move the insertion point to its body. */
  func(kind: FuncKind, name: string, params: readonly ParamInfo[], results: Type[] = [], attrs: Attrs = {}): Func {
    const f = new Func(kind, name, params, results, attrs);
    this.module.addFunc(f);
    this.setInsertionPointToEnd(f.body.entry);
    return f;
  }

  // --- insertion points ----------------------------------------------------------------------

  setInsertionPointToEnd(block: Block): void {
    this.ip = { block };
  }
  setInsertionPointBefore(op: Op): void {
    if (!op.parent) throw new Error("op is not in a block");
    this.ip = { block: op.parent, before: op };
  }
  setInsertionPointAfter(op: Op): void {
    if (!op.parent) throw new Error("op is not in a block");
    const next = op.parent.ops[op.parent.ops.indexOf(op) + 1];
    this.ip = { block: op.parent, before: next };
  }
  get insertionPoint(): InsertionPoint | undefined {
    return this.ip;
  }
  set insertionPoint(ip: InsertionPoint | undefined) {
    this.ip = ip;
  }
  /** Run `fn` with the insertion point at the end of `block`, then restore it. */
  within<R>(block: Block, fn: () => R): R {
    const saved = this.ip;
    this.ip = { block };
    try {
      return fn();
    } finally {
      this.ip = saved;
    }
  }
  /** Run `fn` with `loc` as the location of created ops, then restore the previous one. */
  at<R>(loc: Loc | undefined, fn: () => R): R {
    const saved = this.loc;
    this.loc = loc;
    try {
      return fn();
    } finally {
      this.loc = saved;
    }
  }

  // --- generic -------------------------------------------------------------------------------

  /** Insert an already-built op at the insertion point. */
  insert(op: Op): Op {
    if (!this.ip) throw new Error("Builder has no insertion point");
    if (op.loc === undefined && this.loc !== undefined) op.loc = this.loc;
    if (this.ip.before) this.ip.block.insertBefore(this.ip.before, op);
    else this.ip.block.append(op);
    return op;
  }
  /** Build and insert any op. */
  op(name: string, operands: Value[], resultTypes: readonly Type[] = [], attrs: Attrs = {}, regions: Region[] = []): Op {
    return this.insert(new Op(name, operands, resultTypes, attrs, regions, this.loc));
  }
  /** Single-result shorthand. */
  op1(name: string, operands: Value[], resultType: Type, attrs: Attrs = {}): Value {
    return this.op(name, operands, [resultType], attrs).results[0];
  }

  /** A one-block region whose block has `argTypes`; `body` fills it and returns the values to yield. */
  region(argTypes: readonly Type[], body: (args: Value[]) => Value[] | void, terminator = "cf.yield"): Region {
    const block = new Block(argTypes);
    const region = new Region([block]);
    this.within(block, () => {
      const ys = body(block.args);
      if (ys) this.op(terminator, ys);
    });
    return region;
  }

  // --- dialects ------------------------------------------------------------------------------

  readonly f = {
    /** Reduced mod p when the field is declared, so `-1n` is p − 1. */
    const: (value: bigint | number, type: Type): Value => {
      const p = type.kind === "field" ? this.module.field(type.field)?.modulus : undefined;
      const v = BigInt(value);
      return this.op1("f.const", [], type, { value: p ? ((v % p) + p) % p : v });
    },
    add: (a: Value, b: Value): Value => this.op1("f.add", [a, b], a.type),
    sub: (a: Value, b: Value): Value => this.op1("f.sub", [a, b], a.type),
    mul: (a: Value, b: Value): Value => this.op1("f.mul", [a, b], a.type),
    div: (a: Value, b: Value): Value => this.op1("f.div", [a, b], a.type),
    neg: (a: Value): Value => this.op1("f.neg", [a], a.type),
    inv: (a: Value): Value => this.op1("f.inv", [a], a.type),
    pow: (a: Value, exp: bigint): Value => this.op1("f.pow", [a], a.type, { exp }),
    eq: (a: Value, b: Value): Value => this.op1("f.eq", [a, b], T.i1),
    /** Little-endian bits; constrains a < 2^bits. */
    toBits: (a: Value, bits: number): Value => this.op1("f.to_bits", [a], T.array(T.i1, bits), { bits: BigInt(bits) }),
    /** Little-endian bits → field element of `type`. */
    fromBits: (bits: Value, type: Type): Value => this.op1("f.from_bits", [bits], type),
    select: (c: Value, a: Value, b: Value): Value => this.op1("f.select", [c, a, b], a.type),
  };

  readonly i = {
    /** Negative values are stored in two's complement, so every constant has one canonical form. */
    const: (value: bigint | number, type: Type = INDEX_TYPE): Value =>
      this.op1("i.const", [], type, { value: type.kind === "int" ? BigInt.asUintN(type.width, BigInt(value)) : BigInt(value) }),
    add: (a: Value, b: Value): Value => this.op1("i.add", [a, b], a.type),
    sub: (a: Value, b: Value): Value => this.op1("i.sub", [a, b], a.type),
    mul: (a: Value, b: Value): Value => this.op1("i.mul", [a, b], a.type),
    divu: (a: Value, b: Value): Value => this.op1("i.divu", [a, b], a.type),
    divs: (a: Value, b: Value): Value => this.op1("i.divs", [a, b], a.type),
    remu: (a: Value, b: Value): Value => this.op1("i.remu", [a, b], a.type),
    rems: (a: Value, b: Value): Value => this.op1("i.rems", [a, b], a.type),
    and: (a: Value, b: Value): Value => this.op1("i.and", [a, b], a.type),
    or: (a: Value, b: Value): Value => this.op1("i.or", [a, b], a.type),
    xor: (a: Value, b: Value): Value => this.op1("i.xor", [a, b], a.type),
    not: (a: Value): Value => this.op1("i.not", [a], a.type),
    shl: (a: Value, b: Value): Value => this.op1("i.shl", [a, b], a.type),
    shru: (a: Value, b: Value): Value => this.op1("i.shru", [a, b], a.type),
    shrs: (a: Value, b: Value): Value => this.op1("i.shrs", [a, b], a.type),
    rotl: (a: Value, b: Value): Value => this.op1("i.rotl", [a, b], a.type),
    rotr: (a: Value, b: Value): Value => this.op1("i.rotr", [a, b], a.type),
    cmp: (pred: CmpPred, a: Value, b: Value): Value => this.op1("i.cmp", [a, b], T.i1, { pred }),
    zext: (a: Value, type: Type): Value => this.op1("i.zext", [a], type),
    sext: (a: Value, type: Type): Value => this.op1("i.sext", [a], type),
    trunc: (a: Value, type: Type): Value => this.op1("i.trunc", [a], type),
    /** Unsigned integer → field element. */
    toF: (a: Value, type: Type): Value => this.op1("i.to_f", [a], type),
    /** Field element → integer; the element must be < 2^width (checked like c.range). */
    fromF: (a: Value, type: Type): Value => this.op1("i.from_f", [a], type),
    select: (c: Value, a: Value, b: Value): Value => this.op1("i.select", [c, a, b], a.type),
  };

  readonly c = {
    assertEq: (a: Value, b: Value, msg = ""): Op => this.op("c.assert_eq", [a, b], [], msgAttr(msg)),
    assert: (cond: Value, msg = ""): Op => this.op("c.assert", [cond], [], msgAttr(msg)),
    lookup: (values: Value[], table: string, msg = ""): Op =>
      this.op("c.lookup", values, [], { table: sym(table), ...msgAttr(msg) }),
    tablePush: (values: Value[], table: string): Op => this.op("c.table_push", values, [], { table: sym(table) }),
    range: (v: Value, bits: number, msg = ""): Op => this.op("c.range", [v], [], { bits: BigInt(bits), ...msgAttr(msg) }),
  };

  readonly cf = {
    /**
     * `for iv in lo..hi step` with loop-carried values: `body(iv, carried)` returns the next carried
     * values; the op's results are the final ones.
     */
    for: (lo: number | bigint, hi: number | bigint, init: Value[], body: (iv: Value, carried: Value[]) => Value[] | void, step: number | bigint = 1): Value[] => {
      const region = this.region([INDEX_TYPE, ...init.map((v) => v.type)], (args) => body(args[0], args.slice(1)) ?? []);
      const op = this.op("cf.for", init, init.map((v) => v.type), { lo: BigInt(lo), hi: BigInt(hi), step: BigInt(step) }, [region]);
      return op.results;
    },
    /** Two-armed if; each arm returns the values to yield (matching `resultTypes`). */
    if: (cond: Value, resultTypes: Type[], then: () => Value[] | void, els: () => Value[] | void = () => []): Value[] => {
      const r1 = this.region([], () => then() ?? []);
      const r2 = this.region([], () => els() ?? []);
      return this.op("cf.if", [cond], resultTypes, {}, [r1, r2]).results;
    },
    /**
     * `while`: `cond(carried)` returns [i1, ...values passed to the body]; `body(values)` returns the
     * next carried values. Results are the values passed by the final (false) condition. Not allowed in circuits.
     */
    while: (init: Value[], resultTypes: Type[], cond: (carried: Value[]) => Value[], body: (vals: Value[]) => Value[]): Value[] => {
      const before = this.region(init.map((v) => v.type), (args) => cond(args), "cf.condition");
      const after = this.region(resultTypes, (args) => body(args));
      return this.op("cf.while", init, resultTypes, {}, [before, after]).results;
    },
    yield: (values: Value[] = []): Op => this.op("cf.yield", values),
    call: (callee: string, args: Value[], resultTypes: Type[]): Value[] =>
      this.op("cf.call", args, resultTypes, { callee: sym(callee) }).results,
    return: (values: Value[] = []): Op => this.op("cf.return", values),
  };

  readonly array = {
    make: (elems: Value[], elemType?: Type): Value =>
      this.op1("array.make", elems, T.array(elemType ?? elems[0].type, elems.length)),
    get: (a: Value, index: Value): Value => this.op1("array.get", [a, index], elemOf(a.type)),
    /** Functional update: returns a new array. */
    set: (a: Value, index: Value, v: Value): Value => this.op1("array.set", [a, index, v], a.type),
  };

  readonly tuple = {
    make: (elems: Value[]): Value => this.op1("tuple.make", elems, T.tuple(elems.map((e) => e.type))),
    get: (t: Value, index: number): Value => {
      const elems = t.type.kind === "tuple" ? t.type.elems : [];
      return this.op1("tuple.get", [t], elems[index] ?? t.type, { index: BigInt(index) });
    },
  };

  readonly mem = {
    /** `space`: "function" (default), "workgroup" (kernel shared memory). */
    alloc: (elem: Type, len: number, space?: "function" | "workgroup"): Value =>
      this.op1("mem.alloc", [], T.mem(elem), space ? { len: BigInt(len), space } : { len: BigInt(len) }),
    load: (m: Value, index: Value): Value => this.op1("mem.load", [m, index], elemOf(m.type)),
    store: (m: Value, index: Value, v: Value): Op => this.op("mem.store", [m, index, v]),
    len: (m: Value): Value => this.op1("mem.len", [m], INDEX_TYPE),
  };

  readonly mpc = {
    /** A secret input supplied by `party` (protocol params usually carry this instead). */
    input: (party: number, type: Type, name?: string): Value =>
      this.op1("mpc.input", [], type, name ? { party: BigInt(party), name } : { party: BigInt(party) }),
    /** Clear → secret (a public value becomes a trivially shared secret). */
    share: (v: Value, type: Type): Value => this.op1("mpc.share", [v], type),
    /** Secret → clear, visible to all parties (intermediate opening). */
    open: (v: Value, type: Type): Value => this.op1("mpc.open", [v], type),
    /** Protocol output: reveal to all parties (`to` absent) or to one party. */
    reveal: (v: Value, to?: number): Op => this.op("mpc.reveal", [v], [], to === undefined ? {} : { to: BigInt(to) }),
    const: (value: bigint, type: Type): Value => this.op1("mpc.const", [], type, { value }),
    add: (a: Value, b: Value): Value => this.op1("mpc.add", [a, b], secretOf(a, b)),
    sub: (a: Value, b: Value): Value => this.op1("mpc.sub", [a, b], secretOf(a, b)),
    mul: (a: Value, b: Value): Value => this.op1("mpc.mul", [a, b], scalarOf(b.type).kind === "sfix" && scalarOf(a.type).kind === "sint" ? b.type : secretOf(a, b)),
    neg: (a: Value): Value => this.op1("mpc.neg", [a], a.type),
    matmul: (a: Value, b: Value): Value => this.op1("mpc.matmul", [a, b], matmulType(a.type, b.type)),
    transpose: (a: Value): Value => this.op1("mpc.transpose", [a], transposeType(a.type)),
    trunc: (a: Value, bits: number): Value => this.op1("mpc.trunc", [a], a.type, { bits: BigInt(bits) }),
    /** Secret comparison a < b → secret 0/1 of a's sint type. */
    lt: (a: Value, b: Value): Value => this.op1("mpc.lt", [a, b], T.sint(fieldOf(a.type) ?? "")),
  };

  readonly k = {
    globalId: (dim = 0): Value => this.op1("k.global_id", [], INDEX_TYPE, { dim: BigInt(dim) }),
    localId: (dim = 0): Value => this.op1("k.local_id", [], INDEX_TYPE, { dim: BigInt(dim) }),
    workgroupId: (dim = 0): Value => this.op1("k.workgroup_id", [], INDEX_TYPE, { dim: BigInt(dim) }),
    numWorkgroups: (dim = 0): Value => this.op1("k.num_workgroups", [], INDEX_TYPE, { dim: BigInt(dim) }),
    barrier: (): Op => this.op("k.barrier", []),
  };
}

function msgAttr(msg: string): Record<string, Attr> {
  return msg ? { msg } : {};
}

function elemOf(t: Type): Type {
  return t.kind === "array" || t.kind === "mem" ? t.elem : t;
}

/** Result of a mixed secret/clear binary op: the secret operand's type. */
function secretOf(a: Value, b: Value): Type {
  return a.type.kind === "sint" || a.type.kind === "sfix" || a.type.kind === "array" ? a.type : b.type;
}

/** Scalar element of a 1-D or 2-D array type. */
function scalarOf(t: Type): Type {
  return t.kind === "array" ? scalarOf(t.elem) : t;
}

/** [[T;k];n] @ [[T;m];k] → [[T;m];n]; matrix @ vector [T;k] → [T;n]; vector [T;k] @ [[T;m];k] → [T;m]. */
export function matmulType(a: Type, b: Type): Type {
  if (a.kind !== "array" || b.kind !== "array") return a;
  const sa = scalarOf(a);
  const elem = sa.kind === "sint" || sa.kind === "sfix" ? sa : scalarOf(b);
  const aMat = a.elem.kind === "array";
  const bMat = b.elem.kind === "array";
  if (aMat && bMat && b.elem.kind === "array") return T.array(T.array(elem, b.elem.len), a.len);
  if (aMat) return T.array(elem, a.len);
  if (bMat && b.elem.kind === "array") return T.array(elem, b.elem.len);
  return elem; // vector · vector = dot product
}

function transposeType(a: Type): Type {
  if (a.kind === "array" && a.elem.kind === "array") return T.array(T.array(a.elem.elem, a.len), a.elem.len);
  return a;
}
