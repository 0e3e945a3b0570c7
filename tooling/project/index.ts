// A user's project: the `cwl.toml` manifest (package name, version, entry file, field, dependencies by
// path or by git URL), found upward from any file of the project, resolved into the PackageRef tree the
// compiler takes (`use dep::...`), with a `cwl.lock` recording the commit of each git dependency.
// Every mistake in a manifest is a diagnostic at its file:line:col (E08xx, spec/errors.md).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import type { FileManager } from "../../base/files/index.ts";
import { type CompileResult, compileFile } from "../../compiler/pipeline/index.ts";
import { FIELD_CHOICES, type PackageRef } from "../../compiler/sema/index.ts";
import { type Located, type TomlTable, parseToml, tomlString } from "./toml.ts";

export const MANIFEST = "cwl.toml";
export const LOCKFILE = "cwl.lock";
/** Where git dependencies are checked out, inside the project (ignored by the generated .gitignore). */
export const GIT_DEPS_DIR = join(".cwl", "git");

export interface GitSource {
  url: string;
  /** Branch, tag or commit asked for in the manifest (default: the remote's HEAD). */
  rev?: string;
  /** The commit it resolved to, as recorded in cwl.lock. */
  commit?: string;
}

export interface Dependency {
  name: string;
  /** Folder of the dependency's package (its cwl.toml). */
  dir: string;
  git?: GitSource;
}

export interface Project {
  /** Folder holding cwl.toml. */
  root: string;
  manifestPath: string;
  name: string;
  version: string;
  /** Entry file, as a path usable from the current folder. */
  entry: string;
  field: string;
  dependencies: Dependency[];
  /** What the compiler takes: `use name::...` in the project's modules loads these. */
  deps: ReadonlyMap<string, PackageRef>;
}

export interface LoadOptions {
  /** Clone missing git dependencies (default true); false reports them as not fetched. */
  fetch?: boolean;
}

