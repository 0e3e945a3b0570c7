// range-lookup: rewrite `c.range %x {bits = n}` on a field element into 8-bit limbs checked against a
// lookup table, the way PLONKish circuits range-check cheaply:
//   limbs = cf.call @__cw_limbs8_<k>(%x)       (a hint: unconstrained witness code, k = ⌈n/8⌉)
//   c.lookup limb_j in @range8                  for every limb (range8 = 0..256, added when absent)
//   c.lookup limb_{k-1} · 2^(8−r) in @range8    when r = n mod 8 ≠ 0: with limb_{k-1} < 256 this
//                                               forces limb_{k-1} < 2^r (no wrap-around possible)
//   c.assert_eq %x, Σ limb_j · 256^j
// Sound because Σ limb_j·256^j < 2^n < p (the verifier bounds n ≤ bitlen(p) − 1), so the sum cannot
// wrap and equals x as an integer. Integer-typed c.range is left for the backend (its width is the range).
import { type Block, Builder, type Func, type Module, type Op, T, type Type, type Value, typeEq, walkRegion } from "../ir/index.ts";
import { registerPass } from "./manager.ts";

/** Name of the range8 table for a field, adding it to the module when missing. */
export function ensureRange8(m: Module, field: string): string {
  const F = T.field(field);
  for (const name of ["range8", `range8_${field}`]) {
    const t = m.table(name);
    if (t && t.columns.length === 1 && typeEq(t.columns[0], F) && t.range?.lo === 0n && t.range.hi === 256n) return name;
    if (!m.has(name)) {
      m.addTable({ name, columns: [F], range: { lo: 0n, hi: 256n } });
      return name;
    }
  }
  throw new Error(`range-lookup: cannot name a range8 table for @${field}`);
}

/** The hint that splits a field element into k little-endian 8-bit limbs. */
function ensureLimbHint(m: Module, field: string, k: number): string {
  const name = `__cw_limbs8_${k}_${field}`;
  if (m.func(name)) return name;
  const F = T.field(field);
  const W = T.int(256);
  const b = new Builder(m);
  const f = b.func("hint", name, [{ type: F, name: "x" }], [T.array(F, k)]);
  const wide = b.i.fromF(f.args[0], W);
  const mask = b.i.const(255n, W);
  const limbs: Value[] = [];
  for (let j = 0; j < k; j++) {
    const shifted = j === 0 ? wide : b.i.shru(wide, b.i.const(BigInt(8 * j), W));
    limbs.push(b.i.toF(b.i.and(shifted, mask), F));
  }
  b.cf.return([b.array.make(limbs, F)]);
  return name;
}

export function rangeLookupFunc(m: Module, f: Func): void {
  const ranges: Op[] = [];
  walkRegion(f.body, (op) => {
    if (op.name === "c.range" && op.operands[0]?.type.kind === "field") ranges.push(op);
  });
  for (const op of ranges) {
    const x = op.operands[0];
    const F = x.type as Extract<Type, { kind: "field" }>;
    const n = op.intAttr("bits") ?? 0;
    const k = Math.ceil(n / 8);
    const r = n % 8;
    const table = ensureRange8(m, F.field);
    const hint = ensureLimbHint(m, F.field, k);
    const b = new Builder(m);
    b.setInsertionPointBefore(op);
    b.loc = op.loc;
    const msg = op.strAttr("msg") ?? `value does not fit in ${n} bits`;
    const [arr] = b.cf.call(hint, [x], [T.array(F, k)]);
    let sum: Value | undefined;
    for (let j = 0; j < k; j++) {
      const limb = b.array.get(arr, b.i.const(BigInt(j)));
      b.c.lookup([limb], table, msg);
      if (j === k - 1 && r !== 0) b.c.lookup([b.f.mul(limb, b.f.const(1n << BigInt(8 - r), F))], table, msg);
      const term = j === 0 ? limb : b.f.mul(limb, b.f.const(1n << BigInt(8 * j), F));
      sum = sum ? b.f.add(sum, term) : term;
    }
    b.c.assertEq(x, sum!, msg);
    (op.parent as Block).remove(op);
  }
}

registerPass({
  name: "range-lookup",
  description: "decompose c.range on field elements into 8-bit limbs looked up in a range8 table",
  defaultKinds: ["circuit", "fn"],
  run(m, funcs) {
    for (const f of funcs) rangeLookupFunc(m, f);
  },
});
