// Guest programs in Rust and Go (spec/guests.md): finding the toolchains, building a guest for
// WebAssembly (and for the host, as the native reference run), caching the outputs, and scaffolding a
// new guest. The .wasm a build writes is what `cwl build guest.wasm --target zkvm` compiles.
//
// Builds are cached under .cache/guests/, keyed by a hash of the sources (the SDK's included), the
// toolchain's version and the target, because rustc and the Go toolchain take seconds to minutes.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";

export type GuestLang = "rust" | "go";

/** A guest problem the user can act on: the message, and what to do about it. */
export class GuestError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "GuestError";
  }
}

export const SETUP_HINT = "install it with `npm run setup:toolchains` (as root: Debian's rustc, libstd-rust-dev-wasm32 and lld, golang-1.23-go)";
export const RUST_SDK = join(REPO_ROOT, "guests", "rust", "cwl-guest");
export const GO_SDK = join(REPO_ROOT, "guests", "go", "cwlguest");
const CACHE = join(REPO_ROOT, ".cache", "guests");
/** Part of every cache key: changed whenever the build commands below change. */
const RECIPE = "2";

export interface Rustc {
  path: string;
  version: string;
  /** major.minor as a number, e.g. 1.63 */
  minor: number;
}

export interface GoTool {
  path: string;
  version: string;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: env ?? process.env, cwd, maxBuffer: 64 << 20 });
  return { ok: r.status === 0 && !r.error, out: r.stdout ?? "", err: (r.stderr ?? "") + (r.error ? String(r.error.message) : "") };
}

/**
 * A rustc that has the wasm32-unknown-unknown standard library: `CWL_RUSTC`, else the first of
 * `rustc` on PATH and Debian's /usr/bin/rustc whose target-libdir for wasm32 holds libcore (a rustup
 * rustc without that target does not). A string says why none was found.
 */
export function findRustc(): Rustc | string {
  const cands = process.env.CWL_RUSTC ? [process.env.CWL_RUSTC] : ["rustc", "/usr/bin/rustc"];
  const tried: string[] = [];
  for (const c of cands) {
    const v = run(c, ["--version"]);
    if (!v.ok) {
      tried.push(`${c}: not found`);
      continue;
    }
    const lib = run(c, ["--print", "target-libdir", "--target", "wasm32-unknown-unknown"]);
    const dir = lib.out.trim();
    const has = lib.ok && existsSync(dir) && readdirSync(dir).some((f) => f.startsWith("libcore-"));
    if (!has) {
      tried.push(`${c} (${v.out.trim()}): no wasm32-unknown-unknown standard library`);
      continue;
    }
    // the wasm32 linker: rustc runs `rust-lld` from its sysroot or PATH (Debian's links to lld-14)
    const sysroot = run(c, ["--print", "sysroot"]).out.trim();
    const host = /host: (\S+)/.exec(run(c, ["-vV"]).out)?.[1] ?? "";
    const lld = [join(sysroot, "lib", "rustlib", host, "bin", "rust-lld"), "rust-lld"].some((l) => run(l, ["-flavor", "wasm", "--version"]).ok);
    if (!lld) {
      tried.push(`${c} (${v.out.trim()}): its WebAssembly linker rust-lld is missing (Debian: package lld-14)`);
      continue;
    }
    const m = /rustc (\d+)\.(\d+)/.exec(v.out);
    return { path: c, version: v.out.trim(), minor: m ? Number(m[1]) + Number(m[2]) / 1000 : 0 };
  }
  return `no rustc with the wasm32-unknown-unknown standard library (${tried.join("; ")})`;
}

/** Go 1.21 or later (GOOS=wasip1): `CWL_GO`, else `go` on PATH, else Debian's /usr/lib/go-1.23/bin/go. */
export function findGo(): GoTool | string {
  const cands = process.env.CWL_GO ? [process.env.CWL_GO] : ["go", "/usr/lib/go-1.23/bin/go"];
  const tried: string[] = [];
  for (const c of cands) {
    const v = run(c, ["version"]);
    const m = /go1\.(\d+)/.exec(v.out);
    if (!v.ok || !m) {
      tried.push(`${c}: not found`);
      continue;
    }
    if (Number(m[1]) < 21) {
      tried.push(`${c} (${v.out.trim()}): GOOS=wasip1 needs Go 1.21 or later`);
      continue;
    }
    return { path: c, version: v.out.trim() };
  }
  return `no Go toolchain 1.21 or later (${tried.join("; ")})`;
}

