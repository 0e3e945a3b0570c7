// The CWIR interpreter: reference semantics for every backend.
// - circuits: computes every value (the witness) from JSON inputs and checks every constraint; each
//   failing c.* op is reported with its source location and message (E05xx), and execution goes on so
//   that one run lists all failures, like a MockProver. The witness (Value → value) is exact on
//   flattened IR (after inline/unroll/if-to-select), which is what the PLONKish backend lays out.
// - hints and fns run as ordinary code; programs run with wrapping integer semantics and buffers;
// - protocols run in the clear (sint = field element, sfix = x·2^f mod p; see semantics.ts);
// - kernels run every invocation of the dispatch, workgroup by workgroup; k.barrier suspends an
//   invocation until all of its workgroup arrive (invocations are generators).
// A step limit turns runaway loops into a diagnostic. Never throws for bad input: diagnostics.
import { type Diagnostic, error } from "../../base/diagnostics/index.ts";
import {
  type Block,
  type Func,
  type Module,
  type Op,
  type Type,
  type Value,
  locParts,
  typeToString,
  verifyModule,
  walkFunc,
} from "../ir/index.ts";
import { EvalError, type MemRef, type RValue, evalValueOp, fieldSigned, isMemRef, mod, modulusFor } from "./semantics.ts";

export * from "./semantics.ts";

export interface RunOptions {
  /** Item to run; default: the only circuit/program/protocol/kernel in the module. */
  entry?: string;
  /** Inputs by parameter name (object) or position (array); JSON values as described in spec/ir.md. */
  inputs?: Record<string, unknown> | unknown[];
  /** Kernel dispatch size in invocations (x only); default: the length of the first buffer. */
  dispatch?: number;
  /** Ops executed before giving up with E0505 (default 50 million). */
  maxSteps?: number;
  /** Verify the module first (default true); an invalid module is refused with E0509. */
  verify?: boolean;
  /** Stop collecting constraint failures after this many (default 100). */
  maxFailures?: number;
}

export interface Revealed {
  value: RValue;
  type: Type;
  /** Party the value is revealed to; undefined = everyone. */
  to?: number;
  json: unknown;
}

export interface RunResult {
  /** True when no diagnostic was reported (every constraint held, nothing failed). */
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Values of the item's cf.return (a circuit's public outputs). */
  outputs: RValue[];
  outputsJson: unknown[];
  /** Every value computed in the entry item's body (last iteration's value inside loops). */
  witness: Map<Value, RValue>;
  /** Parameter values as decoded from the inputs. */
  params: RValue[];
  /** Protocol outputs, in reveal order. */
  revealed: Revealed[];
  /** Kernel/program buffers after the run, by parameter index (undefined for non-buffer params). */
  buffers: (RValue[] | undefined)[];
  /** Rows pushed into each dynamic table (c.table_push), in execution order, by table name. */
  dynamicRows: Map<string, bigint[][]>;
  steps: number;
}

class Stop extends Error {
  constructor(readonly diag: Diagnostic) {
    super(diag.message);
  }
}

/** Suspension marker yielded by k.barrier. */
const BARRIER = Symbol("barrier");
type Exec = Generator<typeof BARRIER, void, void>;

export function run(m: Module, opts: RunOptions = {}): RunResult {
  const result: RunResult = {
    ok: false,
    diagnostics: [],
    outputs: [],
    outputsJson: [],
    witness: new Map(),
    params: [],
    revealed: [],
    buffers: [],
    dynamicRows: new Map(),
    steps: 0,
  };
  if (opts.verify !== false) {
    const ds = verifyModule(m);
    if (ds.length) {
      result.diagnostics.push(error("E0509", "the module does not verify; refusing to run it"), ...ds);
      return result;
    }
  }
  const entry = pickEntry(m, opts.entry, result.diagnostics);
  if (!entry) return result;
  if (entry.kind === "spec") {
    result.diagnostics.push(error("E0508", `@${entry.name} is a spec; specs are checked by the model checker, not run`));
    return result;
  }
  const params = decodeParams(m, entry, opts.inputs, result.diagnostics);
  if (!params) return result;
  result.params = params;
  const it = new Interpreter(m, opts, result);
  try {
    if (entry.kind === "kernel") it.runKernel(entry, params, opts.dispatch);
    else {
      const outs = it.callTop(entry, params, result.witness);
      result.outputs = outs;
      result.outputsJson = outs.map((v, i) => encodeJson(m, entry.results[i], v));
    }
    it.checkDynamicLookups();
  } catch (e) {
    if (e instanceof Stop) result.diagnostics.push(e.diag);
    else throw e;
  }
  result.buffers = params.map((p) => (isMemRef(p) ? p.mem : undefined));
  result.steps = it.steps;
  result.ok = !result.diagnostics.some((d) => d.severity === "error");
  return result;
}

