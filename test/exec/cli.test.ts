// `cwl chain run|bench` as a user runs it: exit codes, the printed root, and the accumulator fed by --kv.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KvStore } from "../../runtime/kv/index.ts";
import { runChain } from "../../runtime/exec/index.ts";
import { spawnCwl } from "../util/cli.ts";

const cwl = (...args: string[]) => spawnCwl(args);

const SMALL = ["--blocks", "2", "--block-size", "6", "--users", "8", "--seed", "4"];

describe("cwl chain", () => {
  it("run prints strict order's root with progress; --kv applies every block to the accumulator", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-chain-"));
    try {
      const acc = join(dir, "acc");
      expect((await cwl("kv", "init", acc, "--depth", "16")).status).toBe(0);
      const r = await cwl("chain", "run", "--workload", "mixed", "--scheduler", "optimistic", "--phase", "1", ...SMALL, "--kv", acc, "--json");
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/chain: optimistic block 2\/2/);
      const out = JSON.parse(r.stdout);
      const ref = await runChain("mixed", "serial", { blocks: 2, blockSize: 6, users: 8, seed: 4, phase: 1 });
      expect(out.root).toBe(ref.root);
      expect(out.blocks.map((b: { phase: string }) => b.phase)).toEqual(["erc20-uniform", "amm"]);
      expect(existsSync(join(acc, "last-block.json"))).toBe(true);
      const kv = await KvStore.open(acc);
      expect(kv.block).toBe(2);
      expect(`0x${kv.root.toString(16)}`).toBe(out.kvRoot);
      await kv.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("run --threads: lanes in runtime/pool channels, from the CLI bundle, reach strict order's root", async () => {
    const r = await cwl("chain", "run", "--workload", "mixed", "--scheduler", "adaptive", "--phase", "1", ...SMALL, "--threads", "--workers", "2", "--json");
    expect(r.status, r.stderr).toBe(0);
    const ref = await runChain("mixed", "serial", { blocks: 2, blockSize: 6, users: 8, seed: 4, phase: 1 });
    expect(JSON.parse(r.stdout).root).toBe(ref.root);
  }, 60_000);

  it("bench runs every scheduler on the same blocks and reports one root", async () => {
    const r = await cwl("chain", "bench", "--workload", "amm", ...SMALL);
    expect(r.status, r.stderr).toBe(0);
    for (const s of ["serial", "optimistic", "reorder", "adaptive"]) expect(r.stdout).toMatch(new RegExp(`^${s} +\\d+ tx/s`, "m"));
    expect(r.stdout).toMatch(/all schedulers reach state root 0x[0-9a-f]{64}/);
  }, 60_000);
});
