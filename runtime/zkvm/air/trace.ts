// The trace generator of the zkVM AIR (chips.ts): runs the executor with recording, then replays the
// recorded run on a shadow machine that keeps, for every register, memory and state cell, its value and
// the timestamp of its last access (checking its pc and fp against the recorded ones at every step), and fills one row of the executing instruction's chip per step (plus io
// rows per copied byte). The lookup tables' multiplicities are counted afterwards by evaluating every
// chip's lookups on its rows, so they match the chips' interactions by construction.
import type { Progress } from "../../../base/progress/index.ts";
import type { Air, BoundaryTerm, ChipTrace, Expr } from "../../air/index.ts";
import { type ZkvmError, zerr } from "../bytecode.ts";
import { execute } from "../exec.ts";
import { OPS, SYS, type Program } from "../isa.ts";
import { ALU_OPS, CHIP_OF, CUR_BOUND, CUR_IN, bits16Row, regLimitOf, HALT_PC, KEY_SHIFT, MAX_CLK, SPACE_CUR, SPACE_MEM, SPACE_REG, fixedHeight, pow2Row, romTuple, zkvmAir } from "./chips.ts";

/** What the verifier is told: the public part of a run. */
export interface ZkvmStatement {
  input: Uint8Array;
  output: Uint8Array;
  exitCode: number;
  /** executed instructions (the final clk) */
  instructions: number;
  /** input bytes the run read */
  consumed: number;
}

export interface ZkvmTrace {
  air: Air;
  traces: ChipTrace[];
  statement: ZkvmStatement;
  boundary: BoundaryTerm[];
  /** rows used (before padding) per chip */
  used: Record<string, number>;
}

type Row = Record<string, number>;
const lo = (v: number) => v & 0xffff;
const hi = (v: number) => v >>> 16;

/** The boundary terms of a statement: initial and final state, initial cells that are not zero (the
 *  entry frame's return pc, the data segment, the input length, the memory size), the input bytes
 *  read and the output. A run that read fewer or more input bytes, or wrote other output, leaves
 *  input or output terms unbalanced. */
export function boundaryTerms(p: Program, st: ZkvmStatement): BoundaryTerm[] {
  const B = (bus: string, values: number[], m: number): BoundaryTerm => ({ bus, values: values.map(BigInt), multiplicity: BigInt(m) });
  const L = st.input.length;
  const ex = st.exitCode >>> 0;
  const out: BoundaryTerm[] = [
    B("state", [p.entry, 0, 0, 0], 1),
    B("state", [HALT_PC, lo(ex), hi(ex), st.instructions], -1),
    B("memory", [SPACE_REG, 0, 0xffff, 0xffff, 0], 1),
    B("memory", [SPACE_REG, 0, 0, 0, 0], -1),
    B("memory", [SPACE_CUR, CUR_IN, lo(L), hi(L), 0], 1),
    B("memory", [SPACE_CUR, CUR_IN, 0, 0, 0], -1),
    B("memory", [SPACE_CUR, CUR_BOUND, lo(p.memSize), hi(p.memSize), 0], 1),
    B("memory", [SPACE_CUR, CUR_BOUND, 0, 0, 0], -1),
  ];
  p.data.forEach((v, i) => {
    out.push(B("memory", [SPACE_MEM, p.dataAddr + i, v, 0, 0], 1), B("memory", [SPACE_MEM, p.dataAddr + i, 0, 0, 0], -1));
  });
  for (let i = 0; i < st.consumed; i++) out.push(B("input", [L - i, st.input[i]], 1));
  st.output.forEach((v, i) => out.push(B("output", [i, v], -1)));
  return out;
}

/** Checks on a statement that the constraints rely on (sizes below the ranges the chips check). */
export function statementError(p: Program, st: ZkvmStatement): string | undefined {
  if (st.instructions < 1 || st.instructions >= MAX_CLK) return `instruction count ${st.instructions} outside 1..${MAX_CLK - 1}`;
  if (st.input.length >= 1 << 26 || st.output.length >= 1 << 26) return "input or output of 2^26 bytes or more";
  if (st.consumed < 0 || st.consumed > st.input.length) return `consumed ${st.consumed} of ${st.input.length} input bytes`;
  if (p.data.length + p.dataAddr > 1 << 26) return "data segment beyond 2^26 bytes";
  return undefined;
}

/** An expression of one row's main cells (lookup tuples and multiplicities) as a function on numbers:
 *  the values are small integers, so no field reduction is needed; a dishonest value fails the table. */
