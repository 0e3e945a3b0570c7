// A per-party MPC program (what backends/spdz emits from a CWIR protocol) and its executor over the
// SPDZ2k online phase. The program is straight-line SSA over registers; a register holds either a
// clear value (a constant, a public input) or a share, decided while running, so one `mul` covers
// share·share (a Beaver product), share·clear and clear·clear (local). The executor batches: all
// products whose operands are ready are opened in one round, then the local work they unblock runs,
// and so on; a protocol's rounds are its multiplicative depth (plus the inputs and one output round).
import type { Progress } from "../../base/progress/index.ts";
import { MpcError } from "./net/index.ts";
import { mod, signedK, type Share, type Spdz2kParty } from "./spdz2k/index.ts";

export const PROGRAM_FORMAT = "cwl-spdz2k-program-1";

export type Reg = number;
export type Instr =
  /** An element of party `party`'s secret input `name` (`index` −1: a scalar input; `frac`: fixed point with that many fractional bits). */
  | { op: "input"; dst: Reg; party: number; name: string; index: number; frac?: number }
  /** An element of the public input `name`, known to every party. */
  | { op: "public"; dst: Reg; name: string; index: number; frac?: number }
  /** A clear constant, a signed decimal taken mod 2^64. */
  | { op: "const"; dst: Reg; value: string }
  | { op: "add" | "sub" | "mul"; dst: Reg; a: Reg; b: Reg }
  | { op: "neg"; dst: Reg; a: Reg }
  /** floor(a / 2^bits) on the signed reading: exact on a clear value, probabilistic (±1 in the last place) on a share. */
  | { op: "trunc"; dst: Reg; a: Reg; bits: number }
  /** 1 when a < b (signed readings), else 0. */
  | { op: "lt"; dst: Reg; a: Reg; b: Reg }
  /** dst (m×k) = a (m×n) · b (n×k), row-major register lists; with matrix triples, a matrix opened once is reused. */
  | { op: "matmul"; dst: Reg[]; a: Reg[]; b: Reg[]; m: number; n: number; k: number }
  /** An output to every party; `at` names its place in the source, `frac` makes it fixed point. */
  | { op: "reveal"; a: Reg; at?: string; frac?: number };

export interface MpcProgram {
  format: typeof PROGRAM_FORMAT;
  name: string;
  /** The fewest parties that can run it (1 + the highest party that supplies an input). */
  parties: number;
  registers: number;
  instrs: Instr[];
}

export interface ProgramInputs {
  /** This party's secret inputs by name (a scalar is a one-element list; fixed point as its encoding x·2^f). */
  secret: Record<string, bigint[]>;
  /** Public inputs by name, the same at every party. */
  public: Record<string, bigint[]>;
}

export interface ProgramResult {
  /** Outputs in reveal order, as signed 64-bit integers (fixed point: the encoding x·2^f). */
  revealed: bigint[];
  /** Per output, its fractional bits (0 for integers). */
  fracs: number[];
  /** Products computed with triples (a matrix product counts mnk), and the interactive steps they and the truncations and comparisons took. */
  multiplications: number;
  mulRounds: number;
}

type RegValue = bigint | Share;
const isClear = (v: RegValue): v is bigint => typeof v === "bigint";

