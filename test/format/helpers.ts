// Shared by the formatter tests: the corpus, AST normalisation and token-sequence comparison.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { FileManager, REPO_ROOT } from "../../base/files/index.ts";
import { type Module, parse, tokenize } from "../../compiler/syntax/index.ts";

function cwlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...cwlFiles(p));
    else if (e.endsWith(".cwl")) out.push(p);
  }
  return out;
}

/** Every example and stdlib file, as [repo-relative path, text]. */
export function corpus(): [string, string][] {
  return [...cwlFiles(join(REPO_ROOT, "examples")), ...cwlFiles(join(REPO_ROOT, "stdlib"))].map((p) => [
    relative(REPO_ROOT, p),
    readFileSync(p, "utf8"),
  ]);
}

export function parseText(text: string): { module: Module; errors: number } {
  const fm = new FileManager();
  const r = parse(fm.add("t.cwl", text));
  return { module: r.module, errors: r.diagnostics.filter((d) => d.severity === "error").length };
}

/** The tree without positions: what the program means, independent of layout. */
export function stripSpans(v: unknown, dropDocs = false): unknown {
  if (Array.isArray(v)) return v.map((x) => stripSpans(x, dropDocs));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      if (k !== "span" && k !== "indexSpan" && !(dropDocs && k === "doc")) out[k] = stripSpans(x, dropDocs);
    return out;
  }
  return v;
}

/** Code tokens and comments apart: a formatter may move a comment past a `,` or `:`, never drop it. */
export function tokenSummary(text: string): { code: string[]; comments: string[] } {
  const all = tokenTexts(text);
  const isComment = (t: string) => t.startsWith("//") || t.startsWith("/*");
  return { code: all.filter((t) => !isComment(t)), comments: all.filter(isComment).sort() };
}

/**
 * Token texts in order, comments included. Optional trailing commas (before a closer) are layout,
 * so they are dropped from both sides before comparing.
 */
export function tokenTexts(text: string): string[] {
  const toks = tokenize(text);
  const out: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    let j = i + 1;
    while (toks[j] && /Comment$/.test(toks[j].type)) j++;
    const next = toks[j]?.text;
    if (t.type === "Comma" && (next === ")" || next === "]" || next === "}" || next === ">")) continue;
    out.push(t.text.trimEnd());
  }
  return out;
}

import { mulberry32 as rng } from "../util/prng.ts";
export { rng };

/**
 * Scrambles layout and sprinkles comments between tokens: random whitespace (spaces, newlines,
 * blank lines), `// line` comments (always followed by a newline) and `/* block *\/` comments.
 */
export function fuzzLayout(text: string, seed: number, mild = false): string {
  const r = rng(seed);
  const toks = tokenize(text);
  let out = "";
  let n = 0;
  let prev: (typeof toks)[number] | undefined;
  for (const t of toks) {
    const atLineEnd = mild && prev !== undefined && /^[;{}]$/.test(prev.text);
    const x = mild && !atLineEnd ? 0.1 + r() * 0.9 : r();
    // `>>` is two adjacent `>` tokens; separating them changes the program.
    const glued = prev && prev.end === t.start && prev.text === ">" && t.text === ">";
    prev = t;
    if (glued) {
      out += t.text;
      continue;
    }
    if (x < 0.05) out += ` /* c${n++} */ `;
    else if (x < 0.08) out += ` // l${n++}\n`;
    else if (x < 0.2) out += "\n";
    else if (x < 0.23) out += "\n\n";
    else out += r() < 0.5 ? " " : "  ";
    out += t.text;
    // A line comment owns the rest of its line.
    if (t.type === "LineComment" || t.type === "DocComment" || t.type === "InnerDocComment") out += "\n";
  }
  return out + "\n";
}
