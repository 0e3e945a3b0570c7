// `npm run bench -- plonk`: a chain of Poseidon(2) hashes (h_{i+1} = Poseidon(h_i, h_i)) in our
// PLONKish layout (Poseidon round gate) against circomlib's Poseidon compiled by circom2 (--O2).
// Reports our rows vs circom's R1CS constraints and snarkjs's PLONK constraints, and prove times:
// ours vs snarkjs Groth16 and PLONK, all with the project's 2^15 development ptau (tooling/ptau, made
// once into .cache/ptau), in the same run. Sizes whose
// snarkjs setup does not fit 2^15 are reported as such, not estimated.
//
// Then SHA-256 (std::hash::sha256 on u32 ops, lowered by backends/plonkish/integer.ts) for 1- and
// 2-block messages: rows and cells (rows × columns) per compression (the difference between the two,
// so padding and input checks do not count) beside circomlib's Sha256 R1CS constraints per compression,
// compiled in the same run; the 1-block circuit is proven and its digest checked against node:crypto.
//
// Needs circomlib's circuits (not an npm dependency of the project): node_modules/circomlib, or
// CIRCOMLIB=/path/to/circomlib. Artifacts are cached in bench/.cache/plonk.
import { existsSync, mkdirSync, copyFileSync, writeFileSync, readFileSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync } from "node:fs";
import { keygen, prove, verify, loadPtau, minimumK, stats, type Srs } from "../runtime/plonk/index.ts";
import { compileSource } from "../compiler/pipeline/index.ts";
import { compilePlonkish, witnessFor } from "../backends/plonkish/index.ts";
import { poseidonChain } from "../test/plonk/circuits.ts";
import { devPtau } from "../tooling/ptau/dev-ptau.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(ROOT, "bench", ".cache", "plonk");
const PTAU_POWER = 15;

function circomlibDir(): string | undefined {
  for (const d of [process.env.CIRCOMLIB, join(ROOT, "node_modules", "circomlib")])
    if (d && existsSync(join(d, "circuits", "poseidon.circom"))) return join(d, "circuits");
  return undefined;
}

function circomSource(n: number): string {
  return `pragma circom 2.0.0;
include "poseidon.circom";
template Chain(N) {
  signal input x;
  signal output out;
  component h[N];
  signal s[N+1];
  s[0] <== x;
  for (var i = 0; i < N; i++) { h[i] = Poseidon(2); h[i].inputs[0] <== s[i]; h[i].inputs[1] <== s[i]; s[i+1] <== h[i].out; }
  out <== s[N];
}
component main = Chain(${n});
`;
}

/** circom2 only opens includes under its cwd: the circuit and circomlib's files share a folder. */
function compileCircom(lib: string, n: number): { r1cs: string; wasm: string; dir: string } {
  const dir = join(CACHE, `chain${n}`);
  const r1cs = join(dir, "chain.r1cs");
  const wasm = join(dir, "chain_js", "chain.wasm");
  if (existsSync(r1cs) && existsSync(wasm)) return { r1cs, wasm, dir };
  mkdirSync(dir, { recursive: true });
  for (const f of ["poseidon.circom", "poseidon_constants.circom"]) copyFileSync(join(lib, f), join(dir, f));
  writeFileSync(join(dir, "chain.circom"), circomSource(n));
  execFileSync(process.execPath, [join(ROOT, "node_modules", "circom2", "cli.js"), "chain.circom", "--r1cs", "--wasm", "--O2", "-o", "."], {
    cwd: dir,
    stdio: "pipe",
  });
  return { r1cs, wasm, dir };
}

async function time<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: Math.round(performance.now() - t), value };
}

// snarkjs is untyped here; only a few entry points are used.
type Snark = {
  r1cs: { info(f: string): Promise<{ nConstraints: number }> };
  wtns: { calculate(input: object, wasm: string, out: string): Promise<void> };
  zKey: { newZKey(r1cs: string, ptau: string, out: string): Promise<unknown> };
  groth16: { prove(zkey: string, wtns: string): Promise<{ publicSignals: string[] }> };
  plonk: {
    setup(r1cs: string, ptau: string, out: string, logger?: unknown): Promise<unknown>;
    prove(zkey: string, wtns: string): Promise<{ publicSignals: string[] }>;
  };
};

