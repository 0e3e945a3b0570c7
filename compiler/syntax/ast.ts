// The ChainWeave abstract syntax tree. Every later stage (sema, lowering, formatter, LSP, spec checker)
// codes against these types, so they change only additively. Each node is a plain object with a
// `kind` discriminant and a `span` into its source file; no node holds a parent pointer (use
// `walk` / `nodePathAt` in visit.ts instead) so trees can be built, cloned and serialised freely.
import type { Span } from "../../base/diagnostics/index.ts";
import type { FileId } from "../../base/files/index.ts";

export type { Span };

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/** A name as written, e.g. `poseidon`, `F`, `super`. */
export interface Ident {
  kind: "Ident";
  name: string;
  span: Span;
}

/** `@name(args)` attribute, e.g. `@workgroup(256)`; `args` is empty for a bare `@inline`. */
export interface Attribute {
  kind: "Attribute";
  name: Ident;
  args: Expr[];
  span: Span;
}

/** One segment of a path; `args` holds generic arguments: `Set<T>` in types, `f::<F>` in expressions. */
export interface PathSegment {
  kind: "PathSegment";
  name: Ident;
  args?: GenericArg[];
  span: Span;
}

/** `a::b::c`; a bare name is a path of one segment. First segments may be `super`, `self`, `crate`, `std`. */
export interface Path {
  kind: "Path";
  segments: PathSegment[];
  span: Span;
}

/** A type argument: `Map<K, V>` has two. */
export interface TypeArg {
  kind: "TypeArg";
  type: Type;
  span: Span;
}

/** A const argument: a literal or a braced expression, `Foo<8>`, `Foo<{ N + 1 }>`. */
export interface ConstArg {
  kind: "ConstArg";
  value: Expr;
  span: Span;
}

export type GenericArg = TypeArg | ConstArg;

/** `F: Field + Hashable` — a type parameter with its trait-like bounds (bounds may be empty). */
export interface TypeParam {
  kind: "TypeParam";
  name: Ident;
  bounds: Path[];
  span: Span;
}

/** `const N: u32` — a const generic parameter, optionally with a default `= 8`. */
export interface ConstParam {
  kind: "ConstParam";
  name: Ident;
  type: Type;
  default?: Expr;
  span: Span;
}

export type GenericParam = TypeParam | ConstParam;

/**
 * Qualifier on a parameter: `pub`/`priv` (circuit public input / private witness),
 * `secret`/`public` (protocol inputs), or none.
 */
export type ParamQualifier = "pub" | "priv" | "secret" | "public";

/** A parameter of fn / hint fn / circuit / program / protocol / kernel / spec action. */
export interface Param {
  kind: "Param";
  attrs: Attribute[];
  doc?: string;
  qualifier?: ParamQualifier;
  /** Owning party of a protocol input: `secret(0) x` → the expression `0`. */
  party?: Expr;
  /** `mut x: T` — the parameter binding may be reassigned in the body. */
  mutable: boolean;
  name: Ident;
  type: Type;
  span: Span;
}