function hashFiles(h: ReturnType<typeof createHash>, root: string): void {
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (f === "target" || f === "build" || f.startsWith(".")) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(rs|go|mod|toml)$/.test(f)) h.update(relative(root, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  if (statSync(root).isDirectory()) walk(root);
  else h.update(readFileSync(root));
}

/** The cached file `name` for this key, or the build's output moved there. */
function cached(key: string, name: string, build: (out: string) => void): string {
  const dir = join(CACHE, key);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, name);
  if (existsSync(out)) return out;
  const tmp = join(dir, `${process.pid}.tmp`);
  build(tmp);
  renameSync(tmp, out);
  return out;
}

function rustFlags(rc: Rustc): { env: NodeJS.ProcessEnv; cfg: string[] } {
  // rustc before 1.68 needs an #[alloc_error_handler] in a no_std program that allocates, an
  // unstable attribute: the SDK defines one under this cfg, and the build allows the feature.
  if (rc.minor < 1.068) return { env: { ...process.env, RUSTC_BOOTSTRAP: "1" }, cfg: ["--cfg", "cwl_oom_handler"] };
  return { env: process.env, cfg: [] };
}

function rustFail(what: string, err: string): never {
  if (/linker `?rust-lld`? not found|rust-lld.*No such file/.test(err))
    throw new GuestError(`${what}: the WebAssembly linker rust-lld is missing`, `${SETUP_HINT}; Debian's rust-lld points at lld-14`);
  throw new GuestError(`${what} failed:\n${err.trim()}`);
}

/** The SDK rlib for a target ("wasm32" or "host"). */
function rustSdk(rc: Rustc, target: "wasm32" | "host"): string {
  const h = createHash("sha256").update(`${RECIPE}\0rust-sdk\0${rc.version}\0${target}\0`);
  hashFiles(h, join(RUST_SDK, "src"));
  const key = h.digest("hex").slice(0, 24);
  return cached(key, "libcwl_guest.rlib", (out) => {
    const { env, cfg } = rustFlags(rc);
    const args = ["--edition", "2021", "--crate-type", "rlib", "--crate-name", "cwl_guest", "-O", ...cfg, join(RUST_SDK, "src", "lib.rs"), "-o", out];
    if (target === "wasm32") args.push("--target", "wasm32-unknown-unknown", "-C", "panic=abort");
    const r = run(rc.path, args, env);
    if (!r.ok) rustFail("building the Rust guest SDK (guests/rust/cwl-guest)", r.err);
  });
}

/**
 * Compiles one Rust guest source file (with the SDK) for wasm32-unknown-unknown, or for the host
 * when `target` is "host" (an executable: the native reference run). Returns the output's path.
 */
export function buildRust(src: string, target: "wasm32" | "host" = "wasm32"): string {
  const rc = findRustc();
  if (typeof rc === "string") throw new GuestError(rc, SETUP_HINT);
  const sdk = rustSdk(rc, target);
  const h = createHash("sha256").update(`${RECIPE}\0rust\0${rc.version}\0${target}\0`).update(readFileSync(sdk));
  hashFiles(h, src);
  const key = h.digest("hex").slice(0, 24);
  return cached(key, basename(src).replace(/\.rs$/, target === "wasm32" ? ".wasm" : ""), (out) => {
    const { env, cfg } = rustFlags(rc);
    const args = ["--edition", "2021", "-O", ...cfg, "--extern", `cwl_guest=${sdk}`, "-L", dirname(sdk), src, "-o", out];
    // natively a panic unwinds and exits with code 101; the SDK's wasm32 panic handler does the same
    if (target === "wasm32") args.push("--target", "wasm32-unknown-unknown", "--crate-type", "cdylib", "-C", "panic=abort", "-C", "strip=debuginfo");
    else args.push("--crate-type", "bin");
    const r = run(rc.path, args, env);
    if (!r.ok) rustFail(`compiling ${basename(src)} with ${rc.version}`, r.err);
  });
}

function goEnv(go: GoTool, wasm: boolean): NodeJS.ProcessEnv {
  // offline: the SDK is a local `replace`, nothing is fetched
  const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: "-mod=mod", GOPROXY: "off", GOTOOLCHAIN: "local", GOWORK: "off", CGO_ENABLED: "0" };
  if (!env.GOCACHE && !env.HOME) env.GOCACHE = join(CACHE, "go-build");
  if (wasm) Object.assign(env, { GOOS: "wasip1", GOARCH: "wasm" });
  else for (const k of ["GOOS", "GOARCH"]) delete env[k];
  return env;
}

/**
 * Builds a Go guest (a directory holding a main package and its go.mod, which replaces the SDK
 * module by its path) for GOOS=wasip1 GOARCH=wasm, or for the host. Returns the output's path.
 */
