// `spec` items and their members: params, state, actions, invariants, properties, adversaries.
import type * as A from "../ast.ts";
import * as T from "../lexer.ts";
import { anon } from "./base.ts";
import { ItemParser } from "./item.ts";

export abstract class SpecParser extends ItemParser {
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
}
