// Reference semantics of CWIR's value ops, shared by the interpreter and the const-fold pass so
// that folding can never disagree with execution. Values: field elements, integers (canonical
// unsigned), i1 (0/1), sint and sfix/fix encodings are bigints; arrays and tuples are JS arrays;
// buffers are MemRef objects (mutable, shared by reference).
import { type Module, type Op, type Type, fieldOf } from "../ir/index.ts";

export interface MemRef {
  mem: RValue[];
}
export type RValue = bigint | RValue[] | MemRef;

export class EvalError extends Error {}

export function isMemRef(v: RValue): v is MemRef {
  return typeof v === "object" && !Array.isArray(v);
}

export const mod = (a: bigint, p: bigint): bigint => {
  const r = a % p;
  return r < 0n ? r + p : r;
};

export function modPow(b: bigint, e: bigint, p: bigint): bigint {
  let r = 1n % p;
  b = mod(b, p);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % p;
    b = (b * b) % p;
    e >>= 1n;
  }
  return r;
}

/** Inverse mod p via extended Euclid (p prime, a ≠ 0). */
export function modInv(a: bigint, p: bigint): bigint {
  let [r0, r1] = [mod(a, p), p];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new EvalError("value has no inverse");
  return mod(s0, p);
}

export const toSigned = (v: bigint, w: number): bigint => (v >= 1n << BigInt(w - 1) ? v - (1n << BigInt(w)) : v);
export const wrap = (v: bigint, w: number): bigint => BigInt.asUintN(w, v);
/** A field element read as a signed number: x > (p−1)/2 means x − p (MPC fixed-point convention). */
export const fieldSigned = (x: bigint, p: bigint): bigint => (x > (p - 1n) / 2n ? x - p : x);
/** Floor division toward −∞. */
export const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
};

function widthOf(t: Type): number {
  return t.kind === "int" ? t.width : 0;
}

function scalarOfType(t: Type): Type {
  return t.kind === "array" ? scalarOfType(t.elem) : t;
}

/** Modulus of the field behind a scalar (field, sint, sfix, fix) type or array of them. */
export function modulusFor(m: Module, t: Type): bigint {
  const f = fieldOf(scalarOfType(t));
  if (f === undefined) throw new EvalError(`type has no field`);
  return m.modulus(f);
}

function fracOf(t: Type): number {
  const s = scalarOfType(t);
  return s.kind === "sfix" || s.kind === "fix" ? s.frac : 0;
}

const big = (v: RValue): bigint => {
  if (typeof v !== "bigint") throw new EvalError("expected a scalar value");
  return v;
};
const arr = (v: RValue): RValue[] => {
  if (!Array.isArray(v)) throw new EvalError("expected an array value");
  return v;
};

/** Signed fixed-point truncation: floor(signed(x) / 2^k) mod p. */
export function truncField(x: bigint, k: number, p: bigint): bigint {
  return mod(floorDiv(fieldSigned(x, p), 1n << BigInt(k)), p);
}

/**
 * Evaluate a value op (no memory, no control flow, no effects). Returns undefined for ops it does not
 * know (the caller handles them); throws EvalError for failures (division by zero, out of range).
 */
