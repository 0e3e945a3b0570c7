// `cwl prove prog.cwvm --input in.json --field babybear|bn254 -o p.json` and
// `cwl verify --program prog.cwvm --proof p.json`: a zkVM run proven by the BabyBear STARK
// (runtime/zkvm/air/stark.ts) or by the PLONKish circuit over BN254 with KZG (runtime/zkvm/air/plonk.ts).
// The proof file holds the field, the public statement (input, output, exit code, counts), for BN254 the
// circuit's shape, and the proof bytes; the verifier rebuilds the key from the program (and the shape).
import { readUserFile, readUserJson } from "../../base/files/user-file.ts";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { progressRenderer } from "../progress/index.ts";
import { CliError } from "./plonkish-error.ts";
import type { Program } from "../../runtime/zkvm/index.ts";
import type { ZkvmStatement } from "../../runtime/zkvm/air/index.ts";
import type { ZkvmPlonkShape } from "../../runtime/zkvm/air/plonk.ts";

export const ZKVM_FIELDS = ["babybear", "bn254"] as const;
export type ZkvmField = (typeof ZKVM_FIELDS)[number];

const FORMAT = "chainweave-zkvm-proof";
const MAX_K = 23;

interface SrsFlags {
  ptau?: string;
  insecureDevSrs?: boolean;
}

