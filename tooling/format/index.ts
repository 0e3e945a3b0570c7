// Public face of tooling/format: format ChainWeave source with the prettier plugin. Used by
// `cwl fmt`, the language server and tests. Files with syntax errors are refused, never mangled.
import * as prettier from "prettier";
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import type { FileManager } from "../../base/files/index.ts";
import plugin, { SyntaxErrors } from "./plugin.ts";

export { default as prettierPlugin } from "./plugin.ts";

export interface FormatOptions {
  /** Shown in diagnostics. */
  path?: string;
  printWidth?: number;
  tabWidth?: number;
}

export type FormatResult =
  | { ok: true; text: string; changed: boolean }
  | { ok: false; diagnostics: Diagnostic[]; fm: FileManager };

/** Formats `text`; a file with syntax errors comes back as its diagnostics. */
export async function formatSource(text: string, opts: FormatOptions = {}): Promise<FormatResult> {
  try {
    const out = await prettier.format(text, {
      parser: "cwl",
      plugins: [plugin],
      filepath: opts.path,
      printWidth: opts.printWidth ?? 100,
      tabWidth: opts.tabWidth ?? 4,
      useTabs: false,
      endOfLine: "lf",
    });
    return { ok: true, text: out, changed: out !== text };
  } catch (e) {
    if (e instanceof SyntaxErrors) return { ok: false, diagnostics: e.diagnostics, fm: e.fm };
    throw e;
  }
}