export function evalValueOp(m: Module, op: Op, args: RValue[]): RValue[] | undefined {
  const rt = op.results[0]?.type;
  const name = op.name;
  const dot = name.indexOf(".");
  const dialect = name.slice(0, dot);
  const a = args[0];
  const b = args[1];
  if (dialect === "f") {
    if (name === "f.select") return [big(a) !== 0n ? args[1] : args[2]];
    if (name === "f.eq") return [big(a) === big(b) ? 1n : 0n];
    if (name === "f.from_bits") {
      const p = modulusFor(m, rt);
      return [mod(arr(a).reduceRight<bigint>((acc, bit) => acc * 2n + big(bit), 0n), p)];
    }
    const p = modulusFor(m, name === "f.to_bits" ? op.operands[0].type : rt);
    switch (name) {
      case "f.const":
        return [mod(op.bigAttr("value") ?? 0n, p)];
      case "f.add":
        return [mod(big(a) + big(b), p)];
      case "f.sub":
        return [mod(big(a) - big(b), p)];
      case "f.mul":
        return [mod(big(a) * big(b), p)];
      case "f.neg":
        return [mod(-big(a), p)];
      case "f.inv":
        if (big(a) === 0n) throw new EvalError("inverse of zero");
        return [modInv(big(a), p)];
      case "f.div":
        if (big(b) === 0n) throw new EvalError("division by zero");
        return [mod(big(a) * modInv(big(b), p), p)];
      case "f.pow":
        return [modPow(big(a), op.bigAttr("exp") ?? 0n, p)];
      case "f.to_bits": {
        const n = op.intAttr("bits") ?? 0;
        const x = big(a);
        if (x >> BigInt(n) !== 0n) throw new EvalError(`value does not fit in ${n} bits`);
        return [Array.from({ length: n }, (_, i) => (x >> BigInt(i)) & 1n)];
      }
    }
    return undefined;
  }
  if (dialect === "i") {
    const w = widthOf(rt);
    const ow = op.operands[0] ? widthOf(op.operands[0].type) : w;
    switch (name) {
      case "i.const":
        return [wrap(op.bigAttr("value") ?? 0n, w)];
      case "i.add":
        return [wrap(big(a) + big(b), w)];
      case "i.sub":
        return [wrap(big(a) - big(b), w)];
      case "i.mul":
        return [wrap(big(a) * big(b), w)];
      case "i.divu":
      case "i.remu":
        if (big(b) === 0n) throw new EvalError("integer division by zero");
        return [name === "i.divu" ? big(a) / big(b) : big(a) % big(b)];
      case "i.divs":
      case "i.rems": {
        if (big(b) === 0n) throw new EvalError("integer division by zero");
        const x = toSigned(big(a), w);
        const y = toSigned(big(b), w);
        return [wrap(name === "i.divs" ? x / y : x % y, w)];
      }
      case "i.and":
        return [big(a) & big(b)];
      case "i.or":
        return [big(a) | big(b)];
      case "i.xor":
        return [big(a) ^ big(b)];
      case "i.not":
        return [wrap(~big(a), w)];
      case "i.shl":
        return [wrap(big(a) << (big(b) % BigInt(w)), w)];
      case "i.shru":
        return [big(a) >> (big(b) % BigInt(w))];
      case "i.shrs":
        return [wrap(toSigned(big(a), w) >> (big(b) % BigInt(w)), w)];
      case "i.rotl":
      case "i.rotr": {
        let s = Number(big(b) % BigInt(w));
        if (name === "i.rotr") s = (w - s) % w;
        const x = big(a);
        return [wrap((x << BigInt(s)) | (x >> BigInt(w - s)), w)];
      }
      case "i.cmp": {
        const x = big(a);
        const y = big(b);
        const sx = toSigned(x, ow);
        const sy = toSigned(y, ow);
        const r: Record<string, boolean> = {
          eq: x === y,
          ne: x !== y,
          ult: x < y,
          ule: x <= y,
          ugt: x > y,
          uge: x >= y,
          slt: sx < sy,
          sle: sx <= sy,
          sgt: sx > sy,
          sge: sx >= sy,
        };
        const v = r[op.strAttr("pred") ?? ""];
        if (v === undefined) throw new EvalError("unknown comparison predicate");
        return [v ? 1n : 0n];
      }
      case "i.zext":
        return [big(a)];
      case "i.sext":
        return [wrap(toSigned(big(a), ow), w)];
      case "i.trunc":
        return [wrap(big(a), w)];
      case "i.to_f":
        return [mod(big(a), modulusFor(m, rt))];
      case "i.from_f": {
        const x = big(a);
        if (x >> BigInt(w) !== 0n) throw new EvalError(`field element ${x} does not fit i${w}`);
        return [x];
      }
      case "i.select":
        return [big(a) !== 0n ? args[1] : args[2]];
    }
    return undefined;
  }
  switch (name) {
    case "array.make":
      return [args.slice()];
    case "array.get": {
      const xs = arr(a);
      const i = big(b);
      if (i >= BigInt(xs.length)) throw new EvalError(`index ${i} out of bounds for length ${xs.length}`);
      return [xs[Number(i)]];
    }
    case "array.set": {
      const xs = arr(a).slice();
      const i = big(b);
      if (i >= BigInt(xs.length)) throw new EvalError(`index ${i} out of bounds for length ${xs.length}`);
      xs[Number(i)] = args[2];
      return [xs];
    }
    case "tuple.make":
      return [args.slice()];
    case "tuple.get":
      return [arr(a)[op.intAttr("index") ?? 0]];
  }
  if (dialect === "mpc") return evalMpc(m, op, args);
  return undefined;
}