/** snarkjs PLONK's constraint count, as its setup reports it (read from its log). */
async function snarkPlonkSetup(s: Snark, r1cs: string, zkey: string, ptau: string): Promise<{ constraints?: number; fits: boolean }> {
  let constraints: number | undefined;
  const logger = {
    info: (m: string) => {
      const x = /Plonk constraints: (\d+)/.exec(m);
      if (x) constraints = Number(x[1]);
    },
    debug: () => {},
    warn: () => {},
    error: () => {},
  };
  // Markers cache the outcome: <zkey>.n (fits, with the count) or <zkey>.toobig (the count).
  if (existsSync(zkey + ".n")) return { constraints: Number(readFileSync(zkey + ".n", "utf8")), fits: true };
  if (existsSync(zkey + ".toobig")) return { constraints: Number(readFileSync(zkey + ".toobig", "utf8")), fits: false };
  const r = await s.plonk.setup(r1cs, ptau, zkey, logger);
  const fits = r !== -1 && constraints !== undefined && constraints + 2 <= 1 << PTAU_POWER;
  if (constraints !== undefined) writeFileSync(zkey + (fits ? ".n" : ".toobig"), String(constraints));
  return { constraints, fits };
}

export async function run(): Promise<object> {
  const ptau = await devPtau(PTAU_POWER);
  // PLONK_BENCH_SIZES=8,64 picks chain lengths; PLONK_BENCH_OURS_ONLY=1 skips circom/snarkjs (their
  // prove times do not move when ours does, and snarkjs PLONK takes minutes on 2 cores).
  const lib = process.env.PLONK_BENCH_OURS_ONLY ? undefined : circomlibDir();
  const srsCache = new Map<number, Srs>();
  const srsFor = (k: number) => {
    if (!srsCache.has(k)) srsCache.set(k, loadPtau(ptau, 1 << k));
    return srsCache.get(k)!;
  };
  const snark = (await import("snarkjs")) as unknown as Snark;
  const sizes = process.env.PLONK_BENCH_SIZES ? process.env.PLONK_BENCH_SIZES.split(",").map(Number) : [8, 64, 256];
  const rows: object[] = [];
  for (const n of sizes) {
    const entry: Record<string, unknown> = { hashes: n };
    const chain = poseidonChain(n);
    const st = stats(chain.circuit);
    const k = minimumK(chain.circuit);
    Object.assign(entry, { ourRows: st.rows, ourK: k, ourColumns: { advice: st.advice, fixed: st.fixed, instance: st.instance }, maxDegree: st.maxDegree });
    process.stdout.write(`chain of ${n}: ${st.rows} rows (k=${k})\n`);
    if (lib) {
      const c = compileCircom(lib, n);
      const info = await snark.r1cs.info(c.r1cs);
      entry.circomR1csConstraints = info.nConstraints;
      entry.rowsPerConstraint = +(st.rows / info.nConstraints).toFixed(3);
      process.stdout.write(`  circom2 --O2: ${info.nConstraints} R1CS constraints\n`);
      const wtns = join(c.dir, "chain.wtns");
      await snark.wtns.calculate({ x: "7" }, c.wasm, wtns);
      const plonkZkey = join(c.dir, "plonk.zkey");
      const plonkSetup = await snarkPlonkSetup(snark, c.r1cs, plonkZkey, ptau);
      entry.snarkjsPlonkConstraints = plonkSetup.constraints;
      if (plonkSetup.fits) {
        const p = await time(() => snark.plonk.prove(plonkZkey, wtns));
        entry.snarkjsPlonkProveMs = p.ms;
        if (p.value.publicSignals[0] !== chain.output.toString()) throw new Error("snarkjs and our chain disagree on the output");
        process.stdout.write(`  snarkjs plonk prove: ${p.ms} ms\n`);
      } else entry.snarkjsPlonk = `does not fit the 2^${PTAU_POWER} ptau (${plonkSetup.constraints} PLONK constraints)`;
      if (info.nConstraints + 2 <= 1 << PTAU_POWER) {
        const g16Zkey = join(c.dir, "g16.zkey");
        if (!existsSync(g16Zkey)) await snark.zKey.newZKey(c.r1cs, ptau, g16Zkey);
        const p = await time(() => snark.groth16.prove(g16Zkey, wtns));
        entry.snarkjsGroth16ProveMs = p.ms;
        process.stdout.write(`  snarkjs groth16 prove: ${p.ms} ms\n`);
      } else entry.snarkjsGroth16 = `does not fit the 2^${PTAU_POWER} ptau`;
    } else entry.circom = process.env.PLONK_BENCH_OURS_ONLY ? "skipped (PLONK_BENCH_OURS_ONLY)" : "skipped: circomlib circuits not found (install circomlib or set CIRCOMLIB)";
    if (k <= PTAU_POWER) {
      const srs = srsFor(k);
      const phases: Record<string, number> = {};
      const kg = await time(() => keygen(srs, chain.circuit));
      const phaseMs: Record<string, number> = {};
      const pr = await time(() => prove(kg.value, chain.witness, { phaseMs }));
      for (const [p, ms] of Object.entries(phaseMs)) phases[p] = Math.round(ms);
      const ok = await time(async () => verify(kg.value.vk, chain.witness.instance, pr.value));
      if (!ok.value) throw new Error("our proof did not verify");
      Object.assign(entry, { ourKeygenMs: kg.ms, ourProveMs: pr.ms, ourVerifyMs: ok.ms, ourProvePhases: phases });
      if (typeof entry.snarkjsPlonkProveMs === "number") entry.proveVsSnarkjsPlonk = +(pr.ms / entry.snarkjsPlonkProveMs).toFixed(2);
      if (typeof entry.snarkjsGroth16ProveMs === "number") entry.proveVsSnarkjsGroth16 = +(pr.ms / entry.snarkjsGroth16ProveMs).toFixed(2);
      process.stdout.write(`  ours: keygen ${kg.ms} ms, prove ${pr.ms} ms, verify ${ok.ms} ms\n`);
    }
    rows.push(entry);
  }
  const sha256 = await sha256Bench(snark, srsFor, process.env.PLONK_BENCH_OURS_ONLY ? undefined : circomlibDir());
  return {
    description: "Poseidon(2) hash chain: our PLONKish rows vs circom2 --O2 R1CS constraints; prove times vs snarkjs (same machine, same run)",
    ptau: `${relative(ROOT, ptau)} (2^${PTAU_POWER}, insecure dev)`,
    note: "snarkjs uses worker threads on every core; our quotient runs on WASM vector kernels over the worker pool (above 2^14 extended points), evaluations and the opening on WASM kernels, permutation/lookup products are BigInt, and runtime/curve's MSM parallelises",
    results: rows,
    sha256,
  };
}

