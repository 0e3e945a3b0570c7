// `npm run bench -- plonk`: a chain of Poseidon(2) hashes (h_{i+1} = Poseidon(h_i, h_i)) written in .cwl
// (bench/circuits/poseidon_chain.cwl, compiled through compiler/pipeline and backends/plonkish like a
// user's circuit) against circomlib's Poseidon compiled by circom2 (--O2). Reports our rows and cells
// (rows × columns, since rows alone flatter wide layouts) vs circom's R1CS constraints and snarkjs's
// PLONK constraints; prove times: ours vs snarkjs Groth16 and PLONK, all with the project's development
// ptau (tooling/ptau, made once into .cache/ptau; 2^16 by default so that Groth16 fits the chain of 256),
// in the same run; and the gas of the generated Solidity verifier (backends/evm-verifier, solc-js,
// @ethereumjs/evm) on each of our proofs. Sizes whose snarkjs setup does not fit the ptau are reported as
// such with their constraint count, not estimated.
//
// Then SHA-256 (std::hash::sha256 on u32 ops, lowered by backends/plonkish/integer.ts) for 1- and
// 2-block messages: rows and cells (rows × columns) per compression (the difference between the two,
// so padding and input checks do not count) beside circomlib's Sha256 R1CS constraints per compression,
// compiled in the same run; the 1-block circuit is proven and its digest checked against node:crypto.
//
// circomlib's circuits come from node_modules/circomlib (a devDependency), or CIRCOMLIB=/path/to/circomlib.
// Artifacts are cached in bench/.cache/plonk.
import { existsSync, mkdirSync, copyFileSync, writeFileSync, readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { keygen, prove, verify, loadPtau, minimumK, stats, encodeProofBinary, insecureDevSrs, type Srs } from "../runtime/plonk/index.ts";
import { compileSource } from "../compiler/pipeline/index.ts";
import { compilePlonkish, witnessFor } from "../backends/plonkish/index.ts";
import { generateSolidityVerifier } from "../backends/evm-verifier/index.ts";
import { compileSolidity, VerifierChain } from "../test/verifier/evm.ts";
import { devPtau } from "../tooling/ptau/dev-ptau.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(ROOT, "bench", ".cache", "plonk");
/** 2^16 powers: snarkjs Groth16 of the chain of 256 (61,440 R1CS constraints) fits; PLONK_BENCH_PTAU_POWER overrides. */
const PTAU_POWER = Number(process.env.PLONK_BENCH_PTAU_POWER ?? 16);
const CHAIN_SOURCE = join(ROOT, "bench", "circuits", "poseidon_chain.cwl");
const CHAIN_INPUT = 7n;

/** The chain of `hashes` compiled from its .cwl source, with the witness for x = 7. */
function compileChain(hashes: number) {
  const src = readFileSync(CHAIN_SOURCE, "utf8").replace(/const HASHES: u32 = \d+;/, `const HASHES: u32 = ${hashes};`);
  const fe = compileSource(relative(ROOT, CHAIN_SOURCE), src);
  if (!fe.ir) throw new Error(fe.diagnostics.map((d) => d.message).join("; "));
  const comp = compilePlonkish(fe.ir);
  if (!comp.compiled) throw new Error(comp.diagnostics.map((d) => d.message).join("; "));
  const { witness, run } = witnessFor(comp.compiled, { x: CHAIN_INPUT.toString() });
  if (!witness) throw new Error(`chain witness: ${run.diagnostics.map((d) => d.message).join("; ")}`);
  return { circuit: comp.compiled.program.circuit, witness, output: witness.instance[0][0] };
}

const NOIR_SOURCE = join(ROOT, "bench", "circuits", "poseidon_chain.nr");
/** Where bb.js finds its CRS (bn254_g1.dat, bn254_g2.dat), passed as `crsPath` and CRS_PATH: never downloaded. */
const BB_CRS = join(CACHE, "bb-crs");

/**
 * bb.js's CRS files made here from runtime/plonk's insecure development SRS (τ = DEV_TAU, public):
 * bn254_g1.dat holds τ^i·G1 for i < points, each as x, y in 32 big-endian bytes; bn254_g2.dat holds
 * τ·G2 as x.c0, x.c1, y.c0, y.c1, 32 big-endian bytes each (barretenberg's srs::IO reads them so; the
 * format is confirmed by the Aztec ceremony's own τ·G2 being on the twist only when read this way, and
 * by bb.js proving and verifying under these files). Extended when a larger circuit needs more points.
 */
function ensureBbCrs(points: number): void {
  const g1Path = join(BB_CRS, "bn254_g1.dat");
  if (existsSync(g1Path) && statSync(g1Path).size >= points * 64 && existsSync(join(BB_CRS, "bn254_g2.dat"))) return;
  mkdirSync(BB_CRS, { recursive: true });
  process.stdout.write(`  writing an INSECURE bb.js CRS of ${points} points (known tau) to ${relative(ROOT, BB_CRS)}\n`);
  const srs = insecureDevSrs(points);
  const be = (x: bigint) => Buffer.from(x.toString(16).padStart(64, "0"), "hex");
  writeFileSync(g1Path, Buffer.concat(srs.g1.flatMap((p) => [be(p.x), be(p.y)])));
  const t = srs.tauG2.toAffine();
  writeFileSync(join(BB_CRS, "bn254_g2.dat"), Buffer.concat([t.x.c0, t.x.c1, t.y.c0, t.y.c1].map(be)));
}

/** The Noir chain of `hashes` compiled by noir_wasm (cached by source text in bench/.cache/plonk/noir<n>). */
async function compileNoir(hashes: number): Promise<{ program: { bytecode: string; abi: unknown }; compileMs?: number }> {
  const dir = join(CACHE, `noir${hashes}`);
  const src = readFileSync(NOIR_SOURCE, "utf8").replace(/global N: u32 = \d+;/, `global N: u32 = ${hashes};`);
  const cached = join(dir, "program.json");
  if (existsSync(cached) && existsSync(join(dir, "src", "main.nr")) && readFileSync(join(dir, "src", "main.nr"), "utf8") === src)
    return { program: JSON.parse(readFileSync(cached, "utf8")) };
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "Nargo.toml"), `[package]\nname = "chain"\ntype = "bin"\nauthors = [""]\n\n[dependencies]\n`);
  writeFileSync(join(dir, "src", "main.nr"), src);
  const { compile_program, createFileManager } = await import("@noir-lang/noir_wasm");
  const t = performance.now();
  const res = await compile_program(createFileManager(dir));
  const compileMs = Math.round(performance.now() - t);
  writeFileSync(cached, JSON.stringify(res.program));
  return { program: res.program as { bytecode: string; abi: unknown }, compileMs };
}

