// Predicted read/write sets. Where the contract and calldata decide the accesses — an ERC-20
// `transfer(to, value)` touches balanceOf[sender] and balanceOf[to] — the prediction is computed
// without executing the transaction; otherwise the transaction is pre-executed on the pre-block state
// (its accesses there; the block's earlier transactions may change them, which the executor detects).
import { bytesToHex } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { ExecLanes, Tx } from "./execute.ts";
import { type Key, accountKey, codeKey, storageKeyOf, WorldState } from "./state.ts";
import { createAddressFromBigInt } from "@ethereumjs/util";

export interface Prediction {
  reads: Set<Key>;
  writes: Set<Key>;
  /** true: from the contract and calldata alone; false: from a pre-execution. */
  static: boolean;
}

const TRANSFER = "a9059cbb"; // transfer(address,uint256)
const BALANCE_OF = "70a08231"; // balanceOf(address)
const PROBE = 0xc0ffeen;

const word = (x: bigint) => x.toString(16).padStart(64, "0");
const hexBytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
/** Solidity's slot of `mapping(key => …)` at base slot `slot`: keccak256(pad32(key) ‖ pad32(slot)). */
export const mappingSlot = (key: bigint, slot: bigint) => BigInt(bytesToHex(keccak_256(hexBytes(word(key) + word(slot)))));

/**
 * The selectors a contract dispatches on: each `PUSH4 sel` followed within three instructions by EQ
 * (solc's dispatcher compares the calldata selector against every function's). Push data is skipped,
 * so bytes inside constants are not read as instructions.
 */
export function dispatchedSelectors(code: Uint8Array): Set<string> {
  const out = new Set<string>();
  const ops: { op: number; arg?: string }[] = [];
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc];
    if (op >= 0x60 && op <= 0x7f) {
      const len = op - 0x5f;
      ops.push({ op, arg: Buffer.from(code.subarray(pc + 1, pc + 1 + len)).toString("hex") });
      pc += len;
    } else ops.push({ op });
  }
  ops.forEach((o, i) => {
    if (o.op === 0x63 && ops.slice(i + 1, i + 4).some((p) => p.op === 0x14)) out.add(o.arg!);
  });
  return out;
}

interface ContractInfo {
  /** Base slot of the `balanceOf` mapping when the contract follows the ERC-20 transfer pattern. */
  balanceSlot?: bigint;
}

/** Per-contract analysis (cached by code): the dispatcher scan, then the balanceOf getter's slot. */
export class Predictor {
  private contracts = new Map<string, ContractInfo>();
  /** Storage keys of balance words already derived: a keccak costs tens of µs, and holders recur across blocks. */
  private balanceKeys = new Map<string, string>();
  constructor(private readonly lanes: ExecLanes) {}

  private balanceKey(token: bigint, holder: bigint, base: bigint): string {
    const id = `${token}:${holder}:${base}`;
    let k = this.balanceKeys.get(id);
    if (k === undefined) this.balanceKeys.set(id, (k = storageKeyOf(token, mappingSlot(holder, base))));
    return k;
  }

  private async analyze(state: WorldState, to: bigint): Promise<ContractInfo> {
    const codeHex = state.get(codeKey(createAddressFromBigInt(to))) ?? "";
    const cached = this.contracts.get(codeHex);
    if (cached) return cached;
    const info: ContractInfo = {};
    const sels = dispatchedSelectors(hexBytes(codeHex));
    if (sels.has(TRANSFER) && sels.has(BALANCE_OF)) {
      // Run the getter once for a probe holder on otherwise empty storage: the one storage word it
      // loads must be keccak(probe ‖ base) for a small base, which names the mapping's slot.
      const r = await this.lanes.run({ from: 1n, to, data: hexBytes(BALANCE_OF + word(PROBE)) }, -1, (k) => ({ value: k.startsWith("C:") || k.startsWith("A:") ? state.get(k) : undefined, version: "base" }));
      const loaded = [...r.reads.keys()].filter((k) => k.startsWith("S:"));
      if (loaded.length === 1)
        for (let base = 0n; base < 64n; base++) if (storageKeyOf(to, mappingSlot(PROBE, base)) === loaded[0]) info.balanceSlot = base;
    }
    this.contracts.set(codeHex, info);
    return info;
  }

  async predict(state: WorldState, tx: Tx): Promise<Prediction> {
    const sel = Buffer.from(tx.data.subarray(0, 4)).toString("hex");
    if (sel === TRANSFER && tx.data.length === 68 && tx.to !== undefined) {
      const info = await this.analyze(state, tx.to);
      if (info.balanceSlot !== undefined) {
        const to = BigInt("0x" + Buffer.from(tx.data.subarray(4, 36)).toString("hex")) & ((1n << 160n) - 1n);
        const from = this.balanceKey(tx.to, tx.from, info.balanceSlot);
        const dest = this.balanceKey(tx.to, to, info.balanceSlot);
        const sender = accountKey(tx.from);
        return { reads: new Set([sender, from, dest]), writes: new Set([sender, from, dest]), static: true };
      }
    }
    const r = await this.lanes.run(tx, -1, (k) => ({ value: state.get(k), version: "base" }));
    return { reads: new Set(r.reads.keys()), writes: new Set(r.writes.keys()), static: false };
  }

  /** Only what is decidable without executing (undefined otherwise): what the adaptive policy peeks at. */
  async predictStatic(state: WorldState, tx: Tx): Promise<Prediction | undefined> {
    const sel = Buffer.from(tx.data.subarray(0, 4)).toString("hex");
    if (sel !== TRANSFER || tx.data.length !== 68 || tx.to === undefined) return undefined;
    const info = await this.analyze(state, tx.to);
    return info.balanceSlot === undefined ? undefined : this.predict(state, tx);
  }
}
