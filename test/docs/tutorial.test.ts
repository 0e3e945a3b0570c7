// docs/tutorial.md, executed: every `$ ` line of its ```sh blocks runs in order in a temporary folder
// (`cd` moves there; `npx cwl` is bin/cwl.js, `npx tsx` the tsx of this checkout; `npm install
// chainweave` installs the package's public entry offline, test/util/api-package.ts), each ```lang
// file=NAME block is written where the commands are, and each command must exit 0. The circuit shown in
// the tutorial must be the one `cwl new` writes.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { installApiPackage, removeApiBundle } from "../util/api-package.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-tutorial-"));
afterAll(() => {
  rmSync(T, { recursive: true, force: true });
  removeApiBundle();
});

type Step = { kind: "cmd"; text: string; line: number } | { kind: "file"; name: string; text: string } | { kind: "cwl"; text: string };

function steps(markdown: string): Step[] {
  const out: Step[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const body: string[] = [];
    const start = i + 1;
    for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.push(lines[i]);
    const file = /file=(\S+)/.exec(open[2])?.[1];
    if (file) out.push({ kind: "file", name: file, text: body.join("\n") + "\n" });
    else if (open[1] === "sh") body.forEach((l, j) => l.startsWith("$ ") && out.push({ kind: "cmd", text: l.slice(2).trim(), line: start + j + 1 }));
    else if (open[1] === "chainweave") out.push({ kind: "cwl", text: body.join("\n") });
  }
  return out;
}

/** Code lines without comments and blank lines, to compare a shown excerpt with a generated file. */
const code = (s: string) =>
  s
    .split("\n")
    .map((l) => l.replace(/\/\/.*$/, "").trimEnd())
    .filter((l) => l.trim());

describe("docs/tutorial.md", () => {
  it("runs end to end: cwl new, test, prove and verify on the command line and from TypeScript", { timeout: 400_000 }, async () => {
    const all = steps(readFileSync(join(REPO_ROOT, "docs", "tutorial.md"), "utf8"));
    expect(all.filter((s) => s.kind === "cmd").length).toBeGreaterThanOrEqual(10);
    let cwd = T;
    const outputs: string[] = [];
    for (const s of all) {
      if (s.kind === "file") {
        writeFileSync(join(cwd, s.name), s.text);
        continue;
      }
      if (s.kind === "cwl") continue;
      const [cmd, ...args] = s.text.split(/\s+/);
      if (cmd === "cd") {
        cwd = join(cwd, args[0]);
        continue;
      }
      if (cmd === "npm" && args.join(" ") === "install chainweave") {
        await installApiPackage(cwd);
        continue;
      }
      expect(cmd, `docs/tutorial.md:${s.line}: only npx cwl / npx tsx commands are run`).toBe("npx");
      const [tool, ...rest] = args;
      const bin = tool === "cwl" ? join(REPO_ROOT, "bin", "cwl.js") : tool === "tsx" ? join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs") : undefined;
      expect(bin, `docs/tutorial.md:${s.line}: unknown tool ${tool}`).toBeDefined();
      const r = spawnSync(process.execPath, [bin!, ...rest], { cwd, encoding: "utf8" });
      expect(r.status, `docs/tutorial.md:${s.line}: \`${s.text}\` exited ${r.status}\n${r.stdout}\n${r.stderr}`).toBe(0);
      outputs.push(r.stdout);
    }
    const text = outputs.join("\n");
    expect(text).toContain("test result: ok. 3 passed; 0 failed");
    expect(text).toMatch(/proof OK/);
    expect(text).toContain("verified: true");
    // The circuit the tutorial shows is the one `cwl new` wrote.
    const shown = all.find((s) => s.kind === "cwl")!;
    const written = readFileSync(join(T, "hello", "src", "main.cwl"), "utf8");
    expect(code(written).join("\n")).toBe(code(shown.text).join("\n"));
  });
});
