// SpecModel instance → Promela. The state is one global array `s` in the checker's own slot
// layout; every transition instance (action with fixed arguments, or adversary move) is one
// `atomic { guard -> effect }` branch of a `do` loop in a single active proctype, and the
// invariants are asserted after the initial state and after every step. Quantifiers, `for` loops
// and set operations are unrolled at emission time (params are fixed). Noninterference is emitted
// as the same self-composed product the checker explores.
import type { Expr, Instance, Stmt, Transition, Ty } from "../../runtime/spec/index.ts";
import { selfCompose } from "../../runtime/spec/index.ts";
import { card, slots, tupleOffsets, valuesOf, type Value } from "../../runtime/spec/index.ts";

export interface PromelaModel {
  text: string;
  /** Names of the properties the asserts encode. */
  checks: string[];
  kind: "safety" | "noninterference";
}

type Env = Map<string, string[]>;

class Emitter {
  private temps = 0;
  maxTemps = 0;
  constructor(
    private inst: Instance,
    /** Slot offset of the copy being emitted (0, or the width for the second copy of a product). */
    private base: number,
  ) {}

  private ty(e: Expr): Ty {
    return this.inst.resolveType(e.ty ?? { k: "int" });
  }

  private stateVar(name: string) {
    return this.inst.vars.find((v) => v.name === name)!;
  }

  slot(off: number | string): string {
    return typeof off === "number" ? `s[${this.base + off}]` : `s[${this.base} + ${off}]`;
  }

  /** Offset expression of a state-rooted place, or undefined. */
  private place(e: Expr, env: Env, pre: string[]): string | undefined {
    if (e.k === "state") return String(this.stateVar(e.name).off);
    if (e.k === "index") {
      const b = this.place(e.a, env, pre);
      if (b === undefined) return undefined;
      const at = this.ty(e.a);
      const es = slots(this.ty(e));
      const ix = at.k === "array" ? this.scalar(e.i, env, pre) : this.keyIndex(at.k === "map" ? at.key : at, this.ex(e.i, env, pre));
      return fold(`${b} + (${ix}) * ${es}`);
    }
    if (e.k === "field") {
      const b = this.place(e.a, env, pre);
      if (b === undefined) return undefined;
      return fold(`${b} + ${tupleOffsets(this.ty(e.a) as Extract<Ty, { k: "tuple" }>)[e.i]}`);
    }
    return undefined;
  }

  /** Mixed-radix index of a finite value given as slot expressions. */
  private keyIndex(t: Ty, v: string[], at = 0): string {
    if (t.k === "bool") return v[at];
    if (t.k === "dom") return t.lo === 0 ? v[at] : `(${v[at]} - ${t.lo})`;
    if (t.k === "tuple") {
      const offs = tupleOffsets(t);
      let acc = "0";
      t.elems.forEach((e, i) => {
        acc = `(${acc}) * ${card(e)} + ${this.keyIndex(e, v, at + offs[i])}`;
      });
      return acc;
    }
    return v[at];
  }

  scalar(e: Expr, env: Env, pre: string[]): string {
    return this.ex(e, env, pre)[0];
  }

