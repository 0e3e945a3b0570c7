// The project's own INSECURE development powers-of-tau file (snarkjs `.ptau` format, BN254), made on
// first need and cached under `.cache/ptau/`, so that tests and benches need nothing beside the
// repository. Its toxic waste is public: τ, α and β follow from a fixed beacon, so anyone can forge
// proofs under it. `CWL_DEV_PTAU` may name a prepared file instead (any BN254 `.ptau` with enough powers).
//
// How it is made: snarkjs writes a fresh accumulator and applies one beacon contribution (sections 1–7:
// header, τ^i·G1, τ^i·G2, α·τ^i·G1, β·τ^i·G1, β·G2, contributions), so `snarkjs powersoftau verify`
// accepts the chain. The phase-2 sections (12–15: the same powers in the Lagrange basis, which snarkjs's
// Groth16 and PLONK setups need) are written here from the known τ, α, β: one scalar multiplication per
// point instead of snarkjs's group FFT (2^12 powers: 70 s with `preparephase2`), checked by snarkjs's
// verifier in test/plonk/ptau.test.ts.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import type { Progress } from "../../base/progress/index.ts";
import { progressRenderer } from "../progress/index.ts";

export const DEV_PTAU_DIR = join(REPO_ROOT, ".cache", "ptau");
/** The beacon whose hash chain yields τ, α, β; public on purpose. */
const BEACON_HEX = Buffer.from("ChainWeave INSECURE development powers of tau").toString("hex");
const BEACON_ITERATIONS_EXP = 10; // the least snarkjs accepts
/** The size tests share (the PLONKish examples need at most 2^9 powers): one cached file serves them all. */
export const TEST_PTAU_POWER = 10;
const LAGRANGE_SECTIONS = [12, 13, 14, 15] as const;

export interface DevPtauOptions {
  /** Where files are cached and made; `.cache/ptau/` by default. */
  readonly dir?: string;
  /** Notes (the INSECURE warning, where the file goes); stderr by default. */
  readonly log?: (line: string) => void;
  readonly progress?: Progress;
}

/** The `2^power` recorded in a `.ptau` header, or undefined when the file is not a BN254 `.ptau`. */
export function ptauPower(path: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const b = Buffer.alloc(12 + 12 + 4 + 32 + 4);
    if (readSync(fd, b, 0, b.length, 0) < b.length || b.toString("latin1", 0, 4) !== "ptau") return undefined;
    // The header is the first section in every file snarkjs writes: id 1, then n8 = 32, q, power.
    if (b.readUInt32LE(12) !== 1 || b.readUInt32LE(24) !== 32) return undefined;
    return b.readUInt32LE(24 + 4 + 32);
  } catch {
    return undefined; // missing, a directory, unreadable
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function devPtauFile(power: number, dir = DEV_PTAU_DIR): string {
  return join(dir, `pot${power}_dev_insecure.ptau`);
}

/**
 * A development `.ptau` path with at least 2^power powers (τ^i·G1 for i < 2^(power+1) − 1): `CWL_DEV_PTAU`
 * when it holds enough, else the smallest cached file that does, else a new one made now (printed as
 * INSECURE, with progress). Concurrent callers (test workers) wait for one maker instead of racing.
 */
export async function devPtau(power: number, opts: DevPtauOptions = {}): Promise<string> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + "\n"));
  const env = process.env.CWL_DEV_PTAU;
  if (env) {
    const have = ptauPower(env);
    if (have !== undefined && have >= power) return env;
    log(`CWL_DEV_PTAU=${env} ${have === undefined ? "is not a readable BN254 .ptau file" : `has 2^${have} powers, 2^${power} needed`}; using the project's own development file`);
  }
  const dir = opts.dir ?? DEV_PTAU_DIR;
  const target = devPtauFile(power, dir);
  const lock = `${target}.lock`;
  let waiting = false;
  for (;;) {
    const cached = cachedAtLeast(dir, power);
    if (cached) return cached;
    mkdirSync(dir, { recursive: true });
    const holder = takeLock(lock);
    if (holder === undefined) break;
    if (!holder.alive) {
      // A maker that died (killed test run): its lock and partial files go, and this process makes it.
      rmSync(lock, { force: true });
      if (holder.pid !== undefined) for (const f of readdirSync(dir)) if (f.startsWith(`${basename(target)}.${holder.pid}.`)) rmSync(join(dir, f), { force: true });
      continue;
    }
    if (!waiting) log(`waiting for process ${holder.pid} to finish ${target}`);
    waiting = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    log(`note: writing an INSECURE development powers-of-tau file (2^${power}, known toxic waste: proofs under it can be forged) to ${target}; made once, then reused`);
    const tmp = `${target}.${process.pid}.tmp`;
    await generateDevPtau(power, tmp, opts.progress ?? printProgress(log));
    renameSync(tmp, target);
    return target;
  } finally {
    rmSync(lock, { force: true });
  }
}

