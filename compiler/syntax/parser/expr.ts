// The ChainWeave grammar as a chevrotain embedded-actions parser: each rule builds AST nodes directly.
// All AST construction sits inside ACTION(...) because chevrotain first *records* every rule with
// placeholder values; only grammar calls may run during recording. Error recovery is chevrotain's
// (single-token insertion/deletion, re-sync at the follow sets of items, statements and list
// elements); rules that can fail return Error placeholders so the tree is always well-formed.
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
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import type * as A from "./ast.ts";
import * as T from "./lexer.ts";
import { describeToken, errorMessageProvider, EXPR_RULES } from "./messages.ts";

/**
 * tsx/esbuild (keepNames) wraps every function written as an object-literal property in a
 * defineProperty call that names it; for chevrotain's `{ ALT: anon(() => ...) }` objects, built on every
 * call, that doubled parse time. A function passed through a call stays anonymous, so `anon(f)`.
 */
const anon = <F>(f: F): F => f;

// Expression levels re-sync at their statement, item or list element (see RULE below); `expr`, `primary`
// and `binaryExpr` keep re-sync because types, attributes and generic arguments call them directly.
const NO_RESYNC = new Set([
  ...[...EXPR_RULES].filter((r) => r !== "expr" && r !== "primary" && r !== "binaryExpr"),
  "exprPath",
  "pathOrStructExpr",
]);

