// The prettier printer for ChainWeave: one case per AST node kind, rustfmt-like layout (4-space
// indent, one statement per line, lists that break one element per line). Comments are attached by
// prettier's own algorithm (see plugin.ts); this file only has to print every attachable node through
// `print` so their comments come along, and to print the comments left dangling in empty bodies.
import { type AstPath, type Doc, doc, type ParserOptions, util } from "prettier";
import type { Span } from "../../base/diagnostics/index.ts";
import type { Comment, Expr, Node } from "../../compiler/syntax/index.ts";

const { group, indent, join, line, softline, hardline, ifBreak, lineSuffixBoundary } = doc.builders;

/** A comment as prettier decorates it during attachment. */
export type AttachedComment = Comment & { leading?: boolean; trailing?: boolean; printed?: boolean };
type WithComments = Node & { comments?: AttachedComment[] };
// prettier's AstPath types each `call`/`map` by the property's static type, which our tagged unions
// defeat; the printer switches on `kind` itself, so paths are handled untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Print = (...args: any[]) => Doc;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type P = AstPath<any>;
type Opts = ParserOptions<Node>;

const isLineComment = (c: Comment): boolean => c.kind !== "BlockComment";

/** Comments inside a node that attach to nothing in it (an empty block, an empty argument list). */
function danglingComments(path: P): AttachedComment[] {
  const n = path.node as WithComments;
  return (n.comments ?? []).filter((c) => !c.leading && !c.trailing && !c.printed);
}

/** Dangling comments, each on its own line, for bodies printed with hardlines. */
function printDanglingLines(path: P): Doc[] {
  return danglingComments(path).map((c) => {
    c.printed = true;
    return c.text.trimEnd();
  });
}

/**
 * Dangling comments that did not fit a dedicated slot, kept where they were. A line comment ends its
 * line; whitespace is free between tokens, so the code goes on on the next one. The boundary first
 * flushes any trailing comment prettier is holding for this line, so two comments never merge.
 */
function printDanglingInline(path: P): Doc {
  return danglingComments(path).map((c) => {
    c.printed = true;
    return isLineComment(c) ? [lineSuffixBoundary, " ", c.text.trimEnd(), hardline] : [" ", c.text];
  });
}

function raw(n: Node, options: Opts): string {
  return options.originalText.slice(n.span.start, n.span.end);
}

/** Whether the source had a blank line after `n` (kept, collapsed to one). */
function blankAfter(n: Node, options: Opts): boolean {
  return util.isNextLineEmpty(options.originalText, n.span.end);
}

/** Items / statements / members, one per line, keeping single blank lines the author left. */
function printLines(path: P, options: Opts, print: Print, key: string): Doc[] {
  const nodes = (path.node as unknown as Record<string, Node[]>)[key] ?? [];
  const out: Doc[] = [];
  path.each((p, i) => {
    out.push(print());
    if (i < nodes.length - 1) {
      out.push(hardline);
      if (blankAfter(p.node as Node, options)) out.push(hardline);
    }
  }, key);
  return out;
}

/** `{ ... }` with its lines indented; `{}` when empty (dangling comments go inside). */
function braced(path: P, lines: Doc[]): Doc {
  const dangling = printDanglingLines(path);
  const body = [...lines];
  if (dangling.length) {
    if (body.length) body.push(hardline);
    body.push(join(hardline, dangling));
  }
  if (body.length === 0) return "{}";
  return ["{", indent([hardline, ...body]), hardline, "}"];
}

/** `open a, b, c close`, breaking to one element per line (with a trailing comma) when too long. */
function list(path: P, print: Print, key: string, open: string, close: string, trailing = true): Doc {
  const items = path.map(print, key);
  const dangling = printDanglingInline(path);
  if (items.length === 0) return [open, dangling, close];
  return group([open, indent([softline, join([",", line], items), trailing ? ifBreak(",") : ""]), softline, close, dangling]);
}

/** A tuple-like list: one element needs its comma, `(a,)`. */
function tupleList(path: P, print: Print, key: string): Doc {
  const items = path.map(print, key);
  if (items.length === 1) return ["(", items[0], ",)"];
  return list(path, print, key, "(", ")");
}

function printAttrs(path: P, print: Print, sep: Doc): Doc {
  const n = path.node as { attrs?: Node[] };
  if (!n.attrs?.length) return "";
  return path.map((p) => [print(), sep], "attrs");
}

