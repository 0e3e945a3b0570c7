// The generated Solidity verifier, compiled by solc-js 0.8.28 and run in @ethereumjs/evm: it accepts
// real proofs of .cwl circuits (gates, permutation, public inputs; logUp lookups) and rejects what a
// cheating prover could send — a changed byte anywhere, a wrong public input, a proof of another circuit
// of the same shape, a proof of a false statement, points off the curve, non-canonical scalars — with
// the verdict of runtime/plonk's verifier on the same bytes as the reference.
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileFile, compileSource } from "../../compiler/pipeline/index.ts";
import { compilePlonkish, witnessFor } from "../../backends/plonkish/index.ts";
import {
  keygen,
  prove,
  verify,
  insecureDevSrs,
  minimumK,
  encodeProofBinary,
  decodeProofBinary,
  encodeVkBinary,
  transcriptChallenges,
  type ProvingKey,
  type Witness,
} from "../../runtime/plonk/index.ts";
import { R } from "../../runtime/poly/fr.ts";
import { generateSolidityVerifier } from "../../backends/evm-verifier/index.ts";
import { compileSolidity, VerifierChain } from "./evm.ts";
import { runCwlInProcess } from "../util/cli.ts";
import { range8 } from "../plonk/circuits.ts";

interface Case {
  pk: ProvingKey;
  witness: Witness;
  proof: Uint8Array;
}

async function proveSource(name: string, source: string | undefined, inputs: Record<string, unknown>): Promise<Case> {
  const fe = source === undefined ? compileFile(join(REPO_ROOT, "examples", `${name}.cwl`)) : compileSource(`${name}.cwl`, source);
  if (!fe.ir) throw new Error(fe.diagnostics.map((d) => d.message).join("; "));
  const c = compilePlonkish(fe.ir);
  if (!c.compiled) throw new Error(c.diagnostics.map((d) => d.message).join("; "));
  const { witness } = witnessFor(c.compiled, inputs);
  if (!witness) throw new Error("no witness");
  const circuit = c.compiled.program.circuit;
  const pk = await keygen(insecureDevSrs(1 << minimumK(circuit)), circuit);
  const proof = encodeProofBinary(await prove(pk, witness));
  return { pk, witness, proof };
}

const example = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, "examples", `${name}.json`), "utf8")) as Record<string, unknown>;

// examples/poseidon_preimage.cwl hashing (preimage[0], preimage[1] + 1): another circuit (one more
// arithmetic row, so other fixed commitments and another key digest) with the same columns, so its
// proofs have the same length and layout.
const SHIFTED = readFileSync(join(REPO_ROOT, "examples", "poseidon_preimage.cwl"), "utf8").replace(
  "poseidon::hash2(preimage[0], preimage[1])",
  "poseidon::hash2(preimage[0], preimage[1] + 1)",
);

let pos: Case;
let range: Case;
let posChain: VerifierChain;
let rangeChain: VerifierChain;
const gas: Record<string, bigint> = {};

beforeAll(async () => {
  pos = await proveSource("poseidon_preimage", undefined, example("poseidon_preimage"));
  range = await proveSource("range_lookup", undefined, example("range_lookup"));
  const deploy = async (c: Case) => {
    const g = generateSolidityVerifier(c.pk.vk);
    const compiled = compileSolidity(g.source, g.contractName);
    // EIP-170: a deployable contract's code is at most 24,576 bytes.
    expect(compiled.deployedBytes).toBeLessThan(24_576);
    return VerifierChain.deploy(compiled.bytecode);
  };
  posChain = await deploy(pos);
  rangeChain = await deploy(range);
}, 240_000);