function cachedAtLeast(dir: string, power: number): string | undefined {
  if (!existsSync(dir)) return undefined;
  const found = readdirSync(dir)
    .map((f) => /^pot(\d+)_dev_insecure\.ptau$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= power)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  return found.length ? devPtauFile(found[0]!, dir) : undefined;
}

/** Creates the lock holding this process's id; when another holds it, says who and whether it still runs. */
function takeLock(lock: string): { pid?: number; alive: boolean } | undefined {
  try {
    const fd = openSync(lock, "wx");
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  let text: string;
  let age: number;
  try {
    text = readFileSync(lock, "utf8");
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return { alive: true }; // released just now: look again
  }
  const pid = Number(text);
  // An empty lock is one being written; after a few seconds its writer is gone.
  if (!text || !Number.isInteger(pid)) return { alive: age < 5_000 };
  try {
    process.kill(pid, 0);
    return { pid, alive: true };
  } catch (e) {
    return { pid, alive: (e as NodeJS.ErrnoException).code === "EPERM" };
  }
}

function printProgress(log: (s: string) => void): Progress {
  // tooling/progress's renderer, its lines sent to `log` (a log has no terminal: one line a second at most).
  return progressRenderer({ prefix: "  ", out: { write: (s: string) => log(s.replace(/\n$/, "")) } }).progress;
}

/** Writes the development `.ptau` for 2^power to `out` (see the file comment). */
export async function generateDevPtau(power: number, out: string, progress?: Progress): Promise<void> {
  const snarkjs = await import("snarkjs");
  const { getCurveFromName, ChaCha } = await import("ffjavascript");
  const curve = await getCurveFromName("bn128");
  const fresh = `${out}.new`;
  const beaconed = `${out}.beacon`;
  try {
    // snarkjs also calls logger.log (every 100,000 points, so from 2^16 powers on).
    const quiet = { log() {}, debug() {}, info() {}, warn() {}, error: (s: string) => process.stderr.write(`snarkjs: ${s}\n`) };
    progress?.("accumulator", 0, 1);
    await snarkjs.powersOfTau.newAccumulator(curve, power, fresh, quiet);
    progress?.("accumulator", 1, 1);
    progress?.("beacon contribution", 0, 1);
    const ok = await snarkjs.powersOfTau.beacon(fresh, beaconed, "ChainWeave INSECURE dev", BEACON_HEX, BEACON_ITERATIONS_EXP, quiet);
    if (ok === false) throw new Error("snarkjs refused the beacon contribution");
    progress?.("beacon contribution", 1, 1);

    // snarkjs's beacon key: SHA-256 iterated 2^exp times over the beacon, seeding ChaCha, then τ, α, β
    // drawn in that order (powersoftau_utils.keyFromBeacon, keypair.createPTauKey).
    let h: Buffer = Buffer.from(BEACON_HEX, "hex");
    for (let i = 0; i < 2 ** BEACON_ITERATIONS_EXP; i++) h = createHash("sha256").update(h).digest();
    const rng = new ChaCha(Array.from({ length: 8 }, (_, i) => h.readUInt32BE(4 * i)));
    const Fr = curve.Fr;
    const [tau, alpha, beta] = [0, 1, 2].map(() => BigInt(Fr.toObject(Fr.fromRng(rng)))) as [bigint, bigint, bigint];

    const sections = readSections(beaconed);
    const g1Size = 64;
    const tauG1 = sections.get(2)!;
    const fd = openSync(beaconed, "r");
    const second = Buffer.alloc(g1Size);
    readSync(fd, second, 0, g1Size, tauG1.pos + g1Size);
    closeSync(fd);
    const expect = Buffer.alloc(g1Size);
    curve.G1.toRprLEM(expect, 0, curve.G1.toAffine(curve.G1.timesFr(curve.G1.g, Fr.e(tau))));
    if (!expect.equals(second)) throw new Error("the beacon's τ does not reproduce τ·G1 (snarkjs changed its key derivation?)");

    renameSync(beaconed, out);
    const r = BigInt(Fr.toObject(Fr.negone)) + 1n;
    const roots = (p: number) => BigInt(Fr.toObject(Fr.w[p]));
    const fdOut = openSync(out, "r+");
    try {
      let end = statSync(out).size;
      const header = Buffer.alloc(4);
      header.writeUInt32LE(sections.size + LAGRANGE_SECTIONS.length);
      writeSync(fdOut, header, 0, 4, 8);
      const plan: [number, "G1" | "G2", bigint, boolean][] = [
        [12, "G1", 1n, true],
        [13, "G2", 1n, false],
        [14, "G1", alpha, false],
        [15, "G1", beta, false],
      ];
      for (const [id, group, factor, extraLevel] of plan) {
        const size = group === "G1" ? 64 : 128;
        const levels = extraLevel ? power + 1 : power;
        const count = 2 ** (levels + 1) - 1;
        const head = Buffer.alloc(12);
        head.writeUInt32LE(id, 0);
        head.writeBigUInt64LE(BigInt(count * size), 4);
        writeSync(fdOut, head, 0, 12, end);
        end += 12;
        const phase = `phase-2 section ${id} (Lagrange ${group})`;
        let done = 0;
        for (let p = 0; p <= levels; p++) {
          const scalars = lagrangeAt(tau, roots(p), p, r, extraLevel && p === power + 1).map((s) => (s * factor) % r);
          const buf = await generatorTimes(curve, group, scalars, (n) => progress?.(phase, (done += n), count));
          writeSync(fdOut, buf, 0, buf.length, end);
          end += buf.length;
        }
      }
    } finally {
      closeSync(fdOut);
    }
  } finally {
    rmSync(fresh, { force: true });
    rmSync(beaconed, { force: true });
    await curve.terminate();
  }
}

/**
 * s_i·G for the group's generator, as affine points in the file's layout (little-endian Montgomery
 * coordinates), computed on ffjavascript's worker threads in chunks: one scalar multiplication per
 * point in WASM, then one batch conversion to affine per chunk.
 */
async function generatorTimes(curve: any, group: "G1" | "G2", scalars: readonly bigint[], done: (n: number) => void): Promise<Uint8Array> {
  const G = curve[group];
  const prefix = group === "G1" ? "g1m" : "g2m";
  const sAffine = G.F.n8 * 2;
  const sJacobian = G.F.n8 * 3;
  const base: Uint8Array = G.toAffine(G.g);
  const CHUNK = 2048;
  const out = new Uint8Array(scalars.length * sAffine);
  const jobs: Promise<void>[] = [];
  for (let from = 0; from < scalars.length; from += CHUNK) {
    const n = Math.min(CHUNK, scalars.length - from);
    const bytes = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) {
      let x = scalars[from + i]!;
      for (let b = 0; b < 32; b++, x >>= 8n) bytes[i * 32 + b] = Number(x & 0xffn);
    }
    const task: object[] = [
      { cmd: "ALLOCSET", var: 0, buff: base },
      { cmd: "ALLOCSET", var: 1, buff: bytes },
      { cmd: "ALLOC", var: 2, len: n * sJacobian },
      { cmd: "ALLOC", var: 3, len: n * sAffine },
    ];
    for (let i = 0; i < n; i++)
      task.push({ cmd: "CALL", fnName: `${prefix}_timesScalarAffine`, params: [{ var: 0 }, { var: 1, offset: 32 * i }, { val: 32 }, { var: 2, offset: sJacobian * i }] });
    task.push({ cmd: "CALL", fnName: `${prefix}_batchToAffine`, params: [{ var: 2 }, { val: n }, { var: 3 }] });
    task.push({ cmd: "GET", out: 0, var: 3, len: n * sAffine });
    jobs.push(
      curve.tm.queueAction(task).then(([chunk]: [Uint8Array]) => {
        out.set(chunk, from * sAffine);
        done(n);
      }),
    );
  }
  await Promise.all(jobs);
  return out;
}

