// The prebuilt CLI bundle: tooling/cli/main.ts and every command as one ESM entry under
// .cache/cli/<build>/cwl.mjs (plus chunks loaded on demand by the commands' dynamic imports), so that
// a start does not pass hundreds of TypeScript modules through tsx.
// bin/cwl.js runs the bundle only while its manifest (every input's mtime and size, and the list of
// command files) still matches the tree, and rebuilds it otherwise: stale code never runs.
//
//   node scripts/build-cli.mjs          build (or rebuild) the bundle now
//
// Plain JavaScript on purpose: bin/cwl.js loads this file before any TypeScript loader exists.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** CWL_CLI_CACHE moves it (tests build private bundles there); it must stay inside the checkout, as the
 * bundle imports its external packages from node_modules. */
export const CACHE_DIR = process.env.CWL_CLI_CACHE ? resolve(process.env.CWL_CLI_CACHE) : join(REPO_ROOT, ".cache", "cli");
const MANIFEST = join(CACHE_DIR, "manifest.json");
const COMMANDS_DIR = join(REPO_ROOT, "tooling", "cli", "commands");
/** Bumped when the bundle's layout or build options change in a way older bundles cannot satisfy. */
const FORMAT = 1;
/** Files that shape the bundle without being inputs of it. */
const BUILD_FILES = ["scripts/build-cli.mjs", "tsconfig.json", "package.json", "node_modules/.package-lock.json", "node_modules/esbuild/package.json"];
/** Bundles replaced this long ago are deleted: a run started from an older one may still import its lazy chunks. */
const KEEP_OLD_MS = 60 * 60_000;

// Native addons, WASM-carrying and very large packages load from node_modules at run time, as under tsx.
export const EXTERNAL = [
  "binaryen",
  "webgpu",
  "classic-level",
  "@ethereumjs/*",
  "solc",
  "snarkjs",
  "ffjavascript",
  "circom2",
  "circomlibjs",
  "vscode-*",
  "prettier",
  "ts-morph",
  "tsx",
  "esbuild",
];

/** The command modules bundled in, in the order main.ts's own discovery would load them. */
export function commandFiles() {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort();
}

const statKey = (abs) => {
  const s = statSync(abs);
  return [s.mtimeMs, s.size];
};

/**
 * The bundle's path when the manifest matches the tree, else undefined. Costs one stat per input
 * (a few hundred); any error reading the manifest or a missing input means "not fresh".
 */
export function freshBundle() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, "utf8"));
    if (m.format !== FORMAT || m.node !== process.versions.modules) return undefined;
    for (const [rel, [mtime, size]] of Object.entries(m.inputs)) {
      const [t, s] = statKey(join(REPO_ROOT, rel));
      if (t !== mtime || s !== size) return undefined;
    }
    if (commandFiles().join("\n") !== m.commands.join("\n")) return undefined;
    const bundle = join(CACHE_DIR, m.bundle);
    return existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/**
 * esbuild places every module in one file, so `import.meta.url` would name the bundle. Each
 * occurrence is replaced by the module's own URL, computed from the bundle's location (not an absolute
 * path, so a moved checkout keeps working): data files, worker entry files and REPO_ROOT resolve as
 * they do under tsx. Applies to bundled packages too (yargs finds its locales this way).
 */
