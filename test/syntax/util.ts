// Shared helpers for the syntax suites.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import { FileManager, type SourceFile } from "../../base/files/index.ts";
import { walk, type Module, type Node } from "../../compiler/syntax/index.ts";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

export function fixtureFiles(sub: string): { name: string; text: string }[] {
  const dir = join(FIXTURES, sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cwl"))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
}

let counter = 0;
const fm = new FileManager();
/** A fresh SourceFile for `text` (unique path, so the FileManager never hands back an older version). */
export function source(text: string, path = `mem${counter++}.cwl`): SourceFile {
  return fm.add(path, text);
}
export const fileOf = (id: number) => fm.get(id);

/**
 * Problems with positions, or "" when all is well: every node span lies inside the file and inside
 * its parent's span, and every diagnostic has a span inside the file.
 */
export function spanProblems(module: Module, diagnostics: Diagnostic[], textLength: number): string {
  const problems: string[] = [];
  const inFile = (s: { start: number; end: number }) =>
    Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= textLength;
  walk(module, (n: Node, parent: Node | undefined) => {
    if (!n.span || !inFile(n.span))
      problems.push(`${n.kind} span ${JSON.stringify(n.span)} outside file (${textLength})`);
    else if (parent && (n.span.start < parent.span.start || n.span.end > parent.span.end))
      problems.push(
        `${n.kind} ${n.span.start}-${n.span.end} outside parent ${parent.kind} ${parent.span.start}-${parent.span.end}`,
      );
  });
  for (const d of diagnostics)
    if (!d.span || !inFile(d.span))
      problems.push(`diagnostic ${d.code} without a span inside the file: ${JSON.stringify(d.span)}`);
  return problems.slice(0, 5).join("\n");
}
