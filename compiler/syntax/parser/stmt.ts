// Blocks and statements.
import { tokenMatcher } from "chevrotain";
import type * as A from "../ast.ts";
import * as T from "../lexer.ts";
import { describeToken } from "../messages.ts";
import { anon, isEof, PREC } from "./base.ts";
import { ExprParser } from "./expr.ts";

export abstract class StmtParser extends ExprParser {
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

  private statementAlts?: { ALT: () => A.Stmt; GATE?: () => boolean; IGNORE_AMBIGUITIES?: boolean }[];

  statement = this.RULE(
    "statement",
    // Built once (see unaryExpr): each alternative takes its own start.
    (): A.Stmt => {
      return this.OR((this.statementAlts ??= [
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
            const s = this.ACTION(() => this.here());
            this.CONSUME(T.Break);
            this.CONSUME3(T.Semi);
            return this.ACTION((): A.BreakStmt => ({ kind: "Break", span: this.span(s) }));
          }),
        },
        {
          ALT: anon(() => {
            const s = this.ACTION(() => this.here());
            this.CONSUME(T.Continue);
            this.CONSUME4(T.Semi);
            return this.ACTION((): A.ContinueStmt => ({ kind: "Continue", span: this.span(s) }));
          }),
        },
        { ALT: anon(() => this.SUBRULE(this.forStmt)) },
        {
          ALT: anon(() => {
            const s = this.ACTION(() => this.here());
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
            const s = this.ACTION(() => this.here());
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
      ]));
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
}
