// The prettier plugin: `languages` (so prettier picks it for *.cwl), a parser over compiler/syntax
// and the `cwl` printer. Comments travel as `ast.comments`; prettier attaches them to the nearest
// printable node and we print them back verbatim.
import { type Parser, type Plugin, type Printer, type SupportLanguage, util } from "prettier";
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { type Comment, type Module, type Node, childKeys, isExpr, isType, parse } from "../../compiler/syntax/index.ts";
import { type AttachedComment, chainOf, printCwl } from "./print.ts";

/** Thrown by the parser for a file with syntax errors: formatting it could lose the user's text. */
export class SyntaxErrors extends Error {
  constructor(readonly diagnostics: Diagnostic[], readonly fm: FileManager) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
    this.name = "SyntaxErrors";
  }
}

export type CwlRoot = Module & { comments: Comment[] };

// Names, paths and generic arguments are printed inline by their owners, never through `print`, so
// comments must not attach to them (prettier would then report them as unprinted).
const NOT_ATTACHABLE = new Set(["Ident", "Path", "PathSegment", "TypeArg", "ConstArg"]);

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as Node).kind === "string" && "span" in v;
}

/**
 * Child keys of a node: fields holding nodes or node arrays (spans, comments and docs excluded). Not
 * cached by the node's kind and key names: one field can hold a node in one node and a plain value in
 * another of the same shape (a generic argument `D` vs `{ (D + 7) / 8 }`), and a cache filled by the
 * first would hide the second's comments from prettier.
 */
function visitorKeys(node: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of Object.keys(node)) {
    if (k === "span" || k === "comments" || k === "indexSpan") continue;
    const v = node[k];
    // Arrays count even when empty (prettier walks them; an empty one has nothing to visit).
    if (isNode(v) || Array.isArray(v)) out.push(k);
  }
  return out;
}

export const languages: SupportLanguage[] = [
  {
    name: "ChainWeave",
    parsers: ["cwl"],
    extensions: [".cwl"],
    vscodeLanguageIds: ["chainweave"],
  },
];

const cwlParser: Parser<Node> = {
  astFormat: "cwl",
  parse(text, options) {
    const fm = new FileManager();
    const file = fm.add((options as { filepath?: string }).filepath ?? "<input>.cwl", text);
    const r = parse(file);
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    if (errors.length) throw new SyntaxErrors(errors, fm);
    // Binary chains become BinaryChain nodes (print.ts), and every node learns its parent; one loop
    // with its own stack, as the tree of a long sum is as deep as the sum is long until flattened.
    const stack: Node[] = [r.module];
    while (stack.length) {
      const n = stack.pop() as unknown as Record<string, unknown>;
      for (const key of n.kind === "BinaryChain" ? ["operands"] : childKeys(n.kind as Node["kind"])) {
        const v = n[key];
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            if (!isNode(v[i])) continue;
            const c = (v[i] = chainOf(v[i]) as Node);
            parents.set(c, n as unknown as Node);
            stack.push(c);
          }
        } else if (isNode(v)) {
          const c = (n[key] = chainOf(v) as Node);
          parents.set(c, n as unknown as Node);
          stack.push(c);
        }
      }
    }
    // Fresh copies: prettier decorates comments while attaching them.
    const root: CwlRoot = { ...r.module, comments: r.comments.map((c) => ({ ...c })) };
    return root;
  },
  locStart: (n) => n.span.start,
  locEnd: (n) => n.span.end,
};

/** The text from `i` on, past whitespace and comments. */
function skipTrivia(text: string, i: number): string {
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith("//", i)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 2;
    } else return text.slice(i, i + 1);
  }
}

/** Nodes whose printer places dangling comments itself (inside their braces or brackets). */
const OWN_DANGLING = new Set(["Module", "Block", "Struct", "Spec", "Mod", "Call", "MethodCall", "ArrayLit", "StructLit", "Attribute", "AssertEq", "Fn", "Circuit", "Program", "Protocol", "Kernel", "SpecAction", "Fairness", "SpecAdversary"]);

/** A chain's operands are one expression's parts, not the elements of a list. */
const isChain = (n: Node): boolean => (n.kind as string) === "BinaryChain";

/**
 * Parent links of the tree being formatted (the AST keeps none), as a symbol-keyed property of each
 * node: invisible to prettier (visitorKeys lists string keys) and, unlike a WeakMap holding every node
 * of a large file, cheap for the garbage collector.
 */
const PARENT = Symbol("parent");
const parents = {
  get: (n: Node): Node | undefined => (n as { [PARENT]?: Node })[PARENT],
  set: (n: Node, p: Node): void => void ((n as { [PARENT]?: Node })[PARENT] = p),
};

/**
 * The body of the `for` / `while` / `if` / `action` whose head holds this line comment
 * (`for i in 0 // x` + newline + `..n {`). Printed, the head is one line and a trailing comment in it
 * would be flushed after the `{`; the body is where the next run would put it anyway.
 */
