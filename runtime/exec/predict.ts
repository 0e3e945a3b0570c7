// Predicted read/write sets. Where the contract and calldata decide the accesses — an ERC-20
// `transfer(to, value)` touches balanceOf[sender] and balanceOf[to] — the prediction is computed
// without executing the transaction; otherwise the transaction is pre-executed on the pre-block state
// (its accesses there; the block's earlier transactions may change them, which the executor detects).
import { bytesToHex } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { ExecLanes, Tx, TxExecution } from "./execute.ts";
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

/**
 * What the code of a contract shows about one of its functions, learned once per (code, selector) and kept
 * for the process, as a node keeps it for its life: the facts depend on the code alone, so every chain and
 * every block that calls the same code reuses them.
 */
export interface ClassFacts {
  /**
   * Two calls from different senders conflicted — one wrote a key the other read or wrote (the AMM's
   * reserves, the NFT's counter): every call of the class after the first in a block is expected to
   * conflict. Learned by pre-executing two of the class's transactions once; a heuristic for the
   * adaptive policy only (no scheduler's result depends on it).
   */
  conflicting: boolean;
}

/** Per code (hex): the dispatcher scan and the balanceOf slot. */
const contractInfo = new Map<string, ContractInfo>();
/** Per code, then per selector. */
const classFacts = new Map<string, Map<number, ClassFacts>>();

/** Forgets every contract's and class's facts (the bench measures a node meeting its contracts for the first time). */
export function clearCodeFacts(): void {
  contractInfo.clear();
  classFacts.clear();
}

const selectorOf = (tx: Tx) => (tx.data.length >= 4 ? ((tx.data[0] << 24) | (tx.data[1] << 16) | (tx.data[2] << 8) | tx.data[3]) >>> 0 : -1);
const TRANSFER_SEL = parseInt(TRANSFER, 16);

/**
 * Predictions for one chain. The analysis of a contract is cached per code for the process
 * (`contractInfo`); the chain's own cache maps a deployed address to its code's analysis (code at an
 * address never changes once deployed) and remembers derived storage keys.
 */
export class Predictor {
  /** Storage keys of balance words already derived: a keccak costs tens of µs, and holders recur across blocks. */
  private balanceKeys = new Map<string, string>();
  private byAddress = new Map<bigint, ContractInfo>();
  private senderKeys = new Map<bigint, Key>();
  constructor(private readonly lanes: ExecLanes) {}

  private balanceKey(token: bigint, holder: bigint, base: bigint): string {
    const id = `${token}:${holder}:${base}`;
    let k = this.balanceKeys.get(id);
    if (k === undefined) this.balanceKeys.set(id, (k = storageKeyOf(token, mappingSlot(holder, base))));
    return k;
  }

  private senderKey(from: bigint): Key {
    let k = this.senderKeys.get(from);
    if (k === undefined) this.senderKeys.set(from, (k = accountKey(from)));
    return k;
  }

  private codeAt(state: WorldState, to: bigint): string {
    return state.get(codeKey(createAddressFromBigInt(to))) ?? "";
  }

  private async analyze(state: WorldState, to: bigint): Promise<ContractInfo> {
    const known = this.byAddress.get(to);
    if (known) return known;
    const codeHex = this.codeAt(state, to);
    let info = contractInfo.get(codeHex);
    if (!info) {
      info = {};
      const sels = dispatchedSelectors(hexBytes(codeHex));
      if (sels.has(TRANSFER) && sels.has(BALANCE_OF)) {
        // Run the getter once for a probe holder on otherwise empty storage: the one storage word it
        // loads must be keccak(probe ‖ base) for a small base, which names the mapping's slot.
        const r = await this.lanes.run({ from: 1n, to, data: hexBytes(BALANCE_OF + word(PROBE)) }, -1, (k) => ({ value: k.startsWith("C:") || k.startsWith("A:") ? state.get(k) : undefined, version: "base" }));
        const loaded = [...r.reads.keys()].filter((k) => k.startsWith("S:"));
        if (loaded.length === 1)
          for (let base = 0n; base < 64n; base++) if (storageKeyOf(to, mappingSlot(PROBE, base)) === loaded[0]) info.balanceSlot = base;
      }
      contractInfo.set(codeHex, info);
    }
    // An address without code yet (a contract the block is about to create) is not remembered.
    if (codeHex) this.byAddress.set(to, info);
    return info;
  }

  /** The static prediction of a transfer to an ERC-20-pattern contract; undefined for anything else. */
  private async transferPrediction(state: WorldState, tx: Tx): Promise<Prediction | undefined> {
    if (selectorOf(tx) !== TRANSFER_SEL || tx.data.length !== 68 || tx.to === undefined) return undefined;
    const info = await this.analyze(state, tx.to);
    if (info.balanceSlot === undefined) return undefined;
    const to = BigInt("0x" + Buffer.from(tx.data.subarray(4, 36)).toString("hex")) & ((1n << 160n) - 1n);
    const from = this.balanceKey(tx.to, tx.from, info.balanceSlot);
    const dest = this.balanceKey(tx.to, to, info.balanceSlot);
    const sender = this.senderKey(tx.from);
    return { reads: new Set([sender, from, dest]), writes: new Set([sender, from, dest]), static: true };
  }

  async predict(state: WorldState, tx: Tx): Promise<Prediction> {
    const p = await this.transferPrediction(state, tx);
    if (p) return p;
    const r = await this.lanes.run(tx, -1, (k) => ({ value: state.get(k), version: "base" }));
    return { reads: new Set(r.reads.keys()), writes: new Set(r.writes.keys()), static: false };
  }

  /** Only what is decidable without executing (undefined otherwise): what the adaptive policy peeks at. */
  predictStatic(state: WorldState, tx: Tx): Promise<Prediction | undefined> {
    return this.transferPrediction(state, tx);
  }

  /**
   * The facts of the class of `sample` (its callee's code and selector; all of `sample` share both),
   * learned on first need by pre-executing two of them with different senders on `state`; undefined
   * when that cannot be learned here (a creation, a callee without code, fewer than two senders).
   */
  async classFacts(state: WorldState, sample: readonly Tx[]): Promise<ClassFacts | undefined> {
    const first = sample[0];
    if (!first || first.to === undefined) return undefined;
    const codeHex = this.codeAt(state, first.to);
    if (!codeHex) return undefined;
    let perCode = classFacts.get(codeHex);
    if (!perCode) classFacts.set(codeHex, (perCode = new Map()));
    const known = perCode.get(selectorOf(first));
    if (known) return known;
    const second = sample.find((t) => t.from !== first.from);
    if (!second) return undefined;
    const run = (tx: Tx) => this.lanes.run(tx, -1, (k) => ({ value: state.get(k), version: "base" }));
    const [a, b] = [await run(first), await run(second)];
    const touches = (x: TxExecution, k: Key) => x.writes.has(k) || x.reads.has(k);
    const facts = { conflicting: [...a.writes.keys()].some((k) => touches(b, k)) || [...b.writes.keys()].some((k) => touches(a, k)) };
    perCode.set(selectorOf(first), facts);
    return facts;
  }
}
