// Every example and every stdlib module lowers to CWIR that verifies and round-trips through the
// text form exactly: print(parse(print(ir))) == print(ir). (Passes have their own
// IR-text tests in test/passes; test/driver runs the default pipeline on a small circuit.)
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/pipeline/index.ts";
import { FileManager, REPO_ROOT } from "../../base/files/index.ts";
import { parseText, printModule, verifyModule } from "../../compiler/ir/index.ts";

function cwlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...cwlFiles(p));
    else if (f.endsWith(".cwl")) out.push(p);
  }
  return out;
}

const files = [
  ...cwlFiles(join(REPO_ROOT, "examples")),
  // Spec items are lowered by compiler/spec, not here.
  ...cwlFiles(join(REPO_ROOT, "stdlib")).filter((p) => !p.includes(`${join("stdlib", "specs")}`)),
];

describe("CWIR round trip", () => {
  it("finds examples and stdlib modules", () => {
    expect(files.length).toBeGreaterThan(3);
  });
  const fm = new FileManager();
  for (const path of files) {
    it(relative(REPO_ROOT, path), () => {
      const r = compileFile(path, { fm });
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      const ir = r.ir!;
      const text = printModule(ir);
      const back = parseText(text);
      expect(back.diagnostics).toEqual([]);
      expect(printModule(back.module)).toBe(text);
      expect(verifyModule(back.module)).toEqual([]);
    });
  }
});
