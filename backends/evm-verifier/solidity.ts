// A Solidity verifier for one verifying key: the contract replays runtime/plonk's verifier on the EVM.
// Everything that depends only on the key is decided here and written into the code as constants (proof
// layout and offsets, the vk digest, the gates' identities as straight-line field arithmetic, ω^rot, the
// fixed and σ commitments, the G2 points); what depends on the proof runs in one inline-assembly block:
//   1. the proof bytes (runtime/plonk's binary encoding, `cwl prove`'s .proof file) are checked for
//      magic, version, counts and length, copied to memory, and every point is checked to be on the
//      curve with canonical coordinates, every evaluation and public input to be below r;
//   2. the transcript is the prover's own: BLAKE2b-512 over the same tagged byte stream, computed
//      with the BLAKE2b compression precompile (EIP-152, address 0x09), so proofs need no EVM-specific
//      transcript. A challenge is the digest of the stream up to its squeeze tag: full 128-byte blocks
//      are compressed once as the stream grows, and each challenge finalises a copy of that state;
//   3. L_0, L_last, the blinding rows' indicator and the public-input polynomials at x·ω^rot come from
//      one batch inversion (the modexp precompile, 0x05, inverts the product);
//   4. every identity (gates, permutation, logUp) is evaluated at x from the opened values with θ, β, γ
//      as symbols (constraints.ts's Expressions, deduplicated), and folded with y into h(x);
//   5. the GWC multi-opening check of kzg.ts's verifyBatch: the MSM with the ecMul/ecAdd precompiles
//      (0x07, 0x06), one scalar per distinct commitment, and the pairing precompile (0x08).
// The contract returns true or false and never reverts on a bad proof.
import { R, inv, mul, pow } from "../../runtime/poly/fr.ts";
import { Domain } from "../../runtime/poly/domain.ts";
import { Expression, type Column } from "../../runtime/plonk/cs.ts";
import type { VerifyingKey } from "../../runtime/plonk/keygen.ts";
import { SPECIAL, allConstraints, openingQueries, permutationChunks, type Query } from "../../runtime/plonk/constraints.ts";
import { TRANSCRIPT_LABEL } from "../../runtime/plonk/prover.ts";
import { encodeG2, type G1 } from "../../runtime/plonk/kzg.ts";

/** The base field of BN254 (G1 coordinates). */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export class EvmVerifierError extends Error {}

export interface SolidityOptions {
  /** Contract name (default ChainWeaveVerifier). */
  contractName?: string;
  /**
   * Testing aid: instead of the verdict, `verify` reverts with the challenges θ, β, γ, y, x, v, u and
   * h(x) as eight words, so a test can compare them with runtime/plonk's transcript.
   */
  revealChallenges?: boolean;
}

export interface SolidityVerifier {
  source: string;
  contractName: string;
  /** Byte length of the proofs this contract reads. */
  proofBytes: number;
}

// Placeholders for θ, β, γ in the symbolic identities: special columns past runtime/plonk's four.
const SYM = { theta: 100, beta: 101, gamma: 102 } as const;

const hex = (x: bigint) => "0x" + x.toString(16);

/** Byte layout of runtime/plonk's binary proof (encoding.ts): "CWPF", version, six point lists, evals. */
const PROOF_LISTS = ["advice", "lookupM", "permZ", "lookupPhi", "quotient", "opening"] as const;

