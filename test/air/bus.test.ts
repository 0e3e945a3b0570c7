// The PLONKish bus (multiset) argument of runtime/plonk: a permuted multiset balances and proves; a
// duplicated or a missing element leaves the bus unbalanced, which MockProver names, the prover refuses,
// and the verifier rejects when the proof is forced out with `unchecked` (a prover that skips its own
// checks). Public boundary rows bind through the instance; encodings round-trip; zero knowledge holds.
import { describe, it, expect, beforeAll } from "vitest";
import {
  BusError,
  Circuit,
  Expression,
  MockProver,
  emptyWitness,
  insecureDevSrs,
  keygen,
  prove,
  verify,
  zeroKnowledgeGaps,
  encodeProofBinary,
  decodeProofBinary,
  proofToJson,
  proofFromJson,
  encodeVkBinary,
  decodeVkBinary,
  type InsecureDevSrs,
  type ProvingKey,
  type Witness,
} from "../../runtime/plonk/index.ts";
import { busGroups } from "../../runtime/plonk/bus/index.ts";
import { R } from "../../runtime/poly/fr.ts";

const Q = Expression.query;
const N = 6;

/**
 * Column a sends (a, a²) on bus "pairs" and column b receives (b, b²) on the same rows (selector q); the
 * public boundary row sends the instance tuple (p0, p1) with multiplicity p2, and b takes it back on row N.
 * A second bus "tagged" carries the same values as 1-tuples, so equal tuples on two buses must not cancel.
 */
function pairs() {
  const c = new Circuit("bus-pairs");
  const a = c.adviceColumn("a");
  const b = c.adviceColumn("b");
  const q = c.selector("q");
  const qb = c.selector("q_b");
  const inst = [0, 1, 2].map((i) => c.instanceColumn(`p${i}`));
  c.equality.length = 0; // no copy constraints: no permutation argument
  for (let r = 0; r < N; r++) c.enable(q, r);
  for (let r = 0; r <= N; r++) c.enable(qb, r);
  const A = Q(a);
  const B = Q(b);
  c.busInteraction("pairs", [A, A.mul(A)], Q(q), { region: "a" });
  c.busInteraction("pairs", [B, B.mul(B)], Q(qb).neg(), { region: "b" });
  c.busInteraction("pairs", [Q(inst[0]), Q(inst[1])], Q(inst[2]));
  c.busInteraction("tagged", [A], Q(q));
  c.busInteraction("tagged", [B], Q(q).neg());
  c.useInstance(0);
  return c;
}

function witness(as: bigint[], bs: bigint[], pub: [bigint, bigint, bigint] = [9n, 81n, 1n]): Witness {
  const w = emptyWitness(circuit);
  w.advice[0] = as.slice();
  w.advice[1] = [...bs, pub[0]];
  w.instance = pub.map((v) => [((v % R) + R) % R]);
  return w;
}

const AS = [3n, 5n, 7n, 11n, 13n, 17n];
const PERM = [17n, 3n, 13n, 5n, 11n, 7n];
let circuit: Circuit;
let srs: InsecureDevSrs;
let pk: ProvingKey;

beforeAll(async () => {
  circuit = pairs();
  srs = insecureDevSrs(1 << 6);
  pk = await keygen(srs, circuit);
});

