// CWIR protocols (the `mpc` dialect) → a per-party SPDZ2k program (runtime/mpc/program.ts). It
// expects a body without calls or loops (run inline, unroll, const-fold first): parameters become
// secret inputs of their party or public inputs, `array.get` with constant indices picks registers,
// `mpc.add/sub/mul/neg` on scalars or arrays become register ops (element-wise), constants and
// `i.to_f` of public integers stay clear, `mpc.reveal` to everyone becomes an output. Values are
// integers mod 2^64 (SPDZ2k, k = 64): a field constant above (p − 1)/2 is read as negative, so results
// agree with the interpreter's field run as long as every value stays within ±2^63. Fixed point
// (sfix/fix, f fractional bits) is the integer x·2^f: a product with a fixed-point operand is followed
// by a truncation by f (probabilistic on shares: ±1 in the last place, valid while |product| < 2^62),
// `mpc.trunc` is a truncation, `mpc.lt` a comparison (signed, exact, for |a − b| < 2^63),
// `mpc.matmul` a matrix-product instruction (one truncation per output for fixed point, as the
// interpreter does) and `mpc.transpose` a permutation of registers. Anything else (private reveals,
// open-then-branch) is E0670.
import { error, type Diagnostic } from "../../base/diagnostics/index.ts";
import type { Func, Module, Op, Type, Value } from "../../compiler/ir/index.ts";
import { PROGRAM_FORMAT, type Instr, type MpcProgram, type Reg } from "../../runtime/mpc/program.ts";

export interface SpdzCompileResult {
  program?: MpcProgram;
  diagnostics: Diagnostic[];
}

/** A CWIR value as the program sees it: a register, a list of them (an array), or a clear index. */
type Slot = { reg: Reg } | { regs: Slot[] } | { index: bigint };

const SUPPORTED = "supported: mpc.add/sub/mul/neg/const/share/reveal/trunc/lt/matmul/transpose on sint and sfix scalars and arrays, array.get/set/make with constant indices, i.const, i.to_f of public integers";

const scalarKind = (t: Type): string => (t.kind === "array" ? scalarKind(t.elem) : t.kind);

/** Fractional bits of a (scalar or array) fixed-point type, 0 otherwise. */
function fracOf(t: Type | undefined): number {
  while (t && t.kind === "array") t = t.elem;
  return t && (t.kind === "sfix" || t.kind === "fix") ? t.frac : 0;
}

export function compileSpdz(m: Module, entry?: string): SpdzCompileResult {
  const protocols = m.funcs.filter((f) => f.kind === "protocol");
  const f = entry ? protocols.find((p) => p.name === entry) : protocols.length === 1 ? protocols[0] : undefined;
  if (!f)
    return {
      diagnostics: [
        error(
          "E0670",
          entry ? `no protocol \`${entry}\` in the module` : protocols.length ? `the module has ${protocols.length} protocols; name one` : "the module has no protocol for the SPDZ backend",
          undefined,
          protocols.length ? `protocols: ${protocols.map((p) => p.name).join(", ")}` : "`cwl mpc run` runs `protocol` items",
        ),
      ],
    };
  return new Lowering(m, f).run();
}

class Lowering {
  private readonly instrs: Instr[] = [];
  private readonly slots = new Map<Value, Slot>();
  private readonly diagnostics: Diagnostic[] = [];
  private next = 0;
  private maxParty = 0;

  constructor(
    private readonly m: Module,
    private readonly f: Func,
  ) {}

  run(): SpdzCompileResult {
    this.f.args.forEach((arg, i) => this.param(arg, i));
    for (const op of this.f.body.entry.ops) {
      try {
        this.op(op);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        this.diagnostics.push(error("E0670", `the SPDZ backend cannot compile ${e.message}`, op.loc, e.hint ?? SUPPORTED));
        break;
      }
    }
    if (this.diagnostics.length) return { diagnostics: this.diagnostics };
    return {
      program: { format: PROGRAM_FORMAT, name: this.f.name, parties: Math.max(2, this.maxParty + 1), registers: this.next, instrs: this.instrs },
      diagnostics: [],
    };
  }

  private reg(): Reg {
    return this.next++;
  }

  private param(arg: Value, i: number): void {
    const attrs = this.f.paramAttrs[i];
    const name = typeof attrs.name === "string" ? attrs.name : `#${i}`;
    const vis = attrs.vis;
    const party = typeof attrs.party === "bigint" ? Number(attrs.party) : undefined;
    const dims: number[] = [];
    let elem = arg.type;
    while (elem.kind === "array") {
      dims.push(elem.len);
      elem = elem.elem;
    }
    if (dims.length > 2) return this.fail(`parameter \`${name}\`: arrays of ${dims.length} dimensions`, "pass vectors or matrices");
    const frac = fracOf(elem);
    let flat = 0;
    const make = (): Slot => {
      const dst = this.reg();
      const index = dims.length ? flat++ : -1;
      const fx = frac ? { frac } : {};
      if (vis === "secret") {
        this.maxParty = Math.max(this.maxParty, party ?? 0);
        this.instrs.push({ op: "input", dst, party: party ?? 0, name, index, ...fx });
      } else this.instrs.push({ op: "public", dst, name, index, ...fx });
      return { reg: dst };
    };
    const build = (d: number): Slot => (d === dims.length ? make() : { regs: Array.from({ length: dims[d] }, () => build(d + 1)) });
    this.slots.set(arg, build(0));
  }