async function loadProgram(file: string): Promise<Program> {
  const zk = await import("../../runtime/zkvm/index.ts");
  const p = zk.decode(new Uint8Array(readUserFile(file, { what: "zkVM bytecode file" })));
  if (!("code" in p)) throw new CliError(`${file}: byte ${p.at ?? 0}: ${p.message}`, `rebuild it with \`cwl build X.cwl --target zkvm -o ${file}\``);
  return p;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** SHA-256 of the bytecode file: the proof file names its program, so another program's proof is refused by name. */
function programDigest(file: string): string {
  return createHash("sha256").update(readUserFile(file, { what: "zkVM bytecode file" })).digest("hex");
}

function statementJson(st: ZkvmStatement): Record<string, unknown> {
  return Object.fromEntries(Object.entries(st).map(([k, v]) => [k, v instanceof Uint8Array ? hex(v) : v]));
}

function statementFrom(o: unknown, where: string): ZkvmStatement {
  const s = o as Record<string, unknown>;
  if (!s || typeof s !== "object" || Array.isArray(s)) throw new CliError(`${where}: "statement" must be an object`);
  const bytes = (k: string) => {
    const v = s[k];
    if (typeof v !== "string" || !/^([0-9a-f]{2})*$/.test(v)) throw new CliError(`${where}: statement.${k} must be a string of hex bytes`);
    return new Uint8Array(Buffer.from(v, "hex"));
  };
  const out: Record<string, unknown> = { input: bytes("input"), output: bytes("output") };
  for (const k of ["exitCode", "instructions", "consumed"]) if (!(k in s)) throw new CliError(`${where}: statement.${k} is missing`);
  for (const [k, v] of Object.entries(s)) {
    if (k === "input" || k === "output") continue;
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw new CliError(`${where}: statement.${k} must be a non-negative integer`);
    out[k] = v;
  }
  return out as unknown as ZkvmStatement;
}

function shapeFrom(o: unknown, where: string): ZkvmPlonkShape {
  const s = o as Record<string, unknown>;
  const pow2 = (v: unknown, max: number) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= max && ((v as number) & ((v as number) - 1)) === 0;
  if (!s || typeof s !== "object" || !s.heights || typeof s.heights !== "object" || Array.isArray(s.heights))
    throw new CliError(`${where}: a bn254 proof needs "shape": { heights, boundaryRows, fold }`);
  for (const [c, h] of Object.entries(s.heights as Record<string, unknown>))
    if (!pow2(h, 1 << 24)) throw new CliError(`${where}: shape.heights.${c} must be a power of two up to 2^24`);
  if (!Number.isSafeInteger(s.boundaryRows) || (s.boundaryRows as number) < 0 || (s.boundaryRows as number) > 1 << 24)
    throw new CliError(`${where}: shape.boundaryRows must be an integer from 0 to 2^24`);
  if (!pow2(s.fold, 1 << 24)) throw new CliError(`${where}: shape.fold must be a power of two up to 2^24`);
  return { heights: s.heights as Record<string, number>, boundaryRows: s.boundaryRows as number, fold: s.fold as number };
}

export async function proveZkvm(a: { file: string; input?: string; field: string; out?: string; fold?: number } & SrsFlags): Promise<void> {
  if (!(ZKVM_FIELDS as readonly string[]).includes(a.field)) throw new CliError(`--field must be one of ${ZKVM_FIELDS.join(", ")}, not ${a.field}`);
  const log = (s: string) => process.stderr.write(s + "\n");
  const zk = await import("../../runtime/zkvm/index.ts");
  const { checkSrsChoice, chooseSrs } = await import("./plonkish.ts");
  const p = await loadProgram(a.file);
  const sig = p.sig ?? { params: [], results: [] };
  let inputs: Record<string, unknown> | unknown[] = {};
  if (a.input !== undefined) {
    inputs = readUserJson(a.input, { what: "input file" }) as Record<string, unknown>;
    if (typeof inputs !== "object" || inputs === null) throw new CliError(`input file \`${a.input}\` must hold a JSON object (inputs by name) or array`);
  } else if (sig.params.length) throw new CliError(`${a.file} takes inputs (${sig.params.map((x) => x.name).join(", ")}); pass them with --input in.json`);
  const input = zk.encodeInputs(sig, inputs);
  if (typeof input === "string") throw new CliError(`${a.file}: ${input}`);
  if (a.field === "bn254") checkSrsChoice({ ptau: a.ptau, insecureDevSrs: a.insecureDevSrs });
  const { proveProgram } = await import("../../runtime/zkvm/air/index.ts");
  const t0 = performance.now();
  const w = proveProgram(p, input);
  if ("kind" in w) throw new CliError(`${a.file}: the run has no proof: ${w.message}`);
  log(`trace: ${w.statement.instructions} instructions, ${(performance.now() - t0).toFixed(0)} ms`);
  const phases = progressRenderer({ prefix: "  " }).progress;
  const file: Record<string, unknown> = { format: FORMAT, version: 1, field: a.field, program: programDigest(a.file), statement: statementJson(w.statement) };
  if (a.field === "babybear") {
    const { zkvmKeygen } = await import("../../runtime/zkvm/air/stark.ts");
    const { proveParallel, encodeProof } = await import("../../runtime/stark/index.ts");
    const { pk } = zkvmKeygen(p);
    // every core (runtime/pool), no BigInt mock check first: a bad trace only yields a proof that fails
    const proof = await proveParallel(pk, w.traces, w.boundary, { progress: phases, unchecked: true });
    file.securityBits = proof.meta.securityBits;
    file.proof = Buffer.from(encodeProof(proof)).toString("base64");
  } else {
    const { shapeOf, zkvmPlonkKeygen, DEFAULT_FOLD } = await import("../../runtime/zkvm/air/plonk.ts");
    const { plonkishWitness } = await import("../../runtime/air/plonkish.ts");
    const { prove, encodeProofBinary } = await import("../../runtime/plonk/index.ts");
    const { zkvmPlonkCircuit } = await import("../../runtime/zkvm/air/plonk.ts");
    const shape = shapeOf(w, a.fold ?? DEFAULT_FOLD);
    const srs = chooseSrs({ ptau: a.ptau, insecureDevSrs: a.insecureDevSrs }, zkvmPlonkCircuit(p, shape).k, log);
    const key = await zkvmPlonkKeygen(srs, p, shape, { progress: phases });
    const proof = await prove(key.pk, plonkishWitness(key.compiled, w.traces, w.boundary), { progress: phases });
    file.shape = shape;
    file.proof = Buffer.from(encodeProofBinary(proof)).toString("base64");
  }
  const out = a.out ?? a.file.replace(/\.cwvm$/, "") + `.${a.field}.proof.json`;
  writeFileSync(out, JSON.stringify(file, null, 1) + "\n");
  process.stdout.write(`wrote ${out} (${a.field}, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}

/** Verifies a proof file against a program; returns the reason when rejected. */
export async function verifyZkvm(a: { program: string; proof: string } & SrsFlags): Promise<{ ok: true; summary: string } | { ok: false; reason: string }> {
  const { checkSrsChoice, chooseSrs } = await import("./plonkish.ts");
  const p = await loadProgram(a.program);
  const j = readUserJson(a.proof, { what: "zkVM proof file" }) as Record<string, unknown>;
  if (!j || typeof j !== "object" || j.format !== FORMAT) throw new CliError(`${a.proof} is not a zkVM proof file (format "${FORMAT}")`, "was it written by `cwl prove prog.cwvm`?");
  if (j.version !== 1) throw new CliError(`${a.proof}: unsupported version ${String(j.version)}`);
  if (typeof j.field !== "string" || !(ZKVM_FIELDS as readonly string[]).includes(j.field)) throw new CliError(`${a.proof}: "field" must be one of ${ZKVM_FIELDS.join(", ")}`);
  if (typeof j.proof !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(j.proof)) throw new CliError(`${a.proof}: "proof" must be base64`);
  const st = statementFrom(j.statement, a.proof);
  const bytes = new Uint8Array(Buffer.from(j.proof, "base64"));
  const summary = `${j.field}, ${st.instructions} instructions, exit code ${st.exitCode}`;
  if (j.program !== undefined && j.program !== programDigest(a.program)) return { ok: false, reason: `the proof is of another program (SHA-256 ${String(j.program).slice(0, 16)}…, not ${a.program}'s)` };
  if (j.field === "babybear") {
    const { zkvmKeygen, verifyProgramStark } = await import("../../runtime/zkvm/air/stark.ts");
    const { decodeProof, ProofFormatError } = await import("../../runtime/stark/index.ts");
    let proof;
    try {
      proof = decodeProof(bytes);
    } catch (e) {
      if (e instanceof ProofFormatError) return { ok: false, reason: `malformed proof: ${e.message}` };
      throw e;
    }
    const r = verifyProgramStark(zkvmKeygen(p).vk, p, st, proof);
    return r.ok ? { ok: true, summary } : r;
  }
  checkSrsChoice({ ptau: a.ptau, insecureDevSrs: a.insecureDevSrs });
  const shape = shapeFrom(j.shape, a.proof);
  const { zkvmPlonkCircuit, zkvmPlonkKeygen, verifyProgramPlonk } = await import("../../runtime/zkvm/air/plonk.ts");
  const { AirCompileError } = await import("../../runtime/air/plonkish.ts");
  const { decodeProofBinary, EncodingError } = await import("../../runtime/plonk/index.ts");
  let k: number;
  try {
    k = zkvmPlonkCircuit(p, shape).k;
  } catch (e) {
    if (e instanceof AirCompileError) throw new CliError(`${a.proof}: shape does not fit ${a.program}: ${e.message}`);
    throw e;
  }
  // The shape comes from the file: a domain beyond any run's (2^22 instructions) is refused before keygen.
  if (k > MAX_K) throw new CliError(`${a.proof}: the shape needs a 2^${k}-row domain; at most 2^${MAX_K} is accepted`);
  let proof;
  try {
    proof = decodeProofBinary(bytes);
  } catch (e) {
    if (e instanceof EncodingError) return { ok: false, reason: `malformed proof: ${e.message}` };
    throw e;
  }
  const log = (s: string) => process.stderr.write(s + "\n");
  const key = await zkvmPlonkKeygen(chooseSrs({ ptau: a.ptau, insecureDevSrs: a.insecureDevSrs }, k, log), p, shape);
  const r = verifyProgramPlonk(key.pk.vk, key.compiled, p, st, proof);
  return r.ok ? { ok: true, summary } : r;
}
