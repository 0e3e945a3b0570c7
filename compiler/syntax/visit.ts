// Generic traversal of the AST. The child fields of each node kind are listed once, in source order,
// in CHILD_KEYS; the `satisfies` clause makes the compiler demand an entry for every new kind, so a
// node added to ast.ts cannot be silently skipped by the LSP, sema or the formatter.
import type { Node, NodeKind, NodeOf } from "./ast.ts";

type ChildKeys = { [K in NodeKind]: readonly Exclude<keyof NodeOf<K>, "kind" | "span">[] };

const CHILD_KEYS = {
  Module: ["items"],
  Ident: [],
  Attribute: ["name", "args"],
  PathSegment: ["name", "args"],
  Path: ["segments"],
  TypeArg: ["type"],
  ConstArg: ["value"],
  TypeParam: ["name", "bounds"],
  ConstParam: ["name", "type", "default"],
  Param: ["attrs", "party", "name", "type"],
  Block: ["stmts", "tail"],
  // items
  Use: ["attrs", "tree"],
  UseTree: ["prefix", "group", "alias"],
  Mod: ["attrs", "name", "items"],
  Const: ["attrs", "name", "type", "value"],
  Struct: ["attrs", "name", "generics", "fields"],
  FieldDecl: ["attrs", "name", "type"],
  Fn: ["attrs", "name", "generics", "params", "ret", "body"],
  PrimeField: ["attrs", "name", "modulus"],
  Table: ["attrs", "name", "type", "value"],
  TypeAlias: ["attrs", "name", "generics", "type"],
  Circuit: ["attrs", "name", "generics", "params", "ret", "body"],
  Program: ["attrs", "name", "generics", "params", "ret", "body"],
  Protocol: ["attrs", "name", "generics", "params", "ret", "body"],
  Kernel: ["attrs", "name", "generics", "params", "ret", "body"],
  Spec: ["attrs", "name", "members"],
  // spec members
  SpecParams: ["attrs", "params"],
  SpecParam: ["name", "type", "default"],
  SpecState: ["attrs", "name", "type", "init"],
  SpecAction: ["attrs", "name", "params", "guard", "body"],
  SpecInvariant: ["attrs", "name", "expr"],
  SpecProperty: ["attrs", "name", "body", "fairness"],
  Noninterference: ["secret", "observer"],
  Fairness: ["name", "args"],
  SpecAdversary: ["attrs", "name", "args"],
  // types
  PathType: ["path"],
  ArrayType: ["elem", "len"],
  SliceType: ["elem"],
  RefType: ["inner"],
  TupleType: ["elems"],
  QualifiedType: ["party", "inner"],
  RangeType: ["start", "end"],
  InferType: [],
  ErrorType: [],
  // patterns
  IdentPattern: ["name"],
  TuplePattern: ["elems"],
  WildcardPattern: [],
  // statements
  Let: ["pattern", "type", "init"],
  Assign: ["target", "value"],
  Assert: ["cond", "message"],
  AssertEq: ["left", "right", "message"],
  Lookup: ["columns", "table"],
  Push: ["columns", "table"],
  Reveal: ["value"],
  Return: ["value"],
  Break: [],
  Continue: [],
  For: ["pattern", "iter", "body"],
  While: ["cond", "body"],
  ExprStmt: ["expr"],
  // expressions
  IntLit: [],
  BoolLit: [],
  StrLit: [],
  PathExpr: ["path"],
  Unary: ["operand"],
  Binary: ["left", "right"],
  Cast: ["expr", "type"],
  Call: ["callee", "args"],
  MethodCall: ["receiver", "method", "generics", "args"],
  FieldAccess: ["object", "field"],
  TupleIndex: ["object"],
  Index: ["object", "index"],
  Range: ["start", "end"],
  ArrayLit: ["elems"],
  ArrayRepeat: ["value", "count"],
  Tuple: ["elems"],
  Paren: ["inner"],
  FieldInit: ["name", "value"],
  StructLit: ["path", "fields"],
  If: ["cond", "then", "else"],
  BlockExpr: ["block"],
  Binder: ["name", "type"],
  Quantifier: ["binders", "body"],
  Count: ["binders", "body"],
  Temporal: ["within", "body"],
  ComprehensionClause: ["pattern", "iter"],
  Comprehension: ["element", "clauses"],
  ErrorExpr: [],
} as const satisfies ChildKeys;

/** The fields of a node of kind `kind` that hold its children, in source order. */
export function childKeys(kind: NodeKind): readonly string[] {
  return (CHILD_KEYS[kind] as readonly string[] | undefined) ?? [];
}

/** Calls `f` on each direct child of `node`, in source order. */
export function forEachChild(node: Node, f: (child: Node) => void): void {
  const keys = CHILD_KEYS[node.kind] as readonly string[] | undefined;
  if (!keys) return;
  const rec = node as unknown as Record<string, unknown>;
  for (const key of keys) {
    const v = rec[key];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c === "object" && "kind" in c) f(c as Node);
    } else if (typeof v === "object" && "kind" in (v as object)) {
      f(v as Node);
    }
  }
}

/** The direct children of `node`, in source order. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  forEachChild(node, (c) => out.push(c));
  return out;
}

/**
 * `enter` returns `false` to skip a node's children; `leave` runs after them. `parent` is undefined
 * for the root.
 */
export interface Visitor {
  enter?(node: Node, parent: Node | undefined): boolean | void;
  leave?(node: Node, parent: Node | undefined): void;
}

/** Depth-first, pre-order walk (iterative, so deep expression chains cannot overflow the stack). */
export function walk(root: Node, visitor: Visitor | ((node: Node, parent: Node | undefined) => boolean | void)): void {
  const v: Visitor = typeof visitor === "function" ? { enter: visitor } : visitor;
  type Frame = { node: Node; parent: Node | undefined; exit: boolean };
  const stack: Frame[] = [{ node: root, parent: undefined, exit: false }];
  while (stack.length > 0) {
    const fr = stack.pop()!;
    if (fr.exit) {
      v.leave?.(fr.node, fr.parent);
      continue;
    }
    const descend = v.enter?.(fr.node, fr.parent) !== false;
    if (v.leave) stack.push({ node: fr.node, parent: fr.parent, exit: true });
    if (!descend) continue;
    const kids = children(fr.node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], parent: fr.node, exit: false });
  }
}

/** Every node of kind `kind` under `root` (including root), in source order. */
export function findAll<K extends NodeKind>(root: Node, kind: K): NodeOf<K>[] {
  const out: NodeOf<K>[] = [];
  walk(root, (n) => {
    if (n.kind === kind) out.push(n as NodeOf<K>);
  });
  return out;
}

/**
 * The chain of nodes whose span contains `offset`, outermost first (root ... innermost). For hover,
 * go-to-definition and completion. A span's end is exclusive, except that an offset equal to the end
 * still matches (a cursor just after `foo` is "on" foo).
 */
export function nodePathAt(root: Node, offset: number): Node[] {
  const path: Node[] = [];
  let cur: Node | undefined = root;
  if (offset < root.span.start || offset > root.span.end) return path;
  while (cur) {
    path.push(cur);
    let next: Node | undefined;
    forEachChild(cur, (c) => {
      if (!next && c.span.start <= offset && offset <= c.span.end) next = c;
    });
    cur = next;
  }
  return path;
}

/** The innermost node whose span contains `offset`, or undefined when it is outside `root`. */
export function nodeAt(root: Node, offset: number): Node | undefined {
  const p = nodePathAt(root, offset);
  return p[p.length - 1];
}
