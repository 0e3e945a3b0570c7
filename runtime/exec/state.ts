// World state as a flat map of typed keys, and the per-transaction state view the EVM runs against.
// Every algorithm in this folder executes a transaction the same way: a fresh EVM over a `TxView`, which
// buffers the transaction's writes (with the EVM's call checkpoints) and fetches everything else through
// a `Reader` — the committed state (strict order, reordered batches) or the multi-version memory
// (optimistic). The view records what the transaction read (key and the version it saw) and, after the
// run, what it wrote: those are the read/write sets validation and conflict detection work on.
import { SimpleStateManager } from "@ethereumjs/statemanager";
import { Account, type Address, bytesToBigInt, bytesToHex, bigIntToBytes, createAccountFromRLP, hexToBytes } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";

/**
 * A state key. `A:<address>` is an account (nonce, balance, storage root, code hash — its RLP),
 * `C:<address>` its code, `S:<address>:<slot>` one storage word. Addresses and slots are lower-case
 * hex without 0x; slots are 64 digits so that keys sort and compare exactly.
 */
export type Key = string;
/** A value: RLP/code hex for accounts and code, the word in hex for storage; `undefined` = absent/zero. */
export type Value = string | undefined;

const addrHex = (a: Address) => a.toString().slice(2).toLowerCase();
export const accountKey = (a: Address | bigint): Key => `A:${typeof a === "bigint" ? a.toString(16).padStart(40, "0") : addrHex(a)}`;
export const codeKey = (a: Address): Key => `C:${addrHex(a)}`;
export const storageKeyOf = (address: bigint, slot: bigint): Key => `S:${address.toString(16).padStart(40, "0")}:${slot.toString(16).padStart(64, "0")}`;

/** The address and slot of a storage key (undefined for account and code keys). */
export function parseStorageKey(k: Key): { address: bigint; slot: bigint } | undefined {
  if (!k.startsWith("S:")) return undefined;
  return { address: BigInt("0x" + k.slice(2, 42)), slot: BigInt("0x" + k.slice(43)) };
}

/** Committed world state. */
export class WorldState {
  constructor(readonly map: Map<Key, string> = new Map()) {}
  get(k: Key): Value {
    return this.map.get(k);
  }
  apply(writes: ReadonlyMap<Key, Value>): void {
    for (const [k, v] of writes) {
      if (v === undefined) this.map.delete(k);
      else this.map.set(k, v);
    }
  }
  clone(): WorldState {
    return new WorldState(new Map(this.map));
  }
  /**
   * The state commitment compared across algorithms: keccak-256 over the sorted `key=value` lines.
   * Two states have the same root iff they hold the same accounts, code and storage words.
   */
  root(): string {
    const keys = [...this.map.keys()].sort();
    const h = keccak_256.create();
    const enc = new TextEncoder();
    for (const k of keys) h.update(enc.encode(`${k}=${this.map.get(k)}\n`));
    return bytesToHex(h.digest());
  }
}

/** Which version of a key a transaction saw: the writing transaction and its incarnation, or the pre-block state. */
export type Version = { tx: number; incarnation: number } | "base";

export interface ReadResult {
  value: Value;
  version: Version;
}

/** Raised inside the EVM when a read hits a value an aborted transaction is about to rewrite (Block-STM's ESTIMATE). */
export class DependencyAbort extends Error {
  constructor(readonly blocking: number) {
    super(`read depends on transaction ${blocking}`);
  }
}

/** Where a view fetches keys it has not written itself. May throw DependencyAbort. */
export type Reader = (k: Key) => ReadResult | Promise<ReadResult>;

const storageHex = (v: Uint8Array): Value => {
  const x = bytesToBigInt(v);
  return x === 0n ? undefined : x.toString(16);
};

/**
 * The EVM's state manager for one transaction execution. SimpleStateManager keeps the checkpoint stack
 * (the EVM checkpoints around every call frame and reverts failed ones); misses on that stack go to
 * `reader` once per key and are remembered with their version.
 */
export class TxView extends SimpleStateManager {
  readonly reads = new Map<Key, ReadResult>();

  constructor(private reader: Reader) {
    super();
  }

  /** Starts a new execution over `reader`, forgetting the previous one (one view per EVM, reused). */
  reset(reader: Reader): void {
    this.reader = reader;
    this.reads.clear();
    this.accountStack = [];
    this.codeStack = [];
    this.storageStack = [];
    this.checkpointSync();
    this.originalStorageCache.clear();
  }

  /** The first read of a key fixes its value and version for the rest of the execution. */
  async fetch(k: Key): Promise<Value> {
    const seen = this.reads.get(k);
    if (seen) return seen.value;
    const r = await this.reader(k);
    this.reads.set(k, r);
    return r.value;
  }

  override async getAccount(address: Address): Promise<Account | undefined> {
    const top = this.topAccountStack();
    const s = address.toString();
    if (top.has(s)) return top.get(s);
    const v = await this.fetch(accountKey(address));
    // Re-check: another frame may have filled the slot while this one awaited.
    if (top.has(s)) return top.get(s);
    return v === undefined ? undefined : createAccountFromRLP(hexToBytes(`0x${v}`));
  }

  override async getCode(address: Address): Promise<Uint8Array> {
    const top = this.topCodeStack();
    const s = address.toString();
    if (top.has(s)) return top.get(s)!;
    const v = await this.fetch(codeKey(address));
    return v === undefined ? new Uint8Array(0) : hexToBytes(`0x${v}`);
  }

  override async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    const top = this.topStorageStack();
    const s = `${address.toString()}_${bytesToHex(key)}`;
    if (top.has(s)) return top.get(s)!;
    const v = await this.fetch(storageKeyOf(bytesToBigInt(address.bytes), bytesToBigInt(key)));
    return v === undefined ? new Uint8Array(0) : bigIntToBytes(BigInt("0x" + v));
  }

  /**
   * The write set: every key the execution left changed on the stack. A put of the value the key
   * already had (the EVM re-puts the caller's and callee's accounts on every call) is not a write;
   * comparing needs the old value, so such a key is in the read set instead, which keeps validation exact.
   */
  async writeSet(): Promise<Map<Key, Value>> {
    const out = new Map<Key, Value>();
    const put = async (k: Key, v: Value) => {
      if ((await this.fetch(k)) !== v) out.set(k, v);
    };
    for (const [s, acc] of this.topAccountStack()) {
      const addr = s.slice(2).toLowerCase();
      await put(`A:${addr}`, acc === undefined ? undefined : bytesToHex(acc.serialize()).slice(2));
    }
    for (const [s, code] of this.topCodeStack()) await put(`C:${s.slice(2).toLowerCase()}`, code.length ? bytesToHex(code).slice(2) : undefined);
    for (const [s, v] of this.topStorageStack()) {
      const [a, slot] = s.split("_");
      await put(storageKeyOf(BigInt(a), BigInt(slot)), storageHex(v));
    }
    return out;
  }
}

export { Account };
