// Demo main job: the KV storage accumulator on a real ERC-20 storage trace.
// Records 64 storage updates (SSTOREs of ERC-20 transfers run by @ethereumjs/evm), applies them as one
// block to a LevelDB accumulator, builds the std::kv::batch circuit (shared upper paths) and proves the
// block's first accesses in ONE proof with KZG (insecure dev SRS: demo only), then verifies it.
// All 64 in one proof is ≈ 64 × 2,700 rows (2^18) at depth 32: minutes on 2 cores, past the demo's budget
// (bench/results/kv.json has the measured and estimated times); CWL_DEMO_KV_PROVE=64 does it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DEPTH = process.env.CWL_DEMO_KV_DEPTH ?? "32";
const PROVE = process.env.CWL_DEMO_KV_PROVE ?? "4";

export default async function ({ run }) {
  const dir = mkdtempSync(join(tmpdir(), "cwl-demo-kv-"));
  try {
    const ok =
      run(["kv", "init", dir, "--depth", DEPTH], `kv init (depth ${DEPTH})`) &&
      run(["kv", "apply", dir, "--erc20", "40", "--writes-only", "--limit", "64"], "kv apply: 64 storage updates from real ERC-20 transfers") &&
      run(["kv", "prove", dir, "--insecure-dev-srs", "--first", PROVE], `kv prove: one batch proof of the block's first ${PROVE} accesses`) &&
      run(["kv", "verify", join(dir, "block-proofs.json")], "kv verify");
    if (!ok) throw new Error("kv demo failed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
