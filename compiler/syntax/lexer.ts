// Tokens of ChainWeave. Keywords that only mean something at one spot (item heads such as `circuit`,
// spec members such as `state`, `count(...)`) are *soft*: their token type has Ident as a category, so
// they stay usable as ordinary names (`let state = ...`, `s.table`). Only words that could start an
// expression or statement, or that qualify types, are reserved.
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";

export const Ident = createToken({ name: "Ident", pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: "identifier" });

const allKeywords: TokenType[] = [];
function kw(word: string, soft = false): TokenType {
  const t = createToken({
    name: "Kw_" + word,
    pattern: new RegExp(word + "(?![A-Za-z0-9_])"),
    longer_alt: Ident,
    label: "`" + word + "`",
    ...(soft ? { categories: [Ident] } : {}),
  });
  allKeywords.push(t);
  return t;
}

// Reserved words.
export const Use = kw("use");
export const Mod = kw("mod");
export const Pub = kw("pub");
export const Priv = kw("priv");
export const Const = kw("const");
export const Struct = kw("struct");
export const Fn = kw("fn");
export const Let = kw("let");
export const Mut = kw("mut");
export const If = kw("if");
export const Else = kw("else");
export const For = kw("for");
export const In = kw("in");
export const While = kw("while");
export const Return = kw("return");
export const Break = kw("break");
export const Continue = kw("continue");
export const As = kw("as");
export const True = kw("true");
export const False = kw("false");
export const AssertEq = kw("assert_eq");
export const Assert = kw("assert");
export const Lookup = kw("lookup");
export const Reveal = kw("reveal");
export const Secret = kw("secret");
export const Public = kw("public");
export const Type = kw("type");
export const Forall = kw("forall");
export const Exists = kw("exists");
export const Always = kw("always");
export const Eventually = kw("eventually");
// Soft keywords.
export const Hint = kw("hint", true);
export const FieldKw = kw("field", true);
export const Table = kw("table", true);
// Dynamic tables: `table t: (F, F) = dynamic;` and `push (a, b) into t;` (all three stay usable as names).
export const Push = kw("push", true);
export const Into = kw("into", true);
export const Dynamic = kw("dynamic", true);
export const Circuit = kw("circuit", true);
export const Program = kw("program", true);
export const Protocol = kw("protocol", true);
export const Kernel = kw("kernel", true);
export const Spec = kw("spec", true);
export const Params = kw("params", true);
export const State = kw("state", true);
export const Action = kw("action", true);
export const When = kw("when", true);
export const Invariant = kw("invariant", true);
export const Property = kw("property", true);
export const Adversary = kw("adversary", true);
export const Under = kw("under", true);
export const Within = kw("within", true);
export const Count = kw("count", true);
export const Noninterference = kw("noninterference", true);

/** `_` alone; `_x` is an identifier. */
export const Underscore = createToken({ name: "Underscore", pattern: /_(?![A-Za-z0-9_])/, label: "`_`" });

/**
 * Any run of digits/letters starting with a digit; digits, radix and suffix are checked by
 * `decodeInt`, so `0x`, `12abc` or `0b102` get a precise diagnostic instead of splitting oddly.
 */
export const IntLit = createToken({ name: "IntLit", pattern: /[0-9][0-9A-Za-z_]*/, label: "integer literal" });
/** Unterminated strings still lex (to the end of the line); the parser reports them. */
export const StrLit = createToken({ name: "StrLit", pattern: /"(?:[^"\\\n\r]|\\.)*"?/, label: "string literal" });

function punct(name: string, text: string): TokenType {
  return createToken({ name, pattern: text, label: "`" + text + "`" });
}