  /** Slot expressions of a value; `pre` collects statements that must run first (temps). */
  ex(e: Expr, env: Env, pre: string[]): string[] {
    switch (e.k) {
      case "num":
        return [e.v < 0 ? `(${e.v})` : String(e.v)];
      case "bool":
        return [e.v ? "1" : "0"];
      case "param":
        return [String(this.inst.params[e.name])];
      case "local":
        return env.get(e.name)!;
      case "state":
      case "index":
      case "field": {
        const p = this.place(e, env, pre);
        const n = slots(this.ty(e));
        if (p !== undefined) return Array.from({ length: n }, (_, j) => this.slot(fold(`${p} + ${j}`)));
        if (e.k === "field") {
          const o = tupleOffsets(this.ty(e.a) as Extract<Ty, { k: "tuple" }>)[e.i];
          return this.ex(e.a, env, pre).slice(o, o + n);
        }
        if (e.k === "index") {
          const at = this.ty(e.a);
          const whole = this.ex(e.a, env, pre);
          const ix = at.k === "array" ? this.scalar(e.i, env, pre) : this.keyIndex(at.k === "map" ? at.key : at, this.ex(e.i, env, pre));
          const count = at.k === "array" ? at.len : card((at as Extract<Ty, { k: "map" }>).key);
          return Array.from({ length: n }, (_, j) => choose(ix, count, (k) => whole[k * n + j]));
        }
        return [];
      }
      case "un": {
        const a = this.scalar(e.a, env, pre);
        return [e.op === "!" ? `!(${a})` : `(-(${a}))`];
      }
      case "bin": {
        if (e.op === "==" || e.op === "!=") {
          const a = this.ex(e.a, env, pre);
          const b = this.ex(e.b, env, pre);
          const eq = a.map((x, j) => `(${x}) == (${b[j]})`).join(" && ") || "1";
          return [e.op === "==" ? `(${eq})` : `!(${eq})`];
        }
        const a = this.scalar(e.a, env, pre);
        const b = this.scalar(e.b, env, pre);
        if (e.op === "=>") return [`(!(${a}) || (${b}))`];
        return [`((${a}) ${e.op} (${b}))`];
      }
      case "tuple":
        return e.elems.flatMap((x) => this.ex(x, env, pre));
      case "quant": {
        const parts: string[] = [];
        const rec = (d: number, env2: Env) => {
          if (d === e.vars.length) {
            parts.push(this.scalar(e.body, env2, pre));
            return;
          }
          const t = this.inst.resolveType(e.vars[d].ty);
          for (const v of valuesOf(t)) rec(d + 1, new Map(env2).set(e.vars[d].name, valueSlots(v)));
        };
        rec(0, env);
        if (e.q === "count") return [parts.length ? `(${parts.map((p) => `((${p}) -> 1 : 0)`).join(" + ")})` : "0"];
        const op = e.q === "forall" ? " && " : " || ";
        return [parts.length ? `(${parts.map((p) => `(${p})`).join(op)})` : e.q === "forall" ? "1" : "0"];
      }
      case "in": {
        const st = this.ty(e.s) as Extract<Ty, { k: "set" }>;
        const set = this.ex(e.s, env, pre);
        const ix = this.keyIndex(st.elem, this.ex(e.a, env, pre));
        return [choose(ix, card(st.elem), (k) => set[k])];
      }
      case "call": {
        const st = this.ty(e.recv) as Extract<Ty, { k: "set" }>;
        const r = this.ex(e.recv, env, pre);
        switch (e.m) {
          case "len":
            return [`(${r.join(" + ") || "0"})`];
          case "is_empty":
            return [`(${r.map((x) => `(${x}) == 0`).join(" && ") || "1"})`];
          case "contains":
            return [choose(this.keyIndex(st.elem, this.ex(e.args[0], env, pre)), card(st.elem), (k) => r[k])];
          case "insert":
          case "remove": {
            const ix = this.keyIndex(st.elem, this.ex(e.args[0], env, pre));
            const bit = e.m === "insert" ? 1 : 0;
            return r.map((x, j) => (/^\d+$/.test(ix) ? (Number(ix) === j ? String(bit) : x) : `((${ix}) == ${j} -> ${bit} : ${x})`));
          }
          default: {
            const b = this.ex(e.args[0], env, pre);
            return r.map((x, j) => (e.m === "union" ? `((${x}) || (${b[j]}) -> 1 : 0)` : e.m === "inter" ? `((${x}) && (${b[j]}) -> 1 : 0)` : `((${x}) && !(${b[j]}) -> 1 : 0)`));
          }
        }
      }
      case "setlit": {
        const st = this.ty(e) as Extract<Ty, { k: "set" }>;
        const n = card(st.elem);
        const ixs = e.elems.map((x) => this.keyIndex(st.elem, this.ex(x, env, pre)));
        return Array.from({ length: n }, (_, j) => (ixs.length ? `(${ixs.map((ix) => `(${ix}) == ${j}`).join(" || ")} -> 1 : 0)` : "0"));
      }
      case "arr":
        return e.elems.flatMap((x) => this.ex(x, env, pre));
      case "repeat": {
        const at = this.ty(e) as Extract<Ty, { k: "array" }>;
        const v = this.ex(e.v, env, pre);
        return Array.from({ length: at.len }, () => v).flat();
      }
      case "ite": {
        const c = this.scalar(e.c, env, pre);
        const a = this.ex(e.a, env, pre);
        const b = this.ex(e.b, env, pre);
        return a.map((x, j) => `((${c}) -> (${x}) : (${b[j]}))`);
      }
      case "byz": {
        const bv = this.stateVar("__byzantine");
        const dom = (bv.ty as Extract<Ty, { k: "set" }>).elem as Extract<Ty, { k: "dom" }>;
        const a = this.scalar(e.a, env, pre);
        const flag = this.slot(fold(`${bv.off} + (${a}) - ${dom.lo}`));
        return [e.negate ? `(${flag} == 0)` : `(${flag} == 1)`];
      }
      case "min":
      case "max": {
        const a = this.scalar(e.a, env, pre);
        const b = this.scalar(e.b, env, pre);
        return [`((${a}) ${e.k === "min" ? "<" : ">"} (${b}) -> (${a}) : (${b}))`];
      }
    }
  }

