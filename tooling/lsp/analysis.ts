// One analysed buffer: the compile result of `cwl check` for its text, plus the conversions between
// LSP positions (0-based line, UTF-16 character) and our offsets, for this file and every file
// (stdlib included) its symbols point into.
import { pathToFileURL } from "node:url";
import type { Diagnostic as LspDiagnostic, Location, Position, Range } from "vscode-languageserver";
import { DiagnosticSeverity } from "vscode-languageserver";
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import { compileSource, type CompileResult } from "../../compiler/pipeline/index.ts";
import { FileManager, type SourceFile, lineColOf } from "../../base/files/index.ts";
import { depsFor, projectOf } from "../project/index.ts";
import type { SymbolInfo } from "../../compiler/sema/index.ts";
import type { Module } from "../../compiler/syntax/index.ts";

export interface Analysis {
  path: string;
  text: string;
  version: number;
  result: CompileResult;
  file: SourceFile;
  ast: Module;
}

export function analyze(path: string, text: string, version: number): Analysis {
  // The full pipeline, as `cwl check` runs it, so lowering errors show too (it costs milliseconds).
  // Inside a project its cwl.toml applies (a few small files read per analysis); git dependencies are
  // used once fetched (by `cwl check`), never fetched from the editor.
  const { project } = projectOf(path, new FileManager(), { fetch: false });
  const result = compileSource(path, text, { deps: depsFor(path, project), field: project?.field });
  const file = result.file!;
  return { path, text, version, result, file, ast: result.ast! };
}

export function toPosition(file: SourceFile, offset: number): Position {
  const lc = lineColOf(file, Math.max(0, Math.min(offset, file.text.length)));
  return { line: lc.line - 1, character: lc.col - 1 };
}

export function toOffset(file: SourceFile, pos: Position): number {
  const start = file.lineStarts[Math.min(pos.line, file.lineStarts.length - 1)] ?? 0;
  const lineEnd = pos.line + 1 < file.lineStarts.length ? file.lineStarts[pos.line + 1] - 1 : file.text.length;
  return Math.min(start + pos.character, lineEnd);
}

export function toRange(file: SourceFile, span: { start: number; end: number }): Range {
  return { start: toPosition(file, span.start), end: toPosition(file, span.end) };
}

export function uriOf(a: Analysis, fileId: number): string {
  return pathToFileURL(a.result.fm.get(fileId).path).href;
}

export function locationOf(a: Analysis, span: Span): Location {
  const f = a.result.fm.get(span.file);
  return { uri: pathToFileURL(f.path).href, range: toRange(f, span) };
}

/** The diagnostics `cwl check` prints for this file, as LSP diagnostics (hint and notes included). */
export function lspDiagnostics(a: Analysis): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  for (const d of a.result.diagnostics) {
    if (d.span && d.span.file !== a.file.id) continue;
    out.push(toLsp(a, d));
  }
  return out;
}

function toLsp(a: Analysis, d: Diagnostic): LspDiagnostic {
  const range = d.span ? toRange(a.file, d.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    range,
    severity: d.severity === "error" ? DiagnosticSeverity.Error : d.severity === "warning" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: d.code,
    source: "cwl",
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    relatedInformation: d.related?.map((r) => ({ location: locationOf(a, r.span), message: r.message })),
  };
}

export function symbolAt(a: Analysis, offset: number): SymbolInfo | undefined {
  return a.result.checked?.symbolAt(a.file.id, offset);
}