function compileRowExpr(e: Expr): (r: number[]) => number {
  switch (e.op) {
    case "main": {
      if (e.next) throw new Error("internal: a lookup reads the next row");
      const c = e.col;
      return (r) => r[c];
    }
    case "const": {
      const v = Number(e.value);
      return () => v;
    }
    case "add": {
      const [a, b] = [compileRowExpr(e.a), compileRowExpr(e.b)];
      return (r) => a(r) + b(r);
    }
    case "sub": {
      const [a, b] = [compileRowExpr(e.a), compileRowExpr(e.b)];
      return (r) => a(r) - b(r);
    }
    case "mul": {
      const [a, b] = [compileRowExpr(e.a), compileRowExpr(e.b)];
      return (r) => a(r) * b(r);
    }
    case "neg": {
      const a = compileRowExpr(e.a);
      return (r) => -a(r);
    }
    default:
      throw new Error(`internal: a lookup reads a ${e.op} expression`);
  }
}

/** Runs `p` on `input` and builds the traces of every chip. A run that traps has no proof: its error
 *  comes back; so does an opcode that has no chip yet. */
export function generateTrace(p: Program, input: Uint8Array, opts: { maxInstructions?: number; progress?: Progress } = {}): ZkvmTrace | ZkvmError {
  const run = execute(p, { input, record: true, maxInstructions: opts.maxInstructions ?? MAX_CLK - 1 });
  if (!run.ok) return run;
  const steps = run.steps!;
  const nSteps = run.instructions;
  const air = zkvmAir(p);
  const chipCols = new Map(air.chips.map((c) => [c.name, c.columns]));
  const rows = new Map<string, Row[]>(air.chips.map((c) => [c.name, []]));
  // every row of a chip starts as a copy of one object holding all its columns: one shape per chip
  const templates = new Map<string, Row>(air.chips.map((c) => [c.name, Object.fromEntries(c.columns.map((n) => [n, 0]))]));
  const R = new Uint32Array(p.regs);
  R[0] = 0xffffffff;
  const regTs = new Float64Array(p.regs);
  const regTouched = new Uint8Array(p.regs);
  regTouched[0] = 1;
  const mem = new Uint8Array(p.memSize);
  mem.set(p.data, p.dataAddr);
  const memTs = new Map<number, number>();
  for (let i = 0; i < p.data.length; i++) memTs.set(p.dataAddr + i, 0);
  // the state cells of space 2: input bytes left, output bytes written, accessible memory size
  const cur = [input.length, 0, p.memSize];
  const curTs = [0, 0, 0];
  const code = p.code;
  const regLimit = regLimitOf(p);
  let row: Row = {};

  const diff = (pre: string, ts: number, old: number) => {
    const d = ts - old - 1;
    if (d < 0) throw new Error(`internal: timestamp order ${old} → ${ts} at ${pre}`);
    row[`${pre}.ts`] = old;
    row[`${pre}.dlo`] = d & 0xffff;
    row[`${pre}.dhi`] = Math.floor(d / 65536);
  };
  const regAccess = (pre: string, addr: number, ts: number, write?: number): number => {
    const v = R[addr];
    diff(pre, ts, regTs[addr]);
    regTs[addr] = ts;
    regTouched[addr] = 1;
    row[`${pre}.pl`] = lo(v);
    row[`${pre}.ph`] = hi(v);
    const nv = write === undefined ? v : write >>> 0;
    R[addr] = nv;
    row[`${pre}.l`] = lo(nv);
    row[`${pre}.h`] = hi(nv);
    return v;
  };
  const memAccess = (pre: string, addr: number, ts: number, write?: number): number => {
    const v = mem[addr];
    diff(pre, ts, memTs.get(addr) ?? 0);
    memTs.set(addr, ts);
    row[`${pre}.pv`] = v;
    const nv = write === undefined ? v : write & 255;
    mem[addr] = nv;
    row[`${pre}.v`] = nv;
    return v;
  };
  const curAccess = (pre: string, which: number, ts: number, write?: number): number => {
    const v = cur[which];
    diff(pre, ts, curTs[which]);
    curTs[which] = ts;
    row[`${pre}.pl`] = lo(v);
    row[`${pre}.ph`] = hi(v);
    const nv = write ?? v;
    cur[which] = nv;
    row[`${pre}.l`] = lo(nv);
    row[`${pre}.h`] = hi(nv);
    return v;
  };
  const bound = (addr: number, width: number, limit = cur[CUR_BOUND]) => {
    const g = limit - addr - width;
    if (g < 0) throw new Error(`internal: an access at ${addr} past the memory the executor allowed`);
    row["bound.lo"] = g & 0xffff;
    row["bound.hi"] = Math.floor(g / 65536);
  };
  const isZero = (pre: string, s: number) => {
    row[`${pre}.z`] = s === 0 ? 1 : 0;
    if (s !== 0) {
      row[`${pre}.tlo`] = (s - 1) & 0xffff;
      row[`${pre}.thi`] = Math.floor((s - 1) / 65536);
    }
  };
  const bytesOf = (pre: string, v: number) => {
    for (let i = 0; i < 4; i++) row[`${pre}${i}`] = (v >>> (8 * i)) & 255;
  };
  // byte-wise schoolbook product as the chip constrains it: column sums, bytes and carries
  const product = (pre: string, x: number | bigint, y: number | bigint, low: boolean, n = 4) => {
    const X = BigInt(x);
    const Y = BigInt(y);
    const xb = Array.from({ length: n }, (_, i) => Number((X >> BigInt(8 * i)) & 255n));
    const yb = Array.from({ length: n }, (_, i) => Number((Y >> BigInt(8 * i)) & 255n));
    const nc = low ? n : 2 * n - 2;
    let carry = 0;
    for (let k = 0; k < 2 * n - 1; k++) {
      let s = carry;
      for (let i = 0; i < n; i++) if (k - i >= 0 && k - i < n) s += xb[i] * yb[k - i];
      if (k < nc) {
        row[`${pre}.p${k}`] = s & 255;
        carry = s >>> 8;
        row[`${pre}.c${k}`] = carry;
      } else if (!low) {
        row[`${pre}.p${2 * n - 2}`] = s & 255;
        row[`${pre}.p${2 * n - 1}`] = s >>> 8;
      } else if (s !== 0) throw new Error("internal: a quotient product above its width");
    }
  };

  const every = Math.max(1, Math.floor(nSteps / 100));
  let pc = p.entry;
  let fp = 0;
  for (let clk = 0; clk < nSteps; clk++) {
    if (opts.progress && clk % every === 0) opts.progress("trace", clk, nSteps);
    if (steps[2 * clk] !== pc || steps[2 * clk + 1] !== fp) throw new Error(`internal: the trace generator is at (${pc}, ${fp}) where the executor was at (${steps[2 * clk]}, ${steps[2 * clk + 1]}), step ${clk}`);
    const i = pc << 2;
    const op = OPS[code[i]].name;
    const chip = CHIP_OF[op];
    if (!chip) return zerr("trap", `instruction ${pc} (${op}): the prover has no table for this opcode yet`, pc);
    const [, , ra, rax, rb, rbx, rc, rcx] = romTuple(p, pc);
    // sext has a selector per width it covers
    const selName = op === "sext" ? `sext${code[i + 3]}` : op;
    if (op === "sext" && !ALU_OPS.includes(selName)) return zerr("trap", `instruction ${pc} (sext to ${code[i + 3]} bits): the prover covers widths 8, 16 and 32 only yet`, pc);
    row = { ...templates.get(chip)!, pc, fp, clk, a: ra, ax: rax, b: rb, bx: rbx, c: rc, cx: rcx };
    row[`is_${selName}`] = 1;
    const A = code[i + 1];
    const Bo = code[i + 2];
    const Co = code[i + 3];
    const t1 = 4 * clk + 1;
    const t2 = 4 * clk + 2;
    const t3 = 4 * clk + 3;
    let npc = pc + 1;
    let nfp = fp;
    if (chip === "alu") {
      const rrr = ["add", "sub", "and", "or", "xor"].includes(op);
      const x = op === "const" ? 0 : regAccess("B", fp + Bo, t1);
      let y = (Co >>> 0) & 0xffffffff;
      if (rrr) y = regAccess("C", fp + Co, t2);
      else if (op !== "const" && op !== "mov" && op !== "sext") {
        y = Co >>> 0;
        row["C.l"] = lo(y);
        row["C.h"] = hi(y);
      }
      let o: number;
      if (op === "add" || op === "addi") o = (x + y) >>> 0;
      else if (op === "sub") o = (x - y) >>> 0;
      else if (op === "and" || op === "andi") o = (x & y) >>> 0;
      else if (op === "or" || op === "ori") o = (x | y) >>> 0;
      else if (op === "xor" || op === "xori") o = (x ^ y) >>> 0;
      else if (op === "const") o = Bo >>> 0;
      else if (op === "sext") {
        const n = Co;
        o = n === 32 ? x : ((x << (32 - n)) >> (32 - n)) >>> 0;
        if (n < 32) {
          bytesOf("xb", x);
          row.sg = (x >>> (n - 1)) & 1;
          row.rest = ((x >>> (n - 8)) & 255) - 128 * row.sg;
        }
      } else o = x;
      if (op === "add" || op === "addi") {
        row.c0 = (lo(x) + lo(y) - lo(o)) / 65536;
        row.c1 = (hi(x) + hi(y) + row.c0 - hi(o)) / 65536;
      } else if (op === "sub") {
        row.c0 = (lo(o) + lo(y) - lo(x)) / 65536;
        row.c1 = (hi(o) + hi(y) + row.c0 - hi(x)) / 65536;
      } else if (op !== "const" && op !== "mov" && op !== "sext") {
        bytesOf("xb", x);
        bytesOf("yb", y);
        bytesOf("zb", o);
      }
      regAccess("A", fp + A, t3, o);
    } else if (chip === "mul") {
      const x = regAccess("B", fp + Bo, t1);
      const imm = op === "shli" || op === "shrui" || op === "shrsi";
      let y: number;
      if (imm) {
        y = Co >>> 0;
        row["C.l"] = lo(y);
        row["C.h"] = hi(y);
      } else y = regAccess("C", fp + Co, t2);
      let m = y;
      let o: number;
      // an arithmetic shift multiplies ~x when x is negative
      const sg = (op === "shrs" || op === "shrsi") && x >>> 31 ? 1 : 0;
      const x2 = sg ? ~x >>> 0 : x;
      row.sg = sg;
      if (op === "mul" || op === "mulhu") {
        const P = BigInt(x) * BigInt(y);
        o = op === "mul" ? Number(P & 0xffffffffn) : Number(P >> 32n);
      } else {
        const s = y & 31;
        row.s = s;
        row.k = lo(y) >>> 5;
        const left = op === "shl" || op === "shli" || op === "rotl";
        const e = left ? s : (32 - s) & 31;
        const [, ml, mh, , , z] = pow2Row(e);
        Object.assign(row, { e, z });
        m = ml + 65536 * mh;
        if (left && op !== "rotl") o = (x << s) >>> 0;
        else if (op === "rotl") o = ((x << s) | (x >>> ((32 - s) & 31))) >>> 0;
        else if (op === "rotr") o = ((x >>> s) | (x << ((32 - s) & 31))) >>> 0;
        else {
          const r = x2 >>> s;
          row.rl = lo(r);
          row.rh = hi(r);
          o = (sg ? ~r : r) >>> 0;
        }
      }
      row.ml = lo(m);
      row.mh = hi(m);
      bytesOf("xb", x2);
      bytesOf("mb", m);
      product("P", x2, m, false);
      regAccess("A", fp + A, t3, o);
    } else if (chip === "div" || chip === "div64") {
      const L = chip === "div" ? 2 : 4;
      const N = BigInt(16 * L);
      const M = 1n << N;
      const nr = L / 2;
      const Xr = Array.from({ length: nr }, (_, k) => regAccess(`B${k}`, fp + Bo + k, t1));
      const Dr = Array.from({ length: nr }, (_, k) => regAccess(`C${k}`, fp + Co + k, t2));
      const big = (ws: number[]) => ws.reduce((acc, w, k) => acc | (BigInt(w) << BigInt(32 * k)), 0n);
      const limbsOf = (v: bigint) => Array.from({ length: L }, (_, k) => Number((v >> BigInt(16 * k)) & 0xffffn));
      const x = big(Xr);
      const d = big(Dr);
      const signed = op.startsWith("divs") || op.startsWith("rems");
      const sx = signed && x >> (N - 1n) ? 1 : 0;
      const sd = signed && d >> (N - 1n) ? 1 : 0;
      const XL = limbsOf(x);
      const DL = limbsOf(d);
      if (signed) Object.assign(row, { sx, sd, rx: XL[L - 1] & 0x7fff, rd: DL[L - 1] & 0x7fff });
      const ax = sx ? M - x : x;
      const ad = sd ? M - d : d;
      const Q = ax / ad;
      const Rm = ax % ad;
      const T = ad - Rm - 1n;
      // limb values and the carries of V + A ≡ 0 mod 2^N (negations) or of a sum chain
      const negChain = (p: string, V: number[], A: number[]) => {
        let cy = 0;
        for (let k = 0; k < L; k++) {
          cy = (A[k] + V[k] + cy) >>> 16;
          row[`${p}c${k}`] = cy;
        }
      };
      const AXL = limbsOf(ax);
      const ADL = limbsOf(ad);
      const QL = limbsOf(Q);
      const RL = limbsOf(Rm);
      const TL = limbsOf(T);
      AXL.forEach((v, k) => (row[`ax${k}`] = v));
      ADL.forEach((v, k) => (row[`ad${k}`] = v));
      RL.forEach((v, k) => (row[`rem${k}`] = v));
      TL.forEach((v, k) => (row[`t${k}`] = v));
      if (sx) negChain("ax", XL, AXL);
      if (sd) negChain("ad", DL, ADL);
      for (let i = 0; i < 2 * L; i++) {
        row[`qb${i}`] = Number((Q >> BigInt(8 * i)) & 255n);
        row[`db${i}`] = Number((ad >> BigInt(8 * i)) & 255n);
      }
      product("P", Q, ad, true, 2 * L);
      const PL = limbsOf((Q * ad) % M);
      let e = 0;
      let f = 1;
      for (let k = 0; k < L; k++) {
        e = (PL[k] + RL[k] + e - AXL[k]) / 65536;
        row[`e${k}`] = e;
        f = (RL[k] + TL[k] + f - ADL[k]) / 65536;
        row[`f${k}`] = f;
      }
      const quot = op.startsWith("div");
      const negQ = quot && sx !== sd ? 1 : 0;
      const negR = !quot && sx ? 1 : 0;
      row.nq = negQ;
      row.nr = negR;
      const res = quot ? (negQ ? (M - Q) % M : Q) : negR ? (M - Rm) % M : Rm;
      if (negQ) negChain("oq", QL, limbsOf(res));
      if (negR) negChain("or", RL, limbsOf(res));
      for (let k = 0; k < nr; k++) regAccess(`A${k}`, fp + A + k, t3, Number((res >> BigInt(32 * k)) & 0xffffffffn));
    } else if (chip === "cmp") {
      const x = regAccess("B", fp + Bo, t1);
      const y = regAccess("C", fp + Co, t2);
      const b0 = lo(x) < lo(y) ? 1 : 0;
      const dh = hi(x) - hi(y) - b0;
      const b1 = dh < 0 ? 1 : 0;
      Object.assign(row, { b0, b1, dl: (lo(x) - lo(y) + 65536 * b0) & 0xffff, dh: dh + 65536 * b1 });
      isZero("nz", row.dl + row.dh);
      const sx = x >>> 31;
      const sy = y >>> 31;
      const slt = (x | 0) < (y | 0) ? 1 : 0;
      if (op === "lts" || op === "les") Object.assign(row, { sx, sy, rx: hi(x) & 0x7fff, ry: hi(y) & 0x7fff });
      // the chip's formula, on every row (sx = sy = 0 where the signs are not needed)
      row.slt = (row.sx ?? 0) * (1 - (row.sy ?? 0)) + ((row.sx ?? 0) === (row.sy ?? 0) ? b1 : 0);
      let o: number;
      if (op === "cmovnz") {
        isZero("xz", lo(x) + hi(x));
        o = x !== 0 ? y : R[fp + A];
      } else o = op === "eq" ? +(x === y) : op === "ne" ? +(x !== y) : op === "ltu" ? +(x < y) : op === "leu" ? +(x <= y) : op === "lts" ? slt : +((x | 0) <= (y | 0));
      if (op !== "chkltu") regAccess("A", fp + A, t3, o);
    } else if (chip === "mem") {
      const base = regAccess("B", fp + Bo, t1);
      // the executor's address: base + signed offset, inside memory (it trapped otherwise)
      const addr = base + Co;
      row.al = lo(addr);
      row.ah = hi(addr);
      row.k0 = (lo(base) + lo(Co >>> 0) - lo(addr)) / 65536;
      row.k1 = (hi(base) + hi(Co >>> 0) + row.k0 - hi(addr)) / 65536;
      row.cs = Co < 0 ? 1 : 0;
      row.crest = hi(Co >>> 0) & 0x7fff;
      const width = op === "lw" || op === "sw" ? 4 : op === "lh" || op === "lhu" || op === "sh" ? 2 : 1;
      curAccess("MB", CUR_BOUND, t2);
      bound(addr, width);
      if (op[0] === "l") {
        let v = 0;
        for (let k = 0; k < width; k++) v += memAccess(`M${k}`, addr + k, t2) * 2 ** (8 * k);
        const sgBit = width < 4 && op !== "lbu" && op !== "lhu" ? (v >>> (8 * width - 1)) & 1 : 0;
        if (op === "lb" || op === "lh") {
          row.sg = sgBit;
          row.rest = ((v >>> (8 * width - 8)) & 255) - 128 * sgBit;
          v = width === 1 ? ((v << 24) >> 24) >>> 0 : ((v << 16) >> 16) >>> 0;
        }
        if (op === "lbu" || op === "lb") row["M1.v"] = 0;
        regAccess("A", fp + A, t3, v);
      } else {
        const v = regAccess("A", fp + A, t3);
        for (let k = 0; k < width; k++) memAccess(`M${k}`, addr + k, t2, (v >>> (8 * k)) & 255);
        // bytes past the width: the chip still splits the low limb (sb) into two bytes
        for (let k = width; k < 4; k++) row[`M${k}.v`] = k < 2 ? (v >>> (8 * k)) & 255 : 0;
      }
    } else if (chip === "mem64") {
      const base = regAccess("B", fp + Bo, t1);
      // the executor's address: base + signed offset, inside memory (it trapped otherwise)
      const addr = base + Co;
      row.al = lo(addr);
      row.ah = hi(addr);
      row.k0 = (lo(base) + lo(Co >>> 0) - lo(addr)) / 65536;
      row.k1 = (hi(base) + hi(Co >>> 0) + row.k0 - hi(addr)) / 65536;
      row.cs = Co < 0 ? 1 : 0;
      row.crest = hi(Co >>> 0) & 0x7fff;
      curAccess("MB", CUR_BOUND, t2);
      bound(addr, 8);
      if (op === "ld") {
        const v = [0, 0];
        for (let k = 0; k < 8; k++) v[k >> 2] += memAccess(`M${k}`, addr + k, t2) * 2 ** (8 * (k & 3));
        regAccess("A0", fp + A, t3, v[0]);
        regAccess("A1", fp + A + 1, t3, v[1]);
      } else {
        const v = [regAccess("A0", fp + A, t3), regAccess("A1", fp + A + 1, t3)];
        for (let k = 0; k < 8; k++) memAccess(`M${k}`, addr + k, t2, (v[k >> 2] >>> (8 * (k & 3))) & 255);
      }
    } else if (chip === "mul64") {
      const X = [regAccess("B0", fp + Bo, t1), regAccess("B1", fp + Bo + 1, t1)];
      const Y = [regAccess("C0", fp + Co, t2), regAccess("C1", fp + Co + 1, t2)];
      const x = (BigInt(X[1]) << 32n) | BigInt(X[0]);
      const y = (BigInt(Y[1]) << 32n) | BigInt(Y[0]);
      const sg = op === "shrs64" && X[1] >>> 31 ? 1 : 0;
      const x2 = sg ? BigInt.asUintN(64, ~x) : x;
      row.sg = sg;
      let m = y;
      let r: bigint;
      if (op === "mul64") r = x * y;
      else {
        const s = Y[0] & 63;
        const e = op === "shl64" ? s : (64 - s) & 63;
        Object.assign(row, { s, k: lo(Y[0]) >>> 6, e, z: e === 0 ? 1 : 0 });
        m = 1n << BigInt(e);
        if (op === "shl64") r = x << BigInt(s);
        else {
          const sh = x2 >> BigInt(s);
          for (let i = 0; i < 4; i++) row[`r${i}`] = Number((sh >> BigInt(16 * i)) & 0xffffn);
          r = sg ? ~sh : sh;
        }
      }
      for (let i = 0; i < 4; i++) row[`m${i}`] = Number((m >> BigInt(16 * i)) & 0xffffn);
      for (let i = 0; i < 8; i++) {
        row[`xb${i}`] = Number((x2 >> BigInt(8 * i)) & 255n);
        row[`mb${i}`] = Number((m >> BigInt(8 * i)) & 255n);
      }
      product("P", x2, m, false, 8);
      r = BigInt.asUintN(64, r);
      regAccess("A0", fp + A, t3, Number(r & 0xffffffffn));
      regAccess("A1", fp + A + 1, t3, Number(r >> 32n));
    } else if (chip === "alu64") {
      let X = [0, 0];
      let Y = [0, 0];
      if (op !== "const64") {
        X = [regAccess("B0", fp + Bo, t1), regAccess("B1", fp + Bo + 1, t1)];
        Y = [regAccess("C0", fp + Co, t2), regAccess("C1", fp + Co + 1, t2)];
      }
      const XL = [lo(X[0]), hi(X[0]), lo(X[1]), hi(X[1])];
      const YL = [lo(Y[0]), hi(Y[0]), lo(Y[1]), hi(Y[1])];
      let borrow = 0;
      let carry = 0;
      for (let k = 0; k < 4; k++) {
        const dv = XL[k] - YL[k] - borrow;
        borrow = dv < 0 ? 1 : 0;
        row[`d${k}`] = dv + 65536 * borrow;
        row[`bw${k}`] = borrow;
        const sv = XL[k] + YL[k] + carry;
        carry = sv >>> 16;
        if (op === "add64") row[`c${k}`] = carry;
      }
      isZero("nz", row.d0 + row.d1 + row.d2 + row.d3);
      const x = (BigInt(X[1]) << 32n) | BigInt(X[0]);
      const y = (BigInt(Y[1]) << 32n) | BigInt(Y[0]);
      if (op === "lts64") Object.assign(row, { sx: X[1] >>> 31, sy: Y[1] >>> 31, rx: hi(X[1]) & 0x7fff, ry: hi(Y[1]) & 0x7fff });
      row.slt = (row.sx ?? 0) * (1 - (row.sy ?? 0)) + ((row.sx ?? 0) === (row.sy ?? 0) ? borrow : 0);
      let r: bigint;
      if (op === "add64") r = x + y;
      else if (op === "sub64") r = x - y;
      else if (op === "and64") r = x & y;
      else if (op === "or64") r = x | y;
      else if (op === "xor64") r = x ^ y;
      else if (op === "eq64") r = x === y ? 1n : 0n;
      else if (op === "ltu64") r = x < y ? 1n : 0n;
      else if (op === "lts64") r = BigInt.asIntN(64, x) < BigInt.asIntN(64, y) ? 1n : 0n;
      else r = (BigInt(Co >>> 0) << 32n) | BigInt(Bo >>> 0);
      r = BigInt.asUintN(64, r);
      const R0 = Number(r & 0xffffffffn);
      const R1 = Number(r >> 32n);
      if (op === "and64" || op === "or64" || op === "xor64") {
        for (let i = 0; i < 8; i++) {
          row[`xb${i}`] = Number((x >> BigInt(8 * i)) & 255n);
          row[`yb${i}`] = Number((y >> BigInt(8 * i)) & 255n);
          row[`zb${i}`] = Number((r >> BigInt(8 * i)) & 255n);
        }
      }
      regAccess("A0", fp + A, t3, R0);
      if (!["eq64", "ltu64", "lts64"].includes(op)) regAccess("A1", fp + A + 1, t3, R1);
    } else if (chip === "bits") {
      const x = regAccess("B", fp + Bo, t1);
      bytesOf("xb", x);
      const k = op === "popcnt" ? 0 : op === "clz" ? 1 : 2;
      row.flo = bits16Row(lo(x))[k];
      row.fhi = bits16Row(hi(x))[k];
      if (op !== "popcnt") isZero("nz", op === "clz" ? hi(x) : lo(x));
      const o = op === "popcnt" ? row.flo + row.fhi : op === "clz" ? Math.clz32(x) : x === 0 ? 32 : 31 - Math.clz32(x & -x);
      regAccess("A", fp + A, t3, o);
    } else if (chip === "cf") {
      if (op === "jmp") npc = A;
      else if (op === "jmpr") {
        row.addr1 = fp + A;
        npc = regAccess("R1", fp + A, t2);
      } else if (op === "bez" || op === "bnz") {
        row.addr1 = fp + A;
        const v = regAccess("R1", fp + A, t2);
        isZero("nz", lo(v) + hi(v));
        npc = (v === 0) === (op === "bez") ? Bo : pc + 1;
      } else if (op === "call" || op === "calli") {
        const nf = fp + Bo;
        row.addr1 = nf;
        npc = op === "call" ? A : regAccess("R3", fp + A, t1);
        regAccess("R1", nf, t2, pc + 1);
        regAccess("R2", nf + 1, t2, fp);
        nfp = nf;
        const g = regLimit - nf;
        row["gap.lo"] = g & 0xffff;
        row["gap.hi"] = Math.floor(g / 65536);
      } else {
        row.addr1 = fp;
        const rpc = regAccess("R1", fp, t2);
        const ofp = regAccess("R2", fp + 1, t2);
        if (rpc === 0xffffffff && fp === 0) {
          row.halt = 1;
          npc = HALT_PC;
          nfp = 0;
        } else {
          npc = rpc;
          nfp = ofp;
          const g = fp - 1 - ofp;
          row["gap.lo"] = g & 0xffff;
          row["gap.hi"] = Math.floor(g / 65536);
        }
      }
      if (npc !== HALT_PC) {
        row.npc = npc;
        row.nfp = nfp;
      }
    } else {
      // ecall
      const sys = A;
      if (sys !== SYS.HALT && sys !== SYS.INPUT_LEN && sys !== SYS.READ && sys !== SYS.WRITE && sys !== SYS.MEM_BOUND) return zerr("trap", `instruction ${pc} (ecall ${sys}): the prover has no table for this system call yet`, pc);
      if (sys === SYS.HALT) {
        row.sys_halt = 1;
        regAccess("B", fp + Bo, t1);
        npc = HALT_PC;
      } else if (sys === SYS.MEM_BOUND) {
        row.sys_bound = 1;
        const x = regAccess("B", fp + Bo, t1);
        curAccess("MB", CUR_BOUND, t2, x);
        bound(x, 0, p.memSize);
      } else if (sys === SYS.INPUT_LEN) {
        row.sys_len = 1;
        const left = curAccess("Q", 0, t3);
        regAccess("B", fp + Bo, t1, left);
      } else {
        const rd = sys === SYS.READ;
        row[rd ? "sys_read" : "sys_write"] = 1;
        const addr = regAccess("B", fp + Bo, t1);
        const n = regAccess("C", fp + Co, t2);
        isZero("nz", lo(n) + hi(n));
        curAccess("MB", CUR_BOUND, t2);
        bound(addr, n);
        row.go = n === 0 ? 0 : 1;
        const which = rd ? 0 : 1;
        const before = cur[which];
        curAccess("Q", which, t3, rd ? before - n : before + n);
        const ecallRow = row;
        for (let k = 0; k < n; k++) {
          row = { ...templates.get("io")!, in: rd ? 1 : 0, out: rd ? 0 : 1, addr: addr + k, cur: rd ? before - k : before + k, count: n - k, clk };
          if (rd) memAccess("M", addr + k, t3, input[input.length - before + k]);
          else memAccess("M", addr + k, t3);
          isZero("nz", n - k - 1);
          row.more = k < n - 1 ? 1 : 0;
          rows.get("io")!.push(row);
        }
        row = ecallRow;
      }
    }
    rows.get(chip)!.push(row);
    pc = npc;
    fp = nfp;
  }
  if (pc !== HALT_PC) throw new Error(`internal: the replay ended at pc ${pc}, not halted`);

  // memory init/final: every touched cell in key order
  const touched: Row[] = [];
  let prevKey = -1;
  const touch = (space: number, addr: number, v: number, ts: number) => {
    const key = space * KEY_SHIFT + addr;
    touched.push({ real: 1, space, klo: lo(key), khi: Math.floor(key / 65536), fl: lo(v), fh: hi(v), fts: ts, glo: prevKey < 0 ? 0 : lo(key - prevKey - 1), ghi: prevKey < 0 ? 0 : Math.floor((key - prevKey - 1) / 65536) });
    prevKey = key;
  };
  for (let r = 0; r < p.regs; r++) if (regTouched[r]) touch(SPACE_REG, r, R[r], regTs[r]);
  for (const addr of [...memTs.keys()].sort((x, y) => x - y)) touch(SPACE_MEM, addr, mem[addr], memTs.get(addr)!);
  for (let k = 0; k < cur.length; k++) touch(SPACE_CUR, k, cur[k], curTs[k]);
  rows.set("memtouch", touched);

  const exitCode = run.exitCode >>> 0;
  const statement: ZkvmStatement = { input, output: run.output, exitCode, instructions: nSteps, consumed: input.length - cur[CUR_IN] };
  const used: Record<string, number> = {};
  const traces: ChipTrace[] = [];
  // rows as number arrays in the chip's column order, every cell checked to be a small integer
  const toNumbers = (name: string, rs: Row[]): number[][] => {
    const cols = chipCols.get(name)!;
    return rs.map((r) =>
      cols.map((c) => {
        const v = r[c] ?? 0;
        if (!Number.isInteger(v) || v < 0 || v >= 2 ** 30) throw new Error(`internal: chip ${name} column ${c} holds ${v}, not a small integer`);
        return v;
      }),
    );
  };
  const toTrace = (name: string, nums: number[][], height: number): ChipTrace => {
    const out = nums.map((r) => r.map(BigInt));
    const zero = chipCols.get(name)!.map(() => 0n);
    while (out.length < height) out.push(zero.slice());
    return { chip: name, rows: out };
  };
  const pow2 = (n: number) => {
    let h = 4;
    while (h < n) h *= 2;
    return h;
  };
  // lookup bus → the table chip that answers it, and the first of its multiplicity columns
  const lookupBuses = new Map<string, [string, number]>([["u16", ["table16", 0]], ["bitwise", ["table16", 1]], ["pow2", ["pow2", 0]], ["rom", ["rom", 0]], ["bits", ["bits16", 0]]]);
  const tables = new Set([...lookupBuses.values()].map((v) => v[0]).filter((t) => chipCols.has(t)));
  // tuple → (table row, multiplicity column after the bus's first) for each lookup bus
  const slotOf = (bus: string, v: number[]): [number, number] => {
    if (bus === "u16" && v[0] >= 0 && v[0] < 65536) return [v[0], 0];
    if (bus === "bitwise" && v[1] < 256 && v[2] < 256) {
      const [k, x, y, z] = v;
      const want = [x & y, x | y, x ^ y, 0][k];
      if (want === z) return [x + 256 * y, k];
    }
    if (bus === "bits" && v[0] < 3 && v[1] < 256 && v[2] < 256 && bits16Row(v[1] + 256 * v[2])[v[0]] === v[3]) return [v[1] + 256 * v[2], v[0]];
    if (bus === "pow2" && v[0] < 64 && pow2Row(v[0]).every((w, j) => w === v[j])) return [v[0], 0];
    if (bus === "rom" && v[0] < p.code.length >> 2 && romTuple(p, v[0]).every((w, j) => w === v[j])) return [v[0], 0];
    throw new Error(`internal: lookup (${v.join(", ")}) is not in table ${bus}`);
  };
  const mults = new Map<string, Float64Array[]>();
  for (const c of air.chips) {
    if (!tables.has(c.name)) continue;
    const h = fixedHeight(c.name, p)!;
    mults.set(c.name, c.interactions.map(() => new Float64Array(h)));
  }
  for (const c of air.chips) {
    if (tables.has(c.name)) continue;
    const rs = rows.get(c.name)!;
    used[c.name] = rs.length;
    const nums = toNumbers(c.name, rs);
    traces.push(toTrace(c.name, nums, pow2(rs.length)));
    // every lookup of every row that holds data (padding rows look nothing up)
    const lookups = c.interactions.filter((it) => lookupBuses.has(it.bus)).map((it) => ({ bus: it.bus, m: compileRowExpr(it.multiplicity), values: it.values.map(compileRowExpr), to: lookupBuses.get(it.bus)! }));
    for (const row of nums) {
      for (const it of lookups) {
        const m = it.m(row);
        if (m === 0) continue;
        const [tr, k] = slotOf(it.bus, it.values.map((f) => f(row)));
        mults.get(it.to[0])![it.to[1] + k][tr] += m;
      }
    }
    opts.progress?.("trace", nSteps, nSteps);
  }
  for (const [name, ms] of mults) {
    const h = ms[0].length;
    const rs: Row[] = [];
    for (let r = 0; r < h; r++) {
      const row: Row = {};
      ms.forEach((m, k) => (row[`m${k}`] = m[r]));
      rs.push(row);
    }
    used[name] = name === "rom" ? p.code.length >> 2 : h;
    traces.push(toTrace(name, toNumbers(name, rs), h));
  }
  return { air, traces, statement, boundary: boundaryTerms(p, statement), used };
}