  private temp(n: number): string[] {
    const out = Array.from({ length: n }, (_, j) => `L[${this.temps + j}]`);
    this.temps += n;
    this.maxTemps = Math.max(this.maxTemps, this.temps);
    return out;
  }

  resetTemps(): void {
    this.temps = 0;
  }

  stmts(ss: Stmt[], env: Env, out: string[]): void {
    let sc = env;
    for (const st of ss) {
      switch (st.k) {
        case "let": {
          const pre: string[] = [];
          const v = this.ex(st.e, sc, pre);
          const t = this.temp(v.length);
          out.push(...pre, ...t.map((x, j) => `${x} = ${v[j]}`));
          sc = new Map(sc).set(st.name, t);
          break;
        }
        case "assign": {
          const pre: string[] = [];
          const v = this.ex(st.e, sc, pre);
          out.push(...pre);
          const tt = this.inst.resolveType(st.target.ty ?? { k: "int" });
          if (st.target.k === "local") {
            const t = this.temp(v.length);
            out.push(...t.map((x, j) => `${x} = ${v[j]}`));
            sc = new Map(sc).set(st.target.name, t);
            break;
          }
          const p = this.place(st.target, sc, pre)!;
          // Evaluate the whole value before writing: slots of the value may read the target.
          const vt = v.length === 1 ? v : this.temp(v.length);
          if (v.length > 1) out.push(...vt.map((x, j) => `${x} = ${v[j]}`));
          const at = /^\d+$/.test(p) ? p : this.temp(1)[0];
          if (at !== p) out.push(`${at} = ${p}`);
          if (tt.k === "dom") out.push(`assert((${vt[0]}) >= ${tt.lo} && (${vt[0]}) < ${tt.lo + tt.size})`);
          vt.forEach((x, j) => out.push(`${this.slot(fold(`${at} + ${j}`))} = ${x}`));
          break;
        }
        case "if": {
          const pre: string[] = [];
          const c = this.scalar(st.c, sc, pre);
          const t: string[] = [];
          const f: string[] = [];
          this.stmts(st.then, sc, t);
          this.stmts(st.else, sc, f);
          out.push(...pre, `if\n:: (${c}) -> ${seq(t)}\n:: else -> ${seq(f)}\nfi`);
          break;
        }
        case "for": {
          const t = this.inst.resolveType(st.ty);
          for (const v of valuesOf(t)) this.stmts(st.body, new Map(sc).set(st.v, valueSlots(v)), out);
          break;
        }
        case "assert": {
          const pre: string[] = [];
          const c = this.scalar(st.e, sc, pre);
          out.push(...pre, `assert(${c})`);
          break;
        }
      }
    }
  }

