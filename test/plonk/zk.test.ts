// Zero knowledge of the prover (masked quotient pieces, blinded openings), the verifier's rejection of
// every tampered proof element, and the fast quotient evaluator against the BigInt reference.
import { describe, it, expect, beforeAll } from "vitest";
import {
  Circuit,
  Expression,
  keygen,
  prove,
  verify,
  insecureDevSrs,
  transcriptChallenges,
  zeroKnowledgeGaps,
  minimumK,
  encodeProofBinary,
  decodeProofBinary,
  type ProvingKey,
  type Proof,
  type InsecureDevSrs,
  type Witness,
} from "../../runtime/plonk/index.ts";
import { G1, type G1Affine } from "../../runtime/curve/index.ts";
import { BN254_FR, FieldVec } from "../../runtime/field/index.ts";
import { Domain, evalPoly, fr } from "../../runtime/poly/index.ts";
import { compileCombined, evaluateCombinedVec } from "../../runtime/plonk/evaluator.ts";
import { allConstraints, openingQueries } from "../../runtime/plonk/constraints.ts";
import { shapeOf } from "../../runtime/plonk/keygen.ts";
import { maskPieces } from "../../runtime/plonk/vanishing/prover.ts";
import { fibonacci, range8, poseidonChain } from "./circuits.ts";

/** Deterministic randomness: a counter through a fixed affine map (distinct, far from small values). */
function stream(seed: bigint, overrideFrom = Infinity, other = 0n): { random: () => bigint; count: () => number } {
  let i = 0;
  return {
    random: () => {
      const k = BigInt(i++);
      const s = i - 1 >= overrideFrom ? other : seed;
      return fr.mod((s + 1n) * 0x9e3779b97f4a7c15f39cc0605cedc834n + k * 0x2545f4914f6cdd1dn + 12345n);
    },
    count: () => i,
  };
}

const PROOF_LISTS = ["advice", "lookupM", "permZ", "lookupPhi", "quotient", "opening"] as const;

let srs: InsecureDevSrs;
let fib: ReturnType<typeof fibonacci>;
let fibPk: ProvingKey;
let range: ReturnType<typeof range8>;
let rangePk: ProvingKey;

beforeAll(async () => {
  srs = insecureDevSrs(1 << 9);
  fib = fibonacci(20);
  fibPk = await keygen(srs, fib.circuit);
  range = range8([3n, 200n, 17n, 255n, 0n]);
  rangePk = await keygen(srs, range.circuit);
});