  /** A slot as a row-major matrix of registers: [rows][cols], or a vector as one row / one column. */
  private matrix(s: Slot, asColumn: boolean): { regs: Reg[]; rows: number; cols: number; vector: boolean } {
    if (!("regs" in s)) this.fail("'mpc.matmul' of a scalar");
    const rows = s.regs;
    if (rows.every((r) => "regs" in r)) {
      const cols = (rows[0] as { regs: Slot[] }).regs.length;
      const regs = rows.flatMap((r) => (r as { regs: Slot[] }).regs.map((x) => this.scalarReg(x)));
      return { regs, rows: rows.length, cols, vector: false };
    }
    const regs = rows.map((x) => this.scalarReg(x));
    return asColumn ? { regs, rows: regs.length, cols: 1, vector: true } : { regs, rows: 1, cols: regs.length, vector: true };
  }

  private scalarReg(s: Slot): Reg {
    if ("index" in s) s = this.constant(s.index);
    if ("regs" in s) this.fail("a nested array where a scalar was expected");
    return (s as { reg: Reg }).reg;
  }

  private trunc(r: Reg, bits: number): Reg {
    const dst = this.reg();
    this.instrs.push({ op: "trunc", dst, a: r, bits });
    return dst;
  }

  private get(v: Value): Slot {
    const s = this.slots.get(v);
    if (!s) throw new Unsupported(`a value defined by '${v.definingOp?.name ?? "a block argument"}'`);
    return s;
  }

  private fail(what: string, hint?: string): never {
    throw new Unsupported(what, hint);
  }

  /** A field constant as a signed integer (the field's upper half reads as negative). */
  private signed(value: bigint, t: Type): bigint {
    const field = t.kind === "sint" || t.kind === "field" || t.kind === "sfix" || t.kind === "fix" ? this.m.field(t.field) : undefined;
    if (field && value > (field.modulus - 1n) / 2n) return value - field.modulus;
    return value;
  }

  private constant(value: bigint): Slot {
    const dst = this.reg();
    this.instrs.push({ op: "const", dst, value: value.toString() });
    return { reg: dst };
  }

  /** Element-wise over arrays of equal shape; a scalar meets each element of an array. */
  private zip(a: Slot, b: Slot, f: (x: Reg, y: Reg) => Reg): Slot {
    if ("index" in a) a = this.constant(a.index);
    if ("index" in b) b = this.constant(b.index);
    if ("regs" in a && "regs" in b) {
      if (a.regs.length !== b.regs.length) this.fail(`arrays of lengths ${a.regs.length} and ${b.regs.length}`);
      return { regs: a.regs.map((x, i) => this.zip(x, b.regs[i], f)) };
    }
    if ("regs" in a) return { regs: a.regs.map((x) => this.zip(x, b, f)) };
    if ("regs" in b) return { regs: b.regs.map((y) => this.zip(a, y, f)) };
    return { reg: f((a as { reg: Reg }).reg, (b as { reg: Reg }).reg) };
  }

