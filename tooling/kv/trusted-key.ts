// The verifying key a KV proof bundle is checked against, derived by the verifier: the std::kv circuit
// for the bundle's depth (and, for a batch, its ops and key slots) is rebuilt from the compiler, and its
// key generated under the SRS the verifier chose. A bundle's own `vk` is never trusted: a key from any
// other circuit (say, one that only copies a claimed root to its output) would verify a forged proof.
// The bundle's key is used only when its digest equals the derived one (the digest covers every
// commitment and the constraint shape), else the bundle is rejected.
//
// Keygen costs MSMs over 2^k points, so the derived digest is cached in .cache/kv-vk/, keyed by a
// SHA-256 of what determines it: the compiled circuit (gates, lookups, fixed columns, copy
// constraints), k and the SRS's first powers and tau·G2. A changed compiler or SRS changes the key.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import type { CompiledCircuit } from "../../backends/plonkish/index.ts";
import { keygen, minimumK, type Srs, type VerifyingKey } from "../../runtime/plonk/index.ts";
import { accessCircuit } from "./circuit.ts";
import { batchCircuit, checkShape, type BatchShape } from "./batch.ts";

/** Which std::kv circuit a bundle claims to prove. */
export type KvCircuitId = { kind: "access"; depth: number } | { kind: "batch"; shape: BatchShape };

export function kvCircuit(id: KvCircuitId): CompiledCircuit {
  if (id.kind === "batch") {
    checkShape(id.shape);
    return batchCircuit(id.shape);
  }
  if (!Number.isInteger(id.depth) || id.depth < 1 || id.depth > 64) throw new RangeError("depth must be 1..64");
  return accessCircuit(id.depth);
}

const hex = (_k: string, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v);

/** SHA-256 of everything the verifying key of `c` at 2^k rows under `srs` is a function of. */
export function keyFingerprint(c: CompiledCircuit, k: number, srs: Srs): string {
  const circuit = c.program.circuit;
  const h = createHash("sha256");
  const put = (x: unknown) => h.update(JSON.stringify(x, hex)).update("\n");
  put({ name: circuit.name, k, degree: circuit.degree(), advice: circuit.numAdvice, fixed: circuit.numFixed, instance: circuit.numInstance });
  put(circuit.gates.map((g) => [g.name, g.polys.map((p) => p.toString())]));
  put(circuit.lookups.map((l) => [l.name, l.inputs.map((e) => e.toString()), l.table.map((e) => e.toString())]));
  put(circuit.equality.map((c) => [c.kind, c.index]));
  for (const col of circuit.fixed) put(col);
  for (const cp of circuit.copies) put([cp.a.column.kind, cp.a.column.index, cp.a.row, cp.b.column.kind, cp.b.column.index, cp.b.row]);
  const n = 1 << k;
  put([srs.g1.length >= n, srs.g1[0], srs.g1[1], srs.g1[n - 1], srs.g2, srs.tauG2]);
  return h.digest("hex");
}

const CACHE_DIR = join(REPO_ROOT, ".cache", "kv-vk");
const memo = new Map<string, string>();

/**
 * The hex digest of the verifying key the verifier derives for `id` under the SRS `srsFor(k)` gives.
 * `log` hears about the keygen when the cache does not have it.
 */
export async function trustedKeyDigest(id: KvCircuitId, srsFor: (k: number) => Promise<Srs> | Srs, log: (s: string) => void = () => {}): Promise<string> {
  const c = kvCircuit(id);
  const k = minimumK(c.program.circuit);
  const srs = await srsFor(k);
  const fp = keyFingerprint(c, k, srs);
  const cached = memo.get(fp) ?? readCache(fp);
  if (cached) return cached;
  const t = performance.now();
  log(`deriving the verifying key of ${c.program.circuit.name} (k=${k}) ...`);
  const digest = Buffer.from((await keygen(srs, c.program.circuit, { k })).vk.digest).toString("hex");
  log(`derived in ${(performance.now() - t).toFixed(0)} ms`);
  memo.set(fp, digest);
  writeCache(fp, digest);
  return digest;
}

/**
 * Records a key this process derived itself (the prover's keygen for `id`), so that a verifier on the
 * same machine skips its own keygen. Never called with a key read from a file.
 */
export function rememberDerivedKey(id: KvCircuitId, k: number, srs: Srs, vk: VerifyingKey): void {
  const fp = keyFingerprint(kvCircuit(id), k, srs);
  const digest = Buffer.from(vk.digest).toString("hex");
  memo.set(fp, digest);
  writeCache(fp, digest);
}

/** True when `vk` is the key the verifier derives for `id`; the bundle's key is used only then. */
export async function isTrustedKey(vk: VerifyingKey, id: KvCircuitId, srsFor: (k: number) => Promise<Srs> | Srs, log?: (s: string) => void): Promise<boolean> {
  return Buffer.from(vk.digest).toString("hex") === (await trustedKeyDigest(id, srsFor, log));
}

function readCache(fp: string): string | undefined {
  try {
    const d = readFileSync(join(CACHE_DIR, fp), "utf8").trim();
    return /^[0-9a-f]{128}$/.test(d) ? d : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(fp: string, digest: string): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(join(CACHE_DIR, fp), digest + "\n");
  } catch {
    // A read-only checkout derives the key again next time.
  }
}
