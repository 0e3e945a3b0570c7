// The one source of Poseidon's constants over BN254 Fr. Computes the round constants and MDS matrices
// the way the reference implementation does (hadeshash generate_parameters_grain.sage: a Grain LFSR
// seeded with field, S-box, width and round counts; round constants by rejection sampling; Cauchy MDS
// 1/(x_i + y_j)) for circomlib's choices (x^5 S-box, 8 full rounds, its partial-round table), and
// writes them once as data, runtime/hash/poseidon-bn254.json, which runtime/hash and the PLONKish
// Poseidon chip read. stdlib/hash/poseidon/constants.cwl is the same data written as `.cwl` constants.
// Both files are committed; test/hash/poseidon-constants.test.ts regenerates them in memory, compares
// byte for byte, and compares the constants with circomlibjs's.
//
//   node --import tsx scripts/gen-poseidon.ts [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../base/files/index.ts";

export const BN254_R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;
/** Partial rounds per width t = 2, 3, ... (circomlib's N_ROUNDS_P); full rounds are always 8. */
export const ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
export const ROUNDS_F = 8;
/** Widths written: t = 2..6, circomlib's Poseidon(1..5), std::hash::poseidon's hash1..hash5. */
export const T_MAX = 6;
export const JSON_PATH = join(REPO_ROOT, "runtime/hash/poseidon-bn254.json");
export const CWL_PATH = join(REPO_ROOT, "stdlib/hash/poseidon/constants.cwl");

export interface GrainParams {
  /** constants[round][i], added before the S-box. */
  constants: bigint[][];
  /** mds[i][j]: new_i = Σ_j mds[i][j]·s_j. */
  mds: bigint[][];
}

function grain(fieldBits: number, t: number, rf: number, rp: number) {
  const s: number[] = [];
  const push = (v: number, w: number) => {
    for (let i = w - 1; i >= 0; i--) s.push((v >> i) & 1);
  };
  push(1, 2); // prime field
  push(0, 4); // S-box x^alpha
  push(fieldBits, 12);
  push(t, 12);
  push(rf, 10);
  push(rp, 10);
  for (let i = 0; i < 30; i++) s.push(1);
  const step = () => {
    const b = s[62]! ^ s[51]! ^ s[38]! ^ s[23]! ^ s[13]! ^ s[0]!;
    s.shift();
    s.push(b);
    return b;
  };
  for (let i = 0; i < 160; i++) step();
  // Self-shrinking: of each pair of bits, keep the second when the first is 1.
  const bit = () => {
    for (;;) {
      const b1 = step();
      const b2 = step();
      if (b1 === 1) return b2;
    }
  };
  return (bits: number) => {
    let x = 0n;
    for (let i = 0; i < bits; i++) x = (x << 1n) | BigInt(bit());
    return x;
  };
}

function inv(a: bigint): bigint {
  let [r0, r1, s0, s1] = [BN254_R, a % BN254_R, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % BN254_R) + BN254_R) % BN254_R;
}

/** Round constants and MDS matrix for width t, computed by the Grain procedure. */
export function grainParams(t: number): GrainParams {
  const rp = ROUNDS_P[t - 2];
  if (rp === undefined) throw new Error(`Poseidon width t=${t} has no partial-round count (2..${ROUNDS_P.length + 1})`);
  const int = grain(254, t, ROUNDS_F, rp);
  const sample = () => {
    for (;;) {
      const x = int(254);
      if (x < BN254_R) return x;
    }
  };
  const constants: bigint[][] = [];
  for (let r = 0; r < ROUNDS_F + rp; r++) constants.push(Array.from({ length: t }, sample));
  const xs = Array.from({ length: t }, () => int(254) % BN254_R);
  const ys = Array.from({ length: t }, () => int(254) % BN254_R);
  return { constants, mds: xs.map((x) => ys.map((y) => inv(x + y))) };
}

const hex = (x: bigint) => "0x" + x.toString(16).padStart(64, "0");

/** The data file: round counts, C[t−2] (rounds·t constants, round-major) and M[t−2] per width. */
export function renderJson(): string {
  const widths = Array.from({ length: T_MAX - 1 }, (_, i) => grainParams(i + 2));
  const out = {
    source: "scripts/gen-poseidon.ts (hadeshash Grain LFSR, x^5, RF = 8; equals circomlib's Poseidon constants)",
    roundsF: ROUNDS_F,
    roundsP: ROUNDS_P.slice(0, T_MAX - 1),
    C: widths.map((w) => w.constants.flat().map(hex)),
    M: widths.map((w) => w.mds.map((row) => row.map(hex))),
  };
  return JSON.stringify(out) + "\n";
}

/** One row of a constant table, one element per line as `cwl fmt` lays out rows this wide. */
const row = (xs: readonly string[]) => ["    [", ...xs.map((x) => `        ${x},`), "    ],"];

/**
 * constants.cwl from the data file's text (so the `.cwl` constants are the JSON's, not a second
 * computation), laid out as `cwl fmt` leaves it.
 */
export function renderCwl(json: string): string {
  const k = JSON.parse(json) as { roundsF: number; roundsP: number[]; C: string[][]; M: string[][][] };
  const out: string[] = [
    "//! circomlib's Poseidon parameters over BN254 Fr (x^5 S-box, 8 full rounds, partial rounds",
    `//! ${k.roundsP.join(", ")} for t = 2..${k.C.length + 1}): round constants \`C<t>\` (one row of t per round) and MDS`,
    "//! matrices `M<t>`. GENERATED by scripts/gen-poseidon.ts from runtime/hash/poseidon-bn254.json;",
    "//! do not edit by hand.",
    "",
    "use std::field::Bn254Fr;",
    "",
  ];
  k.C.forEach((flat, i) => {
    const t = i + 2;
    const rounds = k.roundsF + k.roundsP[i]!;
    if (flat.length !== rounds * t) throw new Error(`C[${i}] has ${flat.length} entries, want ${rounds * t}`);
    out.push(`/// Round constants for t = ${t}: ${rounds} rounds of ${t}.`);
    out.push(`pub const C${t}: [[Bn254Fr; ${t}]; ${rounds}] = [`);
    for (let r = 0; r < rounds; r++) out.push(...row(flat.slice(r * t, r * t + t)));
    out.push("];", "");
    out.push(`/// MDS matrix for t = ${t}: new_state[i] = sum_j M${t}[i][j] * state[j].`);
    out.push(`pub const M${t}: [[Bn254Fr; ${t}]; ${t}] = [`);
    for (const m of k.M[i]!) out.push(...row(m));
    out.push("];", "");
  });
  return out.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const json = renderJson();
  const files: [string, string][] = [
    [JSON_PATH, json],
    [CWL_PATH, renderCwl(json)],
  ];
  const check = process.argv.includes("--check");
  for (const [path, text] of files) {
    const rel = relative(REPO_ROOT, path);
    if (!check) {
      writeFileSync(path, text);
      console.log(`wrote ${rel}`);
    } else if (readFileSync(path, "utf8") !== text) {
      console.log(`${rel} is STALE: rerun without --check`);
      process.exitCode = 1;
    } else console.log(`${rel} is up to date`);
  }
}
