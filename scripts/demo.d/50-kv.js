// Demo main job: the KV storage accumulator on a real ERC-20 storage trace.
// Records 64 storage updates (SSTOREs of ERC-20 transfers run by @ethereumjs/evm), applies them as one
// block to a LevelDB accumulator (depth 64, the default tree), builds the std::kv::batch circuit (one
// Merkle update per distinct key, a few rows per update) and proves all 64 updates in ONE proof with KZG
// (insecure dev SRS: demo only), then verifies it against the verifying key the verifier derives for that
// circuit (never the bundle's). CWL_DEMO_KV_PROVE=N proves only the first N.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DEPTH = process.env.CWL_DEMO_KV_DEPTH ?? "64";
const PROVE = process.env.CWL_DEMO_KV_PROVE;

export default async function ({ run }) {
  const dir = mkdtempSync(join(tmpdir(), "cwl-demo-kv-"));
  try {
    const ok =
      run(["kv", "init", dir, "--depth", DEPTH], `kv init (depth ${DEPTH})`) &&
      run(["kv", "apply", dir, "--erc20", "40", "--writes-only", "--limit", "64"], "kv apply: 64 storage updates from real ERC-20 transfers") &&
      run(["kv", "prove", dir, "--insecure-dev-srs", ...(PROVE ? ["--first", PROVE] : [])], PROVE ? `kv prove: one batch proof of the block's first ${PROVE} updates` : "kv prove: one batch proof of all 64 updates") &&
      run(["kv", "verify", join(dir, "block-proofs.json"), "--insecure-dev-srs"], "kv verify: against the key it derives from std::kv::batch itself");
    if (!ok) throw new Error("kv demo failed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
