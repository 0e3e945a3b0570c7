// `npm run bench -- guests`: zkVM instructions of the guest examples (examples/guests) per language
// on the same workloads: SHA-256 of 1 KB, Fibonacci F(1000), a 423-byte JSON parse, and one secp256k1
// ECDSA verification (Rust: u32 limbs, Montgomery, Jacobian; Go: math/big, affine). Each Rust guest is built for wasm32 (cached under .cache/guests), compiled by the WebAssembly frontend and the zkVM
// backend and executed; its output is checked against its native run and an outside reference. A Go
// guest that does not compile for the zkVM is recorded with its first diagnostic. Instruction counts
// do not depend on the machine; compile and execute times do.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../base/files/index.ts";
import { buildZkvm } from "../backends/zkvm/index.ts";
import { compileWasm } from "../compiler/wasm/index.ts";
import { execute } from "../runtime/zkvm/index.ts";
import { buildGo, buildRust, findGo, findRustc } from "../tooling/guest/index.ts";
import { spawnSync } from "node:child_process";
import { secp256k1 } from "@noble/curves/secp256k1.js";

const u32le = (x: number) => Uint8Array.of(x & 255, (x >> 8) & 255, (x >> 16) & 255, x >>> 24);
const fib = (n: number) => {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i++) [a, b] = [b, (a + b) & 0xffffffffffffffffn];
  return String(a);
};
const DOC = JSON.stringify({ id: 12345, tags: ["alpha", "beta", "gamma\n"], items: Array.from({ length: 20 }, (_, i) => ({ k: i, v: -i * 37 })), ok: true, none: null });
const SHA_IN = Uint8Array.from({ length: 1024 }, (_, i) => (i * 31 + 7) & 255);

const EC_HASH = createHash("sha256").update("bench").digest();
const EC_PRIV = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const EC_IN = Buffer.concat([EC_HASH, secp256k1.sign(EC_HASH, EC_PRIV, { prehash: false }), secp256k1.getPublicKey(EC_PRIV, false)]);

const WORKLOADS = [
  { name: "sha256 of 1 KB", example: "sha256", input: SHA_IN, expect: createHash("sha256").update(SHA_IN).digest("hex") },
  { name: "fib(1000)", example: "fib", input: u32le(1000), expect: fib(1000) },
  { name: "secp256k1 ECDSA verify", example: "ecdsa", input: EC_IN, expect: "1" },
  { name: `json parse (${DOC.length} bytes)`, example: "json", input: new TextEncoder().encode(DOC), expect: `${DOC}\n${[...DOC.matchAll(/-?\d+/g)].reduce((s, m) => s + Number(m[0]), 0)}` },
];

function measure(lang: string, wasm: string, exe: string, w: (typeof WORKLOADS)[number]): object {
  const t0 = performance.now();
  const c = compileWasm(new Uint8Array(readFileSync(wasm)), { file: `${w.example}.wasm` });
  if (!c.module) return { language: lang, workload: w.name, compiles: false, diagnostic: c.diagnostics[0]?.message };
  const z = buildZkvm(c.module);
  if (!z.program) return { language: lang, workload: w.name, compiles: false, diagnostic: z.diagnostics[0]?.message };
  const compileMs = performance.now() - t0;
  const t1 = performance.now();
  const r = execute(z.program, { input: w.input, counts: true });
  const executeMs = performance.now() - t1;
  if (!r.ok) throw new Error(`${lang} ${w.name}: ${r.message}`);
  const out = Buffer.from(r.output).toString();
  const native = spawnSync(exe, { input: w.input }).stdout.toString();
  if (out !== w.expect || native !== w.expect) throw new Error(`${lang} ${w.name}: zkVM ${JSON.stringify(out.slice(0, 80))}, native ${JSON.stringify(native.slice(0, 80))}, expected ${JSON.stringify(w.expect.slice(0, 80))}`);
  process.stdout.write(`${lang} ${w.name}: ${r.instructions} zkVM instructions\n`);
  return {
    language: lang,
    workload: w.name,
    zkvmInstructions: r.instructions,
    families: r.families,
    codeInstructions: z.program.code.length / 4,
    wasmBytes: readFileSync(wasm).length,
    compileMs: Math.round(compileMs),
    executeMs: Math.round(executeMs),
  };
}

export async function run(): Promise<object> {
  const rows: object[] = [];
  const skipped: string[] = [];
  const rc = findRustc();
  if (typeof rc === "string") skipped.push(`rust: ${rc}`);
  else for (const w of WORKLOADS) {
    const src = join(REPO_ROOT, "examples", "guests", "rust", `${w.example}.rs`);
    rows.push(measure("rust", buildRust(src), buildRust(src, "host"), w));
  }
  const go = findGo();
  if (typeof go === "string") skipped.push(`go: ${go}`);
  else for (const w of WORKLOADS) {
    const dir = join(REPO_ROOT, "examples", "guests", "go", w.example);
    rows.push(measure("go", buildGo(dir), buildGo(dir, "host"), w));
  }
  if (typeof go !== "string") {
    // the Go runtime's start (scheduler, allocator, GC setup) and exit around an empty main
    const c = compileWasm(new Uint8Array(readFileSync(buildGo(join(REPO_ROOT, "examples", "guests", "go", "empty")))), { file: "empty.wasm" });
    const z = c.module ? buildZkvm(c.module) : undefined;
    const r = z?.program ? execute(z.program, { counts: true }) : undefined;
    if (r?.ok && r.exitCode === 0) {
      rows.push({ language: "go", workload: "empty main (the runtime before main)", zkvmInstructions: r.instructions, families: r.families });
      process.stdout.write(`go empty main: ${r.instructions} zkVM instructions\n`);
    } else rows.push({ language: "go", workload: "empty main (the runtime before main)", compiles: false, diagnostic: c.diagnostics[0]?.message ?? (r && !r.ok ? r.message : "") });
  }
  return {
    note: "zkVM instructions of examples/guests per language on one workload each; output checked against the native run and node:crypto / BigInt / JSON.stringify. Go rows that do not compile carry the frontend's first diagnostic. Times depend on the machine and its load.",
    toolchains: { rust: typeof rc === "string" ? null : rc.version, go: typeof go === "string" ? null : go.version },
    rows,
    skipped,
  };
}
