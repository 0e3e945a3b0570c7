// Syntax error wording. chevrotain calls the provider with the failing rule and tokens; we answer
// with a small JSON record (code, message, hint, where to point) that index.ts turns into a
// Diagnostic, so users read "expected `;` after `let` statement, found keyword `let`" in our words
// instead of chevrotain's token-path dumps.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as T from "./lexer.ts";

export interface SyntaxErrorInfo {
  code: string;
  message: string;
  hint?: string;
  /** "prev": point just after the previous token (a missing `;` belongs to the line it ends). */
  at?: "prev";
}

/** What each grammar rule is called in messages. */
const RULE_NAMES: Record<string, string> = {
  module: "file",
  item: "item",
  attribute: "attribute",
  useItem: "`use` declaration",
  useTree: "`use` path",
  useGroup: "`use` group",
  modItem: "`mod` declaration",
  constItem: "`const` declaration",
  structItem: "struct declaration",
  fieldDecl: "struct field",
  fnItem: "function declaration",
  fieldItem: "`field` declaration",
  tableItem: "`table` declaration",
  typeAliasItem: "`type` declaration",
  callableItem: "item declaration",
  genericParams: "generic parameter list",
  genericParam: "generic parameter",
  paramList: "parameter list",
  param: "parameter",
  specItem: "spec",
  specMember: "spec member",
  specParams: "`params` declaration",
  specParam: "spec parameter",
  specState: "`state` declaration",
  specAction: "`action` declaration",
  specInvariant: "`invariant` declaration",
  specProperty: "`property` declaration",
  noninterference: "`noninterference(...)` property",
  exprListBracket: "bracketed list",
  specAdversary: "`adversary` declaration",
  type: "type",
  typePath: "type",
  genericArgs: "generic argument list",
  genericArg: "generic argument",
  pattern: "pattern",
  block: "block",
  statement: "statement",
  letStmt: "`let` statement",
  revealStmt: "`reveal` statement",
  returnStmt: "`return` statement",
  condition: "condition",
  assertStmt: "`assert` statement",
  assertEqStmt: "`assert_eq(...)` statement",
  lookupStmt: "`lookup` statement",
  pushStmt: "`push` statement",
  forStmt: "`for` loop",
  exprOrAssignStmt: "statement",
  argList: "argument list",
  parenExpr: "parenthesized expression",
  bracketExpr: "array expression",
  comprehensionClause: "comprehension clause",
  ifExpr: "`if` expression",
  countExpr: "`count(...)` expression",
  binders: "quantifier binding",
  pathOrStructExpr: "struct literal",
  fieldInit: "struct literal field",
  exprPath: "path",
  withinBound: "`within` bound",
};

/** The expression-level grammar rules, lowest precedence first. */
export const EXPR_RULES: ReadonlySet<string> = new Set([
  "expr",
  "rangeExpr",
  "binaryExpr",
  "castExpr",
  "unaryExpr",
  "powerExpr",
  "postfixExpr",
  "primary",
  "literal",
]);