export const DotDotEq = punct("DotDotEq", "..=");
export const DotDot = punct("DotDot", "..");
export const Dot = punct("Dot", ".");
export const ColonColon = punct("ColonColon", "::");
export const Colon = punct("Colon", ":");
export const Arrow = punct("Arrow", "->");
export const FatArrow = punct("FatArrow", "=>");
export const EqEq = punct("EqEq", "==");
export const NotEq = punct("NotEq", "!=");
export const Bang = punct("Bang", "!");
export const ShlAssign = punct("ShlAssign", "<<=");
export const Shl = punct("Shl", "<<");
export const LtEq = punct("LtEq", "<=");
export const Lt = punct("Lt", "<");
// No `>>` token: `Map<K, Set<V>>` must close two generic lists, so `a >> b` is parsed as two adjacent `>`.
export const ShrAssign = punct("ShrAssign", ">>=");
export const GtEq = punct("GtEq", ">=");
export const Gt = punct("Gt", ">");
export const AndAnd = punct("AndAnd", "&&");
export const AndAssign = punct("AndAssign", "&=");
export const Amp = punct("Amp", "&");
export const OrOr = punct("OrOr", "||");
export const OrAssign = punct("OrAssign", "|=");
export const Pipe = punct("Pipe", "|");
export const XorAssign = punct("XorAssign", "^=");
export const Caret = punct("Caret", "^");
export const StarStar = punct("StarStar", "**");
export const StarAssign = punct("StarAssign", "*=");
export const Star = punct("Star", "*");
export const PlusAssign = punct("PlusAssign", "+=");
export const Plus = punct("Plus", "+");
export const MinusAssign = punct("MinusAssign", "-=");
export const Minus = punct("Minus", "-");
export const SlashAssign = punct("SlashAssign", "/=");
export const Slash = punct("Slash", "/");
export const PercentAssign = punct("PercentAssign", "%=");
export const Percent = punct("Percent", "%");
export const Tilde = punct("Tilde", "~");
export const At = punct("At", "@");
export const Eq = punct("Eq", "=");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LBrace = punct("LBrace", "{");
export const RBrace = punct("RBrace", "}");
export const Comma = punct("Comma", ",");
export const Semi = punct("Semi", ";");

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
// Comment tokens go to the "comments" group: kept for the formatter and doc attachment, invisible to the parser.
export const InnerDocComment = createToken({ name: "InnerDocComment", pattern: /\/\/![^\n\r]*/, group: "comments" });
export const DocComment = createToken({ name: "DocComment", pattern: /\/\/\/(?!\/)[^\n\r]*/, group: "comments" });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
/** Unterminated block comments run to the end of the file; the parser reports them. */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: (text: string, offset: number) => {
    if (text.charCodeAt(offset) !== 47 || text.charCodeAt(offset + 1) !== 42) return null;
    const close = text.indexOf("*/", offset + 2);
    const m = [text.slice(offset, close < 0 ? text.length : close + 2)] as unknown as RegExpExecArray;
    return m;
  },
  start_chars_hint: ["/"],
  group: "comments",
  line_breaks: true,
});

export const allTokens: TokenType[] = [
  WhiteSpace,
  InnerDocComment,
  DocComment,
  LineComment,
  BlockComment,
  StrLit,
  IntLit,
  ...allKeywords,
  Underscore,
  Ident,
  DotDotEq,
  DotDot,
  Dot,
  ColonColon,
  Colon,
  Arrow,
  FatArrow,
  EqEq,
  NotEq,
  Bang,
  ShlAssign,
  Shl,
  LtEq,
  Lt,
  ShrAssign,
  GtEq,
  Gt,
  AndAnd,
  AndAssign,
  Amp,
  OrOr,
  OrAssign,
  Pipe,
  XorAssign,
  Caret,
  StarStar,
  StarAssign,
  Star,
  PlusAssign,
  Plus,
  MinusAssign,
  Minus,
  SlashAssign,
  Slash,
  PercentAssign,
  Percent,
  Tilde,
  At,
  Eq,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Semi,
];

export const KEYWORDS: readonly string[] = allKeywords.map((t) => t.name.slice(3));
export const RESERVED_WORDS: readonly string[] = allKeywords
  .filter((t) => !(t.CATEGORIES ?? []).includes(Ident))
  .map((t) => t.name.slice(3));

export const cwlLexer = new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: false });

export interface LexError {
  offset: number;
  length: number;
  char: string;
}

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  errors: LexError[];
}