/**
 * The chain in Noir proven by bb.js's UltraHonk on multi-threaded WASM (one thread per core): witness by
 * noir_js, then backend set-up (WASM, CRS) and the proof timed apart; the public output must equal ours.
 */
async function bbPeer(hashes: number, expected: bigint): Promise<Record<string, unknown>> {
  const { Noir } = await import("@noir-lang/noir_js");
  const { UltraHonkBackend, Barretenberg } = await import("@aztec/bb.js");
  const threads = availableParallelism();
  const { program, compileMs } = await compileNoir(hashes);
  const noir = new Noir(program as ConstructorParameters<typeof Noir>[0]);
  const wt = await time(() => noir.execute({ x: CHAIN_INPUT.toString() }));
  const bytecode = new Uint8Array(gunzipSync(Buffer.from(program.bytecode, "base64")));
  // The circuit's size decides the CRS: bb.js reads subgroup size + 1 points from crsPath.
  const api = await Barretenberg.new({ threads: 1 });
  const [gates, subgroup] = await api.acirGetCircuitSizes(bytecode, false, true);
  await api.destroy();
  ensureBbCrs(subgroup + 1);
  process.env.CRS_PATH = BB_CRS;
  const backend = new UltraHonkBackend(program.bytecode, { threads, crsPath: BB_CRS });
  try {
    const setup = await time(() => backend.instantiate());
    const pr = await time(() => backend.generateProof(wt.value.witness));
    const ok = await time(() => backend.verifyProof(pr.value));
    if (!ok.value) throw new Error("bb.js rejected its own proof");
    if (BigInt(pr.value.publicInputs[0]) !== expected) throw new Error("the Noir chain and ours disagree on the output");
    return {
      bbNoirCompileMs: compileMs ?? "cached",
      bbGates: gates,
      bbCircuitSize: subgroup,
      bbWitnessMs: wt.ms,
      bbSetupMs: setup.ms,
      bbUltraHonkProveMs: pr.ms,
      bbVerifyMs: ok.ms,
      bbThreads: threads,
    };
  } finally {
    await backend.destroy();
  }
}