function pub(n: { isPub?: boolean }): string {
  return n.isPub ? "pub " : "";
}

/** A path as written; `turbofish` selects `f::<T>` (expressions) over `Set<T>` (types). */
function printPathAt(path: P, print: Print, turbofish: boolean): Doc {
  return join(
    "::",
    path.map((seg) => {
      const s = seg.node as Extract<Node, { kind: "PathSegment" }>;
      if (!s.args?.length) return s.name.name;
      return [s.name.name, turbofish ? "::" : "", printGenericArgs(seg, print, "args")];
    }, "segments"),
  );
}

function printGenericArgs(path: P, print: Print, key: string): Doc {
  const args = path.map((a: P) => {
    const n = a.node as Node;
    if (n.kind === "TypeArg") return a.call(print, "type");
    if (n.kind === "ConstArg") {
      const v = n.value;
      if (v.kind === "IntLit" || v.kind === "BoolLit" || v.kind === "StrLit") return a.call(print, "value");
      return ["{ ", a.call(print, "value"), " }"];
    }
    return print();
  }, key);
  return group(["<", indent([softline, join([",", line], args)]), softline, ">"]);
}

function printGenerics(path: P, print: Print): Doc {
  const n = path.node as { generics?: Node[] };
  if (!n.generics?.length) return "";
  return group(["<", indent([softline, join([",", line], path.map(print, "generics"))]), softline, ">"]);
}

/** `name<G>(params) -> ret body` shared by fn, circuit, program, protocol, kernel. */
function printCallable(path: P, print: Print, head: string): Doc {
  const n = path.node as Extract<Node, { kind: "Fn" }>;
  return [
    head,
    n.name.name,
    printGenerics(path, print),
    list(path, print, "params", "(", ")"),
    n.ret ? [" -> ", path.call(print, "ret")] : "",
    " ",
    path.call(print, "body"),
  ];
}

function printItemHead(path: P, print: Print): Doc {
  return printAttrs(path, print, hardline);
}

/**
 * `e0 op1 e1 op2 e2 ...`: a left-deep run of Binary nodes of one binding level, flattened before
 * printing (chainOf, applied by plugin.ts) so that neither prettier's recursive printer and comment
 * attachment nor the document depth grows with the length of a sum.
 */
export interface BinaryChain {
  kind: "BinaryChain";
  operands: Expr[];
  ops: string[];
  span: Span;
}

type Operator = Extract<Node, { kind: "Binary" }> | BinaryChain;
const levelOf = (n: Operator): number => LEVEL[n.kind === "Binary" ? n.op : n.ops[0]];

/** `n` as a BinaryChain when it is a Binary node that layout treats as a chain (every operator but `**`). */
export function chainOf(n: Node): Node | BinaryChain {
  if (n.kind !== "Binary" || n.op === "**") return n;
  const level = LEVEL[n.op];
  const ops: string[] = [];
  const rights: Expr[] = [];
  let cur: Expr = n;
  for (; cur.kind === "Binary" && cur.op !== "**" && LEVEL[cur.op] === level; cur = cur.left) {
    ops.push(cur.op);
    rights.push(cur.right);
  }
  return { kind: "BinaryChain", operands: [cur, ...rights.reverse()], ops: ops.reverse(), span: n.span };
}

/** Binary chains share one group so they break consistently, with the operator ending each line. */
function printBinary(path: P, print: Print): Doc {
  const n = path.node as Operator;
  const parts: Doc[] = [];
  if (n.kind === "Binary") parts.push(path.call(print, "left"), " ", n.op, line, path.call(print, "right"));
  else
    path.each((p: P, i: number) => {
      if (i > 0) parts.push(" ", n.ops[i - 1], line);
      parts.push(print(p));
    }, "operands");
  const parent = path.parent as Node | BinaryChain | null;
  const inOperator = !!parent && (parent.kind === "Binary" || parent.kind === "BinaryChain");
  // `a + b + c` breaks as one chain; a differently-bound operand (`x < c && y`) gets its own group,
  // so the outer operator breaks first and inner comparisons stay on one line.
  if (inOperator && levelOf(parent as Operator) === levelOf(n)) return parts;
  return group(inOperator ? parts : indent(parts));
}

/** Binding strength, for layout only (parenthesisation is the AST's, never changed). */
const LEVEL: Record<string, number> = {
  "=>": 1, "||": 2, "&&": 3,
  "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, in: 4,
  "|": 5, "^": 6, "&": 7, "<<": 8, ">>": 8,
  "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "@": 10, "**": 11,
};

