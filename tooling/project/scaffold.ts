// `cwl new` / `cwl init`: the files of a fresh project. The example is a circuit proving knowledge of a
// Poseidon preimage, a library function it uses, and tests of both kinds (`@test`, `@test(should_fail_with)`)
// plus a fuzzed one, so that `cwl test`, `cwl prove` and the TypeScript bindings work on it at once.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { MANIFEST } from "./index.ts";

export function manifestText(name: string): string {
  return `[package]
name = "${name}"
version = "0.1.0"
entry = "src/main.cwl"
field = "bn254"

[dependencies]
# mylib = { path = "../mylib" }
# remote = { git = "https://example.com/remote.git", rev = "v1.0.0" }
`;
}

export function mainText(name: string): string {
  return `// ${name}: prove that you know two numbers whose Poseidon hash is public.
use std::field::Bn254Fr;
use std::hash::poseidon;

/// The hash of a pair, as circomlib's Poseidon(2) computes it.
pub fn digest(a: Bn254Fr, b: Bn254Fr) -> Bn254Fr {
    poseidon::hash2(a, b)
}

circuit Main(pub hash: Bn254Fr, priv preimage: [Bn254Fr; 2]) {
    assert_eq(digest(preimage[0], preimage[1]), hash, "preimage does not hash to \`hash\`");
}
`;
}

export function testText(name: string): string {
  return `// Tests of ${name}: \`cwl test\` runs every \`@test\` function with the interpreter.
use std::field::Bn254Fr;
use ${name}::digest;

@test
fn digest_matches_circomlib() {
    // circomlibjs: poseidon([1, 2])
    assert_eq(digest(1, 2), 7853200120776062878684798364095072458815029376092732009249414926327459813530, "digest(1, 2)");
}

@test(should_fail_with("order matters"))
fn digest_is_not_symmetric() {
    assert_eq(digest(1, 2), digest(2, 1), "order matters");
}

// A test with parameters is fuzzed: \`cwl test\` draws its arguments (a seed is printed on failure).
@test
fn digest_is_a_function(a: Bn254Fr, b: Bn254Fr) {
    assert_eq(digest(a, b), digest(a, b), "same inputs, same digest");
}
`;
}

export const GITIGNORE = `# cwl: git dependency checkouts, proofs and keys made while trying things
.cwl/
*.proof
*.vk
*.public.json
node_modules/
`;

/** Create a project in `dir` (which must not hold a cwl.toml); returns the files written. */
export function scaffold(dir: string, name: string): string[] {
  const root = resolve(dir);
  mkdirSync(join(root, "src"), { recursive: true });
  mkdirSync(join(root, "tests"), { recursive: true });
  const files: [string, string][] = [
    [MANIFEST, manifestText(name)],
    [join("src", "main.cwl"), mainText(name)],
    [join("tests", "main_test.cwl"), testText(name)],
    [".gitignore", GITIGNORE],
  ];
  const written: string[] = [];
  for (const [rel, text] of files) {
    const p = join(root, rel);
    // `cwl init` in a folder with sources keeps them: only missing files are added.
    if (existsSync(p)) continue;
    writeFileSync(p, text);
    written.push(rel);
  }
  return written;
}

/** A package name from a folder name: `my-circuit` → `my_circuit`; undefined when none can be made. */
export function packageNameFor(dir: string): string | undefined {
  const n = basename(resolve(dir)).replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(n) && !["std", "self", "super", "crate"].includes(n) ? n : undefined;
}

export function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}
