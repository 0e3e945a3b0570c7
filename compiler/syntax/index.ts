// Public face of compiler/syntax: AST types, traversal helpers, `tokenize` and `parse`.
import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import type { SourceFile } from "../../base/files/index.ts";
import type { Comment, Module, Node } from "./ast.ts";
import { isExpr, isItem, isType } from "./ast.ts";
import { limitDepth } from "./depth.ts";
import { BlockComment, DocComment, InnerDocComment, LineComment, tokenize as lex } from "./lexer.ts";
import type { SyntaxErrorInfo } from "./messages.ts";
import { CwlParser } from "./parser.ts";
import { forEachChild, walk } from "./visit.ts";

export * from "./ast.ts";
export * from "./visit.ts";
export { KEYWORDS, RESERVED_WORDS, decodeInt, decodeString } from "./lexer.ts";
export { MAX_EXPR_DEPTH } from "./depth.ts";

export interface Token {
  /** Token type name: "Ident", "IntLit", "Kw_fn", "Semi", "LineComment", ... */
  type: string;
  text: string;
  start: number;
  end: number;
}

/** Every token of `text` in order, comments included, whitespace dropped; for highlighters and tools. */
export function tokenize(text: string): Token[] {
  const r = lex(text);
  const toks = [...r.tokens, ...r.comments].sort((a, b) => a.startOffset - b.startOffset);
  return toks.map((t) => ({
    type: t.tokenType.name,
    text: t.image,
    start: t.startOffset,
    end: t.startOffset + t.image.length,
  }));
}

export interface ParseResult {
  module: Module;
  diagnostics: Diagnostic[];
  comments: Comment[];
}

let parserSingleton: CwlParser | undefined;
function parser(): CwlParser {
  // Grammar analysis takes a moment; do it once per process.
  parserSingleton ??= new CwlParser();
  return parserSingleton;
}

