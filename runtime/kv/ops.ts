import type { StorageAccess } from "./evm/trace.ts";
import type { StorageOp } from "./store.ts";

/** An EVM storage trace as accumulator operations: SLOAD → read, SSTORE → write of the new value. */
export function accessesToOps(trace: readonly StorageAccess[]): StorageOp[] {
  return trace.map((a) =>
    a.kind === "SSTORE"
      ? { kind: "write", address: a.address, slot: a.slot, value: a.after }
      : { kind: "read", address: a.address, slot: a.slot },
  );
}
