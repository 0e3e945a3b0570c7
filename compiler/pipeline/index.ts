// The one entry every tool uses (CLI, LSP, tests, backends): parse → sema → lower, all diagnostics
// collected, nothing thrown for bad input.
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import { FileManager, type SourceFile } from "../../base/files/index.ts";
import { MAX_SOURCE_BYTES, NotTextError, UserFileError, readUserText } from "../../base/files/user-file.ts";
import { type Func, type Module, verifyModule } from "../ir/index.ts";
import { lowerProgram } from "../lower/index.ts";
import { runPipeline } from "../passes/index.ts";
import { type CheckedProgram, type PackageRef, analyze } from "../sema/index.ts";
import { type Module as AstModule, parse } from "../syntax/index.ts";
import { checkSpecItem } from "../spec/index.ts";

export interface CompileOptions {
  /** `--field`: bn254 (default), bls12_381, goldilocks, babybear, pallas, vesta. */
  field?: string;
  /** Stdlib folder (default: the repository's stdlib/). */
  stdlib?: string;
  /** Share one FileManager across compiles (LSP overlays, diagnostics rendering). */
  fm?: FileManager;
  /** Dependencies of the file's package, from its manifest (tooling/project): `use name::...` loads them. */
  deps?: ReadonlyMap<string, PackageRef>;
  /** Stop after type checking (no IR). */
  checkOnly?: boolean;
  /** Run the CWIR verifier on the lowered module (default true); its findings are internal errors. */
  verify?: boolean;
}

export interface CompileResult {
  /** The lowered module; absent when there were errors before lowering. */
  ir?: Module;
  checked?: CheckedProgram;
  ast?: AstModule;
  file?: SourceFile;
  diagnostics: Diagnostic[];
  fm: FileManager;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}

export function compileFile(path: string, opts: CompileOptions = {}): CompileResult {
  const fm = opts.fm ?? new FileManager();
  let text: string;
  try {
    // A directory, a missing or unreadable file, a huge or binary one: one diagnostic, never a throw.
    text = readUserText(path, { what: "file", maxBytes: MAX_SOURCE_BYTES });
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    return { fm, diagnostics: [{ severity: "error", code: e instanceof NotTextError ? "E0006" : "E0103", message: e.message, hint: e.hint }] };
  }
  return compileLoaded(fm.add(path, text), { ...opts, fm });
}

/** Compile unsaved text (LSP buffers, tests); `path` places it for `mod x;` and diagnostics. */
export function compileSource(path: string, text: string, opts: CompileOptions = {}): CompileResult {
  const fm = opts.fm ?? new FileManager();
  fm.setOverlay(path, text);
  const file = fm.add(path, text);
  return compileLoaded(file, { ...opts, fm });
}

/** An internal-error diagnostic: a bug in cwl, which makes the CLI exit 2 instead of 1. */
export function isInternalError(d: Diagnostic): boolean {
  return d.code === "E0099" || d.code === "E0499" || d.message.startsWith("internal compiler error");
}

const internalErrorListeners: ((d: Diagnostic) => void)[] = [];

/**
 * Calls `listener` with the first internal-error diagnostic of every compile from now on. The CLI
 * registers one that sets exit code 2; the compiler itself knows nothing of processes or exit codes.
 */
export function onInternalError(listener: (d: Diagnostic) => void): void {
  internalErrorListeners.push(listener);
}

function compileLoaded(file: SourceFile, opts: CompileOptions & { fm: FileManager }): CompileResult {
  const r = compileCaught(file, opts);
  const internal = r.diagnostics.find(isInternalError);
  if (internal) for (const listener of internalErrorListeners) listener(internal);
  return r;
}

function compileCaught(file: SourceFile, opts: CompileOptions & { fm: FileManager }): CompileResult {
  try {
    return compileUnchecked(file, opts);
  } catch (e) {
    // A compiler bug must not take the caller down (the LSP compiles on every keystroke); it becomes
    // an internal-error diagnostic naming the file. The fuzz test fails on any such diagnostic.
    return {
      fm: opts.fm,
      file,
      diagnostics: [
        {
          severity: "error",
          code: "E0499",
          message: `internal compiler error: ${(e as Error)?.message ?? String(e)}`,
          span: { file: file.id, start: 0, end: 0 },
          hint: `please report this bug with the source file (${(e as Error)?.stack?.split("\n")[1]?.trim() ?? "no stack"})`,
        },
      ],
    };
  }
}

function compileUnchecked(file: SourceFile, opts: CompileOptions & { fm: FileManager }): CompileResult {
  const fm = opts.fm;
  const parsed = parse(file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const { program, diagnostics: semaDiags } = analyze([parsed.module], {
    fm,
    parse,
    field: opts.field,
    stdRoot: opts.stdlib,
    deps: opts.deps,
    syntaxDiagnostics: parsed.diagnostics,
  });
  diagnostics.push(...semaDiags);
  // `spec` items are checked and lowered to CWIR by compiler/spec (sema only registers them), so that
  // `cwl check` and the language server report E07xx diagnostics as `cwl check-spec` does, and the
  // module below holds every spec as a `spec` item.
  const specIr: Func[] = [];
  if (!hasErrors(parsed.diagnostics))
    for (const s of program.specs) {
      const checked = checkSpecItem(s.item);
      diagnostics.push(...checked.diagnostics);
      if (checked.ir) specIr.push(checked.ir);
    }
  const result: CompileResult = { fm, checked: program, ast: parsed.module, file, diagnostics };
  if (opts.checkOnly || hasErrors(diagnostics)) return result;
  const lowered = lowerProgram(program);
  for (const f of specIr) if (!lowered.module.has(f.name)) lowered.module.addFunc(f);
  diagnostics.push(...lowered.diagnostics);
  if (hasErrors(lowered.diagnostics)) return result;
  if (opts.verify !== false) {
    const vds = verifyModule(lowered.module);
    for (const d of vds)
      diagnostics.push({ ...d, severity: "error", message: `internal compiler error: lowering produced invalid CWIR: ${d.message}`, hint: "please report this bug with the source file" });
    if (vds.length) return result;
  }
  result.ir = lowered.module;
  return result;
}

/** Default pass pipeline for `--passes default`. */
export const DEFAULT_PASSES = "inline,unroll,const-fold,if-to-select,const-fold,cse,dce";

/** Run passes by name (`"inline,unroll"` or a list); `default` expands to DEFAULT_PASSES. Verifies after each pass. */
export function runPasses(ir: Module, names: string | string[]): Diagnostic[] {
  const text = (Array.isArray(names) ? names.join(",") : names)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s === "default" ? DEFAULT_PASSES : s))
    .join(",");
  if (!text) return [];
  return runPipeline(ir, text, { verifyEach: true });
}
