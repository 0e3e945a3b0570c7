// How the CWIR `spec` dialect writes spec types and param-only sizes as op attributes. Spec types
// (domains, sets, maps, arrays whose length is an expression over params) have no CWIR type, so an
// op carries its spec type as a nested list attribute; the compiler writes it (compiler/spec/ir.ts)
// and the checker reads it back (from-ir.ts), and the verifier uses the same reader to check it.
// This module is data only: the attribute values are the plain JS values of CWIR attributes
// (bigint, string, boolean, nested arrays), so the runtime needs no compiler type to read them.
//
//   bool | int | unknown          "bool", "int", "unknown"
//   a domain                      ["dom", "Node"]
//   (A, B)                        ["tuple", A, B]
//   [T; len]                      ["array", T, LEN]     LEN: a constant expression, below
//   Set<T> / Map<K, V>            ["set", T] / ["map", K, V]
//
// Constant expressions (array lengths): an integer, true/false, ["param", "n"], ["un", "-", X],
// ["bin", "+", X, Y], ["min", X, Y], ["max", X, Y].
import type { BinOp, Expr, TypeExpr } from "./model.ts";

/** A CWIR attribute value as this encoding uses it. */
export type AttrData = bigint | string | boolean | readonly AttrData[];

export function typeToAttr(t: TypeExpr): AttrData {
  switch (t.k) {
    case "bool":
    case "int":
    case "unknown":
      return t.k;
    case "dom":
      return ["dom", t.name];
    case "tuple":
      return ["tuple", ...t.elems.map(typeToAttr)];
    case "array":
      return ["array", typeToAttr(t.elem), constToAttr(t.len)];
    case "set":
      return ["set", typeToAttr(t.elem)];
    case "map":
      return ["map", typeToAttr(t.key), typeToAttr(t.val)];
  }
}

/** The spec type an attribute encodes, or undefined when it is malformed. */
export function typeFromAttr(a: unknown): TypeExpr | undefined {
  if (a === "bool" || a === "int" || a === "unknown") return { k: a };
  if (!Array.isArray(a) || typeof a[0] !== "string") return undefined;
  const sub = (i: number) => typeFromAttr(a[i]);
  switch (a[0]) {
    case "dom":
      return a.length === 2 && typeof a[1] === "string" ? { k: "dom", name: a[1] } : undefined;
    case "tuple": {
      const elems = a.slice(1).map(typeFromAttr);
      return elems.every((e) => e) ? { k: "tuple", elems: elems as TypeExpr[] } : undefined;
    }
    case "array": {
      const elem = sub(1);
      const len = a.length === 3 ? constFromAttr(a[2]) : undefined;
      return elem && len ? { k: "array", elem, len } : undefined;
    }
    case "set": {
      const elem = a.length === 2 ? sub(1) : undefined;
      return elem && { k: "set", elem };
    }
    case "map": {
      const key = sub(1);
      const val = sub(2);
      return a.length === 3 && key && val ? { k: "map", key, val } : undefined;
    }
  }
  return undefined;
}

const BOOL_OPS = new Set(["==", "!=", "<", "<=", ">", ">=", "&&", "||", "=>"]);
const BIN_OPS = new Set([...BOOL_OPS, "+", "-", "*", "/", "%"]);

/** A param-only expression as an attribute; throws for anything else (sizes are constant). */
export function constToAttr(e: Expr): AttrData {
  switch (e.k) {
    case "num":
      return BigInt(e.v);
    case "bool":
      return e.v;
    case "param":
      return ["param", e.name];
    case "un":
      return ["un", e.op, constToAttr(e.a)];
    case "bin":
      return ["bin", e.op, constToAttr(e.a), constToAttr(e.b)];
    case "min":
    case "max":
      return [e.k, constToAttr(e.a), constToAttr(e.b)];
    default:
      throw new Error(`a size must be a constant expression over params, not \`${e.k}\``);
  }
}

/** The expression (typed as the type checker types it) an attribute encodes, or undefined. */
export function constFromAttr(a: unknown): Expr | undefined {
  if (typeof a === "bigint") return { k: "num", v: Number(a), ty: { k: "int" } };
  if (typeof a === "boolean") return { k: "bool", v: a, ty: { k: "bool" } };
  if (!Array.isArray(a)) return undefined;
  const [tag, x, y, z] = a as unknown[];
  if (tag === "param" && a.length === 2 && typeof x === "string") return { k: "param", name: x, ty: { k: "int" } };
  if (tag === "un" && a.length === 3 && (x === "-" || x === "!")) {
    const e = constFromAttr(y);
    return e && { k: "un", op: x, a: e, ty: { k: x === "!" ? "bool" : "int" } };
  }
  if (tag === "bin" && a.length === 4 && typeof x === "string" && BIN_OPS.has(x)) {
    const l = constFromAttr(y);
    const r = constFromAttr(z);
    return l && r && { k: "bin", op: x as BinOp, a: l, b: r, ty: { k: BOOL_OPS.has(x) ? "bool" : "int" } };
  }
  if ((tag === "min" || tag === "max") && a.length === 3) {
    const l = constFromAttr(x);
    const r = constFromAttr(y);
    return l && r && { k: tag, a: l, b: r, ty: { k: "int" } };
  }
  return undefined;
}
