// `cwl kv verify` trusts no key from the bundle: an attacker who proves a trivial circuit (its public
// inputs laid out like std::kv::batch's, claiming root_after = 0xdeadbeef) under the same SRS and ships
// that circuit's key with the proof gets a proof that verifies under its own key — the verifier must
// reject it because the key is not the one it derives for std::kv::batch at the bundle's shape.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { compilePlonkish, witnessFor } from "../../backends/plonkish/index.ts";
import { insecureDevSrs, keygen, minimumK, prove, proofToJson, verify, vkToJson } from "../../runtime/plonk/index.ts";
import { trustedKeyDigest } from "../../tooling/kv/trusted-key.ts";

const cwl = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, "bin/cwl.js"), ...args], { encoding: "utf8" });
const hex = (v: bigint) => `0x${v.toString(16)}`;

// One op (K = 1): root_before, root_after, then address, slot_hi, slot_lo, before_hi, before_lo,
// after_hi, after_lo — the batch circuit's instance column, constrained by nothing that matters.
const FORGED = `use std::field::Bn254Fr;
circuit Forged(pub root_before: Bn254Fr, pub root_after: Bn254Fr, pub address: Bn254Fr, pub slot_hi: Bn254Fr,
    pub slot_lo: Bn254Fr, pub before_hi: Bn254Fr, pub before_lo: Bn254Fr, pub after_hi: Bn254Fr, pub after_lo: Bn254Fr) {
    assert_eq(root_before * 0, 0, "anything goes");
}
`;

describe("cwl kv verify: forged bundles", () => {
  it("rejects a bundle whose key, proof and instance come from another circuit", { timeout: 300_000 }, async () => {
    const fe = compileSource(join(REPO_ROOT, "test/kv/fixtures/__forged.cwl"), FORGED);
    expect(fe.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const c = compilePlonkish(fe.ir!).compiled!;
    const rootBefore = 0x1234n;
    const claimed = 0xdeadbeefn;
    const inputs = { root_before: "0x1234", root_after: hex(claimed), address: "1", slot_hi: "0", slot_lo: "2", before_hi: "0", before_lo: "0", after_hi: "0", after_lo: "3" };
    const { witness } = witnessFor(c, inputs);
    expect(witness).toBeDefined();
    const k = minimumK(c.program.circuit);
    const srs = insecureDevSrs(1 << k);
    const pk = await keygen(srs, c.program.circuit, { k });
    const proof = await prove(pk, witness!);
    // The attack works against a verifier that takes the bundle's key: the proof is valid under it.
    expect(await verify(pk.vk, witness!.instance, proof)).toBe(true);
    // ... and that key is not std::kv::batch's for depth 8, one op, one key slot.
    const trusted = await trustedKeyDigest({ kind: "batch", shape: { depth: 8, k: 1, keys: 1 } }, (n) => insecureDevSrs(1 << n));
    expect(Buffer.from(pk.vk.digest).toString("hex")).not.toBe(trusted);

    const dir = mkdtempSync(join(tmpdir(), "cwl-kv-forged-"));
    try {
      const bundle = join(dir, "forged.json");
      writeFileSync(
        bundle,
        JSON.stringify({
          kind: "batch",
          depth: 8,
          keys: 1,
          block: 1,
          ops: 1,
          blockOps: 1,
          rootBefore: hex(rootBefore),
          rootAfter: hex(claimed),
          proofRootAfter: hex(claimed),
          vk: vkToJson(pk.vk),
          instance: witness!.instance.map((col) => col.map(hex)),
          proof: proofToJson(proof),
        }),
      );
      const r = cwl("kv", "verify", bundle, "--insecure-dev-srs");
      expect(r.stdout).toContain("REJECTED: the bundle's verifying key is not the key of std::kv::batch (depth 8, 1 ops, 1 key slots)");
      expect(r.stdout).not.toContain("verified");
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(r.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
