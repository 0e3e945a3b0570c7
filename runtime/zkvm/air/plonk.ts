// A zkVM program through the PLONKish / KZG backend over BN254 Fr (spec/zkvm.md, "Prover (BN254 / KZG)"):
// the program's AIR (chips.ts, the same one the BabyBear STARK proves) compiled by runtime/air/plonkish.ts
// for the chip heights of a run, keygen over that circuit, a KZG proof of the run's traces. The circuit
// depends on the program, the chip heights and the number of boundary terms (the proof's `shape`, public
// like the statement): a verifier rebuilds the key from them, and the boundary terms from the program and
// the statement, as for the STARK.
import type { Progress } from "../../../base/progress/index.ts";
import { boundaryInstance, compileAir, plonkishWitness, type PlonkishAir } from "../../air/plonkish.ts";
import { keygen, prove, verifyDetailed, type Proof, type ProvingKey, type Srs, type VerifyResult, type VerifyingKey } from "../../plonk/index.ts";
import type { ZkvmError } from "../bytecode.ts";
import type { Program } from "../isa.ts";
import { zkvmAir } from "./chips.ts";
import { proveProgram, verifierBoundary, type ZkvmWitness } from "./index.ts";
import type { ZkvmStatement } from "./trace.ts";

/** The buses a statement's boundary terms are on (trace.ts, boundaryTerms). */
export const BOUNDARY_BUSES = ["input", "memory", "output", "state"];

/** Lookup tables are folded into column blocks of this height (runtime/air/plonkish.ts, `fold`). */
export const DEFAULT_FOLD = 1 << 10;

/** What fixes the circuit besides the program: chip heights, boundary rows, fold height. */
export interface ZkvmPlonkShape {
  heights: Record<string, number>;
  boundaryRows: number;
  fold: number;
}

export function zkvmPlonkCircuit(p: Program, shape: ZkvmPlonkShape): PlonkishAir {
  const air = zkvmAir(p);
  const buses = new Set(air.chips.flatMap((c) => c.interactions.map((i) => i.bus)));
  return compileAir(air, shape.heights, { boundaryBuses: BOUNDARY_BUSES.filter((b) => buses.has(b)), boundaryRows: shape.boundaryRows, fold: shape.fold });
}

export interface ZkvmPlonkKey {
  compiled: PlonkishAir;
  pk: ProvingKey;
}

/** Keygen for one shape (every prover and verifier of that shape derives the same key from the SRS). */
export async function zkvmPlonkKeygen(srs: Srs, p: Program, shape: ZkvmPlonkShape, opts: { progress?: Progress } = {}): Promise<ZkvmPlonkKey> {
  const compiled = zkvmPlonkCircuit(p, shape);
  return { compiled, pk: await keygen(srs, compiled.circuit, { k: compiled.k, progress: opts.progress }) };
}

/** The shape of a run's witness. */
export function shapeOf(w: ZkvmWitness, fold = DEFAULT_FOLD): ZkvmPlonkShape {
  return { heights: Object.fromEntries(w.traces.map((t) => [t.chip, t.rows.length])), boundaryRows: w.boundary.length, fold };
}

export interface ZkvmPlonkProof {
  statement: ZkvmStatement;
  shape: ZkvmPlonkShape;
  proof: Proof;
  witness: ZkvmWitness;
  key: ZkvmPlonkKey;
}

/** Runs `p` on `input`, compiles and keys the circuit of the run's shape, and proves the run with KZG. */
export async function proveProgramPlonk(
  srs: Srs,
  p: Program,
  input: Uint8Array,
  opts: { maxInstructions?: number; progress?: Progress; fold?: number; threads?: number } = {},
): Promise<ZkvmPlonkProof | ZkvmError> {
  const w = proveProgram(p, input, opts);
  if ("kind" in w) return w;
  const shape = shapeOf(w, opts.fold);
  const key = await zkvmPlonkKeygen(srs, p, shape, opts);
  const proof = await prove(key.pk, plonkishWitness(key.compiled, w.traces, w.boundary), { progress: opts.progress, threads: opts.threads });
  return { statement: w.statement, shape, proof, witness: w, key };
}

/** Checks a proof against a statement with the key of its shape (`zkvmPlonkKeygen(srs, p, shape)`). */
export function verifyProgramPlonk(vk: VerifyingKey, compiled: PlonkishAir, p: Program, statement: ZkvmStatement, proof: Proof): VerifyResult {
  const boundary = verifierBoundary(p, statement);
  if (typeof boundary === "string") return { ok: false, reason: `statement: ${boundary}` };
  let instance: bigint[][];
  try {
    instance = boundaryInstance(compiled, boundary);
  } catch (e) {
    return { ok: false, reason: `statement: ${(e as Error).message}` };
  }
  return verifyDetailed(vk, instance, proof);
}