/** Binding strength of binary operators (higher binds tighter); comparisons share one level. */
const PREC: Record<string, number> = {
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

const TOKEN_OP = new Map<TokenType, string>([
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

const isEof = (t: IToken | undefined): boolean => !t || t.tokenType === EOF;

export class CwlParser extends EmbeddedActionsParser {
  fileId = 0;
  text = "";
  /** Diagnostics found by checks in actions (not by chevrotain): bad literals, chained comparisons, ... */
  extra: Diagnostic[] = [];
  private noStruct = false;
  private noGenericArgs = false;
  private noDotPostfix = false;
  /** Where "found end of file" errors point: just after the last token, not after trailing comments. */
  private lastTokEnd = 0;

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion, duplicate occurrence
   * indices). They cost about half of the start-up time, so only the test suite turns them on.
   */
  constructor(validate = false) {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider, skipValidations: !validate });
    this.performSelfAnalysis();
  }

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

  private recoveryValue(rule: string, t: IToken): any {
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
  private static followsCache = new Map<string, TokenType[]>();
  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[] {
    const self = this as unknown as { RULE_STACK: number[]; RULE_STACK_IDX: number; RULE_OCCURRENCE_STACK: number[] };
    const n = self.RULE_STACK_IDX + 1;
    const key = `${self.RULE_STACK.slice(0, n).join(",")}|${self.RULE_OCCURRENCE_STACK.slice(0, n).join(",")}|${tokType.name}|${tokIdxInRule}`;
    let follows = CwlParser.followsCache.get(key);
    if (!follows) {
      follows = (
        EmbeddedActionsParser.prototype as unknown as {
          getFollowsForInRuleRecovery(this: unknown, t: TokenType, i: number): TokenType[];
        }
      ).getFollowsForInRuleRecovery.call(this, tokType, tokIdxInRule);
      CwlParser.followsCache.set(key, follows);
    }
    return follows;
  }

  private currentRule(): string {
    return (this as unknown as { getCurrRuleFullName(): string }).getCurrRuleFullName();
  }
  private saveError(e: Error): Error {
    return (this as unknown as { SAVE_ERROR(e: Error): Error }).SAVE_ERROR(e);
  }

  // ------------------------------------------------------------------ spans and helpers

  /** Start offset of a token; virtual tokens (inserted by recovery, EOF) sit at the previous token's end. */
  private tokStart(t: IToken): number {
    if (isEof(t) || Number.isNaN(t.startOffset)) return this.prevEnd();
    return t.startOffset;
  }
  private prevEnd(): number {
    const t = this.LA(0);
    if (isEof(t) || Number.isNaN(t.startOffset)) return 0;
    return t.startOffset + t.image.length;
  }
  private here(): number {
    const t = this.LA(1);
    return isEof(t) ? this.text.length : t.startOffset;
  }
  private span(start: number): Span {
    return { file: this.fileId, start, end: Math.max(start, this.prevEnd()) };
  }
  tokSpan(t: IToken): Span {
    if (isEof(t) || Number.isNaN(t.startOffset)) {
      const p = isEof(t) ? this.lastTokEnd : this.prevEnd();
      return { file: this.fileId, start: p, end: p };
    }
    return { file: this.fileId, start: t.startOffset, end: t.startOffset + t.image.length };
  }
  private ident(t: IToken): A.Ident {
    return { kind: "Ident", name: t.image ?? "", span: this.tokSpan(t) };
  }
  private errExpr(t: IToken): A.ErrorExpr {
    return { kind: "ErrorExpr", span: this.tokSpan(t) };
  }
  private report(code: string, message: string, span: Span, hint?: string): void {
    this.extra.push({ severity: "error", code, message, span, hint });
  }
  /** Runs grammar `f` with a parser flag set, restoring it even when recovery unwinds through it. */
  private flag<R>(name: "noStruct" | "noGenericArgs" | "noDotPostfix", value: boolean, f: () => R): R {
    const saved = this[name];
    this[name] = value;
    try {
      return f();
    } finally {
      this[name] = saved;
    }
  }
  private isAdjacent(a: IToken, b: IToken): boolean {
    return !isEof(a) && !isEof(b) && a.startOffset + a.image.length === b.startOffset;
  }

  /** An optional `,` after a list element; when absent and the list goes on, report it and go on. */
  private separator(what: string, closer: TokenType): void {
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

  // ------------------------------------------------------------------ module and items

  /** Items parsed so far, so that a failure that unwinds to the top still keeps them. */
  private topItems: A.Item[] = [];

  private moduleNode(): A.Module {
    return {
      kind: "Module",
      file: this.fileId,
      items: this.topItems,
      span: { file: this.fileId, start: 0, end: this.text.length },
    };
  }

  module = this.RULE(
    "module",
    (): A.Module => {
      this.ACTION(() => (this.topItems = []));
      this.MANY(() => {
        const it = this.SUBRULE(this.item);
        this.ACTION(() => it && this.topItems.push(it));
      });
      return this.ACTION(() => this.moduleNode());
    },
    { recoveryValueFunc: () => this.moduleNode() },
  );

  attribute = this.RULE("attribute", (): A.Attribute => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.At);
    const name = this.CONSUME(T.Ident);
    let args: A.Expr[] = [];
    this.OPTION(() => {
      args = this.SUBRULE(this.argList);
    });
    return this.ACTION(() => ({ kind: "Attribute", name: this.ident(name), args, span: this.span(s) }));
  });

  item = this.RULE(
    "item",
    (): A.Item => {
      const s = this.ACTION(() => this.here());
      const attrs: A.Attribute[] = [];
      this.MANY(() => {
        const a = this.SUBRULE(this.attribute);
        attrs.push(a);
      });
      const pub = this.OPTION(() => this.CONSUME(T.Pub));
      const it: A.Item = this.OR([
        { ALT: anon(() => this.SUBRULE(this.useItem)) },
        { ALT: anon(() => this.SUBRULE(this.modItem)) },
        { ALT: anon(() => this.SUBRULE(this.constItem)) },
        { ALT: anon(() => this.SUBRULE(this.structItem)) },
        { ALT: anon(() => this.SUBRULE(this.fnItem)) },
        { ALT: anon(() => this.SUBRULE(this.fieldItem)) },
        { ALT: anon(() => this.SUBRULE(this.tableItem)) },
        { ALT: anon(() => this.SUBRULE(this.typeAliasItem)) },
        { ALT: anon(() => this.SUBRULE(this.callableItem)) },
        { ALT: anon(() => this.SUBRULE(this.specItem)) },
      ]);
      return this.ACTION(() => {
        if (!it) return it;
        it.attrs = attrs;
        it.isPub = pub !== undefined;
        it.span = this.span(s);
        return it;
      });
    },
    { recoveryValueFunc: () => undefined as unknown as A.Item },
  );

  private base(): A.ItemBase {
    return { attrs: [], isPub: false, span: { file: this.fileId, start: 0, end: 0 } };
  }

  useItem = this.RULE("useItem", (): A.UseItem => {
    this.CONSUME(T.Use);
    const tree = this.SUBRULE(this.useTree);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "Use", tree }));
  });

  useTree = this.RULE("useTree", (): A.UseTree => {
    const s = this.ACTION(() => this.here());
    const prefix: A.Ident[] = [];
    let alias: A.Ident | undefined;
    let group: A.UseTree[] | undefined;
    let glob = false;
    this.OR([
      {
        ALT: anon(() => {
          const first = this.CONSUME(T.Ident);
          this.ACTION(() => prefix.push(this.ident(first)));
          this.MANY2(() => {
            this.CONSUME(T.ColonColon);
            const seg = this.CONSUME2(T.Ident);
            this.ACTION(() => prefix.push(this.ident(seg)));
          });
          this.OPTION3(() => {
            this.OR2([
              {
                ALT: anon(() => {
                  this.CONSUME2(T.ColonColon);
                  this.OR3([
                    { ALT: () => (group = this.SUBRULE(this.useGroup)) },
                    {
                      ALT: () => {
                        this.CONSUME(T.Star);
                        glob = true;
                      },
                    },
                  ]);
                }),
              },
              {
                ALT: anon(() => {
                  this.CONSUME(T.As);
                  const a = this.CONSUME3(T.Ident);
                  this.ACTION(() => (alias = this.ident(a)));
                }),
              },
            ]);
          });
        }),
      },
      { ALT: anon(() => (group = this.SUBRULE2(this.useGroup))) },
      {
        ALT: anon(() => {
          this.CONSUME2(T.Star);
          glob = true;
        }),
      },
    ]);
    return this.ACTION(() => ({ kind: "UseTree", prefix, alias, group, glob, span: this.span(s) }));
  });

  useGroup = this.RULE("useGroup", (): A.UseTree[] => {
    const g: A.UseTree[] = [];
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      g.push(this.SUBRULE(this.useTree));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        g.push(this.SUBRULE2(this.useTree));
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBrace);
    return g;
  });

  modItem = this.RULE("modItem", (): A.ModItem => {
    this.CONSUME(T.Mod);
    const name = this.CONSUME(T.Ident);
    let items: A.Item[] | undefined;
    this.OR([
      { ALT: anon(() => this.CONSUME(T.Semi)) },
      {
        ALT: anon(() => {
          this.CONSUME(T.LBrace);
          const list: A.Item[] = [];
          this.MANY(() => {
            const it = this.SUBRULE(this.item);
            this.ACTION(() => it && list.push(it));
          });
          this.CONSUME(T.RBrace);
          items = list;
        }),
      },
    ]);
    return this.ACTION(() => ({ ...this.base(), kind: "Mod", name: this.ident(name), items }));
  });

  constItem = this.RULE("constItem", (): A.ConstItem => {
    this.CONSUME(T.Const);
    const name = this.CONSUME(T.Ident);
    let type: A.Type | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      type = this.SUBRULE(this.type);
    });
    this.CONSUME(T.Eq);
    const value = this.SUBRULE(this.expr);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "Const", name: this.ident(name), type, value }));
  });

  structItem = this.RULE("structItem", (): A.StructItem => {
    this.CONSUME(T.Struct);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION(() => (generics = this.SUBRULE(this.genericParams)));
    const fields: A.FieldDecl[] = [];
    this.CONSUME(T.LBrace);
    // Separators are checked by hand so that a missing `,` costs one diagnostic, not the struct.
    this.MANY(() => {
      fields.push(this.SUBRULE(this.fieldDecl));
      this.separator("struct fields", T.RBrace);
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ ...this.base(), kind: "Struct", name: this.ident(name), generics, fields }));
  });

  fieldDecl = this.RULE("fieldDecl", (): A.FieldDecl => {
    const s = this.ACTION(() => this.here());
    const attrs: A.Attribute[] = [];
    this.MANY(() => attrs.push(this.SUBRULE(this.attribute)));
    const pub = this.OPTION(() => this.CONSUME(T.Pub));
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.type);
    return this.ACTION(() => ({
      kind: "FieldDecl",
      attrs,
      isPub: pub !== undefined,
      name: this.ident(name),
      type,
      span: this.span(s),
    }));
  });

  fnItem = this.RULE("fnItem", (): A.FnItem => {
    const hint = this.OPTION(() => this.CONSUME(T.Hint));
    this.CONSUME(T.Fn);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION2(() => (generics = this.SUBRULE(this.genericParams)));
    const params = this.SUBRULE(this.paramList);
    let ret: A.Type | undefined;
    this.OPTION3(() => {
      this.CONSUME(T.Arrow);
      ret = this.SUBRULE(this.type);
    });
    const body = this.SUBRULE(this.block);
    return this.ACTION(() => ({
      ...this.base(),
      kind: "Fn",
      hint: hint !== undefined,
      name: this.ident(name),
      generics,
      params,
      ret,
      body,
    }));
  });

  fieldItem = this.RULE("fieldItem", (): A.FieldItem => {
    this.CONSUME(T.FieldKw);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Eq);
    const modulus = this.SUBRULE(this.expr);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "PrimeField", name: this.ident(name), modulus }));
  });

  tableItem = this.RULE("tableItem", (): A.TableItem => {
    this.CONSUME(T.Table);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.type);
    this.CONSUME(T.Eq);
    let value: A.Expr | undefined;
    let dynamic: true | undefined;
    this.OR([
      {
        // `dynamic` is a word only here, right before the `;`: `= dynamic + 1` is an expression.
        GATE: anon(() => this.LA(2).tokenType === T.Semi),
        IGNORE_AMBIGUITIES: true,
        ALT: anon(() => {
          this.CONSUME(T.Dynamic);
          this.ACTION(() => (dynamic = true));
        }),
      },
      { ALT: anon(() => (value = this.SUBRULE(this.expr))) },
    ]);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "Table", name: this.ident(name), type, value, dynamic }));
  });

  typeAliasItem = this.RULE("typeAliasItem", (): A.TypeAliasItem => {
    this.CONSUME(T.Type);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION(() => (generics = this.SUBRULE(this.genericParams)));
    this.CONSUME(T.Eq);
    const type = this.SUBRULE(this.type);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "TypeAlias", name: this.ident(name), generics, type }));
  });

  /** circuit / program / protocol / kernel share one shape: name, generics, params, return type, body. */
  callableItem = this.RULE("callableItem", (): A.CircuitItem | A.ProgramItem | A.ProtocolItem | A.KernelItem => {
    const kw = this.OR([
      { ALT: anon(() => this.CONSUME(T.Circuit)) },
      { ALT: anon(() => this.CONSUME(T.Program)) },
      { ALT: anon(() => this.CONSUME(T.Protocol)) },
      { ALT: anon(() => this.CONSUME(T.Kernel)) },
    ]);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION(() => (generics = this.SUBRULE(this.genericParams)));
    const params = this.SUBRULE(this.paramList);
    let ret: A.Type | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Arrow);
      ret = this.SUBRULE(this.type);
    });
    const body = this.SUBRULE(this.block);
    return this.ACTION(() => {
      const kind = ({ circuit: "Circuit", program: "Program", protocol: "Protocol", kernel: "Kernel" } as const)[
        kw.image as "circuit"
      ];
      return { ...this.base(), kind, name: this.ident(name), generics, params, ret, body };
    });
  });

  genericParams = this.RULE("genericParams", (): A.GenericParam[] => {
    const list: A.GenericParam[] = [];
    this.CONSUME(T.Lt);
    this.OPTION(() => {
      list.push(this.SUBRULE(this.genericParam));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        list.push(this.SUBRULE2(this.genericParam));
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.Gt);
    return list;
  });

  genericParam = this.RULE("genericParam", (): A.GenericParam => {
    const s = this.ACTION(() => this.here());
    return this.OR([
      {
        ALT: anon(() => {
          this.CONSUME(T.Const);
          const name = this.CONSUME(T.Ident);
          this.CONSUME(T.Colon);
          const type = this.SUBRULE(this.type);
          let def: A.Expr | undefined;
          this.OPTION(() => {
            this.CONSUME(T.Eq);
            def = this.SUBRULE(this.primary);
          });
          return this.ACTION((): A.ConstParam => ({
            kind: "ConstParam",
            name: this.ident(name),
            type,
            default: def,
            span: this.span(s),
          }));
        }),
      },
      {
        ALT: anon(() => {
          const name = this.CONSUME2(T.Ident);
          const bounds: A.Path[] = [];
          this.OPTION2(() => {
            this.CONSUME2(T.Colon);
            bounds.push(this.SUBRULE(this.typePath));
            this.MANY(() => {
              this.CONSUME(T.Plus);
              bounds.push(this.SUBRULE2(this.typePath));
            });
          });
          return this.ACTION((): A.TypeParam => ({
            kind: "TypeParam",
            name: this.ident(name),
            bounds,
            span: this.span(s),
          }));
        }),
      },
    ]);
  });

  paramList = this.RULE("paramList", (): A.Param[] => {
    const list: A.Param[] = [];
    this.CONSUME(T.LParen);
    this.MANY(() => {
      list.push(this.SUBRULE(this.param));
      this.separator("parameters", T.RParen);
    });
    this.CONSUME(T.RParen);
    return list;
  });

  param = this.RULE("param", (): A.Param => {
    const s = this.ACTION(() => this.here());
    const attrs: A.Attribute[] = [];
    this.MANY(() => attrs.push(this.SUBRULE(this.attribute)));
    let qualifier: A.ParamQualifier | undefined;
    let party: A.Expr | undefined;
    this.OPTION(() => {
      const q = this.OR([
        { ALT: anon(() => this.CONSUME(T.Pub)) },
        { ALT: anon(() => this.CONSUME(T.Priv)) },
        { ALT: anon(() => this.CONSUME(T.Secret)) },
        { ALT: anon(() => this.CONSUME(T.Public)) },
      ]);
      this.ACTION(() => (qualifier = q.image as A.ParamQualifier));
      this.OPTION2(() => {
        this.CONSUME(T.LParen);
        party = this.SUBRULE(this.expr);
        this.CONSUME(T.RParen);
      });
    });
    const mut = this.OPTION3(() => this.CONSUME(T.Mut));
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.type);
    return this.ACTION(() => {
      if (party && qualifier !== "secret" && qualifier !== "public")
        this.report(
          "E0016",
          `a party index is only allowed after \`secret\` or \`public\``,
          party.span,
          "write `secret(0) x: T` for an input of party 0",
        );
      return {
        kind: "Param" as const,
        attrs,
        qualifier,
        party,
        mutable: mut !== undefined,
        name: this.ident(name),
        type,
        span: this.span(s),
      };
    });
  });

  // ------------------------------------------------------------------ spec

  specItem = this.RULE("specItem", (): A.SpecItem => {
    this.CONSUME(T.Spec);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.LBrace);
    const members: A.SpecMember[] = [];
    this.MANY(() => {
      const m = this.SUBRULE(this.specMember);
      this.ACTION(() => m && members.push(m));
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ ...this.base(), kind: "Spec", name: this.ident(name), members }));
  });

  specMember = this.RULE(
    "specMember",
    (): A.SpecMember => {
      const s = this.ACTION(() => this.here());
      const attrs: A.Attribute[] = [];
      this.MANY(() => attrs.push(this.SUBRULE(this.attribute)));
      const m: A.SpecMember = this.OR([
        { ALT: anon(() => this.SUBRULE(this.specParams)) },
        { ALT: anon(() => this.SUBRULE(this.specState)) },
        { ALT: anon(() => this.SUBRULE(this.specAction)) },
        { ALT: anon(() => this.SUBRULE(this.specInvariant)) },
        { ALT: anon(() => this.SUBRULE(this.specProperty)) },
        { ALT: anon(() => this.SUBRULE(this.specAdversary)) },
        { ALT: anon(() => this.SUBRULE(this.typeAliasItem)) },
        { ALT: anon(() => this.SUBRULE(this.constItem)) },
        { ALT: anon(() => this.SUBRULE(this.fnItem)) },
      ]);
      return this.ACTION(() => {
        if (!m) return m;
        m.attrs = attrs;
        m.span = this.span(s);
        return m;
      });
    },
    { recoveryValueFunc: () => undefined as unknown as A.SpecMember },
  );

  private mbase(): A.SpecMemberBase {
    return { attrs: [], span: { file: this.fileId, start: 0, end: 0 } };
  }

  specParams = this.RULE("specParams", (): A.SpecParams => {
    this.CONSUME(T.Params);
    const params: A.SpecParam[] = [];
    params.push(this.SUBRULE(this.specParam));
    this.MANY(() => {
      this.CONSUME(T.Comma);
      params.push(this.SUBRULE2(this.specParam));
    });
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.mbase(), kind: "SpecParams", params }));
  });

  specParam = this.RULE("specParam", (): A.SpecParam => {
    const s = this.ACTION(() => this.here());
    const name = this.CONSUME(T.Ident);
    let type: A.Type | undefined;
    let def: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      type = this.SUBRULE(this.type);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Eq);
      def = this.SUBRULE(this.rangeExpr);
    });
    return this.ACTION(() => ({ kind: "SpecParam", name: this.ident(name), type, default: def, span: this.span(s) }));
  });

  specState = this.RULE("specState", (): A.SpecState => {
    this.CONSUME(T.State);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.type);
    let init: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Eq);
      init = this.SUBRULE(this.expr);
    });
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.mbase(), kind: "SpecState", name: this.ident(name), type, init }));
  });

  specAction = this.RULE("specAction", (): A.SpecAction => {
    this.CONSUME(T.Action);
    const name = this.CONSUME(T.Ident);
    const params = this.SUBRULE(this.paramList);
    let guard: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.When);
      guard = this.SUBRULE(this.condition);
    });
    const body = this.SUBRULE(this.block);
    return this.ACTION(() => ({ ...this.mbase(), kind: "SpecAction", name: this.ident(name), params, guard, body }));
  });

  specInvariant = this.RULE("specInvariant", (): A.SpecInvariant => {
    this.CONSUME(T.Invariant);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const expr = this.SUBRULE(this.expr);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.mbase(), kind: "SpecInvariant", name: this.ident(name), expr }));
  });

  specProperty = this.RULE("specProperty", (): A.SpecProperty => {
    this.CONSUME(T.Property);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const body: A.Expr | A.Noninterference = this.OR([
      {
        GATE: anon(() => this.LA(2).tokenType === T.LParen),
        ALT: anon(() => this.SUBRULE(this.noninterference)),
        IGNORE_AMBIGUITIES: true,
      },
      { ALT: anon(() => this.SUBRULE(this.expr)) },
    ]);
    let fairness: A.Fairness | undefined;
    this.OPTION(() => {
      const s = this.ACTION(() => this.here());
      this.CONSUME(T.Under);
      const f = this.CONSUME2(T.Ident);
      let args: A.Expr[] = [];
      this.OPTION2(() => (args = this.SUBRULE(this.argList)));
      this.ACTION(() => (fairness = { kind: "Fairness", name: this.ident(f), args, span: this.span(s) }));
    });
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.mbase(), kind: "SpecProperty", name: this.ident(name), body, fairness }));
  });

  noninterference = this.RULE("noninterference", (): A.Noninterference => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Noninterference);
    this.CONSUME(T.LParen);
    this.CONSUME(T.Secret);
    this.CONSUME(T.Colon);
    const secret = this.SUBRULE(this.exprListBracket);
    this.CONSUME(T.Comma);
    const obs = this.CONSUME(T.Ident);
    this.CONSUME2(T.Colon);
    const observer = this.SUBRULE2(this.exprListBracket);
    this.OPTION(() => this.CONSUME2(T.Comma));
    this.CONSUME(T.RParen);
    return this.ACTION(() => {
      if (obs.image !== "observer" && !Number.isNaN(obs.startOffset))
        this.report(
          "E0017",
          `expected \`observer:\`, found \`${obs.image}\``,
          this.tokSpan(obs),
          "write `noninterference(secret: [s], observer: [o])`",
        );
      return { kind: "Noninterference", secret, observer, span: this.span(s) };
    });
  });

  exprListBracket = this.RULE("exprListBracket", (): A.Expr[] => {
    const list: A.Expr[] = [];
    this.CONSUME(T.LBracket);
    this.flag("noStruct", false, () => {
      this.OPTION(() => {
        list.push(this.SUBRULE(this.expr));
        this.MANY(() => {
          this.CONSUME(T.Comma);
          list.push(this.SUBRULE2(this.expr));
        });
        this.OPTION2(() => this.CONSUME2(T.Comma));
      });
    });
    this.CONSUME(T.RBracket);
    return list;
  });

  specAdversary = this.RULE("specAdversary", (): A.SpecAdversary => {
    this.CONSUME(T.Adversary);
    const name = this.CONSUME(T.Ident);
    let args: A.Expr[] = [];
    this.OPTION(() => (args = this.SUBRULE(this.argList)));
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.mbase(), kind: "SpecAdversary", name: this.ident(name), args }));
  });

  // ------------------------------------------------------------------ types

  type = this.RULE(
    "type",
    (): A.Type => {
      const s = this.ACTION(() => this.here());
      return this.OR([
        {
          ALT: anon(() => {
            const q = this.OR2([
              { ALT: anon(() => this.CONSUME(T.Secret)) },
              { ALT: anon(() => this.CONSUME(T.Public)) },
            ]);
            let party: A.Expr | undefined;
            // `secret(1) T` names a party; `secret (A, B)` is a secret tuple.
            this.OPTION({
              GATE: anon(() => this.LA(2).tokenType === T.IntLit && this.LA(3).tokenType === T.RParen),
              DEF: anon(() => {
                this.CONSUME2(T.LParen);
                party = this.SUBRULE(this.literal);
                this.CONSUME2(T.RParen);
              }),
            });
            const inner = this.SUBRULE(this.type);
            return this.ACTION((): A.QualifiedType => ({
              kind: "QualifiedType",
              qualifier: q.image as "secret" | "public",
              party,
              inner,
              span: this.span(s),
            }));
          }),
        },
        {
          ALT: anon(() => {
            this.CONSUME(T.Amp);
            const mut = this.OPTION2(() => this.CONSUME(T.Mut));
            const inner = this.SUBRULE2(this.type);
            return this.ACTION((): A.RefType => ({
              kind: "RefType",
              mutable: mut !== undefined,
              inner,
              span: this.span(s),
            }));
          }),
        },
        {
          ALT: anon(() => {
            this.CONSUME(T.LBracket);
            const elem = this.SUBRULE3(this.type);
            let len: A.Expr | undefined;
            this.OPTION3(() => {
              this.CONSUME(T.Semi);
              len = this.flag("noStruct", false, () => this.SUBRULE(this.expr));
            });
            this.CONSUME(T.RBracket);
            return this.ACTION((): A.Type =>
              len
                ? { kind: "ArrayType", elem, len, span: this.span(s) }
                : { kind: "SliceType", elem, span: this.span(s) },
            );
          }),
        },
        {
          ALT: anon(() => {
            this.CONSUME(T.LParen);
            const elems: A.Type[] = [];
            let trailingComma = false;
            this.OPTION4(() => {
              elems.push(this.SUBRULE4(this.type));
              this.MANY(() => {
                this.CONSUME(T.Comma);
                elems.push(this.SUBRULE5(this.type));
              });
              this.OPTION5(() => {
                this.CONSUME2(T.Comma);
                trailingComma = true;
              });
            });
            this.CONSUME(T.RParen);
            // `(T)` is just T in parentheses; `(T,)` is a one-element tuple.
            return this.ACTION((): A.Type =>
              elems.length === 1 && !trailingComma
                ? { ...elems[0], span: this.span(s) }
                : { kind: "TupleType", elems, span: this.span(s) },
            );
          }),
        },
        {
          ALT: anon(() => {
            this.CONSUME(T.Underscore);
            return this.ACTION((): A.InferType => ({ kind: "InferType", span: this.span(s) }));
          }),
        },
        {
          // `0..n` / `-1..=1` — a finite domain starting at an integer; the end is an additive expression.
          ALT: anon(() => {
            const minus = this.OPTION7(() => this.CONSUME(T.Minus));
            const lit = this.SUBRULE2(this.literal);
            const start = this.ACTION((): A.Expr =>
              minus ? { kind: "Unary", op: "-", operand: lit, span: this.span(s) } : lit,
            );
            const op = this.OR3([
              { ALT: anon(() => this.CONSUME(T.DotDot)) },
              { ALT: anon(() => this.CONSUME(T.DotDotEq)) },
            ]);
            const end = this.flag("noDotPostfix", true, () => this.SUBRULE2(this.binaryExpr, { ARGS: [PREC["+"]] }));
            return this.ACTION((): A.RangeType => ({
              kind: "RangeType",
              start,
              end,
              inclusive: op.tokenType === T.DotDotEq,
              span: this.span(s),
            }));
          }),
          GATE: anon(() => this.LA(1).tokenType === T.IntLit || this.LA(1).tokenType === T.Minus),
          IGNORE_AMBIGUITIES: true,
        },
        {
          ALT: anon(() => {
            const path = this.SUBRULE2(this.typePath);
            let range: { end: A.Expr; inclusive: boolean } | undefined;
            this.OPTION6({
              GATE: anon(() => !this.noGenericArgs),
              DEF: anon(() => {
                const op = this.OR4([{ ALT: () => this.CONSUME2(T.DotDot) }, { ALT: () => this.CONSUME2(T.DotDotEq) }]);
                const end = this.flag("noDotPostfix", true, () =>
                  this.SUBRULE3(this.binaryExpr, { ARGS: [PREC["+"]] }),
                );
                this.ACTION(() => (range = { end, inclusive: op.tokenType === T.DotDotEq }));
              }),
            });
            return this.ACTION((): A.Type => {
              if (!range) return { kind: "PathType", path, span: this.span(s) };
              const start: A.PathExpr = { kind: "PathExpr", path, span: path.span };
              return { kind: "RangeType", start, end: range.end, inclusive: range.inclusive, span: this.span(s) };
            });
          }),
        },
      ]);
    },
    { recoveryValueFunc: (e) => ({ kind: "ErrorType", span: this.tokSpan(e.token) }) as A.ErrorType },
  );

  /** `a::b::C<T, 8>` — generic arguments are allowed on each segment (usually the last). */
  typePath = this.RULE("typePath", (): A.Path => {
    const s = this.ACTION(() => this.here());
    const segs: A.PathSegment[] = [];
    const seg = anon(() => {
      const ss = this.ACTION(() => this.here());
      const name = this.CONSUME(T.Ident);
      let args: A.GenericArg[] | undefined;
      this.OPTION({
        GATE: anon(() => !this.noGenericArgs),
        DEF: anon(() => (args = this.SUBRULE(this.genericArgs))),
      });
      this.ACTION(() => segs.push({ kind: "PathSegment", name: this.ident(name), args, span: this.span(ss) }));
    });
    seg();
    this.MANY(() => {
      this.CONSUME(T.ColonColon);
      const ss = this.ACTION(() => this.here());
      const name = this.CONSUME2(T.Ident);
      let args: A.GenericArg[] | undefined;
      this.OPTION2({
        GATE: anon(() => !this.noGenericArgs),
        DEF: anon(() => (args = this.SUBRULE2(this.genericArgs))),
      });
      this.ACTION(() => segs.push({ kind: "PathSegment", name: this.ident(name), args, span: this.span(ss) }));
    });
    return this.ACTION(() => ({ kind: "Path", segments: segs, span: this.span(s) }));
  });

  genericArgs = this.RULE("genericArgs", (): A.GenericArg[] => {
    const list: A.GenericArg[] = [];
    this.CONSUME(T.Lt);
    this.flag("noGenericArgs", false, () =>
      this.OPTION(() => {
        list.push(this.SUBRULE(this.genericArg));
        this.MANY(() => {
          this.CONSUME(T.Comma);
          list.push(this.SUBRULE2(this.genericArg));
        });
        this.OPTION2(() => this.CONSUME2(T.Comma));
      }),
    );
    this.CONSUME(T.Gt);
    return list;
  });

  genericArg = this.RULE("genericArg", (): A.GenericArg => {
    const s = this.ACTION(() => this.here());
    return this.OR([
      {
        // `8` (but `0..8` is a range type) or `{ N + 1 }`: const arguments.
        GATE: anon(() => this.LA(2).tokenType !== T.DotDot && this.LA(2).tokenType !== T.DotDotEq),
        ALT: anon(() => {
          const lit = this.SUBRULE(this.literal);
          return this.ACTION((): A.ConstArg => ({ kind: "ConstArg", value: lit, span: this.span(s) }));
        }),
        IGNORE_AMBIGUITIES: true,
      },
      {
        ALT: anon(() => {
          this.CONSUME(T.LBrace);
          const value = this.flag("noStruct", false, () => this.SUBRULE(this.expr));
          this.CONSUME(T.RBrace);
          return this.ACTION((): A.ConstArg => ({ kind: "ConstArg", value, span: this.span(s) }));
        }),
      },
      {
        ALT: anon(() => {
          const type = this.SUBRULE(this.type);
          return this.ACTION((): A.TypeArg => ({ kind: "TypeArg", type, span: this.span(s) }));
        }),
      },
    ]);
  });

  // ------------------------------------------------------------------ patterns

  pattern = this.RULE("pattern", (): A.Pattern => {
    const s = this.ACTION(() => this.here());
    return this.OR([
      {
        ALT: anon(() => {
          const mut = this.OPTION(() => this.CONSUME(T.Mut));
          const name = this.CONSUME(T.Ident);
          return this.ACTION((): A.IdentPattern => ({
            kind: "IdentPattern",
            mutable: mut !== undefined,
            name: this.ident(name),
            span: this.span(s),
          }));
        }),
      },
      {
        ALT: anon(() => {
          this.CONSUME(T.Underscore);
          return this.ACTION((): A.WildcardPattern => ({ kind: "WildcardPattern", span: this.span(s) }));
        }),
      },
      {
        ALT: anon(() => {
          this.CONSUME(T.LParen);
          const elems: A.Pattern[] = [];
          this.OPTION2(() => {
            elems.push(this.SUBRULE(this.pattern));
            this.MANY(() => {
              this.CONSUME(T.Comma);
              elems.push(this.SUBRULE2(this.pattern));
            });
            this.OPTION3(() => this.CONSUME2(T.Comma));
          });
          this.CONSUME(T.RParen);
          return this.ACTION((): A.TuplePattern => ({ kind: "TuplePattern", elems, span: this.span(s) }));
        }),
      },
    ]);
  });

  // ------------------------------------------------------------------ statements

  block = this.RULE("block", (): A.Block => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.LBrace);
    const stmts: A.Stmt[] = [];
    this.flag("noStruct", false, () =>
      this.flag("noDotPostfix", false, () =>
        this.MANY(() => {
          const st = this.SUBRULE(this.statement);
          this.ACTION(() => st && stmts.push(st));
        }),
      ),
    );
    this.CONSUME(T.RBrace);
    return this.ACTION(() => {
      let tail: A.Expr | undefined;
      const last = stmts[stmts.length - 1];
      if (last && last.kind === "ExprStmt" && !last.semi) {
        stmts.pop();
        tail = last.expr;
      }
      return { kind: "Block", stmts, tail, span: this.span(s) };
    });
  });

  statement = this.RULE(
    "statement",
    (): A.Stmt => {
      const s = this.ACTION(() => this.here());
      return this.OR([
        { ALT: anon(() => this.SUBRULE(this.letStmt)) },
        { ALT: anon(() => this.SUBRULE(this.assertStmt)) },
        { ALT: anon(() => this.SUBRULE(this.assertEqStmt)) },
        { ALT: anon(() => this.SUBRULE(this.lookupStmt)) },
        {
          // `push` is a soft keyword: `push(x);` and `push = 1;` stay ordinary statements.
          GATE: anon(() => this.pushAhead()),
          IGNORE_AMBIGUITIES: true,
          ALT: anon(() => this.SUBRULE(this.pushStmt)),
        },
        {
          ALT: anon(() => this.SUBRULE(this.revealStmt)),
        },
        {
          ALT: anon(() => this.SUBRULE(this.returnStmt)),
        },
        {
          ALT: anon(() => {
            this.CONSUME(T.Break);
            this.CONSUME3(T.Semi);
            return this.ACTION((): A.BreakStmt => ({ kind: "Break", span: this.span(s) }));
          }),
        },
        {
          ALT: anon(() => {
            this.CONSUME(T.Continue);
            this.CONSUME4(T.Semi);
            return this.ACTION((): A.ContinueStmt => ({ kind: "Continue", span: this.span(s) }));
          }),
        },
        { ALT: anon(() => this.SUBRULE(this.forStmt)) },
        {
          ALT: anon(() => {
            this.CONSUME(T.While);
            const cond = this.SUBRULE(this.condition);
            const body = this.SUBRULE(this.block);
            return this.ACTION((): A.WhileStmt => ({ kind: "While", cond, body, span: this.span(s) }));
          }),
        },
        {
          // `if` and `{}` at statement start end at their `}` (Rust rule): `if c {} (x)` is not a call.
          IGNORE_AMBIGUITIES: true,
          ALT: anon(() => {
            const e = this.OR2([
              { ALT: anon(() => this.SUBRULE(this.ifExpr)) },
              { ALT: anon(() => this.SUBRULE(this.blockExpr)) },
            ]);
            const semi = this.OPTION2(() => this.CONSUME5(T.Semi));
            return this.ACTION((): A.ExprStmt => ({
              kind: "ExprStmt",
              expr: e,
              semi: semi !== undefined,
              span: this.span(s),
            }));
          }),
        },
        { ALT: anon(() => this.SUBRULE(this.exprOrAssignStmt)) },
      ]);
    },
    { recoveryValueFunc: () => undefined as unknown as A.Stmt },
  );

  revealStmt = this.RULE("revealStmt", (): A.RevealStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Reveal);
    const value = this.SUBRULE(this.expr);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ kind: "Reveal", value, span: this.span(s) }));
  });

  returnStmt = this.RULE("returnStmt", (): A.ReturnStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Return);
    let value: A.Expr | undefined;
    this.OPTION(() => (value = this.SUBRULE(this.expr)));
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ kind: "Return", value, span: this.span(s) }));
  });

  letStmt = this.RULE("letStmt", (): A.LetStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Let);
    const pattern = this.SUBRULE(this.pattern);
    let type: A.Type | undefined;
    let init: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      type = this.SUBRULE(this.type);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Eq);
      init = this.SUBRULE(this.expr);
    });
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ kind: "Let", pattern, type, init, span: this.span(s) }));
  });

  assertStmt = this.RULE("assertStmt", (): A.AssertStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Assert);
    const cond = this.SUBRULE(this.expr);
    let message: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Comma);
      message = this.SUBRULE2(this.expr);
    });
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ kind: "Assert", cond, message, span: this.span(s) }));
  });

  assertEqStmt = this.RULE("assertEqStmt", (): A.AssertEqStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.AssertEq);
    this.CONSUME(T.LParen);
    const [left, right, message] = this.flag("noStruct", false, () => {
      const l = this.SUBRULE(this.expr);
      this.CONSUME(T.Comma);
      const r = this.SUBRULE2(this.expr);
      let m: A.Expr | undefined;
      this.OPTION(() => {
        this.CONSUME2(T.Comma);
        m = this.SUBRULE3(this.expr);
      });
      this.OPTION2(() => this.CONSUME3(T.Comma));
      return [l, r, m] as const;
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ kind: "AssertEq", left, right, message, span: this.span(s) }));
  });

  lookupStmt = this.RULE("lookupStmt", (): A.LookupStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Lookup);
    // Parsed above comparison level so the `in` that follows is not taken as the membership operator.
    const subject = this.SUBRULE(this.binaryExpr, { ARGS: [PREC["|"]] });
    this.CONSUME(T.In);
    const table = this.flag("noGenericArgs", true, () => this.SUBRULE(this.typePath));
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({
      kind: "Lookup",
      columns: subject.kind === "Tuple" ? subject.elems : [subject],
      table,
      span: this.span(s),
    }));
  });

  pushStmt = this.RULE("pushStmt", (): A.PushStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Push);
    const subject = this.SUBRULE(this.expr);
    this.CONSUME(T.Into);
    const table = this.flag("noGenericArgs", true, () => this.SUBRULE(this.typePath));
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({
      kind: "Push",
      columns: subject.kind === "Tuple" ? subject.elems : [subject],
      table,
      span: this.span(s),
    }));
  });

  /**
   * Is a `push` statement ahead? `push` then an operand that cannot continue an expression (`push x`),
   * or `push (...)` whose closing parenthesis is followed by a name, normally `into` (else it is a call).
   */
  private pushAhead(): boolean {
    if (this.LA(1).tokenType !== T.Push) return false;
    const next = this.LA(2);
    if (next.tokenType === T.LParen) {
      let depth = 0;
      for (let i = 2; ; i++) {
        const t = this.LA(i);
        if (isEof(t)) return false;
        if (t.tokenType === T.LParen || t.tokenType === T.LBracket || t.tokenType === T.LBrace) depth++;
        else if (t.tokenType === T.RParen || t.tokenType === T.RBracket || t.tokenType === T.RBrace) {
          // `push (a) kv` is no expression either: parse it as a push missing its `into`.
          if (--depth === 0) return tokenMatcher(this.LA(i + 1), T.Ident);
          if (depth < 0) return false;
        } else if (t.tokenType === T.Semi && depth <= 1) return false;
      }
    }
    return tokenMatcher(next, T.Ident) || next.tokenType === T.IntLit || next.tokenType === T.True || next.tokenType === T.False;
  }

  forStmt = this.RULE("forStmt", (): A.ForStmt => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.For);
    const pattern = this.SUBRULE(this.pattern);
    this.CONSUME(T.In);
    const iter = this.flag("noStruct", true, () => this.SUBRULE(this.expr));
    const body = this.SUBRULE(this.block);
    return this.ACTION(() => ({ kind: "For", pattern, iter, body, span: this.span(s) }));
  });

  exprOrAssignStmt = this.RULE("exprOrAssignStmt", (): A.Stmt => {
    const s = this.ACTION(() => this.here());
    const target = this.SUBRULE(this.expr);
    let assign: { op: A.AssignOp; value: A.Expr } | undefined;
    this.OPTION(() => {
      const op = this.OR(
        [
          T.Eq,
          T.PlusAssign,
          T.MinusAssign,
          T.StarAssign,
          T.SlashAssign,
          T.PercentAssign,
          T.XorAssign,
          T.AndAssign,
          T.OrAssign,
          T.ShlAssign,
          T.ShrAssign,
        ].map((t) => ({ ALT: anon(() => this.CONSUME(t)) })),
      );
      const value = this.SUBRULE2(this.expr);
      this.ACTION(() => (assign = { op: op.image as A.AssignOp, value }));
    });
    const semi = this.OPTION2(() => this.CONSUME(T.Semi));
    return this.ACTION((): A.Stmt => {
      if (!semi && (assign || this.LA(1).tokenType !== T.RBrace)) {
        const at = this.prevEnd();
        this.report(
          "E0010",
          `expected \`;\` after ${assign ? "assignment" : "expression statement"}, found ${describeToken(this.LA(1))}`,
          { file: this.fileId, start: at, end: at },
          "add `;` here",
        );
      }
      if (assign) return { kind: "Assign", op: assign.op, target, value: assign.value, span: this.span(s) };
      return { kind: "ExprStmt", expr: target, semi: semi !== undefined, span: this.span(s) };
    });
  });

  // ------------------------------------------------------------------ expressions (lowest to highest)

  expr = this.RULE(
    "expr",
    (): A.Expr => {
      const s = this.ACTION(() => this.here());
      const left = this.SUBRULE(this.rangeExpr);
      let right: A.Expr | undefined;
      this.OPTION(() => {
        this.CONSUME(T.FatArrow);
        right = this.SUBRULE(this.expr); // right-associative
      });
      return this.ACTION((): A.Expr => (right ? { kind: "Binary", op: "=>", left, right, span: this.span(s) } : left));
    },
    { recoveryValueFunc: (e) => this.errExpr(e.token) },
  );

  /** `a..b`, `a..=b`, `..b`, `a..`, `..`; the end is optional only where no expression follows. */
  rangeExpr = this.RULE("rangeExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    const rangeEnd = anon((): A.Expr | undefined => {
      let end: A.Expr | undefined;
      this.OPTION({
        GATE: anon(() => !(this.noStruct && this.LA(1).tokenType === T.LBrace)),
        DEF: anon(() => (end = this.SUBRULE(this.binaryExpr))),
      });
      return end;
    });
    return this.OR([
      {
        ALT: anon(() => {
          const op = this.OR2([
            { ALT: anon(() => this.CONSUME(T.DotDot)) },
            { ALT: anon(() => this.CONSUME(T.DotDotEq)) },
          ]);
          const end = rangeEnd();
          return this.ACTION((): A.RangeExpr => ({
            kind: "Range",
            end,
            inclusive: op.tokenType === T.DotDotEq,
            span: this.span(s),
          }));
        }),
      },
      {
        ALT: anon(() => {
          const start = this.SUBRULE2(this.binaryExpr);
          let r: A.Expr = start;
          this.OPTION2(() => {
            const op = this.OR3([
              { ALT: anon(() => this.CONSUME2(T.DotDot)) },
              { ALT: anon(() => this.CONSUME2(T.DotDotEq)) },
            ]);
            let end: A.Expr | undefined;
            this.OPTION3({
              GATE: anon(() => !(this.noStruct && this.LA(1).tokenType === T.LBrace)),
              DEF: anon(() => (end = this.SUBRULE3(this.binaryExpr))),
            });
            this.ACTION(
              () => (r = { kind: "Range", start, end, inclusive: op.tokenType === T.DotDotEq, span: this.span(s) }),
            );
          });
          return r;
        }),
      },
    ]);
  });

  private binary(s: number, op: string, left: A.Expr, right: A.Expr): A.Expr {
    return { kind: "Binary", op: op as A.BinaryOp, left, right, span: this.span(s) };
  }

  /** Precedence of the binary operator that starts at LA(1), or -1. `>` `>` (adjacent) is a shift. */
  private binaryOpAhead(): number {
    const t = this.LA(1);
    if (t.tokenType === T.Gt && this.LA(2).tokenType === T.Gt && this.isAdjacent(t, this.LA(2))) return PREC[">>"];
    const op = TOKEN_OP.get(t.tokenType);
    return op === undefined ? -1 : PREC[op];
  }

  private binAlts?: { ALT: () => string; GATE?: () => boolean; IGNORE_AMBIGUITIES?: boolean }[];

  /**
   * Every binary operator from `||` to `*` in one rule: operands and operators are collected flat and
   * the tree is built by precedence climbing (table PREC). One rule instead of nine levels keeps the
   * parser's stack shallow (deeper nesting fits) and the parse fast. `minPrec` stops at weaker
   * operators: the subject of `lookup x in t` stays above comparisons, a range type's bound above shifts.
   */
  binaryExpr = this.RULE("binaryExpr", (minPrec: number = 0): A.Expr => {
    const operands: A.Expr[] = [this.SUBRULE(this.castExpr)];
    const ops: { op: string; tok: IToken }[] = [];
    this.binAlts ??= [
      {
        // `>>` is two adjacent `>` tokens (see lexer); `a > > b` is not a shift.
        GATE: anon(() => this.isAdjacent(this.LA(1), this.LA(2)) && this.LA(2).tokenType === T.Gt),
        ALT: anon(() => {
          this.CONSUME3(T.Gt);
          this.CONSUME4(T.Gt);
          return ">>";
        }),
        IGNORE_AMBIGUITIES: true,
      },
      ...[...TOKEN_OP.keys()].map((t) => ({ ALT: anon(() => this.CONSUME(t).image) })),
    ];
    this.MANY({
      GATE: anon(() => this.binaryOpAhead() >= minPrec),
      DEF: anon(() => {
        const tok = this.LA(1);
        const op = this.OR(this.binAlts!);
        const right = this.SUBRULE2(this.castExpr);
        this.ACTION(() => {
          ops.push({ op, tok });
          operands.push(right);
        });
      }),
    });
    return this.ACTION(() => this.climb(operands, ops));
  });

  /** Builds the tree for `e0 op1 e1 op2 e2 ...`: all levels left-associative, tighter levels first. */
  private climb(operands: A.Expr[], ops: { op: string; tok: IToken }[]): A.Expr {
    const out: A.Expr[] = [operands[0]];
    const stack: { op: string; tok: IToken }[] = [];
    const state = { chainReported: false };
    for (let k = 0; k < ops.length; k++) {
      while (stack.length && PREC[stack[stack.length - 1].op] >= PREC[ops[k].op]) this.reduce(out, stack, state);
      stack.push(ops[k]);
      out.push(operands[k + 1]);
    }
    while (stack.length) this.reduce(out, stack, state);
    return out[0];
  }

  private reduce(out: A.Expr[], stack: { op: string; tok: IToken }[], state: { chainReported: boolean }): void {
    const { op, tok } = stack.pop()!;
    const right = out.pop()!;
    const left = out.pop()!;
    if (PREC[op] === PREC["=="] && left.kind === "Binary" && PREC[left.op] === PREC["=="] && !state.chainReported) {
      state.chainReported = true;
      this.report(
        "E0015",
        "comparison operators cannot be chained",
        this.tokSpan(tok),
        "write `a < b && b < c`, or add parentheses",
      );
    }
    const span = { file: this.fileId, start: left.span.start, end: Math.max(left.span.end, right.span.end) };
    out.push({ kind: "Binary", op: op as A.BinaryOp, left, right, span });
  }

  castExpr = this.RULE("castExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    let l = this.SUBRULE(this.unaryExpr);
    this.MANY(() => {
      this.CONSUME(T.As);
      // `x as u32 < y` compares; generic arguments after a cast type would need parentheses.
      const ty = this.flag("noGenericArgs", true, () => this.SUBRULE(this.type));
      this.ACTION(() => (l = { kind: "Cast", expr: l, type: ty, span: this.span(s) }));
    });
    return l;
  });

  unaryExpr = this.RULE("unaryExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    return this.OR([
      {
        ALT: anon(() => {
          const op = this.OR2([T.Minus, T.Bang, T.Tilde].map((t) => ({ ALT: anon(() => this.CONSUME(t)) })));
          const operand = this.SUBRULE(this.unaryExpr);
          return this.ACTION((): A.UnaryExpr => ({
            kind: "Unary",
            op: op.image as A.UnaryOp,
            operand,
            span: this.span(s),
          }));
        }),
      },
      { ALT: anon(() => this.SUBRULE(this.powerExpr)) },
    ]);
  });

  /** `a ** b` binds tighter than unary minus on its left (`-2 ** 2` is -(2**2)) and is right-associative. */
  powerExpr = this.RULE("powerExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    const base = this.SUBRULE(this.postfixExpr);
    let exp: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.StarStar);
      exp = this.SUBRULE(this.unaryExpr);
    });
    return this.ACTION((): A.Expr => (exp ? this.binary(s, "**", base, exp) : base));
  });

  postfixExpr = this.RULE("postfixExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    let e = this.SUBRULE(this.primary);
    this.MANY({
      GATE: anon(() => !(this.noDotPostfix && this.LA(1).tokenType === T.Dot)),
      DEF: anon(() => {
        this.OR([
          {
            ALT: anon(() => {
              this.CONSUME(T.Dot);
              this.OR2([
                {
                  ALT: () => {
                    const name = this.CONSUME(T.Ident);
                    let generics: A.GenericArg[] | undefined;
                    let args: A.Expr[] | undefined;
                    this.OPTION(() => {
                      this.CONSUME(T.ColonColon);
                      generics = this.SUBRULE(this.genericArgs);
                    });
                    this.OPTION2(() => (args = this.SUBRULE(this.argList)));
                    this.ACTION(() => {
                      if (args || generics)
                        e = {
                          kind: "MethodCall",
                          receiver: e,
                          method: this.ident(name),
                          generics,
                          args: args ?? [],
                          span: this.span(s),
                        };
                      else e = { kind: "FieldAccess", object: e, field: this.ident(name), span: this.span(s) };
                    });
                  },
                },
                {
                  ALT: () => {
                    const idx = this.CONSUME(T.IntLit);
                    this.ACTION(() => {
                      const ok = /^[0-9]+$/.test(idx.image);
                      if (!ok)
                        this.report(
                          "E0018",
                          `invalid tuple index \`${idx.image}\``,
                          this.tokSpan(idx),
                          "tuple fields are numbered 0, 1, 2, ...",
                        );
                      e = {
                        kind: "TupleIndex",
                        object: e,
                        index: ok ? Number(idx.image) : 0,
                        indexSpan: this.tokSpan(idx),
                        span: this.span(s),
                      };
                    });
                  },
                },
              ]);
            }),
          },
          {
            ALT: anon(() => {
              const args = this.SUBRULE2(this.argList);
              this.ACTION(() => (e = { kind: "Call", callee: e, args, span: this.span(s) }));
            }),
          },
          {
            ALT: anon(() => {
              this.CONSUME(T.LBracket);
              const index = this.flag("noStruct", false, () =>
                this.flag("noDotPostfix", false, () => this.SUBRULE(this.expr)),
              );
              this.CONSUME(T.RBracket);
              this.ACTION(() => (e = { kind: "Index", object: e, index, span: this.span(s) }));
            }),
          },
        ]);
      }),
    });
    return e;
  });

  argList = this.RULE("argList", (): A.Expr[] => {
    const list: A.Expr[] = [];
    this.CONSUME(T.LParen);
    this.flag("noStruct", false, () =>
      this.flag("noDotPostfix", false, () =>
        this.OPTION(() => {
          list.push(this.SUBRULE(this.expr));
          this.MANY(() => {
            this.CONSUME(T.Comma);
            list.push(this.SUBRULE2(this.expr));
          });
          this.OPTION2(() => this.CONSUME2(T.Comma));
        }),
      ),
    );
    this.CONSUME(T.RParen);
    return list;
  });

  literal = this.RULE("literal", (): A.Expr => {
    return this.OR([
      {
        ALT: anon(() => {
          const t = this.CONSUME(T.IntLit);
          return this.ACTION((): A.IntLit => {
            const d = T.decodeInt(t.image);
            const span = this.tokSpan(t);
            if (!d.ok) {
              this.report("E0004", d.message, span, d.hint);
              return { kind: "IntLit", value: 0n, radix: 10, text: t.image, span };
            }
            return { kind: "IntLit", value: d.value, radix: d.radix, suffix: d.suffix, text: t.image, span };
          });
        }),
      },
      {
        ALT: anon(() => {
          const t = this.OR2([{ ALT: anon(() => this.CONSUME(T.True)) }, { ALT: anon(() => this.CONSUME(T.False)) }]);
          return this.ACTION((): A.BoolLit => ({ kind: "BoolLit", value: t.image === "true", span: this.tokSpan(t) }));
        }),
      },
      {
        ALT: anon(() => {
          const t = this.CONSUME(T.StrLit);
          return this.ACTION((): A.StrLit => {
            const span = this.tokSpan(t);
            if (
              t.image.length < 2 ||
              !t.image.endsWith('"') ||
              (t.image.endsWith('\\"') && !/(^|[^\\])(\\\\)*"$/.test(t.image.slice(1)))
            )
              this.report("E0003", "unterminated string literal", span, 'close the string with `"` on the same line');
            const d = T.decodeString(t.image);
            if (d.badEscape)
              this.report(
                "E0005",
                `unknown escape \`${d.badEscape.text}\` in string literal`,
                {
                  file: this.fileId,
                  start: span.start + d.badEscape.offset,
                  end: span.start + d.badEscape.offset + d.badEscape.text.length,
                },
                "valid escapes: \\n \\t \\r \\0 \\\\ \\\" \\' \\u{...}",
              );
            return { kind: "StrLit", value: d.value, span };
          });
        }),
      },
    ]);
  });

  primary = this.RULE(
    "primary",
    (): A.Expr => {
      const s = this.ACTION(() => this.here());
      return this.OR([
        { ALT: anon(() => this.SUBRULE(this.literal)) },
        {
          // `count(x: Node | pred)`; `count` alone (or `count(a)`) is an ordinary name.
          GATE: anon(() => this.LA(2).tokenType === T.LParen && this.LA(4).tokenType === T.Colon),
          ALT: anon(() => this.SUBRULE(this.countExpr)),
          IGNORE_AMBIGUITIES: true,
        },
        { ALT: anon(() => this.SUBRULE(this.pathOrStructExpr)) },
        { ALT: anon(() => this.SUBRULE(this.parenExpr)) },
        { ALT: anon(() => this.SUBRULE(this.bracketExpr)) },
        { ALT: anon(() => this.SUBRULE(this.ifExpr)) },
        { ALT: anon(() => this.SUBRULE(this.blockExpr)) },
        {
          ALT: anon(() => {
            const q = this.OR2([
              { ALT: anon(() => this.CONSUME(T.Forall)) },
              { ALT: anon(() => this.CONSUME(T.Exists)) },
            ]);
            const binders = this.SUBRULE(this.binders);
            this.CONSUME(T.Dot);
            const body = this.flag("noDotPostfix", false, () => this.SUBRULE(this.expr));
            return this.ACTION((): A.QuantifierExpr => ({
              kind: "Quantifier",
              quantifier: q.image as "forall" | "exists",
              binders,
              body,
              span: this.span(s),
            }));
          }),
        },
        {
          ALT: anon(() => {
            const op = this.OR3([
              { ALT: anon(() => this.CONSUME(T.Always)) },
              { ALT: anon(() => this.CONSUME(T.Eventually)) },
            ]);
            let within: A.Expr | undefined;
            this.OPTION(() => {
              this.CONSUME(T.Within);
              within = this.SUBRULE2(this.withinBound);
            });
            const body = this.SUBRULE2(this.expr);
            return this.ACTION((): A.TemporalExpr => ({
              kind: "Temporal",
              op: op.image as "always" | "eventually",
              within,
              body,
              span: this.span(s),
            }));
          }),
        },
      ]);
    },
    { recoveryValueFunc: (e) => this.errExpr(e.token) },
  );

  /** The step bound of `eventually within N e`: a literal, a name or a parenthesised expression. */
  withinBound = this.RULE("withinBound", (): A.Expr => {
    return this.OR([
      { ALT: anon(() => this.SUBRULE(this.literal)) },
      {
        ALT: anon(() => {
          const p = this.SUBRULE(this.exprPath);
          return this.ACTION((): A.PathExpr => ({ kind: "PathExpr", path: p, span: p.span }));
        }),
      },
    ]);
  });

  binders = this.RULE("binders", (): A.Binder[] => {
    const list: A.Binder[] = [];
    const one = anon((idx: 1 | 2) => {
      const s = this.ACTION(() => this.here());
      const name = idx === 1 ? this.CONSUME(T.Ident) : this.CONSUME2(T.Ident);
      if (idx === 1) this.CONSUME(T.Colon);
      else this.CONSUME2(T.Colon);
      const type = idx === 1 ? this.SUBRULE(this.type) : this.SUBRULE2(this.type);
      this.ACTION(() => list.push({ kind: "Binder", name: this.ident(name), type, span: this.span(s) }));
    });
    one(1);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      one(2);
    });
    return list;
  });

  countExpr = this.RULE("countExpr", (): A.CountExpr => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.Count);
    this.CONSUME(T.LParen);
    const binders = this.SUBRULE(this.binders);
    this.CONSUME(T.Pipe);
    const body = this.flag("noStruct", false, () => this.SUBRULE(this.expr));
    this.CONSUME(T.RParen);
    return this.ACTION(() => ({ kind: "Count", binders, body, span: this.span(s) }));
  });

  /** Expression paths: `a::b`, `f::<F>`, `Pair::<F>::new`. */
  exprPath = this.RULE("exprPath", (): A.Path => {
    const s = this.ACTION(() => this.here());
    const segs: A.PathSegment[] = [];
    const first = this.CONSUME(T.Ident);
    this.ACTION(() => segs.push({ kind: "PathSegment", name: this.ident(first), span: this.tokSpan(first) }));
    this.MANY(() => {
      this.CONSUME(T.ColonColon);
      this.OR([
        {
          ALT: anon(() => {
            const args = this.SUBRULE(this.genericArgs);
            this.ACTION(() => {
              const last = segs[segs.length - 1];
              last.args = args;
              last.span = { ...last.span, end: this.prevEnd() };
            });
          }),
        },
        {
          ALT: anon(() => {
            const seg = this.CONSUME2(T.Ident);
            this.ACTION(() => segs.push({ kind: "PathSegment", name: this.ident(seg), span: this.tokSpan(seg) }));
          }),
        },
      ]);
    });
    return this.ACTION(() => ({ kind: "Path", segments: segs, span: this.span(s) }));
  });

  pathOrStructExpr = this.RULE("pathOrStructExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    const path = this.SUBRULE(this.exprPath);
    let fields: A.FieldInit[] | undefined;
    this.OPTION({
      // Like Rust, `Name {` is a struct literal except in `if`/`while`/`for`/`when` heads.
      GATE: anon(() => {
        const t2 = this.LA(2).tokenType;
        // `{ name:` cannot start a block, so parse it as a struct literal even where one is not allowed,
        // and say so (E0024) instead of failing on the `:`.
        if (this.noStruct) return isIdentLike(t2) && this.LA(3).tokenType === T.Colon;
        if (t2 === T.RBrace) return true;
        const t3 = this.LA(3).tokenType;
        return this.LA(2).tokenType !== EOF && isIdentLike(t2) && (t3 === T.Colon || t3 === T.Comma || t3 === T.RBrace);
      }),
      DEF: anon(() => {
        this.CONSUME(T.LBrace);
        const list: A.FieldInit[] = [];
        this.OPTION2(() => {
          list.push(this.SUBRULE(this.fieldInit));
          this.MANY(() => {
            this.CONSUME(T.Comma);
            list.push(this.SUBRULE2(this.fieldInit));
          });
          this.OPTION3(() => this.CONSUME2(T.Comma));
        });
        this.CONSUME(T.RBrace);
        fields = list;
      }),
    });
    return this.ACTION((): A.Expr => {
      if (!fields) return { kind: "PathExpr", path, span: this.span(s) };
      const span = this.span(s);
      if (this.noStruct)
        this.report(
          "E0024",
          "struct literals are not allowed in the head of `if`, `while`, `for` or `when`",
          span,
          "put the struct literal in parentheses: `(S { ... })`",
        );
      return { kind: "StructLit", path, fields, span };
    });
  });

  fieldInit = this.RULE("fieldInit", (): A.FieldInit => {
    const s = this.ACTION(() => this.here());
    const name = this.CONSUME(T.Ident);
    let value: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      value = this.flag("noStruct", false, () => this.SUBRULE(this.expr));
    });
    return this.ACTION(() => ({ kind: "FieldInit", name: this.ident(name), value, span: this.span(s) }));
  });

  parenExpr = this.RULE("parenExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.LParen);
    const elems: A.Expr[] = [];
    let comma = false;
    this.flag("noStruct", false, () =>
      this.flag("noDotPostfix", false, () =>
        this.OPTION(() => {
          elems.push(this.SUBRULE(this.expr));
          this.MANY(() => {
            this.CONSUME(T.Comma);
            elems.push(this.SUBRULE2(this.expr));
            comma = true;
          });
          this.OPTION2(() => {
            this.CONSUME2(T.Comma);
            comma = true;
          });
        }),
      ),
    );
    this.CONSUME(T.RParen);
    return this.ACTION((): A.Expr =>
      elems.length === 1 && !comma
        ? { kind: "Paren", inner: elems[0], span: this.span(s) }
        : { kind: "Tuple", elems, span: this.span(s) },
    );
  });

  /** `[a, b]`, `[v; n]`, `[e for x in a..b, y in c..d]`. */
  bracketExpr = this.RULE("bracketExpr", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.LBracket);
    const r = this.flag("noStruct", false, () =>
      this.flag("noDotPostfix", false, (): (() => A.Expr) => {
        let make: () => A.Expr = anon(() => ({ kind: "ArrayLit", elems: [], span: this.span(s) }));
        this.OPTION(() => {
          const first = this.SUBRULE(this.expr);
          this.OR([
            {
              ALT: anon(() => {
                this.CONSUME(T.Semi);
                const count = this.SUBRULE2(this.expr);
                make = anon(() => ({ kind: "ArrayRepeat", value: first, count, span: this.span(s) }));
              }),
            },
            {
              ALT: anon(() => {
                const clauses: A.ComprehensionClause[] = [];
                this.CONSUME(T.For);
                clauses.push(this.SUBRULE(this.comprehensionClause));
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  clauses.push(this.SUBRULE2(this.comprehensionClause));
                });
                make = anon(() => ({ kind: "Comprehension", element: first, clauses, span: this.span(s) }));
              }),
            },
            {
              ALT: anon(() => {
                const elems = [first];
                this.MANY2(() => {
                  this.CONSUME2(T.Comma);
                  elems.push(this.SUBRULE3(this.expr));
                });
                this.OPTION2(() => this.CONSUME3(T.Comma));
                make = anon(() => ({ kind: "ArrayLit", elems, span: this.span(s) }));
              }),
            },
          ]);
        });
        return make;
      }),
    );
    this.CONSUME(T.RBracket);
    return this.ACTION(() => r());
  });

  comprehensionClause = this.RULE("comprehensionClause", (): A.ComprehensionClause => {
    const s = this.ACTION(() => this.here());
    const pattern = this.SUBRULE(this.pattern);
    this.CONSUME(T.In);
    const iter = this.SUBRULE(this.rangeExpr);
    return this.ACTION(() => ({ kind: "ComprehensionClause", pattern, iter, span: this.span(s) }));
  });

  /**
   * Head of `if`, `while` and `when`: an expression in which `{` opens the body. `if x = 1 {` is
   * reported (E0025) and read as `x == 1`, so the body still parses.
   */
  condition = this.RULE("condition", (): A.Expr => {
    const s = this.ACTION(() => this.here());
    const left = this.flag("noStruct", true, () => this.SUBRULE(this.expr));
    let right: A.Expr | undefined;
    this.OPTION(() => {
      const eq = this.CONSUME(T.Eq);
      right = this.flag("noStruct", true, () => this.SUBRULE2(this.expr));
      this.ACTION(() =>
        this.report("E0025", "`=` assigns; a condition compares with `==`", this.tokSpan(eq), "write `==` to compare"),
      );
    });
    return this.ACTION((): A.Expr => (right ? this.binary(s, "==", left, right) : left));
  });

  ifExpr = this.RULE("ifExpr", (): A.IfExpr => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.If);
    const cond = this.SUBRULE(this.condition);
    const then = this.SUBRULE(this.block);
    let els: A.Block | A.IfExpr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Else);
      els = this.OR([{ ALT: anon(() => this.SUBRULE(this.ifExpr)) }, { ALT: anon(() => this.SUBRULE2(this.block)) }]);
    });
    return this.ACTION(() => ({ kind: "If", cond, then, else: els, span: this.span(s) }));
  });

  blockExpr = this.RULE("blockExpr", (): A.BlockExpr => {
    const s = this.ACTION(() => this.here());
    const block = this.SUBRULE(this.block);
    return this.ACTION(() => ({ kind: "BlockExpr", block, span: this.span(s) }));
  });
}

function isIdentLike(t: TokenType): boolean {
  return t === T.Ident || (t.CATEGORIES ?? []).includes(T.Ident);
}