/** The longest message that pads into `blocks` 64-byte blocks (the 0x80 byte and 8 length bytes follow it). */
const shaMessageBytes = (blocks: number) => 64 * blocks - 9;

function shaCircuit(n: number): string {
  return `use std::hash::sha256;
circuit Sha(pub digest: [u32; 8], priv msg: [u8; ${n}]) {
    let d = sha256::hash(msg);
    for i in 0..8 {
        assert_eq(d[i], digest[i], "digest");
    }
}
`;
}

/** circomlib's Sha256(nBits) compiled by circom2 --O2: its R1CS constraint count. */
async function circomSha256(lib: string, snark: Snark, nBits: number): Promise<number> {
  const dir = join(CACHE, `sha256_${nBits}`);
  const r1cs = join(dir, "sha.r1cs");
  if (!existsSync(r1cs)) {
    mkdirSync(dir, { recursive: true });
    cpSync(lib, join(dir, "circomlib"), { recursive: true });
    writeFileSync(join(dir, "sha.circom"), `pragma circom 2.0.0;\ninclude "circomlib/sha256/sha256.circom";\ncomponent main = Sha256(${nBits});\n`);
    execFileSync(process.execPath, [join(ROOT, "node_modules", "circom2", "cli.js"), "sha.circom", "--r1cs", "--O2", "-o", "."], { cwd: dir, stdio: "pipe" });
  }
  return (await snark.r1cs.info(r1cs)).nConstraints;
}