function printUseTree(path: P, print: Print): Doc {
  const t = path.node as Extract<Node, { kind: "UseTree" }>;
  const prefix = t.prefix.map((i) => i.name).join("::");
  const sep = prefix ? "::" : "";
  if (t.glob) return [prefix, sep, "*"];
  if (t.group) return [prefix, sep, list(path, print, "group", "{", "}", false)];
  return [prefix, t.alias ? [" as ", t.alias.name] : ""];
}

function printBlock(path: P, options: Opts, print: Print): Doc {
  const b = path.node as Extract<Node, { kind: "Block" }>;
  const lines = printLines(path, options, print, "stmts");
  if (b.tail) {
    if (lines.length) {
      lines.push(hardline);
      if (blankAfter(b.stmts[b.stmts.length - 1], options)) lines.push(hardline);
    }
    lines.push(path.call(print, "tail"));
  }
  return braced(path, lines);
}

function printBinders(path: P, print: Print): Doc {
  return join(", ", path.map(print, "binders"));
}

export function printCwl(path: P, options: Opts, print: Print): Doc {
  const printed = printNode(path, options, print);
  // A comment between the parts of a name (`std /* x */ ::field`) has no child to hold it; keep it
  // right after the node rather than lose it.
  const rest = danglingComments(path).length ? printDanglingInline(path) : "";
  return rest ? [printed, rest] : printed;
}

