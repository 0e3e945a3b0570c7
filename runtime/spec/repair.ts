// Repair hints: when a property fails, try small edits of the spec — flip a comparison
// (`>=` → `>`), replace a quorum threshold (`n / 2` → `2 * n / 3`), add a missing `when` conjunct
// from a catalogue (a flag, a timer against a param), or change a param — smallest first, and
// report the first that makes every property hold on the same bounds without disabling any
// action that used to run (so "never do anything" is not offered as a fix).
import type { ActionDecl, BinOp, Expr, SpecModel, Span, Stmt } from "./model.ts";
import { typecheck } from "./typing.ts";
import { instantiate } from "./compile.ts";
import { checkInstance, type CheckResult } from "./check.ts";
import { exprText } from "./print.ts";

export interface RepairEdit {
  kind: "operator" | "threshold" | "guard" | "param";
  /** Source range to replace (empty range = insertion), when the model came from source. */
  span?: Span;
  replacement: string;
  /** One line for humans: `in \`commit\`: \`>= n / 2\` → \`> n / 2\``. */
  description: string;
  /** The repaired model (params overridden through `params` for param edits). */
  model: SpecModel;
  params: Record<string, number>;
  result: CheckResult;
}

export interface RepairOptions {
  /** Stop searching after this long (ms). */
  budgetMs?: number;
  maxStates?: number;
  /** Actions seen in the counterexample, most relevant first: their edits are tried first. */
  focus?: string[];
  /** Source text of a span, to write param edits in the user's own spelling. */
  sourceOf?: (span: Span) => string | undefined;
}

export interface RepairSearch {
  edit?: RepairEdit;
  tried: number;
  elapsedMs: number;
}

interface Candidate {
  kind: RepairEdit["kind"];
  cost: number;
  action?: string;
  apply(m: SpecModel): { span?: Span; replacement: string; description: string } | undefined;
  params?: Record<string, number>;
}

const FLIP: Partial<Record<BinOp, BinOp>> = { ">": ">=", ">=": ">", "<": "<=", "<=": "<" };
const CMP = new Set<BinOp>(["<", "<=", ">", ">=", "==", "!="]);

/** Comparison nodes inside guards and `if` conditions of an action, in a fixed traversal order. */
function comparisonSites(a: ActionDecl): Extract<Expr, { k: "bin" }>[] {
  const out: Extract<Expr, { k: "bin" }>[] = [];
  const ex = (e: Expr | undefined) => {
    if (!e) return;
    if (e.k === "bin" && CMP.has(e.op)) out.push(e);
    for (const c of children(e)) ex(c);
  };
  const st = (ss: Stmt[]) => {
    for (const s of ss) {
      if (s.k === "if") {
        ex(s.c);
        st(s.then);
        st(s.else);
      } else if (s.k === "for") st(s.body);
    }
  };
  ex(a.guard);
  st(a.body);
  return out;
}

function children(e: Expr): Expr[] {
  switch (e.k) {
    case "un":
    case "field":
    case "byz":
      return [e.a];
    case "bin":
    case "min":
    case "max":
      return [e.a, e.b];
    case "index":
      return [e.a, e.i];
    case "tuple":
    case "setlit":
    case "arr":
      return e.elems;
    case "quant":
      return [e.body];
    case "in":
      return [e.a, e.s];
    case "call":
      return [e.recv, ...e.args];
    case "repeat":
      return [e.v, e.n];
    case "ite":
      return [e.c, e.a, e.b];
    default:
      return [];
  }
}

const mentionsStateOrLocal = (e: Expr): boolean => e.k === "state" || e.k === "local" || e.k === "quant" || children(e).some(mentionsStateOrLocal);
const paramsIn = (e: Expr, acc = new Set<string>()): Set<string> => {
  if (e.k === "param") acc.add(e.name);
  children(e).forEach((c) => paramsIn(c, acc));
  return acc;
};

function evalConst(e: Expr, params: Record<string, number>): number | undefined {
  if (e.k === "num") return e.v;
  if (e.k === "param") return params[e.name];
  if (e.k === "bin") {
    const a = evalConst(e.a, params);
    const b = evalConst(e.b, params);
    if (a === undefined || b === undefined) return undefined;
    switch (e.op) {
      case "+": return a + b;
      case "-": return a - b;
      case "*": return a * b;
      case "/": return b ? Math.trunc(a / b) : undefined;
      case "%": return b ? a % b : undefined;
    }
  }
  return undefined;
}