export function buildGo(dir: string, target: "wasm32" | "host" = "wasm32"): string {
  const go = findGo();
  if (typeof go === "string") throw new GuestError(go, SETUP_HINT);
  const h = createHash("sha256").update(`${RECIPE}\0go\0${go.version}\0${target}\0${basename(resolve(dir))}\0`);
  // the whole module (the go.mod may be in a folder above)
  let root = resolve(dir);
  while (!existsSync(join(root, "go.mod")) && dirname(root) !== root) root = dirname(root);
  hashFiles(h, existsSync(join(root, "go.mod")) ? root : dir);
  hashFiles(h, GO_SDK);
  const key = h.digest("hex").slice(0, 24);
  return cached(key, basename(resolve(dir)) + (target === "wasm32" ? ".wasm" : ""), (out) => {
    const r = run(go.path, ["build", "-trimpath", "-o", resolve(out), "."], goEnv(go, target === "wasm32"), dir);
    if (!r.ok) throw new GuestError(`building the Go guest ${dir} with ${go.version} failed:\n${r.err.trim()}`);
  });
}

/** The language of a guest directory: src/main.rs or main.rs is Rust, go.mod is Go. */
export function guestLang(dir: string): { lang: GuestLang; main: string } | undefined {
  for (const f of [join(dir, "src", "main.rs"), join(dir, "main.rs")]) if (existsSync(f)) return { lang: "rust", main: f };
  if (existsSync(join(dir, "go.mod"))) return { lang: "go", main: dir };
  return undefined;
}

/** Builds the guest in `dir` for WebAssembly and copies the .wasm to `out`. */
export function buildGuestDir(dir: string, out: string): { lang: GuestLang; wasm: string } {
  const g = guestLang(dir);
  if (!g) throw new GuestError(`${dir} holds no guest: expected src/main.rs (Rust) or go.mod (Go)`, "create one with `cwl guest new --lang rust|go NAME`");
  const built = g.lang === "rust" ? buildRust(g.main) : buildGo(dir);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  copyFileSync(built, out);
  return { lang: g.lang, wasm: out };
}

const RUST_MAIN = `// A ChainWeave zkVM guest (spec/guests.md): reads its input, writes its output.
// Build: cwl guest build . ; run in the zkVM: cwl run build/NAME.wasm
#![cfg_attr(target_arch = "wasm32", no_std, no_main)]
extern crate alloc;
use cwl_guest as g;
g::entry!(run);

fn run() {
    let input = g::read_all();
    // the output: the number of input bytes and their sum
    g::write_u64(input.len() as u64);
    g::write_output(b" ");
    g::write_u64(input.iter().map(|&b| b as u64).sum());
}
`;

const GO_MAIN = `// A ChainWeave zkVM guest (spec/guests.md): reads its input, writes its output.
// Build: cwl guest build . ; run in the zkVM: cwl run build/NAME.wasm
package main

import (
	"strconv"

	"cwlguest"
)

func main() {
	input := cwlguest.ReadAll()
	sum := 0
	for _, b := range input {
		sum += int(b)
	}
	// the output: the number of input bytes and their sum
	cwlguest.WriteOutput([]byte(strconv.Itoa(len(input)) + " " + strconv.Itoa(sum)))
}
`;

/** Creates the guest directory `dir` (which must not exist) for `lang`; returns the files written. */
export function scaffoldGuest(lang: GuestLang, dir: string): string[] {
  const name = basename(resolve(dir));
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) throw new GuestError(`\`${name}\` is not a guest name`, "use letters, digits, `_` and `-`, starting with a letter");
  if (existsSync(dir)) throw new GuestError(`${dir} already exists`, "pick a new name, or remove it first");
  const files: [string, string][] = [];
  const sdk = (p: string) => relative(resolve(dir), p).split("\\").join("/");
  if (lang === "rust") {
    files.push(["src/main.rs", RUST_MAIN.replace(/NAME/g, name)]);
    // for cargo users (offline, path dependency only); `cwl guest build` calls rustc itself
    files.push(["Cargo.toml", `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncwl-guest = { path = "${sdk(RUST_SDK)}" }\n\n[profile.release]\npanic = "abort"\n`]);
  } else {
    files.push(["main.go", GO_MAIN.replace(/NAME/g, name)]);
    files.push(["go.mod", `module ${name}\n\ngo 1.21\n\nrequire cwlguest v0.0.0\n\nreplace cwlguest => ${sdk(GO_SDK)}\n`]);
  }
  files.push([".gitignore", "build/\ntarget/\n"]);
  for (const [f, text] of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return files.map(([f]) => join(dir, f));
}