/** The nearest cwl.toml in `start`'s folder (or `start` itself when it is a folder) or a folder above. */
export function findManifest(start: string): string | undefined {
  let dir = resolve(start);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) dir = dirname(dir);
  for (;;) {
    const m = join(dir, MANIFEST);
    if (existsSync(m) && statSync(m).isFile()) return m;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** A path as diagnostics show it: relative to the current folder when below it. */
export function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  // A sibling project (`../lib/cwl.toml`) reads better relative; a far-away file absolute.
  return r && !isAbsolute(r) && !r.startsWith(join("..", "..", "..")) ? r : p;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(["std", "self", "super", "crate"]);

interface Ctx {
  fm: FileManager;
  diagnostics: Diagnostic[];
  fetch: boolean;
  /** Packages by manifest path: loaded ones, and `undefined` while one is being loaded (cycle check). */
  packages: Map<string, Loaded | undefined>;
  /** Manifest paths on the current dependency chain (cycle check). */
  chain: { manifest: string; name: string }[];
}

interface Loaded {
  project: Project;
  ref: PackageRef;
}

/**
 * Read a project's manifest and, recursively, its dependencies'. Diagnostics point into the manifests
 * (added to `fm`, so `renderAll` shows their lines); `project` is undefined when the root manifest
 * itself is unusable.
 */
export function loadProject(manifestPath: string, fm: FileManager, opts: LoadOptions = {}): { project?: Project; diagnostics: Diagnostic[] } {
  const ctx: Ctx = { fm, diagnostics: [], fetch: opts.fetch ?? true, packages: new Map(), chain: [] };
  const loaded = loadPackage(resolve(manifestPath), ctx);
  return { project: loaded?.project, diagnostics: ctx.diagnostics };
}

function loadPackage(manifestPath: string, ctx: Ctx): Loaded | undefined {
  if (ctx.packages.has(manifestPath)) return ctx.packages.get(manifestPath);
  ctx.packages.set(manifestPath, undefined);
  let text: string;
  try {
    text = readFileSync(manifestPath, "utf8");
  } catch (e) {
    ctx.diagnostics.push({ severity: "error", code: "E0801", message: `cannot read ${displayPath(manifestPath)}: ${(e as Error).message}` });
    return undefined;
  }
  const file = ctx.fm.add(displayPath(manifestPath), text);
  const at = (l: { start: number; end: number }): Span => ({ file: file.id, start: l.start, end: l.end });
  const report = (code: string, message: string, l: { start: number; end: number } | undefined, hint?: string) =>
    ctx.diagnostics.push({ severity: "error", code, message, span: l ? at(l) : { file: file.id, start: 0, end: 0 }, hint });
  const doc = parseToml(text);
  for (const e of doc.errors) report("E0801", e.message, e, "a cwl.toml holds `[package]` and `[dependencies]` tables of `key = value` lines (spec/project.md)");
  const root = dirname(manifestPath);
  const pkg = doc.tables.get("package");
  for (const [k, v] of doc.root.entries) report("E0803", `\`${k}\` is outside any table`, v.key, "put it under `[package]`");
  for (const [name, t] of doc.tables)
    if (name !== "package" && name !== "dependencies") report("E0803", `unknown table [${name}]`, t.header, "a cwl.toml has [package] and [dependencies]");
  if (!pkg) {
    report("E0802", "the manifest has no [package] table", undefined, 'start it with `[package]`, then `name = "..."`, `version = "0.1.0"`, `entry = "src/main.cwl"`');
    return undefined;
  }
  const str = (t: TomlTable, key: string, required: boolean, where: Located<string>): Located<string> | undefined => {
    const e = t.entries.get(key);
    if (!e) {
      if (required) report("E0802", `[${where.value}] has no \`${key}\``, where, `add \`${key} = "..."\``);
      return undefined;
    }
    if (typeof e.value.value !== "string") {
      report("E0802", `\`${key}\` must be a string`, e.value, `write \`${key} = "..."\``);
      return undefined;
    }
    return e.value as Located<string>;
  };
  const known = new Set(["name", "version", "entry", "field", "description", "authors", "license"]);
  for (const [k, v] of pkg.table.entries) if (!known.has(k)) report("E0803", `unknown key \`${k}\` in [package]`, v.key, `keys: ${[...known].join(", ")}`);
  const name = str(pkg.table, "name", true, pkg.header);
  const version = str(pkg.table, "version", true, pkg.header);
  const entry = str(pkg.table, "entry", false, pkg.header);
  const field = str(pkg.table, "field", false, pkg.header);
  if (name && (!IDENT.test(name.value) || KEYWORDS.has(name.value)))
    report("E0802", `package name \`${name.value}\` is not an identifier`, name, "a package is used as `use name::...`: letters, digits and `_`, not starting with a digit, not std/self/super/crate");
  if (version && !/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version.value)) report("E0802", `version \`${version.value}\` is not MAJOR.MINOR.PATCH`, version, 'write e.g. `version = "0.1.0"`');
  if (field && !(FIELD_CHOICES as readonly string[]).includes(field.value)) report("E0802", `unknown field \`${field.value}\``, field, `choose one of ${FIELD_CHOICES.join(", ")}`);
  const entryRel = entry?.value ?? join("src", "main.cwl");
  const entryAbs = resolve(root, entryRel);
  if (!existsSync(entryAbs) || !statSync(entryAbs).isFile())
    report("E0804", `entry file ${displayPath(entryAbs)} not found`, entry ?? pkg.header, entry ? "fix the path (relative to the manifest's folder)" : 'create src/main.cwl or name the file with `entry = "..."`');
  // Without a name or version the package is unusable, but its dependencies are still checked so that
  // one run reports every mistake of the manifest.
  const complete = name !== undefined && version !== undefined;

  const project: Project = {
    root,
    manifestPath,
    name: name?.value ?? "",
    version: version?.value ?? "",
    entry: displayPath(entryAbs),
    field: field?.value ?? "bn254",
    dependencies: [],
    deps: new Map(),
  };
  const deps = project.deps as Map<string, PackageRef>;
  const loaded: Loaded = { project, ref: { entry: project.entry, deps } };
  const lock = readLock(root);
  let lockChanged = false;
  const declaredGit = new Set<string>();
  const depTable = doc.tables.get("dependencies");
  ctx.chain.push({ manifest: manifestPath, name: project.name || displayPath(root) });
  for (const [depName, { key, value }] of depTable?.table.entries ?? []) {
    if (!IDENT.test(depName) || KEYWORDS.has(depName)) {
      report("E0802", `dependency name \`${depName}\` is not an identifier`, key, "it is used as `use name::...`");
      continue;
    }
    if (typeof value.value !== "object" || Array.isArray(value.value)) {
      report("E0802", `dependency \`${depName}\` must be an inline table`, value, `write \`${depName} = { path = "../${depName}" }\` or \`${depName} = { git = "https://...", rev = "v1.0" }\``);
      continue;
    }
    const t = value.value;
    for (const [k, v] of t.entries) if (!["path", "git", "rev"].includes(k)) report("E0803", `unknown key \`${k}\` in dependency \`${depName}\``, v.key, "keys: path, git, rev");
    const at = { value: depName, start: key.start, end: value.end };
    const path = str(t, "path", false, at);
    const gitUrl = str(t, "git", false, at);
    if (gitUrl) declaredGit.add(depName);
    const rev = str(t, "rev", false, at);
    if (!path === !gitUrl) {
      report("E0802", `dependency \`${depName}\` needs exactly one of \`path\` and \`git\``, value, `write \`${depName} = { path = "../${depName}" }\``);
      continue;
    }
    let dir: string;
    let git: GitSource | undefined;
    if (path) {
      dir = resolve(root, path.value);
      if (!existsSync(join(dir, MANIFEST))) {
        report("E0805", `dependency \`${depName}\`: no ${MANIFEST} in ${displayPath(dir)}`, path, existsSync(dir) ? `run \`cwl init\` in ${displayPath(dir)}` : "fix the path (relative to this manifest's folder)");
        continue;
      }
    } else {
      git = { url: gitUrl!.value, rev: rev?.value, commit: lock.get(depName)?.url === gitUrl!.value && lock.get(depName)?.rev === rev?.value ? lock.get(depName)?.commit : undefined };
      dir = join(root, GIT_DEPS_DIR, depName);
      const fetched = fetchGit(dir, git, ctx.fetch);
      if ("error" in fetched) {
        report("E0806", `git dependency \`${depName}\` (${git.url}) is not available: ${fetched.error}`, gitUrl!, ctx.fetch ? "check the URL and rev; fetching needs a reachable git host" : "run `cwl check` in the project: it fetches git dependencies");
        continue;
      }
      if (git.commit !== fetched.commit) {
        git.commit = fetched.commit;
        lock.set(depName, { url: git.url, rev: git.rev, commit: fetched.commit });
        lockChanged = true;
      }
      if (!existsSync(join(dir, MANIFEST))) {
        report("E0805", `git dependency \`${depName}\` has no ${MANIFEST} at its root`, gitUrl!, "a dependency must be a cwl package");
        continue;
      }
    }
    const depManifest = join(dir, MANIFEST);
    const onChain = ctx.chain.findIndex((c) => c.manifest === depManifest);
    if (onChain >= 0) {
      const cycle = [...ctx.chain.slice(onChain).map((c) => c.name), ctx.chain[onChain].name].join(" → ");
      report("E0807", `dependency cycle: ${cycle}`, key, "packages may not depend on themselves, directly or through others; move the shared code into a third package");
      continue;
    }
    const sub = loadPackage(depManifest, ctx);
    if (!sub) continue;
    deps.set(depName, sub.ref);
    project.dependencies.push({ name: depName, dir, git });
  }
  ctx.chain.pop();
  // Entries of git dependencies no longer in the manifest go; one that failed to fetch this time stays.
  for (const n of lock.keys()) if (!declaredGit.has(n)) (lock.delete(n), (lockChanged = true));
  if (lockChanged) writeLock(root, lock);
  if (!complete) return undefined;
  ctx.packages.set(manifestPath, loaded);
  return loaded;
}