const P = (name: string): Expr => ({ k: "param", name });
const N = (v: number): Expr => ({ k: "num", v });
const B = (op: BinOp, a: Expr, b: Expr): Expr => ({ k: "bin", op, a, b });

/** Threshold expressions to try instead of `orig`: quorum sizes over the spec's params. */
function thresholds(orig: Expr, params: string[]): Expr[] {
  const out: Expr[] = [];
  const near = [...paramsIn(orig)];
  const ps = [...near, ...params.filter((p) => !near.includes(p))];
  for (const x of ps) out.push(B("/", B("*", N(2), P(x)), N(3)), B("+", B("/", B("*", N(2), P(x)), N(3)), N(1)), B("/", P(x), N(2)), B("+", B("/", P(x), N(2)), N(1)), P(x), B("-", P(x), N(1)));
  for (const x of ps) for (const y of ps) if (x !== y) out.push(B("-", P(x), P(y)), B("+", B("*", N(2), P(y)), N(1)), B("*", N(2), P(y)));
  out.push(B("+", orig, N(1)), B("-", orig, N(1)));
  return out;
}

/** Conjuncts a guard may be missing: boolean flags, per-actor flags, timers reaching a param. */
function conjuncts(model: SpecModel, a: ActionDecl): Expr[] {
  const flags: Expr[] = [];
  const timers: Expr[] = [];
  const deadlines: Expr[] = [];
  const st = (name: string): Expr => ({ k: "state", name });
  const real = model.state.filter((s) => !s.ghost);
  for (const s of real) {
    if (s.ty.k === "bool") flags.push(st(s.name), { k: "un", op: "!", a: st(s.name) });
    if ((s.ty.k === "map" || s.ty.k === "array") && (s.ty.k === "map" ? s.ty.val : s.ty.elem).k === "bool") {
      const keyTy = s.ty.k === "map" ? s.ty.key : undefined;
      for (const p of a.params)
        if (!keyTy || (keyTy.k === p.ty.k && (keyTy.k !== "dom" || (p.ty.k === "dom" && keyTy.name === p.ty.name)))) {
          const ix: Expr = { k: "index", a: st(s.name), i: { k: "local", name: p.name } };
          flags.push(ix, { k: "un", op: "!", a: structuredClone(ix) });
        }
      // "every flag is set" (e.g. every party has deposited).
      for (const d of model.domains)
        if (!d.name.startsWith("__") && (!keyTy || (keyTy.k === "dom" && keyTy.name === d.name)))
          flags.push({ k: "quant", q: "forall", vars: [{ name: "x", ty: { k: "dom", name: d.name } }], body: { k: "index", a: st(s.name), i: { k: "local", name: "x" } } });
    }
    if (s.ty.k === "int") {
      for (const p of model.params) timers.push(B(">=", st(s.name), P(p.name)), B(">", st(s.name), P(p.name)));
      // A deadline relative to a recorded time: `clock >= posted_at + window`.
      for (const o of real)
        if (o !== s && o.ty.k === "int") for (const p of model.params) deadlines.push(B(">=", st(s.name), B("+", st(o.name), P(p.name))));
    }
  }
  // Deadlines relative to a recorded time are the usual missing timeout; absolute ones next.
  return [...deadlines, ...timers, ...flags];
}