describe("zero knowledge", () => {
  it("the quotient pieces are masked: other cross terms give other commitments, both proofs verify", async () => {
    const pieces = fibPk.domain.quotientPieces;
    expect(pieces).toBeGreaterThanOrEqual(2);
    const a = stream(1n);
    const pa = await prove(fibPk, fib.witness, { random: a.random });
    // Same draws for every blinding row, other draws for the pieces' cross terms (the last pieces − 1).
    const cut = a.count() - (pieces - 1);
    const pb = await prove(fibPk, fib.witness, { random: stream(1n, cut, 99n).random });
    expect(pb.advice).toEqual(pa.advice);
    expect(pb.permZ).toEqual(pa.permZ);
    for (let j = 0; j < pieces; j++) expect(G1.eqAffine(pa.quotient[j], pb.quotient[j])).toBe(false);
    expect(await verify(fibPk.vk, fib.witness.instance, pa)).toBe(true);
    expect(await verify(fibPk.vk, fib.witness.instance, pb)).toBe(true);
  });

  it("masking keeps Σ X^{js}·h_j and changes every piece", () => {
    const s = 7;
    const h = Array.from({ length: 3 }, (_, j) => Array.from({ length: s }, (_, i) => BigInt(100 * j + i + 1)));
    const masked = maskPieces(h, s, stream(5n).random);
    const fold = (ps: bigint[][], x: bigint) => ps.reduce((acc, p, j) => fr.add(acc, fr.mul(fr.pow(x, BigInt(j * s)), evalPoly(p, x))), 0n);
    for (const x of [2n, 3n, 0x1234567n]) expect(fold(masked, x)).toBe(fold(h, x));
    for (let j = 0; j < 3; j++) expect(evalPoly(masked[j], 11n)).not.toBe(evalPoly(h[j], 11n));
    expect(masked.every((p) => p.length <= s + 1)).toBe(true);
  });

  it("two proofs of one statement share no commitment or opened value", async () => {
    const p1 = await prove(fibPk, fib.witness);
    const p2 = await prove(fibPk, fib.witness);
    for (const key of ["advice", "permZ", "quotient", "opening"] as const)
      p1[key].forEach((pt, i) => expect(G1.eqAffine(pt, p2[key][i])).toBe(false));
    const shared = p1.evals.filter((e) => p2.evals.includes(e));
    // Only the fixed and σ polynomials' values could coincide, and they are opened at another x.
    expect(shared).toEqual([]);
  });

  it("proofs of the unmasked format (version 1) are refused with a message", async () => {
    const bytes = encodeProofBinary(await prove(fibPk, fib.witness));
    expect(bytes[4]).toBe(2);
    bytes[4] = 1;
    expect(() => decodeProofBinary(bytes)).toThrow(/unsupported proof version 1 .*prove again/);
  });

  it("different witnesses of one statement both verify (range8: private values)", async () => {
    const other = range8([9n, 1n, 254n, 77n, 128n]);
    const p1 = await prove(rangePk, range.witness);
    const p2 = await prove(rangePk, other.witness);
    expect(await verify(rangePk.vk, [], p1)).toBe(true);
    expect(await verify(rangePk.vk, [], p2)).toBe(true);
  });

  it("two preimages of one public square: both verify, share no commitment and no opened value", async () => {
    const { circuit, witness } = square(5n);
    const pk = await keygen(srs, circuit);
    const other = square(fr.neg(5n)).witness;
    expect(other.instance).toEqual(witness.instance);
    expect(other.advice[1]).toEqual(witness.advice[1]);
    const p1 = await prove(pk, witness, { threads: 1 });
    const p2 = await prove(pk, other, { threads: 1 });
    expect(await verify(pk.vk, witness.instance, p1)).toBe(true);
    expect(await verify(pk.vk, other.instance, p2)).toBe(true);
    // Column y holds 25 in both witnesses: only its blinding rows tell the commitments apart.
    for (const key of ["advice", "permZ", "quotient", "opening"] as const)
      p1[key].forEach((pt, i) => expect(G1.eqAffine(pt, p2[key][i]), `${key}[${i}]`).toBe(false));
    expect(p1.evals.filter((e) => p2.evals.includes(e))).toEqual([]);
  });

  it("an opened advice value is uniform across proofs of one witness (chi-square on its low bits)", async () => {
    // 200 proofs of the same witness at 2^3 rows (two usable rows, five blinding rows); the low 4 bits of advice[0](x) fall in 16 bins. With
    // unblinded columns the transcript, x and the value would repeat in every proof. 37.7 is the 0.999
    // quantile of χ² with 15 degrees of freedom: a correct prover fails this 1 time in 1,000.
    const { circuit, witness } = square(5n);
    const pk = await keygen(srs, circuit);
    expect(pk.domain.n).toBe(8);
    const at = openingQueries(pk.vk.shape).findIndex((q) => q.column.kind === "advice" && q.column.index === 0 && q.rot === 0);
    const runs = 200;
    const bins = new Array<number>(16).fill(0);
    for (let i = 0; i < runs; i++) bins[Number((await prove(pk, witness, { threads: 1 })).evals[at] & 15n)]++;
    const expected = runs / 16;
    const chi2 = bins.reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0);
    expect(chi2, `bins ${bins.join(" ")}`).toBeLessThan(37.7);
  }, 60_000);

  it("an opened advice value is the blinded polynomial's, not the witness's interpolation", async () => {
    const proof = await prove(fibPk, fib.witness);
    const { x } = transcriptChallenges(fibPk.vk, fib.witness.instance, proof);
    const d = fibPk.domain;
    const queries = openingQueries(fibPk.vk.shape);
    const adviceAtX = [0, 1, 2].map((c) => proof.evals[queries.findIndex((q) => q.column.kind === "advice" && q.column.index === c && q.rot === 0)]);
    fib.witness.advice.forEach((col, c) => {
      const values = new Array<bigint>(d.n).fill(0n);
      col.forEach((v, r) => (values[r] = v ?? 0n));
      const unblinded = evalPoly(d.lagrangeToCoeff(values), x);
      expect(adviceAtX[c]).not.toBe(unblinded);
    });
  });

  it("blinding hides the witness: other values with re-solved blinding rows give equal commitment and openings", () => {
    // The counting lemma of spec/plonkish.md: a column with B random rows can take any witness to the same
    // values at up to B points outside the domain (τ for the commitment, x·ω^r for the openings). Solve
    // for the blinding rows of a second witness so that it matches the first at those points; with one
    // point more than B the system is overdetermined and has no solution.
    const d = fibPk.domain;
    const B = fibPk.vk.shape.blinding;
    const usable = fibPk.usable;
    const rnd = stream(77n).random;
    const column = (values: bigint[], blind: bigint[]) => {
      const v = new Array<bigint>(d.n).fill(0n);
      values.forEach((x, r) => (v[r] = x));
      blind.forEach((x, i) => (v[usable + 1 + i] = x));
      return d.lagrangeToCoeff(v);
    };
    const tau = rnd();
    const x = rnd();
    const points = [tau, x, d.rotate(x, 1), d.rotate(x, -(B + 1))];
    const w1 = fib.witness.advice[0].map((v) => v ?? 0n);
    const w2 = w1.map((v, r) => fr.add(v, BigInt(r + 1)));
    const p1 = column(w1, Array.from({ length: B }, rnd));
    const solve = (pts: bigint[]) => {
      // p2 = base + Σ v_i·L_{usable+1+i}: match p1 at pts (unknowns beyond pts.length set to 0).
      const base = column(w2, []);
      const rows = pts.map((pt) => {
        const ls = d.lagrangeAt(pt, Array.from({ length: B }, (_, i) => usable + 1 + i));
        return [...ls, fr.sub(evalPoly(p1, pt), evalPoly(base, pt))];
      });
      return solveMod(rows, B);
    };
    const v2 = solve(points);
    expect(v2).toBeDefined();
    const p2 = column(w2, v2!);
    for (const pt of points) expect(evalPoly(p2, pt)).toBe(evalPoly(p1, pt));
    expect(p2).not.toEqual(p1);
    // B + 1 points: no blinding of w2 matches.
    const more = [...points, ...Array.from({ length: B + 1 - points.length }, rnd)];
    expect(solve(more)).toBeUndefined();
  });

  it("the test circuits have enough blinding rows for the zero-knowledge argument", () => {
    expect(zeroKnowledgeGaps(fibPk.vk.shape)).toEqual([]);
    expect(zeroKnowledgeGaps(rangePk.vk.shape)).toEqual([]);
    const chain = poseidonChain(1);
    expect(zeroKnowledgeGaps(shapeOf(chain.circuit, minimumK(chain.circuit)))).toEqual([]);
  });

  it("flags a circuit whose h(τ) is not masked (rotations, no permutation, no lookup)", async () => {
    const c = new Circuit("rotations-only");
    const a = c.adviceColumn("a");
    const q = c.selector("q");
    const A = (r: number) => Expression.query(a, r);
    c.createGate("cubic", [Expression.query(q).mul(A(1).mul(A(2)).mul(A(3)).sub(A(0)))]);
    const pk = await keygen(insecureDevSrs(1 << 6), c);
    expect(zeroKnowledgeGaps(pk.vk.shape).join("\n")).toMatch(/h\(τ\) reads advice\[0\]/);
  });
});