interface LockEntry {
  url: string;
  rev?: string;
  commit: string;
}

function readLock(root: string): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  const p = join(root, LOCKFILE);
  if (!existsSync(p)) return out;
  const doc = parseToml(readFileSync(p, "utf8"));
  for (const [name, { table }] of doc.tables) {
    if (!name.startsWith("git.")) continue;
    const get = (k: string) => {
      const v = table.entries.get(k)?.value.value;
      return typeof v === "string" ? v : undefined;
    };
    const url = get("url");
    const commit = get("commit");
    if (url && commit && /^[0-9a-f]{40}$/.test(commit)) out.set(name.slice(4), { url, rev: get("rev"), commit });
  }
  return out;
}

function writeLock(root: string, lock: Map<string, LockEntry>): void {
  const p = join(root, LOCKFILE);
  if (lock.size === 0) {
    if (existsSync(p)) rmSync(p);
    return;
  }
  let s = "# Written by cwl: the commit each git dependency resolved to. Commit this file.\n";
  for (const [n, e] of [...lock].sort(([a], [b]) => (a < b ? -1 : 1))) {
    s += `\n[git.${n}]\nurl = ${tomlString(e.url)}\n`;
    if (e.rev !== undefined) s += `rev = ${tomlString(e.rev)}\n`;
    s += `commit = ${tomlString(e.commit)}\n`;
  }
  writeFileSync(p, s);
}