export function generateSolidityVerifier(vk: VerifyingKey, opts: SolidityOptions = {}): SolidityVerifier {
  const s = vk.shape;
  const contractName = opts.contractName ?? "ChainWeaveVerifier";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(contractName)) throw new EvmVerifierError(`'${contractName}' is not a Solidity identifier`);
  if (s.buses?.length) throw new EvmVerifierError("the circuit has bus interactions (a bus argument); the Solidity verifier does not read bus proofs");
  if (s.numInstance > 1) throw new EvmVerifierError(`the circuit has ${s.numInstance} instance columns; the Solidity verifier reads one`);
  const domain = new Domain(s.k, s.degree);
  const n = domain.n;
  const usable = n - s.blinding - 1;
  const queries = openingQueries(s);
  const chunks = permutationChunks(s);
  const pieces = domain.quotientPieces;

  // ---- proof layout
  const counts: Record<(typeof PROOF_LISTS)[number], number> = {
    advice: s.numAdvice,
    lookupM: s.lookups.length,
    permZ: chunks.length,
    lookupPhi: s.lookups.length,
    quotient: pieces,
    opening: 0, // set below from the opening points
  };
  // Opening points: x·ω^rot per distinct rotation, in the order kzg.ts's groupByPoint meets them
  // (the queries in openingQueries order, then [h] at x).
  const groups: Array<{ rot: number; members: Array<{ q: Query | "h"; evalIndex: number }> }> = [];
  const groupOf = (rot: number) => {
    let g = groups.find((x) => x.rot === rot);
    if (!g) groups.push((g = { rot, members: [] }));
    return g;
  };
  queries.forEach((q, i) => groupOf(q.rot).members.push({ q, evalIndex: i }));
  groupOf(0).members.push({ q: "h", evalIndex: -1 });
  counts.opening = groups.length;

  const offsets = {} as Record<(typeof PROOF_LISTS)[number], number>;
  const countAt: Array<{ at: number; value: number }> = [];
  let off = 5;
  for (const key of PROOF_LISTS) {
    countAt.push({ at: off, value: counts[key] });
    offsets[key] = off + 4;
    off += 4 + 64 * counts[key];
  }
  countAt.push({ at: off, value: queries.length });
  const evalsAt = off + 4;
  const proofBytes = evalsAt + 32 * queries.length;
  const numPoints = PROOF_LISTS.reduce((a, k) => a + counts[k], 0);

  // ---- memory map (byte addresses; everything fixed except the transcript buffer and the denominators at the end)
  let mem = 0x80;
  const alloc = (bytes: number) => {
    const a = mem;
    mem += Math.ceil(bytes / 32) * 32;
    return a;
  };
  const BIN = alloc(256); // BLAKE2b F input: rounds(4) h(64) m(128) t(16) f(1)
  const HSAVE = alloc(64);
  const CH = alloc(8 * 32); // θ β γ y x v u h(x)
  const [THETA, BETA, GAMMA, Y, X, V, U, HEVAL] = Array.from({ length: 8 }, (_, i) => CH + 32 * i);
  const TPTR = alloc(32);
  const TDONE = alloc(32);
  const ZH = alloc(32);
  const ZHN = alloc(32); // zh / n
  const SPEC = alloc(4 * 32); // l0, lLast, active, x
  const ACC = alloc(32);
  const XN = alloc(32);
  const DENS = alloc(32); // address of the denominators (after the transcript buffer)
  const ND = alloc(32);
  const EVAL_SUM = alloc(32);
  const constraints = allConstraints(s, symbolic());
  const instRots = [...new Set(constraints.flatMap((e) => e.queries().filter((q) => q.column.kind === "instance").map((q) => q.rot)))].sort((a, b) => a - b);
  const INST = alloc(32 * Math.max(1, instRots.length));
  const UP = alloc(32 * groups.length);
  const maxGroup = Math.max(...groups.map((g) => g.members.length));
  const VP = alloc(32 * maxGroup);
  const MSM_L = alloc(128);
  const MSM_R = alloc(128);
  const MULIN = alloc(96);
  const PAIR = alloc(384);
  const MODEXP = alloc(192);
  const PROOF = alloc(proofBytes + 32);
  const evalAddr = (i: number) => PROOF + evalsAt + 32 * i;
  const pointAddr = (key: (typeof PROOF_LISTS)[number], i: number) => PROOF + offsets[key] + 64 * i;

  // ---- the constraint DAG: one statement per distinct node, temporaries reused after their last use
  const evalIndex = new Map<string, number>();
  queries.forEach((q, i) => evalIndex.set(`${q.column.kind}:${q.column.index}:${q.rot}`, i));
  const dag = buildDag(constraints);
  const leaf = (c: Column, rot: number): string => {
    if (c.kind === "instance") return `mload(${hex(BigInt(INST + 32 * instRots.indexOf(rot)))})`;
    if (c.kind === "special") {
      if (c.index === SYM.theta) return `mload(${hex(BigInt(THETA))})`;
      if (c.index === SYM.beta) return `mload(${hex(BigInt(BETA))})`;
      if (c.index === SYM.gamma) return `mload(${hex(BigInt(GAMMA))})`;
      if (rot !== 0) throw new EvmVerifierError("special columns are not rotated");
      return `mload(${hex(BigInt(SPEC + 32 * c.index))})`;
    }
    const i = evalIndex.get(`${c.kind}:${c.index}:${rot}`);
    if (i === undefined) throw new EvmVerifierError(`no opening for ${c.kind}[${c.index}] at rotation ${rot}`);
    return `mload(${hex(BigInt(evalAddr(i)))})`;
  };
  const TMP = mem;
  const constraintCode = emitDag(dag, leaf, TMP, (root) => `mstore(${hex(BigInt(ACC))}, addmod(mulmod(mload(${hex(BigInt(ACC))}), mload(${hex(BigInt(Y))}), r), ${root}, r))`);
  mem = TMP + 32 * constraintCode.slots;
  const DYN = alloc(32);

  // ---- transcript prefix: the domain separator and the vk digest (absorbBytes: tag 3, u32 length, bytes)
  const label = new TextEncoder().encode(TRANSCRIPT_LABEL);
  const prefix = [...absorbBytesEncoding(label), ...absorbBytesEncoding(vk.digest)];
  const prefixWords: string[] = [];
  for (let i = 0; i < prefix.length; i += 32) {
    const w = prefix.slice(i, i + 32);
    while (w.length < 32) w.push(0);
    prefixWords.push(`mstore(${hex(BigInt(DYN + i))}, 0x${Buffer.from(w).toString("hex")})`);
  }
  // Stream length beyond the instance values: the tag bytes and payloads of every later message.
  const streamConst = prefix.length + 33 * 2 + 65 * numPoints + 33 * queries.length + 65 * 7;

  // ---- constants
  const omegaRot = (rot: number) => (rot >= 0 ? pow(domain.omega, BigInt(rot)) : pow(domain.omegaInv, BigInt(-rot)));
  const nInv = inv(BigInt(n));
  const r2_256 = (1n << 256n) % R;
  const g2 = encodeG2(vk.g2);
  const tg2 = encodeG2(vk.tauG2);
  const precompileG2 = (c: bigint[]) => [c[1], c[0], c[3], c[2]];
  const blake2bIv = [
    0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
    0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
  ];
  // BLAKE2b-512 parameter block: digest length 64, no key, fanout 1, depth 1.
  blake2bIv[0] ^= 0x01010040n;
  const hInit = Buffer.alloc(64);
  blake2bIv.forEach((w, i) => hInit.writeBigUInt64LE(w, 8 * i));

  const L: string[] = [];
  const line = (x: string) => L.push(x);
  const h = (x: number | bigint) => hex(BigInt(x));

  // Helpers (Yul functions see only memory, so their state lives at fixed addresses).
  line(`function fail() { mstore(0, 0) return(0, 32) }`);
  line(`function checkPoint(a) {`);
  line(`  let x := mload(a) let y := mload(add(a, 32))`);
  line(`  if or(x, y) {`);
  line(`    if iszero(and(lt(x, ${hex(Q)}), lt(y, ${hex(Q)}))) { fail() }`);
  line(`    if iszero(eq(mulmod(y, y, ${hex(Q)}), addmod(mulmod(x, mulmod(x, x, ${hex(Q)}), ${hex(Q)}), 3, ${hex(Q)}))) { fail() }`);
  line(`  }`);
  line(`}`);
  line(`function compress(block, counter, final) {`);
  line(`  mstore(${h(BIN + 68)}, mload(block)) mstore(${h(BIN + 100)}, mload(add(block, 32)))`);
  line(`  mstore(${h(BIN + 132)}, mload(add(block, 64))) mstore(${h(BIN + 164)}, mload(add(block, 96)))`);
  line(`  mstore(${h(BIN + 196)}, 0)`);
  line(`  mstore8(${h(BIN + 196)}, and(counter, 0xff)) mstore8(${h(BIN + 197)}, and(shr(8, counter), 0xff))`);
  line(`  mstore8(${h(BIN + 198)}, and(shr(16, counter), 0xff)) mstore8(${h(BIN + 199)}, and(shr(24, counter), 0xff))`);
  line(`  mstore8(${h(BIN + 212)}, final)`);
  line(`  if iszero(staticcall(gas(), 0x09, ${h(BIN)}, 213, ${h(BIN + 4)}, 64)) { fail() }`);
  line(`}`);
  line(`function absorbPoint(a) {`);
  line(`  let t := mload(${h(TPTR)})`);
  line(`  mstore8(t, 1) mstore(add(t, 1), mload(a)) mstore(add(t, 33), mload(add(a, 32)))`);
  line(`  mstore(${h(TPTR)}, add(t, 65))`);
  line(`}`);
  line(`function absorbScalar(v) {`);
  line(`  let t := mload(${h(TPTR)})`);
  line(`  mstore8(t, 2) mstore(add(t, 1), v)`);
  line(`  mstore(${h(TPTR)}, add(t, 33))`);
  line(`}`);
  line(`function challenge() -> c {`);
  line(`  let t := mload(${h(TPTR)})`);
  line(`  mstore8(t, 4) t := add(t, 1)`);
  line(`  let done := mload(${h(TDONE)})`);
  line(`  // Every full block but the last is final for all later challenges too.`);
  line(`  for {} gt(sub(t, done), 128) {} { done := add(done, 128) compress(sub(done, 128), sub(done, ${h(DYN)}), 0) }`);
  line(`  mstore(${h(TDONE)}, done)`);
  line(`  mstore(${h(HSAVE)}, mload(${h(BIN + 4)})) mstore(${h(HSAVE + 32)}, mload(${h(BIN + 36)}))`);
  line(`  compress(done, sub(t, ${h(DYN)}), 1)`);
  line(`  let d0 := mload(${h(BIN + 4)}) let d1 := mload(${h(BIN + 36)})`);
  line(`  mstore(${h(BIN + 4)}, mload(${h(HSAVE)})) mstore(${h(BIN + 36)}, mload(${h(HSAVE + 32)}))`);
  line(`  // The digest is absorbed back; the 64 bytes past the stream's end are still zero for the padding.`);
  line(`  mstore(t, d0) mstore(add(t, 32), d1)`);
  line(`  mstore(${h(TPTR)}, add(t, 64))`);
  line(`  c := addmod(mulmod(d0, ${hex(r2_256)}, ${hex(R)}), mod(d1, ${hex(R)}), ${hex(R)})`);
  line(`}`);
  line(`function invert(a) -> y {`);
  line(`  mstore(${h(MODEXP)}, 32) mstore(${h(MODEXP + 32)}, 32) mstore(${h(MODEXP + 64)}, 32)`);
  line(`  mstore(${h(MODEXP + 96)}, a) mstore(${h(MODEXP + 128)}, ${hex(R - 2n)}) mstore(${h(MODEXP + 160)}, ${hex(R)})`);
  line(`  if iszero(staticcall(gas(), 0x05, ${h(MODEXP)}, 192, 0, 32)) { fail() }`);
  line(`  y := mload(0)`);
  line(`}`);
  line(`// acc (4 words: the sum, then scratch) += s·(px, py)`);
  line(`function msmAdd(acc, px, py, sc) {`);
  line(`  mstore(${h(MULIN)}, px) mstore(${h(MULIN + 32)}, py) mstore(${h(MULIN + 64)}, sc)`);
  line(`  if iszero(staticcall(gas(), 0x07, ${h(MULIN)}, 96, add(acc, 64), 64)) { fail() }`);
  line(`  if iszero(staticcall(gas(), 0x06, acc, 128, acc, 64)) { fail() }`);
  line(`}`);
  line(`let r := ${hex(R)}`);

  // 1. Proof layout, points, evaluations, public inputs.
  line(`if iszero(eq(proof.length, ${proofBytes})) { fail() }`);
  line(`if iszero(eq(shr(216, calldataload(proof.offset)), 0x${Buffer.from("CWPF\x02", "latin1").toString("hex")})) { fail() }`);
  for (const c of countAt) line(`if iszero(eq(shr(224, calldataload(add(proof.offset, ${c.at}))), ${c.value})) { fail() }`);
  line(`calldatacopy(${h(PROOF)}, proof.offset, ${proofBytes})`);
  for (const key of PROOF_LISTS) for (let i = 0; i < counts[key]; i++) line(`checkPoint(${h(pointAddr(key, i))})`);
  line(`for { let a := ${h(evalAddr(0))} } lt(a, ${h(evalAddr(queries.length))}) { a := add(a, 32) } { if iszero(lt(mload(a), r)) { fail() } }`);
  const ni = s.numInstance === 0 ? "0" : "instances.length";
  if (s.numInstance === 0) line(`if instances.length { fail() }`);
  else {
    line(`if gt(instances.length, ${usable}) { fail() }`);
    line(`for { let i := 0 } lt(i, instances.length) { i := add(i, 1) } { if iszero(lt(calldataload(add(instances.offset, mul(i, 32))), r)) { fail() } }`);
  }

  // 2. Transcript.
  line(`mstore(${h(BIN)}, shl(224, 12))`);
  line(`mstore(${h(BIN + 4)}, 0x${hInit.subarray(0, 32).toString("hex")}) mstore(${h(BIN + 36)}, 0x${hInit.subarray(32).toString("hex")})`);
  prefixWords.forEach(line);
  line(`mstore(${h(TPTR)}, ${h(DYN + prefix.length)}) mstore(${h(TDONE)}, ${h(DYN)})`);
  line(`absorbScalar(${s.numInstance})`);
  if (s.numInstance === 1) {
    line(`absorbScalar(instances.length)`);
    line(`for { let i := 0 } lt(i, instances.length) { i := add(i, 1) } { absorbScalar(calldataload(add(instances.offset, mul(i, 32)))) }`);
  }
  const absorbPoints = (key: (typeof PROOF_LISTS)[number]) => {
    for (let i = 0; i < counts[key]; i++) line(`absorbPoint(${h(pointAddr(key, i))})`);
  };
  absorbPoints("advice");
  line(`mstore(${h(THETA)}, challenge())`);
  absorbPoints("lookupM");
  line(`mstore(${h(BETA)}, challenge())`);
  line(`mstore(${h(GAMMA)}, challenge())`);
  absorbPoints("permZ");
  absorbPoints("lookupPhi");
  line(`mstore(${h(Y)}, challenge())`);
  absorbPoints("quotient");
  line(`mstore(${h(X)}, challenge())`);
  for (let i = 0; i < queries.length; i++) line(`absorbScalar(mload(${h(evalAddr(i))}))`);
  line(`mstore(${h(V)}, challenge())`);
  absorbPoints("opening");
  line(`mstore(${h(U)}, challenge())`);

  // 3. x^n, the Lagrange values and the public-input polynomials: one batch inversion.
  // Top-level Yul variables stay few (the stack reaches 16 deep): state between blocks lives in memory.
  line(`{`);
  line(`  let x := mload(${h(X)})`);
  line(`  let xn := x`);
  line(`  for { let i := 0 } lt(i, ${s.k}) { i := add(i, 1) } { xn := mulmod(xn, xn, r) }`);
  line(`  if eq(xn, 1) { fail() }`);
  line(`  mstore(${h(XN)}, xn)`);
  line(`  let zh := addmod(xn, sub(r, 1), r)`);
  line(`  mstore(${h(ZH)}, zh) mstore(${h(ZHN)}, mulmod(zh, ${hex(nInv)}, r))`);
  line(`}`);
  // Denominators: x − ω^0, x − ω^u, x − ω^i over the blinding rows, zh, x, then x·ω^rot − ω^i per public input and rotation.
  const nStatic = 2 + s.blinding + 2;
  line(`mstore(${h(DENS)}, add(${h(DYN)}, and(add(add(${streamConst + 256}, mul(${ni}, 33)), 31), not(31))))`);
  line(`mstore(${h(ND)}, add(${nStatic}, mul(${ni}, ${instRots.length})))`);
  line(`{`);
  line(`let x := mload(${h(X)})`);
  line(`let dens := mload(${h(DENS)})`);
  line(`mstore(dens, addmod(x, sub(r, 1), r))`);
  line(`mstore(add(dens, 32), addmod(x, sub(r, ${hex(pow(domain.omega, BigInt(usable)))}), r))`);
  line(`{`);
  line(`  let w := ${hex(pow(domain.omega, BigInt(usable + 1)))}`);
  line(`  for { let i := 0 } lt(i, ${s.blinding}) { i := add(i, 1) } { mstore(add(dens, mul(add(i, 2), 32)), addmod(x, sub(r, w), r)) w := mulmod(w, ${hex(domain.omega)}, r) }`);
  line(`}`);
  line(`mstore(add(dens, ${32 * (2 + s.blinding)}), mload(${h(ZH)}))`);
  line(`mstore(add(dens, ${32 * (3 + s.blinding)}), x)`);
  instRots.forEach((rot, j) => {
    line(`{`);
    line(`  let xr := mulmod(x, ${hex(omegaRot(rot))}, r)`);
    line(`  let w := 1`);
    line(`  let base := add(dens, ${32 * nStatic})`);
    line(`  for { let i := 0 } lt(i, ${ni}) { i := add(i, 1) } { mstore(add(base, mul(add(mul(${j}, ${ni}), i), 32)), addmod(xr, sub(r, w), r)) w := mulmod(w, ${hex(domain.omega)}, r) }`);
    line(`}`);
  });
  line(`}`);
  line(`{`);
  line(`  let dens := mload(${h(DENS)})`);
  line(`  let nd := mload(${h(ND)})`);
  line(`  let pre := add(dens, mul(nd, 32))`);
  line(`  let acc := 1`);
  line(`  for { let i := 0 } lt(i, nd) { i := add(i, 1) } { mstore(add(pre, mul(i, 32)), acc) acc := mulmod(acc, mload(add(dens, mul(i, 32))), r) }`);
  line(`  if iszero(acc) { fail() }`);
  line(`  let t := invert(acc)`);
  line(`  for { let i := nd } gt(i, 0) {} { i := sub(i, 1) let d := mload(add(dens, mul(i, 32))) mstore(add(dens, mul(i, 32)), mulmod(t, mload(add(pre, mul(i, 32))), r)) t := mulmod(t, d, r) }`);
  line(`}`);
  line(`{`);
  line(`  let dens := mload(${h(DENS)})`);
  line(`  let zhn := mload(${h(ZHN)})`);
  line(`  mstore(${h(SPEC + 32 * SPECIAL.l0)}, mulmod(zhn, mload(dens), r))`);
  line(`  let lLast := mulmod(mulmod(zhn, ${hex(pow(domain.omega, BigInt(usable)))}, r), mload(add(dens, 32)), r)`);
  line(`  mstore(${h(SPEC + 32 * SPECIAL.lLast)}, lLast)`);
  line(`  let w := ${hex(pow(domain.omega, BigInt(usable + 1)))}`);
  line(`  let sum := 0`);
  line(`  for { let i := 0 } lt(i, ${s.blinding}) { i := add(i, 1) } { sum := addmod(sum, mulmod(w, mload(add(dens, mul(add(i, 2), 32))), r), r) w := mulmod(w, ${hex(domain.omega)}, r) }`);
  line(`  // active = 1 − L_last − Σ L_i over the blinding rows`);
  line(`  mstore(${h(SPEC + 32 * SPECIAL.active)}, addmod(1, sub(r, addmod(lLast, mulmod(sum, zhn, r), r)), r))`);
  line(`}`);
  line(`mstore(${h(SPEC + 32 * SPECIAL.x)}, mload(${h(X)}))`);
  instRots.forEach((_, j) => {
    line(`{`);
    line(`  let zhn := mload(${h(ZHN)})`);
    line(`  let base := add(mload(${h(DENS)}), ${32 * nStatic})`);
    line(`  let w := 1`);
    line(`  let sum := 0`);
    line(`  for { let i := 0 } lt(i, ${ni}) { i := add(i, 1) } {`);
    line(`    sum := addmod(sum, mulmod(mulmod(calldataload(add(instances.offset, mul(i, 32))), w, r), mload(add(base, mul(add(mul(${j}, ${ni}), i), 32))), r), r)`);
    line(`    w := mulmod(w, ${hex(domain.omega)}, r)`);
    line(`  }`);
    line(`  mstore(${h(INST + 32 * j)}, mulmod(sum, zhn, r))`);
    line(`}`);
  });

  // 4. The identities at x, folded with y; h(x) = acc / zh.
  line(`mstore(${h(ACC)}, 0)`);
  constraintCode.lines.forEach(line);
  line(`mstore(${h(HEVAL)}, mulmod(mload(${h(ACC)}), mload(add(mload(${h(DENS)}), ${32 * (2 + s.blinding)})), r))`);
  if (opts.revealChallenges) line(`revert(${h(CH)}, 256)`);

  // 5. Multi-opening: powers of u and v, one scalar per distinct commitment, two MSMs, one pairing.
  line(`mstore(${h(UP)}, 1) mstore(${h(VP)}, 1)`);
  for (let j = 1; j < groups.length; j++) line(`mstore(${h(UP + 32 * j)}, mulmod(mload(${h(UP + 32 * (j - 1))}), mload(${h(U)}), r))`);
  for (let i = 1; i < maxGroup; i++) line(`mstore(${h(VP + 32 * i)}, mulmod(mload(${h(VP + 32 * (i - 1))}), mload(${h(V)}), r))`);
  const coef = (j: number, i: number) => `mulmod(mload(${h(UP + 32 * j)}), mload(${h(VP + 32 * i)}), r)`;
  // E = Σ_j u^j Σ_i v^i·e_i; the scalar of each commitment sums its positions.
  line(`mstore(${h(EVAL_SUM)}, 0)`);
  const byCommitment = new Map<string, { point: () => string[]; terms: Array<[number, number]> }>();
  let hTerm: [number, number] | undefined;
  groups.forEach((g, j) =>
    g.members.forEach((m, i) => {
      if (m.q === "h") {
        hTerm = [j, i];
        line(`mstore(${h(EVAL_SUM)}, addmod(mload(${h(EVAL_SUM)}), mulmod(${coef(j, i)}, mload(${h(HEVAL)}), r), r))`);
        return;
      }
      line(`mstore(${h(EVAL_SUM)}, addmod(mload(${h(EVAL_SUM)}), mulmod(${coef(j, i)}, mload(${h(evalAddr(m.evalIndex))}), r), r))`);
      const c = m.q.column;
      const key = `${c.kind}:${c.index}`;
      let entry = byCommitment.get(key);
      if (!entry) byCommitment.set(key, (entry = { point: () => commitmentWords(c), terms: [] }));
      entry.terms.push([j, i]);
    }),
  );
  function commitmentWords(c: Column): string[] {
    const constPoint = (p: G1) => (p.infinity ? ["0", "0"] : [hex(p.x), hex(p.y)]);
    const fromProof = (key: (typeof PROOF_LISTS)[number], i: number) => [`mload(${h(pointAddr(key, i))})`, `mload(${h(pointAddr(key, i) + 32)})`];
    switch (c.kind) {
      case "advice":
        return fromProof("advice", c.index);
      case "fixed":
        return constPoint(vk.fixedCommitments[c.index]);
      case "sigma":
        return constPoint(vk.sigmaCommitments[c.index]);
      case "perm_z":
        return fromProof("permZ", c.index);
      case "lookup_m":
        return fromProof("lookupM", c.index);
      case "lookup_phi":
        return fromProof("lookupPhi", c.index);
      default:
        throw new EvmVerifierError(`cannot open ${c.kind}`);
    }
  }
  line(`mstore(${h(MSM_L)}, 0) mstore(${h(MSM_L + 32)}, 0) mstore(${h(MSM_R)}, 0) mstore(${h(MSM_R + 32)}, 0)`);
  for (const { point, terms } of byCommitment.values()) {
    const sc = terms.map(([j, i]) => coef(j, i)).reduce((a, b) => `addmod(${a}, ${b}, r)`);
    const [px, py] = point();
    line(`{ let sc := ${sc} msmAdd(${h(MSM_L)}, ${px}, ${py}, sc) }`);
  }
  // [h] = Σ x^{j(n−1)}·[h'_j], opened at x with the scalar of its position.
  line(`{`);
  line(`  let xs := mulmod(mload(${h(XN)}), mload(add(mload(${h(DENS)}), ${32 * (3 + s.blinding)})), r)`);
  line(`  let sc := ${coef(hTerm![0], hTerm![1])}`);
  for (let j = 0; j < pieces; j++) {
    line(`  msmAdd(${h(MSM_L)}, mload(${h(pointAddr("quotient", j))}), mload(${h(pointAddr("quotient", j) + 32)}), sc)`);
    if (j + 1 < pieces) line(`  sc := mulmod(sc, xs, r)`);
  }
  line(`}`);
  groups.forEach((g, j) => {
    const w = pointAddr("opening", j);
    line(`msmAdd(${h(MSM_L)}, mload(${h(w)}), mload(${h(w + 32)}), mulmod(mload(${h(UP + 32 * j)}), mulmod(mload(${h(X)}), ${hex(omegaRot(g.rot))}, r), r))`);
    line(`msmAdd(${h(MSM_R)}, mload(${h(w)}), mload(${h(w + 32)}), mload(${h(UP + 32 * j)}))`);
  });
  line(`msmAdd(${h(MSM_L)}, 1, 2, sub(r, mload(${h(EVAL_SUM)})))`);
  // e(left, G2)·e(−right, τG2) = 1
  line(`mstore(${h(PAIR)}, mload(${h(MSM_L)})) mstore(${h(PAIR + 32)}, mload(${h(MSM_L + 32)}))`);
  precompileG2(g2).forEach((c, i) => line(`mstore(${h(PAIR + 64 + 32 * i)}, ${hex(c)})`));
  line(`mstore(${h(PAIR + 192)}, mload(${h(MSM_R)}))`);
  line(`{ let ry := mload(${h(MSM_R + 32)}) if ry { ry := sub(${hex(Q)}, ry) } mstore(${h(PAIR + 224)}, ry) }`);
  precompileG2(tg2).forEach((c, i) => line(`mstore(${h(PAIR + 256 + 32 * i)}, ${hex(c)})`));
  line(`if iszero(staticcall(gas(), 0x08, ${h(PAIR)}, 384, 0, 32)) { fail() }`);
  line(`return(0, 32)`);

  const body = L.map((x) => "      " + x).join("\n");
  const source = `// SPDX-License-Identifier: MIT
// Generated by \`cwl export-verifier\` (ChainWeave) for the circuit '${s.name.replace(/[^\x20-\x7e]/g, "?")}': do not edit.
// Verifies runtime/plonk's PLONKish/KZG proofs on BN254 (proof version 2, transcript ${TRANSCRIPT_LABEL}):
// k = ${s.k}, ${s.numAdvice} advice, ${s.numFixed} fixed, ${s.numInstance} instance columns, ${s.lookups.length} lookups, ${s.equality.length} equality columns.
// Proof: the ${proofBytes}-byte binary file that \`cwl prove\` writes; public inputs: the instance column.
// vk digest (BLAKE2b-512): ${Buffer.from(vk.digest).toString("hex")}
pragma solidity ^0.8.20;

contract ${contractName} {
  /// True when \`proof\` proves the circuit for these public inputs; false for anything else.
  function verify(bytes calldata proof, uint256[] calldata instances) external view returns (bool) {
    assembly {
${body}
    }
  }
}
`;
  return { source, contractName, proofBytes };
}

