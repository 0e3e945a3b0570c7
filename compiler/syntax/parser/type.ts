// Types, type paths and generic arguments.
import type * as A from "../ast.ts";
import * as T from "../lexer.ts";
import { anon, ParserBase, PREC } from "./base.ts";

export abstract class TypeParser extends ParserBase {
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
}
