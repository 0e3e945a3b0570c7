// SpecModel expressions back to `.cwl` text, for repair hints that are pasted into the source.
// Sub-expressions are parenthesised by precedence so that the text re-parses to the same tree.
import type { Expr, TypeExpr } from "./model.ts";

const PREC: Record<string, number> = {
  "=>": 1, "||": 2, "&&": 3, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, in: 4, "+": 6, "-": 6, "*": 7, "/": 7, "%": 7,
};

export function typeText(t: TypeExpr): string {
  switch (t.k) {
    case "bool":
      return "bool";
    case "int":
      return "i32";
    case "dom":
      return t.name;
    case "tuple":
      return `(${t.elems.map(typeText).join(", ")})`;
    case "array":
      return `[${typeText(t.elem)}; ${exprText(t.len)}]`;
    case "set":
      return `Set<${typeText(t.elem)}>`;
    case "map":
      return `Map<${typeText(t.key)}, ${typeText(t.val)}>`;
    case "unknown":
      return "_";
  }
}

export function exprText(e: Expr, outer = 0): string {
  const wrap = (p: number, s: string) => (p < outer ? `(${s})` : s);
  switch (e.k) {
    case "num":
      return e.v < 0 ? wrap(8, `-${-e.v}`) : String(e.v);
    case "bool":
      return String(e.v);
    case "param":
    case "state":
    case "local":
      return e.name;
    case "un":
      return wrap(8, `${e.op}${exprText(e.a, 9)}`);
    case "bin": {
      const p = PREC[e.op];
      // Left-associative: the right operand binds tighter; comparisons and => do not chain.
      const rightAssoc = e.op === "=>";
      const cmp = p === 4;
      const l = exprText(e.a, cmp ? p + 1 : rightAssoc ? p + 1 : p);
      const r = exprText(e.b, cmp ? p + 1 : rightAssoc ? p : p + 1);
      return wrap(p, `${l} ${e.op} ${r}`);
    }
    case "in":
      return wrap(4, `${exprText(e.a, 5)} in ${exprText(e.s, 5)}`);
    case "index":
      return `${exprText(e.a, 10)}[${exprText(e.i)}]`;
    case "field":
      return `${exprText(e.a, 10)}.${e.i}`;
    case "tuple":
      return `(${e.elems.map((x) => exprText(x)).join(", ")}${e.elems.length === 1 ? "," : ""})`;
    case "quant": {
      const vars = e.vars.map((b) => `${b.name}: ${typeText(b.ty)}`).join(", ");
      if (e.q === "count") return `count(${vars} | ${exprText(e.body)})`;
      return wrap(0.5, `${e.q} ${vars}. ${exprText(e.body)}`);
    }
    case "call":
      return `${exprText(e.recv, 10)}.${e.m}(${e.args.map((x) => exprText(x)).join(", ")})`;
    case "setlit":
      return `set(${e.elems.map((x) => exprText(x)).join(", ")})`;
    case "arr":
      return `[${e.elems.map((x) => exprText(x)).join(", ")}]`;
    case "repeat":
      return `[${exprText(e.v)}; ${exprText(e.n)}]`;
    case "ite":
      return `if ${exprText(e.c)} { ${exprText(e.a)} } else { ${exprText(e.b)} }`;
    case "byz":
      return `${e.negate ? "honest" : "byzantine"}(${exprText(e.a)})`;
    case "min":
    case "max":
      return `${e.k}(${exprText(e.a)}, ${exprText(e.b)})`;
  }
}
