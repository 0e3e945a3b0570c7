// The package as a user gets it: `npm pack` (which runs prepack: scripts/build-api.mjs), the tarball
// unpacked into a fresh project's node_modules/chainweave, and a plain JavaScript script that compiles,
// proves and verifies through `import ... from "chainweave"` only; a TypeScript consumer type-checks
// under --strict against the shipped declarations; the internals are not importable.
// The package's own dependencies are linked from this checkout's node_modules instead of installed from
// the registry (what `npm install ./chainweave-x.tgz` would place there), so the test runs offline.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-pack-"));
afterAll(() => rmSync(T, { recursive: true, force: true }));

/** A fresh project with the tarball unpacked as node_modules/chainweave and the dependencies linked. */
function installTarball(tgz: string, app: string): void {
  const pkgDir = join(app, "node_modules", "chainweave");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tgz, "-C", pkgDir, "--strip-components=1"]);
  for (const name of readdirSync(join(REPO_ROOT, "node_modules"))) {
    if (name.startsWith(".") || name === "chainweave") continue;
    symlinkSync(join(REPO_ROOT, "node_modules", name), join(app, "node_modules", name));
  }
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "user-app", private: true, type: "module" }));
}

describe("the chainweave package", () => {
  it("packs, installs into a fresh project, and compiles, proves and verifies through its public API", { timeout: 180_000 }, () => {
    const pack = spawnSync("npm", ["pack", "--pack-destination", T, "--silent"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(pack.status, pack.stderr).toBe(0);
    const tgz = join(T, pack.stdout.trim().split("\n").pop()!);
    const app = join(T, "app");
    installTarball(tgz, app);
    const pkg = join(app, "node_modules", "chainweave");
    // The tarball holds the bundle and its declarations, not the tests.
    for (const f of ["dist/api.js", "dist/api.d.ts", "dist/public.d.ts", "stdlib", "bin/cwl.js"]) expect(existsSync(join(pkg, f)), f).toBe(true);
    expect(existsSync(join(pkg, "test"))).toBe(false);
    cpSync(join(REPO_ROOT, "examples", "poseidon_preimage.cwl"), join(app, "circuit.cwl"));
    writeFileSync(
      join(app, "main.mjs"),
      `import * as api from "chainweave";
import { compile, prove, verify, setup, check, run, ChainweaveError } from "chainweave";
const inputs = { hash: "7853200120776062878684798364095072458815029376092732009249414926327459813530", preimage: ["1", "2"] };
const c = compile("circuit.cwl");
const p = await prove(c, inputs, { insecureDevSrs: true });
const vk = await setup(c, { insecureDevSrs: true });
let bad;
try { await prove(c, { ...inputs, preimage: ["1", "3"] }, { insecureDevSrs: true }); } catch (e) { bad = e instanceof ChainweaveError ? e.diagnostics[0] : String(e); }
let internal = "importable";
try { await import("chainweave/tooling/api/index.ts"); } catch (e) { internal = e.code; }
console.log(JSON.stringify({
  exports: Object.keys(api).sort(),
  circuit: { name: c.name, parameters: c.parameters, publicNames: c.publicNames },
  verified: await verify(c, p),
  verifiedWithKey: await verify(vk, p),
  otherPublic: await verify(vk, { ...p, publicInputs: [["5"]] }),
  run: run("circuit.cwl", inputs).ok,
  check: check({ path: "x.cwl", text: "fn f() -> u32 { y }" }).diagnostics.map((d) => [d.code, d.line, d.column]),
  bad: bad && [bad.code, bad.file, bad.line],
  internal,
}));
`,
    );
    const r = spawnSync(process.execPath, ["main.mjs"], { cwd: app, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out.exports).toEqual(["ChainweaveError", "check", "compile", "prove", "run", "setup", "verify"]);
    expect(out.circuit).toEqual({
      name: "PoseidonPreimage",
      parameters: [
        { name: "hash", visibility: "public", type: "Bn254Fr" },
        { name: "preimage", visibility: "private", type: "[Bn254Fr; 2]" },
      ],
      publicNames: ["hash"],
    });
    expect(out.verified).toBe(true);
    expect(out.verifiedWithKey).toBe(true);
    // The same proof against another public value is rejected.
    expect(out.otherPublic).toBe(false);
    expect(out.run).toBe(true);
    expect(out.check).toEqual([["E0101", 1, 17]]);
    expect(out.bad).toEqual(["E0501", "circuit.cwl", 6]);
    expect(out.internal).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");

    // A TypeScript consumer type-checks under --strict against the shipped declarations, and misuse does not.
    const good = `import { compile, prove, verify, type Proof, type Circuit } from "chainweave";
const c: Circuit = compile("circuit.cwl");
const p: Proof = await prove(c, { hash: "1", preimage: ["1", 2n] }, { insecureDevSrs: true });
const ok: boolean = await verify(c, p);
export { ok };
`;
    writeFileSync(join(app, "good.ts"), good);
    writeFileSync(join(app, "bad.ts"), `import { compile, prove } from "chainweave";\nawait prove(compile("c.cwl"), { hash: {} as Date }, {});\nexport {};\n`);
    // One compiler run over both files: every error is in bad.ts, so good.ts type-checks.
    const tsc = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node", "good.ts", "bad.ts"],
      { cwd: app, encoding: "utf8" },
    );
    expect(tsc.status).not.toBe(0);
    const errors = tsc.stdout.split("\n").filter((l) => /error TS/.test(l));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((l) => !l.startsWith("bad.ts(2,")), tsc.stdout).toEqual([]);
  });
});