  /** Guard and effect of one transition instance. */
  transition(t: Transition): { guard: string; body: string[] } {
    this.resetTemps();
    if (t.action) {
      const env: Env = new Map();
      t.action.params.forEach((p, j) => env.set(p.name, valueSlots(t.args[j])));
      const pre: string[] = [];
      let guard = t.action.guard ? this.scalar(t.action.guard, env, pre) : "1";
      if (pre.length) throw new Error("internal: guard needs temporaries");
      if (t.forgeSlot !== undefined) guard = `(${this.slot(t.forgeSlot)} == 1 || (${guard}))`;
      const body: string[] = [];
      this.stmts(t.action.body, env, body);
      this.mirror(body);
      return { guard, body };
    }
    const c = this.slot(t.chanSlot!);
    const m = this.inst.mirror;
    switch (t.name) {
      case "drop": {
        const body = [`${c} = 0`];
        this.mirror(body);
        return { guard: `${c} == 1`, body };
      }
      case "replay":
        return { guard: `${this.slot(m!.to + (t.chanSlot! - m!.from))} == 1 && ${c} == 0`, body: [`${c} = 1`] };
      default: {
        const f = this.slot(this.inst.floodSlot!);
        const body = [`${c} = 1`, `${f} = ${f} - 1`];
        this.mirror(body);
        return { guard: `${f} > 0 && ${c} == 0`, body };
      }
    }
  }

  private mirror(body: string[]): void {
    const m = this.inst.mirror;
    if (!m) return;
    for (let j = 0; j < m.n; j++) body.push(`${this.slot(m.to + j)} = (${this.slot(m.to + j)} || ${this.slot(m.from + j)} -> 1 : 0)`);
  }

  predicate(e: Expr): string {
    this.resetTemps();
    const pre: string[] = [];
    const c = this.scalar(e, new Map(), pre);
    if (pre.length) throw new Error("internal: predicate needs temporaries");
    return c;
  }
}

function valueSlots(v: Value): string[] {
  return typeof v === "number" ? [v < 0 ? `(${v})` : String(v)] : Array.from(v, (x) => (x < 0 ? `(${x})` : String(x)));
}

/** `(ix == 0 -> a0 : (ix == 1 -> a1 : ...))`, or the direct pick for a constant index. */
function choose(ix: string, count: number, pick: (k: number) => string): string {
  if (/^\d+$/.test(ix)) {
    const k = Number(ix);
    return k < count ? pick(k) : "0";
  }
  let acc = "0";
  for (let k = count - 1; k >= 0; k--) acc = `((${ix}) == ${k} -> (${pick(k)}) : ${acc})`;
  return acc;
}

/** Folds `a + b + c` of integer literals. */
function fold(x: string): string {
  return /^[\d\s+]+$/.test(x) ? String(x.split("+").reduce((a, b) => a + Number(b), 0)) : x;
}

function seq(stmts: string[]): string {
  return stmts.length ? stmts.join(";\n   ") : "skip";
}

function initBranch(s: Int32Array): string {
  const parts: string[] = [];
  s.forEach((v, i) => {
    if (v !== 0) parts.push(`s[${i}] = ${v < 0 ? `(${v})` : v}`);
  });
  return parts.length ? parts.join("; ") : "skip";
}

