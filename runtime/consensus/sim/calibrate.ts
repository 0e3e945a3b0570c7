// Measures the CPU costs the simulator charges, on this machine, with the real BLS signer.
import { createHash } from "node:crypto";
import { BlsSigner, devKeys } from "../crypto.ts";
import type { CpuCosts } from "./sim.ts";

export function measureCosts(rounds = 8): CpuCosts {
  const n = 8;
  const signer = new BlsSigner(devKeys("calibrate", n, Array.from({ length: n }, (_, i) => i)));
  const time = (f: (i: number) => void, k: number) => {
    f(-1); // warm-up (tables, JIT)
    const t0 = performance.now();
    for (let i = 0; i < k; i++) f(i);
    return ((performance.now() - t0) * 1000) / k;
  };
  const sigs = Array.from({ length: n }, (_, i) => signer.sign(i, "calibrate|0"));
  const signUs = time((i) => signer.sign(0, `calibrate|sign|${i}`), rounds);
  const agg = signer.aggregate(sigs);
  const all = Array.from({ length: n }, (_, i) => i);
  const verifyUs = time((i) => signer.verifyAggregate(all, `calibrate|0`, i % 2 ? agg : agg), rounds);
  const many = Array.from({ length: 64 }, (_, i) => sigs[i % n]);
  const aggregateUs = time(() => signer.aggregate(many), rounds) / many.length;
  const buf = Buffer.alloc(1 << 20, 7);
  const hashByteUs = time(() => createHash("sha256").update(buf).digest(), 4) / buf.length;
  return { signUs: Math.round(signUs), verifyUs: Math.round(verifyUs), aggregateUs: Math.round(aggregateUs * 10) / 10, hashByteUs: Math.round(hashByteUs * 1e5) / 1e5, messageUs: 20 };
}
