// Shared by `cwl setup`, `cwl prove` and `cwl verify`: loading a circuit (.cwl through the front end,
// .cwir as IR text), choosing the SRS, and reading/writing keys, proofs and public inputs.
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import { renderAll } from "../../base/diagnostics/index.ts";
import { FileManager, type SourceFile } from "../../base/files/index.ts";
import { MAX_SOURCE_BYTES, UserFileError, checkUserFile, readUserFile, readUserJson, readUserText, writeUserFile } from "../../base/files/user-file.ts";
import { parseText } from "../../compiler/ir/index.ts";
import { compileInProject } from "../project/index.ts";
import { TWO_ADICITY } from "../../runtime/poly/fr.ts";
import { fr } from "../../runtime/poly/index.ts";
import {
  type Srs,
  type VerifyingKey,
  type Proof,
  loadPtau,
  insecureDevSrs,
  minimumK,
  encodeVkBinary,
  decodeVkBinary,
  vkToJson,
  vkFromJson,
  encodeProofBinary,
  decodeProofBinary,
  proofToJson,
  proofFromJson,
  PtauError,
  EncodingError,
} from "../../runtime/plonk/index.ts";
import { compilePlonkish, type CompiledCircuit } from "../../backends/plonkish/compile.ts";

import { CliError } from "./plonkish-error.ts";

export { CliError };

export interface Loaded {
  compiled?: CompiledCircuit;
  diagnostics: Diagnostic[];
  render: () => string;
  /** The loaded sources, so later findings (e.g. the interpreter's) render with file:line:col. */
  fileOf: (id: number) => SourceFile | undefined;
}

export function loadCircuit(path: string, entry?: string): Loaded {
  // Every problem with the file itself (missing, a directory, binary, huge) is reported before compiling.
  // Thrown as CliError, the user errors its callers (setup, prove, audit) already report with exit 1.
  let text: string;
  try {
    text = readUserText(path, { what: "file", maxBytes: MAX_SOURCE_BYTES });
  } catch (e) {
    if (e instanceof UserFileError) throw new CliError(e.message, e.hint);
    throw e;
  }
  let fm = new FileManager();
  const fileOf = (id: number): SourceFile | undefined => {
    try {
      return fm.get(id);
    } catch {
      return undefined;
    }
  };
  const render = (ds: Diagnostic[]) => () => renderAll(ds, fileOf);
  let module;
  if (path.endsWith(".cwir")) {
    const parsed = parseText(text, path, fm);
    if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics, render: render(parsed.diagnostics), fileOf };
    module = parsed.module;
  } else {
    // Inside a project, its cwl.toml's dependencies and field apply.
    const r = compileInProject(path, { fm });
    fm = r.fm;
    if (!r.ir) return { diagnostics: r.diagnostics, render: render(r.diagnostics), fileOf };
    module = r.ir;
  }
  const c = compilePlonkish(module, entry);
  return { compiled: c.compiled, diagnostics: c.diagnostics, render: render(c.diagnostics), fileOf };
}

export interface SrsChoice {
  ptau?: string;
  insecureDevSrs?: boolean;
}

/** Checks the SRS flags before any compiling: one of them given, and the .ptau file a readable file. */
export function checkSrsChoice(choice: SrsChoice): void {
  if (choice.ptau) checkUserFile(choice.ptau, { what: "powers-of-tau file", maxBytes: Infinity });
  else if (!choice.insecureDevSrs) throw new CliError("no SRS given", "pass --ptau <file.ptau> (a snarkjs powers-of-tau file) or --insecure-dev-srs for testing");
}

/** The SRS for a circuit; the development SRS is announced as insecure on stderr every time. */
export function chooseSrs(choice: SrsChoice, k: number, log: (s: string) => void): Srs {
  if (choice.ptau) {
    // Read in pieces by loadPtau (files reach gigabytes): no size limit, but a file it must be.
    checkUserFile(choice.ptau, { what: "powers-of-tau file", maxBytes: Infinity });
    try {
      const srs = loadPtau(choice.ptau, 1 << k);
      log(`srs: ${srs.source}`);
      return srs;
    } catch (e) {
      if (e instanceof PtauError) throw new CliError(e.message, "use a larger powers-of-tau file (snarkjs powersoftau) or --insecure-dev-srs for testing");
      throw e;
    }
  }
  if (choice.insecureDevSrs) {
    log("WARNING: INSECURE development SRS (tau is public): proofs can be forged. Never use it in production.");
    return insecureDevSrs(1 << k);
  }
  throw new CliError("no SRS given", "pass --ptau <file.ptau> (a snarkjs powers-of-tau file) or --insecure-dev-srs for testing");
}

