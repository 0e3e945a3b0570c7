// One interface for every source the compiler sees: files on disk, the stdlib, and unsaved editor
// buffers (the LSP and the CLI share it, as in Noir's `fm`).
import { readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type FileId = number;

export interface SourceFile {
  id: FileId;
  /** Display path (relative to cwd where possible) used in diagnostics. */
  path: string;
  text: string;
  /** Offsets of the first character of each line; computed once. */
  lineStarts: number[];
}

export interface LineCol {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 code units. */
  col: number;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function lineColOf(file: SourceFile, offset: number): LineCol {
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo] + 1 };
}

export function offsetOf(file: SourceFile, pos: LineCol): number {
  const start = file.lineStarts[Math.max(0, Math.min(pos.line - 1, file.lineStarts.length - 1))];
  return Math.min(file.text.length, start + pos.col - 1);
}

export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1] ?? file.text.length;
  const end = line < file.lineStarts.length ? file.lineStarts[line] - 1 : file.text.length;
  return file.text.slice(start, end).replace(/\r$/, "");
}

/** Root folder of the repository (where stdlib/ lives), independent of cwd. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const STDLIB_ROOT = join(REPO_ROOT, "stdlib");

export class FileManager {
  private files: SourceFile[] = [];
  private byPath = new Map<string, FileId>();
  /** Unsaved buffers (LSP) shadow disk contents. */
  private overlays = new Map<string, string>();

  add(path: string, text: string): SourceFile {
    const existing = this.byPath.get(path);
    if (existing !== undefined) {
      const f = this.files[existing];
      if (f.text === text) return f;
      const updated: SourceFile = { id: f.id, path, text, lineStarts: computeLineStarts(text) };
      this.files[existing] = updated;
      return updated;
    }
    const file: SourceFile = { id: this.files.length, path, text, lineStarts: computeLineStarts(text) };
    this.files.push(file);
    this.byPath.set(path, file.id);
    return file;
  }

  setOverlay(path: string, text: string | undefined): void {
    if (text === undefined) this.overlays.delete(path);
    else this.overlays.set(path, text);
  }

  /** Load from overlay or disk; undefined when the file does not exist. */
  load(path: string): SourceFile | undefined {
    const overlay = this.overlays.get(path);
    if (overlay !== undefined) return this.add(path, overlay);
    // A directory or device named like a module file is not one (sema then tries the next candidate).
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    return this.add(path, readFileSync(path, "utf8"));
  }

  get(id: FileId): SourceFile {
    const f = this.files[id];
    if (!f) throw new Error(`unknown file id ${id}`);
    return f;
  }

  lookup(path: string): SourceFile | undefined {
    const id = this.byPath.get(path);
    return id === undefined ? undefined : this.files[id];
  }

  all(): readonly SourceFile[] {
    return this.files;
  }
}

/** Map `std::a::b` to a stdlib file path: stdlib/a/b.cwl, or stdlib/a/b/mod.cwl. */
export function stdlibPath(segments: string[]): string | undefined {
  const direct = join(STDLIB_ROOT, ...segments) + ".cwl";
  if (existsSync(direct)) return direct;
  const mod = join(STDLIB_ROOT, ...segments, "mod.cwl");
  if (existsSync(mod)) return mod;
  return undefined;
}
