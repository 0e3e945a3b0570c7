// A per-party MPC program (what backends/spdz emits from a CWIR protocol) and its executor over the
// SPDZ2k online phase. The program is straight-line SSA over registers; a register holds either a
// clear value (a constant, a public input) or a share, decided while running, so one `mul` covers
// share·share (a Beaver product), share·clear and clear·clear (local). The executor batches: all
// products whose operands are ready are opened in one round, then the local work they unblock runs,
// and so on; a protocol's rounds are its multiplicative depth (plus the inputs and one output round).
import { MpcError } from "./net/index.ts";
import { mod, signedK, type Share, type Spdz2kParty } from "./spdz2k/index.ts";

export const PROGRAM_FORMAT = "cwl-spdz2k-program-1";

export type Reg = number;
export type Instr =
  /** An element of party `party`'s secret input `name` (`index` −1: a scalar input). */
  | { op: "input"; dst: Reg; party: number; name: string; index: number }
  /** An element of the public input `name`, known to every party. */
  | { op: "public"; dst: Reg; name: string; index: number }
  /** A clear constant, a signed decimal taken mod 2^64. */
  | { op: "const"; dst: Reg; value: string }
  | { op: "add" | "sub" | "mul"; dst: Reg; a: Reg; b: Reg }
  | { op: "neg"; dst: Reg; a: Reg }
  /** An output to every party; `at` names its place in the source. */
  | { op: "reveal"; a: Reg; at?: string };

export interface MpcProgram {
  format: typeof PROGRAM_FORMAT;
  name: string;
  /** The fewest parties that can run it (1 + the highest party that supplies an input). */
  parties: number;
  registers: number;
  instrs: Instr[];
}

export interface ProgramInputs {
  /** This party's secret inputs by name (a scalar is a one-element list). */
  secret: Record<string, bigint[]>;
  /** Public inputs by name, the same at every party. */
  public: Record<string, bigint[]>;
}

export interface ProgramResult {
  /** Outputs in reveal order, as signed 64-bit integers. */
  revealed: bigint[];
  /** Products computed with triples, and the rounds they took. */
  multiplications: number;
  mulRounds: number;
}

type RegValue = bigint | Share;
const isClear = (v: RegValue): v is bigint => typeof v === "bigint";

export async function runProgram(p: Spdz2kParty, prog: MpcProgram, inputs: ProgramInputs): Promise<ProgramResult> {
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

  // Local work until only products of two shares block; those go in one batch; repeat.
  p.net.phase = "online";
  const ready = (r: Reg) => regs[r] !== undefined;
  type Arith = Extract<Instr, { op: "add" | "sub" | "mul" | "neg" }>;
  let todo = prog.instrs.filter((i): i is Arith => i.op === "add" || i.op === "sub" || i.op === "mul" || i.op === "neg");
  let multiplications = 0;
  let mulRounds = 0;
  /** Computes `ins` if it needs no communication and its operands are there. */
  const tryLocal = (ins: Arith): boolean => {
    if (ins.op === "neg") {
      if (!ready(ins.a)) return false;
      const a = regs[ins.a]!;
      regs[ins.dst] = isClear(a) ? mod(-a) : p.neg(a);
      return true;
    }
    if (!ready(ins.a) || !ready(ins.b)) return false;
    const a = regs[ins.a]!;
    const b = regs[ins.b]!;
    if (ins.op === "mul" && !isClear(a) && !isClear(b)) return false;
    regs[ins.dst] = local(p, ins.op, a, b);
    return true;
  };
  for (;;) {
    for (let progress = true; progress; ) {
      const before = todo.length;
      todo = todo.filter((ins) => !tryLocal(ins));
      progress = todo.length < before;
    }
    if (!todo.length) break;
    const batch = todo.filter((i) => i.op === "mul" && ready(i.a) && ready(i.b)) as Extract<Instr, { op: "add" | "sub" | "mul" }>[];
    if (!batch.length) throw new MpcError(`${prog.name}: ${todo.length} instructions wait for registers that are never set (a malformed program)`);
    const out = await p.mul(
      batch.map((i) => regs[i.a] as Share),
      batch.map((i) => regs[i.b] as Share),
    );
    batch.forEach((i, k) => (regs[i.dst] = out[k]));
    const done = new Set<Instr>(batch);
    todo = todo.filter((i) => !done.has(i));
    multiplications += batch.length;
    mulRounds++;
  }

  // Outputs: one opening for all of them, then the MAC check of everything opened.
  p.net.phase = "output";
  const outs = prog.instrs.filter((i): i is Extract<Instr, { op: "reveal" }> => i.op === "reveal");
  const secret = outs.filter((o) => !isClear(regs[o.a]!));
  const opened = await p.reveal(secret.map((o) => regs[o.a] as Share));
  const revealed = outs.map((o) => {
    const v = regs[o.a]!;
    return signedK(isClear(v) ? v : opened[secret.indexOf(o)]);
  });
  return { revealed, multiplications, mulRounds };
}

function local(p: Spdz2kParty, op: "add" | "sub" | "mul", a: RegValue, b: RegValue): RegValue {
  if (isClear(a) && isClear(b)) return mod(op === "add" ? a + b : op === "sub" ? a - b : a * b);
  if (op === "mul") return isClear(a) ? p.mulConst(b as Share, a) : p.mulConst(a, b as bigint);
  if (op === "add") return isClear(a) ? p.addConst(b as Share, a) : isClear(b) ? p.addConst(a, b) : p.add(a, b);
  // sub
  if (isClear(a)) return p.addConst(p.neg(b as Share), a);
  return isClear(b) ? p.addConst(a, mod(-b)) : p.sub(a, b);
}