/** Splits `text` into tokens (whitespace dropped) and comments; never throws. */
export function tokenize(text: string): LexResult {
  const r = cwlLexer.tokenize(text);
  return {
    tokens: r.tokens,
    comments: r.groups.comments ?? [],
    errors: r.errors.map((e) => ({ offset: e.offset, length: e.length, char: text.substr(e.offset, e.length) })),
  };
}

export type IntSuffixText = "u8" | "u16" | "u32" | "u64" | "u128";
const SUFFIXES = new Set(["u8", "u16", "u32", "u64", "u128"]);
const DIGITS = { 2: /^([01_]*)(.*)$/, 10: /^([0-9_]*)(.*)$/, 16: /^([0-9a-fA-F_]*)(.*)$/ } as const;

export type DecodedInt =
  | { ok: true; value: bigint; radix: 2 | 10 | 16; suffix?: IntSuffixText }
  | { ok: false; message: string; hint: string };

/** Validates and decodes an IntLit token's text: digits with `_` separators, radix prefix, optional suffix. */
export function decodeInt(text: string): DecodedInt {
  let radix: 2 | 10 | 16 = 10;
  let body = text;
  if (/^0[xX]/.test(text)) {
    radix = 16;
    body = text.slice(2);
  } else if (/^0[bB]/.test(text)) {
    radix = 2;
    body = text.slice(2);
  }
  const m = DIGITS[radix].exec(body)!;
  const digits = m[1].replace(/_/g, "");
  let rest = m[2];
  if (digits.length === 0) {
    const what = radix === 16 ? "hexadecimal" : radix === 2 ? "binary" : "decimal";
    return {
      ok: false,
      message: `${what} literal \`${text}\` has no digits`,
      hint: radix === 16 ? "write e.g. `0x1f`" : radix === 2 ? "write e.g. `0b1010`" : "write e.g. `42`",
    };
  }
  let suffix: IntSuffixText | undefined;
  if (rest.startsWith("_")) rest = rest.replace(/^_+/, "");
  if (rest.length > 0) {
    if (SUFFIXES.has(rest)) suffix = rest as IntSuffixText;
    else if (radix === 2 && /^[0-9]/.test(rest))
      return {
        ok: false,
        message: `invalid digit \`${rest[0]}\` in binary literal \`${text}\``,
        hint: "binary literals use only the digits 0 and 1",
      };
    else if (radix === 10 && /^[0-9a-fA-F]+$/.test(rest))
      return {
        ok: false,
        message: `invalid suffix \`${rest}\` on integer literal \`${text}\``,
        hint: "for hexadecimal write `0x` before the digits; valid suffixes are u8, u16, u32, u64, u128",
      };
    else
      return {
        ok: false,
        message: `invalid suffix \`${rest}\` on integer literal \`${text}\``,
        hint: "valid suffixes are u8, u16, u32, u64, u128",
      };
  }
  const value = BigInt((radix === 16 ? "0x" : radix === 2 ? "0b" : "") + digits);
  return { ok: true, value, radix, suffix };
}

/** Resolves `\n \t \r \0 \\ \" \'` and `\u{...}`; unknown escapes are kept verbatim (reported by the parser). */
export function decodeString(raw: string): { value: string; badEscape?: { offset: number; text: string } } {
  const inner = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
  let out = "";
  let badEscape: { offset: number; text: string } | undefined;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const n = inner[i + 1];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'" };
    if (n !== undefined && n in simple) {
      out += simple[n];
      i++;
    } else if (n === "u" && inner[i + 2] === "{") {
      const close = inner.indexOf("}", i + 3);
      const hex = close > 0 ? inner.slice(i + 3, close) : "";
      const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (Number.isNaN(cp) || cp > 0x10ffff) {
        badEscape ??= { offset: i + 1, text: inner.slice(i, close > 0 ? close + 1 : i + 3) };
        out += "\\";
      } else {
        out += String.fromCodePoint(cp);
        i = close;
      }
    } else {
      badEscape ??= { offset: i + 1, text: "\\" + (n ?? "") };
      out += "\\";
    }
  }
  return { value: out, badEscape };
}
