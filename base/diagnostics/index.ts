// Every user-facing error in ChainWeave goes through this module: a code, a span, a message and,
// where possible, a hint. Stages collect diagnostics instead of throwing, so one run reports all.
import { type FileId, type SourceFile, lineColOf, lineText } from "../files/index.ts";

export interface Span {
  file: FileId;
  /** Offset of the first character (inclusive). */
  start: number;
  /** Offset one past the last character (exclusive). */
  end: number;
}

export type Severity = "error" | "warning" | "note";

export interface Related {
  span: Span;
  message: string;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable code, documented in spec/errors.md, e.g. E0102. */
  code: string;
  message: string;
  span?: Span;
  hint?: string;
  related?: Related[];
}

export function spanUnion(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function error(code: string, message: string, span?: Span, hint?: string): Diagnostic {
  return { severity: "error", code, message, span, hint };
}

export function warning(code: string, message: string, span?: Span, hint?: string): Diagnostic {
  return { severity: "warning", code, message, span, hint };
}

/** A sink that stages report into. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  report(d: Diagnostic): void {
    this.items.push(d);
  }
  error(code: string, message: string, span?: Span, hint?: string): void {
    this.items.push(error(code, message, span, hint));
  }
  warning(code: string, message: string, span?: Span, hint?: string): void {
    this.items.push(warning(code, message, span, hint));
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }
  extend(ds: Iterable<Diagnostic>): void {
    for (const d of ds) this.items.push(d);
  }
}

/**
 * Thrown only to unwind out of a stage when continuing makes no sense; the driver catches it and
 * prints the diagnostics. Anything else that escapes is an internal error (exit code 2).
 */
export class CompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
    this.name = "CompileError";
  }
}

export interface RenderOptions {
  color?: boolean;
  /** Diagnostics shown per file by renderAll (default MAX_DIAGNOSTICS_PER_FILE); the rest are counted. */
  limit?: number;
}

/** A file with thousands of findings (a binary, a generated blob) prints the first ones and a count. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

// C0/C1 controls except tab and newline, DEL, and the bidirectional overrides that can make a snippet
// read differently from the code: shown as \u{..} so a terminal never interprets bytes from the input.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `s` with control characters written as `\u{1b}`, safe to print to a terminal. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** `file:line:col: error[E0102]: message`, a caret snippet, and the hint. */
export function renderDiagnostic(
  d: Diagnostic,
  fileOf: (id: FileId) => SourceFile | undefined,
  opts: RenderOptions = {},
): string {
  const c = opts.color
    ? { red: "\x1b[31;1m", yellow: "\x1b[33;1m", blue: "\x1b[34;1m", bold: "\x1b[1m", reset: "\x1b[0m" }
    : { red: "", yellow: "", blue: "", bold: "", reset: "" };
  const sevColor = d.severity === "error" ? c.red : d.severity === "warning" ? c.yellow : c.blue;
  const head = `${sevColor}${d.severity}[${d.code}]${c.reset}${c.bold}: ${escapeControls(d.message)}${c.reset}`;
  const lines: string[] = [];
  const file = d.span ? fileOf(d.span.file) : undefined;
  if (d.span && file) {
    const { line, col } = lineColOf(file, d.span.start);
    lines.push(`${file.path}:${line}:${col}: ${head}`);
    lines.push(...snippet(file, d.span, c.blue, sevColor, c.reset));
  } else {
    lines.push(head);
  }
  for (const r of d.related ?? []) {
    const rf = fileOf(r.span.file);
    if (!rf) continue;
    const { line, col } = lineColOf(rf, r.span.start);
    lines.push(`  ${c.blue}note${c.reset}: ${escapeControls(r.message)} (${rf.path}:${line}:${col})`);
  }
  if (d.hint) lines.push(`  ${c.blue}hint${c.reset}: ${escapeControls(d.hint)}`);
  return lines.join("\n");
}

function snippet(file: SourceFile, span: Span, gutter: string, mark: string, reset: string): string[] {
  const start = lineColOf(file, span.start);
  const end = lineColOf(file, Math.max(span.start, span.end - 1));
  const raw = lineText(file, start.line);
  const width = String(start.line).length;
  const pad = " ".repeat(width);
  // Columns are measured in the escaped text, so the caret stays under an escaped character.
  const before = escapeControls(raw.slice(0, start.col - 1)).length;
  const endCol = end.line === start.line ? end.col : raw.length;
  const caretLen = Math.max(1, escapeControls(raw.slice(start.col - 1, endCol)).length);
  return [
    `${gutter}${pad} |${reset}`,
    `${gutter}${start.line} |${reset} ${escapeControls(raw)}`,
    `${gutter}${pad} |${reset} ${" ".repeat(Math.max(0, before))}${mark}${"^".repeat(caretLen)}${reset}`,
  ];
}

export function renderAll(
  ds: readonly Diagnostic[],
  fileOf: (id: FileId) => SourceFile | undefined,
  opts: RenderOptions = {},
): string {
  const limit = opts.limit ?? MAX_DIAGNOSTICS_PER_FILE;
  const shown: string[] = [];
  const perFile = new Map<FileId | undefined, number>();
  for (const d of ds) {
    const n = (perFile.get(d.span?.file) ?? 0) + 1;
    perFile.set(d.span?.file, n);
    if (n <= limit) shown.push(renderDiagnostic(d, fileOf, opts));
  }
  for (const [id, n] of perFile) {
    if (n <= limit) continue;
    const f = id === undefined ? undefined : fileOf(id);
    shown.push(`... and ${n - limit} more diagnostic${n - limit === 1 ? "" : "s"}${f ? ` in ${f.path}` : ""} (the first ${limit} are shown)`);
  }
  return shown.join("\n\n");
}

/** Location as `path:line:col` for messages outside the snippet renderer (e.g. MockProver). */
export function formatLocation(span: Span, fileOf: (id: FileId) => SourceFile | undefined): string {
  const f = fileOf(span.file);
  if (!f) return "<unknown>";
  const { line, col } = lineColOf(f, span.start);
  return `${f.path}:${line}:${col}`;
}
