// The prebuilt CLI bundle (scripts/build-cli.mjs, used by bin/cwl.js): same behaviour as the tsx
// path, rebuilt when a source changes, never run stale, safe to build from several starts at once.
// Each test run builds into its own cache folder (CWL_CLI_CACHE), not the checkout's .cache/cli.
import { describe, it, expect, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../../base/files/index.ts";

const cwl = join(REPO_ROOT, "bin", "cwl.js");
// Inside the checkout: the bundle imports its external packages (prettier, binaryen...) from node_modules.
mkdirSync(join(REPO_ROOT, ".cache"), { recursive: true });
const cache = mkdtempSync(join(REPO_ROOT, ".cache", "cli-test-"));
const out = mkdtempSync(join(tmpdir(), "cwl-bundle-out-"));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** bin/cwl.js's CWL_BUNDLE_DEBUG lines: which bundle ran, whether it was built. */
  debug: string[];
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [cwl, ...args], {
      cwd: REPO_ROOT,
      // CWL_NO_BUNDLE only where a test sets it.
      env: { ...process.env, CWL_NO_BUNDLE: undefined, CWL_CLI_CACHE: cache, CWL_BUNDLE_DEBUG: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", fail);
    p.on("close", (status) => {
      const lines = stderr.split("\n");
      const debug = lines.filter((l) => l.startsWith("cwl: "));
      done({ status, stdout, stderr: lines.filter((l) => !l.startsWith("cwl: ")).join("\n"), debug });
    });
  });
}
const bundleOf = (r: Run) => r.debug.find((l) => l.startsWith("cwl: running "))?.slice("cwl: running ".length);
const built = (r: Run) => r.debug.some((l) => l.includes("building"));

/**
 * Runs until a start finds the bundle fresh. Other work in the tree may edit a source while a
 * build reads it; the build then leaves the manifest alone and the next start rebuilds.
 */
async function settled(): Promise<Run> {
  let r = await cli(["version"]);
  for (let i = 0; i < 3 && built(r); i++) r = await cli(["version"]);
  return r;
}

afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe("CLI bundle", () => {
  it("concurrent first starts all succeed and leave one consistent bundle", async () => {
    const runs = await Promise.all([0, 1, 2].map(() => cli(["--help"])));
    for (const r of runs) {
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(runs[0].stdout);
      expect(r.stdout).toContain("cwl <command>");
      expect(bundleOf(r)).toContain(cache);
    }
    const r = await settled();
    expect(built(r)).toBe(false);
    const manifest = JSON.parse(readFileSync(join(cache, "manifest.json"), "utf8")) as { bundle: string; inputs: Record<string, unknown>; commands: string[] };
    expect(bundleOf(r)).toBe(join(cache, manifest.bundle));
    expect(Object.keys(manifest.inputs)).toContain("tooling/cli/main.ts");
    expect(manifest.commands).toContain("check.ts");
    expect(readdirSync(cache).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  // Each command through the bundle and through tsx: same exit code, stdout, stderr and files.
  // (test/driver/cli.test.ts and the other CLI suites run the bundle on many more commands.)
  const cases: [string, string[]][] = [
    ["check with errors", ["check", "test/sema/fixtures/compile_failure/three_errors.cwl"]],
    ["build ir", ["build", "examples/poseidon_preimage.cwl", "--target", "ir", "--passes", "default"]],
    ["build plonkish", ["build", "examples/poseidon_preimage.cwl", "--target", "plonkish", "-o", "OUT", "--stats"]],
    ["kernel hls (include dir from import.meta.url)", ["kernel", "examples/vector_add.cwl", "--target", "hls", "-o", "OUT"]],
    ["check-spec --workers 2 (worker entry from import.meta.url)", ["check-spec", "stdlib/specs/ledger.cwl", "--spec", "Ledger", "--workers", "2"]],
    ["kv --help", ["kv", "--help"]],
  ];
  it.each(cases)("%s: bundle and tsx agree", async (name, args) => {
    const dirs = { bundle: join(out, name.replace(/\W+/g, "_") + "-b"), tsx: join(out, name.replace(/\W+/g, "_") + "-t") };
    const [b, t] = await Promise.all([
      cli(args.map((a) => (a === "OUT" ? dirs.bundle : a))),
      cli(
        args.map((a) => (a === "OUT" ? dirs.tsx : a)),
        { CWL_NO_BUNDLE: "1" },
      ),
    ]);
    expect(bundleOf(b)).toContain(cache);
    expect(bundleOf(t)).toBeUndefined();
    // Output folders differ by name; check-spec prints its times, redraws progress lines (\r) as often as
    // time allows, and prints a progress line only when a run is slow enough (the machine's load decides).
    const norm = (s: string, dir: string) =>
      s
        .split("\n")
        .map((l) => l.split("\r").pop())
        .filter((l) => !/^\s*explored \d+\/\d+ \(\d+%\), \d+ states\/s, depth \d+, [\d.]+ s$/.test(l ?? ""))
        .join("\n")
        .split(dir)
        .join("OUT")
        .replace(/\d+(\.\d+)? ?(ms|s)\b/g, "<time>")
        .replace(/\d+ states\/s/g, "<rate>");
    expect(norm(b.stdout, dirs.bundle)).toBe(norm(t.stdout, dirs.tsx));
    expect(norm(b.stderr, dirs.bundle)).toBe(norm(t.stderr, dirs.tsx));
    expect(b.status).toBe(t.status);
    if (args.includes("OUT")) {
      const files = (d: string) => readdirSync(d, { recursive: true }).map(String).sort();
      expect(files(dirs.bundle)).toEqual(files(dirs.tsx));
      for (const f of files(dirs.tsx)) {
        if (statSync(join(dirs.tsx, f)).isFile()) expect(readFileSync(join(dirs.bundle, f), "utf8"), f).toBe(readFileSync(join(dirs.tsx, f), "utf8"));
      }
    }
    if (args.includes("hls")) {
      // Copied from HLS_INCLUDE_DIR, which backends/hls computes from import.meta.url.
      const inc = join(REPO_ROOT, "backends", "hls", "include");
      for (const h of readdirSync(inc)) expect(readFileSync(join(dirs.bundle, "include", h), "utf8")).toBe(readFileSync(join(inc, h), "utf8"));
    }
  });

  it("a touched source makes the bundle stale: the next start rebuilds and runs the new one", async () => {
    const before = await settled();
    const src = join(REPO_ROOT, "tooling", "cli", "main.ts");
    const { atime, mtime } = statSync(src);
    try {
      utimesSync(src, atime, new Date(mtime.getTime() + 1000));
      const after = await cli(["version"]);
      expect(built(after)).toBe(true);
      expect(after.status).toBe(0);
      expect(after.stdout).toBe(before.stdout);
      expect(bundleOf(after)).not.toBe(bundleOf(before));
    } finally {
      // Back to the recorded time, so the checkout's own bundle stays fresh for other runs.
      utimesSync(src, atime, mtime);
    }
  });

  it("manifest checks: a changed size, a missing input, a new command file or a damaged manifest means stale", async () => {
    await settled();
    process.env.CWL_CLI_CACHE = cache;
    const { freshBundle } = (await import(pathToFileURL(join(REPO_ROOT, "scripts", "build-cli.mjs")).href)) as { freshBundle: () => string | undefined };
    const path = join(cache, "manifest.json");
    const good = readFileSync(path, "utf8");
    const tamper = (f: (m: { inputs: Record<string, [number, number]>; commands: string[] }) => void) => {
      const m = JSON.parse(good);
      f(m);
      writeFileSync(path, JSON.stringify(m));
      return freshBundle();
    };
    try {
      expect(freshBundle()).toBeDefined();
      expect(tamper((m) => (m.inputs["tooling/cli/main.ts"][1] += 1))).toBeUndefined();
      expect(tamper((m) => (m.inputs["tooling/cli/no-such-file.ts"] = [0, 0]))).toBeUndefined();
      expect(tamper((m) => m.commands.pop())).toBeUndefined();
      for (const junk of ["{ not json", "null", "{}", '{"format":1,"inputs":5}']) {
        writeFileSync(path, junk);
        expect(freshBundle()).toBeUndefined();
      }
    } finally {
      writeFileSync(path, good);
      delete process.env.CWL_CLI_CACHE;
    }
  });

  it("an internal error's stack trace names the .ts sources", async () => {
    const r = await settled();
    const bundle = bundleOf(r)!;
    // The build command's handler called with no argv object at all fails in build.ts: an internal error
    // (a missing file argument is a user error, reported without a stack).
    const script = [
      "process.setSourceMapsEnabled(true);",
      `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
      "const c = m.commands.find((c) => String(c.command).startsWith('build '));",
      "try { await c.handler(null); } catch (e) { console.log(e.stack); }",
    ].join("\n");
    const p = await new Promise<string>((done) => {
      const c = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO_ROOT });
      let s = "";
      c.stdout.on("data", (d) => (s += d));
      c.on("close", () => done(s));
    });
    expect(p).toMatch(/tooling\/cli\/commands\/build\.ts:\d+:\d+/);
    expect(p).not.toContain(".cache");
  });

  it("CWL_NO_BUNDLE=1 runs the sources through tsx and builds nothing", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cwl-bundle-none-"));
    try {
      const r = await cli(["check", "examples/ntt.cwl"], { CWL_NO_BUNDLE: "1", CWL_CLI_CACHE: empty });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("ok");
      expect(r.debug).toEqual([]);
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