function headBody(c: Placed): Node | undefined {
  let n: Node | undefined = c.enclosingNode;
  while (n && (isExpr(n) || isType(n) || isChain(n) || n.kind.endsWith("Pattern") || n.kind === "Binder")) n = parents.get(n as Node);
  if (!n) return undefined;
  n = n as Node;
  const body = n.kind === "For" || n.kind === "While" || n.kind === "SpecAction" ? n.body : n.kind === "If" ? n.then : undefined;
  return body && c.span.start < body.span.start ? body : undefined;
}

/**
 * Where a line comment after `n` belongs: the statement, list element or block tail that contains
 * `n`. Trailing a sub-expression it would be deferred to the line end and could land beside another
 * deferred comment, merging the two into one.
 */
function lineOwner(n: Node): Node {
  for (;;) {
    const p = parents.get(n);
    if (!p || p.kind === "Block" || p.kind === "Module") return n;
    const inList = !isChain(p) && Object.values(p).some((v) => Array.isArray(v) && v.includes(n));
    if (inList && !NOT_ATTACHABLE.has(n.kind)) return n;
    n = p;
  }
}

type Placed = Comment & { enclosingNode?: Node; precedingNode?: Node; followingNode?: Node };

/**
 * Overrides of prettier's comment attachment, each placing a comment where the next run would put it
 * too (so formatting is idempotent) and never beside another line comment (so none merge). A comment
 * between a head and its body (`for i in 0..8 // x` + newline + `{`) would otherwise trail the head,
 * be flushed after the `{`, and move again on the next run; it goes inside the body.
 */
function placeComment(comment: unknown, text: string): boolean {
  const c = comment as Placed;
  // Inside `use a::b::{c}` nothing can hold a comment; above the `use` it stays put on the next run.
  let u = c.enclosingNode;
  while (u && u.kind === "UseTree") u = parents.get(u);
  if (u && u.kind === "Use" && c.enclosingNode !== u) {
    util.addLeadingComment(u, c);
    return true;
  }
  // Between the tokens of a node with no child to hold it (`mut // x` + newline + `r`, `a /* x */ ::b`):
  // a line comment goes to the end of its statement, a block comment before the node.
  const e = c.enclosingNode;
  if (!c.precedingNode && !c.followingNode && e && !OWN_DANGLING.has(e.kind)) {
    if (c.kind === "BlockComment") util.addLeadingComment(e, c);
    else util.addTrailingComment(lineOwner(e), c);
    return true;
  }
  if (c.kind !== "BlockComment" && c.precedingNode && !c.followingNode?.kind.startsWith("Block")) {
    const owner = lineOwner(c.precedingNode);
    if (owner !== c.precedingNode) {
      util.addTrailingComment(owner, c);
      return true;
    }
  }
  // A comment after a list's last element, right before its `)` / `]`, stays with that element
  // (prettier would hand it to whatever follows the closer: `) -> /* c */ T`).
  const prev = c.precedingNode;
  const parent = prev && parents.get(prev);
  const inList = !!parent && !isChain(parent) && Object.values(parent).some((v) => Array.isArray(v) && v.includes(prev));
  if (prev && inList && /^[)\]]/.test(skipTrivia(text, c.span.end))) {
    util.addTrailingComment(c.precedingNode, c);
    return true;
  }
  // Only a comment right before the `{` (`-> T // x` + newline + `{`); one before a `)` still belongs
  // to the list it ends.
  const beforeBrace = c.followingNode?.kind === "Block" && text.slice(c.span.end, c.followingNode.span.start).trim() === "";
  const f = beforeBrace ? c.followingNode : c.kind === "BlockComment" ? undefined : headBody(c);
  if (!f || f.kind !== "Block") return false;
  const first: Node | undefined = f.stmts[0] ?? f.tail;
  if (first) util.addLeadingComment(first, c);
  else util.addDanglingComment(f, c, undefined);
  return true;
}

const cwlPrinter: Printer<Node> = {
  handleComments: {
    ownLine: placeComment,
    endOfLine: placeComment,
    remaining: placeComment,
  },
  print: printCwl,
  getVisitorKeys: (node) => visitorKeys(node as unknown as Record<string, unknown>),
  canAttachComment: (node) => isNode(node) && !NOT_ATTACHABLE.has(node.kind) && node.kind !== "Module",
  isBlockComment: (c) => (c as unknown as Comment).kind === "BlockComment",
  printComment: (path) => {
    const c = path.node as unknown as AttachedComment;
    return c.kind === "BlockComment" ? c.text : c.text.trimEnd();
  },
};

export const parsers = { cwl: cwlParser };
export const printers = { cwl: cwlPrinter };
export const options = {};
export const defaultOptions = { tabWidth: 4, printWidth: 100 };

const plugin: Plugin<Node> = { languages, parsers, printers, options, defaultOptions };
export default plugin;
