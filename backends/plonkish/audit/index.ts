// `cwl audit`: an under-constraint checker over the PLONKish layout (spec/audit.md). It reads the
// layout lower.ts produced — gates, copies, lookups, per-row source ops — not the IR, so it checks what
// the prover is actually held to. Inputs are the circuit's parameters (public ones in the instance
// column, private ones in the advice cells that hold them); everything else the layout holds, and
// every public output, must be uniquely determined by them. Propagation (propagate.ts) settles most
// cells; a bounded witness search (search.ts) confirms the rest as findings with two witnesses or
// leaves them possible. Private parameters are also checked to be constrained at all, and bool /
// uN parameters to be held to their range.
import { type Diagnostic, type Span, error } from "../../../base/diagnostics/index.ts";
import type { Func, Type, Value } from "../../../compiler/ir/index.ts";
import type { RValue } from "../../../compiler/interp/index.ts";
import { fr } from "../../../runtime/poly/index.ts";
import { type Witness, emptyWitness } from "../../../runtime/plonk/index.ts";
import type { CompiledCircuit } from "../compile.ts";
import { System } from "./system.ts";
import { propagate, type Propagation } from "./propagate.ts";
import { search } from "./search.ts";
import { type Poly, splitLinear } from "./poly.ts";

export type FindingKind = "undetermined" | "output" | "unconstrained-input" | "unchecked-type";

export interface AuditFinding {
  kind: FindingKind;
  /** confirmed: two witnesses with the same inputs differ (or an out-of-range input is accepted); possible: propagation could not show uniqueness. */
  status: "confirmed" | "possible";
  code: string;
  message: string;
  hint: string;
  span?: Span;
  /** What the finding is about: a parameter, an output, or the op that computes the cells. */
  subject: string;
  /** Cells (column[row]) the finding covers, the first few. */
  cells: string[];
  /** Number of cells (variables after copies) it covers. */
  count: number;
  /** For confirmed findings: the two values of the first cell. */
  values?: [string, string];
  /** For findings confirmed by the search: the two witnesses (same instance, different cell). */
  witnesses?: [Witness, Witness];
  /** A finding whose cells, if they were determined, would settle this one too (reported first). */
  cause?: { subject: string; span?: Span };
}

export interface AuditReport {
  circuit: string;
  rows: number;
  variables: number;
  constraints: number;
  determined: number;
  findings: AuditFinding[];
  /** Cells that are not determined but influence nothing (see isHarmless); not findings. */
  free: FreeCells[];
  /** What limited the analysis (printed as notes). */
  notes: string[];
  search: { witnessFound: boolean; timedOut: boolean; ms: number };
}

export interface FreeCells {
  subject: string;
  span?: Span;
  cells: string[];
  count: number;
}

export interface AuditOptions {
  /** Time budget of the witness search in milliseconds (default 4000). */
  searchMs?: number;
  /** Time budget of the root-cause grouping in milliseconds (default 3000). */
  rootsMs?: number;
  progress?: (phase: string, done: number, total: number) => void;
}

interface Origin {
  value: Value;
  index?: number;
}

