// Test helpers: compile a generated verifier with solc-js (pinned 0.8.28), deploy it in @ethereumjs/evm
// and call `verify(bytes, uint256[])`, returning the verdict, the gas used and any revert data.
import { createEVM, type EVM } from "@ethereumjs/evm";
import { createAddressFromBigInt, hexToBytes } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import solc from "solc";

export interface Compiled {
  bytecode: string;
  deployedBytes: number;
}

export function compileSolidity(source: string, contractName: string, optimize = true): Compiled {
  const input = {
    language: "Solidity",
    sources: { "Verifier.sol": { content: source } },
    settings: { optimizer: { enabled: optimize, runs: 200 }, outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.deployedBytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n"));
  const c = out.contracts["Verifier.sol"][contractName];
  return { bytecode: c.evm.bytecode.object, deployedBytes: c.evm.deployedBytecode.object.length / 2 };
}

const word = (x: bigint) => x.toString(16).padStart(64, "0");

/** ABI encoding of verify(bytes proof, uint256[] instances). */
export function encodeVerifyCall(proof: Uint8Array, instances: readonly bigint[]): Uint8Array {
  const sel = Buffer.from(keccak_256(new TextEncoder().encode("verify(bytes,uint256[])")).slice(0, 4)).toString("hex");
  const padded = Math.ceil(proof.length / 32) * 32;
  const proofHex = Buffer.from(proof).toString("hex").padEnd(padded * 2, "0");
  const head = word(0x40n) + word(BigInt(0x40 + 32 + padded));
  const body = word(BigInt(proof.length)) + proofHex + word(BigInt(instances.length)) + instances.map(word).join("");
  return hexToBytes(`0x${sel}${head}${body}`);
}

export interface CallResult {
  ok: boolean;
  gas: bigint;
  reverted: boolean;
  returnValue: Uint8Array;
}

export class VerifierChain {
  private constructor(
    private readonly evm: EVM,
    readonly address: bigint,
  ) {}

  static async deploy(bytecode: string): Promise<VerifierChain> {
    const evm = await createEVM();
    const res = await evm.runCall({ data: hexToBytes(`0x${bytecode}`), gasLimit: 30_000_000n });
    if (res.execResult.exceptionError) throw new Error(`deploy: ${res.execResult.exceptionError.error}`);
    return new VerifierChain(evm, BigInt(res.createdAddress!.toString()));
  }

  async verify(proof: Uint8Array, instances: readonly bigint[]): Promise<CallResult> {
    const res = await this.evm.runCall({ to: createAddressFromBigInt(this.address), data: encodeVerifyCall(proof, instances), gasLimit: 30_000_000n });
    const rv = res.execResult.returnValue;
    const reverted = res.execResult.exceptionError !== undefined;
    const ok = !reverted && rv.length === 32 && rv[31] === 1 && rv.subarray(0, 31).every((b) => b === 0);
    return { ok, gas: res.execResult.executionGasUsed, reverted, returnValue: rv };
  }
}