describe("runtime/plonk bus argument", () => {
  it("MockProver: a permuted multiset balances; a duplicate, a missing element and a wrong public row do not", () => {
    expect(MockProver.run(circuit, witness(AS, PERM)).messages()).toEqual([]);
    // b reads 3 twice and never 17: both 3 and 17 are left over, on both buses
    const dup = MockProver.run(circuit, witness(AS, [3n, 3n, 13n, 5n, 11n, 7n]));
    const f = dup.failures.filter((x) => x.kind === "bus");
    expect(f.map((x) => (x.kind === "bus" ? `${x.bus}:${x.tuple[0]}:${x.multiplicity}` : "")).sort()).toEqual(
      ["pairs:17:1", "pairs:3:-1", "tagged:17:1", "tagged:3:-1"],
    );
    expect(dup.messages().some((m) => /bus "pairs": tuple \(3, 9\) is left with multiplicity -1/.test(m))).toBe(true);
    // the public row claims (9, 80): the instance tuple and b's row N no longer match
    expect(MockProver.run(circuit, witness(AS, PERM, [9n, 80n, 1n])).ok).toBe(false);
  });

  it("proves and verifies a permuted multiset; the public row binds through the instance", async () => {
    const w = witness(AS, PERM);
    const proof = await prove(pk, w, { threads: 1 });
    expect(proof.busPhi?.length).toBe(busGroups(pk.vk.shape.buses!, pk.vk.shape.degree).length);
    expect(verify(pk.vk, w.instance, proof)).toBe(true);
    // other public values, with the same proof
    expect(verify(pk.vk, [[9n], [81n], [2n]], proof)).toBe(false);
    expect(verify(pk.vk, [[10n], [100n], [1n]], proof)).toBe(false);
    // binary and JSON encodings keep the bus commitments
    const bin = encodeProofBinary(proof);
    expect(bin[4]).toBe(3);
    expect(verify(pk.vk, w.instance, decodeProofBinary(bin))).toBe(true);
    expect(verify(pk.vk, w.instance, proofFromJson(JSON.parse(JSON.stringify(proofToJson(proof)))))).toBe(true);
    const vk2 = decodeVkBinary(encodeVkBinary(pk.vk));
    expect(Buffer.from(vk2.digest).equals(Buffer.from(pk.vk.digest))).toBe(true);
    expect(verify(vk2, w.instance, proof)).toBe(true);
    // a proof without its bus commitments is refused, not misread
    expect(verify(pk.vk, w.instance, { ...proof, busPhi: undefined })).toBe(false);
    const flipped = bin.slice();
    flipped[bin.length - 40] ^= 1;
    let ok = false;
    try {
      ok = verify(pk.vk, w.instance, decodeProofBinary(flipped));
    } catch {
      ok = false;
    }
    expect(ok).toBe(false);
  });

  it("the prover refuses an unbalanced bus; forced out with `unchecked`, the verifier rejects it", async () => {
    const dup = witness(AS, [3n, 3n, 13n, 5n, 11n, 7n]);
    await expect(prove(pk, dup, { threads: 1 })).rejects.toThrow(BusError);
    const forced = await prove(pk, dup, { threads: 1, unchecked: true });
    expect(verify(pk.vk, dup.instance, forced)).toBe(false);
    // a missing element: b drops 17 for 0 with the same count of rows
    const missing = witness(AS, [0n, 3n, 13n, 5n, 11n, 7n]);
    expect(verify(pk.vk, missing.instance, await prove(pk, missing, { threads: 1, unchecked: true }))).toBe(false);
  });

  it("equal tuples on two buses do not cancel (the per-bus tag)", async () => {
    const c = new Circuit("bus-tags");
    const a = c.adviceColumn("a");
    const q = c.selector("q");
    c.equality.length = 0;
    for (let r = 0; r < 4; r++) c.enable(q, r);
    c.busInteraction("x", [Q(a)], Q(q));
    c.busInteraction("y", [Q(a)], Q(q).neg());
    const w = emptyWitness(c);
    w.advice[0] = [1n, 2n, 3n, 4n];
    expect(MockProver.run(c, w).failures.map((f) => f.kind)).toEqual(Array(8).fill("bus"));
    const k = await keygen(srs, c);
    expect(verify(k.vk, [], await prove(k, w, { threads: 1, unchecked: true }))).toBe(false);
  });

  it("keeps zero knowledge: every bus running sum is blinded and masks h(τ)", () => {
    expect(zeroKnowledgeGaps(pk.vk.shape)).toEqual([]);
    expect(pk.vk.shape.blinding).toBeGreaterThanOrEqual(3);
    // with too few blinding rows the check names the bus running sums (opened at x and ωx, committed)
    const gaps = zeroKnowledgeGaps({ ...pk.vk.shape, blinding: 2 });
    expect(gaps.some((g) => /^bus_phi\[0\] is revealed at 3 points but has only 2 blinding rows/.test(g))).toBe(true);
  });
});