export function auditCompiled(compiled: CompiledCircuit, opts: AuditOptions = {}): AuditReport {
  const t0 = Date.now();
  const circuit = compiled.program.circuit;
  const f = compiled.func;
  const sys = System.build(circuit, (d, t) => opts.progress?.("constraints", d, t));
  const { origin, failed: probeFailed } = probeOrigins(compiled);
  const notes: string[] = [];
  if (probeFailed)
    notes.push(`the layout's witness builder failed on marker values (${probeFailed}): cells are not matched to parameters, so private inputs count as undetermined`);
  const pubCol = circuit.columns.find((c) => c.column.kind === "instance")?.column;

  // Inputs: public parameters' instance rows and private parameters' cells.
  // Public parameters fill the first instance rows in order (an array one row per element); outputs follow.
  const pubWidth = (t: Type) => (t.kind === "array" ? t.len : 1);
  const pubRowOf = new Map<number, number>();
  let nPub = 0;
  f.args.forEach((a, i) => {
    if (f.vis(i) !== "pub") return;
    pubRowOf.set(i, nPub);
    nPub += pubWidth(a.type);
  });
  const publicInputs: number[] = [];
  for (let row = 0; row < nPub && pubCol; row++) {
    const v = sys.existingVar(pubCol, row);
    if (v !== undefined) publicInputs.push(v);
  }
  const argIndex = new Map<Value, number>(f.args.map((a, i) => [a, i]));
  const varOrigin = new Map<number, Origin>();
  const privateByArg = new Map<number, Array<{ v: number; index?: number }>>();
  for (const [vi, v] of sys.vars.entries())
    for (const cell of v.cells) {
      const o = origin.get(`${cell.column.kind}:${cell.column.index}:${cell.row}`);
      if (!o) continue;
      if (!varOrigin.has(vi) || argIndex.has(o.value)) varOrigin.set(vi, o);
      const ai = argIndex.get(o.value);
      if (ai !== undefined && f.vis(ai) !== "pub") {
        const list = privateByArg.get(ai) ?? [];
        if (!list.some((e) => e.v === vi && e.index === o.index)) list.push({ v: vi, index: o.index });
        privateByArg.set(ai, list);
      }
    }
  // assert_eq between two wires may alias one to the other's cell without placing it (lower.ts
  // `equate`): a parameter then has no cell of its own but shares its partner's variable.
  const partners = assertEqClasses(f);
  const varsOfKey = new Map<string, number>();
  for (const [vi, v] of sys.vars.entries())
    for (const cell of v.cells) {
      const o = origin.get(`${cell.column.kind}:${cell.column.index}:${cell.row}`);
      if (o) varsOfKey.set(originKey(o.value, o.index), vi);
    }
  f.args.forEach((arg, ai) => {
    if (f.vis(ai) === "pub") return;
    const keys = arg.type.kind === "array" ? Array.from({ length: arg.type.len }, (_, i) => ({ key: originKey(arg, i), index: i as number | undefined })) : [{ key: originKey(arg), index: undefined }];
    for (const { key, index } of keys) {
      const list = privateByArg.get(ai) ?? [];
      if (list.some((e) => e.index === index)) continue;
      for (const k of partners.get(key) ?? []) {
        const vi = varsOfKey.get(k);
        if (vi === undefined) continue;
        list.push({ v: vi, index });
        privateByArg.set(ai, list);
        if (!varOrigin.has(vi)) varOrigin.set(vi, { value: arg, index });
        break;
      }
    }
  });
  const privateInputs = [...new Set([...privateByArg.values()].flat().map((e) => e.v))];
  const inputSet = new Set([...publicInputs, ...privateInputs]);
  opts.progress?.("propagation", 0, 1);
  const prop = propagate(sys, inputSet);
  opts.progress?.("propagation", 1, 1);

  const findings: Array<AuditFinding & { vars: number[] }> = [];
  const cellName = (vi: number) => sys.vars[vi].cells.slice(0, 1).map((c) => `${circuit.columnName(c.column)}[${c.row}]`)[0] ?? `v${vi}`;

  // Outputs: instance rows after the public parameters.
  const outputVars = new Set<number>();
  if (pubCol)
    compiled.program.publicNames.forEach((name, row) => {
      if (row < nPub) return;
      const v = sys.existingVar(pubCol, row);
      if (v === undefined) {
        // No gate or copy touches the instance row: the output is whatever the prover publishes.
        findings.push({
          kind: "output",
          status: "confirmed",
          code: "E0661",
          subject: name,
          message: `public ${name} is not constrained at all: no gate or copy reads its instance row`,
          hint: "compute the output with constrained operations (a hint's result must be checked before it is returned)",
          span: returnSpan(f, row - nPub),
          cells: [`${circuit.columnName(pubCol)}[${row}]`],
          count: 1,
          vars: [],
        });
        return;
      }
      if (prop.determined[v]) return;
      outputVars.add(v);
      findings.push({
        kind: "output",
        status: "possible",
        code: "E0661",
        subject: name,
        message: `public ${name} is not uniquely determined by the circuit's inputs`,
        hint: "a prover may publish another value for the same inputs: constrain every value it depends on",
        span: spanOfVar(sys, vi2meta(sys, circuit, v), varOrigin.get(v)),
        cells: [cellName(v)],
        count: 1,
        vars: [v],
      });
    });

  // Cells that are not determined, grouped by the op that computes them (or the row's source op).
  // A free cell whose every constraint has all its other cells determined, and which cannot switch any
  // of them off, influences nothing (the is-zero gadget's inverse when x = 0): listed, not a finding.
  const groups = new Map<string, { vars: number[]; span?: Span; subject: string }>();
  const freeGroups = new Map<string, { vars: number[]; span?: Span; subject: string }>();
  for (let vi = 0; vi < sys.vars.length; vi++) {
    if (prop.determined[vi] || inputSet.has(vi) || outputVars.has(vi)) continue;
    if (sys.vars[vi].cells.every((c) => c.column.kind === "instance")) continue;
    // A cell no gate or lookup reads (an unused column of a row) holds nothing.
    if (sys.uses[vi].length === 0) continue;
    const o = varOrigin.get(vi);
    const span = spanOfVar(sys, vi2meta(sys, circuit, vi), o);
    const subject = o ? describeValue(o, f) : (vi2meta(sys, circuit, vi)?.name ?? cellName(vi));
    const key = span ? `${span.file}:${span.start}:${span.end}` : subject;
    const into = isHarmless(sys, prop, vi) ? freeGroups : groups;
    const g = into.get(key) ?? { vars: [], span, subject };
    g.vars.push(vi);
    into.set(key, g);
  }
  const free: FreeCells[] = [...freeGroups.values()].map((g) => ({ subject: g.subject, span: g.span, cells: g.vars.slice(0, 4).map(cellName), count: g.vars.length }));
  for (const g of groups.values())
    findings.push({
      kind: "undetermined",
      status: "possible",
      code: "E0660",
      subject: g.subject,
      message: `${g.subject} is not uniquely determined by the circuit's inputs (${g.vars.length} cell${g.vars.length === 1 ? "" : "s"})`,
      hint: "constrain it: an equation that fixes it from determined values, booleanity or a range lookup plus a recomposition for bits/limbs, or a nonzero divisor",
      span: g.span,
      cells: g.vars.slice(0, 4).map(cellName),
      count: g.vars.length,
      vars: g.vars,
    });

  // Private parameters: constrained at all, and held to their type's range.
  const rangeTargets: Array<{ v: number; outside: bigint }> = [];
  const typeFindings = new Map<number, AuditFinding & { vars: number[] }>();
  f.args.forEach((arg, i) => {
    if (f.vis(i) === "pub") {
      const t = arg.type;
      if (!pubCol || (t.kind === "array" ? t.elem.kind : t.kind) !== "int") return;
      // A public typed parameter: its instance rows must be range-checked too.
      const first = pubRowOf.get(i)!;
      const cells: Array<{ v: number; index?: number }> = [];
      for (let j = 0; j < pubWidth(t); j++) {
        const v = sys.existingVar(pubCol, first + j);
        if (v !== undefined) cells.push({ v, index: t.kind === "array" ? j : undefined });
      }
      checkType(arg, i, cells);
      return;
    }
    const name = arg.name ?? `param${i}`;
    const cells = privateByArg.get(i) ?? [];
    const width = arg.type.kind === "array" ? arg.type.len : 1;
    const used = new Set(cells.filter((c) => sys.uses[c.v].length > 0).map((c) => c.index ?? 0));
    if (used.size < width) {
      const missing = Array.from({ length: width }, (_, j) => j).filter((j) => !used.has(j));
      const what = arg.type.kind === "array" ? `element${missing.length > 1 ? "s" : ""} ${missing.slice(0, 6).join(", ")}${missing.length > 6 ? ", …" : ""} of private parameter '${name}'` : `private parameter '${name}'`;
      findings.push({
        kind: "unconstrained-input",
        status: "confirmed",
        code: "E0662",
        subject: name,
        message: `${what} ${missing.length > 1 ? "are" : "is"} not used by any constraint: the proof says nothing about ${missing.length > 1 ? "them" : "it"}`,
        hint: "constrain it (assert_eq, a lookup, a hash) or remove the parameter",
        span: firstUse(f, arg, arg.type.kind === "array" ? missing[0] : undefined) ?? firstUse(f, arg) ?? cells.map((c) => spanOfVar(sys, vi2meta(sys, circuit, c.v), undefined)).find(Boolean),
        cells: [],
        count: missing.length,
        vars: [],
      });
    }
    checkType(arg, i, cells.filter((c) => sys.uses[c.v].length > 0));
  });

  function checkType(arg: Value, i: number, cells: Array<{ v: number; index?: number }>) {
    const elem = arg.type.kind === "array" ? arg.type.elem : arg.type;
    const max = maxOf(elem);
    if (max === undefined) return;
    const bad = cells.filter((c) => !((prop.bound.get(c.v) ?? fr.R) <= max));
    if (!bad.length) return;
    const name = arg.name ?? `param${i}`;
    const ty = typeName(elem);
    const fnd: AuditFinding & { vars: number[] } = {
      kind: "unchecked-type",
      status: "possible",
      code: "E0663",
      subject: name,
      message: `${f.vis(i) === "pub" ? "public" : "private"} parameter '${name}' has type ${arg.type.kind === "array" ? `[${ty}; ${arg.type.len}]` : ty} but ${bad.length === cells.length && cells.length > 1 ? "no element is" : arg.type.kind === "array" ? `${bad.length} element${bad.length > 1 ? "s are" : " is"} not` : "it is not"} held to 0..${max} by a constraint`,
      hint: ty === "bool" ? "add a booleanity constraint x·(x − 1) = 0" : `range-check it (a lookup into a ${ty} range table, or bits with a recomposition)`,
      span: bad.map((c) => spanOfVar(sys, vi2meta(sys, circuit, c.v), undefined)).find(Boolean),
      cells: bad.slice(0, 4).map((c) => cellName(c.v)),
      count: bad.length,
      vars: bad.map((c) => c.v),
    };
    findings.push(fnd);
    typeFindings.set(bad[0].v, fnd);
    rangeTargets.push({ v: bad[0].v, outside: max + 1n });
  }

  // Likely causes: a group of undetermined cells is settled by another when assuming the other's cells
  // determined settles it too. The groups whose assumption settles the most are reported first; the
  // others name that group (bounded by a time budget: one propagation per group).
  const undeterminedGroups = findings.filter((x) => (x.kind === "undetermined" || x.kind === "output") && x.vars.length);
  const closure = new Map<AuditFinding & { vars: number[] }, Set<AuditFinding & { vars: number[] }>>();
  const tRoots = Date.now();
  if (undeterminedGroups.length > 1)
    for (const g of undeterminedGroups) {
      if (g.kind !== "undetermined" || Date.now() - tRoots > (opts.rootsMs ?? 3000)) continue;
      const p2 = propagate(sys, [...inputSet, ...g.vars]);
      closure.set(g, new Set(undeterminedGroups.filter((h) => h !== g && h.vars.every((v) => p2.determined[v]))));
    }
  const causeOf = new Map<AuditFinding & { vars: number[] }, AuditFinding & { vars: number[] }>();
  const uncovered = new Set(undeterminedGroups);
  while (true) {
    let best: (AuditFinding & { vars: number[] }) | undefined;
    let gain = 0;
    for (const [g, cl] of closure) {
      if (!uncovered.has(g)) continue;
      // Ties go to a hint's result: the value a prover chooses is the cause a user fixes.
      const n = [...cl].filter((h) => uncovered.has(h)).length + (g.subject.startsWith("the result") ? 0.5 : 0);
      if (n > gain) [best, gain] = [g, n];
    }
    if (!best) break;
    uncovered.delete(best);
    for (const h of closure.get(best)!)
      if (uncovered.has(h)) {
        uncovered.delete(h);
        causeOf.set(h, best);
      }
  }
  for (const [h, root] of causeOf) h.cause = { subject: root.subject, span: root.span };
  // Causes first (in layout order), consequences after.
  findings.sort((a, b) => Number(causeOf.has(a)) - Number(causeOf.has(b)));

  // The bounded search: one target per finding (its first cell).
  const targets = findings.filter((x) => (x.kind === "undetermined" || x.kind === "output") && x.vars.length).map((x) => x.vars[0]);
  opts.progress?.("search", 0, 1);
  const res = search({
    system: sys,
    prop,
    privateInputs,
    publicInputs,
    targets,
    rangeTargets,
    budgetMs: opts.searchMs ?? 4000,
  });
  opts.progress?.("search", 1, 1);
  if (res.timedOut && findings.some((x) => x.status === "possible"))
    notes.push(`the witness search stopped after ${opts.searchMs ?? 4000} ms; --search-ms gives it more time to confirm possible findings`);
  for (const fd of findings) {
    if (fd.kind === "undetermined" || fd.kind === "output") {
      const v = fd.vars.find((x) => res.confirmed.has(x));
      if (v !== undefined) {
        const hit = res.confirmed.get(v)!;
        const pair = res.pairs.get(v)!;
        fd.status = "confirmed";
        fd.values = [hit[0].toString(), hit[1].toString()];
        fd.witnesses = [toWitness(sys, pair[0]), toWitness(sys, pair[1])];
      }
    }
  }
  for (const [v, fd] of typeFindings)
    if (res.rangeConfirmed.has(v)) {
      fd.status = "confirmed";
      fd.values = [String(prop.bound.get(v) ?? "?"), "accepted"];
    }

  return {
    circuit: circuit.name,
    rows: circuit.rows,
    variables: sys.vars.length,
    constraints: sys.constraints.length,
    determined: prop.determined.reduce((a, b) => a + b, 0),
    findings: findings.map(({ vars: _vars, ...rest }) => rest),
    free,
    notes,
    search: { witnessFound: res.witnessFound, timedOut: res.timedOut, ms: Date.now() - t0 },
  };
}

