// Fuzzing the parser: (1) random well-formed programs from the grammar must parse with no
// diagnostics and build exactly the expected expression trees; (2) fixtures mangled by token
// deletion/insertion/swap, random bytes and truncation must never crash the parser, never yield an
// internal error, and every node and diagnostic span must lie inside the file (nodes inside their
// parent). Seeded, so a failure names the seed that reproduces it.
import { describe, expect, it } from "vitest";
import { renderAll } from "../../base/diagnostics/index.ts";
import { findAll, parse, tokenize } from "../../compiler/syntax/index.ts";
import { generate, prng } from "./gen.ts";
import { exprS } from "./sexp.ts";
import { fileOf, fixtureFiles, source, spanProblems } from "./util.ts";

const GENERATED = 500;
const MUTATED = 10000;

describe("fuzz: generated programs", () => {
  it(`${GENERATED} random well-formed programs parse cleanly into the expected trees`, () => {
    let lets = 0;
    for (let seed = 1; seed <= GENERATED; seed++) {
      const g = generate(seed);
      const file = source(g.src);
      const r = parse(file);
      const ctx = `seed ${seed}:\n${g.src}`;
      if (r.diagnostics.length) expect.fail(`${ctx}\n${renderAll(r.diagnostics, fileOf)}`);
      const got = findAll(r.module, "Let")
        .filter((l) => l.pattern.kind !== "TuplePattern")
        .map((l) => exprS(l.init));
      expect(got, ctx).toEqual(g.lets);
      expect(spanProblems(r.module, r.diagnostics, g.src.length), ctx).toBe("");
      lets += got.length;
    }
    expect(lets).toBeGreaterThan(GENERATED); // the check above really compared trees
  });
});

const VOCAB = [
  "fn",
  "let",
  "mut",
  "if",
  "else",
  "for",
  "in",
  "while",
  "struct",
  "circuit",
  "spec",
  "state",
  "action",
  "when",
  "pub",
  "priv",
  "secret",
  "forall",
  "count",
  "eventually",
  "within",
  "lookup",
  "reveal",
  "assert_eq",
  "as",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "<",
  ">",
  ">>",
  ",",
  ";",
  ":",
  "::",
  ".",
  "..",
  "..=",
  "=",
  "==",
  "=>",
  "->",
  "+",
  "*",
  "**",
  "@",
  "&",
  "&mut",
  "|",
  "!",
  "~",
  "x",
  "F",
  "0",
  "0x",
  "12u9",
  '"s',
  '"ok"',
  "/*",
  "*/",
  "///",
  "_",
];

function mutate(text: string, rnd: () => number): string {
  const int = (n: number) => Math.floor(rnd() * n);
  let t = text;
  for (let k = 1 + int(3); k > 0; k--) {
    const toks = tokenize(t);
    const tok = toks.length ? toks[int(toks.length)] : { start: 0, end: 0, text: "" };
    switch (int(7)) {
      case 0: // delete a token
        t = t.slice(0, tok.start) + t.slice(tok.end);
        break;
      case 1: // insert a token
        t = t.slice(0, tok.start) + VOCAB[int(VOCAB.length)] + " " + t.slice(tok.start);
        break;
      case 2: {
        // swap two tokens
        const other = toks.length ? toks[int(toks.length)] : tok;
        const [a, b] = tok.start <= other.start ? [tok, other] : [other, tok];
        if (a.end <= b.start) t = t.slice(0, a.start) + b.text + t.slice(a.end, b.start) + a.text + t.slice(b.end);
        break;
      }
      case 3: {
        // random bytes, including non-ASCII and control characters
        const n = 1 + int(4);
        let s = "";
        for (let i = 0; i < n; i++) s += String.fromCharCode(rnd() < 0.8 ? 32 + int(95) : int(0x3000));
        const at = int(t.length + 1);
        t = t.slice(0, at) + s + t.slice(at);
        break;
      }
      case 4: // truncate
        t = t.slice(0, int(t.length + 1));
        break;
      case 5: {
        // duplicate a slice (unbalances delimiters)
        const at = int(t.length + 1);
        const len = int(40);
        t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at);
        break;
      }
      default: // replace a token by another
        t = t.slice(0, tok.start) + VOCAB[int(VOCAB.length)] + t.slice(tok.end);
    }
  }
  return t;
}

describe("fuzz: mutated fixtures", () => {
  it(`${MUTATED} mutated inputs never crash and keep every span inside the file`, () => {
    // Mutate single items (split at blank lines / top-level closers) rather than whole files: small
    // inputs keep 10,000 cases fast, and whole-file structure is covered by the generated programs.
    const corpus: string[] = [];
    const texts = [...fixtureFiles("ok"), ...fixtureFiles("err")].map((f) => f.text);
    for (let seed = 1; seed <= 40; seed++) texts.push(generate(100_000 + seed).src);
    for (const t of texts) corpus.push(...t.split(/\n(?=\S)(?!\})/).filter((c) => c.trim().length > 0));
    const rnd = prng(20261125);
    let withErrors = 0;
    for (let i = 0; i < MUTATED; i++) {
      const base = corpus[i % corpus.length];
      const text = mutate(base, rnd);
      let r;
      try {
        r = parse(source(text));
      } catch (e) {
        expect.fail(`case ${i}: parse threw ${(e as Error).stack}\n--- input ---\n${text}`);
      }
      const internal = r.diagnostics.find((d) => d.code === "E0099");
      if (internal) expect.fail(`case ${i}: ${internal.message}\n--- input ---\n${text}`);
      const problems = spanProblems(r.module, r.diagnostics, text.length);
      if (problems) expect.fail(`case ${i}: ${problems}\n--- input ---\n${text}`);
      for (const d of r.diagnostics)
        if (!/^E00\d\d$/.test(d.code) || !d.message) expect.fail(`case ${i}: bad diagnostic ${JSON.stringify(d)}`);
      if (r.diagnostics.length) withErrors++;
    }
    // Most mutations break the program; the fuzz really exercised recovery.
    expect(withErrors).toBeGreaterThan(MUTATED / 2);
  });
});