/** Gas of one verification by the generated Solidity verifier, and its deployed code size. */
async function solidityGas(pk: Awaited<ReturnType<typeof keygen>>, proof: Uint8Array, instance: bigint[]): Promise<{ gas: number; codeBytes: number }> {
  const g = generateSolidityVerifier(pk.vk);
  const compiled = compileSolidity(g.source, g.contractName);
  const chain = await VerifierChain.deploy(compiled.bytecode);
  const r = await chain.verify(proof, instance);
  if (!r.ok) throw new Error("the Solidity verifier rejected our proof");
  return { gas: Number(r.gas), codeBytes: compiled.deployedBytes };
}

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
  const loadBefore = loadavg().map((x) => +x.toFixed(1));
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
    const compileMs = performance.now();
    const chain = compileChain(n);
    const st = stats(chain.circuit);
    const k = minimumK(chain.circuit);
    const columns = st.advice + st.fixed + st.instance;
    Object.assign(entry, {
      source: `${relative(ROOT, CHAIN_SOURCE)} (HASHES = ${n})`,
      ourCompileMs: Math.round(performance.now() - compileMs),
      ourRows: st.rows,
      ourK: k,
      ourColumns: { advice: st.advice, fixed: st.fixed, instance: st.instance },
      ourCells: st.rows * columns,
      ourAdviceCells: st.rows * st.advice,
      ourDomainCells: (1 << k) * columns,
      maxDegree: st.maxDegree,
    });
    process.stdout.write(`chain of ${n}: ${st.rows} rows × ${columns} columns = ${st.rows * columns} cells (k=${k})\n`);
    if (lib) {
      const c = compileCircom(lib, n);
      const info = await snark.r1cs.info(c.r1cs);
      entry.circomR1csConstraints = info.nConstraints;
      entry.rowsPerConstraint = +(st.rows / info.nConstraints).toFixed(3);
      entry.cellsPerConstraint = +((st.rows * columns) / info.nConstraints).toFixed(3);
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
        if (p.value.publicSignals[0] !== chain.output.toString()) throw new Error("snarkjs Groth16 and our chain disagree on the output");
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
      Object.assign(entry, { ourKeygenMs: kg.ms, ourProveMs: pr.ms, ourVerifyMs: ok.ms, keygenVsProve: +(kg.ms / pr.ms).toFixed(2), ourProvePhases: phases });
      process.stdout.write(`  ours: keygen ${kg.ms} ms, prove ${pr.ms} ms, verify ${ok.ms} ms\n`);
      const sol = await solidityGas(kg.value, encodeProofBinary(pr.value), chain.witness.instance[0]);
      Object.assign(entry, { solidityVerifyGas: sol.gas, solidityCodeBytes: sol.codeBytes, proofBytes: encodeProofBinary(pr.value).length });
      process.stdout.write(`  Solidity verifier: ${sol.gas} gas, ${sol.codeBytes} bytes of code\n`);
      if (!process.env.PLONK_BENCH_OURS_ONLY) {
        Object.assign(entry, await bbPeer(n, chain.output));
        process.stdout.write(`  bb.js UltraHonk (${entry.bbThreads} threads, circuit size ${entry.bbCircuitSize}): prove ${entry.bbUltraHonkProveMs} ms, verify ${entry.bbVerifyMs} ms\n`);
        entry.proveVsBbJs = +(pr.ms / (entry.bbUltraHonkProveMs as number)).toFixed(2);
      } else entry.bbJs = "skipped (PLONK_BENCH_OURS_ONLY)";
      if (typeof entry.snarkjsPlonkProveMs === "number") entry.proveVsSnarkjsPlonk = +(pr.ms / entry.snarkjsPlonkProveMs).toFixed(2);
      if (typeof entry.snarkjsGroth16ProveMs === "number") entry.proveVsSnarkjsGroth16 = +(pr.ms / entry.snarkjsGroth16ProveMs).toFixed(2);
    }
    rows.push(entry);
  }
  const loadAfter = loadavg().map((x) => +x.toFixed(1));
  const sha256 = await sha256Bench(snark, srsFor, process.env.PLONK_BENCH_OURS_ONLY ? undefined : circomlibDir());
  return {
    description: "Poseidon(2) hash chain compiled from bench/circuits/poseidon_chain.cwl: our PLONKish rows and cells vs circom2 --O2 R1CS constraints; prove times vs snarkjs Groth16 and PLONK; gas of the generated Solidity verifier (same machine, same run)",
    ptau: `${relative(ROOT, ptau)} (2^${PTAU_POWER}, insecure dev)`,
    loadAverage: { start: loadBefore, afterChains: loadAfter },
    solidity: "gas: execution gas of verify(proof, instances) in @ethereumjs/evm 10.1.3 (default hardfork), excluding the 21,000 base and calldata; code compiled by solc-js 0.8.28 --optimize (runs 200)",
    bbJs: "the same chain in Noir (bench/circuits/poseidon_chain.nr, std::hash::poseidon::bn254::hash_2) compiled by @noir-lang/noir_wasm 1.0.0-beta.3, witness by noir_js, proven by @aztec/bb.js 0.82.2 UltraHonk (multi-threaded WASM, one thread per core) with an INSECURE CRS made here (bench/.cache/plonk/bb-crs, known tau; nothing downloaded); bbUltraHonkProveMs is UltraHonkBackend.generateProof (which also writes the verification key, as bb.js does on every proof), bbSetupMs the backend's WASM and CRS start",
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