/**
 * A free cell is harmless when every constraint it occurs in has all its other cells determined and
 * no value of it makes one of them hold whatever the others are: P = v·C + D with D ≠ 0 and D not a
 * constant multiple of C (v = 0, or v = −λ, would switch off s·(a − b) = 0 or (s − 1)·(a − b) = 0).
 */
function isHarmless(sys: System, prop: Propagation, v: number): boolean {
  for (const ci of sys.uses[v]) {
    const c = sys.constraints[ci];
    if (c.kind !== "gate" || !c.poly) return false;
    if (c.vars.some((w) => w !== v && !prop.determined[w])) return false;
    const { degree, coef, rest } = splitLinear(prop.substituteConstants(c.poly), v);
    if (degree !== 1 || rest.isZero) return false;
    if (proportional(rest, coef)) return false;
  }
  return sys.uses[v].length > 0;
}

/** Whether a = λ·b for a constant λ. */
function proportional(a: Poly, b: Poly): boolean {
  if (a.terms.length !== b.terms.length || b.isZero) return false;
  const key = (vars: number[]) => vars.join(",");
  const bm = new Map(b.terms.map((t) => [key(t.vars), t.c]));
  let lambda: bigint | undefined;
  for (const t of a.terms) {
    const cb = bm.get(key(t.vars));
    if (cb === undefined) return false;
    const l = fr.mul(t.c, fr.inv(cb));
    if (lambda === undefined) lambda = l;
    else if (l !== lambda) return false;
  }
  return true;
}

