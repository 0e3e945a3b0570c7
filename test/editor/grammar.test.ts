// The TextMate grammar, run by the same engine VS Code uses (vscode-textmate + oniguruma), over every
// example and stdlib file. Each token of our own lexer must get the matching scope from the grammar.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { RESERVED_WORDS, tokenize } from "../../compiler/syntax/index.ts";
import { corpus } from "../format/helpers.ts";

const GRAMMAR = join(REPO_ROOT, "editors/vscode/syntaxes/chainweave.tmLanguage.json");
let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(join(REPO_ROOT, "node_modules/vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === "source.chainweave" ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null,
  });
  grammar = (await registry.loadGrammar("source.chainweave"))!;
});

/** Scopes of every character of `text`, by offset. */
function scopesByOffset(text: string): string[][] {
  const out: string[][] = new Array(text.length);
  let stack = vsctm.INITIAL;
  let base = 0;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) out[base + i] = t.scopes;
    stack = r.ruleStack;
    base += line.length + 1;
  }
  return out;
}

const CONTROL_OR_STORAGE = /^(keyword\.|storage\.|constant\.language\.)/;
const PRIMITIVES = new Set(["u8", "u16", "u32", "u64", "u128", "bool"]);

function expectedScope(type: string, text: string): RegExp | undefined {
  if (type === "LineComment" || type === "BlockComment") return /^comment\./;
  if (type === "DocComment" || type === "InnerDocComment") return /^comment\.line\.documentation\./;
  if (type === "StrLit") return /^string\.quoted\.double\./;
  if (type === "IntLit") return /^constant\.numeric\.integer\./;
  if (type.startsWith("Kw_") && RESERVED_WORDS.includes(text)) return CONTROL_OR_STORAGE;
  if (type === "Ident" && PRIMITIVES.has(text)) return /^support\.type\.primitive\./;
  return undefined;
}

describe("TextMate grammar", () => {
  it("loads", () => {
    expect(grammar).toBeDefined();
  });

  for (const [path, text] of corpus()) {
    it(`scopes ${path} like the lexer`, () => {
      const scopes = scopesByOffset(text);
      let checked = 0;
      const wrong: string[] = [];
      for (const t of tokenize(text)) {
        const want = expectedScope(t.type, t.text);
        if (!want) continue;
        checked++;
        // Every character of the token carries the scope (a token split across scopes is wrong).
        for (let i = t.start; i < t.end; i++) {
          if (text[i] === "\n") continue;
          const s = scopes[i] ?? [];
          if (!s.some((x) => want.test(x))) {
            wrong.push(`${t.type} ${JSON.stringify(t.text.slice(0, 30))} at ${t.start}: ${s.join(" ")}`);
            break;
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    });
  }

  it("names declarations and marks attributes", () => {
    const text = "@workgroup(256)\nkernel ntt(buf: &mut [u32]) {}\nhint fn split(x: u32) -> u32 { x }\nstruct Leaf { key: u32 }\n";
    const at = (needle: string) => scopesByOffset(text)[text.indexOf(needle)];
    expect(at("workgroup")).toContain("entity.name.function.decorator.chainweave");
    expect(at("ntt")).toContain("entity.name.function.chainweave");
    expect(at("split")).toContain("entity.name.function.chainweave");
    expect(at("hint")).toContain("storage.modifier.hint.chainweave");
    expect(at("Leaf")).toContain("entity.name.type.chainweave");
  });

  it("keeps a multi-line block comment a comment to its end", () => {
    const text = "/* one\n fn let 12\n*/ let x = 1;\n";
    const s = scopesByOffset(text);
    expect(s[text.indexOf("fn")]).toContain("comment.block.chainweave");
    expect(s[text.lastIndexOf("let")]).toContain("keyword.other.chainweave");
  });
});
