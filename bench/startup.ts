// `npm run bench -- startup`: start-to-exit time of the `cwl` CLI, prebuilt bundle (scripts/build-cli.mjs,
// the default) against the sources through tsx (CWL_NO_BUNDLE=1, what every start did before the
// bundle), measured in the same run on the same commands; plus the one-time cost of a start that
// (re)builds the bundle, and `node -e 0` as the floor. Median of CWL_BENCH_RUNS runs (default 5), in
// ms. The machine may be shared: the load averages before and after are recorded with the figures.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../base/files/index.ts";

const CWL = join(REPO_ROOT, "bin", "cwl.js");
const RUNS = Number(process.env.CWL_BENCH_RUNS ?? 5);

function start(args: string[], env: Record<string, string | undefined>): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]);
}

export async function run(): Promise<object> {
  const load = { before: loadavg().map((x) => +x.toFixed(2)) as number[], after: [] as number[] };
  const examples = readdirSync(join(REPO_ROOT, "examples"))
    .filter((f) => f.endsWith(".cwl"))
    .sort()
    .map((f) => join("examples", f));
  const commands: Record<string, string[]> = {
    help: ["--help"],
    [`check examples/*.cwl (${examples.length} files)`]: ["check", ...examples],
    "build examples/poseidon_preimage.cwl --target ir": ["build", "examples/poseidon_preimage.cwl", "--target", "ir"],
  };
  // A private cache inside the checkout (the bundle imports its external packages from node_modules).
  mkdirSync(join(REPO_ROOT, ".cache"), { recursive: true });
  const cache = mkdtempSync(join(REPO_ROOT, ".cache", "cli-bench-"));
  const bundle = { CWL_CLI_CACHE: cache, CWL_NO_BUNDLE: undefined };
  const tsx = { CWL_NO_BUNDLE: "1" };
  try {
    const floorMs = median(Array.from({ length: RUNS }, () => start(["-e", "0"], {})));
    // First start on an empty cache: builds the bundle, then runs from it.
    const firstStartMs = Math.round(start([CWL, "--help"], bundle));
    // tsx keeps a transform cache in the temp folder: warm it, as a user's repeated starts would.
    for (const args of Object.values(commands)) start([CWL, ...args], tsx);
    const rows: Record<string, { bundleMs: number; tsxMs: number; speedup: number }> = {};
    for (const [name, args] of Object.entries(commands)) {
      const b: number[] = [];
      const t: number[] = [];
      // Interleaved, so that a change of load on a shared machine hits both alike.
      for (let i = 0; i < RUNS; i++) {
        b.push(start([CWL, ...args], bundle));
        t.push(start([CWL, ...args], tsx));
      }
      rows[name] = { bundleMs: median(b), tsxMs: median(t), speedup: +(median(t) / median(b)).toFixed(2) };
      process.stdout.write(`${name}: bundle ${rows[name].bundleMs} ms, tsx ${rows[name].tsxMs} ms (${rows[name].speedup}x)\n`);
    }
    load.after = loadavg().map((x) => +x.toFixed(2));
    process.stdout.write(`node -e 0: ${floorMs} ms; first start (bundle build + run): ${firstStartMs} ms; load ${load.before} → ${load.after}\n`);
    return { runs: RUNS, nodeFloorMs: floorMs, firstStartWithBuildMs: firstStartMs, commands: rows, loadAverage: load };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