/**
 * What snarkjs's preparephase2 stores for level p: the inverse FFT (ffjavascript's ω for 2^p) of
 * (τ^0, …, τ^(n−1)), i.e. L_i(τ) = (τ^n − 1)/n · ω^i/(τ − ω^i). On the extra level of section 12 the
 * file holds only 2n − 1 powers and snarkjs puts the point at infinity in place of τ^(n−1), which
 * removes (1/n)·ω^(−i(n−1))·τ^(n−1) = (1/n)·ω^i·τ^(n−1) from each value.
 */
export function lagrangeAt(tau: bigint, omega: bigint, p: number, r: bigint, lastMissing: boolean): bigint[] {
  const n = 2 ** p;
  const pow = (b: bigint, e: bigint): bigint => {
    let x = 1n;
    b %= r;
    for (; e > 0n; e >>= 1n, b = (b * b) % r) if (e & 1n) x = (x * b) % r;
    return x;
  };
  const nInv = pow(BigInt(n), r - 2n);
  const c = (((pow(tau, BigInt(n)) - 1n + r) % r) * nInv) % r;
  const w: bigint[] = new Array(n);
  const d: bigint[] = new Array(n);
  for (let i = 0, wi = 1n; i < n; i++, wi = (wi * omega) % r) {
    w[i] = wi;
    d[i] = (tau - wi + r) % r;
    if (d[i] === 0n) throw new Error("τ lies in the evaluation domain");
  }
  // One inversion for all denominators (Montgomery's trick).
  const prefix: bigint[] = new Array(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = (acc * d[i]!) % r;
  }
  let inv = pow(acc, r - 2n);
  const out: bigint[] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (c * w[i]! % r) * ((inv * prefix[i]!) % r) % r;
    inv = (inv * d[i]!) % r;
  }
  if (lastMissing) {
    const t = (pow(tau, BigInt(n - 1)) * nInv) % r;
    for (let i = 0; i < n; i++) out[i] = (out[i]! - ((w[i]! * t) % r) + r) % r;
  }
  return out;
}

function readSections(path: string): Map<number, { pos: number; size: number }> {
  const fd = openSync(path, "r");
  try {
    const size = statSync(path).size;
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    const sections = new Map<number, { pos: number; size: number }>();
    let pos = 12;
    for (let i = 0; i < head.readUInt32LE(8); i++) {
      const h = Buffer.alloc(12);
      readSync(fd, h, 0, 12, pos);
      const len = Number(h.readBigUInt64LE(4));
      sections.set(h.readUInt32LE(0), { pos: pos + 12, size: len });
      pos += 12 + len;
    }
    if (pos !== size) throw new Error(`${path}: sections do not end at the end of the file`);
    return sections;
  } finally {
    closeSync(fd);
  }
}