/** `progress` gets phase "online": instructions done of those that are not inputs, constants or outputs, after each batch. */
export async function runProgram(p: Spdz2kParty, prog: MpcProgram, inputs: ProgramInputs, progress?: Progress): Promise<ProgramResult> {
  if (prog.format !== PROGRAM_FORMAT) throw new MpcError(`not an SPDZ2k program (format ${String(prog.format)})`);
  if (p.net.parties < prog.parties) throw new MpcError(`${prog.name} needs ${prog.parties} parties, the run has ${p.net.parties}`);
  const regs: (RegValue | undefined)[] = new Array(prog.registers);
  const element = (list: bigint[] | undefined, name: string, index: number, what: string): bigint => {
    const i = index < 0 ? 0 : index;
    if (!list || i >= list.length) throw new MpcError(`party ${p.party} has no ${what} \`${name}\`${index >= 0 ? `[${index}]` : ""}`);
    return mod(list[i]);
  };

  // Clear values first, then every party's secret inputs (one round per party that has any).
  p.net.phase = "input";
  const byOwner = new Map<number, Extract<Instr, { op: "input" }>[]>();
  for (const ins of prog.instrs) {
    if (ins.op === "const") regs[ins.dst] = mod(BigInt(ins.value));
    else if (ins.op === "public") regs[ins.dst] = element(inputs.public[ins.name], ins.name, ins.index, "public input");
    else if (ins.op === "input") byOwner.set(ins.party, [...(byOwner.get(ins.party) ?? []), ins]);
  }
  for (const [owner, list] of [...byOwner].sort((a, b) => a[0] - b[0])) {
    const values = owner === p.party ? list.map((ins) => element(inputs.secret[ins.name], ins.name, ins.index, "secret input")) : undefined;
    const shares = await p.input(owner, list.length, values);
    list.forEach((ins, i) => (regs[ins.dst] = shares[i]));
  }

  // Local work until only interactive instructions block; then every ready product of two shares
  // in one batch, every ready matrix product, every ready truncation in one batch and every ready
  // comparison in one batch; repeat.
  p.net.phase = "online";
  const ready = (r: Reg) => regs[r] !== undefined;
  type Work = Extract<Instr, { op: "add" | "sub" | "mul" | "neg" | "trunc" | "lt" | "matmul" }>;
  let todo = prog.instrs.filter((i): i is Work => i.op !== "input" && i.op !== "public" && i.op !== "const" && i.op !== "reveal");
  const work = todo.length;
  let multiplications = 0;
  let mulRounds = 0;
  const share = (v: RegValue): Share => (isClear(v) ? p.constant(v) : v);
  /** Computes `ins` if it needs no communication and its operands are there. */
  const tryLocal = (ins: Work): boolean => {
    if (ins.op === "matmul") {
      if (!ins.a.every(ready) || !ins.b.every(ready)) return false;
      const A = ins.a.map((r) => regs[r]!);
      const B = ins.b.map((r) => regs[r]!);
      // Local when one side is clear: sums of share·constant products.
      if (!A.every(isClear) && !B.every(isClear)) return false;
      for (let i = 0; i < ins.m; i++)
        for (let j = 0; j < ins.k; j++) {
          let acc: RegValue = 0n;
          for (let l = 0; l < ins.n; l++) acc = local(p, "add", acc, local(p, "mul", A[i * ins.n + l], B[l * ins.k + j]));
          regs[ins.dst[i * ins.k + j]] = acc;
        }
      return true;
    }
    if (ins.op === "neg" || ins.op === "trunc") {
      if (!ready(ins.a)) return false;
      const a = regs[ins.a]!;
      if (ins.op === "neg") regs[ins.dst] = isClear(a) ? mod(-a) : p.neg(a);
      else if (isClear(a)) regs[ins.dst] = mod(signedK(a) >> BigInt(ins.bits));
      else return false;
      return true;
    }
    if (!ready(ins.a) || !ready(ins.b)) return false;
    const a = regs[ins.a]!;
    const b = regs[ins.b]!;
    if (ins.op === "lt") {
      if (!isClear(a) || !isClear(b)) return false;
      regs[ins.dst] = signedK(a) < signedK(b) ? 1n : 0n;
      return true;
    }
    if (ins.op === "mul" && !isClear(a) && !isClear(b)) return false;
    regs[ins.dst] = local(p, ins.op, a, b);
    return true;
  };
  const readyNow = (i: Work) => (i.op === "matmul" ? i.a.every(ready) && i.b.every(ready) : ready(i.a) && (!("b" in i) || ready(i.b)));
  for (;;) {
    for (let progress = true; progress; ) {
      const before = todo.length;
      todo = todo.filter((ins) => !tryLocal(ins));
      progress = todo.length < before;
    }
    if (!todo.length) break;
    const batch = todo.filter(readyNow);
    if (!batch.length) throw new MpcError(`${prog.name}: ${todo.length} instructions wait for registers that are never set (a malformed program)`);
    const muls = batch.filter((i) => i.op === "mul") as Extract<Work, { op: "add" | "sub" | "mul" }>[];
    if (muls.length) {
      const out = await p.mul(
        muls.map((i) => regs[i.a] as Share),
        muls.map((i) => regs[i.b] as Share),
      );
      muls.forEach((i, k) => (regs[i.dst] = out[k]));
      multiplications += muls.length;
      mulRounds++;
    }
    for (const mm of batch.filter((i): i is Extract<Work, { op: "matmul" }> => i.op === "matmul")) {
      const key = mm.a.join(",");
      const keyT = Array.from({ length: mm.m * mm.n }, (_, i) => mm.a[(i % mm.m) * mm.n + Math.floor(i / mm.m)]).join(",");
      const out = await p.matmul(
        mm.a.map((r) => share(regs[r]!)),
        mm.b.map((r) => share(regs[r]!)),
        mm.m,
        mm.n,
        mm.k,
        { key, keyT },
      );
      mm.dst.forEach((r, i) => (regs[r] = out[i]));
      multiplications += mm.m * mm.n * mm.k;
      mulRounds++;
    }
    const truncs = batch.filter((i): i is Extract<Work, { op: "trunc" }> => i.op === "trunc");
    for (const bits of new Set(truncs.map((t) => t.bits))) {
      const group = truncs.filter((t) => t.bits === bits);
      const out = await p.trunc(
        group.map((t) => regs[t.a] as Share),
        bits,
      );
      group.forEach((t, k) => (regs[t.dst] = out[k]));
      mulRounds++;
    }
    const lts = batch.filter((i): i is Extract<Work, { op: "lt" }> => i.op === "lt");
    if (lts.length) {
      const out = await p.lt(
        lts.map((i) => share(regs[i.a]!)),
        lts.map((i) => share(regs[i.b]!)),
      );
      lts.forEach((i, k) => (regs[i.dst] = out[k]));
      mulRounds++;
    }
    const done = new Set<Instr>([...muls, ...truncs, ...lts, ...batch.filter((i) => i.op === "matmul")]);
    todo = todo.filter((i) => !done.has(i));
    progress?.("online", work - todo.length, work, `${mulRounds} batches, ${multiplications} products`);
  }
  progress?.("online", work, work, `${mulRounds} batches, ${multiplications} products`);

  // Outputs: one opening for all of them, then the MAC check of everything opened.
  p.net.phase = "output";
  const outs = prog.instrs.filter((i): i is Extract<Instr, { op: "reveal" }> => i.op === "reveal");
  const secret = outs.filter((o) => !isClear(regs[o.a]!));
  const opened = await p.reveal(secret.map((o) => regs[o.a] as Share));
  const revealed = outs.map((o) => {
    const v = regs[o.a]!;
    return signedK(isClear(v) ? v : opened[secret.indexOf(o)]);
  });
  return { revealed, fracs: outs.map((o) => o.frac ?? 0), multiplications, mulRounds };
}

function local(p: Spdz2kParty, op: "add" | "sub" | "mul", a: RegValue, b: RegValue): RegValue {
  if (isClear(a) && isClear(b)) return mod(op === "add" ? a + b : op === "sub" ? a - b : a * b);
  if (op === "mul") return isClear(a) ? p.mulConst(b as Share, a) : p.mulConst(a, b as bigint);
  if (op === "add") return isClear(a) ? p.addConst(b as Share, a) : isClear(b) ? p.addConst(a, b) : p.add(a, b);
  // sub
  if (isClear(a)) return p.addConst(p.neg(b as Share), a);
  return isClear(b) ? p.addConst(a, mod(-b)) : p.sub(a, b);
}