/** An assignment of the variables as a layout witness (every cell of a variable gets its value). */
function toWitness(sys: System, vals: bigint[]): Witness {
  const w = emptyWitness(sys.circuit);
  for (const [vi, v] of sys.vars.entries())
    for (const cell of v.cells) {
      const col = cell.column.kind === "advice" ? w.advice[cell.column.index] : cell.column.kind === "instance" ? w.instance[cell.column.index] : undefined;
      if (col) col[cell.row] = vals[vi] ?? 0n;
    }
  for (const col of [...w.advice, ...w.instance]) for (let r = 0; r < col.length; r++) if (col[r] === undefined) col[r] = 0n;
  return w;
}

/** Findings as diagnostics (confirmed ones name the two values a prover can choose). */
export function findingDiagnostics(r: AuditReport): Diagnostic[] {
  return r.findings.map((fd) => {
    const d = error(
      fd.code,
      `${fd.message} [${fd.status}${fd.values && fd.kind !== "unchecked-type" ? `: ${short(fd.values[0])} and ${short(fd.values[1])} both satisfy the layout` : fd.kind === "unchecked-type" && fd.status === "confirmed" ? ": an out-of-range value satisfies the layout" : ""}]${fd.cause ? `; settled once ${fd.cause.subject} is` : ""}`,
      fd.span,
      `${fd.cause ? "look at that finding first; " : ""}${fd.hint} (cells ${fd.cells.join(", ")}${fd.count > fd.cells.length ? ", …" : ""})`,
    );
    if (fd.cause?.span) d.related = [{ span: fd.cause.span, message: `determining ${fd.cause.subject} would settle this too` }];
    return d;
  });
}

