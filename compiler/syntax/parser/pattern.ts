// Patterns: bindings, wildcards and tuples.
import type * as A from "../ast.ts";
import * as T from "../lexer.ts";
import { anon } from "./base.ts";
import { TypeParser } from "./type.ts";

export abstract class PatternParser extends TypeParser {
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
}
