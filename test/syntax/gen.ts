// Random well-formed ChainWeave programs from the grammar, for the fuzz suite. Every expression is
// generated together with the s-expression the parser must build for it (binary operators are
// parenthesised, so the expected tree does not depend on precedence tables), and every `let` init
// is recorded in source order.

import { mulberry32 as prng } from "../util/prng.ts";
export { prng };

export interface Generated {
  src: string;
  /** Expected s-expressions of each `let` initialiser, in source order. */
  lets: string[];
  items: number;
}

// Soft keywords are included on purpose: they must stay usable as names.
const NAMES = ["a", "b", "x", "y", "acc", "leaf", "root", "state", "count", "table", "field", "within", "params", "T"];
const TYPES = ["F", "u8", "u32", "u64", "bool", "Field", "sfix", "sint", "Bytes"];
const BIN = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "@",
  "**",
  "<<",
  ">>",
  "&",
  "^",
  "|",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "&&",
  "||",
  "in",
  "=>",
];

export function generate(seed: number): Generated {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const lets: string[] = [];
  let items = 0;

  function name(): string {
    return pick(NAMES);
  }

  function literal(): [string, string] {
    const v = BigInt(int(1000));
    switch (int(5)) {
      case 0:
        return ["0x" + v.toString(16), v.toString()];
      case 1:
        return ["0b" + v.toString(2), v.toString()];
      case 2: {
        const suf = pick(["u8", "u16", "u32", "u64", "u128"]);
        return [v.toString() + suf, v.toString() + suf];
      }
      case 3:
        return r() < 0.5 ? ["true", "true"] : ["false", "false"];
      default:
        return [v.toString(), v.toString()];
    }
  }

  function type(d: number): [string, string] {
    const k = d <= 0 ? 0 : int(7);
    switch (k) {
      case 1: {
        const [t, ts] = type(d - 1);
        const [n, ns] = literal();
        return [`[${t}; ${n}]`, `(array ${ts} ${ns})`];
      }
      case 2: {
        const [t, ts] = type(d - 1);
        return r() < 0.5 ? [`&[${t}]`, `(& (slice ${ts}))`] : [`&mut [${t}]`, `(&mut (slice ${ts}))`];
      }
      case 3: {
        const [a, as] = type(d - 1);
        const [b, bs] = type(d - 1);
        return [`(${a}, ${b})`, `(tuple ${as} ${bs})`];
      }
      case 4: {
        const [a, as] = type(d - 1);
        return [`Set<${a}>`, `Set<${as}>`];
      }
      case 5: {
        const [a, as] = type(d - 1);
        const [b, bs] = type(d - 1);
        return [`Map<${a}, ${b}>`, `Map<${as} ${bs}>`];
      }
      case 6:
        return ["std::field::Bn254Fr", "std::field::Bn254Fr"];
      default: {
        const t = pick(TYPES);
        return [t, t];
      }
    }
  }

  /** `ns`: a struct literal here would be in an `if`/`while`/`for` head, so parenthesise it. */
  function expr(d: number, ns: boolean): [string, string] {
    if (d <= 0) {
      if (r() < 0.5) return literal();
      const n = name();
      return [n, n];
    }
    switch (int(16)) {
      case 0:
      case 1: {
        const [a, as] = expr(d - 1, false);
        const [b, bs] = expr(d - 1, false);
        const op = pick(BIN);
        return [`(${a} ${op} ${b})`, `(paren (${op} ${as} ${bs}))`];
      }
      case 2: {
        const op = pick(["-", "!", "~"]);
        const [a, as] = atom(d - 1, ns);
        return [`${op}${a}`, `(${op} ${as})`];
      }
      case 3: {
        const f = name();
        const args = Array.from({ length: int(3) }, () => expr(d - 1, false));
        return [`${f}(${args.map((x) => x[0]).join(", ")})`, `(call ${[f, ...args.map((x) => x[1])].join(" ")})`];
      }
      case 4: {
        const [a, as] = atom(d - 1, ns);
        const m = name();
        const args = Array.from({ length: int(3) }, () => expr(d - 1, false));
        return [
          `${a}.${m}(${args.map((x) => x[0]).join(", ")})`,
          `(.${m}() ${[as, ...args.map((x) => x[1])].join(" ")})`,
        ];
      }
      case 5: {
        const [a, as] = atom(d - 1, ns);
        const [i, is] = expr(d - 1, false);
        return [`${a}[${i}]`, `([] ${as} ${is})`];
      }
      case 6: {
        const [a, as] = atom(d - 1, ns);
        const f = r() < 0.3 ? String(int(3)) : name();
        return [`${a}.${f}`, `(.${f} ${as})`];
      }
      case 7: {
        const xs = Array.from({ length: int(4) }, () => expr(d - 1, false));
        return [`[${xs.map((x) => x[0]).join(", ")}]`, `[${xs.map((x) => x[1]).join(" ")}]`];
      }
      case 8: {
        const [a, as] = expr(d - 1, false);
        const [b, bs] = expr(d - 1, false);
        return [`[${a}; ${b}]`, `[${as}; ${bs}]`];
      }
      case 9: {
        const [a, as] = expr(d - 1, false);
        const [b, bs] = expr(d - 1, false);
        return [`(${a}, ${b})`, `(tuple ${as} ${bs})`];
      }
      case 10: {
        const fields = Array.from({ length: int(3) }, () => [name(), expr(d - 1, false)] as const);
        const src = `Leaf { ${fields.map(([n, e]) => `${n}: ${e[0]}`).join(", ")} }`;
        const s = `(struct Leaf${fields.map(([n, e]) => ` ${n}=${e[1]}`).join("")})`;
        return ns ? [`(${src})`, `(paren ${s})`] : [src, s];
      }
      case 11: {
        const [c, cs] = expr(d - 1, true);
        const [a, as] = expr(d - 1, false);
        const [b, bs] = expr(d - 1, false);
        return [`if ${c} { ${a} } else { ${b} }`, `(if ${cs} { ${as} } { ${bs} })`];
      }
      case 12: {
        // Cast targets take no generic arguments (`x as u32 < y` is a comparison).
        const [a, as] = expr(d - 1, false);
        const t = pick(TYPES);
        return [`(${a} as ${t})`, `(paren (as ${as} ${t}))`];
      }
      case 13: {
        const q = pick(["forall", "exists"]);
        const v = name();
        const [b, bs] = expr(d - 1, false);
        return [`(${q} ${v}: Node. ${b})`, `(paren (${q} ${v}:Node ${bs}))`];
      }
      case 14: {
        const [a, as] = expr(d - 1, false);
        const [b, bs] = expr(d - 1, false);
        const op = pick(["..", "..="]);
        return [`(${a}${op}${b})`, `(paren (${op} ${as} ${bs}))`];
      }
      default: {
        const v = name();
        const [b, bs] = expr(d - 1, false);
        return [`count(${v}: Node | ${b})`, `(count ${v}:Node ${bs})`];
      }
    }
  }

  /** Operand of a prefix or postfix operator: a name, literal-free path, call, or parenthesised expression. */
  function atom(d: number, ns: boolean): [string, string] {
    if (r() < 0.5) {
      const n = name();
      return [n, n];
    }
    const [e, es] = expr(d, ns);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(e)) return [e, es];
    return [`(${e})`, `(paren ${es})`];
  }

  function stmt(d: number, ind: string): string {
    const e = () => expr(2, false)[0];
    switch (int(d > 0 ? 12 : 8)) {
      case 0:
      case 1: {
        const [src, s] = expr(3, false);
        lets.push(s);
        const [t] = type(1);
        return `${ind}let ${r() < 0.3 ? "mut " : ""}${name()}${r() < 0.3 ? `: ${t}` : ""} = ${src};`;
      }
      case 2:
        return `${ind}${name()}${r() < 0.5 ? `[${e()}]` : ""} ${pick(["=", "+=", "-=", "*=", "^=", "&=", "|=", "<<=", ">>="])} ${e()};`;
      case 3:
        return r() < 0.5 ? `${ind}assert ${e()};` : `${ind}assert ${e()}, "message";`;
      case 4:
        return `${ind}assert_eq(${e()}, ${e()}${r() < 0.5 ? `, "m"` : ""});`;
      case 5:
        if (r() < 0.25) return r() < 0.5 ? `${ind}push (${e()}, ${e()}) into kv;` : `${ind}push ${name()} into std::tables::seen;`;
        return r() < 0.5 ? `${ind}lookup ${name()} in range8;` : `${ind}lookup (${e()}, ${e()}) in std::tables::xor4;`;
      case 6:
        return r() < 0.5 ? `${ind}reveal ${e()};` : `${ind}${name()}(${e()});`;
      case 7:
        return r() < 0.5 ? `${ind}return ${e()};` : `${ind}barrier();`;
      case 8:
        return `${ind}for ${name()} in 0..${name()} {\n${block(d - 1, ind + "    ")}${ind}}`;
      case 9:
        return `${ind}while ${expr(2, true)[0]} {\n${block(d - 1, ind + "    ")}${ind}}`;
      case 10:
        return `${ind}if ${expr(2, true)[0]} {\n${block(d - 1, ind + "    ")}${ind}} else {\n${block(d - 1, ind + "    ")}${ind}}`;
      default:
        return `${ind}let (${name()}, _) = (${e()}, ${e()});`;
    }
  }

  function block(d: number, ind: string): string {
    let out = "";
    for (let i = int(4); i >= 0; i--) out += stmt(d, ind) + "\n";
    return out;
  }

  function params(qualifiers: readonly string[]): string {
    return Array.from({ length: int(4) }, (_, i) => `${pick(qualifiers)}p${i}: ${type(2)[0]}`).join(", ");
  }

  function item(): string {
    items++;
    const n = `I${items}`;
    const doc = r() < 0.3 ? "/// generated item\n" : "";
    switch (int(12)) {
      case 0:
        return `${doc}fn ${n}<F: Field, const N: u32>(${params([""])}) -> ${type(1)[0]} {\n${block(2, "    ")}}`;
      case 1:
        return `${doc}hint fn ${n}(${params(["", "mut "])}) {\n${block(1, "    ")}}`;
      case 2:
        return `${doc}struct ${n} { ${Array.from({ length: int(3) }, (_, i) => `f${i}: ${type(2)[0]}`).join(", ")} }`;
      case 3:
        return `${doc}pub const ${n}: u32 = ${expr(2, false)[0]};`;
      case 4:
        return `${doc}circuit ${n}(${params(["pub ", "priv ", ""])}) {\n${block(2, "    ")}}`;
      case 5:
        return `${doc}program ${n}(${params([""])}) -> Bytes {\n${block(2, "    ")}}`;
      case 6:
        return `${doc}protocol ${n}(${params(["secret ", "public ", "secret(1) "])}) {\n${block(2, "    ")}}`;
      case 7:
        return `@workgroup(${int(512)})\n${doc}kernel ${n}(${params([""])}) {\n${block(1, "    ")}}`;
      case 8:
        return r() < 0.2 ? `table ${n}: (F, F) = dynamic;` : `table ${n}: (u8, u8) = [(a, b) for a in 0..${int(16)}, b in 0..4];`;
      case 9:
        return `use std::${name()}::{${name()}, ${name()} as z};\nmod m${n} { const K: u32 = 1; }`;
      case 10:
        return `field ${n} = 0x${Math.floor(r() * 2 ** 40).toString(16)}01;\ntype A${n} = ${type(3)[0]};`;
      default:
        return [
          `spec ${n} {`,
          `    params n: u32 = ${int(9)}, f;`,
          `    type Node = 0..n;`,
          `    state s: Map<Node, Set<u8>> = ${expr(1, false)[0]};`,
          `    action act(p: Node) when ${expr(2, true)[0]} {\n${block(1, "        ")}    }`,
          `    invariant inv: forall a: Node. ${expr(2, false)[0]};`,
          `    property live: eventually ${expr(1, false)[0]} under weak_fairness;`,
          `    property ni: noninterference(secret: [s], observer: [s]);`,
          `    adversary byzantine(f);`,
          `}`,
        ].join("\n");
    }
  }

  const parts: string[] = [];
  for (let i = 1 + int(3); i > 0; i--) parts.push(item());
  return { src: parts.join("\n\n") + "\n", lets, items };
}
