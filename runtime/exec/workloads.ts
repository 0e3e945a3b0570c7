// Workloads over real solc-compiled contracts (runtime/kv/evm/contracts/Token.sol,
// runtime/exec/contracts/{Pool,Collectible}.sol; compiled by scripts/compile-contracts.ts into the
// committed artifacts.json files, which test/exec checks against a fresh compilation).
//  - erc20: transfers between holders, sender drawn from a Zipf law of exponent `zipf` (0 = uniform,
//    larger = a few hot accounts whose balance and nonce most transactions touch);
//  - amm: swaps on one constant-product pool (every swap writes both reserves: one hot contract);
//  - nft: sequential mints (every mint bumps the collection's counter);
//  - mixed: phases of blocks whose contention changes over time: uniform ERC-20, AMM, hot ERC-20, NFT.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadArtifacts, encodeCall } from "../kv/evm/trace.ts";
import { mulberry32 as rng } from "../../base/prng/index.ts";
import { runSerial } from "./block.ts";
import type { ExecLanes, Tx } from "./execute.ts";
import { WorldState, accountKey } from "./state.ts";
import { bytesToHex, createAccount } from "@ethereumjs/util";

export const WORKLOADS = ["erc20", "amm", "nft", "mixed"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

const EXEC_ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "contracts", "artifacts.json");

export function loadExecArtifacts(): { contracts: Record<string, { bytecode: string; deployedBytecode: string }> } {
  return JSON.parse(readFileSync(EXEC_ARTIFACTS, "utf8"));
}

const word = (x: bigint) => x.toString(16).padStart(64, "0");
const hexBytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

export interface Genesis {
  state: WorldState;
  token: bigint;
  pool: bigint;
  nft: bigint;
  users: bigint[];
}

const OWNER = 0x1000n;

/** Wei each holder starts with (genesis allocation, as a chain's genesis file gives it). */
export const GENESIS_WEI = 10n ** 18n;

/** Allocates wei to the holders, deploys the three contracts and funds the holders (token balance, pool balances). */
export async function genesis(lanes: ExecLanes, users = 32): Promise<Genesis> {
  const state = new WorldState();
  for (let i = 0; i < users; i++) state.map.set(accountKey(0x10000n + BigInt(i)), bytesToHex(createAccount({ balance: GENESIS_WEI }).serialize()).slice(2));
  const arts = { ...loadArtifacts().contracts, ...loadExecArtifacts().contracts };
  const deploy = async (name: string, args: bigint[]) => {
    const out = await runSerial(state, [{ from: OWNER, data: hexBytes(arts[name].bytecode + args.map(word).join("")) }], { lanes });
    const r = out.results[0];
    if (!r.ok || r.created === undefined) throw new Error(`internal: deploying ${name} failed`);
    return r.created;
  };
  const token = await deploy("Token", [10n ** 30n]);
  const pool = await deploy("Pool", [10n ** 15n, 10n ** 15n]);
  const nft = await deploy("Collectible", []);
  const holders = Array.from({ length: users }, (_, i) => 0x10000n + BigInt(i));
  const funding: Tx[] = [];
  for (const u of holders) {
    funding.push({ from: OWNER, to: token, data: encodeCall("transfer(address,uint256)", [u, 10n ** 18n]) });
    funding.push({ from: u, to: pool, data: encodeCall("faucet(uint256,uint256)", [10n ** 12n, 10n ** 12n]) });
  }
  const out = await runSerial(state, funding, { lanes });
  if (out.results.some((r) => !r.ok)) throw new Error("internal: genesis funding reverted");
  return { state, token, pool, nft, users: holders };
}

/** Zipf(s) over n ranks: rank r has weight 1/(r+1)^s. */
function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf: number[] = [];
  let acc = 0;
  for (let r = 0; r < n; r++) cdf.push((acc += 1 / Math.pow(r + 1, s)));
  return () => {
    const x = rand() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface WorkloadOptions {
  blocks: number;
  blockSize: number;
  seed?: number;
  /** Zipf exponent of ERC-20 senders (erc20 workload; the mixed stream uses 0 and 1.5). */
  zipf?: number;
  /** Blocks per phase of the mixed stream. */
  phase?: number;
}

type Phase = "erc20-uniform" | "erc20-hot" | "amm" | "nft";

/** The blocks of a workload (deterministic in the seed) and the phase each block belongs to. */
export function makeBlocks(g: Genesis, name: WorkloadName, o: WorkloadOptions): { blocks: Tx[][]; phases: Phase[] } {
  const rand = rng(o.seed ?? 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const uniform = zipf(g.users.length, 0, rand);
  const hot = zipf(g.users.length, 1.5, rand);
  const custom = zipf(g.users.length, o.zipf ?? 1, rand);
  const tx = (phase: Phase, sender: () => number): Tx => {
    switch (phase) {
      case "erc20-uniform":
      case "erc20-hot": {
        const from = g.users[sender()];
        let to = pick(g.users);
        if (to === from) to = g.users[(g.users.indexOf(from) + 1) % g.users.length];
        return { from, to: g.token, data: encodeCall("transfer(address,uint256)", [to, 1n + BigInt(Math.floor(rand() * 1000))]) };
      }
      case "amm":
        return { from: pick(g.users), to: g.pool, data: encodeCall(rand() < 0.5 ? "swap0for1(uint256)" : "swap1for0(uint256)", [1000n + BigInt(Math.floor(rand() * 1_000_000))]) };
      case "nft":
        return { from: pick(g.users), to: g.nft, data: encodeCall("mint()", []) };
    }
  };
  const blocks: Tx[][] = [];
  const phases: Phase[] = [];
  const cycle: Phase[] = ["erc20-uniform", "amm", "erc20-hot", "nft"];
  for (let b = 0; b < o.blocks; b++) {
    const phase: Phase = name === "erc20" ? (o.zipf ?? 1) >= 1 ? "erc20-hot" : "erc20-uniform" : name === "amm" ? "amm" : name === "nft" ? "nft" : cycle[Math.floor(b / (o.phase ?? 2)) % cycle.length];
    const sender = name === "erc20" ? custom : phase === "erc20-hot" ? hot : uniform;
    phases.push(phase);
    blocks.push(Array.from({ length: o.blockSize }, () => tx(phase, sender)));
  }
  return { blocks, phases };
}