/** Parses one file. Never throws: syntax errors become diagnostics and the tree gets Error nodes. */
export function parse(file: SourceFile): ParseResult {
  const text = file.text;
  const fileSpan = (start: number, end: number): Span => ({ file: file.id, start, end });
  // chevrotain signals recovery with exceptions; their stack traces are never looked at and were a
  // tenth of the parse time on broken input.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseUnchecked(file);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      const [start, end] = tooDeepAt(lex(text).tokens, parser().position(), text.length);
      // Running out of stack can leave the parser's own state half unwound: start afresh next time.
      parserSingleton = undefined;
      return {
        module: { kind: "Module", file: file.id, items: [], span: fileSpan(0, text.length) },
        diagnostics: [
          {
            severity: "error",
            code: "E0026",
            message: "this is nested too deeply to parse",
            span: fileSpan(start, end),
            hint: "the parser handles about 100 levels of nested parentheses, brackets and blocks; split the expression with `let`",
          },
        ],
        comments: [],
      };
    }
    // A bug in the parser must not crash the caller (the LSP parses every keystroke).
    parserSingleton = undefined;
    return {
      module: { kind: "Module", file: file.id, items: [], span: fileSpan(0, text.length) },
      diagnostics: [
        {
          severity: "error",
          code: "E0099",
          message: `internal error in the parser: ${(e as Error)?.message ?? String(e)}`,
          span: fileSpan(0, 0),
          hint: "please report this with the file that triggered it",
        },
      ],
      comments: [],
    };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function parseUnchecked(file: SourceFile): ParseResult {
  const text = file.text;
  const sp = (start: number, end: number): Span => ({ file: file.id, start, end });
  const diagnostics: Diagnostic[] = [];
  const lexed = lex(text);

  for (const e of lexed.errors) {
    const printable = /^[\x21-\x7e]$/.test(e.char)
      ? e.char
      : `U+${(e.char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    diagnostics.push({
      severity: "error",
      code: "E0001",
      message: `unexpected character \`${printable}\``,
      span: sp(e.offset, e.offset + Math.max(1, e.length)),
      hint:
        e.char === "#"
          ? "attributes are written `@name(...)`"
          : e.char === "'"
            ? "strings use double quotes"
            : undefined,
    });
  }
  const comments: Comment[] = lexed.comments.map((t) => {
    const kind =
      t.tokenType === DocComment
        ? "DocComment"
        : t.tokenType === InnerDocComment
          ? "InnerDocComment"
          : t.tokenType === BlockComment
            ? "BlockComment"
            : "LineComment";
    if (t.tokenType === BlockComment && (t.image.length < 4 || !t.image.endsWith("*/")))
      diagnostics.push({
        severity: "error",
        code: "E0002",
        message: "unterminated block comment",
        span: sp(t.startOffset, t.startOffset + 2),
        hint: "close it with `*/`",
      });
    return { kind, text: t.image, span: sp(t.startOffset, t.startOffset + t.image.length) } as Comment;
  });
  void LineComment;

  const p = parser();
  p.load(file.id, text, lexed.tokens);
  const module = p.module();
  if (!module || module.kind !== "Module") throw new Error("parser returned no module");
  module.span = sp(0, text.length);

  diagnostics.push(...p.extra);
  // Recovery is imperfect: a complaint within a few tokens of an earlier one on the same line is
  // almost always its echo (a string that swallowed the `;`, a keyword used as a name, ...).
  const starts = lexed.tokens.map((t) => t.startOffset);
  const tokIndex = (off: number): number => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Positions of the diagnostics kept so far, by token index: an echo is looked for among the few
  // tokens around, not among every earlier diagnostic (that was quadratic in a badly broken file).
  const keptAt = new Map<number, number[]>();
  let keptCount = 0;
  const keep = (at: number) => {
    const t = tokIndex(at);
    const list = keptAt.get(t);
    if (list) list.push(at);
    else keptAt.set(t, [at]);
    keptCount++;
  };
  const isEcho = (at: number) => {
    const t = tokIndex(at);
    for (let i = t - 3; i <= t + 3; i++) for (const k of keptAt.get(i) ?? []) if (sameLine(file, k, at)) return true;
    return false;
  };
  for (const d of diagnostics) if (d.span) keep(d.span.start);
  // "found end of file" after an earlier error, in a file whose delimiters balance, is that error's
  // echo (recovery invented an opener), not a real unclosed `{`.
  const balanced = delimitersBalance(lexed.tokens);
  for (const e of p.errors) {
    if (balanced && keptCount > 0 && e.token.tokenType === EOF) continue;
    const d = toDiagnostic(e, p, file);
    if (e.token.tokenType === EOF) {
      const opener = lastUnclosed(lexed.tokens);
      if (opener)
        d.related = [
          { span: sp(opener.startOffset, opener.startOffset + 1), message: `this \`${opener.image}\` is never closed` },
        ];
    }
    const at = d.span!.start;
    if (isEcho(at)) continue;
    keep(at);
    diagnostics.push(d);
  }

  if (p.errors.length > 0) repairSpans(module, text.length);
  attachDocs(module, comments, text);
  const inner = comments.filter((c) => c.kind === "InnerDocComment");
  if (inner.length) module.doc = inner.map((c) => stripDoc(c.text, "//!")).join("\n");

  limitDepth(module, (d) => diagnostics.push(d));
  p.release();
  return { module, diagnostics: dedupe(diagnostics), comments };
}

/** Words after which a bracket starts an expression rather than calling or indexing one. */
const OPENS_EXPR = new Set(["if", "while", "in", "return", "reveal", "as", "else", "for", "let", "mut"]);

/**
 * Where the parser ran out of stack at token `at`: from the outermost of the innermost run of open
 * delimiters of one family (`(`/`[`, or `{`) to its closer, or to the end of the file.
 */
function tooDeepAt(tokens: IToken[], at: number, length: number): [number, number] {
  const open: number[] = [];
  const upTo = Math.min(Math.max(at, 0), tokens.length - 1);
  const img = (i: number) => tokens[i].image;
  for (let i = 0; i <= upTo; i++) {
    const c = img(i);
    if (c === "(" || c === "[" || c === "{") open.push(i);
    else if ((c === ")" || c === "]" || c === "}") && open.length) open.pop();
  }
  if (!open.length) {
    const t = tokens[upTo];
    return t ? [t.startOffset, t.startOffset + t.image.length] : [0, 0];
  }
  const family = (i: number) => img(i) === "{";
  // A call's or an index's bracket (after a name, `)` or `]`) belongs to the expression around the run.
  const follows = (i: number) => i > 0 && (/^\w+$/.test(img(i - 1)) ? !OPENS_EXPR.has(img(i - 1)) : img(i - 1) === ")" || img(i - 1) === "]");
  let k = open.length - 1;
  while (k > 0 && !follows(open[k - 1]) && family(open[k - 1]) === family(open[open.length - 1])) k--;
  const first = open[k];
  let depth = 0;
  for (let i = first; i < tokens.length; i++) {
    const c = img(i);
    if (c === "(" || c === "[" || c === "{") depth++;
    else if ((c === ")" || c === "]" || c === "}") && --depth === 0) return [tokens[first].startOffset, tokens[i].startOffset + 1];
  }
  return [tokens[first].startOffset, length];
}

