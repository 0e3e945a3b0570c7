// `chainweave` as a user's node_modules has it, for tests of code that imports the package: the public
// entry (scripts/build-api.mjs's bundle) and its declarations only. The bundle is built once per test
// process inside the checkout (its modules find runtime/ and stdlib/ relative to themselves); the
// package folder re-exports it. test/api/package.test.ts checks the real tarball.
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../../base/files/index.ts";
// @ts-expect-error plain JavaScript build script without declarations
import { buildApi } from "../../scripts/build-api.mjs";

let built: Promise<string> | undefined;

/** Removes the bundle (call from afterAll). */
export function removeApiBundle(): void {
  rmSync(join(REPO_ROOT, ".cache", `api-test-${process.pid}`), { recursive: true, force: true });
  built = undefined;
}

/** Makes `app/node_modules/chainweave` (and links @types for tsc); `app` gets a package.json of type module. */
export async function installApiPackage(app: string): Promise<void> {
  const api = await (built ??= (async () => {
    const dir = join(REPO_ROOT, ".cache", `api-test-${process.pid}`);
    await buildApi(dir);
    return dir;
  })());
  const pkg = join(app, "node_modules", "chainweave");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "chainweave", type: "module", exports: { ".": { types: "./api.d.ts", default: "./api.js" } } }));
  writeFileSync(join(pkg, "api.js"), `export * from ${JSON.stringify(pathToFileURL(join(api, "api.js")).href)};\n`);
  for (const f of ["api.d.ts", "public.d.ts"]) copyFileSync(join(api, f), join(pkg, f));
  rmSync(join(app, "node_modules", "@types"), { force: true });
  symlinkSync(join(REPO_ROOT, "node_modules", "@types"), join(app, "node_modules", "@types"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "user-app", private: true, type: "module" }));
}
