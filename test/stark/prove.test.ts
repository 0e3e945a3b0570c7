// The BabyBear STARK end to end on a small AIR of three chips of different heights: a Fibonacci chip that
// sends its result to the public boundary, a chip with a degree-3 constraint whose values are range-checked
// over a bus, and a range table in a fixed column. The cheating cases build traces by hand and prove them
// with the mock check turned off, so the verifier alone must catch them.
import { describe, it, expect } from "vitest";
import { mulberry32 } from "../../base/prng/index.ts";
import { add, cnst, col, first, fixedCol, mul, neg, sub, transition, type Air, type BoundaryTerm, type ChipTrace } from "../../runtime/air/index.ts";
import { P_BIG, add as fadd, einv, esub, emul, fromBig, type Ext } from "../../runtime/stark/field.ts";
import { decodeProof, decodeVerifyingKey, encodeProof, encodeVerifyingKey, keygen, prove, verify, verifyBytes, DEFAULT_PARAMS, KeyFormatError, type StarkParams } from "../../runtime/stark/index.ts";

const FIB_H = 64;
const RANGE = 16;

function makeAir(rangeConstraint = true): Air {
  return {
    chips: [
      {
        name: "fib",
        // note is free (no constraint reads it): only the DEEP/FRI check binds its claimed value at ζ
        columns: ["a", "b", "out", "note"],
        constraints: [
          mul(first, sub(col(0), cnst(1))),
          mul(first, sub(col(1), cnst(1))),
          mul(transition, sub(col(0, true), col(1))),
          mul(transition, sub(col(1, true), add(col(0), col(1)))),
        ],
        interactions: [{ bus: "out", values: [col(1)], multiplicity: col(2) }],
      },
      {
        name: "sq",
        columns: ["x", "y", "z"],
        constraints: [sub(col(1), mul(col(0), col(0))), ...(rangeConstraint ? [sub(col(2), mul(col(0), col(1)))] : []), mul(first, sub(col(2), mul(col(0), col(1))))],
        // each x is range-checked twice, and (x, y) is sent and received: two helper columns of two interactions each
        interactions: [
          { bus: "range", values: [col(0)], multiplicity: cnst(1) },
          { bus: "range", values: [col(0)], multiplicity: cnst(1) },
          { bus: "pair", values: [col(0), col(1)], multiplicity: cnst(1) },
          { bus: "pair", values: [col(0), col(1)], multiplicity: cnst(-1) },
        ],
      },
      {
        name: "range",
        columns: ["m"],
        fixed: { columns: ["t"], values: (h) => Array.from({ length: h }, (_, i) => [BigInt(i)]) },
        constraints: [],
        interactions: [{ bus: "range", values: [fixedCol(0)], multiplicity: neg(col(0)) }],
      },
    ],
  };
}

function traces(xs: number[] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3]): { traces: ChipTrace[]; boundary: BoundaryTerm[] } {
  const fib: bigint[][] = [];
  let [a, b] = [1n, 1n];
  for (let i = 0; i < FIB_H; i++) {
    fib.push([a, b, i === FIB_H - 1 ? 1n : 0n, BigInt(i * 7)]);
    [a, b] = [b, (a + b) % P_BIG];
  }
  const result = fib[FIB_H - 1][1];
  const sq = xs.map((x) => [BigInt(x), BigInt(x * x), BigInt(x * x * x)]);
  const counts = Array.from({ length: RANGE }, (_, t) => [2n * BigInt(xs.filter((x) => x === t).length)]);
  return {
    traces: [
      { chip: "fib", rows: fib },
      { chip: "sq", rows: sq },
      { chip: "range", rows: counts },
    ],
    boundary: [{ bus: "out", values: [result], multiplicity: -1n }],
  };
}

const params: StarkParams = { logBlowup: 2, numQueries: 16, powBits: 4, logFinalLen: 2 };
const { pk, vk } = keygen(makeAir(), { params, heights: { range: RANGE } });

function proveUnchecked(ts: ChipTrace[], boundary: BoundaryTerm[]) {
  return prove(pk, ts, boundary, { unchecked: true });
}

