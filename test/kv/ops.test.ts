// std::kv's named operations (get, insert, update, delete) on witnesses from the off-circuit accumulator:
// a chain on one key satisfies MockProver; each operation refuses what it is not (an insert of 0, an
// update to 0, a wrong starting root, a get along a wrong path or through a false occupant).
import { describe, it, expect, beforeAll } from "vitest";
import type { CompiledCircuit } from "../../backends/plonkish/index.ts";
import { compileFixture } from "./fixture.ts";
import { mockInputs } from "../../tooling/kv/circuit.ts";
import { KvStore, storageKey, splitWord } from "../../runtime/kv/index.ts";

const DEPTH = 8; // must match test/kv/fixtures/kv_ops.cwl

let circuit: CompiledCircuit;
beforeAll(() => {
  circuit = compileFixture("kv_ops.cwl");
});

const check = (inputs: Record<string, unknown>) => mockInputs(circuit, inputs);

async function chain(): Promise<Record<string, string | string[]>> {
  const kv = KvStore.memory({ depth: DEPTH });
  await kv.applyBlock([{ kind: "write", address: 9n, slot: 9n, value: 1n }]);
  const [address, slot, v1, v2] = [5n, 1n, 77n, (3n << 200n) + 9n];
  const idx = (s: bigint) => storageKey(address, s) & BigInt((1 << DEPTH) - 1);
  let absent = 100n;
  while (idx(absent) !== idx(slot)) absent++;
  const block = await kv.applyBlock([
    { kind: "write", address, slot, value: v1 },
    { kind: "write", address, slot, value: v2 },
    { kind: "read", address, slot },
    { kind: "read", address, slot: absent },
    { kind: "write", address, slot, value: 0n },
  ]);
  const [ins, upd, get, abs, del] = block.witnesses;
  expect(abs.occupant?.key).toBe(storageKey(address, slot));
  const s = (x: bigint) => x.toString();
  const sib = (w: typeof ins) => w.siblings.map(s);
  return {
    root0: s(ins.rootBefore), root_end: s(del.rootAfter),
    address: s(address), slot_hi: s(splitWord(slot)[0]), slot_lo: s(splitWord(slot)[1]),
    v1_hi: s(splitWord(v1)[0]), v1_lo: s(splitWord(v1)[1]), v2_hi: s(splitWord(v2)[0]), v2_lo: s(splitWord(v2)[1]),
    absent_slot_lo: s(absent),
    s_insert: sib(ins), s_update: sib(upd), s_get: sib(get), s_absent: sib(abs), s_delete: sib(del),
  };
}

describe("std::kv get / insert / update / delete", () => {
  it("insert → update → get → get (absent, through the occupant) → delete satisfies MockProver", async () => {
    expect(check(await chain())).toEqual([]);
  });

  it("each operation refuses what it is not", async () => {
    const good = await chain();
    const fails = (edit: Record<string, string>, why: RegExp) => {
      const msgs = check({ ...good, ...edit });
      expect(msgs.length).toBeGreaterThan(0);
      expect(msgs.join("\n")).toMatch(why);
    };
    fails({ v1_lo: "0" }, /insert writes a non-zero value/);
    fails({ v2_hi: "0", v2_lo: "0" }, /update writes a non-zero value/);
    fails({ root0: "5" }, /old leaf is not in the tree/);
    // A get against a wrong path (a sibling changed) does not reach the root.
    const s_get = (good.s_get as string[]).map((x, i) => (i === 3 ? (BigInt(x) + 1n).toString() : x));
    const msgs = check({ ...good, s_get });
    expect(msgs.join("\n")).toMatch(/not the key's under this root/);
    fails({ root_end: "1" }, /root after the chain/);
    // An absent read whose claimed occupant is not at its index (another slot): refused.
    fails({ absent_slot_lo: "2" }, /occupant lives at another index/);
  });
});