/** The shape of each construct, offered as the hint when a message has no more specific one. */
const SHAPES: Record<string, string> = {
  attribute: "an attribute is `@name` or `@name(args)`",
  useItem: "write `use std::a::b;`, `use a::{b, c};` or `use a::b as c;`",
  useTree: "write `use std::a::b;`, `use a::{b, c};` or `use a::b as c;`",
  useGroup: "write `use a::{b, c};`",
  modItem: "write `mod name;` or `mod name { items }`",
  constItem: "write `const NAME: Type = value;`",
  structItem: "write `struct Name { field: Type, ... }`",
  fieldDecl: "a field is `name: Type`",
  fnItem: "write `fn name(a: Type, ...) -> Type { ... }`",
  fieldItem: "write `field Name = modulus;`",
  tableItem: "write `table name: Type = rows;`, e.g. `table range8: u8 = 0..256;`",
  typeAliasItem: "write `type Name = Type;`",
  callableItem: "write e.g. `circuit Name(pub x: F, priv w: F) { ... }`",
  genericParams: "generic parameters look like `<F: Field, const N: u32>`",
  genericParam: "generic parameters look like `<F: Field, const N: u32>`",
  paramList: "parameters look like `(pub x: F, priv w: [F; 4])`",
  param: "a parameter is `name: Type`, optionally after `pub`, `priv`, `secret` or `public`",
  specItem: "write `spec Name { members }`",
  specParams: "write `params n: u32 = 4, f: u32 = 1;`",
  specParam: "write `params n: u32 = 4, f: u32 = 1;`",
  specState: "write `state name: Type = initial;`",
  specAction: "write `action name(p: Domain) when guard { ... }`",
  specInvariant: "write `invariant name: expression;`",
  specProperty: "write `property name: expression;`, optionally followed by `under weak_fairness`",
  noninterference: "write `noninterference(secret: [s], observer: [o])`",
  specAdversary: "write `adversary name(args);`",
  genericArgs: "generic arguments look like `<K, V>` or `<F, 8>`",
  block: "a block is `{ statements }`",
  letStmt: "write `let name: Type = value;` (the type is optional)",
  assertStmt: 'write `assert condition;` or `assert condition, "message";`',
  assertEqStmt: 'write `assert_eq(a, b);` or `assert_eq(a, b, "message");`',
  lookupStmt: "write `lookup x in table;` or `lookup (a, b) in table;`",
  pushStmt: "write `push x into table;` or `push (a, b) into table;`",
  revealStmt: "write `reveal value;`",
  returnStmt: "write `return value;`",
  forStmt: "write `for i in 0..n { ... }`",
  argList: "arguments look like `(a, b)`",
  parenExpr: "a parenthesised expression is `(e)`, a tuple `(a, b)`",
  bracketExpr: "arrays look like `[a, b]`, `[v; n]` or `[e for x in 0..n]`",
  comprehensionClause: "write `[e for x in 0..n, y in 0..m]`",
  ifExpr: "write `if c { ... } else { ... }`",
  countExpr: "write `count(x: Domain | condition)`",
  binders: "quantifiers look like `forall x: Domain. body`",
  pathOrStructExpr: "a struct literal is `Name { field: value, ... }`",
  fieldInit: "a struct literal is `Name { field: value, ... }`",
  exprPath: "paths look like `a::b::c`; generic arguments need `::<...>`",
};

const EXPR_HINT =
  "an expression is a literal, a name, a call, `(...)`, `[...]`, `if ... { } else { }` or operators applied to these";
const STMT_HINT =
  "statements are `let`, assignments, `assert`, `assert_eq(...)`, `lookup`, `reveal`, `return`, `for`, `while`, `if` and expressions followed by `;`";

const ruleName = (r: string): string => RULE_NAMES[r] ?? (EXPR_RULES.has(r) ? "expression" : r);

const CLOSERS = new Map<TokenType, string>([
  [T.RParen, "("],
  [T.RBracket, "["],
  [T.RBrace, "{"],
  [T.Gt, "<"],
]);

const ITEM_HINT =
  "an item starts with `use`, `mod`, `const`, `struct`, `fn`, `hint fn`, `field`, `table`, `type`, `circuit`, `program`, `protocol`, `kernel`, `spec` or an `@attribute`";

const SPEC_MEMBER_HINT =
  "spec members start with `params`, `type`, `state`, `action`, `invariant`, `property`, `adversary`, `const` or `fn`";

/** How a token is named in messages: "`;`", "identifier `foo`", "keyword `fn`", "end of file". */
export function describeToken(t: IToken | undefined): string {
  if (!t || t.tokenType === EOF) return "end of file";
  const tt = t.tokenType;
  if (Number.isNaN(t.startOffset)) return "end of input";
  if (tt === T.Ident) return `identifier \`${t.image}\``;
  if (tt === T.IntLit) return `integer \`${t.image}\``;
  if (tt === T.StrLit) return "a string literal";
  if (tt.name.startsWith("Kw_")) return `keyword \`${t.image}\``;
  return `\`${t.image}\``;
}

const label = (tt: TokenType): string => (tt === EOF ? "end of file" : (tt.LABEL ?? tt.name));

function info(i: SyntaxErrorInfo, rule?: string): string {
  return JSON.stringify(i.hint || !rule || !SHAPES[rule] ? i : { ...i, hint: SHAPES[rule] });
}