export function suggestRepair(model: SpecModel, params: Record<string, number>, opts: RepairOptions = {}): RepairSearch {
  const t0 = performance.now();
  const budget = opts.budgetMs ?? 20_000;
  const base = instantiate(model, params);
  const before = checkInstance(base, { maxStates: opts.maxStates ?? 500_000 });
  const mustRun = new Set(before.coverage);
  const paramsNow = base.params;
  const focus = opts.focus ?? [];
  const rank = (action?: string) => {
    const i = action ? focus.indexOf(action) : -1;
    return i < 0 ? focus.length : i;
  };

  const cands: Candidate[] = [];
  model.actions.forEach((a, ai) => {
    comparisonSites(a).forEach((site, si) => {
      const at = (m: SpecModel) => comparisonSites(m.actions[ai])[si];
      const flip = FLIP[site.op];
      if (flip)
        cands.push({
          kind: "operator",
          cost: 1,
          action: a.name,
          apply: (m) => {
            const e = at(m);
            const old = exprText(e);
            e.op = flip;
            return { span: site.span, replacement: exprText(e), description: `in \`${a.name}\`: \`${old}\` → \`${exprText(e)}\`` };
          },
        });
      for (const side of ["a", "b"] as const) {
        if (!flip) break;
        const orig = site[side];
        if (mentionsStateOrLocal(orig)) continue;
        const v0 = evalConst(orig, paramsNow);
        const seen = new Set<number>([v0 ?? NaN]);
        for (const th of thresholds(orig, model.params.map((p) => p.name))) {
          const v = evalConst(th, paramsNow);
          if (v === undefined || v < 0 || seen.has(v)) continue;
          seen.add(v);
          cands.push({
            kind: "threshold",
            cost: 2,
            action: a.name,
            apply: (m) => {
              const e = at(m);
              const old = exprText(e);
              e[side] = structuredClone(th);
              return { span: site.span, replacement: exprText(e), description: `in \`${a.name}\`: \`${old}\` → \`${exprText(e)}\`` };
            },
          });
        }
      }
    });
    for (const c of conjuncts(model, a)) {
      cands.push({
        kind: "guard",
        cost: 3,
        action: a.name,
        apply: (m) => {
          const act = m.actions[ai];
          const conj = structuredClone(c);
          if (act.guard) {
            const g = act.guard;
            act.guard = B("&&", g, conj);
            return { span: g.span, replacement: exprText(act.guard), description: `in \`${a.name}\`: add \`&& ${exprText(conj, 4)}\` to the guard` };
          }
          act.guard = conj;
          return { span: act.headSpan, replacement: `when ${exprText(conj)} `, description: `in \`${a.name}\`: add \`when ${exprText(conj)}\`` };
        },
      });
    }
  });
  // Params that do not size the state space: changing them keeps the checked bounds.
  const sizing = new Set<string>();
  for (const d of model.domains) (paramsIn(d.lo, sizing), paramsIn(d.hi, sizing));
  for (const adv of model.adversaries) {
    if (adv.kind === "byzantine") paramsIn(adv.f, sizing);
    if (adv.kind === "flood") paramsIn(adv.k, sizing);
  }
  const walkTypes = (t: import("./model.ts").TypeExpr) => {
    if (t.k === "array") paramsIn(t.len, sizing);
  };
  model.state.forEach((s) => walkTypes(s.ty));
  for (const p of model.params) {
    if (sizing.has(p.name)) continue;
    const cur = paramsNow[p.name];
    for (const d of [1, -1, 2, -2, 3]) {
      const v = cur + d;
      if (v < 0) continue;
      cands.push({
        kind: "param",
        cost: 2 + Math.abs(d) / 10,
        params: { [p.name]: v },
        apply: () => {
          const text = p.span ? opts.sourceOf?.(p.span) : undefined;
          const replacement = text && /\d+\s*$/.test(text) ? text.replace(/\d+(\s*)$/, `${v}$1`) : `${p.name} = ${v}`;
          return { span: p.span, replacement, description: `set param \`${p.name}\` = ${v} (was ${cur})` };
        },
      });
    }
  }
  cands.sort((x, y) => x.cost - y.cost || rank(x.action) - rank(y.action));

  let tried = 0;
  for (const c of cands) {
    if (performance.now() - t0 > budget) break;
    const m = structuredClone(model);
    const info = c.apply(m);
    if (!info) continue;
    if (typecheck(m).length) continue;
    tried++;
    const ps = { ...params, ...(c.params ?? {}) };
    let result: CheckResult;
    try {
      result = checkInstance(instantiate(m, ps), { maxStates: opts.maxStates ?? 500_000 });
    } catch {
      continue;
    }
    if (!result.ok || result.truncated) continue;
    if ([...mustRun].some((a) => !result.coverage.includes(a))) continue;
    return { edit: { kind: c.kind, ...info, model: m, params: ps, result }, tried, elapsedMs: performance.now() - t0 };
  }
  return { tried, elapsedMs: performance.now() - t0 };
}
