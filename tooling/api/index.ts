// The library API: `import { check, compile, run, prove, setup, verify } from "chainweave"`. The package's
// `exports` map names only this entry (bundled to dist/api.js with its declarations, scripts/build-api.mjs);
// every other module stays internal. Inputs and results are plain data (public.ts), so the internals
// can change without breaking a caller. A file inside a project compiles with its cwl.toml.
import { type Diagnostic as InternalDiagnostic, renderDiagnostic } from "../../base/diagnostics/index.ts";
import { FileManager, lineColOf } from "../../base/files/index.ts";
import { type CompiledCircuit, compilePlonkish, witnessFor } from "../../backends/plonkish/compile.ts";
import { encodeJson, run as interpret } from "../../compiler/interp/index.ts";
import { type CompileResult, compileSource, hasErrors } from "../../compiler/pipeline/index.ts";
import { fr } from "../../runtime/poly/index.ts";
import {
  MockProver,
  type ProvingKey,
  decodeProofBinary,
  decodeVkBinary,
  encodeProofBinary,
  encodeVkBinary,
  insecureDevSrs,
  keygen,
  loadPtau,
  minimumK,
  prove as kzgProve,
  verifyDetailed,
} from "../../runtime/plonk/index.ts";
import { maximumK } from "../cli/plonkish.ts";
import { compileInProject } from "../project/index.ts";
import {
  ChainweaveError,
  type CheckFn,
  type Circuit,
  type CompileFn,
  type Diagnostic,
  type Inputs,
  type Parameter,
  type ProveFn,
  type RunFn,
  type SetupFn,
  type Source,
  type SrsOptions,
  type VerifyFn,
} from "./public.ts";

export * from "./public.ts";

function compileAny(source: Source, field: string | undefined): CompileResult {
  const fm = new FileManager();
  if (typeof source === "string") return compileInProject(source, { fm, field });
  if (!source || typeof source.path !== "string" || typeof source.text !== "string")
    throw new ChainweaveError("a source is a file path, or { path, text }");
  return compileSource(source.path, source.text, { fm, field });
}

function publicDiagnostics(ds: readonly InternalDiagnostic[], fm: FileManager): Diagnostic[] {
  const fileOf = (id: number) => {
    try {
      return fm.get(id);
    } catch {
      return undefined;
    }
  };
  return ds.map((d) => {
    const f = d.span ? fileOf(d.span.file) : undefined;
    const at = f && d.span ? lineColOf(f, d.span.start) : undefined;
    return {
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(f ? { file: f.path } : {}),
      ...(at ? { line: at.line, column: at.col } : {}),
      ...(d.hint ? { hint: d.hint } : {}),
      rendered: renderDiagnostic(d, fileOf),
    };
  });
}

/** Inputs as the interpreter reads them (JSON values): bigints become decimal strings. */
function jsonInputs(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(jsonInputs);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonInputs(x)]));
  return v;
}

function failIfErrors(what: string, ds: Diagnostic[]): void {
  const errors = ds.filter((d) => d.severity === "error");
  if (errors.length) throw new ChainweaveError(`${what}:\n${errors.map((d) => d.rendered).join("\n")}`, ds);
}

export const check: CheckFn = (source, options = {}) => {
  const r = compileAny(source, options.field);
  const diagnostics = publicDiagnostics(r.diagnostics, r.fm);
  return { ok: !hasErrors(r.diagnostics), diagnostics };
};

/** What a Circuit handle hides: the laid-out circuit and its keys per SRS. */
interface CircuitState {
  compiled: CompiledCircuit;
  /** The sources, so the interpreter's findings during `prove` render with file:line:col. */
  fm: FileManager;
  keys: Map<string, ProvingKey>;
  lastVk?: ProvingKey["vk"];
}
const circuits = new WeakMap<Circuit, CircuitState>();