  private op(op: Op): void {
    const set = (s: Slot): void => void this.slots.set(op.results[0], s);
    const resultType = op.results[0]?.type;
    switch (op.name) {
      case "i.const":
        return set({ index: op.bigAttr("value")! });
      case "f.const":
      case "mpc.const":
        return set(this.constant(this.signed(op.bigAttr("value")!, resultType)));
      case "i.to_f":
      case "mpc.share": {
        const s = this.get(op.operands[0]);
        return set("index" in s ? this.constant(s.index) : s);
      }
      case "array.get": {
        const arr = this.get(op.operands[0]);
        const idx = this.get(op.operands[1]);
        if (!("index" in idx)) this.fail("'array.get' with an index known only at run time", "indices must be constants after unrolling");
        if (!("regs" in arr)) this.fail("'array.get' of a value that is not an array");
        const k = Number(idx.index);
        if (k < 0 || k >= arr.regs.length) this.fail(`'array.get' at index ${k} of an array of ${arr.regs.length}`);
        return set(arr.regs[k]);
      }
      case "array.make":
        return set({ regs: op.operands.map((v) => this.get(v)) });
      case "array.set": {
        const arr = this.get(op.operands[0]);
        const idx = this.get(op.operands[1]);
        if (!("index" in idx)) this.fail("'array.set' with an index known only at run time", "indices must be constants after unrolling");
        if (!("regs" in arr)) this.fail("'array.set' of a value that is not an array");
        const k = Number(idx.index);
        if (k < 0 || k >= arr.regs.length) this.fail(`'array.set' at index ${k} of an array of ${arr.regs.length}`);
        const regs = arr.regs.slice();
        regs[k] = this.get(op.operands[2]);
        return set({ regs });
      }
      case "mpc.add":
      case "mpc.sub":
      case "mpc.mul": {
        const kind = op.name.slice(4) as "add" | "sub" | "mul";
        const a = this.get(op.operands[0]);
        const b = this.get(op.operands[1]);
        // A fixed-point product carries 2f fractional bits: truncate by f (the interpreter's rule); a
        // fixed-point value times a secret integer (sint, e.g. a comparison bit) keeps f bits and is not truncated.
        const integerFactor = op.operands.some((v) => scalarKind(v.type) === "sint");
        const f = kind === "mul" && !integerFactor ? fracOf(op.operands[0].type) || fracOf(op.operands[1].type) : 0;
        return set(
          this.zip(a, b, (x, y) => {
            const dst = this.reg();
            this.instrs.push({ op: kind, dst, a: x, b: y });
            return f ? this.trunc(dst, f) : dst;
          }),
        );
      }
      case "mpc.trunc": {
        const bits = Number(op.bigAttr("bits") ?? 0n);
        return set(this.zip(this.get(op.operands[0]), this.constant(0n), (x) => (bits ? this.trunc(x, bits) : x)));
      }
      case "mpc.lt": {
        const a = this.get(op.operands[0]);
        const b = this.get(op.operands[1]);
        if ("regs" in a || "regs" in b) this.fail("'mpc.lt' on arrays", "compare scalars");
        const dst = this.reg();
        this.instrs.push({ op: "lt", dst, a: this.scalarReg(a), b: this.scalarReg(b) });
        return set({ reg: dst });
      }
      case "mpc.transpose": {
        const s = this.get(op.operands[0]);
        const mx = this.matrix(s, false);
        if (mx.vector) this.fail("'mpc.transpose' of a vector");
        return set({ regs: Array.from({ length: mx.cols }, (_, j) => ({ regs: Array.from({ length: mx.rows }, (_, i) => ({ reg: mx.regs[i * mx.cols + j] })) })) });
      }
      case "mpc.matmul": {
        const A = this.matrix(this.get(op.operands[0]), false);
        const B = this.matrix(this.get(op.operands[1]), true);
        if (A.cols !== B.rows) this.fail(`'mpc.matmul' of ${A.rows}×${A.cols} by ${B.rows}×${B.cols}`);
        const dst = Array.from({ length: A.rows * B.cols }, () => this.reg());
        this.instrs.push({ op: "matmul", dst, a: A.regs, b: B.regs, m: A.rows, n: A.cols, k: B.cols });
        const f = fracOf(op.operands[0].type) || fracOf(op.operands[1].type);
        const out = dst.map((r) => (f ? this.trunc(r, f) : r));
        // Shapes as the IR types them: [n][k]·[k][m] → [n][m], [n][k]·[k] → [n], [k]·[k][m] → [m], [k]·[k] → scalar.
        if (!A.vector && !B.vector) return set({ regs: Array.from({ length: A.rows }, (_, i) => ({ regs: out.slice(i * B.cols, (i + 1) * B.cols).map((reg) => ({ reg })) })) });
        if (A.vector && B.vector) return set({ reg: out[0] });
        return set({ regs: out.map((reg) => ({ reg })) });
      }
      case "mpc.neg":
        return set(
          this.zip(this.get(op.operands[0]), this.constant(0n), (x) => {
            const dst = this.reg();
            this.instrs.push({ op: "neg", dst, a: x });
            return dst;
          }),
        );
      case "mpc.reveal": {
        if (op.attrs.to !== undefined) this.fail("a reveal to one party (`reveal x to k`)", "private outputs are not implemented yet: reveal to everyone");
        const at = op.loc?.path ? `${op.loc.path}:${op.loc.line}:${op.loc.col}` : undefined;
        const frac = fracOf(op.operands[0].type);
        const emit = (s: Slot): void => {
          if ("index" in s) s = this.constant(s.index);
          if ("regs" in s) return s.regs.forEach(emit);
          this.instrs.push({ op: "reveal", a: (s as { reg: Reg }).reg, ...(at ? { at } : {}), ...(frac ? { frac } : {}) });
        };
        return emit(this.get(op.operands[0]));
      }
      case "cf.return":
        if (op.operands.length) this.fail("a protocol that returns values", "use `reveal`");
        return;
      default:
        this.fail(`'${op.name}'${op.name.startsWith("cf.") ? " (run inline and unroll first; loops need constant bounds)" : ""}`);
    }
  }
}

class Unsupported extends Error {
  constructor(
    what: string,
    readonly hint?: string,
  ) {
    super(what);
  }
}