export function emitPromela(inst: Instance, opts: { property?: string } = {}): PromelaModel {
  const ni = inst.properties.find((p) => p.kind === "noninterference" && (!opts.property || p.name === opts.property));
  if (opts.property && ni) return emitNoninterference(inst, ni as Extract<Instance["properties"][number], { kind: "noninterference" }>);
  const em = new Emitter(inst, 0);
  const invs: { name: string; code: string }[] = [
    ...inst.model.invariants.map((i) => ({ name: i.name, code: em.predicate(i.e) })),
    ...inst.model.properties.filter((p) => p.kind === "always").map((p) => ({ name: p.name, code: em.predicate((p as { e: Expr }).e) })),
  ];
  const branches = inst.transitions.map((t) => {
    const { guard, body } = em.transition(t);
    return `  :: atomic { (${guard}) -> /* ${inst.transitionText(t)} */\n     ${seq([...body, ...resetTemps(em.maxTemps), ...invs.map((i) => `assert(${i.code})`)])} }`;
  });
  return {
    text: assemble(inst.model.name, inst.width, em.maxTemps, inst.inits, invs.map((i) => `assert(${i.code})`), branches),
    checks: invs.map((i) => i.name),
    kind: "safety",
  };
}

function resetTemps(n: number): string[] {
  return Array.from({ length: n }, (_, j) => `L[${j}] = 0`);
}

function assemble(name: string, width: number, temps: number, inits: Int32Array[], asserts: string[], branches: string[]): string {
  return [
    `/* ChainWeave spec ${name}: generated by backends/promela; state slots as in runtime/spec */`,
    `int s[${Math.max(1, width)}];`,
    `int L[${Math.max(1, temps)}];`,
    "",
    "active proctype main() {",
    "  atomic {",
    "    if",
    ...inits.map((s) => `    :: ${initBranch(s)}`),
    "    fi;",
    ...asserts.map((a) => `    ${a};`),
    "    skip",
    "  };",
    "  do",
    ...branches,
    "  od",
    "}",
    "",
  ].join("\n");
}

function emitNoninterference(inst: Instance, p: Extract<Instance["properties"][number], { kind: "noninterference" }>): PromelaModel {
  const W = inst.width;
  const product = selfCompose(inst, p.secret, p.observer, p.name);
  const a = new Emitter(inst, 0);
  const b = new Emitter(inst, W);
  const obs = p.observer.map((n) => inst.vars.find((v) => v.name === n)!).flatMap((v) => Array.from({ length: slots(v.ty) }, (_, j) => v.off + j));
  const same = obs.map((o) => `s[${o}] == s[${W + o}]`).join(" && ") || "1";
  const changed = (em: Emitter, save: string[]) => obs.map((o) => `${em.slot(o)} != ${save[o]}`).join(" || ") || "0";
  const branches: string[] = [];
  let temps = 0;
  for (const t of inst.transitions) {
    const ta = a.transition(t);
    const tb = b.transition(t);
    temps = Math.max(temps, a.maxTemps, b.maxTemps);
    const both = `  :: atomic { (${ta.guard}) && (${tb.guard}) -> /* ${inst.transitionText(t)} */\n     ${seq([...ta.body, ...tb.body])};\n     ${seq([...resetTemps(temps), `assert(${same})`])} }`;
    branches.push(both);
    // One-sided moves: a leak when the observer would see them, otherwise not followed (undone).
    for (const [em, other, tr] of [[a, tb, ta], [b, ta, tb]] as const) {
      const save = Array.from({ length: W }, (_, j) => `S[${j}]`);
      const saveStmts = Array.from({ length: W }, (_, j) => `S[${j}] = ${em.slot(j)}`);
      const restore = Array.from({ length: W }, (_, j) => `${em.slot(j)} = S[${j}]`);
      branches.push(
        `  :: atomic { (${tr.guard}) && !(${other.guard}) -> /* ${inst.transitionText(t)}, one copy only */\n     ${seq([...saveStmts, ...tr.body])};\n     if\n     :: (${changed(em, save)}) -> assert(${same})\n     :: else -> ${seq(restore)}\n     fi;\n     ${seq(resetTemps(temps))} }`,
      );
    }
  }
  const text = assemble(inst.model.name + " (self-composed)", 2 * W, temps, product.inits, [`assert(${same})`], branches).replace(
    `int L[`,
    `int S[${Math.max(1, W)}];\nint L[`,
  );
  return { text, checks: [p.name], kind: "noninterference" };
}