function short(s: string): string {
  const x = BigInt(s);
  const neg = fr.R - x;
  if (neg < 1000000n) return `-${neg}`;
  return s.length > 12 ? `${s.slice(0, 6)}…${s.slice(-4)}` : s;
}

function originKey(v: Value, index?: number): string {
  return index === undefined ? `${v.id}` : `${v.id}:${index}`;
}

/** Classes of values that c.assert_eq equates (array.get of a constant index names the element). */
function assertEqClasses(f: Func): Map<string, string[]> {
  const keyOf = (v: Value): string => {
    const op = v.definingOp;
    if (op?.name === "array.get") {
      const i = op.operands[1]?.definingOp?.bigAttr("value");
      if (i !== undefined && op.operands[0].isBlockArg) return originKey(op.operands[0], Number(i));
    }
    return originKey(v);
  };
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  for (const op of f.body.entry.ops)
    if (op.name === "c.assert_eq" && op.operands.length === 2) {
      const a = find(keyOf(op.operands[0]));
      const b = find(keyOf(op.operands[1]));
      if (a !== b) parent.set(a, b);
    }
  const classes = new Map<string, string[]>();
  for (const k of parent.keys()) {
    const r = find(k);
    const l = classes.get(r) ?? [];
    l.push(k);
    classes.set(r, l);
  }
  const out = new Map<string, string[]>();
  for (const l of classes.values()) for (const k of l) out.set(k, l);
  return out;
}