function stateOf(c: Circuit): CircuitState {
  const s = circuits.get(c);
  if (!s) throw new ChainweaveError("not a circuit made by compile()");
  return s;
}

export const compile: CompileFn = (source, options = {}) => {
  const r = compileAny(source, options.field);
  const ds = publicDiagnostics(r.diagnostics, r.fm);
  failIfErrors("the source does not compile", ds);
  let entry = options.entry;
  if (entry !== undefined) {
    const inst = r.checked!.entries.find((i) => i.item.name.name === entry && i.item.kind === "Circuit");
    if (!inst) throw new ChainweaveError(`no circuit \`${entry}\` in the source`);
    entry = inst.irName;
  }
  const p = compilePlonkish(r.ir!, entry);
  failIfErrors("the circuit cannot be laid out", publicDiagnostics(p.diagnostics, r.fm));
  const compiled = p.compiled!;
  const f = compiled.func;
  const parameters: Parameter[] = f.args.map((_, i) => ({
    name: String(f.paramAttrs[i]?.name ?? `#${i}`),
    visibility: f.vis(i) === "pub" ? "public" : "private",
    type: String((f.paramAttrs[i]?.attrs as { type?: unknown } | undefined)?.type ?? f.paramAttrs[i]?.type ?? "?"),
  }));
  const circuit: Circuit = Object.freeze({
    name: f.name,
    parameters: Object.freeze(parameters),
    publicNames: Object.freeze([...compiled.program.publicNames]),
    rows: compiled.program.circuit.rows,
    minK: minimumK(compiled.program.circuit),
  });
  circuits.set(circuit, { compiled, fm: r.fm, keys: new Map() });
  return circuit;
};

export const run: RunFn = (source, inputs, options = {}) => {
  const r = compileAny(source, options.field);
  const ds = publicDiagnostics(r.diagnostics, r.fm);
  failIfErrors("the source does not compile", ds);
  let entry: string | undefined;
  const tops = r.checked!.entries.filter((i) => i.concrete && (options.entry ? i.item.name.name === options.entry : i.item.kind !== "Fn"));
  if (options.entry && !tops.length) throw new ChainweaveError(`no item \`${options.entry}\` in the source`);
  if (tops.length > 1) throw new ChainweaveError(`the source has ${tops.length} runnable items; name one with { entry }`);
  if (tops.length === 1) entry = tops[0].irName;
  const res = interpret(r.ir!, { entry, inputs: jsonInputs(inputs) as Record<string, unknown> });
  const buffers: Record<string, unknown[]> = {};
  const f = entry ? r.ir!.func(entry) : undefined;
  if (f?.kind === "kernel")
    res.buffers.forEach((b, i) => {
      // Only the buffers a kernel may write are results.
      if (!b || f.paramAttrs[i]?.access !== "read_write") return;
      const t = f.args[i].type;
      buffers[String(f.paramAttrs[i]?.name ?? `#${i}`)] = b.map((v) => encodeJson(r.ir!, t.kind === "mem" ? t.elem : t, v));
    });
  return {
    ok: res.ok,
    outputs: res.outputsJson,
    revealed: res.revealed.map((x) => x.json),
    buffers,
    diagnostics: publicDiagnostics(res.diagnostics, r.fm),
  };
};

function domainK(c: CompiledCircuit, k: number | undefined): number {
  const min = minimumK(c.program.circuit);
  if (k === undefined) return min;
  const max = maximumK(c);
  if (!Number.isInteger(k) || k < min || k > max) throw new ChainweaveError(`k must be an integer from ${min} to ${max} for this circuit, not ${k}`);
  return k;
}

