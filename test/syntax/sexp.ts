// Compact s-expressions of AST nodes, so tests can state tree shapes as text:
// `1 + 2 * 3` prints as `(+ 1 (* 2 3))`.
import type { Expr, Pattern, Type, Path, GenericArg } from "../../compiler/syntax/index.ts";

const list = (xs: string[]): string => xs.join(" ");

export function pathS(p: Path): string {
  return p.segments.map((s) => s.name.name + (s.args ? `<${list(s.args.map(argS))}>` : "")).join("::");
}

function argS(a: GenericArg): string {
  return a.kind === "TypeArg" ? typeS(a.type) : `{${exprS(a.value)}}`;
}

export function typeS(t: Type): string {
  switch (t.kind) {
    case "PathType":
      return pathS(t.path);
    case "ArrayType":
      return `(array ${typeS(t.elem)} ${exprS(t.len)})`;
    case "SliceType":
      return `(slice ${typeS(t.elem)})`;
    case "RefType":
      return `(${t.mutable ? "&mut" : "&"} ${typeS(t.inner)})`;
    case "TupleType":
      return `(tuple ${list(t.elems.map(typeS))})`.replace(" )", ")");
    case "QualifiedType":
      return `(${t.qualifier}${t.party ? "@" + exprS(t.party) : ""} ${typeS(t.inner)})`;
    case "RangeType":
      return `(${t.inclusive ? "..=" : ".."} ${exprS(t.start)} ${exprS(t.end)})`;
    case "InferType":
      return "_";
    case "ErrorType":
      return "<error>";
  }
}

export function patternS(p: Pattern): string {
  switch (p.kind) {
    case "IdentPattern":
      return (p.mutable ? "mut " : "") + p.name.name;
    case "WildcardPattern":
      return "_";
    case "TuplePattern":
      return `(${list(p.elems.map(patternS))})`;
  }
}

export function exprS(e: Expr | undefined): string {
  if (!e) return "_";
  switch (e.kind) {
    case "IntLit":
      return e.value.toString() + (e.suffix ?? "");
    case "BoolLit":
      return String(e.value);
    case "StrLit":
      return JSON.stringify(e.value);
    case "PathExpr":
      return pathS(e.path);
    case "Unary":
      return `(${e.op} ${exprS(e.operand)})`;
    case "Binary":
      return `(${e.op} ${exprS(e.left)} ${exprS(e.right)})`;
    case "Cast":
      return `(as ${exprS(e.expr)} ${typeS(e.type)})`;
    case "Call":
      return `(call ${list([exprS(e.callee), ...e.args.map(exprS)])})`;
    case "MethodCall":
      return `(.${e.method.name}${e.generics ? `<${list(e.generics.map(argS))}>` : ""}() ${list([exprS(e.receiver), ...e.args.map(exprS)])})`;
    case "FieldAccess":
      return `(.${e.field.name} ${exprS(e.object)})`;
    case "TupleIndex":
      return `(.${e.index} ${exprS(e.object)})`;
    case "Index":
      return `([] ${exprS(e.object)} ${exprS(e.index)})`;
    case "Range":
      return `(${e.inclusive ? "..=" : ".."} ${exprS(e.start)} ${exprS(e.end)})`;
    case "ArrayLit":
      return `[${list(e.elems.map(exprS))}]`;
    case "ArrayRepeat":
      return `[${exprS(e.value)}; ${exprS(e.count)}]`;
    case "Tuple":
      return `(tuple${e.elems.map((x) => " " + exprS(x)).join("")})`;
    case "Paren":
      return `(paren ${exprS(e.inner)})`;
    case "StructLit":
      return `(struct ${pathS(e.path)}${e.fields.map((f) => ` ${f.name.name}${f.value ? "=" + exprS(f.value) : ""}`).join("")})`;
    case "If":
      return `(if ${exprS(e.cond)} ${blockS(e.then)}${e.else ? " " + (e.else.kind === "If" ? exprS(e.else) : blockS(e.else)) : ""})`;
    case "BlockExpr":
      return blockS(e.block);
    case "Quantifier":
      return `(${e.quantifier} ${e.binders.map((b) => `${b.name.name}:${typeS(b.type)}`).join(",")} ${exprS(e.body)})`;
    case "Count":
      return `(count ${e.binders.map((b) => `${b.name.name}:${typeS(b.type)}`).join(",")} ${exprS(e.body)})`;
    case "Temporal":
      return `(${e.op}${e.within ? " within " + exprS(e.within) : ""} ${exprS(e.body)})`;
    case "Comprehension":
      return `(for ${exprS(e.element)}${e.clauses.map((c) => ` ${patternS(c.pattern)} in ${exprS(c.iter)}`).join(",")})`;
    case "ErrorExpr":
      return "<error>";
  }
}

function blockS(b: { stmts: unknown[]; tail?: Expr }): string {
  return `{${b.stmts.length ? ` ${b.stmts.length} stmts;` : ""}${b.tail ? " " + exprS(b.tail) : ""} }`;
}
