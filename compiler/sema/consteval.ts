// Compile-time evaluation of expressions: const items, array lengths, `for` bounds in circuits and
// kernels, table contents. Values are exact (bigint, no wrapping); the checker verifies that a result
// fits the type it is used at. Failures are ConstEvalError (E03xx) with the span of the culprit.
import type { Expr, PathExpr, Pattern } from "../syntax/index.ts";
import type { Span } from "../../base/diagnostics/index.ts";

export type CV = bigint | boolean | CV[];

export class ConstEvalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly span: Span,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface ConstEnv {
  /** Value of a path (const item, const generic, constant local); undefined → not a constant. */
  resolve(e: PathExpr): CV | undefined;
}

/** Largest table / comprehension we build at compile time. */
export const MAX_CONST_ELEMS = 1 << 20;

export function evalConst(e: Expr, env: ConstEnv, locals: Map<string, CV> = new Map()): CV {
  // Failing is the common case (the checker asks of every `if` condition whether it is constant), and
  // capturing an Error's stack cost more than the evaluation; failures become diagnostics, so no one
  // reads those stacks.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return evalExpr(e, env, locals);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function evalExpr(e: Expr, env: ConstEnv, locals: Map<string, CV>): CV {
  const ev = (x: Expr) => evalExpr(x, env, locals);
  const int = (x: Expr): bigint => {
    const v = ev(x);
    if (typeof v !== "bigint") throw new ConstEvalError("E0302", "expected an integer constant", x.span);
    return v;
  };
  switch (e.kind) {
    case "IntLit":
      return e.value;
    case "BoolLit":
      return e.value;
    case "Paren":
      return ev(e.inner);
    case "PathExpr": {
      if (e.path.segments.length === 1) {
        const l = locals.get(e.path.segments[0].name.name);
        if (l !== undefined) return l;
      }
      const v = env.resolve(e);
      if (v === undefined)
        throw new ConstEvalError(
          "E0301",
          `\`${e.path.segments.map((s) => s.name.name).join("::")}\` is not a compile-time constant`,
          e.span,
          "use a `const` item, a const generic parameter or a literal",
        );
      return v;
    }
    case "Unary": {
      const v = ev(e.operand);
      if (e.op === "!" && typeof v === "boolean") return !v;
      if (typeof v !== "bigint") throw new ConstEvalError("E0302", `\`${e.op}\` needs an integer constant`, e.span);
      if (e.op === "-") return -v;
      if (e.op === "~") return ~v;
      throw new ConstEvalError("E0302", "`!` needs a boolean constant", e.span);
    }
    case "Binary": {
      // A left-deep chain (`a + b + c + ...`) is folded along its left spine by a loop, so that its
      // length costs no stack; operands are still evaluated left to right.
      const spine: Extract<Expr, { kind: "Binary" }>[] = [];
      let cur: Expr = e;
      for (; cur.kind === "Binary"; cur = cur.left) spine.push(cur);
      let v = ev(cur);
      for (let i = spine.length - 1; i >= 0; i--) v = binary(spine[i].op, v, ev(spine[i].right), spine[i].span);
      return v;
    }
    case "Cast":
      return ev(e.expr);
    case "Tuple":
    case "ArrayLit":
      return e.elems.map(ev);
    case "ArrayRepeat": {
      const n = int(e.count);
      if (n < 0n || n > BigInt(MAX_CONST_ELEMS))
        throw new ConstEvalError("E0303", `array length ${n} is out of range (0..=${MAX_CONST_ELEMS})`, e.count.span);
      const v = ev(e.value);
      return Array.from({ length: Number(n) }, () => v);
    }
    case "Index": {
      const a = ev(e.object);
      const i = int(e.index);
      if (!Array.isArray(a)) throw new ConstEvalError("E0302", "indexing needs an array constant", e.object.span);
      if (i < 0n || i >= BigInt(a.length))
        throw new ConstEvalError("E0304", `index ${i} is out of bounds for length ${a.length}`, e.index.span);
      return a[Number(i)];
    }
    case "TupleIndex": {
      const a = ev(e.object);
      if (!Array.isArray(a) || e.index >= a.length)
        throw new ConstEvalError("E0304", `tuple index ${e.index} is out of bounds`, e.indexSpan);
      return a[e.index];
    }
    case "Range": {
      if (!e.start || !e.end) throw new ConstEvalError("E0301", "a constant range needs both bounds", e.span);
      const lo = int(e.start);
      const hi = int(e.end) + (e.inclusive ? 1n : 0n);
      if (hi - lo > BigInt(MAX_CONST_ELEMS))
        throw new ConstEvalError("E0303", `range has ${hi - lo} elements, more than ${MAX_CONST_ELEMS}`, e.span);
      const out: CV[] = [];
      for (let v = lo; v < hi; v++) out.push(v);
      return out;
    }
    case "Comprehension": {
      const out: CV[] = [];
      const inner = new Map(locals);
      const go = (k: number) => {
        if (k === e.clauses.length) {
          if (out.length >= MAX_CONST_ELEMS)
            throw new ConstEvalError("E0303", `comprehension has more than ${MAX_CONST_ELEMS} elements`, e.span);
          out.push(evalExpr(e.element, env, inner));
          return;
        }
        const c = e.clauses[k];
        const it = evalExpr(c.iter, env, inner);
        if (!Array.isArray(it)) throw new ConstEvalError("E0302", "a comprehension iterates over a range or array", c.iter.span);
        for (const v of it) {
          bindPattern(c.pattern, v, inner);
          go(k + 1);
        }
      };
      go(0);
      return out;
    }
    case "If": {
      const c = ev(e.cond);
      if (typeof c !== "boolean") throw new ConstEvalError("E0302", "condition must be a boolean constant", e.cond.span);
      if (c) return blockValue(e.then.stmts.length, e.then.tail, e.span, env, locals);
      if (!e.else) throw new ConstEvalError("E0301", "`if` without `else` has no constant value", e.span);
      if (e.else.kind === "If") return ev(e.else);
      return blockValue(e.else.stmts.length, e.else.tail, e.span, env, locals);
    }
    case "BlockExpr":
      return blockValue(e.block.stmts.length, e.block.tail, e.span, env, locals);
    case "MethodCall":
      if (e.method.name === "len" && e.args.length === 0) {
        const a = ev(e.receiver);
        if (Array.isArray(a)) return BigInt(a.length);
      }
      break;
    default:
      break;
  }
  throw new ConstEvalError("E0301", "this expression is not a compile-time constant", e.span);
}