describe("the verifier rejects every tampered proof element", () => {
  const other = (p: G1Affine): G1Affine => G1.addAffine(p, G1.generator);
  const cases: Array<[string, () => { pk: ProvingKey; witness: Witness }]> = [
    ["fibonacci (permutation)", () => ({ pk: fibPk, witness: fib.witness })],
    ["range8 (lookup)", () => ({ pk: rangePk, witness: range.witness })],
  ];
  for (const [name, get] of cases)
    it(name, async () => {
      const { pk, witness } = get();
      const proof = await prove(pk, witness);
      expect(await verify(pk.vk, witness.instance, proof)).toBe(true);
      let tried = 0;
      for (const key of PROOF_LISTS)
        for (let i = 0; i < proof[key].length; i++) {
          const list = proof[key].slice();
          list[i] = other(list[i]);
          const bad: Proof = { ...proof, [key]: list };
          expect(await verify(pk.vk, witness.instance, bad), `${key}[${i}]`).toBe(false);
          tried++;
        }
      for (let i = 0; i < proof.evals.length; i++) {
        const evals = proof.evals.slice();
        evals[i] = fr.add(evals[i], 1n);
        expect(await verify(pk.vk, witness.instance, { ...proof, evals }), `evals[${i}]`).toBe(false);
        tried++;
      }
      expect(tried).toBeGreaterThan(10);
    });
});

