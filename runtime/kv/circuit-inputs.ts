import { splitWord, type AccessWitness } from "./smt.ts";

/** Inputs of `std::kv::access` (and the KvAccess circuits) for one witness, as JSON-ready strings. */
export function accessInputs(w: AccessWitness): Record<string, string | string[]> {
  const [slotHi, slotLo] = splitWord(w.slot);
  const [bHi, bLo] = splitWord(w.valueBefore);
  const [aHi, aLo] = splitWord(w.valueAfter);
  const occ = w.occupant;
  const [oHi, oLo] = occ ? splitWord(occ.value) : [0n, 0n];
  const s = (x: bigint) => x.toString();
  return {
    root_before: s(w.rootBefore),
    root_after: s(w.rootAfter),
    address: s(w.address),
    slot_hi: s(slotHi),
    slot_lo: s(slotLo),
    before_hi: s(bHi),
    before_lo: s(bLo),
    after_hi: s(aHi),
    after_lo: s(aLo),
    has_occupant: occ ? "1" : "0",
    occ_key: s(occ ? occ.key : 0n),
    occ_hi: s(oHi),
    occ_lo: s(oLo),
    siblings: w.siblings.map(s),
  };
}
