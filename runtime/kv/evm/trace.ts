// Records the storage accesses (SLOAD/SSTORE) of real contract execution with @ethereumjs/evm, the way a
// zkEVM's bus-mapping does: every access with its address, slot and values before/after. These traces
// feed the KV accumulator and the EVM storage circuit (stdlib/evm/storage.cwl).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEVM, type EVM } from "@ethereumjs/evm";
import {
  Address,
  bigIntToBytes,
  bytesToBigInt,
  createAccount,
  createAddressFromBigInt,
  hexToBytes,
  setLengthLeft,
} from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";

export interface StorageAccess {
  /** Position in the trace (the circuit's op_counter). */
  counter: number;
  kind: "SLOAD" | "SSTORE";
  address: bigint;
  slot: bigint;
  /** Value in storage before the access. */
  before: bigint;
  /** Value after the access (equals `before` for SLOAD). */
  after: bigint;
}

interface Artifacts {
  contracts: Record<string, { bytecode: string; deployedBytecode: string }>;
}

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "contracts", "artifacts.json");

export function loadArtifacts(): Artifacts {
  return JSON.parse(readFileSync(ARTIFACTS, "utf8")) as Artifacts;
}

export function selector(signature: string): string {
  return Buffer.from(keccak_256(new TextEncoder().encode(signature)).slice(0, 4)).toString("hex");
}

const word = (x: bigint) => x.toString(16).padStart(64, "0");

/** ABI-encodes a call with static (address/uint) arguments. */
export function encodeCall(signature: string, args: bigint[]): Uint8Array {
  return hexToBytes(`0x${selector(signature)}${args.map(word).join("")}`);
}

/** A local chain with one EVM whose storage accesses are recorded into `trace`. */
export class TracingChain {
  readonly trace: StorageAccess[] = [];
  private recording = true;

  private constructor(readonly evm: EVM) {}

  static async create(): Promise<TracingChain> {
    const evm = await createEVM();
    const chain = new TracingChain(evm);
    evm.events!.on("step", async (step, resolve) => {
      try {
        if (chain.recording && (step.opcode.name === "SLOAD" || step.opcode.name === "SSTORE")) {
          const slot = step.stack[step.stack.length - 1];
          const key = setLengthLeft(bigIntToBytes(slot), 32);
          const before = bytesToBigInt(await step.stateManager.getStorage(step.address, key));
          const after = step.opcode.name === "SSTORE" ? step.stack[step.stack.length - 2] : before;
          chain.trace.push({
            counter: chain.trace.length,
            kind: step.opcode.name,
            address: bytesToBigInt(step.address.bytes),
            slot,
            before,
            after,
          });
        }
      } finally {
        resolve?.();
      }
    });
    return chain;
  }

  async fund(addr: bigint): Promise<Address> {
    const a = createAddressFromBigInt(addr);
    await this.evm.stateManager.putAccount(a, createAccount({ balance: 10n ** 20n }));
    return a;
  }

  /** Deploys `name` from the committed artifacts; constructor args are static words. */
  async deploy(name: string, from: bigint, ctorArgs: bigint[] = []): Promise<bigint> {
    const art = loadArtifacts().contracts[name];
    if (!art) throw new Error(`unknown contract ${name}`);
    const caller = await this.fund(from);
    const data = hexToBytes(`0x${art.bytecode}${ctorArgs.map(word).join("")}`);
    const res = await this.evm.runCall({ caller, data, gasLimit: 10_000_000n });
    if (res.execResult.exceptionError) throw new Error(`deploy ${name}: ${res.execResult.exceptionError.error}`);
    return bytesToBigInt(res.createdAddress!.bytes);
  }

  async call(from: bigint, to: bigint, signature: string, args: bigint[]): Promise<Uint8Array> {
    const caller = await this.fund(from);
    const mark = this.trace.length;
    const res = await this.evm.runCall({
      caller,
      to: createAddressFromBigInt(to),
      data: encodeCall(signature, args),
      gasLimit: 10_000_000n,
    });
    if (res.execResult.exceptionError) {
      // A reverted call changes no state, so its accesses (possibly reads of tentative writes) are dropped.
      this.trace.length = mark;
      throw new Error(`${signature}: ${res.execResult.exceptionError.error}`);
    }
    return res.execResult.returnValue;
  }

  /** Runs `fn` without recording (e.g. deployment, whose accesses are not part of the demo block). */
  async quietly<T>(fn: () => Promise<T>): Promise<T> {
    this.recording = false;
    try {
      return await fn();
    } finally {
      this.recording = true;
    }
  }
}

/**
 * The demo workload: an ERC-20 deployed with the whole supply at `owner`, then `transfers` transfers
 * between a few holders. Returns the storage trace of the transfers (SLOADs and SSTOREs) and the
 * deployment's storage writes (the initial state the accumulator starts from).
 */
export async function erc20TransferTrace(transfers: number): Promise<{ genesis: StorageAccess[]; trace: StorageAccess[]; token: bigint }> {
  const chain = await TracingChain.create();
  const owner = 0x1000n;
  const token = await chain.deploy("Token", owner, [10n ** 24n]);
  const genesis = chain.trace.splice(0).filter((a) => a.kind === "SSTORE");
  const holders = [owner, 0x2000n, 0x3000n, 0x4000n, 0x5000n];
  for (let i = 0; i < transfers; i++) {
    const from = holders[i % holders.length];
    const to = holders[(i * 3 + 1) % holders.length];
    const amount = 1000n + BigInt(i);
    await chain.call(from === to ? owner : from, token, "transfer(address,uint256)", [to, amount]).catch(async () => {
      // A holder without balance reverts (no storage change); the owner pays instead, which keeps
      // the workload deterministic.
      await chain.call(owner, token, "transfer(address,uint256)", [to, amount]);
    });
  }
  return { genesis, trace: chain.trace.map((a, i) => ({ ...a, counter: i })), token };
}

/** A storage-heavy loop: `churn(start, count, salt)` reads and rewrites `count` slots. */
export async function storageLoopTrace(count: number): Promise<{ trace: StorageAccess[]; contract: bigint }> {
  const chain = await TracingChain.create();
  const contract = await chain.deploy("StorageLoop", 0x1000n);
  chain.trace.splice(0);
  await chain.call(0x1000n, contract, "churn(uint256,uint256,uint256)", [0n, BigInt(count), 7n]);
  await chain.call(0x1000n, contract, "churn(uint256,uint256,uint256)", [0n, BigInt(count), 9n]);
  return { trace: chain.trace.map((a, i) => ({ ...a, counter: i })), contract };
}
