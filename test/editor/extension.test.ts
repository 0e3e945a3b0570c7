// The VS Code extension package: manifest, language configuration, the bundled client and the .vsix.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";

const EXT = join(REPO_ROOT, "editors/vscode");
const manifest = JSON.parse(readFileSync(join(EXT, "package.json"), "utf8"));

describe("extension manifest", () => {
  it("registers the chainweave language for .cwl (not the Common Workflow Language id `cwl`)", () => {
    const [lang] = manifest.contributes.languages;
    expect(lang.id).toBe("chainweave");
    expect(lang.extensions).toEqual([".cwl"]);
    expect(manifest.activationEvents).toContain("onLanguage:chainweave");
    expect(JSON.stringify(manifest.contributes)).not.toMatch(/"id":\s*"cwl"/);
  });

  it("points at files that exist and parse", () => {
    const [lang] = manifest.contributes.languages;
    const [grammar] = manifest.contributes.grammars;
    expect(grammar.language).toBe("chainweave");
    const g = JSON.parse(readFileSync(join(EXT, grammar.path), "utf8"));
    expect(g.scopeName).toBe(grammar.scopeName);
    const conf = JSON.parse(readFileSync(join(EXT, lang.configuration), "utf8"));
    expect(conf.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(conf.brackets).toEqual([["{", "}"], ["[", "]"], ["(", ")"]]);
    expect(conf.folding.markers.start).toBeDefined();
    // Every regex in the configuration compiles.
    for (const re of [conf.wordPattern, conf.indentationRules.increaseIndentPattern, conf.indentationRules.decreaseIndentPattern, conf.folding.markers.start, conf.folding.markers.end])
      expect(() => new RegExp(re)).not.toThrow();
    expect(manifest.main).toBe("./dist/extension.js");
  });
});

describe("packaging", () => {
  it("bundles the client and builds a .vsix with vsce", () => {
    const out = join(mkdtempSync(join(tmpdir(), "cwlvsix-")), "chainweave.vsix");
    const r = spawnSync(process.execPath, [join(EXT, "scripts/package-vscode.mjs"), "--out", out], { encoding: "utf8" });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const bundle = readFileSync(join(EXT, "dist/extension.js"), "utf8");
    // vscode stays external (the editor provides it); the language client is bundled in.
    expect(bundle).toMatch(/require\("vscode"\)/);
    expect(bundle).toContain("chainweave.restartServer");
    expect(existsSync(out)).toBe(true);
    const vsix = readFileSync(out);
    expect(vsix.subarray(0, 2).toString()).toBe("PK");
    for (const f of ["extension/package.json", "extension/dist/extension.js", "extension/syntaxes/chainweave.tmLanguage.json", "extension/language-configuration.json"])
      expect(vsix.includes(Buffer.from(f)), f).toBe(true);
    expect(statSync(out).size).toBeGreaterThan(10_000);
  });
});
