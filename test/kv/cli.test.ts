// `cwl kv` end to end: init → apply (JSON block) → prove → verify, a tampered bundle is rejected, and
// bad input gets a message (no stack trace) and exit code 1.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { storageKey } from "../../runtime/kv/index.ts";

const cwl = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, "bin/cwl.js"), ...args], { encoding: "utf8" });

describe("cwl kv", () => {
  it("init, apply, prove, verify; a tampered bundle is rejected", { timeout: 400_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-kv-cli-"));
    try {
      expect(cwl("kv", "init", dir, "--depth", "8").status).toBe(0);
      const ops = join(dir, "ops.json");
      writeFileSync(ops, JSON.stringify([{ kind: "write", address: 1, slot: 2, value: 3 }, { kind: "read", address: 1, slot: 2 }]));
      const applied = cwl("kv", "apply", dir, "--ops", ops);
      expect(applied.status).toBe(0);
      expect(JSON.parse(applied.stdout)).toMatchObject({ block: 1, ops: 2, writes: 1 });
      const proved = cwl("kv", "prove", dir, "--insecure-dev-srs");
      expect(proved.stderr).toContain("INSECURE");
      expect(proved.stderr).toContain("proving the batch of 2 accesses");
      expect(proved.status).toBe(0);
      const bundle = join(dir, "block-proofs.json");
      const ok = cwl("kv", "verify", bundle, "--insecure-dev-srs");
      expect(ok.stdout).toContain("verified one batch proof of 2 accesses of block 1");
      expect(ok.status).toBe(0);
      // Claim a different value was written by op 0 (after_lo, instance 2 + 7·0 + 6): rejected.
      const b = JSON.parse(readFileSync(bundle, "utf8"));
      b.instance[0][8] = "0x4";
      writeFileSync(bundle, JSON.stringify(b));
      const bad = cwl("kv", "verify", bundle, "--insecure-dev-srs");
      expect(bad.stdout).toContain("REJECTED");
      expect(bad.status).toBe(1);
      // One batch proof of a prefix of the block (replayed by key from the block's snapshot).
      const prefixBatch = join(dir, "prefix-batch.json");
      expect(cwl("kv", "prove", dir, "--insecure-dev-srs", "--first", "1", "-o", prefixBatch).status).toBe(0);
      expect(cwl("kv", "verify", prefixBatch, "--insecure-dev-srs").stdout).toContain("verified one batch proof of 1 accesses of block 1 (a prefix of its 2)");
      // One access proof per access, for a prefix of the block.
      const perAccess = join(dir, "per-access.json");
      expect(cwl("kv", "prove", dir, "--insecure-dev-srs", "--per-access", "--first", "1", "-o", perAccess).status).toBe(0);
      const prefix = cwl("kv", "verify", perAccess, "--insecure-dev-srs");
      expect(prefix.stdout).toContain("verified 1 accesses (a prefix of block 1)");
      const pb = JSON.parse(readFileSync(perAccess, "utf8"));
      pb.proofs[0].instance[0][8] = "0x4";
      writeFileSync(perAccess, JSON.stringify(pb));
      expect(cwl("kv", "verify", perAccess, "--insecure-dev-srs").stdout).toContain("REJECTED");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports bad input without a stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-kv-cli-"));
    try {
      const missing = cwl("kv", "apply", join(dir, "nope"), "--ops", "x.json");
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/error: /);
      expect(missing.stderr).not.toMatch(/\n\s+at /);
      expect(cwl("kv", "init", dir, "--depth", "8").status).toBe(0);
      const ops = join(dir, "ops.json");
      writeFileSync(ops, JSON.stringify([{ kind: "frob", address: 1, slot: 2 }]));
      const badKind = cwl("kv", "apply", dir, "--ops", ops);
      expect(badKind.status).toBe(1);
      expect(badKind.stderr).toContain('kind must be "read" or "write"');
      // Two distinct keys on one leaf (an absent key read through its occupant, which the block writes):
      // no batch proof, said plainly with the way out.
      const idx = (slot: bigint) => storageKey(7n, slot) & 255n;
      let absent = 100n;
      while (idx(absent) !== idx(1n)) absent++;
      writeFileSync(ops, JSON.stringify([{ kind: "write", address: 7, slot: 1, value: 5 }, { kind: "read", address: 7, slot: Number(absent) }]));
      expect(cwl("kv", "apply", dir, "--ops", ops).status).toBe(0);
      const shared = cwl("kv", "prove", dir, "--insecure-dev-srs");
      expect(shared.status).toBe(1);
      expect(shared.stderr).toMatch(/cannot prove this block in one batch: .*share leaf index/);
      expect(shared.stderr).toContain("--per-access");
      expect(shared.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a damaged last-block.json is named as such before any proving", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-kv-cli-"));
    try {
      expect(cwl("kv", "init", dir, "--depth", "8").status).toBe(0);
      const ops = join(dir, "ops.json");
      writeFileSync(ops, JSON.stringify([{ kind: "write", address: 1, slot: 2, value: 3 }, { kind: "write", address: 4, slot: 5, value: 6 }]));
      expect(cwl("kv", "apply", dir, "--ops", ops).status).toBe(0);
      const record = join(dir, "last-block.json");
      const good = readFileSync(record, "utf8");
      const damaged = (text: string, why: RegExp) => {
        writeFileSync(record, text);
        const r = cwl("kv", "prove", dir, "--insecure-dev-srs");
        expect(r.stderr).toMatch(/error: the last block's record is damaged: /);
        expect(r.stderr).toMatch(why);
        expect(r.stderr).toContain("hint: the accumulator itself (LevelDB) is not affected");
        expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
        expect(r.status).toBe(1);
      };
      damaged(good.slice(0, good.length >> 1), /not valid JSON/);
      // One hex digit of a sibling changed: the checksum catches it ...
      const at = good.indexOf('"siblings":["0x') + 15;
      const flipped = good.slice(0, at) + (good[at] === "1" ? "2" : "1") + good.slice(at + 1);
      damaged(flipped, /checksum does not match/);
      // ... and without the checksum (a record from before it existed), the witness path does.
      damaged(flipped.replace(/^\{"checksum":"[0-9a-f]+",/, "{"), /access \d: .*does not match the path/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
