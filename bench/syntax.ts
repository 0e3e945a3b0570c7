// `npm run bench -- syntax`: parser throughput. Peer: the TypeScript compiler's parser
// (ts.createSourceFile, no type checking) on our own TypeScript sources, measured in the same run.
// Figures: bytes/s for clean .cwl (stdlib + examples + syntax fixtures), for broken .cwl (the same
// files with every 40th token deleted: error recovery), the one-time grammar analysis, and the ratio
// of clean .cwl throughput to TypeScript's.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { FileManager, REPO_ROOT } from "../base/files/index.ts";
import { parse, tokenize } from "../compiler/syntax/index.ts";

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
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}