/** A `{ ... }` block: statements, then an optional tail expression (its value), Rust-style. */
export interface Block {
  kind: "Block";
  stmts: Stmt[];
  tail?: Expr;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Module and items
// ---------------------------------------------------------------------------------------------

/** One source file. */
export interface Module {
  kind: "Module";
  file: FileId;
  /** Inner doc comment `//! ...` lines at the top of the file. */
  doc?: string;
  items: Item[];
  span: Span;
}

/** Fields every item carries. */
export interface ItemBase {
  attrs: Attribute[];
  /** Text of the `///` doc comment lines before the item, joined with "\n", without the slashes. */
  doc?: string;
  isPub: boolean;
  span: Span;
}

export type Item =
  | UseItem
  | ModItem
  | ConstItem
  | StructItem
  | FnItem
  | FieldItem
  | TableItem
  | TypeAliasItem
  | CircuitItem
  | ProgramItem
  | ProtocolItem
  | KernelItem
  | SpecItem;

/** `use std::hash::poseidon;`, `use std::field::{bn254, goldilocks};`, `use super::x as y;` */
export interface UseItem extends ItemBase {
  kind: "Use";
  tree: UseTree;
}

/**
 * One node of a use tree: `prefix` then either nothing (import the last prefix segment, optionally
 * renamed by `alias`), a brace group of subtrees, or a glob `*`.
 */
export interface UseTree {
  kind: "UseTree";
  prefix: Ident[];
  alias?: Ident;
  group?: UseTree[];
  glob: boolean;
  span: Span;
}

/** `mod name;` (items in name.cwl) or `mod name { items }` (inline). */
export interface ModItem extends ItemBase {
  kind: "Mod";
  name: Ident;
  /** Undefined for `mod name;`. */
  items?: Item[];
}

/** `const DEPTH: u32 = 32;` */
export interface ConstItem extends ItemBase {
  kind: "Const";
  name: Ident;
  type?: Type;
  value: Expr;
}

/** A field of a struct declaration: `key: F`. */
export interface FieldDecl {
  kind: "FieldDecl";
  attrs: Attribute[];
  doc?: string;
  isPub: boolean;
  name: Ident;
  type: Type;
  span: Span;
}

/** `struct Leaf<F: Field> { key: F, value: F }` */
export interface StructItem extends ItemBase {
  kind: "Struct";
  name: Ident;
  generics: GenericParam[];
  fields: FieldDecl[];
}

/** `fn hash2<F: Field>(a: F, b: F) -> F { ... }`; `hint fn` marks an unconstrained witness computation. */
export interface FnItem extends ItemBase {
  kind: "Fn";
  hint: boolean;
  name: Ident;
  generics: GenericParam[];
  params: Param[];
  ret?: Type;
  body: Block;
}

/** `field Bn254Fr = 0x3064...0001;` — a named prime field type given by its modulus. */
export interface FieldItem extends ItemBase {
  kind: "PrimeField";
  name: Ident;
  modulus: Expr;
}

/**
 * `table range8: u8 = 0..256;`, `table xor4: (u8, u8, u8) = [(a, b, a ^ b) for a in 0..16, b in 0..16];`
 * or an explicit array literal. The value is an ordinary expression (Range, Comprehension, ArrayLit).
 * `table kv: (F, F) = dynamic;` declares a dynamic table: no value; its rows are added by `push`
 * statements at proving time.
 */
export interface TableItem extends ItemBase {
  kind: "Table";
  name: Ident;
  type: Type;
  value?: Expr;
  dynamic?: boolean;
}

/** `type Node = 0..n;` (finite domain, in specs) or `type Pair = (F, F);`. */
export interface TypeAliasItem extends ItemBase {
  kind: "TypeAlias";
  name: Ident;
  generics: GenericParam[];
  type: Type;
}

/** `circuit Transfer<F: Field>(pub root: F, priv path: [F; DEPTH]) { ... }` */
export interface CircuitItem extends ItemBase {
  kind: "Circuit";
  name: Ident;
  generics: GenericParam[];
  params: Param[];
  ret?: Type;
  body: Block;
}

/** `program Main(input: Bytes) -> Bytes { ... }` — a zkVM guest. */
export interface ProgramItem extends ItemBase {
  kind: "Program";
  name: Ident;
  generics: GenericParam[];
  params: Param[];
  ret?: Type;
  body: Block;
}

/** `protocol Train(secret x: [[sfix; 10]; 1000], public lr: fix) -> T { ... }` — an MPC protocol. */
export interface ProtocolItem extends ItemBase {
  kind: "Protocol";
  name: Ident;
  generics: GenericParam[];
  params: Param[];
  ret?: Type;
  body: Block;
}

/** `@workgroup(256) kernel ntt_stage(buf: &mut [F], n: u32) { ... }` — a GPU/FPGA kernel. */
export interface KernelItem extends ItemBase {
  kind: "Kernel";
  name: Ident;
  generics: GenericParam[];
  params: Param[];
  ret?: Type;
  body: Block;
}

/** `spec Bft { params ...; type ...; state ...; action ...; invariant ...; property ...; adversary ...; }` */
export interface SpecItem extends ItemBase {
  kind: "Spec";
  name: Ident;
  members: SpecMember[];
}

// ---------------------------------------------------------------------------------------------
// Spec members
// ---------------------------------------------------------------------------------------------

/** Members of a spec body. Helper `fn`s, `const`s and `type` domains are ordinary items. */
export type SpecMember =
  | SpecParams
  | SpecState
  | SpecAction
  | SpecInvariant
  | SpecProperty
  | SpecAdversary
  | TypeAliasItem
  | ConstItem
  | FnItem;

/** Fields every spec member declared with a spec keyword carries. */
export interface SpecMemberBase {
  attrs: Attribute[];
  doc?: string;
  span: Span;
}

/** `params n: u32 = 4, f: u32 = 1;` — overridable from the CLI with `--param n=7`. */
export interface SpecParams extends SpecMemberBase {
  kind: "SpecParams";
  params: SpecParam[];
}

/** One entry of `params`: `n: u32 = 4`, `n = 4` or just `n`. */
export interface SpecParam {
  kind: "SpecParam";
  name: Ident;
  type?: Type;
  default?: Expr;
  span: Span;
}

/** `state votes: Map<Node, Set<Val>> = init;` */
export interface SpecState extends SpecMemberBase {
  kind: "SpecState";
  name: Ident;
  type: Type;
  init?: Expr;
}

/** `action vote(p: Node, v: Val) when guard { body }` — a guarded atomic transition. */
export interface SpecAction extends SpecMemberBase {
  kind: "SpecAction";
  name: Ident;
  params: Param[];
  guard?: Expr;
  body: Block;
}

/** `invariant agreement: expr;` — must hold in every reachable state. */
export interface SpecInvariant extends SpecMemberBase {
  kind: "SpecInvariant";
  name: Ident;
  expr: Expr;
}

/**
 * `property live: eventually (...) under weak_fairness;` or
 * `property privacy: noninterference(secret: [amount], observer: [log]);`
 */
export interface SpecProperty extends SpecMemberBase {
  kind: "SpecProperty";
  name: Ident;
  body: Expr | Noninterference;
  fairness?: Fairness;
}

/** `noninterference(secret: [a, b], observer: [log])` — secret state must not influence observed state. */
export interface Noninterference {
  kind: "Noninterference";
  secret: Expr[];
  observer: Expr[];
  span: Span;
}

/** `under weak_fairness` / `under strong_fairness(vote)` — fairness assumption of a liveness property. */
export interface Fairness {
  kind: "Fairness";
  name: Ident;
  /** Actions the assumption is restricted to; empty = all actions. */
  args: Expr[];
  span: Span;
}

/** `adversary byzantine(f);`, `adversary network(drop, delay);`, `adversary flood(3);` */
export interface SpecAdversary extends SpecMemberBase {
  kind: "SpecAdversary";
  name: Ident;
  args: Expr[];
}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type Type =
  PathType | ArrayType | SliceType | RefType | TupleType | QualifiedType | RangeType | InferType | ErrorType;

/** `F`, `u32`, `std::field::Bn254Fr`, `Map<K, V>` (generic args sit on the last path segment). */
export interface PathType {
  kind: "PathType";
  path: Path;
  span: Span;
}

/** `[T; N]` — N is a const expression. */
export interface ArrayType {
  kind: "ArrayType";
  elem: Type;
  len: Expr;
  span: Span;
}

/** `[T]` — unsized; behind a reference (kernel buffers) or as a parameter. */
export interface SliceType {
  kind: "SliceType";
  elem: Type;
  span: Span;
}

/** `&T` or `&mut T`. */
export interface RefType {
  kind: "RefType";
  mutable: boolean;
  inner: Type;
  span: Span;
}

/** `(A, B)`; `()` is the unit type (no elements). */
export interface TupleType {
  kind: "TupleType";
  elems: Type[];
  span: Span;
}

/** `secret T`, `secret(1) T`, `public T` — MPC visibility as part of a type. */
export interface QualifiedType {
  kind: "QualifiedType";
  qualifier: "secret" | "public";
  party?: Expr;
  inner: Type;
  span: Span;
}

/** `0..n` / `0..=n` as a type: a finite integer domain (spec `type Node = 0..n;`). */
export interface RangeType {
  kind: "RangeType";
  start: Expr;
  end: Expr;
  inclusive: boolean;
  span: Span;
}

/** `_` — let sema infer it. */
export interface InferType {
  kind: "InferType";
  span: Span;
}

/** Placeholder where a type failed to parse; a diagnostic has been reported for it. */
export interface ErrorType {
  kind: "ErrorType";
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

export type Pattern = IdentPattern | TuplePattern | WildcardPattern;

/** `x` or `mut x`. */
export interface IdentPattern {
  kind: "IdentPattern";
  mutable: boolean;
  name: Ident;
  span: Span;
}

/** `(a, b)`, `(mut a, _)`. */
export interface TuplePattern {
  kind: "TuplePattern";
  elems: Pattern[];
  span: Span;
}

/** `_`. */
export interface WildcardPattern {
  kind: "WildcardPattern";
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

export type Stmt =
  | LetStmt
  | AssignStmt
  | AssertStmt
  | AssertEqStmt
  | LookupStmt
  | PushStmt
  | RevealStmt
  | ReturnStmt
  | BreakStmt
  | ContinueStmt
  | ForStmt
  | WhileStmt
  | ExprStmt;

/** `let x = e;`, `let mut x: T = e;`, `let (a, b) = e;` (`init` may be absent: `let x: T;`). */
export interface LetStmt {
  kind: "Let";
  pattern: Pattern;
  type?: Type;
  init?: Expr;
  span: Span;
}

export type AssignOp = "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=" | "&=" | "|=" | "<<=" | ">>=";

/** `x = e;`, `a[i] += e;`, `s.f = e;` — `target` is a place expression (sema checks). */
export interface AssignStmt {
  kind: "Assign";
  op: AssignOp;
  target: Expr;
  value: Expr;
  span: Span;
}

/** `assert e;` / `assert e, "msg";` */
export interface AssertStmt {
  kind: "Assert";
  cond: Expr;
  message?: Expr;
  span: Span;
}

/** `assert_eq(a, b);` / `assert_eq(a, b, "msg");` */
export interface AssertEqStmt {
  kind: "AssertEq";
  left: Expr;
  right: Expr;
  message?: Expr;
  span: Span;
}

/** `lookup (a, b) in table;` / `lookup x in range8;` — one expression per table column. */
export interface LookupStmt {
  kind: "Lookup";
  columns: Expr[];
  table: Path;
  span: Span;
}

/** `push (a, b) into kv;` / `push x into t;` — adds one row to a dynamic table (one expression per column). */
export interface PushStmt {
  kind: "Push";
  columns: Expr[];
  table: Path;
  span: Span;
}

/** `reveal e;` — open a secret value to all parties (protocols). */
export interface RevealStmt {
  kind: "Reveal";
  value: Expr;
  span: Span;
}

/** `return e;` / `return;` */
export interface ReturnStmt {
  kind: "Return";
  value?: Expr;
  span: Span;
}

/** `break;` (programs and specs). */
export interface BreakStmt {
  kind: "Break";
  span: Span;
}

/** `continue;` (programs and specs). */
export interface ContinueStmt {
  kind: "Continue";
  span: Span;
}

/** `for i in 0..n { }`, `for p in Node { }` (spec domain), `for (i, x) in e { }`. */
export interface ForStmt {
  kind: "For";
  pattern: Pattern;
  iter: Expr;
  body: Block;
  span: Span;
}

/** `while c { }` (sema allows it in programs and specs only). */
export interface WhileStmt {
  kind: "While";
  cond: Expr;
  body: Block;
  span: Span;
}

/**
 * An expression used as a statement: `f(x);`, `barrier();`, or a block-like expression
 * (`if`, `{}`) that needs no `;` (`semi` false).
 */
export interface ExprStmt {
  kind: "ExprStmt";
  expr: Expr;
  semi: boolean;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type Expr =
  | IntLit
  | BoolLit
  | StrLit
  | PathExpr
  | UnaryExpr
  | BinaryExpr
  | CastExpr
  | CallExpr
  | MethodCallExpr
  | FieldExpr
  | TupleIndexExpr
  | IndexExpr
  | RangeExpr
  | ArrayLit
  | ArrayRepeat
  | TupleExpr
  | ParenExpr
  | StructLit
  | IfExpr
  | BlockExpr
  | QuantifierExpr
  | CountExpr
  | TemporalExpr
  | ComprehensionExpr
  | ErrorExpr;

export type IntSuffix = "u8" | "u16" | "u32" | "u64" | "u128";

/** `42`, `0x30_64`, `0b1010`, `7u32`. `value` is exact; `text` is the source spelling. */
export interface IntLit {
  kind: "IntLit";
  value: bigint;
  radix: 2 | 10 | 16;
  suffix?: IntSuffix;
  text: string;
  span: Span;
}

/** `true` / `false`. */
export interface BoolLit {
  kind: "BoolLit";
  value: boolean;
  span: Span;
}

/** `"..."` — only for assertion messages and attribute arguments. `value` has escapes resolved. */
export interface StrLit {
  kind: "StrLit";
  value: string;
  span: Span;
}

/** A name or path in expression position: `x`, `DEPTH`, `std::hash::poseidon::hash`, `f::<F>`. */
export interface PathExpr {
  kind: "PathExpr";
  path: Path;
  span: Span;
}

export type UnaryOp = "-" | "!" | "~";

/** `-x`, `!b`, `~bits`. */
export interface UnaryExpr {
  kind: "Unary";
  op: UnaryOp;
  operand: Expr;
  span: Span;
}

export type BinaryOp =
  | "**"
  | "*"
  | "/"
  | "%"
  | "@"
  | "+"
  | "-"
  | "<<"
  | ">>"
  | "&"
  | "^"
  | "|"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "&&"
  | "||"
  | "=>";

/** `a + b`, `x @ y` (matmul), `a ** 3` (const pow), `v in s` and `p => q` (specs). */
export interface BinaryExpr {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

/** `x as u32`. */
export interface CastExpr {
  kind: "Cast";
  expr: Expr;
  type: Type;
  span: Span;
}

/** `f(a, b)`, `poseidon::hash::<F>(x)`, `global_id()`, `set(a, b)`. */
export interface CallExpr {
  kind: "Call";
  callee: Expr;
  args: Expr[];
  span: Span;
}

/** `x.to_bits(254)`, `v.insert::<T>(x)`. */
export interface MethodCallExpr {
  kind: "MethodCall";
  receiver: Expr;
  method: Ident;
  generics?: GenericArg[];
  args: Expr[];
  span: Span;
}

/** `s.f`; transpose `x.T` is an ordinary field access. */
export interface FieldExpr {
  kind: "FieldAccess";
  object: Expr;
  field: Ident;
  span: Span;
}

/** `t.0`. */
export interface TupleIndexExpr {
  kind: "TupleIndex";
  object: Expr;
  index: number;
  /** Span of the index digits alone. */
  indexSpan: Span;
  span: Span;
}

/** `a[i]`; slicing `a[i..j]` is an index by a RangeExpr. */
export interface IndexExpr {
  kind: "Index";
  object: Expr;
  index: Expr;
  span: Span;
}

/** `a..b`, `a..=b`, `..b`, `a..`, `..` */
export interface RangeExpr {
  kind: "Range";
  start?: Expr;
  end?: Expr;
  inclusive: boolean;
  span: Span;
}

/** `[a, b, c]`. */
export interface ArrayLit {
  kind: "ArrayLit";
  elems: Expr[];
  span: Span;
}

/** `[0; 8]`. */
export interface ArrayRepeat {
  kind: "ArrayRepeat";
  value: Expr;
  count: Expr;
  span: Span;
}

/** `(a, b)`, `(a,)`; `()` is the unit value. */
export interface TupleExpr {
  kind: "Tuple";
  elems: Expr[];
  span: Span;
}

/** `(e)` — kept so the formatter can reprint what the user wrote. */
export interface ParenExpr {
  kind: "Paren";
  inner: Expr;
  span: Span;
}

/** `key: k` or shorthand `value` inside a struct literal. */
export interface FieldInit {
  kind: "FieldInit";
  name: Ident;
  /** Undefined for the shorthand form `Leaf { value }`. */
  value?: Expr;
  span: Span;
}

/** `Leaf { key: k, value }`, `Pair::<F> { a, b }`. Not allowed directly in `if`/`for`/`while` heads. */
export interface StructLit {
  kind: "StructLit";
  path: Path;
  fields: FieldInit[];
  span: Span;
}

/** `if c { } else if d { } else { }` — an expression; its value is the taken branch's tail. */
export interface IfExpr {
  kind: "If";
  cond: Expr;
  then: Block;
  else?: Block | IfExpr;
  span: Span;
}

/** `{ stmts; e }` in expression position. */
export interface BlockExpr {
  kind: "BlockExpr";
  block: Block;
  span: Span;
}

/** `x: Node` in a quantifier, count or comprehension-like binder. */
export interface Binder {
  kind: "Binder";
  name: Ident;
  type: Type;
  span: Span;
}

/** `forall a: Node, b: Node. body` / `exists x: Node. body` — the body extends as far right as possible. */
export interface QuantifierExpr {
  kind: "Quantifier";
  quantifier: "forall" | "exists";
  binders: Binder[];
  body: Expr;
  span: Span;
}

/** `count(x: Node | pred)` — number of domain values satisfying pred. */
export interface CountExpr {
  kind: "Count";
  binders: Binder[];
  body: Expr;
  span: Span;
}

/** `always e`, `eventually e`, `eventually within 10 e` (bounded: within that many steps). */
export interface TemporalExpr {
  kind: "Temporal";
  op: "always" | "eventually";
  within?: Expr;
  body: Expr;
  span: Span;
}

/** `a in 0..16` inside a comprehension. */
export interface ComprehensionClause {
  kind: "ComprehensionClause";
  pattern: Pattern;
  iter: Expr;
  span: Span;
}

/** `[(a, b, a ^ b) for a in 0..16, b in 0..16]` — later clauses vary fastest. */
export interface ComprehensionExpr {
  kind: "Comprehension";
  element: Expr;
  clauses: ComprehensionClause[];
  span: Span;
}

/** Placeholder where an expression failed to parse; a diagnostic has been reported for it. */
export interface ErrorExpr {
  kind: "ErrorExpr";
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Comments (kept beside the tree, for the formatter)
// ---------------------------------------------------------------------------------------------

/**
 * A comment with its exact text (including the slashes/stars). Doc comments (`///`, `//!`) are both
 * attached to their node as `doc` and listed here, so the formatter sees every comment.
 */
export interface Comment {
  kind: "LineComment" | "BlockComment" | "DocComment" | "InnerDocComment";
  text: string;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// All nodes
// ---------------------------------------------------------------------------------------------

export type Node =
  | Module
  | Item
  | SpecMember
  | Ident
  | Attribute
  | PathSegment
  | Path
  | GenericArg
  | GenericParam
  | Param
  | Block
  | UseTree
  | FieldDecl
  | SpecParam
  | Noninterference
  | Fairness
  | Type
  | Pattern
  | Stmt
  | Expr
  | FieldInit
  | Binder
  | ComprehensionClause;

export type NodeKind = Node["kind"];

/** The node type for a kind: `NodeOf<"Fn">` is `FnItem`. */
export type NodeOf<K extends NodeKind> = Extract<Node, { kind: K }>;

const ITEM_KINDS: ReadonlySet<string> = new Set<Item["kind"]>([
  "Use",
  "Mod",
  "Const",
  "Struct",
  "Fn",
  "PrimeField",
  "Table",
  "TypeAlias",
  "Circuit",
  "Program",
  "Protocol",
  "Kernel",
  "Spec",
]);

const TYPE_KINDS: ReadonlySet<string> = new Set<Type["kind"]>([
  "PathType",
  "ArrayType",
  "SliceType",
  "RefType",
  "TupleType",
  "QualifiedType",
  "RangeType",
  "InferType",
  "ErrorType",
]);

const STMT_KINDS: ReadonlySet<string> = new Set<Stmt["kind"]>([
  "Let",
  "Assign",
  "Assert",
  "AssertEq",
  "Lookup",
  "Push",
  "Reveal",
  "Return",
  "Break",
  "Continue",
  "For",
  "While",
  "ExprStmt",
]);

const EXPR_KINDS: ReadonlySet<string> = new Set<Expr["kind"]>([
  "IntLit",
  "BoolLit",
  "StrLit",
  "PathExpr",
  "Unary",
  "Binary",
  "Cast",
  "Call",
  "MethodCall",
  "FieldAccess",
  "TupleIndex",
  "Index",
  "Range",
  "ArrayLit",
  "ArrayRepeat",
  "Tuple",
  "Paren",
  "StructLit",
  "If",
  "BlockExpr",
  "Quantifier",
  "Count",
  "Temporal",
  "Comprehension",
  "ErrorExpr",
]);

export function isItem(n: Node): n is Item {
  return ITEM_KINDS.has(n.kind);
}
export function isType(n: Node): n is Type {
  return TYPE_KINDS.has(n.kind);
}
export function isStmt(n: Node): n is Stmt {
  return STMT_KINDS.has(n.kind);
}
export function isExpr(n: Node): n is Expr {
  return EXPR_KINDS.has(n.kind);
}
