#!/usr/bin/env node
// Builds the VS Code extension: bundles src/extension.ts (with vscode-languageclient) into
// dist/extension.js with esbuild, then packs a .vsix with @vscode/vsce.
// Usage: node editors/vscode/scripts/package-vscode.mjs [--bundle-only] [--out FILE.vsix]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ext = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(ext, "..", "..");
const args = process.argv.slice(2);
const bundleOnly = args.includes("--bundle-only");
const outIdx = args.indexOf("--out");
const out = outIdx >= 0 ? resolve(args[outIdx + 1]) : join(repo, "dist", "chainweave.vsix");

await build({
  entryPoints: [join(ext, "src", "extension.ts")],
  outfile: join(ext, "dist", "extension.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  external: ["vscode"],
  minify: true,
  sourcemap: false,
  logLevel: "warning",
});
console.log(`bundled ${join(ext, "dist", "extension.js")}`);
if (bundleOnly) process.exit(0);

// vsce wants a LICENSE beside the manifest; use the repository's.
if (!existsSync(join(ext, "LICENSE")) && existsSync(join(repo, "LICENSE"))) copyFileSync(join(repo, "LICENSE"), join(ext, "LICENSE"));
mkdirSync(dirname(out), { recursive: true });
const vsce = join(repo, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
const r = spawnSync(vsce, ["package", "--no-dependencies", "--allow-missing-repository", "-o", out], {
  cwd: ext,
  stdio: "inherit",
});
if (r.status !== 0) {
  console.error("vsce package failed");
  process.exit(r.status ?? 1);
}
console.log(`packaged ${out}`);
