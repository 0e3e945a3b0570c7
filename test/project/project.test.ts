// Projects: the cwl.toml reader (positions of every mistake), path and git dependencies as the compiler
// sees them (`use dep::...`), `cwl new` / `cwl init`, and `cwl test` (pass, fail, should_fail, fuzzing
// with a seed and a shrunk input, exit codes).
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderAll } from "../../base/diagnostics/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { compileInProject, loadProject } from "../../tooling/project/index.ts";
import { parseToml } from "../../tooling/project/toml.ts";
import { analyze, lspDiagnostics } from "../../tooling/lsp/analysis.ts";
import { runCwlInProcess } from "../util/cli.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-project-"));
afterAll(() => rmSync(T, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = join(T, rel);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function pkg(dir: string, name: string, deps = "", main = "pub fn one() -> u32 { 1 }\n"): void {
  write(`${dir}/cwl.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nentry = "src/main.cwl"\n\n[dependencies]\n${deps}`);
  write(`${dir}/src/main.cwl`, main);
}

/** Runs `cwl ...args` in this process from folder `cwd`, capturing what it prints. */
const cwl = (cwd: string, ...args: string[]) => runCwlInProcess(args, cwd);

function manifestErrors(dir: string): string {
  const fm = new FileManager();
  const r = loadProject(join(T, dir, "cwl.toml"), fm);
  return renderAll(r.diagnostics, (id) => fm.get(id), { color: false });
}

describe("cwl.toml", () => {
  it("parses the subset with positions; anything else is an error at its place", () => {
    const text = '[package]\nname = "a" # c\nn = 1_000\nd = { path = "../x", rev = \'v1\' }\nxs = [1, "b", true]\n';
    const doc = parseToml(text);
    expect(doc.errors).toEqual([]);
    const t = doc.tables.get("package")!.table;
    expect(t.entries.get("name")!.value).toEqual({ value: "a", start: text.indexOf('"a"'), end: text.indexOf('"a"') + 3 });
    expect(t.entries.get("n")!.value.value).toBe(1000);
    const d = t.entries.get("d")!.value.value as { entries: Map<string, { value: { value: unknown } }> };
    expect(d.entries.get("rev")!.value.value).toBe("v1");
    expect(t.entries.get("xs")!.value.value).toEqual([1, "b", true]);
    const bad = parseToml('[package]\nname = "a\nname = 1\n[[bin]]\nx = 1 2\n');
    expect(bad.errors.map((e) => [text.slice(0, 0), e.message, e.start])).toEqual([
      ["", "string not closed on its line", 17],
      ["", "arrays of tables (`[[...]]`) are not part of a cwl.toml", 29],
      ["", "unexpected text after the value", 43],
    ]);
  });

  it("missing fields, bad values, unknown keys and dependencies: file:line:col with a hint, all in one run", () => {
    write("bad/cwl.toml", '[package]\nversion = "1"\nfield = "bn255"\ncolour = "red"\n\n[dependencies]\nghost = { path = "../ghost" }\nflat = "1.0"\nboth = { path = "../x", git = "https://h/x.git" }\n');
    write("bad/src/main.cwl", "fn f() {}\n");
    const out = manifestErrors("bad");
    expect(out).toContain("cwl.toml:1:1: error[E0802]: [package] has no `name`");
    expect(out).toContain("cwl.toml:2:11: error[E0802]: version `1` is not MAJOR.MINOR.PATCH");
    expect(out).toContain("cwl.toml:3:9: error[E0802]: unknown field `bn255`");
    expect(out).toContain("cwl.toml:4:1: error[E0803]: unknown key `colour` in [package]");
    expect(out).toContain("cwl.toml:7:18: error[E0805]: dependency `ghost`: no cwl.toml in");
    expect(out).toContain("cwl.toml:8:8: error[E0802]: dependency `flat` must be an inline table");
    expect(out).toContain("cwl.toml:9:8: error[E0802]: dependency `both` needs exactly one of `path` and `git`");
    expect(out).toContain("hint:");
    write("noentry/cwl.toml", '[package]\nname = "n"\nversion = "0.1.0"\nentry = "src/lib.cwl"\n');
    expect(manifestErrors("noentry")).toContain("cwl.toml:4:9: error[E0804]: entry file");
    write("nopkg/cwl.toml", '[dependencies]\n');
    expect(manifestErrors("nopkg")).toContain("error[E0802]: the manifest has no [package] table");
  });

  it("a dependency cycle is named along its path, at the key that closes it", () => {
    pkg("cyc/a", "a", 'b = { path = "../b" }\n');
    pkg("cyc/b", "b", 'c = { path = "../c" }\n');
    pkg("cyc/c", "c", 'a = { path = "../a" }\n');
    const out = manifestErrors("cyc/a");
    expect(out).toMatch(/c\/cwl\.toml:7:1: error\[E0807\]: dependency cycle: a → b → c → a/);
    pkg("self", "me", 'me = { path = "." }\n');
    expect(manifestErrors("self")).toContain("dependency cycle: me → me");
  });
});

describe("dependencies in the compiler", () => {
  pkg("deps/mathlib", "mathlib", 'util = { path = "../util" }\n', "use std::field::Bn254Fr;\npub mod ops;\npub fn square(x: Bn254Fr) -> Bn254Fr { util::twice(x) * x - x * x }\nfn hidden() -> u32 { 1 }\n");
  write("deps/mathlib/src/ops.cwl", "use std::field::Bn254Fr;\npub fn cube(x: Bn254Fr) -> Bn254Fr { crate::square(x) * x }\n");
  pkg("deps/util", "util", "", "use std::field::Bn254Fr;\npub fn twice(x: Bn254Fr) -> Bn254Fr { x + x }\n");

  it("`use dep::...` loads the dependency's entry; its `crate` and `mod` files are its own", () => {
    pkg("deps/app", "app", 'mathlib = { path = "../mathlib" }\n', "use std::field::Bn254Fr;\nuse mathlib::ops::cube;\ncircuit Main(pub y: Bn254Fr, priv x: Bn254Fr) {\n    assert_eq(cube(x) + mathlib::square(x), y, \"no\");\n}\n");
    const fm = new FileManager();
    const r = compileInProject(join(T, "deps/app/src/main.cwl"), { fm });
    expect(renderAll(r.diagnostics, (id) => fm.get(id))).toBe("");
    expect(r.ir).toBeDefined();
    // Only the root package's items are entries (a dependency is a library).
    expect(r.checked!.entries.map((i) => i.item.name.name)).toEqual(["Main"]);
  });

  it("the language server resolves a project's dependencies for an unsaved buffer, and reports what does not resolve", () => {
    const path = join(T, "deps/app/src/main.cwl");
    const ok = analyze(path, readFileSync(path, "utf8"), 1);
    expect(lspDiagnostics(ok)).toEqual([]);
    const bad = analyze(path, "use mathlib::ops::cub;\n", 2);
    expect(lspDiagnostics(bad).map((d) => [d.range.start.line, d.range.start.character, d.message])).toEqual([[0, 18, "no `cub` in module `mathlib::ops`\nhint: did you mean `cube`?"]]);
  });

  it("a dependency's private item, an undeclared (transitive) package and a misspelt one are errors", () => {
    pkg("deps/app2", "app2", 'mathlib = { path = "../mathlib" }\n', "use mathlib::hidden;\nuse util::twice;\nuse mathlb::square;\n");
    const fm = new FileManager();
    const r = compileInProject(join(T, "deps/app2/src/main.cwl"), { fm });
    const out = renderAll(r.diagnostics, (id) => fm.get(id), { color: false });
    expect(out).toContain("main.cwl:1:14: error[E0106]: `hidden` is private to module `mathlib`");
    expect(out).toContain("main.cwl:2:5: error[E0103]: unresolved import: no `util` in module `crate`");
    expect(out).toMatch(/main\.cwl:3:5: error\[E0103\][^\n]*\n[\s\S]*?hint: did you mean `mathlib`\?/);
  });

  it("a package named like a module of the root gets its own CWIR names", () => {
    pkg("deps/app3", "app3", 'mathlib = { path = "../mathlib" }\n', "use std::field::Bn254Fr;\nmod util {\n    use std::field::Bn254Fr;\n    pub fn twice(x: Bn254Fr) -> Bn254Fr { x * 2 }\n}\ncircuit C(pub y: Bn254Fr, priv x: Bn254Fr) {\n    assert_eq(util::twice(x) + mathlib::square(x), y, \"y\");\n}\n");
    const fm = new FileManager();
    const r = compileInProject(join(T, "deps/app3/src/main.cwl"), { fm });
    expect(renderAll(r.diagnostics, (id) => fm.get(id))).toBe("");
    const names = r.ir!.funcs.map((f) => f.name);
    expect(names).toContain("util.twice");
    expect(names).toContain("util_2.twice");
  });

  it("a file outside any project compiles as before: `use other::...` is unresolved", () => {
    const fm = new FileManager();
    const f = join(mkdtempSync(join(tmpdir(), "cwl-noproj-")), "x.cwl");
    writeFileSync(f, "use mathlib::square;\n");
    expect(compileInProject(f, { fm }).diagnostics.map((d) => d.code)).toContain("E0103");
  });
});

const hasGit = spawnSync("git", ["--version"]).status === 0;

describe.skipIf(!hasGit)("git dependencies", () => {
  it("are cloned into .cwl/git, locked to a commit in cwl.lock, and stay there when the remote moves", () => {
    const g = (cwd: string, ...a: string[]) => {
      const r = spawnSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", "-c", "init.defaultBranch=main", ...a], { cwd, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    pkg("gitlib", "gitlib", "", "pub fn v() -> u32 { 1 }\n");
    const lib = join(T, "gitlib");
    g(lib, "init", "-q");
    g(lib, "add", ".");
    g(lib, "commit", "-qm", "one");
    const first = g(lib, "rev-parse", "HEAD");
    pkg("gitapp", "gitapp", `gitlib = { git = "file://${lib}" }\n`, "use gitlib::v;\nfn f() -> u32 { v() }\n");
    const fm = new FileManager();
    let r = compileInProject(join(T, "gitapp/src/main.cwl"), { fm });
    expect(r.diagnostics).toEqual([]);
    const lock = readFileSync(join(T, "gitapp/cwl.lock"), "utf8");
    expect(lock).toContain(`[git.gitlib]\nurl = "file://${lib}"\ncommit = "${first}"`);
    expect(existsSync(join(T, "gitapp/.cwl/git/gitlib/src/main.cwl"))).toBe(true);
    // The remote moves on (v() is gone); the lock keeps the build at the recorded commit.
    write("gitlib/src/main.cwl", "pub fn w() -> u32 { 2 }\n");
    g(lib, "commit", "-qam", "two");
    r = compileInProject(join(T, "gitapp/src/main.cwl"), { fm: new FileManager() });
    expect(r.diagnostics).toEqual([]);
    expect(readFileSync(join(T, "gitapp/cwl.lock"), "utf8")).toBe(lock);
    // The host unreachable and the checkout gone: a diagnostic, and the lock keeps its entry.
    rmSync(join(T, "gitapp/.cwl"), { recursive: true, force: true });
    renameSync(lib, lib + "-away");
    r = compileInProject(join(T, "gitapp/src/main.cwl"), { fm: new FileManager() });
    expect(r.diagnostics.map((d) => d.code)).toContain("E0806");
    expect(readFileSync(join(T, "gitapp/cwl.lock"), "utf8")).toBe(lock);
    renameSync(lib + "-away", lib);
    // An unreachable URL: a diagnostic at the URL, nothing thrown.
    pkg("gitbad", "gitbad", `x = { git = "file://${join(T, "no-such-repo")}" }\n`);
    const out = manifestErrors("gitbad");
    expect(out).toMatch(/cwl\.toml:7:13: error\[E0806\]: git dependency `x` \(file:\/\/.*\) is not available/);
  });
});

describe("cwl new / init / test", () => {
  it("new makes a project whose tests pass (exit 0); check and test work from any folder inside it", async () => {
    const r = await cwl(T, "new", "hello");
    expect(r.status).toBe(0);
    for (const f of ["cwl.toml", "src/main.cwl", "tests/main_test.cwl", ".gitignore"]) expect(existsSync(join(T, "hello", f)), f).toBe(true);
    const t = await cwl(join(T, "hello", "src"), "test", "--seed", "1", "--fuzz-runs", "4");
    expect(t.out).toMatch(/digest_matches_circomlib \.\.\. ok/);
    expect(t.out).toMatch(/digest_is_not_symmetric \.\.\. ok/);
    expect(t.out).toMatch(/digest_is_a_function \.\.\. ok \(4 fuzz runs\)/);
    expect(t.out).toContain("test result: ok. 3 passed; 0 failed");
    expect(t.status).toBe(0);
    const c = await cwl(join(T, "hello", "tests"), "check");
    expect(c.status, c.out).toBe(0);
    expect((await cwl(T, "new", "hello")).status).toBe(1);
    mkdirSync(join(T, "existing"));
    writeFileSync(join(T, "existing", "keep.cwl"), "fn keep() {}\n");
    const i = await cwl(join(T, "existing"), "init");
    expect(i.status, i.out).toBe(0);
    expect(readFileSync(join(T, "existing", "cwl.toml"), "utf8")).toContain('name = "existing"');
    expect(readFileSync(join(T, "existing", "keep.cwl"), "utf8")).toBe("fn keep() {}\n");
  });

  it("passing, failing and should_fail tests: each reported, the failure at its .cwl span, exit 1", async () => {
    pkg("tests1", "tests1", "", "pub fn add(a: u32, b: u32) -> u32 { a + b }\n");
    write(
      "tests1/tests/t.cwl",
      [
        "use tests1::add;",
        "@test",
        "fn passes() { assert add(2, 2) == 4, \"2+2\"; }",
        "@test",
        "fn fails() { assert add(2, 2) == 5, \"two and two\"; }",
        "@test(should_fail_with(\"boom\"))",
        "fn fails_as_expected() { assert add(1, 1) == 3, \"boom\"; }",
        "@test(should_fail_with(\"boom\"))",
        "fn fails_with_other_message() { assert false, \"bang\"; }",
        "@test(should_fail)",
        "fn should_fail_but_passes() { assert true; }",
        "@test",
        "fn no_overflow(a: u32, b: u32) { assert add(a, b) >= a, \"wrapped\"; }",
        "",
      ].join("\n"),
    );
    const r = await cwl(join(T, "tests1"), "test", "--seed", "42");
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/::passes \.\.\. ok/);
    expect(r.out).toMatch(/::fails \.\.\. FAILED/);
    expect(r.out).toMatch(/tests\/t\.cwl:5:14: error\[E0501\]: two and two/);
    expect(r.out).toMatch(/::fails_as_expected \.\.\. ok/);
    expect(r.out).toContain('expected a failure with "boom", got: bang');
    expect(r.out).toContain("expected a failure, but every assertion held");
    expect(r.out).toMatch(/::no_overflow \.\.\. FAILED/);
    expect(r.out).toContain("reproduce: cwl test no_overflow --seed 42");
    // The shrunk input is a minimal overflow: a + b = 2^32 exactly, the first failing sum.
    const m = /failing input \(shrunk\): (\{.*\})/.exec(r.out);
    const input = JSON.parse(m![1]) as { a: string; b: string };
    expect(BigInt(input.a) + BigInt(input.b)).toBe(2n ** 32n);
    expect(r.out).toContain("test result: FAILED. 2 passed; 4 failed");
    // In worker threads (one per file) the report is the same, in the same order.
    const parallel = await cwl(join(T, "tests1"), "test", "--seed", "42", "--jobs", "2");
    expect(parallel.status).toBe(1);
    expect(parallel.out).toBe(r.out);
    // A filter runs only the matching tests; all of them pass here.
    const f = await cwl(join(T, "tests1"), "test", "fails_as");
    expect(f.out).toContain("test result: ok. 1 passed; 0 failed");
    expect(f.status).toBe(0);
  });

  it("a test the runner cannot run is a diagnostic at its attribute or parameter", async () => {
    const f = write("one/bad_tests.cwl", '@test(should_panic)\nfn a() {}\n@test\nfn b(xs: &[u32]) {}\n@test\ncircuit C(pub x: u32) {}\n');
    const r = await cwl(join(T, "one"), "test", "--path", f);
    expect(r.status).toBe(1);
    expect(r.out).toContain("bad_tests.cwl:1:1: error[E0810]: unknown `@test` argument");
    expect(r.out).toMatch(/bad_tests\.cwl:4:6: error\[E0810\]: cannot fuzz parameter `xs`|bad_tests\.cwl:4:\d+: error/);
    expect(r.out).toContain("error[E0810]: `@test` marks a circuit");
  });
});
