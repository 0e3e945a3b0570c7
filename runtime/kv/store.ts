// The KV accumulator as a database: a sparse Merkle tree persisted in LevelDB (classic-level), one
// atomic, synced batch per block. A crash between (or during) two blocks leaves the previous block's
// nodes, leaves and root intact, because LevelDB applies a batch all-or-nothing through its write-ahead log.
// Reads are async, the tree is sync: before a block runs, the paths it touches are prefetched.
import type { Progress } from "../../base/progress/index.ts";
import { ClassicLevel } from "classic-level";
import { type AccessWitness, type Leaf, type NodeStore, MemoryNodeStore, SparseMerkleTree, DEFAULT_DEPTH, storageKey, leafHash, nodeHash, emptyHashes } from "./smt.ts";

export interface StorageOp {
  kind: "read" | "write";
  address: bigint;
  slot: bigint;
  /** For writes: the new value (0 deletes). */
  value?: bigint;
}

/** One row of the accumulator's lookup table, as the EVM storage circuit consumes it. */
export interface TableRow {
  counter: number;
  address: bigint;
  slot: bigint;
  valueBefore: bigint;
  valueAfter: bigint;
  rootBefore: bigint;
  rootAfter: bigint;
}

export interface BlockResult {
  block: number;
  rootBefore: bigint;
  rootAfter: bigint;
  witnesses: AccessWitness[];
  table: TableRow[];
  /** The nodes and leaves on the block's paths before it ran: enough to replay it (the batch circuit's key slots). */
  pre: PathSnapshot;
}

/** Part of a tree: the non-empty nodes (`level:index`) and leaves on some paths. */
export interface PathSnapshot {
  nodes: [string, bigint][];
  leaves: [bigint, Leaf][];
}

/** A NodeStore over a snapshot: exact on the snapshot's paths, empty elsewhere. */
export function snapshotStore(s: PathSnapshot): MemoryNodeStore {
  const m = new MemoryNodeStore();
  for (const [k, v] of s.nodes) m.nodes.set(k, v);
  for (const [k, v] of s.leaves) m.leaves.set(k, v);
  return m;
}

interface Meta {
  depth: number;
  root: string;
  block: number;
  ops: number;
}

export type { Progress } from "../../base/progress/index.ts";

const hex = (x: bigint) => x.toString(16);
const nodeKey = (level: number, index: bigint) => `n:${level}:${hex(index)}`;
const leafKey = (index: bigint) => `l:${hex(index)}`;

/** Prefetch cache over LevelDB: holds exactly the nodes and leaves loaded for the current block. */
class CachedStore implements NodeStore {
  nodes = new Map<string, bigint | null>();
  leaves = new Map<bigint, Leaf | null>();
  getNode(level: number, index: bigint): bigint | undefined {
    const v = this.nodes.get(`${level}:${index}`);
    if (v === undefined) throw new Error(`internal: node ${level}:${index} was not prefetched`);
    return v ?? undefined;
  }
  getLeaf(index: bigint): Leaf | undefined {
    const v = this.leaves.get(index);
    if (v === undefined) throw new Error(`internal: leaf ${index} was not prefetched`);
    return v ?? undefined;
  }
}

export class KvStore {
  private constructor(
    private readonly db: ClassicLevel<string, string> | undefined,
    private readonly mem: MemoryNodeStore | undefined,
    private meta: Meta,
  ) {}

  /** Opens (or creates) a persistent accumulator at `path`. The depth is fixed at creation. */
  static async open(path: string, opts: { depth?: number } = {}): Promise<KvStore> {
    const db = new ClassicLevel<string, string>(path, { valueEncoding: "utf8" });
    await db.open();
    let meta: Meta;
    const stored = await db.get("meta");
    if (stored !== undefined) meta = JSON.parse(stored) as Meta;
    else {
      const depth = opts.depth ?? DEFAULT_DEPTH;
      meta = { depth, root: hex(emptyHashes(depth)[depth]), block: 0, ops: 0 };
      await db.put("meta", JSON.stringify(meta), { sync: true });
    }
    if (opts.depth !== undefined && opts.depth !== meta.depth) {
      await db.close();
      throw new Error(`accumulator at ${path} has depth ${meta.depth}, not ${opts.depth}`);
    }
    return new KvStore(db, undefined, meta);
  }

  /** An accumulator in memory (tests, witness generation for circuits). */
  static memory(opts: { depth?: number } = {}): KvStore {
    const depth = opts.depth ?? DEFAULT_DEPTH;
    return new KvStore(undefined, new MemoryNodeStore(), { depth, root: hex(emptyHashes(depth)[depth]), block: 0, ops: 0 });
  }

  get depth(): number {
    return this.meta.depth;
  }
  get root(): bigint {
    return BigInt("0x" + this.meta.root);
  }
  get block(): number {
    return this.meta.block;
  }
  get opCount(): number {
    return this.meta.ops;
  }