function reservedWordHint(actual: IToken): string | undefined {
  if (actual.tokenType.name.startsWith("Kw_") && T.RESERVED_WORDS.includes(actual.image))
    return `\`${actual.image}\` is a reserved word and cannot be used as a name`;
  return undefined;
}

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName: rule }) {
    const found = describeToken(actual);
    if (rule === "module" && expected === EOF) {
      const stray = CLOSERS.has(actual.tokenType);
      return info({
        code: "E0019",
        message: stray
          ? `unexpected ${found}: there is no open delimiter to close`
          : `expected an item, found ${found}`,
        hint: stray ? "remove it, or look for a missing opening delimiter before it" : ITEM_HINT,
      });
    }
    if (rule === "block" && expected === T.RBrace && actual.tokenType !== EOF)
      return info({
        code: "E0020",
        message: `expected a statement or \`}\`, found ${found}`,
        hint: actual.tokenType.name.startsWith("Kw_") ? "items cannot be declared inside a block" : STMT_HINT,
      });
    if (rule === "specItem" && expected === T.RBrace && actual.tokenType !== EOF)
      return info({
        code: "E0021",
        message: `expected a spec member or \`}\`, found ${found}`,
        hint: SPEC_MEMBER_HINT,
      });
    if (expected === T.LBrace && rule === "block")
      return info({ code: "E0011", message: `expected a block \`{ ... }\`, found ${found}` }, rule);
    if (expected === T.Semi)
      return info({
        code: "E0010",
        message: `expected \`;\` after ${ruleName(rule)}, found ${found}`,
        hint: "add `;` here",
        at: "prev",
      });
    if (rule === "paramList" && expected === T.RParen && reservedWordHint(actual))
      return info({ code: "E0011", message: `expected a parameter, found ${found}`, hint: reservedWordHint(actual) });
    const opener = CLOSERS.get(expected);
    if (opener)
      return info({
        code: "E0011",
        message: `expected ${label(expected)} to close the ${ruleName(rule)}, found ${found}`,
        hint:
          actual.tokenType === EOF
            ? `add the missing ${label(expected)}`
            : `check for a missing \`,\`, operator, or \`${opener}\``,
      });
    if (expected === T.Ident)
      return info(
        {
          code: "E0011",
          message: `expected a name in ${ruleName(rule)}, found ${found}`,
          hint: reservedWordHint(actual),
        },
        rule,
      );
    return info({ code: "E0011", message: `expected ${label(expected)} in ${ruleName(rule)}, found ${found}` }, rule);
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return info({
      code: "E0019",
      message: `expected an item, found ${describeToken(firstRedundant)}`,
      hint: ITEM_HINT,
    });
  },

  buildNoViableAltMessage({ actual, ruleName: rule }) {
    const a = actual[0];
    const found = describeToken(a);
    if (EXPR_RULES.has(rule) || rule === "withinBound")
      return info({
        code: "E0013",
        message: `expected an expression, found ${found}`,
        hint: (a && reservedWordHint(a)) || EXPR_HINT,
      });
    if (rule === "type" || rule === "genericArg")
      return info({
        code: "E0014",
        message: `expected a type, found ${found}`,
        hint: "types look like `F`, `u32`, `[F; 8]`, `&mut [F]`, `(F, F)`, `secret sfix` or `Map<K, V>`",
      });
    if (rule === "item" || rule === "callableItem")
      return info({ code: "E0019", message: `expected an item, found ${found}`, hint: ITEM_HINT });
    if (rule === "statement")
      return info({ code: "E0020", message: `expected a statement, found ${found}`, hint: STMT_HINT });
    if (rule === "specMember")
      return info({
        code: "E0021",
        message: `expected a spec member, found ${found}`,
        hint: SPEC_MEMBER_HINT,
      });
    if (rule === "ifExpr")
      return info({ code: "E0011", message: `expected \`{\` or \`if\` after \`else\`, found ${found}` }, rule);
    if (rule === "useTree")
      return info({ code: "E0011", message: `expected a name, \`{\` or \`*\` in \`use\` path, found ${found}` }, rule);
    if (rule === "pattern")
      return info({
        code: "E0022",
        message: `expected a pattern, found ${found}`,
        hint:
          a && reservedWordHint(a) ? reservedWordHint(a) : "a pattern is a name, `mut name`, `_` or a tuple `(a, b)`",
      });
    return info({ code: "E0023", message: `unexpected ${found} in ${ruleName(rule)}` }, rule);
  },

  buildEarlyExitMessage({ actual, ruleName: rule }) {
    return info({ code: "E0023", message: `unexpected ${describeToken(actual[0])} in ${ruleName(rule)}` }, rule);
  },
};