/** The largest domain BN254's Fr supports for this circuit: 2^k rows, and its quotient's extended domain. */
export function maximumK(c: CompiledCircuit): number {
  let ext = 0;
  while (1 << ext < Math.max(1, c.program.circuit.degree() - 1)) ext++;
  return TWO_ADICITY - ext;
}

export function domainK(c: CompiledCircuit, k?: number): number {
  const min = minimumK(c.program.circuit);
  const max = maximumK(c);
  if (k !== undefined && (!Number.isInteger(k) || k < min || k > max))
    throw new CliError(
      `--k must be an integer from ${min} to ${max} for this circuit, not ${Number.isNaN(k) ? "a non-number" : k}`,
      k < min ? `this circuit needs at least 2^${min} rows` : `Fr has roots of unity up to 2^${TWO_ADICITY}; the quotient needs a domain ${2 ** (TWO_ADICITY - max)}× larger`,
    );
  return k ?? min;
}

const isJson = (p: string) => p.endsWith(".json");

export function writeVk(path: string, vk: VerifyingKey): void {
  writeUserFile(path, isJson(path) ? JSON.stringify(vkToJson(vk), null, 2) + "\n" : encodeVkBinary(vk), "verifying key");
}

export function readVk(path: string): VerifyingKey {
  const data = readOrFail(path, "verifying key");
  try {
    return isJson(path) ? vkFromJson(JSON.parse(data.toString("utf8"))) : decodeVkBinary(new Uint8Array(data));
  } catch (e) {
    throw new CliError(`${path}: ${e instanceof EncodingError || e instanceof SyntaxError ? e.message : String(e)}`, "was it written by `cwl setup`?");
  }
}

export function writeProof(path: string, p: Proof): void {
  writeUserFile(path, isJson(path) ? JSON.stringify(proofToJson(p), null, 2) + "\n" : encodeProofBinary(p), "proof");
}

export function readProof(path: string): Proof {
  const data = readOrFail(path, "proof");
  try {
    return isJson(path) ? proofFromJson(JSON.parse(data.toString("utf8"))) : decodeProofBinary(new Uint8Array(data));
  } catch (e) {
    throw new CliError(`${path}: ${e instanceof EncodingError || e instanceof SyntaxError ? e.message : String(e)}`, "was it written by `cwl prove`?");
  }
}

/** Public inputs file: `{ "names": [...], "public": [[...instance column 0...]] }` with decimal strings. */
export function writePublic(path: string, names: string[], instance: bigint[][]): void {
  writeUserFile(path, JSON.stringify({ names, public: instance.map((c) => c.map(String)) }, null, 2) + "\n", "public inputs file");
}

export function readPublic(path: string): bigint[][] {
  const j = readUserJson(path, { what: "public inputs file" });
  const cols = (j as { public?: unknown } | null)?.public;
  if (!Array.isArray(cols) || !cols.every((c) => Array.isArray(c) && c.every((v) => typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v))))
    throw new CliError(`${path}: expected { "public": [["<decimal or 0x-hex>", ...]] }`);
  const values = (cols as string[][]).map((c) => c.map((v) => BigInt(v)));
  // A public value is a canonical field element: one ≥ r would be reduced by the verifier's arithmetic,
  // so two different files would verify the same proof.
  for (const [j, c] of values.entries())
    c.forEach((v, i) => {
      if (v >= fr.R) throw new CliError(`${path}: public value ${i} of column ${j} (${v}) is not below the field modulus`, "public inputs are canonical field elements");
    });
  return values;
}

function readOrFail(path: string, what: string): Buffer {
  return readUserFile(path, { what: `${what} file` });
}
