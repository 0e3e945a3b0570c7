// A bound on the depth of the tree every later stage may meet. The checker, lowering and the printers
// recurse on expressions; the parser's own stack limits nesting through delimiters (about 100 levels,
// E0026 from the parser), but chains the parser builds with loops have no such limit: `x.f().g()...`,
// `x as T as U ...`. Left-deep operator chains (`a + b + c ...`) are exempt: every stage walks them
// along their left spine with a loop. Not in `spec` items: the model checker's stages recurse on them.
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import type { Expr, Module, Node } from "./ast.ts";
import { isExpr } from "./ast.ts";
import { forEachChild } from "./visit.ts";

/**
 * Deepest expression nesting accepted. The parser stops at about 130 levels of parentheses; the
 * formatter (prettier's recursive printer) is the first stage to overflow, at about 700.
 */
export const MAX_EXPR_DEPTH = 256;

/** Operators whose left-deep chains every stage walks with a loop (see the checker's `binary`). */
const LOOPED = (n: Node, child: Node): boolean =>
  n.kind === "Binary" && n.left === child && n.op !== "**" && n.op !== "in" && n.op !== "=>";

/**
 * Replaces each outermost expression that nests deeper than MAX_EXPR_DEPTH by an ErrorExpr with the
 * same span and reports it (E0026), so that no later stage sees it.
 */
export function limitDepth(module: Module, report: (d: Diagnostic) => void): void {
  // One loop with its own stack, as parallel arrays (this runs on every parse: no object per node).
  // depth: expression nesting below `root`, the outermost expression containing the node; `holder`:
  // the node whose field holds `root`.
  const nodes: Node[] = [module];
  const depths: number[] = [0];
  const roots: (Expr | undefined)[] = [undefined];
  const holders: (Node | undefined)[] = [undefined];
  const inSpecs: boolean[] = [false];
  const tooDeep = new Map<Expr, Node>();
  let node: Node;
  let depth = 0;
  let root: Expr | undefined;
  let holder: Node | undefined;
  let inSpec = false;
  const push = (c: Node) => {
    const expr = isExpr(c);
    nodes.push(c);
    depths.push(!expr ? (root ? depth + 1 : 0) : !inSpec && LOOPED(node, c) ? depth : depth + 1);
    roots.push(root ?? (expr ? c : undefined));
    holders.push(root ? holder : node);
    inSpecs.push(inSpec || c.kind === "Spec");
  };
  while (nodes.length) {
    node = nodes.pop()!;
    depth = depths.pop()!;
    root = roots.pop();
    holder = holders.pop();
    inSpec = inSpecs.pop()!;
    // A subtree cannot be deeper than a few levels per character of its text (every node but a few
    // wrappers is shorter than its parent), so short statements and expressions need no visit.
    if (depth + 4 * (node.span.end - node.span.start) + 4 <= MAX_EXPR_DEPTH) continue;
    if (root && tooDeep.has(root)) continue;
    if (depth > MAX_EXPR_DEPTH && root && holder) {
      tooDeep.set(root, holder);
      continue;
    }
    forEachChild(node, push);
  }
  for (const [expr, holder] of tooDeep) {
    report({
      severity: "error",
      code: "E0026",
      message: `this expression is nested more than ${MAX_EXPR_DEPTH} levels deep`,
      span: expr.span,
      hint: "split it with `let` bindings",
    });
    replaceChild(holder, expr, { kind: "ErrorExpr", span: expr.span });
  }
}

function replaceChild(parent: Node, old: Node, replacement: Node): void {
  const rec = parent as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    const v = rec[key];
    if (v === old) rec[key] = replacement;
    else if (Array.isArray(v)) {
      const i = v.indexOf(old);
      if (i >= 0) v[i] = replacement;
    }
  }
}