describe("Solidity verifier (solc 0.8.28, @ethereumjs/evm)", () => {
  it("accepts real proofs of .cwl circuits (Poseidon gate + permutation; logUp lookups) and reports the gas", async () => {
    for (const [name, c, chain] of [
      ["poseidon_preimage", pos, posChain],
      ["range_lookup", range, rangeChain],
    ] as const) {
      expect(verify(c.pk.vk, c.witness.instance, decodeProofBinary(c.proof))).toBe(true);
      const r = await chain.verify(c.proof, c.witness.instance[0]);
      expect(r.reverted).toBe(false);
      expect(r.ok).toBe(true);
      gas[name] = r.gas;
      expect(r.gas).toBeLessThan(1_000_000n);
    }
    process.stdout.write(`gas per verification: ${Object.entries(gas).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
  });

  it("derives the same challenges θ, β, γ, y, x, v, u as runtime/plonk (BLAKE2b through the 0x09 precompile)", async () => {
    const g = generateSolidityVerifier(pos.pk.vk, { revealChallenges: true });
    const chain = await VerifierChain.deploy(compileSolidity(g.source, g.contractName).bytecode);
    const r = await chain.verify(pos.proof, pos.witness.instance[0]);
    expect(r.reverted).toBe(true);
    const words = Array.from({ length: 8 }, (_, i) => BigInt("0x" + Buffer.from(r.returnValue.subarray(32 * i, 32 * i + 32)).toString("hex")));
    const ch = transcriptChallenges(pos.pk.vk, pos.witness.instance, decodeProofBinary(pos.proof));
    expect(words.slice(0, 7)).toEqual([ch.theta, ch.beta, ch.gamma, ch.y, ch.x, ch.v, ch.u]);
  });

  it("rejects a changed byte in every part of the proof, as runtime/plonk does", async () => {
    const p = decodeProofBinary(pos.proof);
    // One byte in the header, in the first and last byte of a point of every list, in evaluations.
    const positions = [0, 4, 6];
    let off = 5;
    for (const key of ["advice", "lookupM", "permZ", "lookupPhi", "quotient", "opening"] as const) {
      off += 4;
      if (p[key].length) positions.push(off + 31, off + 63);
      off += 64 * p[key].length;
    }
    off += 4;
    positions.push(off, off + 31, off + 32 * (p.evals.length - 1) + 31, pos.proof.length - 1);
    for (const at of positions) {
      const bad = pos.proof.slice();
      bad[at] ^= 1;
      const r = await posChain.verify(bad, pos.witness.instance[0]);
      expect({ at, ok: r.ok, reverted: r.reverted }).toEqual({ at, ok: false, reverted: false });
    }
    // Shorter, longer and empty proofs.
    for (const bad of [pos.proof.subarray(0, pos.proof.length - 1), new Uint8Array([...pos.proof, 0]), new Uint8Array(0)])
      expect((await posChain.verify(bad, pos.witness.instance[0])).ok).toBe(false);
  });

  it("rejects an in-range change of an evaluation (only the pairing can catch it)", async () => {
    const p = decodeProofBinary(pos.proof);
    for (const i of [0, p.evals.length - 1]) {
      const q = { ...p, evals: p.evals.map((e, j) => (j === i ? (e + 1n) % R : e)) };
      expect(verify(pos.pk.vk, pos.witness.instance, q)).toBe(false);
      expect((await posChain.verify(encodeProofBinary(q), pos.witness.instance[0])).ok).toBe(false);
    }
  });

  it("rejects a wrong public input, a missing or extra one, and a non-canonical one (x + r)", async () => {
    const [h] = pos.witness.instance[0];
    for (const inst of [[(h + 1n) % R], [], [h, 0n], [h + R]]) expect((await posChain.verify(pos.proof, inst)).ok).toBe(false);
    const amount = range.witness.instance[0];
    expect((await rangeChain.verify(range.proof, amount.map((v) => v + 1n))).ok).toBe(false);
  });

  it("rejects a proof of another circuit with the same layout, and a proof of a false statement", async () => {
    // Preimage (1, 1) into hash2(preimage[0], preimage[1] + 1): the same public hash as the example's (1, 2).
    const other = await proveSource("shifted", SHIFTED, { ...example("poseidon_preimage"), preimage: ["1", "1"] });
    expect(other.witness.instance).toEqual(pos.witness.instance);
    expect(other.proof.length).toBe(pos.proof.length);
    expect(Buffer.from(encodeVkBinary(other.pk.vk)).equals(Buffer.from(encodeVkBinary(pos.pk.vk)))).toBe(false);
    expect(verify(other.pk.vk, other.witness.instance, decodeProofBinary(other.proof))).toBe(true);
    expect(verify(pos.pk.vk, other.witness.instance, decodeProofBinary(other.proof))).toBe(false);
    expect((await posChain.verify(other.proof, other.witness.instance[0])).ok).toBe(false);
    expect((await rangeChain.verify(pos.proof, range.witness.instance[0])).ok).toBe(false);

    // A prover who claims a wrong hash: the witness is built by hand and the prover's own checks skipped.
    const w: Witness = { advice: pos.witness.advice.map((c) => c.slice()), instance: [[(pos.witness.instance[0][0] + 5n) % R]] };
    const forged = encodeProofBinary(await prove(pos.pk, w, { unchecked: true }));
    expect(verify(pos.pk.vk, w.instance, decodeProofBinary(forged))).toBe(false);
    expect((await posChain.verify(forged, w.instance[0])).ok).toBe(false);
  });

  it("rejects points off the curve, non-canonical coordinates and scalars, and the all-identity proof", async () => {
    const p = decodeProofBinary(pos.proof);
    const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
    const withAdvice0 = (x: bigint, y: bigint) => encodeRaw(pos.proof, 9, x, y);
    // (x, y + p) encodes the same point with a non-canonical coordinate; (1, 3) is not on y² = x³ + 3.
    expect((await posChain.verify(withAdvice0(p.advice[0].x, p.advice[0].y + P), pos.witness.instance[0])).ok).toBe(false);
    expect((await posChain.verify(withAdvice0(1n, 3n), pos.witness.instance[0])).ok).toBe(false);
    // An evaluation e + r: the same field element, not its canonical encoding.
    const evalsAt = pos.proof.length - 32 * p.evals.length;
    const nonCanon = pos.proof.slice();
    nonCanon.set(be32(p.evals[0] + R), evalsAt);
    expect((await posChain.verify(nonCanon, pos.witness.instance[0])).ok).toBe(false);
    const zero = pos.proof.slice();
    zero.fill(0, 9);
    // Keep the counts: zero only the points and evaluations.
    const counts = headerCounts(pos.proof);
    for (const [at, v] of counts) zero.set(v, at);
    expect((await posChain.verify(zero, pos.witness.instance[0])).ok).toBe(false);
  });

  it("a circuit without public inputs (no instance column): accepts its proof with no inputs, rejects one with an input", async () => {
    const c = range8([0n, 17n, 255n]);
    const pk = await keygen(insecureDevSrs(1 << minimumK(c.circuit)), c.circuit);
    expect(pk.vk.shape.numInstance).toBe(0);
    const proof = encodeProofBinary(await prove(pk, c.witness));
    const g = generateSolidityVerifier(pk.vk);
    const chain = await VerifierChain.deploy(compileSolidity(g.source, g.contractName).bytecode);
    expect((await chain.verify(proof, [])).ok).toBe(true);
    expect((await chain.verify(proof, [0n])).ok).toBe(false);
  });

  it("cwl export-verifier writes the generator's contract, from a verifying key file or from the .cwl circuit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-export-"));
    try {
      writeFileSync(join(dir, "p.vk"), encodeVkBinary(pos.pk.vk));
      const r = await runCwlInProcess(["export-verifier", join(dir, "p.vk"), "--solidity", "-o", join(dir, "V.sol"), "--contract", "PreimageVerifier"]);
      expect(r.status, r.out).toBe(0);
      expect(r.out).toMatch(/WARNING: .* accepts forged proofs/);
      const src = readFileSync(join(dir, "V.sol"), "utf8");
      expect(src).toBe(generateSolidityVerifier(pos.pk.vk, { contractName: "PreimageVerifier" }).source);
      // From the circuit itself (keygen with the same development SRS): the same contract.
      const fromCwl = await runCwlInProcess(["export-verifier", join(REPO_ROOT, "examples", "poseidon_preimage.cwl"), "--solidity", "--insecure-dev-srs", "-o", join(dir, "C.sol"), "--contract", "PreimageVerifier"]);
      expect(fromCwl.status, fromCwl.out).toBe(0);
      expect(readFileSync(join(dir, "C.sol"), "utf8")).toBe(src);
      const bad = await runCwlInProcess(["export-verifier", join(dir, "p.vk"), "-o", join(dir, "W.sol")]);
      expect(bad.status).toBe(1);
      expect(bad.out).toMatch(/--solidity/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function be32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** The proof with the 64 bytes at `at` replaced by (x, y) as two 32-byte words (x, y may exceed 256 bits' canonical range). */
function encodeRaw(proof: Uint8Array, at: number, x: bigint, y: bigint): Uint8Array {
  const out = proof.slice();
  out.set(be32(x), at);
  out.set(be32(y), at + 32);
  return out;
}

/** The u32 counts of the proof's lists and evaluations, with their positions. */
function headerCounts(proof: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  let off = 5;
  const dv = new DataView(proof.buffer, proof.byteOffset, proof.length);
  for (let i = 0; i < 6; i++) {
    const n = dv.getUint32(off);
    out.push([off, proof.slice(off, off + 4)]);
    off += 4 + 64 * n;
  }
  out.push([off, proof.slice(off, off + 4)]);
  return out;
}