/** The returned value's op (where the output is computed), else the return itself. */
function returnSpan(f: Func, i: number): Span | undefined {
  const ret = f.body.entry.ops.find((op) => op.name === "cf.return");
  return ret?.operands[i]?.definingOp?.loc ?? ret?.loc;
}

/** The first op that reads a parameter (element `index` of an array parameter), for findings about it. */
function firstUse(f: Func, arg: Value, index?: number): Span | undefined {
  for (const op of f.body.entry.ops) {
    if (!op.operands.includes(arg)) continue;
    if (index === undefined || op.name !== "array.get") return op.loc;
    const i = op.operands[1]?.definingOp?.bigAttr("value");
    if (i === BigInt(index)) return op.loc;
  }
  return undefined;
}

function maxOf(t: Type): bigint | undefined {
  if (t.kind !== "int") return undefined;
  return (1n << BigInt(t.width)) - 1n;
}

function typeName(t: Type): string {
  return t.kind === "int" ? (t.width === 1 ? "bool" : `u${t.width}`) : t.kind;
}

function describeValue(o: Origin, f: Func): string {
  const v = o.value;
  const ai = f.args.indexOf(v);
  const idx = o.index !== undefined ? `[${o.index}]` : "";
  if (ai >= 0) return `parameter '${v.name ?? `param${ai}`}'${idx}`;
  const op = v.definingOp;
  if (op?.name === "cf.call") return `the result${idx} of hint ${op.symAttr("callee") ?? "?"}`;
  return `${v.name ? `'${v.name}'` : "the value"}${idx} computed by ${op?.name ?? "?"}`;
}