function delimitersBalance(tokens: IToken[]): boolean {
  let depth = 0;
  for (const t of tokens) {
    const c = t.image;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  return depth === 0;
}

/** The innermost opening delimiter left open at the end of the file. */
function lastUnclosed(tokens: IToken[]): IToken | undefined {
  const stack: IToken[] = [];
  const match: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (const t of tokens) {
    const c = t.image;
    if (c === "(" || c === "[" || c === "{") stack.push(t);
    else if (c in match) {
      // Pop to the nearest opener of the same kind; a stray closer pops nothing.
      const i = stack.map((o) => o.image).lastIndexOf(match[c]);
      if (i >= 0) stack.length = i;
    }
  }
  return stack[stack.length - 1];
}

function sameLine(file: SourceFile, a: number, b: number): boolean {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return !file.text.slice(lo, hi).includes("\n");
}

function toDiagnostic(e: IRecognitionException, p: CwlParser, file: SourceFile): Diagnostic {
  let info: SyntaxErrorInfo;
  try {
    info = JSON.parse(e.message) as SyntaxErrorInfo;
  } catch {
    info = { code: "E0023", message: e.message };
  }
  let span = p.tokSpan(e.token);
  const prev = (e as unknown as { previousToken?: IToken }).previousToken;
  if (info.at === "prev" && prev && !Number.isNaN(prev.startOffset) && prev.image !== undefined) {
    const at = prev.startOffset + prev.image.length;
    span = { file: file.id, start: at, end: at };
  }
  if (span.start > file.text.length) span = { file: file.id, start: file.text.length, end: file.text.length };
  return { severity: "error", code: info.code, message: info.message, span, hint: info.hint };
}

/** chevrotain may report the same spot twice while recovering; keep the first report per position. */
function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of ds.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0))) {
    const key = `${d.span?.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/**
 * Tokens invented by error recovery have no place in the text, so nodes built from them can poke out
 * of their parents. Grow each parent to cover its children, so "node at offset" stays a tree walk.
 */
function repairSpans(module: Module, length: number): void {
  walk(module, {
    leave(n) {
      n.span.start = Math.max(0, Math.min(n.span.start, length));
      n.span.end = Math.max(n.span.start, Math.min(n.span.end, length));
      forEachChild(n, (c) => {
        if (c.span.start < n.span.start) n.span = { ...n.span, start: c.span.start };
        if (c.span.end > n.span.end) n.span = { ...n.span, end: c.span.end };
      });
    },
  });
}

function stripDoc(text: string, prefix: string): string {
  const body = text.slice(prefix.length);
  return body.startsWith(" ") ? body.slice(1) : body;
}

type Documentable = Node & { doc?: string };

/** Attaches each run of `///` lines to the item, field, param or spec member that directly follows it. */
function attachDocs(module: Module, comments: Comment[], text: string): void {
  const docByEnd = new Map<number, Comment>();
  for (const c of comments) if (c.kind === "DocComment") docByEnd.set(c.span.end, c);
  if (docByEnd.size === 0) return;
  walk(module, (n) => {
    // Nothing inside a body, an expression or a type takes a doc comment: skip them.
    if (n.kind === "Block" || isExpr(n) || isType(n)) return false;
    const documentable =
      isItem(n) ||
      n.kind === "FieldDecl" ||
      n.kind === "Param" ||
      n.kind === "SpecParams" ||
      n.kind === "SpecState" ||
      n.kind === "SpecAction" ||
      n.kind === "SpecInvariant" ||
      n.kind === "SpecProperty" ||
      n.kind === "SpecAdversary";
    if (!documentable) return;
    const lines: string[] = [];
    let pos = n.span.start;
    for (;;) {
      let q = pos;
      while (q > 0 && /\s/.test(text[q - 1])) q--;
      const c = docByEnd.get(q);
      if (!c) break;
      lines.unshift(stripDoc(c.text, "///"));
      pos = c.span.start;
    }
    if (lines.length) (n as Documentable).doc = lines.join("\n");
  });
}
