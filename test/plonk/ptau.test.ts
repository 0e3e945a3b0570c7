// .ptau import and the project's development powers of tau (tooling/ptau): the generated file's powers
// satisfy e(τ^{i+1}·G1, G2) = e(τ^i·G1, τ·G2), snarkjs's own verifier accepts it (contribution chain
// and phase-2 Lagrange sections), and its phase-2 sections are byte-identical to what snarkjs's
// `preparephase2` computes from the same powers.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { bn254 } from "@noble/curves/bn254.js";
import * as snarkjs from "snarkjs";
import { G1 } from "../../runtime/curve/index.ts";
import { loadPtau, PtauError, insecureDevSrs } from "../../runtime/plonk/index.ts";
import { devPtau, devPtauFile, generateDevPtau, ptauPower, TEST_PTAU_POWER } from "../../tooling/ptau/dev-ptau.ts";

function consecutive(g1: readonly { x: bigint; y: bigint; infinity: boolean }[], i: number, g2: unknown, tauG2: unknown) {
  const a = bn254.pairing(G1.toNoble(g1[i + 1]), g2 as never);
  const b = bn254.pairing(G1.toNoble(g1[i]), tauG2 as never);
  return bn254.fields.Fp12.eql(a, b);
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe("development ptau (tests' shared file)", () => {
  let path = "";
  beforeAll(async () => {
    path = await devPtau(TEST_PTAU_POWER);
  }, 600_000);

  it("reads tauG1 and tauG2 and they match (pairing check)", () => {
    const power = ptauPower(path)!;
    expect(power).toBeGreaterThanOrEqual(TEST_PTAU_POWER);
    const n = 2 ** (power + 1) - 1;
    const srs = loadPtau(path, n);
    expect(srs.kind).toBe("ptau");
    expect(srs.g1.length).toBe(n);
    expect(srs.g1[0]).toEqual({ x: 1n, y: 2n, infinity: false });
    for (const i of [0, 1, 257, n - 2]) expect(consecutive(srs.g1, i, srs.g2, srs.tauG2)).toBe(true);
    // A non-consecutive pair must fail, or the check above proves nothing.
    expect(consecutive([srs.g1[0], srs.g1[2]], 0, srs.g2, srs.tauG2)).toBe(false);
  });

  it("refuses more powers than the file holds", () => {
    expect(() => loadPtau(path, 2 ** (ptauPower(path)! + 1))).toThrow(PtauError);
  });
});

describe("development ptau against snarkjs (2^4)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cwl-ptau-"));
  const ours = join(dir, "pot4.ptau");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    await generateDevPtau(4, ours);
  });

  it("snarkjs verifies the contribution chain and the phase-2 sections", async () => {
    expect(ptauPower(ours)).toBe(4);
    expect(await snarkjs.powersOfTau.verify(ours, quiet)).toBe(true);
  });

  it("phase-2 sections equal snarkjs preparephase2's, byte for byte", async () => {
    const theirs = join(dir, "prepared.ptau");
    await snarkjs.powersOfTau.preparePhase2(ours, theirs, quiet);
    expect(readFileSync(ours).equals(readFileSync(theirs))).toBe(true);
  });

  it("CWL_DEV_PTAU names a prepared file; one with too few powers is passed over with a note", async () => {
    const saved = process.env.CWL_DEV_PTAU;
    process.env.CWL_DEV_PTAU = ours;
    try {
      const notes: string[] = [];
      const log = (s: string) => notes.push(s);
      expect(await devPtau(4, { log })).toBe(ours);
      expect(notes).toEqual([]);
      const other = await devPtau(TEST_PTAU_POWER, { log });
      expect(other).not.toBe(ours);
      expect(ptauPower(other)).toBeGreaterThanOrEqual(TEST_PTAU_POWER);
      expect(notes[0]).toContain(`has 2^4 powers, 2^${TEST_PTAU_POWER} needed`);
    } finally {
      if (saved === undefined) delete process.env.CWL_DEV_PTAU;
      else process.env.CWL_DEV_PTAU = saved;
    }
  }, 600_000);

  it("snarkjs rejects the file when two Lagrange points are swapped", async () => {
    const b = Buffer.from(readFileSync(ours));
    // Section 12 is the last-but-three; find it by walking the section table.
    let pos = 12;
    let at = -1;
    for (let i = 0; i < b.readUInt32LE(8); i++) {
      if (b.readUInt32LE(pos) === 12) at = pos + 12;
      pos += 12 + Number(b.readBigUInt64LE(pos + 4));
    }
    expect(at).toBeGreaterThan(0);
    // Level 2 (4 points) starts after levels 0 and 1 (1 + 2 points).
    const p0 = at + 3 * 64;
    const a = Buffer.from(b.subarray(p0, p0 + 64));
    b.copy(b, p0, p0 + 64, p0 + 128);
    a.copy(b, p0 + 64);
    const bad = join(dir, "swapped.ptau");
    writeFileSync(bad, b);
    expect(await snarkjs.powersOfTau.verify(bad, quiet)).toBe(false);
  });
});

describe("development ptau: one maker at a time", () => {
  const dir = mkdtempSync(join(tmpdir(), "cwl-ptau-lock-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("waits while the lock's process runs, then takes over the lock and partial files of a dead one", async () => {
    const target = devPtauFile(3, dir);
    // A maker that is still running (a child process), which then dies without writing the file.
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 1500)"]);
    writeFileSync(`${target}.lock`, String(child.pid));
    writeFileSync(`${target}.${child.pid}.tmp.new`, "partial");
    const notes: string[] = [];
    const t0 = Date.now();
    const path = await devPtau(3, { dir, log: (s) => notes.push(s), progress: () => {} });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(notes[0]).toContain(`waiting for process ${child.pid}`);
    expect(notes.some((n) => n.includes("INSECURE"))).toBe(true);
    expect(path).toBe(target);
    expect(ptauPower(path)).toBe(3);
    expect(readdirSync(dir)).toEqual([basename(target)]);
  }, 600_000);
});

describe("ptau errors and the dev SRS", () => {
  it("rejects a file that is not a ptau", () => {
    expect(() => loadPtau(new URL(import.meta.url).pathname, 4)).toThrow(/bad magic/);
  });
  it("dev SRS powers are consistent", () => {
    const s = insecureDevSrs(8, 12345n);
    expect(consecutive(s.g1, 3, s.g2, s.tauG2)).toBe(true);
  });
});
