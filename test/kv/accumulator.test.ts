import { describe, it, expect } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KvStore, checkWitness, KvCollisionError, emptyHashes, storageKey, rootFromPath, leafHash } from "../../runtime/kv/index.ts";

const D = 16; // small depth keeps the suite fast; the logic is depth-generic

describe("sparse Merkle accumulator", () => {
  it("empty tree root is the empty-subtree constant, and deleting restores it", async () => {
    const kv = KvStore.memory({ depth: D });
    const empty = kv.root;
    expect(empty).toBe(emptyHashes(D)[D]);
    await kv.applyBlock([{ kind: "write", address: 1n, slot: 2n, value: 3n }]);
    expect(kv.root).not.toBe(empty);
    expect(await kv.get(1n, 2n)).toBe(3n);
    await kv.applyBlock([{ kind: "write", address: 1n, slot: 2n, value: 0n }]);
    expect(kv.root).toBe(empty);
  });

  it("every witness of a block checks, and chains root to root", async () => {
    const kv = KvStore.memory({ depth: D });
    const ops = Array.from({ length: 40 }, (_, i) => ({
      kind: (i % 3 === 2 ? "read" : "write") as "read" | "write",
      address: BigInt(i % 5),
      slot: BigInt(i % 7) << 200n,
      value: BigInt(i * 1_000_003) << 130n,
    }));
    const r = await kv.applyBlock(ops);
    let root = r.rootBefore;
    for (const w of r.witnesses) {
      expect(checkWitness(w, D)).toBeUndefined();
      expect(w.rootBefore).toBe(root);
      root = w.rootAfter;
    }
    expect(root).toBe(kv.root);
    expect((await kv.verifyIntegrity()).ok).toBe(true);
  });

  it("rejects tampered witnesses: wrong old value, wrong root, wrong sibling", async () => {
    const kv = KvStore.memory({ depth: D });
    await kv.applyBlock([{ kind: "write", address: 7n, slot: 1n, value: 10n }]);
    const { witnesses } = await kv.applyBlock([{ kind: "write", address: 7n, slot: 1n, value: 11n }]);
    const w = witnesses[0];
    expect(checkWitness(w, D)).toBeUndefined();
    expect(checkWitness({ ...w, valueBefore: 9n }, D)).toMatch(/rootBefore/);
    expect(checkWitness({ ...w, rootAfter: w.rootAfter + 1n }, D)).toMatch(/rootAfter/);
    expect(checkWitness({ ...w, siblings: w.siblings.map((s, i) => (i === 3 ? s + 1n : s)) }, D)).toMatch(/root/);
  });

  it("proves non-membership via an occupant and refuses colliding writes", async () => {
    const depth = 4; // 16 leaves: collisions are easy to find
    const kv = KvStore.memory({ depth });
    await kv.applyBlock([{ kind: "write", address: 1n, slot: 0n, value: 5n }]);
    const idx = storageKey(1n, 0n) & 15n;
    let s = 1n;
    while ((storageKey(1n, s) & 15n) !== idx) s++;
    const { witnesses } = await kv.applyBlock([{ kind: "read", address: 1n, slot: s }]);
    expect(witnesses[0].occupant?.value).toBe(5n);
    expect(witnesses[0].valueBefore).toBe(0n);
    expect(checkWitness(witnesses[0], depth)).toBeUndefined();
    await expect(kv.applyBlock([{ kind: "write", address: 1n, slot: s, value: 1n }])).rejects.toBeInstanceOf(KvCollisionError);
  });

  it("persists in LevelDB across reopen, with an integrity check", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-kv-"));
    try {
      const kv = await KvStore.open(dir, { depth: D });
      await kv.applyBlock([
        { kind: "write", address: 1n, slot: 1n, value: 100n },
        { kind: "write", address: 2n, slot: 1n, value: 200n },
      ]);
      await kv.applyBlock([{ kind: "write", address: 1n, slot: 1n, value: 0n }]);
      const root = kv.root;
      await kv.close();
      const again = await KvStore.open(dir);
      expect(again.root).toBe(root);
      expect(again.block).toBe(2);
      expect(await again.get(2n, 1n)).toBe(200n);
      expect(await again.get(1n, 1n)).toBe(0n);
      const integ = await again.verifyIntegrity();
      expect(integ).toMatchObject({ ok: true, leaves: 1 });
      // The root equals the single remaining leaf's path over empty siblings.
      const k = storageKey(2n, 1n);
      expect(rootFromPath(leafHash(k, 200n), k & ((1n << BigInt(D)) - 1n), emptyHashes(D).slice(0, D))).toBe(root);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