  private async prefetch(ops: readonly StorageOp[]): Promise<CachedStore> {
    const cache = new CachedStore();
    const depth = this.meta.depth;
    const want = new Set<string>();
    const leafIdx = new Set<bigint>();
    for (const op of ops) {
      const index = storageKey(op.address, op.slot) & ((1n << BigInt(depth)) - 1n);
      leafIdx.add(index);
      // The path's siblings and the path nodes themselves (the tree reads both while updating).
      for (let level = 0; level < depth; level++) {
        const idx = index >> BigInt(level);
        want.add(`${level}:${idx ^ 1n}`);
        want.add(`${level}:${idx}`);
      }
    }
    const nodeIds = [...want];
    const leafIds = [...leafIdx];
    const dbKeys = [
      ...nodeIds.map((k) => {
        const [l, i] = k.split(":");
        return nodeKey(Number(l), BigInt(i));
      }),
      ...leafIds.map(leafKey),
    ];
    const values = this.db ? await this.db.getMany(dbKeys) : undefined;
    nodeIds.forEach((k, j) => {
      if (this.mem) {
        const [l, i] = k.split(":");
        cache.nodes.set(k, this.mem.getNode(Number(l), BigInt(i)) ?? null);
      } else {
        const v = values![j];
        cache.nodes.set(k, v === undefined ? null : BigInt("0x" + v));
      }
    });
    leafIds.forEach((idx, j) => {
      if (this.mem) cache.leaves.set(idx, this.mem.getLeaf(idx) ?? null);
      else {
        const v = values![nodeIds.length + j];
        cache.leaves.set(idx, v === undefined ? null : parseLeaf(v));
      }
    });
    return cache;
  }

  /** Reads without changing anything. */
  async get(address: bigint, slot: bigint): Promise<bigint> {
    const cache = await this.prefetch([{ kind: "read", address, slot }]);
    return new SparseMerkleTree(this.depth, cache, this.root).get(address, slot);
  }

  /**
   * Applies one block of accesses in order, producing a witness and a table row per access, and
   * commits the block atomically. A failing access (a collision) aborts the whole block unchanged.
   */
  async applyBlock(ops: readonly StorageOp[], progress?: Progress): Promise<BlockResult> {
    const cache = await this.prefetch(ops);
    const pre: PathSnapshot = {
      nodes: [...cache.nodes].filter((e): e is [string, bigint] => e[1] !== null),
      leaves: [...cache.leaves].filter((e): e is [bigint, Leaf] => e[1] !== null),
    };
    const tree = new SparseMerkleTree(this.depth, cache, this.root);
    const rootBefore = tree.root;
    const witnesses: AccessWitness[] = [];
    const table: TableRow[] = [];
    ops.forEach((op, i) => {
      const w = op.kind === "write" ? tree.write(op.address, op.slot, op.value ?? 0n) : tree.read(op.address, op.slot);
      witnesses.push(w);
      table.push({
        counter: this.meta.ops + i,
        address: op.address,
        slot: op.slot,
        valueBefore: w.valueBefore,
        valueAfter: w.valueAfter,
        rootBefore: w.rootBefore,
        rootAfter: w.rootAfter,
      });
      if (progress && (i % 16 === 15 || i === ops.length - 1)) progress("apply", i + 1, ops.length);
    });
    const writes = tree.drain();
    const meta: Meta = { depth: this.depth, root: hex(writes.root), block: this.meta.block + 1, ops: this.meta.ops + ops.length };
    if (this.db) {
      const batch = this.db.batch();
      for (const [k, v] of writes.nodes) {
        const [l, i] = k.split(":");
        batch.put(nodeKey(Number(l), BigInt(i)), hex(v));
      }
      for (const [idx, leaf] of writes.leaves) {
        if (leaf) batch.put(leafKey(idx), formatLeaf(leaf));
        else batch.del(leafKey(idx));
      }
      batch.put("meta", JSON.stringify(meta));
      await batch.write({ sync: true });
    } else {
      this.mem!.apply(writes);
    }
    this.meta = meta;
    return { block: meta.block, rootBefore, rootAfter: writes.root, witnesses, table, pre };
  }

  /** All present leaves (full scan). */
  async leaves(): Promise<Leaf[]> {
    if (this.mem) return [...this.mem.leaves.values()];
    const out: Leaf[] = [];
    for await (const [, v] of this.db!.iterator({ gte: "l:", lt: "l;" })) out.push(parseLeaf(v));
    return out;
  }

  /**
   * Recomputes the root from the stored leaves alone and compares it with the stored root: the check a
   * node runs after a crash. Cost: O(leaves × depth) hashes.
   */
  async verifyIntegrity(): Promise<{ ok: boolean; recomputed: bigint; stored: bigint; leaves: number }> {
    const leaves = await this.leaves();
    const depth = this.depth;
    const empty = emptyHashes(depth);
    let level = new Map<bigint, bigint>();
    for (const l of leaves) level.set(l.key & ((1n << BigInt(depth)) - 1n), leafHash(l.key, l.value));
    for (let h = 0; h < depth; h++) {
      const next = new Map<bigint, bigint>();
      for (const idx of level.keys()) {
        const parent = idx >> 1n;
        if (next.has(parent)) continue;
        const left = level.get(parent << 1n) ?? empty[h];
        const right = level.get((parent << 1n) | 1n) ?? empty[h];
        next.set(parent, nodeHash(left, right));
      }
      level = next;
    }
    const recomputed = level.get(0n) ?? empty[depth];
    return { ok: recomputed === this.root, recomputed, stored: this.root, leaves: leaves.length };
  }

  async close(): Promise<void> {
    await this.db?.close();
  }
}

function formatLeaf(l: Leaf): string {
  return JSON.stringify({ key: hex(l.key), value: hex(l.value), address: hex(l.address), slot: hex(l.slot) });
}

function parseLeaf(s: string): Leaf {
  const o = JSON.parse(s) as Record<string, string>;
  return { key: BigInt("0x" + o.key), value: BigInt("0x" + o.value), address: BigInt("0x" + o.address), slot: BigInt("0x" + o.slot) };
}