function printNode(path: P, options: Opts, print: Print): Doc {
  const n = path.node as Node;
  if ((n as Node | BinaryChain).kind === "BinaryChain") return printBinary(path, print);
  switch (n.kind) {
    case "Module": {
      const lines = printLines(path, options, print, "items");
      const dangling = printDanglingLines(path);
      if (dangling.length && lines.length) lines.push(hardline);
      lines.push(join(hardline, dangling));
      return [...lines, hardline];
    }
    case "Ident":
      return n.name;
    case "Attribute":
      return ["@", n.name.name, n.args.length ? list(path, print, "args", "(", ")", false) : ""];
    case "Path":
      return printPathAt(path, print, false);
    case "PathSegment":
    case "TypeArg":
    case "ConstArg":
      // Printed by their owners (printPathAt / printGenericArgs), which know the context.
      return raw(n, options);
    case "TypeParam":
      return [
        n.name.name,
        n.bounds.length ? [": ", join(" + ", path.map((b) => printPathAt(b, print, false), "bounds"))] : "",
      ];
    case "ConstParam":
      return ["const ", n.name.name, ": ", path.call(print, "type"), n.default ? [" = ", path.call(print, "default")] : ""];
    case "Param":
      return [
        printAttrs(path, print, " "),
        n.qualifier ?? "",
        n.party ? ["(", path.call(print, "party"), ")"] : "",
        n.qualifier ? " " : "",
        n.mutable ? "mut " : "",
        n.name.name,
        ": ",
        path.call(print, "type"),
      ];
    case "Block":
      return printBlock(path, options, print);

    // ---------------------------------------------------------------- items
    case "Use":
      return [printItemHead(path, print), pub(n), "use ", path.call(print, "tree"), ";"];
    case "UseTree":
      return printUseTree(path, print);
    case "Mod":
      return [
        printItemHead(path, print),
        pub(n),
        "mod ",
        n.name.name,
        n.items ? [" ", braced(path, printLines(path, options, print, "items"))] : ";",
      ];
    case "Const":
      return [
        printItemHead(path, print),
        pub(n),
        "const ",
        n.name.name,
        n.type ? [": ", path.call(print, "type")] : "",
        " = ",
        path.call(print, "value"),
        ";",
      ];
    case "Struct": {
      const fields = path.map((p: P, i: number) => [print(), ",", i < n.fields.length - 1 && blankAfter(p.node as Node, options) ? hardline : ""], "fields");
      return [
        printItemHead(path, print),
        pub(n),
        "struct ",
        n.name.name,
        printGenerics(path, print),
        " ",
        braced(path, fields.length ? [join(hardline, fields)] : []),
      ];
    }
    case "FieldDecl":
      return [printAttrs(path, print, " "), pub(n), n.name.name, ": ", path.call(print, "type")];
    case "Fn":
      return [printItemHead(path, print), pub(n), printCallable(path, print, n.hint ? "hint fn " : "fn ")];
    case "Circuit":
    case "Program":
    case "Protocol":
    case "Kernel":
      return [printItemHead(path, print), pub(n), printCallable(path, print, n.kind.toLowerCase() + " ")];
    case "PrimeField":
      return [printItemHead(path, print), pub(n), "field ", n.name.name, " = ", path.call(print, "modulus"), ";"];
    case "Table":
      return [
        printItemHead(path, print),
        pub(n),
        "table ",
        n.name.name,
        ": ",
        path.call(print, "type"),
        " = ",
        n.value ? path.call(print, "value") : "dynamic",
        ";",
      ];
    case "TypeAlias":
      return [printItemHead(path, print), pub(n), "type ", n.name.name, printGenerics(path, print), " = ", path.call(print, "type"), ";"];
    case "Spec":
      return [printItemHead(path, print), pub(n), "spec ", n.name.name, " ", braced(path, printLines(path, options, print, "members"))];

    // ---------------------------------------------------------------- spec members
    case "SpecParams":
      return [printItemHead(path, print), group(["params", indent([line, join([",", line], path.map(print, "params"))])]), ";"];
    case "SpecParam":
      return [n.name.name, n.type ? [": ", path.call(print, "type")] : "", n.default ? [" = ", path.call(print, "default")] : ""];
    case "SpecState":
      return [
        printItemHead(path, print),
        "state ",
        n.name.name,
        ": ",
        path.call(print, "type"),
        n.init ? [" = ", path.call(print, "init")] : "",
        ";",
      ];
    case "SpecAction":
      return [
        printItemHead(path, print),
        "action ",
        n.name.name,
        list(path, print, "params", "(", ")"),
        n.guard ? [" when ", path.call(print, "guard")] : "",
        " ",
        path.call(print, "body"),
      ];
    case "SpecInvariant":
      return [printItemHead(path, print), "invariant ", n.name.name, ": ", path.call(print, "expr"), ";"];
    case "SpecProperty":
      return [
        printItemHead(path, print),
        "property ",
        n.name.name,
        ": ",
        path.call(print, "body"),
        n.fairness ? [" ", path.call(print, "fairness")] : "",
        ";",
      ];
    case "Noninterference":
      return [
        "noninterference(secret: ",
        list(path, print, "secret", "[", "]"),
        ", observer: ",
        list(path, print, "observer", "[", "]"),
        ")",
      ];
    case "Fairness":
      return ["under ", n.name.name, n.args.length ? list(path, print, "args", "(", ")") : ""];
    case "SpecAdversary":
      return [printItemHead(path, print), "adversary ", n.name.name, n.args.length ? list(path, print, "args", "(", ")") : "", ";"];

    // ---------------------------------------------------------------- types
    case "PathType":
      return path.call((p) => printPathAt(p, print, false), "path");
    case "ArrayType":
      return ["[", path.call(print, "elem"), "; ", path.call(print, "len"), "]"];
    case "SliceType":
      return ["[", path.call(print, "elem"), "]"];
    case "RefType":
      return ["&", n.mutable ? "mut " : "", path.call(print, "inner")];
    case "TupleType":
      return tupleList(path, print, "elems");
    case "QualifiedType":
      return [n.qualifier, n.party ? ["(", path.call(print, "party"), ")"] : "", " ", path.call(print, "inner")];
    case "RangeType":
      return [path.call(print, "start"), n.inclusive ? "..=" : "..", path.call(print, "end")];
    case "InferType":
      return "_";
    case "ErrorType":
    case "ErrorExpr":
      return raw(n, options);

    // ---------------------------------------------------------------- patterns
    case "IdentPattern":
      return [n.mutable ? "mut " : "", n.name.name];
    case "TuplePattern":
      return tupleList(path, print, "elems");
    case "WildcardPattern":
      return "_";

    // ---------------------------------------------------------------- statements
    case "Let":
      return [
        "let ",
        path.call(print, "pattern"),
        n.type ? [": ", path.call(print, "type")] : "",
        n.init ? [" = ", path.call(print, "init")] : "",
        ";",
      ];
    case "Assign":
      return [path.call(print, "target"), " ", n.op, " ", path.call(print, "value"), ";"];
    case "Assert":
      return ["assert ", path.call(print, "cond"), n.message ? [", ", path.call(print, "message")] : "", ";"];
    case "AssertEq": {
      const args = [path.call(print, "left"), path.call(print, "right")];
      if (n.message) args.push(path.call(print, "message"));
      return [group(["assert_eq(", indent([softline, join([",", line], args)]), softline, ")"]), printDanglingInline(path), ";"];
    }
    case "Lookup":
      return [
        "lookup ",
        n.columns.length === 1 ? path.call(print, "columns", 0) : list(path, print, "columns", "(", ")", false),
        " in ",
        path.call((p) => printPathAt(p, print, false), "table"),
        ";",
      ];
    case "Push":
      return [
        "push ",
        n.columns.length === 1 ? path.call(print, "columns", 0) : list(path, print, "columns", "(", ")", false),
        " into ",
        path.call((p) => printPathAt(p, print, false), "table"),
        ";",
      ];
    case "Reveal":
      return ["reveal ", path.call(print, "value"), ";"];
    case "Return":
      return ["return", n.value ? [" ", path.call(print, "value")] : "", ";"];
    case "Break":
      return "break;";
    case "Continue":
      return "continue;";
    case "For":
      return ["for ", path.call(print, "pattern"), " in ", path.call(print, "iter"), " ", path.call(print, "body")];
    case "While":
      return ["while ", path.call(print, "cond"), " ", path.call(print, "body")];
    case "ExprStmt":
      return [path.call(print, "expr"), n.semi ? ";" : ""];

    // ---------------------------------------------------------------- expressions
    case "IntLit":
      return n.text;
    case "BoolLit":
      return n.value ? "true" : "false";
    case "StrLit":
      return raw(n, options);
    case "PathExpr":
      return path.call((p) => printPathAt(p, print, true), "path");
    case "Unary":
      return [n.op, path.call(print, "operand")];
    case "Binary":
      return printBinary(path, print);
    case "Cast":
      return [path.call(print, "expr"), " as ", path.call(print, "type")];
    case "Call":
      return [path.call(print, "callee"), list(path, print, "args", "(", ")")];
    case "MethodCall":
      return [
        path.call(print, "receiver"),
        ".",
        n.method.name,
        n.generics?.length ? ["::", printGenericArgs(path, print, "generics")] : "",
        list(path, print, "args", "(", ")"),
      ];
    case "FieldAccess":
      return [path.call(print, "object"), ".", n.field.name];
    case "TupleIndex":
      return [path.call(print, "object"), ".", String(n.index)];
    case "Index":
      return [path.call(print, "object"), "[", path.call(print, "index"), "]"];
    case "Range":
      return [
        n.start ? path.call(print, "start") : "",
        n.inclusive ? "..=" : "..",
        n.end ? path.call(print, "end") : "",
      ];
    case "ArrayLit":
      return list(path, print, "elems", "[", "]");
    case "ArrayRepeat":
      return ["[", path.call(print, "value"), "; ", path.call(print, "count"), "]"];
    case "Tuple":
      return tupleList(path, print, "elems");
    case "Paren":
      return ["(", path.call(print, "inner"), ")"];
    case "FieldInit":
      return [n.name.name, n.value ? [": ", path.call(print, "value")] : ""];
    case "StructLit": {
      const head = path.call((p) => printPathAt(p, print, true), "path");
      const fields = path.map(print, "fields");
      const dangling = printDanglingInline(path);
      if (!fields.length) return [head, " {", dangling, "}"];
      return group([head, " {", indent([line, join([",", line], fields), ifBreak(",")]), line, "}", dangling]);
    }
    case "If":
      return [
        "if ",
        path.call(print, "cond"),
        " ",
        path.call(print, "then"),
        n.else ? [" else ", path.call(print, "else")] : "",
      ];
    case "BlockExpr":
      return path.call(print, "block");
    case "Binder":
      return [n.name.name, ": ", path.call(print, "type")];
    case "Quantifier":
      return [n.quantifier, " ", printBinders(path, print), ". ", path.call(print, "body")];
    case "Count":
      return ["count(", printBinders(path, print), " | ", path.call(print, "body"), ")"];
    case "Temporal":
      return [n.op, n.within ? [" within ", path.call(print, "within")] : "", " ", path.call(print, "body")];
    case "ComprehensionClause":
      return [path.call(print, "pattern"), " in ", path.call(print, "iter")];
    case "Comprehension":
      return group([
        "[",
        indent([softline, path.call(print, "element"), line, "for ", join([",", line], path.map(print, "clauses"))]),
        softline,
        "]",
      ]);
    default: {
      const never: never = n;
      throw new Error(`formatter: unhandled node ${(never as Node).kind}`);
    }
  }
}
