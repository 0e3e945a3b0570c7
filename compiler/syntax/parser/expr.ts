// Expressions, lowest to highest binding: ranges, binary operators (one flat rule, precedence climbing),
// casts, unary, power, postfix, and primaries.
import { EOF, type IToken } from "chevrotain";
import type * as A from "../ast.ts";
import * as T from "../lexer.ts";
import { anon, isIdentLike, PREC, TOKEN_OP } from "./base.ts";
import { PatternParser } from "./pattern.ts";

export abstract class ExprParser extends PatternParser {
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

  // The alternatives of the rules met at every operand (unaryExpr, primary) are built once, as
  // binaryExpr's are: rebuilding their arrays and closures on each call made a tenth of a large file's
  // parse time garbage. So they keep no state of the call: each takes its start position itself.
  private unaryAlts?: { ALT: () => A.Expr }[];
  private unaryOps?: { ALT: () => IToken }[];

  unaryExpr = this.RULE("unaryExpr", (): A.Expr => {
    return this.OR((this.unaryAlts ??= [
      {
        ALT: anon(() => {
          const s = this.ACTION(() => this.here());
          const op = this.OR2((this.unaryOps ??= [T.Minus, T.Bang, T.Tilde].map((t) => ({ ALT: anon(() => this.CONSUME(t)) }))));
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
    ]));
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

  private literalAlts?: { ALT: () => A.Expr }[];

  literal = this.RULE("literal", (): A.Expr => {
    return this.OR((this.literalAlts ??= [
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
    ]));
  });

  primary = this.RULE(
    "primary",
    (): A.Expr => {
      return this.OR((this.primaryAlts ??= [
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
            const s = this.ACTION(() => this.here());
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
            const s = this.ACTION(() => this.here());
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
      ]));
    },
    { recoveryValueFunc: (e) => this.errExpr(e.token) },
  );
  private primaryAlts?: { ALT: () => A.Expr; GATE?: () => boolean; IGNORE_AMBIGUITIES?: boolean }[];

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
