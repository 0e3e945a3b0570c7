// `npm run bench -- syntax`: parser throughput. Peer: the TypeScript compiler's parser
// (ts.createSourceFile, no type checking) on our own TypeScript sources, measured in the same run.
// Figures: bytes/s for clean .cwl (stdlib + examples + syntax fixtures), for broken .cwl (the same
// files with every 40th token deleted: error recovery), the one-time grammar analysis, and the ratio
// of clean .cwl throughput to TypeScript's. Large inputs: `cwl check` (parse + type check) of one
// generated 5 MB file and of a quarter of it (linear scaling: the ratio of the two times is about 4),
// with CPU time beside wall time (this machine is shared; CPU time is what the front end costs) and
// the heap the checked program holds; `cwl fmt` of the 5 MB file.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import ts from "typescript";
import { FileManager, REPO_ROOT } from "../base/files/index.ts";
import { parse, tokenize } from "../compiler/syntax/index.ts";
import { compileSource } from "../compiler/pipeline/index.ts";
import { formatSource } from "../tooling/format/index.ts";

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Median seconds of `reps` runs of `f`. */
function time(reps: number, f: () => void): number {
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    xs.push((performance.now() - t) / 1000);
  }
  return xs.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

/**
 * A formatted module of about `bytes` bytes: per unit a documented fn (locals, a loop, an if, a call),
 * a struct, a const and a comment, all distinct names; a circuit at the end calls the first fn.
 */
export function largeSource(bytes: number): string {
  const parts = ["use std::field::Bn254Fr;\n\n"];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const unit = `/// Mixes its inputs (${i}).
fn mix${i}(a: Bn254Fr, b: Bn254Fr) -> Bn254Fr {
    let c = a * b + ${i};
    let mut acc = c;
    for k in 0..4 {
        acc = acc * c + b; // carried
    }
    let pair = Pair${i} { x: acc, y: [a, b] };
    if a == b {
        pair.x + 1
    } else {
        pair.y[0] - ${i % 7} * a
    }
}

struct Pair${i} {
    x: Bn254Fr,
    y: [Bn254Fr; 2],
}

const K${i}: u32 = ${i} * 3 + 1;

`;
    parts.push(unit);
    size += unit.length;
  }
  parts.push("circuit Main(pub y: Bn254Fr, priv x: Bn254Fr) {\n    assert_eq(mix0(x, x), y);\n}\n");
  return parts.join("");
}

// A full collection between measurements (and before reading the heap a result holds).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Wall and CPU seconds of one run of `f`, after a collection so that earlier garbage is not billed. */
async function measure<T>(f: () => T | Promise<T>): Promise<{ seconds: number; cpuSeconds: number; value: T }> {
  gc();
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await f();
  const seconds = (performance.now() - t) / 1000;
  const u = process.cpuUsage(c);
  return { seconds: +seconds.toFixed(2), cpuSeconds: +((u.user + u.system) / 1e6).toFixed(2), value };
}

async function large(): Promise<object> {
  const text = largeSource(5_000_000);
  const quarter = text.slice(0, text.lastIndexOf("/// Mixes", text.length / 4)) + text.slice(text.lastIndexOf("circuit Main"));
  const check = (t: string) => {
    const r = compileSource("large.cwl", t, { checkOnly: true });
    if (r.diagnostics.length) throw new Error(`bench source does not check: ${r.diagnostics[0].message}`);
    return r;
  };
  check(largeSource(50_000)); // JIT warm-up
  const small = await measure(() => check(quarter));
  const heapBefore = process.memoryUsage().heapUsed;
  const full = await measure(() => check(text));
  const peakRssMB = +(process.memoryUsage().rss / 1e6).toFixed(0);
  gc();
  const heldMB = +((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(0);
  void full.value;
  const fmt = await measure(() => formatSource(text));
  if (!fmt.value.ok || fmt.value.changed) throw new Error("bench source is not formatted");
  return {
    check5MB: {
      bytes: text.length,
      lines: text.split("\n").length,
      seconds: full.seconds,
      cpuSeconds: full.cpuSeconds,
      MBps: +(text.length / full.seconds / 1e6).toFixed(2),
      heapHeldMB: heldMB,
      rssAfterMB: peakRssMB,
    },
    checkQuarter: { bytes: quarter.length, seconds: small.seconds, cpuSeconds: small.cpuSeconds },
    scalingCpu5MBOverQuarter: +(full.cpuSeconds / small.cpuSeconds).toFixed(2),
    fmtCheck5MB: { seconds: fmt.seconds, cpuSeconds: fmt.cpuSeconds },
    // Wall time on a shared machine depends on its load; CPU time much less.
    loadAverage1min: +loadavg()[0].toFixed(1),
  };
}

export async function run(): Promise<object> {
  const fm = new FileManager();
  const t0 = performance.now();
  parse(fm.add("warmup.cwl", "fn f() {}"));
  const grammarAnalysisMs = performance.now() - t0;

  const cwlPaths = [
    ...files(join(REPO_ROOT, "stdlib"), ".cwl"),
    ...files(join(REPO_ROOT, "examples"), ".cwl"),
    ...files(join(REPO_ROOT, "test", "syntax", "fixtures", "ok"), ".cwl"),
  ];
  const clean = cwlPaths.map((p) => fm.add(p, readFileSync(p, "utf8")));
  const broken = clean.map((f) => {
    const toks = tokenize(f.text);
    let text = f.text;
    for (let i = toks.length - 1; i >= 0; i -= 40) text = text.slice(0, toks[i].start) + text.slice(toks[i].end);
    return fm.add(f.path + ".broken", text);
  });
  const cwlBytes = clean.reduce((a, f) => a + f.text.length, 0);
  const brokenBytes = broken.reduce((a, f) => a + f.text.length, 0);
  const brokenDiagnostics = broken.reduce((a, f) => a + parse(f).diagnostics.length, 0);

  const tsPaths = files(join(REPO_ROOT, "compiler"), ".ts").slice(0, 60);
  const tsTexts = tsPaths.map((p) => [p, readFileSync(p, "utf8")] as const);
  const tsBytes = tsTexts.reduce((a, [, t]) => a + t.length, 0);

  for (const f of clean) parse(f); // JIT warm-up
  const cleanS = time(7, () => clean.forEach((f) => parse(f)));
  const brokenS = time(7, () => broken.forEach((f) => parse(f)));
  const tsS = time(7, () => tsTexts.forEach(([p, t]) => ts.createSourceFile(p, t, ts.ScriptTarget.ES2022, true)));

  const mbps = (bytes: number, s: number) => +(bytes / s / 1e6).toFixed(3);
  const result = {
    grammarAnalysisMs: +grammarAnalysisMs.toFixed(1),
    cwl: { files: clean.length, bytes: cwlBytes, seconds: +cleanS.toFixed(4), MBps: mbps(cwlBytes, cleanS) },
    cwlBroken: {
      bytes: brokenBytes,
      diagnostics: brokenDiagnostics,
      seconds: +brokenS.toFixed(4),
      MBps: mbps(brokenBytes, brokenS),
    },
    typescriptPeer: { files: tsTexts.length, bytes: tsBytes, seconds: +tsS.toFixed(4), MBps: mbps(tsBytes, tsS) },
    ratioCwlToTypescript: +(mbps(cwlBytes, cleanS) / mbps(tsBytes, tsS)).toFixed(3),
    ...(await large()),
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}
