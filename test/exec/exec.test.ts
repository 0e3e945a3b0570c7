// Block execution: every scheduler leaves the state strict order leaves, on every workload, also when
// random delays at every state read shuffle how concurrent executions interleave.
import { describe, expect, it } from "vitest";
import { encodeCall } from "../../runtime/kv/evm/trace.ts";
import { KvStore } from "../../runtime/kv/index.ts";
import {
  AdaptivePolicy,
  Lanes,
  clearCodeFacts,
  Predictor,
  SCHEDULERS,
  WORKLOADS,
  WorldState,
  blockStorageOps,
  dispatchedSelectors,
  genesis,
  loadExecArtifacts,
  makeBlocks,
  planLevels,
  runBlock,
  runChain,
  runOptimistic,
  runReorder,
  runSerial,
  type Delay,
  type Tx,
  GENESIS_WEI,
  accountKey,
} from "../../runtime/exec/index.ts";
import { loadArtifacts } from "../../runtime/kv/evm/trace.ts";
import { compileContracts, EXEC_CONTRACTS_DIR } from "../../scripts/compile-contracts.ts";
import { mulberry32 } from "../util/prng.ts";

const SMALL = { blocks: 2, blockSize: 12, seed: 5, users: 8 };

/** Random pauses at state reads: a timer (reordering across executions) on about a third of them. */
function randomDelays(seed: number): Delay {
  const rand = mulberry32(seed);
  return () => (rand() < 0.35 ? new Promise((r) => setTimeout(r, Math.floor(rand() * 3))) : undefined);
}

