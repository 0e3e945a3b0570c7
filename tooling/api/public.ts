// The types of the public API (`import { ... } from "chainweave"`). This file imports nothing, so its
// declarations (dist/api.d.ts, scripts/build-api.mjs) describe the API without exposing an internal
// type: what a user sees is plain data, Uint8Arrays and decimal strings.

/** A diagnostic with its place resolved: `file:line:column`, as the CLI prints it. */
export interface Diagnostic {
  severity: "error" | "warning" | "note";
  /** Stable code (spec/errors.md), e.g. `E0101`. */
  code: string;
  message: string;
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based, in UTF-16 code units. */
  column?: number;
  hint?: string;
  /** The CLI's rendering: location, source line, caret, hint. */
  rendered: string;
}

/** A `.cwl` file on disk, or source text placed at `path` (for `mod x;` and diagnostics). */
export type Source = string | { path: string; text: string };

export interface CompileOptions {
  /** The circuit (or item for `run`) to use when the file has several. */
  entry?: string;
  /** Prime field for `F: Field` generics; default: the project's (cwl.toml), else bn254. */
  field?: string;
}

/** A JSON-like input value: field elements and integers as decimal strings, numbers or bigints. */
export type InputValue = string | number | bigint | boolean | InputValue[] | { [name: string]: InputValue };
export type Inputs = Record<string, InputValue>;

export interface Parameter {
  name: string;
  visibility: "public" | "private";
  /** The source type, e.g. `Bn254Fr`, `[Bn254Fr; 2]`, `u32`. */
  type: string;
}

/** A circuit laid out for PLONKish/KZG on BN254. */
export interface Circuit {
  readonly name: string;
  readonly parameters: readonly Parameter[];
  /** Names of the public values, in the order of `Proof.publicInputs`. */
  readonly publicNames: readonly string[];
  readonly rows: number;
  /** Smallest domain 2^k that fits. */
  readonly minK: number;
}

export interface SrsOptions {
  /** A snarkjs powers-of-tau file (BN254). */
  ptau?: string;
  /** A development SRS whose tau is public: anyone can forge proofs. Tests and tutorials only. */
  insecureDevSrs?: boolean;
  /** Domain 2^k (default: the smallest that fits). */
  k?: number;
}

export interface Proof {
  /** The circuit's name. */
  circuit: string;
  /** The proof, in `cwl prove`'s binary format. */
  proof: Uint8Array;
  /** Public values by instance column, decimal strings (as `cwl prove`'s .public.json). */
  publicInputs: string[][];
  /** Names of the public values (for display; the verifier uses the values). */
  publicNames: string[];
}

export interface RunResult {
  /** True when every assertion held. */
  ok: boolean;
  /** Returned values, JSON-encoded (field elements as decimal strings). */
  outputs: unknown[];
  /** Values a protocol revealed, in order. */
  revealed: unknown[];
  /** A kernel's read-write buffers after the run, by parameter name. */
  buffers: Record<string, unknown[]>;
  diagnostics: Diagnostic[];
}

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
}

/** A compile or input error; `diagnostics` says where. */
export class ChainweaveError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
    this.name = "ChainweaveError";
  }
}

export type CheckFn = (source: Source, options?: CompileOptions) => CheckResult;
export type CompileFn = (source: Source, options?: CompileOptions) => Circuit;
export type RunFn = (source: Source, inputs: Inputs, options?: CompileOptions) => RunResult;
/** Setup (cached per circuit, SRS and k), witness, a constraint check, then the KZG proof. */
export type ProveFn = (circuit: Circuit, inputs: Inputs, srs: SrsOptions) => Promise<Proof>;
/** The verifying key, in `cwl setup`'s binary format. */
export type SetupFn = (circuit: Circuit, srs: SrsOptions) => Promise<Uint8Array>;
/**
 * Checks `proof` against a verifying key (from `setup`, or the circuit's last setup). A proof is valid for
 * the public values it carries: pass `expected` (public inputs by parameter name) to also require that
 * they are the ones you expect; any mismatch is `false`, an unknown name a ChainweaveError.
 */
export type VerifyFn = (key: Circuit | Uint8Array, proof: Proof, expected?: Inputs) => Promise<boolean>;
