// std::kv circuits end to end: witnesses from the off-circuit accumulator (runtime/kv) satisfy the
// PLONKish layout and prove/verify with KZG; wrong old values, wrong roots and forged occupants fail.
import { describe, it, expect, beforeAll } from "vitest";
import { witnessFor, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import { keygen, prove, verify, insecureDevSrs, minimumK, stats } from "../../runtime/plonk/index.ts";
import { compileFixture } from "./fixture.ts";
import { mockInputs } from "../../tooling/kv/circuit.ts";
import { KvStore, accessInputs, storageKey, type AccessWitness } from "../../runtime/kv/index.ts";

const DEPTH = 8; // must match test/kv/fixtures/kv_access.cwl

let circuit: CompiledCircuit;
beforeAll(() => {
  circuit = compileFixture("kv_access.cwl");
});

const mock = (inputs: Record<string, unknown>) => mockInputs(circuit, inputs);

async function witnesses(): Promise<{ insert: AccessWitness; update: AccessWitness; read: AccessWitness; del: AccessWitness; absent: AccessWitness }> {
  const kv = KvStore.memory({ depth: DEPTH });
  const insert = (await kv.applyBlock([{ kind: "write", address: 5n, slot: 1n, value: 77n }])).witnesses[0];
  await kv.applyBlock([{ kind: "write", address: 6n, slot: 2n << 130n, value: 1n << 255n }]);
  const update = (await kv.applyBlock([{ kind: "write", address: 5n, slot: 1n, value: (3n << 200n) + 9n }])).witnesses[0];
  const read = (await kv.applyBlock([{ kind: "read", address: 6n, slot: 2n << 130n }])).witnesses[0];
  // An absent key whose index is occupied by (5, 1): non-membership through the occupant.
  const idx = storageKey(5n, 1n) & BigInt((1 << DEPTH) - 1);
  let s = 100n;
  while ((storageKey(5n, s) & BigInt((1 << DEPTH) - 1)) !== idx) s++;
  const absent = (await kv.applyBlock([{ kind: "read", address: 5n, slot: s }])).witnesses[0];
  const del = (await kv.applyBlock([{ kind: "write", address: 6n, slot: 2n << 130n, value: 0n }])).witnesses[0];
  return { insert, update, read, del, absent };
}

describe("std::kv::access on the PLONKish backend", () => {
  it("insert, update, read, delete and non-membership witnesses satisfy MockProver", async () => {
    const ws = await witnesses();
    expect(ws.absent.occupant).toBeDefined();
    for (const w of Object.values(ws)) expect(mock(accessInputs(w))).toEqual([]);
    console.log(`kv access, depth ${DEPTH}: ${JSON.stringify(stats(circuit.program.circuit))}`);
  });

  it("rejects a wrong old value, a wrong root, a wrong sibling and a forged occupant", async () => {
    const { update, absent } = await witnesses();
    const good = accessInputs(update);
    expect(mock({ ...good, before_lo: "10" })).not.toEqual([]);
    expect(mock({ ...good, root_after: (update.rootAfter + 1n).toString() })).not.toEqual([]);
    expect(mock({ ...good, root_before: (update.rootBefore + 1n).toString() })).not.toEqual([]);
    expect(mock({ ...good, siblings: (good.siblings as string[]).map((s, i) => (i === 2 ? "1" : s)) })).not.toEqual([]);
    // Claiming an occupant for a present key (to hide its value) fails.
    expect(mock({ ...good, has_occupant: "1", occ_key: good.address })).not.toEqual([]);
    // A non-membership proof cannot smuggle in a write.
    expect(mock({ ...accessInputs(absent), after_lo: "5" })).not.toEqual([]);
  });

  it("proves and verifies with KZG; a wrong public root is rejected", async () => {
    const { update } = await witnesses();
    const { witness } = witnessFor(circuit, accessInputs(update));
    const k = minimumK(circuit.program.circuit);
    const pk = await keygen(insecureDevSrs(1 << k), circuit.program.circuit);
    const proof = await prove(pk, witness!);
    expect(await verify(pk.vk, witness!.instance, proof)).toBe(true);
    const wrong = witness!.instance.map((col) => col.map((v, i) => (i === 1 ? v ^ 1n : v)));
    expect(await verify(pk.vk, wrong, proof)).toBe(false);
  });
});
