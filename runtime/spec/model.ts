// SpecModel: the parameter-generic form of a `spec` item that the checker, the repair search and the
// Promela backend share. They read it from the spec's CWIR (from-ir.ts); the compiler builds the same
// shape from the AST before lowering (compiler/spec). Names are resolved (state / param / local /
// domain), so consumers never look at the AST; sizes stay expressions over params until `instantiate`
// fixes the param values, which is what lets the repair search try other params and thresholds without
// going back to the source.
import type { Span } from "../../base/diagnostics/index.ts";

export type { Span };

export type TypeExpr =
  | { k: "bool" }
  | { k: "int" }
  /** A named finite domain (`type Node = 0..n;`, or an enum-like domain with labels). */
  | { k: "dom"; name: string }
  | { k: "tuple"; elems: TypeExpr[] }
  | { k: "array"; elem: TypeExpr; len: Expr }
  | { k: "set"; elem: TypeExpr }
  | { k: "map"; key: TypeExpr; val: TypeExpr }
  /** Element type of `set()` before the context tells it. */
  | { k: "unknown" };

export type BinOp =
  | "+" | "-" | "*" | "/" | "%"
  | "==" | "!=" | "<" | "<=" | ">" | ">="
  | "&&" | "||" | "=>";

export type SetMethod = "insert" | "remove" | "len" | "contains" | "union" | "inter" | "minus" | "is_empty";

interface Node {
  span?: Span;
  /** Filled by `typecheck`. */
  ty?: TypeExpr;
}

export type Expr = Node &
  (
    | { k: "num"; v: number }
    | { k: "bool"; v: boolean }
    | { k: "param"; name: string }
    | { k: "state"; name: string }
    | { k: "local"; name: string }
    | { k: "un"; op: "!" | "-"; a: Expr }
    | { k: "bin"; op: BinOp; a: Expr; b: Expr }
    | { k: "index"; a: Expr; i: Expr }
    | { k: "field"; a: Expr; i: number }
    | { k: "tuple"; elems: Expr[] }
    | { k: "quant"; q: "forall" | "exists" | "count"; vars: Binder[]; body: Expr }
    | { k: "in"; a: Expr; s: Expr }
    | { k: "call"; m: SetMethod; recv: Expr; args: Expr[] }
    | { k: "setlit"; elems: Expr[] }
    | { k: "arr"; elems: Expr[] }
    | { k: "repeat"; v: Expr; n: Expr }
    | { k: "ite"; c: Expr; a: Expr; b: Expr }
    /** `honest(p)` / `byzantine(p)`: whether the byzantine adversary controls node p. */
    | { k: "byz"; negate: boolean; a: Expr }
    | { k: "min" | "max"; a: Expr; b: Expr }
  );

export interface Binder {
  name: string;
  ty: TypeExpr;
}

export type Stmt = { span?: Span } & (
  | { k: "let"; name: string; ty?: TypeExpr; e: Expr }
  | { k: "assign"; target: Expr; e: Expr }
  | { k: "if"; c: Expr; then: Stmt[]; else: Stmt[] }
  | { k: "for"; v: string; ty: TypeExpr; body: Stmt[] }
  | { k: "assert"; e: Expr }
);

export interface ParamDecl {
  name: string;
  def: number;
  span?: Span;
}

export interface DomainDecl {
  name: string;
  /** Inclusive lower bound and exclusive upper bound (a `0..=n` domain stores n + 1). */
  lo: Expr;
  hi: Expr;
  /** Node ids that are interchangeable: the checker folds states that differ by a renaming. */
  symmetric: boolean;
  /** Enum-like domains name their values. */
  labels?: string[];
  span?: Span;
}

export interface StateDecl {
  name: string;
  ty: TypeExpr;
  init?: Expr;
  span?: Span;
  /** `@ghost`: bookkeeping for properties only; an implementation cannot read it (repairs never use it). */
  ghost?: boolean;
}

export interface ActionDecl {
  name: string;
  params: Binder[];
  guard?: Expr;
  body: Stmt[];
  span?: Span;
  /** Span of the action name and parameter list (where a missing `when` is inserted). */
  headSpan?: Span;
  /** `@byzantine`: a byzantine actor (first parameter) may take it with its guard ignored. */
  forgeable?: boolean;
}

export interface InvariantDecl {
  name: string;
  e: Expr;
  span?: Span;
}

export type PropertyDecl = { name: string; span?: Span } & (
  | { kind: "always"; e: Expr }
  | { kind: "eventually"; e: Expr; fairness: "none" | "weak"; fairActions?: string[] }
  | { kind: "within"; e: Expr; steps: Expr }
  | { kind: "noninterference"; secret: string[]; observer: string[] }
);

export type AdversaryDecl = { span?: Span } & (
  | { kind: "byzantine"; f: Expr; actions?: string[] }
  | { kind: "network"; channel?: string; drop: boolean; delay: boolean; duplicate: boolean; reorder: boolean }
  | { kind: "flood"; k: Expr; channel?: string }
);

export interface SpecModel {
  name: string;
  span?: Span;
  params: ParamDecl[];
  domains: DomainDecl[];
  state: StateDecl[];
  actions: ActionDecl[];
  invariants: InvariantDecl[];
  properties: PropertyDecl[];
  adversaries: AdversaryDecl[];
}
