// One transaction execution: an EVM (one per lane, reused) over a TxView, returning the read and write
// sets. Every scheduler in this folder is built from `Lanes.run`, so they all execute a transaction
// identically and differ only in which state a read sees and when writes are published.
import { createEVM, type EVM } from "@ethereumjs/evm";
import { bytesToBigInt, createAddressFromBigInt } from "@ethereumjs/util";
import { type Key, type ReadResult, type Reader, type Value, TxView, DependencyAbort } from "./state.ts";

/** A transaction: a call (or, without `to`, a contract creation) from an externally owned account; the EVM bumps the sender's nonce. */
export interface Tx {
  from: bigint;
  to?: bigint;
  data: Uint8Array;
  /** Wei moved from the sender to `to` (default 0). */
  value?: bigint;
}

export interface TxExecution {
  /** False when the call reverted (its state changes are dropped; the nonce bump stays, as on a chain). */
  ok: boolean;
  reads: Map<Key, ReadResult>;
  writes: Map<Key, Value>;
  /** The new contract's address, for a creation. */
  created?: bigint;
}

/** Optional pause injected at every state read (tests use random ones to shake interleavings). */
export type Delay = (tx: number) => Promise<void> | undefined;

const GAS = 10_000_000n;

/**
 * Where executions run: at most `size` at once, each on its own EVM. `Lanes` keeps the EVMs on this
 * thread; `ThreadLanes` (threads.ts) puts each in a worker thread that fetches state from this one.
 */
export interface ExecLanes {
  readonly size: number;
  /** Executions started (including re-executions and pre-executions). */
  executions: number;
  /** Executes `tx` (block position `index`) reading through `reader`. DependencyAbort propagates. */
  run(tx: Tx, index: number, reader: Reader, delay?: Delay): Promise<TxExecution>;
  close(): Promise<void>;
}

/** A fixed set of EVMs on this thread, each with its own reusable view: one per concurrently running execution. */
export class Lanes implements ExecLanes {
  private free: { evm: EVM; view: TxView }[] = [];
  private waiters: (() => void)[] = [];
  /** Executions started (including re-executions). */
  executions = 0;

  private constructor(readonly size: number) {}

  static async create(size: number): Promise<Lanes> {
    const l = new Lanes(size);
    for (let i = 0; i < size; i++) {
      const view = new TxView(() => ({ value: undefined, version: "base" }));
      const evm = await createEVM({ stateManager: view });
      l.free.push({ evm, view });
    }
    return l;
  }

  /** Executes `tx` (block position `index`) reading through `reader`. DependencyAbort propagates. */
  async run(tx: Tx, index: number, reader: Reader, delay?: Delay): Promise<TxExecution> {
    while (this.free.length === 0) await new Promise<void>((r) => this.waiters.push(r));
    let lane = this.free.pop()!;
    this.executions++;
    try {
      const read: Reader = delay
        ? async (k) => {
            await delay(index);
            return reader(k);
          }
        : reader;
      lane.view.reset(read);
      // Warm-address bookkeeping only prices gas, but starting each execution clean keeps a lane's
      // history from reaching into the next transaction.
      lane.evm.journal.cleanJournal();
      const res = await lane.evm.runCall({
        caller: createAddressFromBigInt(tx.from),
        to: tx.to === undefined ? undefined : createAddressFromBigInt(tx.to),
        data: tx.data,
        value: tx.value ?? 0n,
        gasLimit: GAS,
      });
      const writes = await lane.view.writeSet();
      const created = res.createdAddress ? bytesToBigInt(res.createdAddress.bytes) : undefined;
      return { ok: !res.execResult.exceptionError, reads: new Map(lane.view.reads), writes, created };
    } catch (e) {
      // An abort unwinds the EVM mid-call, leaving its frame stacks (journal, transient storage)
      // half-pushed: the lane gets a fresh EVM rather than carrying that into the next execution.
      const view = new TxView(() => ({ value: undefined, version: "base" }));
      lane = { evm: await createEVM({ stateManager: view }), view };
      throw e;
    } finally {
      this.free.push(lane);
      this.waiters.shift()?.();
    }
  }

  async close(): Promise<void> {}
}

export { DependencyAbort };

/** A stopwatch for the scheduler's own (synchronous) work: dispatch, validation, bookkeeping, planning. */
export class SchedClock {
  ms = 0;
  time<T>(f: () => T): T {
    const t = performance.now();
    try {
      return f();
    } finally {
      this.ms += performance.now() - t;
    }
  }
}