export const metaUrlPlugin = {
  name: "cwl-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.")) return undefined;
      const rel = relative(build.initialOptions.outdir, args.path).split(sep).join("/");
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url)`;
      const contents = text
        .replace(/\bimport\.meta\.url\b/g, `${url}.href`)
        .replace(/\bimport\.meta\.filename\b/g, `__cwlPath(${url})`)
        .replace(/\bimport\.meta\.dirname\b/g, `__cwlDir(${url})`);
      const loader = args.path.endsWith("ts") ? "ts" : "js";
      return { contents, loader, resolveDir: dirname(args.path) };
    });
  },
};

const ENTRY_NAME = "<cwl-entry>";

// The entry hands the commands to main() statically: the bundle has no commands folder to read.
function entrySource(files) {
  const imports = files.map((f, i) => `import * as c${i} from "./tooling/cli/commands/${f}";`);
  return [
    `import { main as run } from "./tooling/cli/main.ts";`,
    ...imports,
    `export const commands = [${files.map((_, i) => `c${i}.command`).join(", ")}].filter(Boolean);`,
    `export const main = (argv) => run(argv, commands);`,
    "",
  ].join("\n");
}

export const BANNER = [
  // Bundled CommonJS packages call require(); ESM output has none of its own.
  `import { createRequire as __cwlCreateRequire } from "node:module";`,
  `import { fileURLToPath as __cwlPath } from "node:url";`,
  `import { dirname as __cwlDirname } from "node:path";`,
  `const require = __cwlCreateRequire(import.meta.url);`,
  `const __cwlDir = (u) => __cwlDirname(__cwlPath(u));`,
].join("\n");

function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Builds the bundle and its manifest; returns the bundle's path. Safe to run from several processes
 * at once: each writes its own uniquely named bundle and source map, then swaps the manifest in with a
 * rename, so a reader sees either the old or the new pair, never a half-written file.
 */
export async function buildBundle() {
  const esbuild = await import("esbuild");
  const started = Date.now();
  const files = commandFiles();
  const id = `cwl-${started.toString(36)}-${process.pid}`;
  const outdir = join(CACHE_DIR, id);
  mkdirSync(CACHE_DIR, { recursive: true });
  const result = await esbuild.build({
    stdin: { contents: entrySource(files), resolveDir: REPO_ROOT, sourcefile: ENTRY_NAME, loader: "js" },
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Chunks per dynamic import: a command's heavy modules and packages (binaryen, prettier,
    // LevelDB, the EVM) load when it runs, as under tsx, not on every start.
    splitting: true,
    outdir,
    entryNames: "cwl",
    // .mjs: ESM whatever package.json says.
    outExtension: { ".js": ".mjs" },
    chunkNames: "[name]-[hash]",
    sourcemap: "linked",
    sourcesContent: false,
    // tsx transforms with keepNames; keep the same function/class names (error messages, stacks).
    keepNames: true,
    external: EXTERNAL,
    tsconfig: join(REPO_ROOT, "tsconfig.json"),
    metafile: true,
    banner: { js: BANNER },
    logLevel: "silent",
    plugins: [metaUrlPlugin],
  });
  // The metafile lists every file bundled (relative to absWorkingDir), and the generated entry.
  const inputs = {};
  const add = (rel) => {
    inputs[rel] = statKey(join(REPO_ROOT, rel));
  };
  for (const p of Object.keys(result.metafile.inputs)) {
    if (p === ENTRY_NAME || p.startsWith("<")) continue;
    const rel = relative(REPO_ROOT, resolve(REPO_ROOT, p)).split(sep).join("/");
    // A bundled package stands for its files by its package.json (chevrotain alone pulls in 600
    // lodash-es files): node_modules changes by installs, which rewrite those and npm's lockfile.
    const pkg = /^((?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(rel);
    add(pkg ? `${pkg[1]}/package.json` : rel);
  }
  for (const f of BUILD_FILES) if (existsSync(join(REPO_ROOT, f))) add(f);
  // A file edited while esbuild was reading it may be newer than what was bundled: then leave the
  // manifest alone so the next start rebuilds (this run uses the bundle, as a tsx start would have
  // raced the same edit).
  // (The kernel stamps mtimes from a coarse clock, hence the small margin.)
  const racing = Object.entries(inputs).filter(([, [mtime]]) => mtime >= started - 50).map(([rel]) => rel);
  if (racing.length && process.env.CWL_BUNDLE_DEBUG) process.stderr.write(`cwl: edited during the bundle build: ${racing.join(", ")}\n`);
  if (!racing.length) {
    writeAtomic(
      MANIFEST,
      JSON.stringify({ format: FORMAT, node: process.versions.modules, bundle: `${id}/cwl.mjs`, built: new Date(started).toISOString(), commands: files, inputs }),
    );
  }
  removeOldBundles(id);
  return join(outdir, "cwl.mjs");
}

function removeOldBundles(built) {
  const keep = new Set([built]);
  try {
    keep.add(dirname(JSON.parse(readFileSync(MANIFEST, "utf8")).bundle));
  } catch {
    // no manifest yet
  }
  const now = Date.now();
  for (const f of readdirSync(CACHE_DIR)) {
    if (!/^cwl-|\.tmp$/.test(f) || keep.has(f)) continue;
    try {
      if (now - statSync(join(CACHE_DIR, f)).mtimeMs > KEEP_OLD_MS) rmSync(join(CACHE_DIR, f), { recursive: true, force: true });
    } catch {
      // another start removed it first
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const t = Date.now();
  const out = await buildBundle();
  process.stdout.write(`wrote ${relative(process.cwd(), out)} in ${Date.now() - t} ms\n`);
}
