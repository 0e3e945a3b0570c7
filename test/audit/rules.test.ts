// The propagation rules of `cwl audit` on hand-built layouts (no compiler): what each rule may and may
// not conclude. Every "not determined" case is a real second witness, named in the test.
import { describe, it, expect } from "vitest";
import { Circuit, Expression, type Column } from "../../runtime/plonk/index.ts";
import { System } from "../../backends/plonkish/audit/system.ts";
import { propagate, injective } from "../../backends/plonkish/audit/propagate.ts";
import { fr } from "../../runtime/poly/index.ts";

const Q = (c: Column, rot = 0) => Expression.query(c, rot);

/** One row per polynomial over the advice columns of that row (a selector per row keeps rows apart). */
function layout(cols: number, rows: Array<(c: Column[]) => Expression>) {
  const c = new Circuit("t");
  const adv = Array.from({ length: cols }, (_, i) => c.adviceColumn(`v${i}`));
  rows.forEach((poly, r) => {
    const q = c.selector(`q${r}`);
    c.enable(q, r);
    c.createGate(`g${r}`, [Q(q).mul(poly(adv))]);
  });
  return { c, adv };
}

function determined(c: Circuit, inputs: Array<[Column, number]>, cells: Array<[Column, number]>): boolean[] {
  const s = System.build(c);
  const p = propagate(s, inputs.map(([col, row]) => s.varOf(col, row)));
  return cells.map(([col, row]) => p.determined[s.varOf(col, row)] === 1);
}

describe("audit rules", () => {
  it("mixed radix: distinct doubling weights are injective on bits, a repeated weight or a sum reaching r is not", () => {
    const b = (n: number) => new Map(Array.from({ length: n }, (_, i) => [i, 1n]));
    expect(injective(new Map([[0, 1n], [1, 2n], [2, 4n]]), b(3))).toBe(true);
    // 1·b0 + 2·b1 + 2·b2: (0, 1, 0) and (0, 0, 1) give the same sum.
    expect(injective(new Map([[0, 1n], [1, 2n], [2, 2n]]), b(3))).toBe(false);
    // Mixed signs: b0 − b1 is 0 for (0, 0) and (1, 1).
    expect(injective(new Map([[0, 1n], [1, fr.R - 1n]]), b(2))).toBe(false);
    // 253 bits stay below r; 254 bits reach 2^254 − 1 > r, so x and x + r both decompose.
    const bits = (n: number) => new Map(Array.from({ length: n }, (_, i) => [i, 1n << BigInt(i)]));
    expect(injective(bits(253), b(253))).toBe(true);
    expect(injective(bits(254), b(254))).toBe(false);
    // Bytes: weights 256^i with bounds 255.
    expect(injective(new Map([[0, 1n], [1, 256n]]), new Map([[0, 255n], [1, 255n]]))).toBe(true);
    expect(injective(new Map([[0, 1n], [1, 255n]]), new Map([[0, 255n], [1, 255n]]))).toBe(false);
  });

  it("bits: booleanity plus recomposition determines them; without booleanity (b0 = x) or recomposition they are free", () => {
    // v0 = x (input); v1..v3 bits; row 0: x = b1 + 2·b2 + 4·b3; rows 1–3: booleanity.
    const rec = (a: Column[]) => Q(a[0]).sub(Q(a[1]).add(Q(a[2]).mul(2)).add(Q(a[3]).mul(4)));
    const bool = (i: number) => (a: Column[]) => Q(a[i]).mul(Q(a[i]).sub(1));
    const full = layout(4, [rec, bool(1), bool(2), bool(3)]);
    // Booleanity rows read the bits on their own rows: copy them to row 0's cells.
    for (let i = 1; i <= 3; i++) {
      full.c.enableEquality(full.adv[i]);
      full.c.copy({ column: full.adv[i], row: 0 }, { column: full.adv[i], row: i });
    }
    expect(determined(full.c, [[full.adv[0], 0]], [[full.adv[1], 0], [full.adv[2], 0], [full.adv[3], 0]])).toEqual([true, true, true]);
    const noBool = layout(4, [rec]);
    expect(determined(noBool.c, [[noBool.adv[0], 0]], [[noBool.adv[1], 0]])).toEqual([false]);
    const noRec = layout(2, [bool(1)]);
    expect(determined(noRec.c, [[noRec.adv[0], 0]], [[noRec.adv[1], 0]])).toEqual([false]);
  });

  it("linear: x·r = 1 determines r (r = 1/x, and x ≠ 0 is forced); r·y = x does not (x = y = 0 leaves r free)", () => {
    const inv = layout(2, [(a) => Q(a[0]).mul(Q(a[1])).sub(1)]);
    expect(determined(inv.c, [[inv.adv[0], 0]], [[inv.adv[1], 0]])).toEqual([true]);
    const div = layout(3, [(a) => Q(a[2]).mul(Q(a[1])).sub(Q(a[0]))]);
    expect(determined(div.c, [[div.adv[0], 0], [div.adv[1], 0]], [[div.adv[2], 0]])).toEqual([false]);
  });

  it("fixed tables: xor determines any entry from the other two, and only the key positions of an and table", () => {
    for (const [op, fromOut] of [["xor", true], ["and", false]] as const) {
      const c = new Circuit(op);
      const [a, b, z] = [c.adviceColumn("a"), c.adviceColumn("b"), c.adviceColumn("z")];
      const q = c.selector("q");
      const t = [c.fixedColumn("ta"), c.fixedColumn("tb"), c.fixedColumn("tz")];
      let r = 0;
      for (let x = 0; x < 4; x++)
        for (let y = 0; y < 4; y++, r++) {
          c.assignFixed(t[0], r, x);
          c.assignFixed(t[1], r, y);
          c.assignFixed(t[2], r, op === "xor" ? x ^ y : x & y);
        }
      c.enable(q, 0);
      c.lookup(op, [Q(q).mul(Q(a)), Q(q).mul(Q(b)), Q(q).mul(Q(z))], t.map((col) => Q(col)));
      expect(determined(c, [[a, 0], [b, 0]], [[z, 0]])).toEqual([true]);
      // and: a = 0, z = 0 holds for every b.
      expect(determined(c, [[a, 0], [z, 0]], [[b, 0]])).toEqual([fromOut]);
    }
  });

  it("case split: out = 1 − x·inv with x·out = 0 determines out (not inv: free when x = 0)", () => {
    // v0 = x, v1 = inv, v2 = out.
    const iz = layout(3, [(a) => Q(a[2]).sub(Expression.constant(1).sub(Q(a[0]).mul(Q(a[1])))), (a) => Q(a[0]).mul(Q(a[2]))]);
    for (let i = 0; i < 3; i++) {
      iz.c.enableEquality(iz.adv[i]);
      iz.c.copy({ column: iz.adv[i], row: 0 }, { column: iz.adv[i], row: 1 });
    }
    expect(determined(iz.c, [[iz.adv[0], 0]], [[iz.adv[2], 0], [iz.adv[1], 0]])).toEqual([true, false]);
    // Without x·out = 0, out is free for x ≠ 0 (any inv).
    const half = layout(3, [(a) => Q(a[2]).sub(Expression.constant(1).sub(Q(a[0]).mul(Q(a[1]))))]);
    expect(determined(half.c, [[half.adv[0], 0]], [[half.adv[2], 0]])).toEqual([false]);
  });
});