function symbolic() {
  const q = (i: number) => Expression.query({ kind: "special", index: i });
  return { theta: q(SYM.theta), beta: q(SYM.beta), gamma: q(SYM.gamma) };
}

function absorbBytesEncoding(b: Uint8Array): number[] {
  const len = [(b.length >>> 24) & 0xff, (b.length >>> 16) & 0xff, (b.length >>> 8) & 0xff, b.length & 0xff];
  return [3, ...len, ...b];
}

// ---- expression DAG

type DagNode =
  | { op: "const"; value: bigint }
  | { op: "leaf"; column: Column; rot: number }
  | { op: "add" | "mul"; a: number; b: number }
  | { op: "neg"; a: number }
  | { op: "scale"; a: number; k: bigint };

interface Dag {
  nodes: DagNode[];
  roots: number[];
}

/** Hash-consed nodes of all constraints (a subexpression shared by gates is computed once). */
function buildDag(exprs: readonly Expression[]): Dag {
  const nodes: DagNode[] = [];
  const ids = new Map<string, number>();
  const intern = (key: string, n: DagNode) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = nodes.length;
      nodes.push(n);
      ids.set(key, id);
    }
    return id;
  };
  const memo = new Map<Expression, number>();
  const visit = (e: Expression): number => {
    const m = memo.get(e);
    if (m !== undefined) return m;
    const n = e.node;
    let id: number;
    switch (n.op) {
      case "const":
        id = intern(`c${n.value}`, { op: "const", value: n.value });
        break;
      case "query":
        id = intern(`q${n.column.kind}:${n.column.index}:${n.rot}`, { op: "leaf", column: n.column, rot: n.rot });
        break;
      case "add":
      case "mul": {
        let a = visit(n.a);
        let b = visit(n.b);
        if (a > b) [a, b] = [b, a];
        id = intern(`${n.op}${a},${b}`, { op: n.op, a, b });
        break;
      }
      case "neg": {
        const a = visit(n.a);
        id = intern(`n${a}`, { op: "neg", a });
        break;
      }
      case "scale": {
        const a = visit(n.a);
        id = intern(`s${n.k},${a}`, { op: "scale", a, k: n.k });
        break;
      }
    }
    memo.set(e, id);
    return id;
  };
  const roots = exprs.map(visit);
  return { nodes, roots };
}

