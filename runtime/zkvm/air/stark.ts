// A zkVM program through the BabyBear STARK (runtime/stark): keygen over the program's AIR (its ROM is a
// fixed table, so a key is per program), prove a run, verify a proof against a statement. The verifier
// rebuilds the boundary terms from the program and the statement.
import type { Progress } from "../../../base/progress/index.ts";
import { keygen, prove, proveParallel, verify, type ProvingKey, type StarkParams, type StarkProof, type VerifyingKey, type VerifyResult } from "../../stark/index.ts";
import type { ZkvmError } from "../bytecode.ts";
import type { Program } from "../isa.ts";
import { fixedHeights, zkvmAir } from "./chips.ts";
import { proveProgram, verifierBoundary, type ZkvmWitness } from "./index.ts";
import type { ZkvmStatement } from "./trace.ts";

export function zkvmKeygen(p: Program, params?: StarkParams): { pk: ProvingKey; vk: VerifyingKey } {
  return keygen(zkvmAir(p), { heights: fixedHeights(p), params });
}

export interface ZkvmStarkProof {
  statement: ZkvmStatement;
  proof: StarkProof;
  witness: ZkvmWitness;
}

/** What proving a run may do besides proving. */
export interface ZkvmProveOptions {
  maxInstructions?: number;
  progress?: Progress;
  /**
   * Mock-check the traces against the AIR in BigInt (runtime/air/check.ts) before proving: it names the
   * failing constraint of a trace generator bug, and costs about as much as the proof. Off by default
   * since the verifier is what rejects a bad trace (its proof does not verify).
   */
  check?: boolean;
}

/** Runs `p` on `input` and proves the run with `pk` (from `zkvmKeygen(p)`). */
export function proveProgramStark(pk: ProvingKey, p: Program, input: Uint8Array, opts: ZkvmProveOptions = {}): ZkvmStarkProof | ZkvmError {
  const w = proveProgram(p, input, opts);
  if ("kind" in w) return w;
  return { statement: w.statement, proof: prove(pk, w.traces, w.boundary, { progress: opts.progress, unchecked: !opts.check }), witness: w };
}

/** As `proveProgramStark`, with the STARK's commitments on `threads` workers (runtime/pool); the same proof bytes. */
export async function proveProgramStarkParallel(
  pk: ProvingKey,
  p: Program,
  input: Uint8Array,
  opts: ZkvmProveOptions & { threads?: number } = {},
): Promise<ZkvmStarkProof | ZkvmError> {
  const w = proveProgram(p, input, opts);
  if ("kind" in w) return w;
  return { statement: w.statement, proof: await proveParallel(pk, w.traces, w.boundary, { progress: opts.progress, threads: opts.threads, unchecked: !opts.check }), witness: w };
}

export function verifyProgramStark(vk: VerifyingKey, p: Program, statement: ZkvmStatement, proof: StarkProof): VerifyResult {
  const boundary = verifierBoundary(p, statement);
  if (typeof boundary === "string") return { ok: false, reason: `statement: ${boundary}` };
  return verify(vk, proof, boundary);
}
