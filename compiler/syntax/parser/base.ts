// The parser's base: how rules are registered (recovery values, re-sync), the error hooks chevrotain calls,
// and the span and reporting helpers every construct uses. The grammar itself is split by construct
// (item, spec, type, pattern, stmt, expr), one class each, chained by inheritance; ../parser.ts closes the
// chain and runs chevrotain's grammar analysis once every rule exists.
import {
  EarlyExitException,
  EmbeddedActionsParser,
  EOF,
  NoViableAltException,
  tokenMatcher,
  type IRuleConfig,
  type IToken,
  type ParserMethod,
  type TokenType,
} from "chevrotain";
import type { Diagnostic, Span } from "../../../base/diagnostics/index.ts";
import type * as A from "../ast.ts";
import * as T from "../lexer.ts";
import { describeToken, errorMessageProvider, EXPR_RULES } from "../messages.ts";

/**
 * tsx/esbuild (keepNames) wraps every function written as an object-literal property in a
 * defineProperty call that names it; for chevrotain's `{ ALT: anon(() => ...) }` objects, built on every
 * call, that doubled parse time. A function passed through a call stays anonymous, so `anon(f)`.
 */
export const anon = <F>(f: F): F => f;

// Expression levels re-sync at their statement, item or list element (see RULE below); `expr`, `primary`
// and `binaryExpr` keep re-sync because types, attributes and generic arguments call them directly.
const NO_RESYNC = new Set([
  ...[...EXPR_RULES].filter((r) => r !== "expr" && r !== "primary" && r !== "binaryExpr"),
  "exprPath",
  "pathOrStructExpr",
]);

/** Binding strength of binary operators (higher binds tighter); comparisons share one level. */
export const PREC: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  in: 3,
  "|": 4,
  "^": 5,
  "&": 6,
  "<<": 7,
  ">>": 7,
  "+": 8,
  "-": 8,
  "*": 9,
  "/": 9,
  "%": 9,
  "@": 9,
};

export const TOKEN_OP = new Map<TokenType, string>([
  [T.OrOr, "||"],
  [T.AndAnd, "&&"],
  [T.EqEq, "=="],
  [T.NotEq, "!="],
  [T.LtEq, "<="],
  [T.Lt, "<"],
  [T.GtEq, ">="],
  [T.Gt, ">"],
  [T.In, "in"],
  [T.Pipe, "|"],
  [T.Caret, "^"],
  [T.Amp, "&"],
  [T.Shl, "<<"],
  [T.Plus, "+"],
  [T.Minus, "-"],
  [T.Star, "*"],
  [T.Slash, "/"],
  [T.Percent, "%"],
  [T.At, "@"],
]);

export const isEof = (t: IToken | undefined): boolean => !t || t.tokenType === EOF;

export abstract class ParserBase extends EmbeddedActionsParser {
  fileId = 0;
  text = "";
  /** Diagnostics found by checks in actions (not by chevrotain): bad literals, chained comparisons, ... */
  extra: Diagnostic[] = [];
  protected noStruct = false;
  protected noGenericArgs = false;
  protected noDotPostfix = false;
  /** Where "found end of file" errors point: just after the last token, not after trailing comments. */
  protected lastTokEnd = 0;