async function sha256Bench(snark: Snark, srsFor: (k: number) => Srs, lib: string | undefined): Promise<object> {
  const per: Array<Record<string, unknown>> = [];
  for (const blocks of [1, 2]) {
    const n = shaMessageBytes(blocks);
    const fe = compileSource(`sha256_${n}.cwl`, shaCircuit(n));
    if (!fe.ir) throw new Error(fe.diagnostics.map((d) => d.message).join("; "));
    const comp = compilePlonkish(fe.ir);
    if (!comp.compiled) throw new Error(comp.diagnostics.map((d) => d.message).join("; "));
    const st = stats(comp.compiled.program.circuit);
    const columns = st.advice + st.fixed + st.instance;
    const entry: Record<string, unknown> = { blocks, messageBytes: n, rows: st.rows, regions: st.regions, k: minimumK(comp.compiled.program.circuit), columns: { advice: st.advice, fixed: st.fixed, instance: st.instance }, cells: st.rows * columns, adviceCells: st.rows * st.advice, lookups: st.lookups };
    process.stdout.write(`sha256 ${blocks} block(s), ${n} bytes: ${st.rows} rows × ${columns} columns (k=${entry.k})\n`);
    if (lib) {
      entry.circomR1csConstraints = await circomSha256(lib, snark, 8 * n);
      process.stdout.write(`  circomlib Sha256(${8 * n}), circom2 --O2: ${entry.circomR1csConstraints} R1CS constraints\n`);
    }
    if (blocks === 1) {
      // Proven end to end: the digest the circuit accepts is node:crypto's.
      const msg = Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff);
      const h = createHash("sha256").update(Buffer.from(msg)).digest();
      const digest = Array.from({ length: 8 }, (_, i) => h.readUInt32BE(4 * i));
      const { witness, run } = witnessFor(comp.compiled, { digest, msg });
      if (!witness || run.diagnostics.length) throw new Error(`sha256 witness: ${run.diagnostics.map((d) => d.message).join("; ")}`);
      const k = entry.k as number;
      const kg = await time(() => keygen(srsFor(k), comp.compiled!.program.circuit));
      const pr = await time(() => prove(kg.value, witness));
      const ok = await time(async () => verify(kg.value.vk, witness.instance, pr.value));
      if (!ok.value) throw new Error("our sha256 proof did not verify");
      Object.assign(entry, { keygenMs: kg.ms, proveMs: pr.ms, verifyMs: ok.ms });
      process.stdout.write(`  ours: keygen ${kg.ms} ms, prove ${pr.ms} ms, verify ${ok.ms} ms\n`);
    }
    per.push(entry);
  }
  const [one, two] = per;
  const d = (key: string) => (two[key] as number) - (one[key] as number);
  const perCompression: Record<string, unknown> = { rows: d("rows"), cells: d("cells"), adviceCells: d("adviceCells") };
  if (typeof one.circomR1csConstraints === "number") {
    perCompression.circomR1csConstraints = d("circomR1csConstraints");
    perCompression.rowsPerR1csConstraint = +((perCompression.rows as number) / (perCompression.circomR1csConstraints as number)).toFixed(3);
  } else perCompression.circom = lib ? "not measured" : "skipped";
  process.stdout.write(`sha256 per compression: ${JSON.stringify(perCompression)}\n`);
  return {
    description: "SHA-256 (std::hash::sha256, u32 ops on 4-bit limb lookups) vs circomlib Sha256 (circom2 --O2 R1CS), per compression = 2 blocks − 1 block",
    perCompression,
    circuits: per,
  };
}