describe("fast quotient evaluator", () => {
  // Random extended columns, every constraint of the fibonacci and range8 circuits (rotations ±1,
  // constants, negation, scaling), several chunk sizes: the WASM path must equal the BigInt reference.
  for (const k of [3, 9]) {
    it(`matches compileCombined on a 2^${k} domain`, () => {
      const d = new Domain(k, 5);
      const cols = new Map<string, bigint[]>();
      const vecs = new Map<string, FieldVec>();
      const rnd = stream(BigInt(k)).random;
      const get = (c: { kind: string; index: number }) => {
        const key = `${c.kind}:${c.index}`;
        if (!cols.has(key)) {
          const v = Array.from({ length: d.extN }, () => rnd());
          cols.set(key, v);
          vecs.set(key, FieldVec.fromBigints(BN254_FR, v));
        }
        return key;
      };
      const ch = { theta: rnd(), beta: rnd(), gamma: rnd() };
      const exprs = [...allConstraints(fibPk.vk.shape, ch), ...allConstraints(rangePk.vk.shape, ch)];
      exprs.push(Expression.constant(5).sub(Expression.query({ kind: "advice", index: 0 }, -1).mul(7n)));
      const y = rnd();
      const zhInv = d.extendedVanishingInverse();
      const ref = compileCombined(exprs, y, (c) => cols.get(get(c))!, d.extN, d.extK);
      const fast = evaluateCombinedVec(exprs, y, (c) => vecs.get(get(c))!, d.extN, d.extK, zhInv).toBigints();
      const mask = zhInv.length - 1;
      for (let i = 0; i < d.extN; i++) expect(fast[i], `point ${i}`).toBe(fr.mul(ref(i), zhInv[i & mask]));
    });
  }

  it("a proof of a larger circuit (several evaluator chunks) verifies", async () => {
    const chain = poseidonChain(8);
    const pk = await keygen(insecureDevSrs(1 << minimumK(chain.circuit)), chain.circuit);
    expect(pk.domain.extN).toBeGreaterThan(1024);
    const proof = await prove(pk, chain.witness);
    expect(await verify(pk.vk, chain.witness.instance, proof)).toBe(true);
  });
});

/** y = x² with y public (copied to the instance): x and −x are two witnesses of one statement. */
function square(x: bigint): { circuit: Circuit; witness: Witness } {
  const c = new Circuit("square");
  const a = c.adviceColumn("x");
  const b = c.adviceColumn("y");
  const q = c.selector("q");
  const inst = c.instanceColumn("y");
  c.enableEquality(b);
  c.createGate("square", [Expression.query(q).mul(Expression.query(a).square().sub(Expression.query(b)))]);
  c.enable(q, 0);
  c.copy({ column: b, row: 0 }, { column: inst, row: 0 });
  const y = fr.mul(x, x);
  return { circuit: c, witness: { advice: [[x], [y]], instance: [[y]] } };
}

/** Solves rows·v = rhs (each row: `unknowns` coefficients then the right-hand side) mod r; undefined if inconsistent. */
function solveMod(rows: bigint[][], unknowns: number): bigint[] | undefined {
  const m = rows.map((r) => r.slice());
  const pivots: number[] = [];
  let row = 0;
  for (let col = 0; col < unknowns && row < m.length; col++) {
    const p = m.findIndex((r, i) => i >= row && r[col] !== 0n);
    if (p < 0) continue;
    [m[row], m[p]] = [m[p], m[row]];
    const inv = fr.inv(m[row][col]);
    m[row] = m[row].map((v) => fr.mul(v, inv));
    for (let i = 0; i < m.length; i++)
      if (i !== row && m[i][col] !== 0n) {
        const f = m[i][col];
        m[i] = m[i].map((v, j) => fr.sub(v, fr.mul(f, m[row][j])));
      }
    pivots.push(col);
    row++;
  }
  if (m.slice(row).some((r) => r[unknowns] !== 0n)) return undefined;
  const v = new Array<bigint>(unknowns).fill(0n);
  pivots.forEach((col, i) => (v[col] = m[i][unknowns]));
  return v;
}
