// The fixed lookup table of the integer rows (integer.ts): one table of 4-column tuples
// (tag, x, y, z) over 4-bit limbs, in the style of halo2's SHA-256 gadgets (small limb tables instead of
// bit decompositions). Each lane of an integer row looks up (its tag, x_i, y_i, z_i):
//   - range tags RANGE(rx, ry): x < 2^rx, y < 2^ry, z = 0 (rx, ry ∈ 0..4), so one lane checks a limb of
//     the row's X word and a limb of its Y word, each to its own width (a k-bit value is ⌊k/4⌋ full
//     limbs, one limb of k mod 4 bits and zero limbs above);
//   - bitwise tags XOR, AND, OR: z = x op y for x, y < 16.
// Tag 0 is RANGE(0, 0), the all-zero tuple: rows without integer work (and the table's unused rows)
// look it up, so the lookups need no selector.

/** Bits per limb and limbs per row: one row holds a 32-bit word in each of X, Y and Z. */
export const LIMB_BITS = 4;
export const LANES = 8;
export const ROW_BITS = LIMB_BITS * LANES;

export type BitOp = "xor" | "and" | "or";
export const BIT_TAGS: Record<BitOp, number> = { xor: 25, and: 26, or: 27 };

export function rangeTag(rx: number, ry: number): number {
  return rx * 5 + ry;
}

export function bitOp(op: BitOp, x: bigint, y: bigint): bigint {
  return op === "xor" ? x ^ y : op === "and" ? x & y : x | y;
}

/**
 * The table's rows for the tags a circuit uses (the all-zero row first, always): only used tags are
 * laid out, so a circuit that range-checks bytes does not pay for the bitwise tables' 768 rows.
 */
export function intTableRows(tags: Iterable<number>): bigint[][] {
  const rows: bigint[][] = [[0n, 0n, 0n, 0n]];
  const sorted = [...new Set(tags)].sort((a, b) => a - b);
  for (const tag of sorted) {
    if (tag === 0) continue;
    const op = (Object.keys(BIT_TAGS) as BitOp[]).find((k) => BIT_TAGS[k] === tag);
    if (op) {
      for (let x = 0n; x < 16n; x++) for (let y = 0n; y < 16n; y++) rows.push([BigInt(tag), x, y, bitOp(op, x, y)]);
      continue;
    }
    const rx = Math.floor(tag / 5);
    const ry = tag % 5;
    for (let x = 0n; x < 1n << BigInt(rx); x++) for (let y = 0n; y < 1n << BigInt(ry); y++) rows.push([BigInt(tag), x, y, 0n]);
  }
  return rows;
}
