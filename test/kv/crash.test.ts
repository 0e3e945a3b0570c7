import { describe, it, expect } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KvStore } from "../../runtime/kv/index.ts";
import { blockOps } from "./fixtures/crash-blocks.ts";
import { REPO_ROOT } from "../../base/files/index.ts";

const D = 24;

/** Runs the writer, SIGKILLs it after `afterBlocks` committed blocks plus a random delay (so some kills land mid-batch). */
function runAndKill(dir: string, afterBlocks: number, jitterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "test/kv/fixtures/crash-writer.ts"), dir, String(D)], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let seen = 0;
    let buf = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith("committed ")) seen = Number(l.split(" ")[1]);
      if (seen >= afterBlocks && !child.killed) setTimeout(() => child.kill("SIGKILL"), jitterMs);
    });
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(seen) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

describe("KV accumulator survives a crash between and during blocks", () => {
  it("after SIGKILL the stored root is exactly the root of the last committed block", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-kv-crash-"));
    try {
      // Expected roots per block, computed in memory on demand.
      const ref = KvStore.memory({ depth: D });
      const roots = [ref.root];
      const rootAt = async (block: number) => {
        while (roots.length <= block) {
          await ref.applyBlock(blockOps(roots.length - 1));
          roots.push(ref.root);
        }
        return roots[block];
      };
      for (const [after, jitter] of [[2, 0], [4, 3], [7, 1]] as const) {
        const seen = await runAndKill(dir, after, jitter);
        const kv = await KvStore.open(dir);
        // The kill may land after a batch was written but before its line was printed: block ≥ seen.
        expect(kv.block).toBeGreaterThanOrEqual(seen);
        expect(kv.root).toBe(await rootAt(kv.block));
        const integ = await kv.verifyIntegrity();
        expect(integ.ok).toBe(true);
        await kv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
