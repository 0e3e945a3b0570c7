// The sparse Merkle accumulator behind ChainWeave's KV storage proofs (spec/kv.md).
//
// - A storage key (address, slot) hashes to a field element `key = Poseidon(address, slot_hi, slot_lo)`;
//   its leaf index is the low `depth` bits of `key` (depth 64 by default).
// - A leaf holds (key, value) as `Poseidon(key, value_hi, value_lo)`; value 0 means "absent", and an
//   absent leaf is the constant 0, so deleting a key restores the empty tree's hashes exactly.
// - Inner nodes are `Poseidon(left, right)`; the hash of an empty subtree of height h is precomputed.
// - Two keys whose low `depth` bits collide cannot both be present: the second write is refused with
//   KvCollisionError (probability ≈ n²/2^(depth+1); depth 64 ⇒ < 2^-25 for a million keys). Choose a
//   larger depth (up to 254) to make that impossible in practice.
// Persistence is pluggable (NodeStore): in memory, or LevelDB with one atomic batch per block (store.ts).
import { poseidon, BN254_R } from "../hash/poseidon.ts";

export const WORD_HALF = 1n << 128n;
export const DEFAULT_DEPTH = 64;
export const MAX_DEPTH = 254;

/** A 256-bit EVM word split into two 128-bit halves so that each fits in BN254 Fr. */
export function splitWord(w: bigint): [bigint, bigint] {
  return [w >> 128n, w & (WORD_HALF - 1n)];
}

export function storageKey(address: bigint, slot: bigint): bigint {
  const [hi, lo] = splitWord(slot);
  return poseidon([address, hi, lo]);
}

export function leafHash(key: bigint, value: bigint): bigint {
  if (value === 0n) return 0n;
  const [hi, lo] = splitWord(value);
  return poseidon([key, hi, lo]);
}

export const nodeHash = (l: bigint, r: bigint): bigint => poseidon([l, r]);

const emptyCache = new Map<number, bigint[]>();
/** emptyHashes(d)[h] = root of an empty subtree of height h (h = 0 is an empty leaf). */
export function emptyHashes(depth: number): bigint[] {
  let z = emptyCache.get(depth);
  if (!z) {
    z = [0n];
    for (let h = 0; h < depth; h++) z.push(nodeHash(z[h], z[h]));
    emptyCache.set(depth, z);
  }
  return z;
}

export interface Leaf {
  key: bigint;
  value: bigint;
  /** Kept for listing and tables; not part of the hash (the key commits to them). */
  address: bigint;
  slot: bigint;
}

/** Where the tree's nodes and leaves live. Absent nodes are the empty-subtree constants. */
export interface NodeStore {
  getNode(level: number, index: bigint): bigint | undefined;
  getLeaf(index: bigint): Leaf | undefined;
}

/**
 * What one access proves: the leaf at `index` before and after, with the sibling path (the same before
 * and after, since one leaf changes). `valueBefore`/`valueAfter` are the key's values (0 = absent);
 * reads have them equal. When another key sits at the index, `occupant` shows it: that proves
 * non-membership of `key` (its value is 0), and such an access cannot write.
 */
export interface AccessWitness {
  address: bigint;
  slot: bigint;
  key: bigint;
  index: bigint;
  occupant?: { key: bigint; value: bigint };
  valueBefore: bigint;
  valueAfter: bigint;
  /** siblings[h] is the sibling of the path node at height h (0 = leaf level). */
  siblings: bigint[];
  rootBefore: bigint;
  rootAfter: bigint;
}

export class KvCollisionError extends Error {
  constructor(readonly index: bigint, readonly existingKey: bigint, readonly key: bigint) {
    super(`leaf index ${index} already holds another key; use a larger tree depth`);
    this.name = "KvCollisionError";
  }
}

/** Recomputes a root from a leaf hash and its sibling path. */
export function rootFromPath(leaf: bigint, index: bigint, siblings: readonly bigint[]): bigint {
  let h = leaf;
  for (let level = 0; level < siblings.length; level++) {
    h = (index >> BigInt(level)) & 1n ? nodeHash(siblings[level], h) : nodeHash(h, siblings[level]);
  }
  return h;
}

/** Leaf hashes before and after an access, or why the witness is malformed. */
export function witnessLeaves(w: AccessWitness, depth: number): { before: bigint; after: bigint } | string {
  if (w.siblings.length !== depth) return "wrong path length";
  if (w.index !== (w.key & ((1n << BigInt(depth)) - 1n))) return "index is not the key's low bits";
  if (w.key !== storageKey(w.address, w.slot)) return "key does not match (address, slot)";
  if (w.occupant) {
    const o = w.occupant;
    if (o.key === w.key || o.value === 0n) return "occupant must be another, present key";
    if ((o.key & ((1n << BigInt(depth)) - 1n)) !== w.index) return "occupant does not live at this index";
    if (w.valueBefore !== 0n || w.valueAfter !== 0n) return "an absent key reads 0 and cannot be written here";
    const leaf = leafHash(o.key, o.value);
    return { before: leaf, after: leaf };
  }
  return { before: leafHash(w.key, w.valueBefore), after: leafHash(w.key, w.valueAfter) };
}