  /** `validate`: see CwlParser (../parser.ts), which runs the grammar analysis once the whole chain is built. */
  constructor(validate: boolean) {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider, skipValidations: !validate });
  }

  // Rules that an earlier file of the chain calls and a later one defines (types and patterns hold
  // expressions, expressions hold blocks, items hold specs). `declare` emits no field, so the later
  // file's rule is the one that exists once the parser is built.
  declare expr: ParserMethod<[], A.Expr>;
  declare binaryExpr: ParserMethod<[minPrec?: number], A.Expr>;
  declare literal: ParserMethod<[], A.Expr>;
  declare block: ParserMethod<[], A.Block>;
  declare specItem: ParserMethod<[], A.SpecItem>;

  load(fileId: number, text: string, tokens: IToken[]): void {
    this.fileId = fileId;
    this.text = text;
    this.extra = [];
    this.noStruct = false;
    this.noGenericArgs = false;
    this.noDotPostfix = false;
    const last = tokens[tokens.length - 1];
    this.lastTokEnd = last ? last.startOffset + last.image.length : 0;
    this.input = tokens;
    // chevrotain's reset (run by the `input` setter) leaves the rule stack's index alone; a parse that
    // ran out of stack never unwound it, and the next parse would start mid-stack.
    (this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX = -1;
    this.resyncMemo.clear();
  }

  /**
   * chevrotain's end-of-parse hook runs in a `finally`: after running out of stack, the rule stack's
   * index can be left below empty, the hook then fails ("Invalid array length") and that error hides
   * the stack overflow, which `parse` reports as E0026. Clamp the index first.
   */
  onAfterParse(ruleName: string): void {
    const self = this as unknown as { RULE_STACK_IDX: number };
    if (self.RULE_STACK_IDX < -1) self.RULE_STACK_IDX = -1;
    (EmbeddedActionsParser.prototype as unknown as { onAfterParse(this: unknown, r: string): void }).onAfterParse.call(this, ruleName);
  }

  /** Drops the last file's text and tokens: the parser is kept for the process, they are not. */
  release(): void {
    this.text = "";
    this.input = [];
  }

  /**
   * Every rule gets a recovery value unless it names its own: when chevrotain re-syncs out of a rule,
   * its caller still receives a well-formed node (Error placeholders, empty lists, empty names), so
   * actions never meet `undefined` and consumers of the tree need no null checks.
   */
  protected override RULE<F extends (...args: any[]) => any>(
    name: string,
    implementation: F,
    config?: IRuleConfig<ReturnType<F>>,
  ): ParserMethod<Parameters<F>, ReturnType<F>> {
    // Re-sync is attempted in every rule an error unwinds through, each time flattening the follow sets
    // of the whole rule stack; inside the 17 expression levels that made broken input parse ~quadratically
    // slow. Expressions re-sync at their statement, item or list element instead.
    const resyncEnabled = !NO_RESYNC.has(name);
    return super.RULE(
      name,
      implementation,
      config ?? { recoveryValueFunc: (e) => this.recoveryValue(name, e.token), resyncEnabled },
    );
  }

  protected recoveryValue(rule: string, t: IToken): any {
    const span = this.tokSpan(t);
    const ident: A.Ident = { kind: "Ident", name: "", span };
    const errExpr: A.ErrorExpr = { kind: "ErrorExpr", span };
    const errType: A.ErrorType = { kind: "ErrorType", span };
    const block: A.Block = { kind: "Block", stmts: [], span };
    const path: A.Path = { kind: "Path", segments: [{ kind: "PathSegment", name: ident, span }], span };
    switch (rule) {
      case "argList":
      case "paramList":
      case "genericParams":
      case "genericArgs":
      case "exprListBracket":
      case "binders":
      case "useGroup":
        return [];
      case "typePath":
      case "exprPath":
        return path;
      case "block":
        return block;
      case "pattern":
        return { kind: "WildcardPattern", span } satisfies A.WildcardPattern;
      case "fieldDecl":
        return { kind: "FieldDecl", attrs: [], isPub: false, name: ident, type: errType, span } satisfies A.FieldDecl;
      case "param":
        return { kind: "Param", attrs: [], mutable: false, name: ident, type: errType, span } satisfies A.Param;
      case "genericParam":
        return { kind: "TypeParam", name: ident, bounds: [], span } satisfies A.TypeParam;
      case "genericArg":
        return { kind: "TypeArg", type: errType, span } satisfies A.TypeArg;
      case "specParam":
        return { kind: "SpecParam", name: ident, span } satisfies A.SpecParam;
      case "fieldInit":
        return { kind: "FieldInit", name: ident, value: errExpr, span } satisfies A.FieldInit;
      case "comprehensionClause":
        return {
          kind: "ComprehensionClause",
          pattern: { kind: "WildcardPattern", span },
          iter: errExpr,
          span,
        } satisfies A.ComprehensionClause;
      case "attribute":
        return { kind: "Attribute", name: ident, args: [], span } satisfies A.Attribute;
      case "useTree":
        return { kind: "UseTree", prefix: [], glob: false, span } satisfies A.UseTree;
      case "noninterference":
        return { kind: "Noninterference", secret: [], observer: [], span } satisfies A.Noninterference;
      case "ifExpr":
        return { kind: "If", cond: errExpr, then: block, span } satisfies A.IfExpr;
      case "blockExpr":
        return { kind: "BlockExpr", block, span } satisfies A.BlockExpr;
      case "type":
        return errType;
      default:
        // Item, member and statement rules: undefined, and their callers drop it.
        return /Item$|Stmt$|^spec(?!Item)|^item$|^statement$|^module$/.test(rule) ? undefined : errExpr;
    }
  }

  // chevrotain computes every alternative's lookahead paths before raising a no-viable-alternative or
  // early-exit error, only to hand them to the message provider, which ignores them (our messages
  // name the rule instead). On broken input that was most of the parse time, so skip it.
  raiseNoAltException(_occurrence: number, errMsgTypes: string | undefined): never {
    const msg = errorMessageProvider.buildNoViableAltMessage({
      expectedPathsPerAlt: [],
      actual: [this.LA(1)],
      previous: this.LA(0),
      customUserDescription: errMsgTypes,
      ruleName: this.currentRule(),
    });
    throw this.saveError(new NoViableAltException(msg, this.LA(1), this.LA(0)));
  }

  raiseEarlyExitException(_occurrence: number, _prodType: unknown, userDefinedErrMsg: string | undefined): never {
    const msg = errorMessageProvider.buildEarlyExitMessage({
      expectedIterationPaths: [],
      actual: [this.LA(1)],
      previous: this.LA(0),
      customUserDescription: userDefinedErrMsg,
      ruleName: this.currentRule(),
    });
    throw this.saveError(new EarlyExitException(msg, this.LA(1), this.LA(0)));
  }

  // Single-token insertion/deletion recovery asks which tokens may follow the failing one, found by
  // walking the grammar down the whole rule stack each time. The answer depends only on the grammar
  // position, so remember it (one map for the process: the grammar never changes).
  protected static followsCache = new Map<string, TokenType[]>();
  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[] {
    const self = this as unknown as { RULE_STACK: number[]; RULE_STACK_IDX: number; RULE_OCCURRENCE_STACK: number[] };
    const n = self.RULE_STACK_IDX + 1;
    const key = `${self.RULE_STACK.slice(0, n).join(",")}|${self.RULE_OCCURRENCE_STACK.slice(0, n).join(",")}|${tokType.name}|${tokIdxInRule}`;
    let follows = ParserBase.followsCache.get(key);
    if (!follows) {
      follows = (
        EmbeddedActionsParser.prototype as unknown as {
          getFollowsForInRuleRecovery(this: unknown, t: TokenType, i: number): TokenType[];
        }
      ).getFollowsForInRuleRecovery.call(this, tokType, tokIdxInRule);
      ParserBase.followsCache.set(key, follows);
    }
    return follows;
  }

  /** Index of the last token consumed (where the parser stood when it ran out of stack). */
  position(): number {
    return (this as unknown as { exportLexerState(): number }).exportLexerState();
  }

  /**
   * Where error recovery re-syncs: the first token ahead that may follow some rule on the stack.
   * chevrotain scans for it on every repetition it recovers in; at the top level only the end of the
   * file follows, so each error between items scanned to the end of the file (quadratic on a badly
   * broken file). The first match after a position stays the first match after any later position
   * before it, so one scan serves every recovery in between (per rule stack; reset by `load`).
   */
  private resyncMemo = new Map<string, { from: number; at: number; type: TokenType }>();
  findReSyncTokenType(): TokenType {
    const self = this as unknown as {
      RULE_STACK: number[];
      RULE_STACK_IDX: number;
      RULE_OCCURRENCE_STACK: number[];
      flattenFollowSet(): TokenType[];
    };
    const n = self.RULE_STACK_IDX + 1;
    const key = `${self.RULE_STACK.slice(0, n).join(",")}|${self.RULE_OCCURRENCE_STACK.slice(0, n).join(",")}`;
    const pos = this.position();
    const memo = this.resyncMemo.get(key);
    if (memo && memo.from <= pos && pos < memo.at) return memo.type;
    const follows = self.flattenFollowSet();
    // Always ends: the end of file follows the top rule, and LA past the input is the end of file.
    for (let k = 1; ; k++) {
      const t = this.LA(k);
      const type = follows.find((f) => tokenMatcher(t, f));
      if (type) {
        this.resyncMemo.set(key, { from: pos, at: pos + k, type });
        return type;
      }
    }
  }

  protected currentRule(): string {
    return (this as unknown as { getCurrRuleFullName(): string }).getCurrRuleFullName();
  }
  protected saveError(e: Error): Error {
    return (this as unknown as { SAVE_ERROR(e: Error): Error }).SAVE_ERROR(e);
  }

  // ------------------------------------------------------------------ spans and helpers

  /** Start offset of a token; virtual tokens (inserted by recovery, EOF) sit at the previous token's end. */
  protected tokStart(t: IToken): number {
    if (isEof(t) || Number.isNaN(t.startOffset)) return this.prevEnd();
    return t.startOffset;
  }
  protected prevEnd(): number {
    const t = this.LA(0);
    if (isEof(t) || Number.isNaN(t.startOffset)) return 0;
    return t.startOffset + t.image.length;
  }
  protected here(): number {
    const t = this.LA(1);
    return isEof(t) ? this.text.length : t.startOffset;
  }
  protected span(start: number): Span {
    return { file: this.fileId, start, end: Math.max(start, this.prevEnd()) };
  }
  tokSpan(t: IToken): Span {
    if (isEof(t) || Number.isNaN(t.startOffset)) {
      const p = isEof(t) ? this.lastTokEnd : this.prevEnd();
      return { file: this.fileId, start: p, end: p };
    }
    return { file: this.fileId, start: t.startOffset, end: t.startOffset + t.image.length };
  }
  protected ident(t: IToken): A.Ident {
    return { kind: "Ident", name: t.image ?? "", span: this.tokSpan(t) };
  }
  protected errExpr(t: IToken): A.ErrorExpr {
    return { kind: "ErrorExpr", span: this.tokSpan(t) };
  }
  protected report(code: string, message: string, span: Span, hint?: string): void {
    this.extra.push({ severity: "error", code, message, span, hint });
  }
  /** Runs grammar `f` with a parser flag set, restoring it even when recovery unwinds through it. */
  protected flag<R>(name: "noStruct" | "noGenericArgs" | "noDotPostfix", value: boolean, f: () => R): R {
    const saved = this[name];
    this[name] = value;
    try {
      return f();
    } finally {
      this[name] = saved;
    }
  }
  protected isAdjacent(a: IToken, b: IToken): boolean {
    return !isEof(a) && !isEof(b) && a.startOffset + a.image.length === b.startOffset;
  }

  /** An optional `,` after a list element; when absent and the list goes on, report it and go on. */
  protected separator(what: string, closer: TokenType): void {
    const comma = this.OPTION9(() => this.CONSUME9(T.Comma));
    // `a: u32; b: u32` — the `;` is taken as the separator it was meant to be, and reported.
    const semi = this.OPTION8({ GATE: anon(() => comma === undefined), DEF: anon(() => this.CONSUME8(T.Semi)) });
    this.ACTION(() => {
      const next = this.LA(1);
      if (semi) {
        this.report(
          "E0011",
          `expected \`,\` between ${what}, found \`;\``,
          this.tokSpan(semi),
          `${what} are separated by \`,\`, not \`;\``,
        );
        return;
      }
      // Only when the next token starts another element; otherwise the missing closer is the error.
      const startsElement =
        isIdentLike(next.tokenType) || [T.At, T.Pub, T.Priv, T.Secret, T.Public, T.Mut].includes(next.tokenType);
      if (comma || next.tokenType === closer || !startsElement) return;
      const at = this.prevEnd();
      this.report(
        "E0011",
        `expected \`,\` between ${what}, found ${describeToken(next)}`,
        { file: this.fileId, start: at, end: at },
        `${what} are separated by \`,\``,
      );
    });
  }
}

export function isIdentLike(t: TokenType): boolean {
  return t === T.Ident || (t.CATEGORIES ?? []).includes(T.Ident);
}