async function provingKey(circuit: Circuit, srs: SrsOptions): Promise<ProvingKey> {
  const s = stateOf(circuit);
  if (!srs || (!srs.ptau && !srs.insecureDevSrs)) throw new ChainweaveError("no SRS given: pass { ptau: 'file.ptau' } or, for tests only, { insecureDevSrs: true }");
  const k = domainK(s.compiled, srs.k);
  const key = `${srs.ptau ?? "dev"}:${k}`;
  let pk = s.keys.get(key);
  if (!pk) {
    const points = srs.ptau ? loadPtau(srs.ptau, 1 << k) : insecureDevSrs(1 << k);
    pk = await keygen(points, s.compiled.program.circuit, { k });
    s.keys.set(key, pk);
  }
  s.lastVk = pk.vk;
  return pk;
}

export const setup: SetupFn = async (circuit, srs) => encodeVkBinary((await provingKey(circuit, srs)).vk);

export const prove: ProveFn = async (circuit, inputs, srs) => {
  const s = stateOf(circuit);
  const { witness, run: r } = witnessFor(s.compiled, jsonInputs(inputs) as Record<string, unknown>);
  // The interpreter's findings (a failed assertion, a bad input) name the .cwl span.
  const ds = publicDiagnostics(r.diagnostics, s.fm);
  if (!witness || !r.ok) throw new ChainweaveError(`the inputs do not satisfy ${circuit.name}:\n${ds.map((d) => d.rendered).join("\n")}`, ds);
  const pk = await provingKey(circuit, srs);
  const mock = MockProver.run(s.compiled.program.circuit, witness, { k: Math.log2(pk.domain.n) });
  if (!mock.ok) throw new ChainweaveError(`the witness does not satisfy the constraints:\n${mock.messages().join("\n")}`);
  const proof = await kzgProve(pk, witness);
  return {
    circuit: circuit.name,
    proof: encodeProofBinary(proof),
    publicInputs: witness.instance.map((col) => col.map(String)),
    publicNames: [...s.compiled.program.publicNames],
  };
};

/** Public values by the layout's names (`xs[1]`, `s[0]` for aggregates), as instance values mod r. */
function flattenPublic(name: string, v: unknown, out: Map<string, bigint>): void {
  if (Array.isArray(v)) v.forEach((x, j) => flattenPublic(`${name}[${j}]`, x, out));
  else if (v !== null && typeof v === "object") Object.values(v).forEach((x, j) => flattenPublic(`${name}[${j}]`, x, out));
  else if (typeof v === "boolean") out.set(name, v ? 1n : 0n);
  else {
    let n: bigint;
    try {
      n = BigInt(v as string | number | bigint);
    } catch {
      throw new ChainweaveError(`expected public input \`${name}\` is not a number: ${String(v)}`);
    }
    out.set(name, ((n % fr.R) + fr.R) % fr.R);
  }
}

export const verify: VerifyFn = async (key, proof, expected) => {
  let vk;
  if (key instanceof Uint8Array) vk = decodeVkBinary(key);
  else {
    vk = stateOf(key).lastVk;
    if (!vk) throw new ChainweaveError(`no verifying key for ${key.name} yet: call setup() or prove() first, or pass the key's bytes`);
  }
  const instance = proof.publicInputs.map((col) =>
    col.map((v) => {
      if (!/^[0-9]+$/.test(v) || BigInt(v) >= fr.R) throw new ChainweaveError(`public input ${v} is not a canonical field element`);
      return BigInt(v);
    }),
  );
  if (expected) {
    const want = new Map<string, bigint>();
    for (const [n, v] of Object.entries(expected)) flattenPublic(n, v, want);
    // The names travel with the proof (the prover wrote them); the verifier's own circuit, when given,
    // is the authority on which row holds which value.
    const names = key instanceof Uint8Array ? proof.publicNames : key.publicNames;
    for (const [n, v] of want) {
      const row = names.indexOf(n);
      if (row < 0) throw new ChainweaveError(`\`${n}\` is not a public input of ${key instanceof Uint8Array ? proof.circuit : key.name}`);
      if (instance[0]?.[row] !== v) return false;
    }
  }
  return verifyDetailed(vk, instance, decodeProofBinary(proof.proof)).ok;
};
