// Shared by `cwl setup`, `cwl prove` and `cwl verify`: loading a circuit (.cwl through the front end,
// .cwir as IR text), choosing the SRS, and reading/writing keys, proofs and public inputs.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import { renderAll } from "../../base/diagnostics/index.ts";
import { FileManager, type SourceFile } from "../../base/files/index.ts";
import { parseText } from "../../compiler/ir/index.ts";
import { compileFile } from "./pipeline.ts";
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
  if (!existsSync(path)) throw new CliError(`cannot read file \`${path}\``, "check the path");
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
    const parsed = parseText(readFileSync(path, "utf8"), path, fm);
    if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics, render: render(parsed.diagnostics), fileOf };
    module = parsed.module;
  } else {
    const r = compileFile(path);
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

/** The SRS for a circuit; the development SRS is announced as insecure on stderr every time. */
export function chooseSrs(choice: SrsChoice, k: number, log: (s: string) => void): Srs {
  if (choice.ptau) {
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

export function domainK(c: CompiledCircuit, k?: number): number {
  const min = minimumK(c.program.circuit);
  if (k !== undefined && k < min) throw new CliError(`--k ${k} is too small: this circuit needs k >= ${min}`);
  return k ?? min;
}

const isJson = (p: string) => p.endsWith(".json");

export function writeVk(path: string, vk: VerifyingKey): void {
  writeFileSync(path, isJson(path) ? JSON.stringify(vkToJson(vk), null, 2) + "\n" : encodeVkBinary(vk));
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
  writeFileSync(path, isJson(path) ? JSON.stringify(proofToJson(p), null, 2) + "\n" : encodeProofBinary(p));
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
  writeFileSync(path, JSON.stringify({ names, public: instance.map((c) => c.map(String)) }, null, 2) + "\n");
}

export function readPublic(path: string): bigint[][] {
  const data = readOrFail(path, "public inputs");
  let j: unknown;
  try {
    j = JSON.parse(data.toString("utf8"));
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
  const cols = (j as { public?: unknown }).public;
  if (!Array.isArray(cols) || !cols.every((c) => Array.isArray(c) && c.every((v) => typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v))))
    throw new CliError(`${path}: expected { "public": [["<decimal or 0x-hex>", ...]] }`);
  return (cols as string[][]).map((c) => c.map((v) => BigInt(v)));
}

function readOrFail(path: string, what: string): Buffer {
  if (!existsSync(path)) throw new CliError(`cannot read ${what} file \`${path}\``);
  return readFileSync(path);
}