describe("runtime/exec", () => {
  it("the committed contract artifacts are what solc compiles from the sources", () => {
    expect(loadExecArtifacts().contracts).toEqual(compileContracts(EXEC_CONTRACTS_DIR));
  }, 30_000);

  it("every scheduler gives strict order's state root on every workload", async () => {
    for (const w of WORKLOADS) {
      const opts = { ...SMALL, blocks: w === "mixed" ? 4 : 2, phase: 1 };
      const ref = await runChain(w, "serial", opts);
      for (const s of SCHEDULERS.filter((s) => s !== "serial")) {
        const r = await runChain(w, s, opts);
        expect(r.root, `${w}/${s}`).toBe(ref.root);
      }
    }
  }, 60_000);

  it("optimistic, reorder and adaptive agree with strict order under random worker delays", async () => {
    let reExecuted = 0;
    for (const w of WORKLOADS) {
      const opts = { ...SMALL, blocks: w === "mixed" ? 4 : 2, phase: 1 };
      const ref = await runChain(w, "serial", opts);
      for (const [i, s] of (["optimistic", "reorder", "adaptive"] as const).entries()) {
        const r = await runChain(w, s, { ...opts, delay: randomDelays(11 + i) });
        expect(r.root, `${w}/${s}`).toBe(ref.root);
        if (s === "optimistic") reExecuted += r.blocks.reduce((a, b) => a + b.reExecutions, 0);
      }
    }
    // The delays must actually produce conflicts that validation catches, or this test shows nothing.
    expect(reExecuted).toBeGreaterThan(0);
  }, 60_000);

  it("executions in worker threads (each its own EVM, reads answered by the scheduler's thread) reach the same roots", async () => {
    for (const [w, s] of [["amm", "optimistic"], ["mixed", "reorder"]] as const) {
      const opts = { ...SMALL, blocks: 2, phase: 1 };
      const ref = await runChain(w, "serial", opts);
      const r = await runChain(w, s, { ...opts, threads: true, workers: 2, delay: randomDelays(21) });
      expect(r.root, `${w}/${s}`).toBe(ref.root);
    }
  }, 60_000);

  it("value transfers: balances are in the read/write sets, and conflicting payments keep strict order's result", async () => {
    const lanes = await Lanes.create(4);
    const g = await genesis(lanes, 4);
    const [a, b, c] = g.users;
    // b pays on from what a sends it; c drains b's balance (reverts unless a's payment came first).
    const block: Tx[] = [
      { from: a, to: b, data: new Uint8Array(0), value: GENESIS_WEI / 2n },
      { from: b, to: c, data: new Uint8Array(0), value: GENESIS_WEI + GENESIS_WEI / 4n },
      { from: c, to: a, data: new Uint8Array(0), value: 1n },
    ];
    const ref = g.state.clone();
    const s = await runSerial(ref, block, { lanes });
    expect(s.results.map((r) => r.ok)).toEqual([true, true, true]);
    expect([...s.results[0].writes.keys()].sort()).toEqual([accountKey(a), accountKey(b)].sort());
    for (const [i, run] of [runOptimistic, runReorder].entries()) {
      const st = g.state.clone();
      await run(st, block, { lanes, delay: randomDelays(31 + i) });
      expect(st.root()).toBe(ref.root());
    }
  });

  it("a different block gives a different root (the comparison can fail)", async () => {
    const a = await runChain("erc20", "serial", { ...SMALL, blocks: 1 });
    const b = await runChain("erc20", "serial", { ...SMALL, blocks: 1, seed: 6 });
    expect(a.root).not.toBe(b.root);
  });

  it("the static pass finds the ERC-20 pattern and predicts exactly the keys a transfer touches", async () => {
    const token = loadArtifacts().contracts.Token.deployedBytecode;
    const sels = dispatchedSelectors(Uint8Array.from(Buffer.from(token, "hex")));
    expect(sels.has("a9059cbb") && sels.has("70a08231")).toBe(true);
    expect(dispatchedSelectors(Uint8Array.from(Buffer.from(loadExecArtifacts().contracts.Pool.deployedBytecode, "hex"))).has("a9059cbb")).toBe(false);
    const lanes = await Lanes.create(1);
    const g = await genesis(lanes, 4);
    const tx: Tx = { from: g.users[0], to: g.token, data: encodeCall("transfer(address,uint256)", [g.users[1], 5n]) };
    const p = await new Predictor(lanes).predict(g.state, tx);
    expect(p.static).toBe(true);
    const actual = (await runSerial(g.state.clone(), [tx], { lanes })).results[0];
    expect(new Set(actual.writes.keys())).toEqual(p.writes);
    // Reads the prediction leaves out are only of keys no transfer writes (the token's account and code).
    for (const k of actual.reads.keys()) if (!p.reads.has(k)) expect(k.startsWith("C:") || k === `A:${g.token.toString(16).padStart(40, "0")}`, k).toBe(true);
  });

  it("conflict levels keep conflicting transactions in block order and put independent ones together", () => {
    const P = (r: string[], w: string[]) => ({ reads: new Set(r), writes: new Set(w), static: true });
    // 0 writes a; 1 reads a (after 0); 2 writes b (free); 3 writes a read by 1 (after 1); 4 reads c (free).
    expect(planLevels([P(["a"], ["a"]), P(["a"], []), P([], ["b"]), P([], ["a"]), P(["c"], [])])).toEqual([0, 1, 0, 2, 0]);
  });

  it("reorder recovers from a missed prediction (pre-execution took the reverting path)", async () => {
    const lanes = await Lanes.create(4);
    const g = await genesis(lanes, 4);
    const fresh = 0x9999n; // no pool balance before the block
    const block: Tx[] = [
      { from: fresh, to: g.pool, data: encodeCall("faucet(uint256,uint256)", [10n ** 9n, 10n ** 9n]) },
      { from: fresh, to: g.pool, data: encodeCall("swap0for1(uint256)", [10n ** 6n]) },
      { from: g.users[0], to: g.pool, data: encodeCall("swap1for0(uint256)", [10n ** 6n]) },
    ];
    const ref = g.state.clone();
    const s = await runSerial(ref, block, { lanes });
    expect(s.results.every((r) => r.ok)).toBe(true);
    const st = g.state.clone();
    const r = await runReorder(st, block, { lanes });
    expect(r.stats.mispredictions).toBeGreaterThan(0);
    expect(st.root()).toBe(ref.root());
  });

  it("reorder admits a missed access no other transaction touches (NFT mints past the predicted id)", async () => {
    // Every mint's pre-execution predicts ownerOf[nextId] for the same id; the real runs write the
    // following ids, which nobody else touches: no re-plan, no re-execution, strict order's root.
    const ref = await runChain("nft", "serial", SMALL);
    const r = await runChain("nft", "reorder", SMALL);
    expect(r.root).toBe(ref.root);
    expect(r.blocks.map((b) => [b.mispredictions, b.reExecutions])).toEqual(r.blocks.map(() => [0, 0]));
  });

  it("the adaptive policy runs hot blocks in strict order and statically predictable cold ones reordered", async () => {
    const r = await runChain("mixed", "adaptive", { ...SMALL, blocks: 4, phase: 1, blockSize: 16, users: 64 });
    expect(r.blocks.map((b) => b.phase)).toEqual(["erc20-uniform", "amm", "erc20-hot", "nft"]);
    expect(r.blocks[0].scheduler).toBe("reorder");
    expect(r.blocks[2].scheduler).toBe("serial");
    // Swaps and mints are not statically decidable and their classes are new: the policy takes their
    // code's facts (two pre-executed calls conflict: both write the reserves / the counter).
    expect(r.blocks[1].scheduler).toBe("serial");
    expect(r.blocks[3].scheduler).toBe("serial");
    expect(r.blocks.reduce((a, b) => a + b.reExecutions, 0)).toBe(0);
  });

  it("the policy learns a contract's facts once per code and reuses the previous block's rates", async () => {
    const lanes = await Lanes.create(2);
    const opts = { ...SMALL, blocks: 8, phase: 2, blockSize: 10, users: 24, lanes };
    await runChain("mixed", "serial", opts); // genesis for this holder count, made once
    const extra = async () => {
      const before = lanes.executions;
      const r = await runChain("mixed", "adaptive", opts);
      return { r, extra: lanes.executions - before - r.blocks.reduce((a, b) => a + b.executions, 0) };
    };
    clearCodeFacts();
    const cold = await extra();
    // The token's getter probe, and two pre-executions for each of the classes swap0for1, swap1for0 and mint.
    expect(cold.extra).toBe(7);
    const warm = await extra();
    expect(warm.extra).toBe(0);
    expect(warm.r.root).toBe(cold.r.root);
    expect(warm.r.blocks.map((b) => b.scheduler)).toEqual(cold.r.blocks.map((b) => b.scheduler));
    // The second block of each phase holds the classes the first held: its estimate is the first's measured rates.
    expect(warm.r.blocks.map((b) => b.estimate)).toEqual(Array.from({ length: 8 }, (_, i) => (i % 2 ? "previous-block" : "predicted")));
  });

  it("a block executed in parallel applies to the KV accumulator with the root of the serial block", async () => {
    const roots: bigint[][] = [];
    for (const delay of [undefined, randomDelays(3)]) {
      const lanes = await Lanes.create(4);
      const g = await genesis(lanes, 8);
      const { blocks } = makeBlocks(g, "mixed", { blocks: 2, blockSize: 10, seed: 2, phase: 1 });
      const kv = KvStore.memory({ depth: 32 });
      const policy = new AdaptivePolicy(new Predictor(lanes));
      const rs: bigint[] = [];
      for (const b of blocks) {
        const out = delay ? await runOptimistic(g.state, b, { lanes, delay }) : await runBlock(g.state, b, "serial", { lanes, policy });
        const ops = blockStorageOps(out.results);
        expect(ops.some((o) => o.kind === "write")).toBe(true);
        rs.push((await kv.applyBlock(ops)).rootAfter);
      }
      roots.push(rs);
    }
    expect(roots[1]).toEqual(roots[0]);
  });
});
