// Merkle commitments over the rows of LDE matrices (one leaf per row: the row's u32 cells, little-endian)
// with SHA-256 from node:crypto (its one-shot `hash`: ~0.6 µs for a node, against 1.4 µs for @noble/hashes'
// sha256 and 2–3.5 µs for its blake3 in this runtime; the tests check it against @noble/hashes). Leaves and
// inner nodes carry different 4-byte tags, so a row can never be passed off as a node.
import { hash } from "node:crypto";

export const DIGEST_BYTES = 32;
const LEAF_TAG = 0x6661656c; // "leaf"
const NODE_TAG = 0x65646f6e; // "node"

/** A fresh Uint8Array (node's Buffer may be a view into a shared pool). */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash("sha256", data, "buffer"));
}

/** The digest of one row. */
export function hashRow(row: Uint32Array): Uint8Array {
  const buf = new Uint32Array(row.length + 1);
  buf[0] = LEAF_TAG;
  buf.set(row, 1);
  return sha256(new Uint8Array(buf.buffer));
}

export function hashNode(l: Uint8Array, r: Uint8Array): Uint8Array {
  const buf = new Uint8Array(4 + 2 * DIGEST_BYTES);
  new DataView(buf.buffer).setUint32(0, NODE_TAG, true);
  buf.set(l, 4);
  buf.set(r, 4 + DIGEST_BYTES);
  return sha256(buf);
}

/** Empty levels for a tree of `rows` leaves (shared memory when `shared`, so that workers can fill them). */
export function allocLevels(rows: number, shared = false): Uint8Array[] {
  if (rows < 1 || (rows & (rows - 1)) !== 0) throw new Error(`Merkle tree of ${rows} leaves: not a power of two`);
  const out: Uint8Array[] = [];
  for (let n = rows; n >= 1; n >>= 1) out.push(shared ? new Uint8Array(new SharedArrayBuffer(n * DIGEST_BYTES)) : new Uint8Array(n * DIGEST_BYTES));
  return out;
}

/**
 * Hashes leaves [from, to) (an aligned power-of-two range) into levels[0] and every level above it up
 * to the range's own root; `from = 0, to = rows` builds the whole tree. Workers fill disjoint ranges.
 */
export function fillLevels(levels: Uint8Array[], width: number, row: (i: number, out: Uint32Array) => void, from: number, to: number, fromLevel = 0): void {
  if (fromLevel === 0) {
    const buf = new Uint32Array(width + 1);
    const bytes = new Uint8Array(buf.buffer);
    const cells = buf.subarray(1);
    buf[0] = LEAF_TAG;
    const leaves = levels[0];
    for (let i = from; i < to; i++) {
      row(i, cells);
      leaves.set(hash("sha256", bytes, "buffer"), i * DIGEST_BYTES);
    }
  }
  const node = new Uint8Array(4 + 2 * DIGEST_BYTES);
  new DataView(node.buffer).setUint32(0, NODE_TAG, true);
  // level l is computed from the range's nodes at level l − 1 while there are at least two of them
  for (let l = Math.max(fromLevel, 1), a = from >> l, b = to >> l; l < levels.length && (to - from) >> (l - 1) >= 2; l++, a >>= 1, b >>= 1) {
    const below = levels[l - 1];
    const level = levels[l];
    for (let k = a; k < b; k++) {
      node.set(below.subarray(2 * k * DIGEST_BYTES, (2 * k + 2) * DIGEST_BYTES), 4);
      level.set(hash("sha256", node, "buffer"), k * DIGEST_BYTES);
    }
  }
}

export class MerkleTree {
  /** levels[0] are the leaf digests, the last level the root; each level is count·32 bytes */
  readonly levels: Uint8Array[];
  /**
   * `rows` leaves of `width` cells; `row(i, out)` writes row i into `out`. The row count must be a power
   * of two. With `levels`, the tree is already hashed (by workers) into them.
   */
  constructor(
    readonly rows: number,
    readonly width: number,
    row: (i: number, out: Uint32Array) => void,
    levels?: Uint8Array[],
  ) {
    if (levels) this.levels = levels;
    else {
      this.levels = allocLevels(rows);
      fillLevels(this.levels, width, row, 0, rows);
    }
  }

  get root(): Uint8Array {
    return this.levels[this.levels.length - 1].slice();
  }

  /** The sibling digests from leaf i up to (not including) the root. */
  path(i: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let l = 0; l < this.levels.length - 1; l++, i >>= 1) {
      const s = i ^ 1;
      out.push(this.levels[l].slice(s * DIGEST_BYTES, (s + 1) * DIGEST_BYTES));
    }
    return out;
  }
}

/** Whether `row` is leaf `index` of a tree of 2^path.length leaves with this root. */
export function verifyPath(root: Uint8Array, index: number, row: Uint32Array, path: Uint8Array[]): boolean {
  if (index < 0 || index >= 2 ** path.length) return false;
  let h = hashRow(row);
  for (const sib of path) {
    if (sib.length !== DIGEST_BYTES) return false;
    h = index & 1 ? hashNode(sib, h) : hashNode(h, sib);
    index >>= 1;
  }
  return bytesEqual(h, root);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** log2 of the LDE rows per Merkle leaf: consecutive rows in bit-reversed order (x, −x, i·x, −i·x). */
export const LEAF_ROWS_LOG = 2;
export const rowsPerLeaf = (rows: number): number => Math.min(rows, 1 << LEAF_ROWS_LOG);
export const leafCount = (rows: number): number => rows / rowsPerLeaf(rows);
export const leafWidth = (width: number, rows: number): number => width * rowsPerLeaf(rows);

/** Writes leaf k (rows k·r … k·r + r − 1, each row's cells in column order) of an LDE matrix. */
export function leafRows(ldes: Uint32Array[]): (k: number, out: Uint32Array) => void {
  const w = ldes.length;
  const r = rowsPerLeaf(ldes[0].length);
  return (k, out) => {
    for (let t = 0; t < r; t++)
      for (let c = 0; c < w; c++) out[t * w + c] = ldes[c][k * r + t];
  };
}