/**
 * Straight-line Yul for the DAG: each operation node is one `mstore` into a temporary slot (a slot is
 * reused once its last reader has run); constants and leaves are inlined. `onRoot` consumes each root
 * in order (the fold with y) right after it is computed.
 */
function emitDag(dag: Dag, leaf: (c: Column, rot: number) => string, base: number, onRoot: (expr: string) => string): { lines: string[]; slots: number } {
  const { nodes, roots } = dag;
  const children = (n: DagNode): number[] => (n.op === "add" || n.op === "mul" ? [n.a, n.b] : n.op === "neg" || n.op === "scale" ? [n.a] : []);
  // Remaining uses of each node over the whole program (roots count as a use).
  const uses = new Array<number>(nodes.length).fill(0);
  const emitted = new Array<boolean>(nodes.length).fill(false);
  const order: number[] = [];
  const post = (id: number) => {
    // Iterative post-order: identities can be thousands of nodes deep.
    const stack: Array<[number, boolean]> = [[id, false]];
    while (stack.length) {
      const [x, done] = stack.pop()!;
      if (done) {
        if (!emitted[x]) {
          emitted[x] = true;
          order.push(x);
        }
        continue;
      }
      if (emitted[x]) continue;
      stack.push([x, true]);
      for (const c of children(nodes[x])) if (!emitted[c]) stack.push([c, false]);
    }
  };
  const rootAfter = new Map<number, number[]>();
  for (const [i, r] of roots.entries()) {
    post(r);
    const last = order[order.length - 1];
    // A root already computed (a repeated identity) is folded right after the last emitted node.
    const at = emitted[r] && order.indexOf(r) !== order.length - 1 ? last : r;
    if (!rootAfter.has(at)) rootAfter.set(at, []);
    rootAfter.get(at)!.push(i);
  }
  for (const id of order) for (const c of children(nodes[id])) uses[c]++;
  for (const r of roots) uses[r]++;

  const slotOf = new Map<number, number>();
  const free: number[] = [];
  let slots = 0;
  const lines: string[] = [];
  const ref = (id: number): string => {
    const n = nodes[id];
    if (n.op === "const") return hex(n.value);
    if (n.op === "leaf") return leaf(n.column, n.rot);
    return `mload(${hex(BigInt(base + 32 * slotOf.get(id)!))})`;
  };
  const release = (id: number) => {
    if (--uses[id] === 0 && slotOf.has(id)) free.push(slotOf.get(id)!);
  };
  const inlined = (id: number) => nodes[id].op === "const" || nodes[id].op === "leaf";
  for (const id of order) {
    const n = nodes[id];
    if (!inlined(id)) {
      let expr: string;
      switch (n.op) {
        case "add":
          expr = `addmod(${ref(n.a)}, ${ref(n.b)}, r)`;
          break;
        case "mul":
          expr = `mulmod(${ref(n.a)}, ${ref(n.b)}, r)`;
          break;
        case "neg":
          expr = `sub(r, ${ref(n.a)})`;
          break;
        case "scale":
          expr = `mulmod(${ref(n.a)}, ${hex(n.k)}, r)`;
          break;
        default:
          throw new Error("unreachable");
      }
      for (const c of children(n)) release(c);
      const slot = free.length ? free.pop()! : slots++;
      slotOf.set(id, slot);
      lines.push(`mstore(${hex(BigInt(base + 32 * slot))}, ${expr})`);
    }
    for (const i of rootAfter.get(id) ?? []) {
      lines.push(onRoot(ref(roots[i])));
      release(roots[i]);
    }
  }
  return { lines, slots };
}