function blockValue(nstmts: number, tail: Expr | undefined, span: Span, env: ConstEnv, locals: Map<string, CV>): CV {
  if (nstmts > 0 || !tail) throw new ConstEvalError("E0301", "only a block with a single expression is constant", span);
  return evalExpr(tail, env, locals);
}

function bindPattern(p: Pattern, v: CV, locals: Map<string, CV>): void {
  if (p.kind === "IdentPattern") locals.set(p.name.name, v);
  else if (p.kind === "TuplePattern") {
    if (!Array.isArray(v) || v.length !== p.elems.length)
      throw new ConstEvalError("E0302", "tuple pattern does not match the value", p.span);
    p.elems.forEach((q, i) => bindPattern(q, v[i], locals));
  }
}

function binary(op: string, a: CV, b: CV, span: Span): CV {
  if (typeof a === "boolean" && typeof b === "boolean") {
    switch (op) {
      case "&&":
      case "&":
        return a && b;
      case "||":
      case "|":
        return a || b;
      case "^":
      case "!=":
        return a !== b;
      case "==":
        return a === b;
      case "=>":
        return !a || b;
    }
  }
  if (typeof a !== "bigint" || typeof b !== "bigint")
    throw new ConstEvalError("E0302", `\`${op}\` needs integer constants`, span);
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
    case "%":
      if (b === 0n) throw new ConstEvalError("E0302", "division by zero in a constant expression", span);
      return op === "/" ? a / b : a % b;
    case "**":
      if (b < 0n || b > 4096n) throw new ConstEvalError("E0302", `exponent ${b} is out of range (0..=4096)`, span);
      return a ** b;
    case "<<":
      if (b < 0n || b > 4096n) throw new ConstEvalError("E0302", `shift ${b} is out of range (0..=4096)`, span);
      return a << b;
    case ">>":
      if (b < 0n) throw new ConstEvalError("E0302", `negative shift ${b}`, span);
      return a >> b;
    case "&":
      return a & b;
    case "|":
      return a | b;
    case "^":
      return a ^ b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
  throw new ConstEvalError("E0302", `\`${op}\` cannot be evaluated at compile time`, span);
}