/** The row meta (source op) of a variable's first constrained cell, region-aware. */
function vi2meta(sys: System, circuit: CompiledCircuit["program"]["circuit"], vi: number): { name?: string; span?: Span } | undefined {
  for (const ci of sys.uses[vi]) {
    const c = sys.constraints[ci];
    const m = circuit.metaOf(c.row, c.kind === "gate" ? c.region : undefined);
    if (m?.span) return m;
  }
  for (const cell of sys.vars[vi].cells) {
    const m = circuit.rowMeta.get(cell.row);
    if (m?.span) return m;
  }
  for (const cp of circuit.copies)
    if (cp.span && sys.vars[vi].cells.some((c) => (c.row === cp.a.row && c.column === cp.a.column) || (c.row === cp.b.row && c.column === cp.b.column))) return cp;
  return undefined;
}

function spanOfVar(_sys: System, meta: { span?: Span } | undefined, o: Origin | undefined): Span | undefined {
  return o?.value.definingOp?.loc ?? meta?.span;
}

/**
 * Which IR value each cell holds: the layout's witness builder is run on distinct random markers
 * (one per scalar value, one per array element), so a cell whose witness equals a marker holds that
 * value. Cells the layout computes itself (select and equality helpers, Poseidon states) match none.
 */
function probeOrigins(compiled: CompiledCircuit): { origin: Map<string, Origin>; failed?: string } {
  const out = new Map<string, Origin>();
  const byMarker = new Map<bigint, Origin>();
  const given = new Map<Value, RValue>();
  let state = 0x243f6a8885a308d3n;
  const marker = (): bigint => {
    let x = 0n;
    for (let i = 0; i < 4; i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      x = (x << 64n) | state;
    }
    return (x % (fr.R - 1000n)) + 1000n;
  };
  const make = (v: Value, t: Type, index?: number): RValue => {
    if (t.kind === "array") return Array.from({ length: t.len }, (_, i) => make(v, t.elem, index ?? i));
    const m = marker();
    byMarker.set(m, { value: v, index });
    return m;
  };
  try {
    const w = compiled.program.witness((v) => {
      let x = given.get(v);
      if (x === undefined) {
        x = make(v, v.type);
        given.set(v, x);
      }
      return x;
    });
    const cols = compiled.program.circuit.columns;
    for (const info of cols) {
      const c = info.column;
      const data = c.kind === "advice" ? w.advice[c.index] : c.kind === "instance" ? w.instance[c.index] : undefined;
      data?.forEach((x, row) => {
        const o = x === undefined ? undefined : byMarker.get(x);
        if (o) out.set(`${c.kind}:${c.index}:${row}`, o);
      });
    }
  } catch (e) {
    // Without origins the findings still stand; they name rows instead of values.
    return { origin: out, failed: (e as Error)?.message ?? String(e) };
  }
  return { origin: out };
}

export type { Propagation };