/** Checks a witness off-circuit: both roots follow from the path, and the key/occupant rules hold. */
export function checkWitness(w: AccessWitness, depth: number): string | undefined {
  const leaves = witnessLeaves(w, depth);
  if (typeof leaves === "string") return leaves;
  if (rootFromPath(leaves.before, w.index, w.siblings) !== w.rootBefore) return "rootBefore does not match the path";
  if (rootFromPath(leaves.after, w.index, w.siblings) !== w.rootAfter) return "rootAfter does not match the path";
  return undefined;
}

/** An in-memory overlay over a NodeStore: accumulates writes of one block, then hands them out. */
export class SparseMerkleTree {
  readonly empty: bigint[];
  private nodes = new Map<string, bigint>();
  private leaves = new Map<bigint, Leaf | null>();
  private rootValue: bigint;

  constructor(
    readonly depth: number,
    private readonly base: NodeStore,
    root?: bigint,
  ) {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) throw new RangeError(`depth must be 1..${MAX_DEPTH}`);
    this.empty = emptyHashes(depth);
    this.rootValue = root ?? this.empty[depth];
  }

  get root(): bigint {
    return this.rootValue;
  }

  indexOf(key: bigint): bigint {
    return key & ((1n << BigInt(this.depth)) - 1n);
  }

  private node(level: number, index: bigint): bigint {
    if (level === this.depth) return this.rootValue;
    const k = `${level}:${index}`;
    const v = this.nodes.get(k);
    if (v !== undefined) return v;
    return this.base.getNode(level, index) ?? this.empty[level];
  }

  leaf(index: bigint): Leaf | undefined {
    const l = this.leaves.get(index);
    if (l !== undefined) return l ?? undefined;
    return this.base.getLeaf(index);
  }

  get(address: bigint, slot: bigint): bigint {
    const key = storageKey(address, slot);
    const l = this.leaf(this.indexOf(key));
    return l && l.key === key ? l.value : 0n;
  }

  /** Reads (address, slot) and returns the membership / non-membership witness. */
  read(address: bigint, slot: bigint): AccessWitness {
    return this.access(address, slot, undefined);
  }

  /** Writes (value 0 deletes) and returns the update witness. */
  write(address: bigint, slot: bigint, value: bigint): AccessWitness {
    return this.access(address, slot, value);
  }

  private access(address: bigint, slot: bigint, newValue: bigint | undefined): AccessWitness {
    const key = storageKey(address, slot);
    // The circuit proves index bits through key = high·2^D + low with high < p >> D (spec/kv.md); the
    // one high value it cannot prove (probability 2^-(254-D)) is refused here too.
    if (this.depth < MAX_DEPTH && key >> BigInt(this.depth) === BN254_R >> BigInt(this.depth))
      throw new KvCollisionError(this.indexOf(key), key, key);
    const index = this.indexOf(key);
    const leaf = this.leaf(index);
    const occupant = leaf && leaf.key !== key ? { key: leaf.key, value: leaf.value } : undefined;
    const valueBefore = leaf && !occupant ? leaf.value : 0n;
    const valueAfter = newValue ?? valueBefore;
    if (occupant && valueAfter !== 0n) throw new KvCollisionError(index, occupant.key, key);
    const siblings: bigint[] = [];
    for (let level = 0; level < this.depth; level++) siblings.push(this.node(level, (index >> BigInt(level)) ^ 1n));
    const rootBefore = this.rootValue;
    if (!occupant && valueAfter !== valueBefore) {
      let h = leafHash(key, valueAfter);
      this.leaves.set(index, valueAfter === 0n ? null : { key, value: valueAfter, address, slot });
      for (let level = 0; level < this.depth; level++) {
        const idx = index >> BigInt(level);
        this.nodes.set(`${level}:${idx}`, h);
        h = idx & 1n ? nodeHash(siblings[level], h) : nodeHash(h, siblings[level]);
      }
      this.rootValue = h;
    }
    return { address, slot, key, index, occupant, valueBefore, valueAfter, siblings, rootBefore, rootAfter: this.rootValue };
  }

  /** Writes accumulated since the last `drain`, for persisting in one atomic batch. */
  drain(): { nodes: Map<string, bigint>; leaves: Map<bigint, Leaf | null>; root: bigint } {
    const out = { nodes: this.nodes, leaves: this.leaves, root: this.rootValue };
    this.nodes = new Map();
    this.leaves = new Map();
    return out;
  }
}

/** A NodeStore in memory (tests, the circuit's witness generator, and the LevelDB store's cache). */
export class MemoryNodeStore implements NodeStore {
  readonly nodes = new Map<string, bigint>();
  readonly leaves = new Map<bigint, Leaf>();
  getNode(level: number, index: bigint): bigint | undefined {
    return this.nodes.get(`${level}:${index}`);
  }
  getLeaf(index: bigint): Leaf | undefined {
    return this.leaves.get(index);
  }
  apply(d: { nodes: Map<string, bigint>; leaves: Map<bigint, Leaf | null> }): void {
    for (const [k, v] of d.nodes) this.nodes.set(k, v);
    for (const [k, v] of d.leaves) {
      if (v) this.leaves.set(k, v);
      else this.leaves.delete(k);
    }
  }
}