function git(args: string[], cwd?: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
  if (r.error) return { ok: false, out: "", err: (r.error as NodeJS.ErrnoException).code === "ENOENT" ? "git is not installed" : r.error.message };
  return { ok: r.status === 0, out: r.stdout.trim(), err: (r.stderr.trim().split("\n").pop() ?? "").replace(/^fatal: /, "") };
}

/**
 * Make `dir` a checkout of `src` at its locked commit (or at `rev`, or the remote's HEAD): the commit
 * checked out, or a reason it could not be.
 */
function fetchGit(dir: string, src: GitSource, fetch: boolean): { commit: string } | { error: string } {
  const want = src.commit ?? src.rev ?? "HEAD";
  if (existsSync(join(dir, ".git"))) {
    const have = git(["rev-parse", "HEAD"], dir);
    const wanted = git(["rev-parse", "--verify", "--quiet", `${want}^{commit}`], dir);
    if (have.ok && wanted.ok && have.out === wanted.out) return { commit: have.out };
    if (!fetch) return { error: `the checkout in ${displayPath(dir)} is not at ${want}` };
    const f = git(["fetch", "--quiet", "origin"], dir);
    if (!f.ok) return { error: f.err };
  } else {
    if (!fetch) return { error: "not fetched yet" };
    const tmp = dir + ".partial";
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    const c = git(["clone", "--quiet", src.url, tmp]);
    if (!c.ok) {
      rmSync(tmp, { recursive: true, force: true });
      return { error: c.err || "git clone failed" };
    }
    renameSync(tmp, dir);
  }
  // A branch name resolves on the remote-tracking ref; a tag or commit as given.
  const candidates = src.commit ? [src.commit] : src.rev ? [`origin/${src.rev}`, src.rev] : ["origin/HEAD", "HEAD"];
  for (const c of candidates) {
    const r = git(["rev-parse", "--verify", "--quiet", `${c}^{commit}`], dir);
    if (!r.ok) continue;
    const co = git(["checkout", "--quiet", "--detach", r.out], dir);
    if (!co.ok) return { error: co.err };
    return { commit: r.out };
  }
  return { error: `no branch, tag or commit \`${want}\` in the repository` };
}

/** The project that `path` (a file or folder) belongs to, if any, loaded; undefined outside any project. */
export function projectOf(path: string, fm: FileManager, opts: LoadOptions = {}): { project?: Project; diagnostics: Diagnostic[]; manifest?: string } {
  const manifest = findManifest(path);
  if (!manifest) return { diagnostics: [] };
  return { ...loadProject(manifest, fm, opts), manifest };
}

/** What `file` of `project` may `use`: the dependencies, and the package itself unless `file` is its entry. */
export function depsFor(file: string, project: Project | undefined): ReadonlyMap<string, PackageRef> | undefined {
  if (!project) return undefined;
  if (resolve(file) === resolve(project.entry)) return project.deps;
  return new Map([...project.deps, [project.name, { entry: project.entry, deps: project.deps }]]);
}

/** Projects loaded during one command, by manifest path, so that each manifest is read and reported once. */
export type ProjectCache = Map<string, { project?: Project; diagnostics: Diagnostic[] }>;

/**
 * Compile `file` with the project it belongs to (found upward from it): the manifest's dependencies and
 * field apply, and a file other than the entry (a test in tests/) may also `use` the package itself by
 * its name. Manifest diagnostics come first (once per manifest with a shared `cache`); a broken
 * manifest still compiles the file alone, so its own mistakes are reported too.
 */
export function compileInProject(
  file: string,
  opts: { fm: FileManager; field?: string; checkOnly?: boolean; cache?: ProjectCache },
): CompileResult & { project?: Project } {
  const manifestDiags: Diagnostic[] = [];
  let project: Project | undefined;
  const manifest = findManifest(file);
  if (manifest) {
    const cache = opts.cache ?? new Map();
    let p = cache.get(manifest);
    if (!p) {
      cache.set(manifest, (p = loadProject(manifest, opts.fm)));
      manifestDiags.push(...p.diagnostics);
    }
    project = p.project;
  }
  const r = compileFile(file, { fm: opts.fm, field: opts.field ?? project?.field, deps: depsFor(file, project), checkOnly: opts.checkOnly });
  return { ...r, diagnostics: [...manifestDiags, ...r.diagnostics], project };
}

/** The `.cwl` files under `dir`, sorted, skipping hidden folders (`.cwl/git` checkouts) and node_modules. */
export function cwlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...cwlFilesUnder(p));
    else if (e.isFile() && e.name.endsWith(".cwl")) out.push(p);
  }
  return out;
}