function pickEntry(m: Module, name: string | undefined, diags: Diagnostic[]): Func | undefined {
  if (name !== undefined) {
    const f = m.func(name);
    if (!f) diags.push(error("E0507", `no item @${name} in the module`, undefined, `items: ${m.funcs.map((g) => `@${g.name}`).join(", ")}`));
    return f;
  }
  const tops = m.funcs.filter((f) => ["circuit", "program", "protocol", "kernel"].includes(f.kind));
  if (tops.length === 1) return tops[0];
  diags.push(
    error(
      "E0507",
      tops.length ? `the module has ${tops.length} runnable items; name one` : "the module has no circuit, program, protocol or kernel to run",
      undefined,
      tops.length ? `items: ${tops.map((g) => `@${g.name}`).join(", ")}` : undefined,
    ),
  );
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Inputs and outputs

function paramName(f: Func, i: number): string {
  const n = f.paramAttrs[i]?.name;
  return typeof n === "string" ? n : `#${i}`;
}

function decodeParams(m: Module, f: Func, inputs: RunOptions["inputs"], diags: Diagnostic[]): RValue[] | undefined {
  const out: RValue[] = [];
  const given = inputs ?? {};
  const byName = !Array.isArray(given);
  if (Array.isArray(given) && given.length !== f.args.length) {
    diags.push(error("E0506", `@${f.name} takes ${f.args.length} input(s), ${given.length} given`));
    return undefined;
  }
  if (byName) {
    const known = new Set(f.args.map((_, i) => paramName(f, i)));
    // Protocols may also read named inputs with mpc.input.
    walkFunc(f, (op) => {
      const n = op.name === "mpc.input" ? op.strAttr("name") : undefined;
      if (n !== undefined) known.add(n);
    });
    for (const k of Object.keys(given)) if (!known.has(k)) diags.push(error("E0506", `unknown input '${k}' for @${f.name}`, undefined, `inputs: ${[...known].join(", ")}`));
  }
  f.args.forEach((a, i) => {
    const name = paramName(f, i);
    const raw = byName ? (given as Record<string, unknown>)[name] : (given as unknown[])[i];
    if (raw === undefined) {
      diags.push(error("E0506", `missing input '${name}' (${typeToString(a.type)}) for @${f.name}`));
      return;
    }
    // The source type (when the front end recorded it) names the parameter in diagnostics.
    const src = typeof f.paramAttrs[i]?.type === "string" ? (f.paramAttrs[i].type as string) : typeToString(a.type);
    try {
      out.push(decodeJson(m, a.type, raw, name, { signed: f.paramAttrs[i]?.signed === true }));
    } catch (e) {
      if (e instanceof InputError) diags.push(error("E0506", `${e.message} (input '${name}: ${src}')`, undefined, e.hint));
      else throw e;
    }
  });
  return diags.length ? undefined : out;
}

class InputError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** An integer from a JSON number or a decimal / 0x string; booleans are not numbers here. */
function parseBig(raw: unknown, what: string): bigint {
  if (typeof raw === "number" && Number.isSafeInteger(raw)) return BigInt(raw);
  if (typeof raw === "string" && /^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(raw.trim())) {
    const s = raw.trim();
    return s.startsWith("-") ? -BigInt(s.slice(1)) : BigInt(s);
  }
  throw new InputError(`${what}: expected an integer (number, decimal or 0x string), got ${JSON.stringify(raw)}`);
}

/** x · 2^f rounded to nearest, from a JSON number or a decimal string (exact). */
export function encodeFixed(raw: unknown, frac: number, p: bigint, what = "value"): bigint {
  let num: bigint;
  let den: bigint;
  if (typeof raw === "number" && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw !== "string") throw new InputError(`${what}: expected a number, got ${JSON.stringify(raw)}`);
  const m = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(raw.trim());
  if (!m) throw new InputError(`${what}: expected a decimal number, got ${JSON.stringify(raw)}`);
  const digits = m[2] + (m[3] ?? "");
  let exp = -(m[3]?.length ?? 0) + Number(m[4] ?? 0);
  num = BigInt(digits);
  den = 1n;
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den = 10n ** BigInt(-exp);
  num <<= BigInt(frac);
  // round half away from zero
  let q = (2n * num + den) / (2n * den);
  if (m[1]) q = -q;
  exp = 0;
  return mod(q, p);
}

export function decodeFixed(x: bigint, frac: number, p: bigint): number {
  return Number(fieldSigned(x, p)) / 2 ** frac;
}

/**
 * Decodes one JSON input against its CWIR type. Values outside the type are refused, never reduced:
 * a field element must be canonical (0 ≤ v < p), an integer must fit its width (negative only when
 * `signed`, the source type being iN), a bool is `true` or `false`. Secret-shared `sint` values are
 * signed by nature and taken mod p.
 */
export function decodeJson(m: Module, t: Type, raw: unknown, what: string, opts: { signed?: boolean } = {}): RValue {
  switch (t.kind) {
    case "sint":
      return mod(parseBig(raw, what), m.modulus(t.field));
    case "field": {
      const p = m.modulus(t.field);
      const v = parseBig(raw, what);
      if (v < 0n) throw new InputError(`${what} = ${v} is negative`, `a field input is its canonical value in [0, p): write p - ${-v} for ${v}`);
      if (v >= p) throw new InputError(`${what} = ${v} is not below the field modulus ${p}`, "give the canonical value (reduced mod p); it is not reduced for you");
      return v;
    }
    case "fix":
    case "sfix":
      return encodeFixed(raw, t.frac, m.modulus(t.field), what);
    case "int": {
      if (t.width === 1) {
        if (typeof raw !== "boolean") throw new InputError(`${what}: expected true or false, got ${JSON.stringify(raw)}`, "a bool input is a JSON boolean");
        return raw ? 1n : 0n;
      }
      if (typeof raw === "boolean") throw new InputError(`${what}: expected an integer, got ${raw}`);
      const v = parseBig(raw, what);
      const w = BigInt(t.width);
      if (v >= 1n << w || v < (opts.signed ? -(1n << (w - 1n)) : 0n))
        throw new InputError(`${what} = ${v} is out of range: ${opts.signed ? `-2^${w - 1n} ≤ v < 2^${w}` : `0 ≤ v < 2^${w}`}`);
      return BigInt.asUintN(t.width, v);
    }
    case "array": {
      if (!Array.isArray(raw) || raw.length !== t.len)
        throw new InputError(`${what}: expected an array of ${t.len} element(s), got ${Array.isArray(raw) ? `${raw.length}` : JSON.stringify(raw)}`);
      return raw.map((x, i) => decodeJson(m, t.elem, x, `${what}[${i}]`, opts));
    }
    case "tuple": {
      const xs = Array.isArray(raw) ? raw : raw !== null && typeof raw === "object" ? Object.values(raw) : undefined;
      if (!xs || xs.length !== t.elems.length) throw new InputError(`${what}: expected ${t.elems.length} field(s)`);
      return xs.map((x, i) => decodeJson(m, t.elems[i], x, `${what}.${i}`, opts));
    }
    case "mem": {
      let xs: unknown[] | undefined = Array.isArray(raw) ? raw : undefined;
      if (typeof raw === "string" && t.elem.kind === "int" && t.elem.width === 8) {
        const s = raw.startsWith("0x") ? raw.slice(2) : undefined;
        xs = s !== undefined && /^([0-9a-fA-F]{2})*$/.test(s) ? (s.match(/../g) ?? []).map((h) => parseInt(h, 16)) : [...new TextEncoder().encode(raw)];
      }
      if (!xs) throw new InputError(`${what}: expected an array for ${typeToString(t)}`);
      return { mem: xs.map((x, i) => decodeJson(m, t.elem, x, `${what}[${i}]`, opts)) };
    }
  }
}

export function encodeJson(m: Module, t: Type | undefined, v: RValue): unknown {
  if (!t) return null;
  if (isMemRef(v)) return v.mem.map((x) => encodeJson(m, t.kind === "mem" ? t.elem : t, x));
  if (Array.isArray(v)) {
    if (t.kind === "array") return v.map((x) => encodeJson(m, t.elem, x));
    if (t.kind === "tuple") return v.map((x, i) => encodeJson(m, t.elems[i], x));
    return null;
  }
  switch (t.kind) {
    case "int":
      if (t.width === 1) return v !== 0n;
      return t.width <= 32 ? Number(v) : v.toString();
    case "field":
      return v.toString();
    case "sint":
      return fieldSigned(v, m.modulus(t.field)).toString();
    case "sfix":
    case "fix":
      return decodeFixed(v, t.frac, m.modulus(t.field));
    default:
      return v.toString();
  }
}

// ---------------------------------------------------------------------------------------------
// Execution

class Interpreter {
  steps = 0;
  private maxSteps: number;
  private maxFailures: number;
  private failures = 0;
  /** Kernel invocation ids, set while a kernel runs. */
  private kctx?: { global: number; local: number; group: number; groups: number };
  private fnStack: Func[] = [];
  /** Workgroup-space allocations of the workgroup being run. */
  private wgMem?: Map<Op, MemRef>;
  private inputs: RunOptions["inputs"];

  constructor(
    private m: Module,
    opts: RunOptions,
    private result: RunResult,
  ) {
    this.inputs = opts.inputs;
    this.maxSteps = opts.maxSteps ?? 50_000_000;
    this.maxFailures = opts.maxFailures ?? 100;
  }

  private where(op: Op): { span?: Op["loc"]; suffix: string } {
    const { span, suffix } = locParts(op.loc);
    const f = this.fnStack[this.fnStack.length - 1];
    return { span, suffix: `${suffix}${f ? ` [in @${f.name}]` : ""}` };
  }

  /** A failure that stops the run (no value can be produced). */
  private stop(code: string, op: Op, msg: string, hint?: string): never {
    const { span, suffix } = this.where(op);
    throw new Stop(error(code, `${msg}${suffix}`, span, hint));
  }

  /** A failed constraint: recorded; the run continues so that all failures are listed. */
  private fail(code: string, op: Op, msg: string): void {
    const { span, suffix } = this.where(op);
    const user = op.strAttr("msg");
    this.result.diagnostics.push(error(code, `${user ? `${user}: ` : ""}${msg}${suffix}`, span));
    if (++this.failures >= this.maxFailures) throw new Stop(error("E0501", `stopped after ${this.maxFailures} failed constraints`));
  }

  /** Lookups into dynamic tables, checked by `checkDynamicLookups` once every row is pushed. */
  private dynamicLookups: { op: Op; row: bigint[]; fn?: Func }[] = [];

  checkDynamicLookups(): void {
    const keys = new Map<string, Set<string>>();
    for (const [name, rows] of this.result.dynamicRows) keys.set(name, new Set(rows.map((r) => r.join(","))));
    for (const { op, row, fn } of this.dynamicLookups) {
      const name = op.symAttr("table") ?? "";
      if (keys.get(name)?.has(row.join(","))) continue;
      // Report it as if still inside the function that looked it up (for the `[in @f]` suffix).
      if (fn) this.fnStack.push(fn);
      this.fail("E0502", op, `lookup failed: (${row.map(fmt).join(", ")}) is not in @${name} (no row pushed into this dynamic table matches)`);
      if (fn) this.fnStack.pop();
    }
  }

  callTop(f: Func, args: RValue[], env: Map<Value, RValue>): RValue[] {
    const out: RValue[] = [];
    const gen = this.callFunc(f, args, out, env);
    for (let r = gen.next(); !r.done; r = gen.next()) {
      // A barrier outside a kernel dispatch synchronises nothing.
    }
    return out;
  }

  runKernel(f: Func, params: RValue[], dispatch?: number): void {
    const firstBuf = params.find(isMemRef) as MemRef | undefined;
    const total = dispatch ?? firstBuf?.mem.length ?? 1;
    const wgAttr = f.attrs.workgroup;
    const wg = Array.isArray(wgAttr) && typeof wgAttr[0] === "bigint" ? Number(wgAttr[0]) : 1;
    const groups = Math.ceil(total / wg);
    const usesBarrier = (() => {
      let b = false;
      walkFunc(f, (op) => (b ||= op.name === "k.barrier"));
      return b;
    })();
    for (let g = 0; g < groups; g++) {
      this.wgMem = new Map();
      const invs: { gen: Exec; done: boolean; ids: NonNullable<Interpreter["kctx"]> }[] = [];
      for (let l = 0; l < wg; l++) {
        // Invocations beyond the dispatch size still run (as on a GPU); kernels guard with global_id.
        const ids = { global: g * wg + l, local: l, group: g, groups };
        this.kctx = ids;
        const gen = this.callFunc(f, params, [], new Map());
        invs.push({ gen, done: false, ids });
        if (!usesBarrier) {
          for (let r = gen.next(); !r.done; r = gen.next()) {
            /* no barriers */
          }
          invs[invs.length - 1].done = true;
        }
      }
      // Lock-step between barriers: run each invocation to its next barrier, then the next one.
      while (invs.some((i) => !i.done)) {
        let arrived = 0;
        for (const inv of invs) {
          if (inv.done) continue;
          this.kctx = inv.ids;
          const r = inv.gen.next();
          if (r.done) inv.done = true;
          else arrived++;
        }
        if (arrived && arrived !== invs.length)
          throw new Stop(error("E0510", `k.barrier in @${f.name} reached by ${arrived} of ${invs.length} invocations of workgroup ${g} (non-uniform control flow)`));
      }
    }
    this.kctx = undefined;
    this.wgMem = undefined;
  }

  private *callFunc(f: Func, args: RValue[], out: RValue[], env: Map<Value, RValue>): Exec {
    if (this.fnStack.length > 256) throw new Stop(error("E0505", `call depth exceeds 256 (in @${f.name})`));
    this.fnStack.push(f);
    const block = f.body.blocks[0];
    block.args.forEach((a, i) => env.set(a, args[i]));
    const ret = yield* this.execBlock(block, env);
    if (ret) out.push(...ret.values);
    this.fnStack.pop();
  }

  /** Executes a block; returns the terminator's operand values and name. */
  private *execBlock(block: Block, env: Map<Value, RValue>): Generator<typeof BARRIER, { name: string; values: RValue[] } | undefined, void> {
    const get = (v: Value): RValue => {
      const x = env.get(v);
      if (x === undefined) throw new Stop(error("E0599", `internal: value used before it was computed (${typeToString(v.type)})`));
      return x;
    };
    for (const op of block.ops) {
      if (++this.steps > this.maxSteps)
        this.stop("E0505", op, `step limit of ${this.maxSteps} ops exceeded`, "a loop may not terminate; raise the limit with maxSteps");
      const name = op.name;
      if (name === "cf.yield" || name === "cf.return" || name === "cf.condition") return { name, values: op.operands.map(get) };
      const args = op.operands.map(get);
      switch (name) {
        case "cf.for": {
          const lo = op.bigAttr("lo") ?? 0n;
          const hi = op.bigAttr("hi") ?? 0n;
          const step = op.bigAttr("step") ?? 1n;
          const body = op.regions[0].blocks[0];
          let carried = args;
          for (let iv = lo; iv < hi; iv += step) {
            env.set(body.args[0], BigInt.asUintN(32, iv));
            body.args.slice(1).forEach((a, i) => env.set(a, carried[i]));
            const r = yield* this.execBlock(body, env);
            carried = r?.values ?? [];
          }
          op.results.forEach((r, i) => env.set(r, carried[i]));
          continue;
        }
        case "cf.if": {
          const r = yield* this.execBlock(op.regions[(args[0] as bigint) !== 0n ? 0 : 1].blocks[0], env);
          op.results.forEach((res, i) => env.set(res, r?.values[i] as RValue));
          continue;
        }
        case "cf.while": {
          const before = op.regions[0].blocks[0];
          const after = op.regions[1].blocks[0];
          let carried = args;
          for (;;) {
            before.args.forEach((a, i) => env.set(a, carried[i]));
            const c = yield* this.execBlock(before, env);
            const [cond, ...vals] = c?.values ?? [0n];
            if (cond === 0n) {
              op.results.forEach((res, i) => env.set(res, vals[i]));
              break;
            }
            after.args.forEach((a, i) => env.set(a, vals[i]));
            const r = yield* this.execBlock(after, env);
            carried = r?.values ?? [];
          }
          continue;
        }
        case "cf.call": {
          const callee = this.m.func(op.symAttr("callee") ?? "");
          if (!callee) this.stop("E0508", op, "call of an unknown function");
          const out: RValue[] = [];
          yield* this.callFunc(callee, args, out, new Map());
          op.results.forEach((r, i) => env.set(r, out[i]));
          continue;
        }
        case "k.barrier":
          yield BARRIER;
          continue;
      }
      const results = this.execSimple(op, args);
      op.results.forEach((r, i) => env.set(r, results[i]));
    }
    return undefined;
  }

  private execSimple(op: Op, args: RValue[]): RValue[] {
    switch (op.dialect) {
      case "c":
        this.checkConstraint(op, args);
        return [];
      case "mem":
        return this.execMem(op, args);
      case "k":
        return this.execKernelId(op);
      case "mpc":
        if (op.name === "mpc.input") return [this.mpcInput(op)];
        if (op.name === "mpc.reveal") {
          const to = op.bigAttr("to");
          const t = op.operands[0].type;
          this.result.revealed.push({ value: args[0], type: t, to: to === undefined ? undefined : Number(to), json: encodeJson(this.m, t, args[0]) });
          return [];
        }
        break;
      case "spec":
        this.stop("E0508", op, `${op.name} can only be run by the spec checker`);
    }
    try {
      const r = evalValueOp(this.m, op, args);
      if (!r) this.stop("E0508", op, `the interpreter cannot execute ${op.name}`);
      return r;
    } catch (e) {
      if (e instanceof EvalError) this.stop("E0504", op, `${op.name} failed: ${e.message}`);
      throw e;
    }
  }

  private checkConstraint(op: Op, args: RValue[]): void {
    switch (op.name) {
      case "c.assert":
        if (args[0] !== 1n) this.fail("E0501", op, "assertion failed");
        return;
      case "c.assert_eq":
        if (args[0] !== args[1]) this.fail("E0501", op, `assert_eq failed: ${fmt(args[0])} != ${fmt(args[1])}`);
        return;
      case "c.range": {
        const bits = op.intAttr("bits") ?? 0;
        const v = args[0] as bigint;
        if (v >> BigInt(bits) !== 0n) this.fail("E0503", op, `range check failed: ${v} does not fit in ${bits} bits`);
        return;
      }
      case "c.lookup": {
        const name = op.symAttr("table") ?? "";
        // A dynamic table is complete only when the body has run (a lookup may precede its push).
        if (this.m.table(name)?.dynamic) this.dynamicLookups.push({ op, row: args as bigint[], fn: this.fnStack[this.fnStack.length - 1] });
        else if (!tableHas(this.m, name, args as bigint[])) this.fail("E0502", op, `lookup failed: (${args.map(fmt).join(", ")}) is not in @${name}`);
        return;
      }
      case "c.table_push": {
        const name = op.symAttr("table") ?? "";
        let rows = this.result.dynamicRows.get(name);
        if (!rows) this.result.dynamicRows.set(name, (rows = []));
        rows.push(args as bigint[]);
        return;
      }
    }
    this.stop("E0508", op, `the interpreter cannot execute ${op.name}`);
  }

  private execMem(op: Op, args: RValue[]): RValue[] {
    switch (op.name) {
      case "mem.alloc": {
        // Workgroup memory is one buffer shared by every invocation of the workgroup.
        const shared = op.strAttr("space") === "workgroup" && this.wgMem;
        if (shared && shared.has(op)) return [shared.get(op)!];
        const len = op.intAttr("len") ?? 0;
        const zero = zeroOf(op.results[0].type.kind === "mem" ? op.results[0].type.elem : op.results[0].type);
        const buf: MemRef = { mem: Array.from({ length: len }, () => structuredCloneRV(zero)) };
        if (shared) shared.set(op, buf);
        return [buf];
      }
      case "mem.len":
        return [BigInt((args[0] as MemRef).mem.length)];
      case "mem.load":
      case "mem.store": {
        const buf = (args[0] as MemRef).mem;
        const i = args[1] as bigint;
        if (i >= BigInt(buf.length)) this.stop("E0504", op, `${op.name}: index ${i} out of bounds for a buffer of ${buf.length}`);
        if (op.name === "mem.load") return [buf[Number(i)]];
        buf[Number(i)] = args[2];
        return [];
      }
    }
    this.stop("E0508", op, `the interpreter cannot execute ${op.name}`);
  }

  private execKernelId(op: Op): RValue[] {
    const k = this.kctx ?? { global: 0, local: 0, group: 0, groups: 1 };
    const dim = op.intAttr("dim") ?? 0;
    const pick = (x: number) => BigInt(dim === 0 ? x : 0);
    switch (op.name) {
      case "k.global_id":
        return [pick(k.global)];
      case "k.local_id":
        return [pick(k.local)];
      case "k.workgroup_id":
        return [pick(k.group)];
      case "k.num_workgroups":
        return [dim === 0 ? BigInt(k.groups) : 1n];
    }
    this.stop("E0508", op, `the interpreter cannot execute ${op.name}`);
  }

  /** mpc.input reads the run's input named by its `name` attribute (inputs given by name). */
  private mpcInput(op: Op): RValue {
    const name = op.strAttr("name");
    const given = this.inputs;
    const raw = name !== undefined && given && !Array.isArray(given) ? given[name] : undefined;
    if (raw === undefined) this.stop("E0506", op, `mpc.input: no input named ${JSON.stringify(name ?? "")} was given`);
    try {
      // Protocol inputs keep two's complement for negative integers (their CWIR type is all there is).
      return decodeJson(this.m, op.results[0].type, raw, name!, { signed: true });
    } catch (e) {
      if (e instanceof InputError) this.stop("E0506", op, e.message);
      throw e;
    }
  }
}

function tableHas(m: Module, name: string, row: bigint[]): boolean {
  const t = m.table(name);
  if (!t) return false;
  if (t.range) return row.length === 1 && row[0] >= t.range.lo && row[0] < t.range.hi;
  return (t.rows ?? []).some((r) => r.length === row.length && r.every((x, i) => x === row[i]));
}

function zeroOf(t: Type): RValue {
  if (t.kind === "array") return Array.from({ length: t.len }, () => zeroOf(t.elem));
  if (t.kind === "tuple") return t.elems.map(zeroOf);
  if (t.kind === "mem") return { mem: [] };
  return 0n;
}

function structuredCloneRV(v: RValue): RValue {
  return Array.isArray(v) ? v.map(structuredCloneRV) : v;
}

function fmt(v: RValue): string {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map(fmt).join(", ")}]`;
  return "<buffer>";
}

/** Convenience for tests and the CLI: the witness as printable strings keyed by value id. */
export function witnessToJson(w: Map<Value, RValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [v, x] of w) out[String(v.id)] = fmt(x);
  return out;
}

export { modulusFor };