describe("BabyBear STARK", () => {
  const honest = traces();
  const proof = prove(pk, honest.traces, honest.boundary);

  it("proves and verifies three chips of heights 64, 16 and 16 joined by buses", () => {
    expect(verify(vk, proof, honest.boundary)).toEqual({ ok: true });
    expect(proof.logHeights).toEqual([6, 4, 4]);
    // the degree-3 constraint needs two quotient pieces; interactions share helper columns in pairs
    expect(vk.chips.map((c) => c.quotientPieces)).toEqual([1, 2, 1]);
    expect(vk.chips[1].groups).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it("round-trips through bytes", () => {
    const bytes = encodeProof(proof);
    expect(verifyBytes(vk, bytes, honest.boundary)).toEqual({ ok: true });
    expect(encodeProof(decodeProof(bytes))).toEqual(bytes);
  });

  it("refuses a bad trace on the checked path, naming the failure", () => {
    const bad = traces();
    bad.traces[0].rows[10][0] += 1n;
    expect(() => prove(pk, bad.traces, bad.boundary)).toThrow(/fib: constraint/);
  });

  it("rejects LogUp columns forged to balance a wrong public value", () => {
    const wrongValue = honest.boundary[0].values[0] + 1n;
    const wrong: BoundaryTerm[] = [{ ...honest.boundary[0], values: [wrongValue] }];
    const forged = prove(pk, honest.traces, wrong, {
      unchecked: true,
      adversary: {
        permColumns(chip, cols, { alpha, beta }) {
          if (chip !== 0) return;
          // h on the last row := 1/(α − fp(wrong value)), bus "out" = id 1; the running sum recomputed
          const bv = emul(beta, [fromBig(wrongValue), 0, 0, 0]);
          const fp: Ext = [fadd(1, bv[0]), bv[1], bv[2], bv[3]];
          const h = einv(esub(alpha, fp));
          for (let j = 0; j < 4; j++) cols[j][FIB_H - 1] = h[j];
          for (let j = 0; j < 4; j++) {
            let acc = 0;
            for (let r = 0; r < FIB_H; r++) cols[4 + j][r] = acc = fadd(acc, cols[j][r]);
          }
        },
      },
    });
    // the buses now balance; the helper's own constraint is what fails
    expect(verify(vk, forged, wrong)).toMatchObject({ ok: false, reason: expect.stringMatching(/fib: the constraints do not match the quotient/) });
    const untouched = prove(pk, honest.traces, honest.boundary, { adversary: { permColumns() {}, openings() {} } });
    expect(verify(vk, untouched, honest.boundary)).toEqual({ ok: true });
  });

  it("rejects a false claimed value at ζ that no constraint reads (caught by DEEP/FRI)", () => {
    const lying = prove(pk, honest.traces, honest.boundary, {
      adversary: {
        openings(o) {
          const v = o[0][1].zeta[3];
          v[0] = fadd(v[0], 1);
        },
      },
    });
    expect(verify(vk, lying, honest.boundary)).toMatchObject({ ok: false, reason: expect.stringMatching(/FRI/) });
  });

  it("rejects a tampered trace cell (committed by a prover that skips the check)", () => {
    for (const [chip, row, c] of [
      [0, 10, 0],
      [0, 63, 1],
      [1, 5, 2],
      [1, 0, 1],
    ] as const) {
      const bad = traces();
      bad.traces[chip].rows[row][c] += 1n;
      const r = verify(vk, proveUnchecked(bad.traces, bad.boundary), bad.boundary);
      expect(r.ok, `chip ${chip} row ${row} col ${c}`).toBe(false);
    }
  });

  it("rejects a wrong public value, whether proven with it or swapped in afterwards", () => {
    const wrong: BoundaryTerm[] = [{ ...honest.boundary[0], values: [honest.boundary[0].values[0] + 1n] }];
    expect(verify(vk, proof, wrong)).toMatchObject({ ok: false });
    const r = verify(vk, proveUnchecked(honest.traces, wrong), wrong);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/balance/) });
    expect(verify(vk, proof, [])).toMatchObject({ ok: false });
    expect(verify(vk, proof, [{ bus: "nowhere", values: [1n], multiplicity: 1n }])).toMatchObject({ ok: false, reason: expect.stringMatching(/no chip/) });
  });

  it("rejects an unbalanced bus: a value outside the range table, and a wrong multiplicity", () => {
    // 16 is not in the table; the table's counts are those of the honest values
    const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3];
    const bad = traces([...xs.slice(0, 15), 16]);
    bad.traces[2] = traces(xs).traces[2];
    expect(verify(vk, proveUnchecked(bad.traces, bad.boundary), bad.boundary).ok).toBe(false);
    const bad2 = traces();
    bad2.traces[2].rows[7][0] += 1n;
    expect(verify(vk, proveUnchecked(bad2.traces, bad2.boundary), bad2.boundary)).toMatchObject({ ok: false, reason: expect.stringMatching(/balance/) });
  });

  it("rejects a LogUp total moved between chips (the sum still balances)", () => {
    const p = decodeProof(encodeProof(proof));
    const one: [number, number, number, number] = [1, 0, 0, 0];
    p.totals[1] = p.totals[1].map((v, i) => (v + one[i]) % 2013265921) as typeof one;
    p.totals[2] = p.totals[2].map((v, i) => (v + 2013265921 - one[i]) % 2013265921) as typeof one;
    expect(verify(vk, p, honest.boundary).ok).toBe(false);
  });

  it("rejects a tampered proof byte at many positions, and malformed bytes with a clear error", () => {
    const bytes = encodeProof(proof);
    const positions = [8, 12, 24, 30, 40, 80, 200, 500, 1000, 2000, 5000, bytes.length >> 1, bytes.length - 40, bytes.length - 1];
    for (const pos of positions) {
      const b = bytes.slice();
      b[pos] ^= 0x04;
      const r = verifyBytes(vk, b, honest.boundary);
      expect(r.ok, `byte ${pos}`).toBe(false);
    }
    expect(verifyBytes(vk, bytes.subarray(0, bytes.length - 3), honest.boundary)).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed STARK proof.*truncated/) });
    expect(verifyBytes(vk, new Uint8Array([...bytes, 0]), honest.boundary)).toMatchObject({ ok: false, reason: expect.stringMatching(/trailing/) });
    expect(verifyBytes(vk, new Uint8Array(100), honest.boundary)).toMatchObject({ ok: false, reason: expect.stringMatching(/magic/) });
    // a huge count must not allocate: the chip count field
    const big = bytes.slice();
    new DataView(big.buffer).setUint32(24, 0x7fffffff, true);
    expect(verifyBytes(vk, big, honest.boundary)).toMatchObject({ ok: false, reason: expect.stringMatching(/impossible/) });
  });

  it("answers every mutated proof (flips, truncations, insertions, random bytes) with a reason, never an exception", () => {
    const bytes = encodeProof(proof);
    const rnd = mulberry32(99);
    const pick = (n: number) => Math.floor(rnd() * n);
    for (let t = 0; t < 200; t++) {
      let b: Uint8Array;
      const kind = t % 4;
      if (kind === 0) {
        b = bytes.slice();
        for (let k = 0; k <= pick(4); k++) b[pick(b.length)] ^= 1 << pick(8);
      } else if (kind === 1) b = bytes.subarray(0, pick(bytes.length));
      else if (kind === 2) {
        const at = pick(bytes.length);
        b = new Uint8Array([...bytes.subarray(0, at), ...Array.from({ length: 1 + pick(8) }, () => pick(256)), ...bytes.subarray(at)]);
      } else b = Uint8Array.from({ length: pick(400) }, (_, i) => (i < 8 ? bytes[i] : pick(256)));
      const r = verifyBytes(vk, b, honest.boundary);
      expect(r.ok, `mutation ${t}`).toBe(false);
    }
  });

  it("rejects a proof made for another key (another constraint, or other fixed values)", () => {
    const other = keygen(makeAir(false), { params, heights: { range: RANGE } });
    const p2 = prove(other.pk, honest.traces, honest.boundary);
    expect(verify(other.vk, p2, honest.boundary)).toEqual({ ok: true });
    expect(verify(vk, p2, honest.boundary).ok).toBe(false);
    expect(verify(other.vk, proof, honest.boundary).ok).toBe(false);
    const air3 = makeAir();
    air3.chips[2].fixed = { columns: ["t"], values: (h) => Array.from({ length: h }, (_, i) => [BigInt((i * 3) % h)]) };
    const k3 = keygen(air3, { params, heights: { range: RANGE } });
    expect(verify(k3.vk, proof, honest.boundary).ok).toBe(false);
  });

  it("refuses parameters without soundness (rate 1) or out of range, and a blowup too small for the degree", () => {
    expect(() => keygen(makeAir(), { params: { ...params, logBlowup: 0 }, heights: { range: RANGE } })).toThrow(/out of range/);
    expect(() => keygen(makeAir(), { params: { ...params, numQueries: 0 }, heights: { range: RANGE } })).toThrow(/out of range/);
    const cubic: Air = { chips: [{ name: "c", columns: ["x"], constraints: [mul(col(0), mul(col(0), mul(col(0), col(0))))], interactions: [] }] };
    expect(() => keygen(cubic, { params: { ...params, logBlowup: 1 } })).toThrow(/blowup of at least 3/);
  });

  it("states ≥ 96 bits with the default parameters and verifies with them", () => {
    const d = keygen(makeAir(), { heights: { range: RANGE } });
    const p = prove(d.pk, honest.traces, honest.boundary);
    expect(p.meta.securityBits).toBeGreaterThanOrEqual(96);
    expect(p.meta.securityBits).toBe(DEFAULT_PARAMS.numQueries * DEFAULT_PARAMS.logBlowup + DEFAULT_PARAMS.powBits);
    expect(verify(d.vk, p, honest.boundary)).toEqual({ ok: true });
  });

  it("handles chips of height 1 and 2 and blowups 2 and 8", () => {
    const tiny: Air = {
      chips: [
        { name: "one", columns: ["a"], constraints: [mul(first, sub(col(0), cnst(5)))], interactions: [{ bus: "x", values: [col(0)], multiplicity: cnst(1) }] },
        { name: "two", columns: ["b"], constraints: [mul(transition, sub(col(0, true), col(0)))], interactions: [{ bus: "x", values: [col(0)], multiplicity: mul(first, cnst(-1)) }] },
      ],
    };
    for (const logBlowup of [1, 3]) {
      const k = keygen(tiny, { params: { logBlowup, numQueries: 8, powBits: 2, logFinalLen: 1 } });
      const ok = prove(k.pk, [{ chip: "one", rows: [[5n]] }, { chip: "two", rows: [[5n], [5n]] }], []);
      expect(verify(k.vk, ok, [])).toEqual({ ok: true });
      const bad = prove(k.pk, [{ chip: "one", rows: [[5n], [5n]] }, { chip: "two", rows: [[5n], [5n]] }], [], { unchecked: true });
      expect(verify(k.vk, bad, []).ok).toBe(false);
    }
  });

  it("encodes the verifying key; the decoded key verifies, an edited one is refused", () => {
    const bytes = encodeVerifyingKey(vk);
    const vk2 = decodeVerifyingKey(bytes);
    expect(vk2.digest).toEqual(vk.digest);
    expect(vk2.chips.map((c) => c.groups)).toEqual(vk.chips.map((c) => c.groups));
    expect(verify(vk2, proof, honest.boundary)).toEqual({ ok: true });
    const text = new TextDecoder().decode(bytes);
    // a changed constant (the Fibonacci start value), a changed fixed root, a changed digest
    const edits = [text.replace('"value":"1"', '"value":"2"'), text.replace(/"fixedRoot":"(.)/, (_m, c) => `"fixedRoot":"${c === "0" ? "1" : "0"}`), text.replace(/"digest":"(.)/, (_m, c) => `"digest":"${c === "0" ? "1" : "0"}`)];
    for (const t of edits) {
      expect(t).not.toBe(text);
      expect(() => decodeVerifyingKey(new TextEncoder().encode(t))).toThrow(/digest does not match/);
    }
    for (const bad of ["", "{}", "[1]", text.replace('"op":"main"', '"op":"evil"'), text.replace('"col":0', '"col":99'), "\u00ff"]) {
      expect(() => decodeVerifyingKey(new TextEncoder().encode(bad))).toThrow(KeyFormatError);
    }
  });
});
