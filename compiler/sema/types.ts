// Semantic types of ChainWeave. Distinct from CWIR types: sema keeps source-level distinctions
// (u32 vs i32, bool, structs by name, slices and references in kernel signatures, literal types)
// that lowering erases.
import type { StructItem } from "../syntax/index.ts";

export interface FieldInfo {
  /** Name as declared (`Bn254Fr`) or the canonical name of a synthesized field. */
  name: string;
  /** CWIR symbol (`bn254_fr`): canonical for the well-known moduli, so every module agrees on it. */
  ir: string;
  modulus: bigint;
}

export interface StructInfo {
  name: string;
  item: StructItem;
  /** Field names and (instantiated) types, in declaration order. */
  fields: { name: string; type: Ty }[];
  /** Printed instantiation, e.g. `Leaf<Bn254Fr>`. */
  display: string;
}

export type Ty =
  | { k: "field"; f: FieldInfo }
  | { k: "int"; bits: number; signed: boolean }
  | { k: "bool" }
  /** An integer literal whose type is not fixed yet; it takes the type its context expects. */
  | { k: "lit" }
  /** `len` undefined: a length that depends on an uninstantiated const generic. */
  | { k: "array"; elem: Ty; len: number | undefined }
  | { k: "slice"; elem: Ty }
  | { k: "ref"; mut: boolean; inner: Ty }
  | { k: "tuple"; elems: Ty[] }
  | { k: "struct"; s: StructInfo }
  | { k: "bytes" }
  | { k: "sint"; f: FieldInfo }
  | { k: "sfix"; f: FieldInfo; frac: number }
  | { k: "fix"; f: FieldInfo; frac: number }
  | { k: "str" }
  /** A range `a..b`, the iterator of `for` loops and tables. */
  | { k: "range"; elem: Ty }
  /** A generic type parameter that could not be instantiated (only in unreachable generic code). */
  | { k: "param"; name: string }
  /** Already reported; unifies with everything so one mistake gives one diagnostic. */
  | { k: "error" };

export const UNIT: Ty = { k: "tuple", elems: [] };
export const BOOL: Ty = { k: "bool" };
export const ERR: Ty = { k: "error" };
export const LIT: Ty = { k: "lit" };
export const U32: Ty = { k: "int", bits: 32, signed: false };
export const U8: Ty = { k: "int", bits: 8, signed: false };
export const STR: Ty = { k: "str" };
/** Fractional bits of `sfix` / `fix` (documented in spec/language.md). */
export const FIX_FRAC = 16;

export const INT_TYPES: Record<string, Ty> = {
  u8: { k: "int", bits: 8, signed: false },
  u16: { k: "int", bits: 16, signed: false },
  u32: U32,
  u64: { k: "int", bits: 64, signed: false },
  u128: { k: "int", bits: 128, signed: false },
  i8: { k: "int", bits: 8, signed: true },
  i16: { k: "int", bits: 16, signed: true },
  i32: { k: "int", bits: 32, signed: true },
  i64: { k: "int", bits: 64, signed: true },
};

export function tyToString(t: Ty): string {
  switch (t.k) {
    case "field":
      return t.f.name;
    case "int":
      return `${t.signed ? "i" : "u"}${t.bits}`;
    case "bool":
      return "bool";
    case "lit":
      return "{integer}";
    case "array":
      return `[${tyToString(t.elem)}; ${t.len ?? "N"}]`;
    case "slice":
      return `[${tyToString(t.elem)}]`;
    case "ref":
      return `&${t.mut ? "mut " : ""}${tyToString(t.inner)}`;
    case "tuple":
      return `(${t.elems.map(tyToString).join(", ")}${t.elems.length === 1 ? "," : ""})`;
    case "struct":
      return t.s.display;
    case "bytes":
      return "Bytes";
    case "sint":
      return "sint";
    case "sfix":
      return "sfix";
    case "fix":
      return "fix";
    case "str":
      return "string";
    case "range":
      return `Range<${tyToString(t.elem)}>`;
    case "param":
      return t.name;
    case "error":
      return "{error}";
  }
}

/** Structural equality; `error` and unknown array lengths are compatible with anything. */
export function tyEq(a: Ty, b: Ty): boolean {
  if (a === b || a.k === "error" || b.k === "error") return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "field":
    case "sint":
      return a.f.modulus === (b as typeof a).f.modulus;
    case "sfix":
    case "fix":
      return a.f.modulus === (b as typeof a).f.modulus && a.frac === (b as typeof a).frac;
    case "int":
      return a.bits === (b as typeof a).bits && a.signed === (b as typeof a).signed;
    case "array": {
      const bb = b as typeof a;
      return (a.len === undefined || bb.len === undefined || a.len === bb.len) && tyEq(a.elem, bb.elem);
    }
    case "slice":
    case "range":
      return tyEq(a.elem, (b as typeof a).elem);
    case "ref":
      return a.mut === (b as typeof a).mut && tyEq(a.inner, (b as typeof a).inner);
    case "tuple": {
      const bb = b as typeof a;
      return a.elems.length === bb.elems.length && a.elems.every((t, i) => tyEq(t, bb.elems[i]));
    }
    case "struct":
      return a.s.display === (b as typeof a).s.display && a.s.item === (b as typeof a).s.item;
    case "param":
      return a.name === (b as typeof a).name;
    default:
      return true;
  }
}

export const isNumeric = (t: Ty): boolean => t.k === "field" || t.k === "int" || t.k === "lit";
export const isSecretTy = (t: Ty): boolean => t.k === "sint" || t.k === "sfix";
/** Scalar at the bottom of nested arrays. */
export function scalarOf(t: Ty): Ty {
  return t.k === "array" ? scalarOf(t.elem) : t;
}
/** Does `t` contain a secret scalar anywhere? */
export function containsSecret(t: Ty): boolean {
  switch (t.k) {
    case "sint":
    case "sfix":
      return true;
    case "array":
    case "slice":
      return containsSecret(t.elem);
    case "tuple":
      return t.elems.some(containsSecret);
    case "struct":
      return t.s.fields.some((f) => containsSecret(f.type));
    default:
      return false;
  }
}

export function intRange(t: Extract<Ty, { k: "int" }>): { min: bigint; max: bigint } {
  const b = BigInt(t.bits);
  return t.signed ? { min: -(1n << (b - 1n)), max: (1n << (b - 1n)) - 1n } : { min: 0n, max: (1n << b) - 1n };
}