/** MPC ops in the clear: the reference semantics a secret-sharing backend must reproduce. */
function evalMpc(m: Module, op: Op, args: RValue[]): RValue[] | undefined {
  const rt = op.results[0]?.type;
  const [a, b] = args;
  switch (op.name) {
    case "mpc.const":
      return [mod(op.bigAttr("value") ?? 0n, modulusFor(m, rt))];
    case "mpc.share":
    case "mpc.open":
      return [a];
    case "mpc.neg": {
      const p = modulusFor(m, rt);
      return [mapDeep(a, (x) => mod(-x, p))];
    }
    case "mpc.add":
    case "mpc.sub":
    case "mpc.mul": {
      const p = modulusFor(m, rt);
      // A fixed-point value times a secret integer (sint) is not truncated: only the fixed-point factor carries 2^f.
      const integerFactor = op.operands.some((v) => scalarOfType(v.type).kind === "sint");
      const f = integerFactor ? 0 : fracOf(op.operands[0].type) || fracOf(op.operands[1].type);
      const fn =
        op.name === "mpc.add"
          ? (x: bigint, y: bigint) => mod(x + y, p)
          : op.name === "mpc.sub"
            ? (x: bigint, y: bigint) => mod(x - y, p)
            : (x: bigint, y: bigint) => (f ? truncField(mod(x * y, p), f, p) : mod(x * y, p));
      return [zipDeep(a, b, fn)];
    }
    case "mpc.trunc": {
      const p = modulusFor(m, rt);
      const k = op.intAttr("bits") ?? 0;
      return [mapDeep(a, (x) => truncField(x, k, p))];
    }
    case "mpc.lt": {
      const p = modulusFor(m, op.operands[0].type);
      return [fieldSigned(big(a), p) < fieldSigned(big(b), p) ? 1n : 0n];
    }
    case "mpc.transpose": {
      const rows = arr(a).map(arr);
      const n = rows.length;
      const mcols = n ? rows[0].length : 0;
      return [Array.from({ length: mcols }, (_, j) => Array.from({ length: n }, (_, i) => rows[i][j]))];
    }
    case "mpc.matmul": {
      const p = modulusFor(m, rt);
      const f = fracOf(op.operands[0].type) || fracOf(op.operands[1].type);
      const aMat = Array.isArray(arr(a)[0]);
      const bMat = Array.isArray(arr(b)[0]);
      const A = aMat ? arr(a).map((r) => arr(r).map(big)) : [arr(a).map(big)];
      const B = bMat ? arr(b).map((r) => arr(r).map(big)) : arr(b).map((x) => [big(x)]);
      // Accumulate exact products, truncate once (what matrix triples compute).
      const C = A.map((row) =>
        B[0].map((_, j) => {
          let s = 0n;
          for (let k = 0; k < row.length; k++) s += row[k] * B[k][j];
          s = mod(s, p);
          return f ? truncField(s, f, p) : s;
        }),
      );
      if (aMat && bMat) return [C];
      if (aMat) return [C.map((r) => r[0])];
      if (bMat) return [C[0]];
      return [C[0][0]];
    }
  }
  return undefined;
}

function mapDeep(v: RValue, fn: (x: bigint) => bigint): RValue {
  return Array.isArray(v) ? v.map((x) => mapDeep(x, fn)) : fn(big(v));
}
function zipDeep(a: RValue, b: RValue, fn: (x: bigint, y: bigint) => bigint): RValue {
  if (Array.isArray(a)) return a.map((x, i) => zipDeep(x, arr(b)[i], fn));
  return fn(big(a), big(b));
}
