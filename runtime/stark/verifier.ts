// The verifier: replays the transcript, checks the LogUp sums against the public boundary terms, each
// chip's constraints at ζ against its quotient pieces, and runs FRI, whose queries check every opened
// row against its commitment and recompute the DEEP quotients from them. Every answer is `ok` or a
// reason; a malformed proof object is a reason too, never an exception.
import type { BoundaryTerm } from "../air/index.ts";
import {
  combinedConstraints,
  constraintCount,
  fingerprint,
  lambdaPowers,
  recombine,
  securityBits,
  treeWidths,
  type StarkParams,
  type VerifyingKey,
  type Window,
} from "./air.ts";
import { EXT_ONE, GENERATOR, eadd, eeq, eIsZero, einv, emul, epow, escale, esub, fromBig, mul, pow, rootOfUnity, type Ext } from "./field.ts";
import { canonicalExt, friVerify } from "./fri.ts";
import { rowsPerLeaf, verifyPath } from "./merkle.ts";
import { bitReverse } from "./ntt.ts";
import { ProofFormatError, decodeProof, observeStatement, type StarkProof } from "./proof.ts";
import { Transcript } from "./transcript.ts";
import { Alg, extVal, type Val } from "./vec.ts";

export type VerifyResult = { ok: true } | { ok: false; reason: string };

const sameParams = (a: StarkParams, b: StarkParams) =>
  a.logBlowup === b.logBlowup && a.numQueries === b.numQueries && a.powBits === b.powBits && a.logFinalLen === b.logFinalLen;

/** Verifies the proof's bytes (decoding errors are reasons too). */
export function verifyBytes(vk: VerifyingKey, bytes: Uint8Array, boundary: BoundaryTerm[]): VerifyResult {
  let proof: StarkProof;
  try {
    proof = decodeProof(bytes);
  } catch (e) {
    if (e instanceof ProofFormatError) return { ok: false, reason: e.message };
    throw e;
  }
  return verify(vk, proof, boundary);
}

export function verify(vk: VerifyingKey, proof: StarkProof, boundary: BoundaryTerm[]): VerifyResult {
  try {
    const reason = check(vk, proof, boundary);
    return reason === undefined ? { ok: true } : { ok: false, reason };
  } catch (e) {
    // a shape this function did not anticipate (a proof object built by hand): still only a rejection
    return { ok: false, reason: `malformed proof: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function check(vk: VerifyingKey, proof: StarkProof, boundary: BoundaryTerm[]): string | undefined {
  const { air, params } = vk;
  const nChips = air.chips.length;
  if (!sameParams(proof.params, params)) return "the proof's parameters are not the key's";
  if (securityBits(params) < 0) return "parameters give no security";
  const lh = proof.logHeights;
  if (lh.length !== nChips) return `the proof has ${lh.length} chips, the key ${nChips}`;
  for (const [what, list] of [["main roots", proof.mainRoots], ["LogUp roots", proof.permRoots], ["quotient roots", proof.quotientRoots], ["LogUp totals", proof.totals], ["openings", proof.openings]] as const) {
    if (list.length !== nChips) return `the proof has ${list.length} ${what} for ${nChips} chips`;
  }
  if (![...proof.mainRoots, ...proof.quotientRoots, ...proof.permRoots.filter((r) => r !== undefined)].every((r) => r.length === 32)) return "a commitment is not a 32-byte digest";
  for (let c = 0; c < nChips; c++) {
    const s = vk.chips[c];
    if (!Number.isInteger(lh[c]) || lh[c] < 0 || lh[c] + params.logBlowup > 27) return `chip ${s.name}: bad height`;
    if (s.logHeight !== undefined && s.logHeight !== lh[c]) return `chip ${s.name}: height 2^${lh[c]}, the key fixes 2^${s.logHeight}`;
    if (!!proof.permRoots[c] !== s.interactions > 0) return `chip ${s.name}: LogUp commitment present/absent against the key`;
    const widths = treeWidths(s);
    const o = proof.openings[c];
    if (!o || o.length !== 4) return `chip ${s.name}: openings of ${o?.length} matrices`;
    for (let k = 0; k < 4; k++) {
      if (o[k].zeta.length !== widths[k] || o[k].zetaNext.length !== (k === 3 ? 0 : widths[k])) return `chip ${s.name}: matrix ${k} opens ${o[k].zeta.length} columns, expected ${widths[k]}`;
      if (![...o[k].zeta, ...o[k].zetaNext].every(canonicalExt)) return `chip ${s.name}: an opened value is not a field element`;
    }
    if (!canonicalExt(proof.totals[c])) return `chip ${s.name}: LogUp total is not a field element`;
  }
  const busId = new Map(vk.buses.map((b, i) => [b, i + 1]));
  for (const b of boundary) if (!busId.has(b.bus)) return `boundary term on bus ${b.bus}, which no chip uses`;

  const t = new Transcript("proof");
  observeStatement(t, vk, lh, boundary);
  for (const r of proof.mainRoots) t.observeBytes(r);
  const alpha = t.sampleExt();
  const beta = t.sampleExt();
  for (const r of proof.permRoots) if (r) t.observeBytes(r);
  for (const tot of proof.totals) t.observeExt(tot);
  const lambda = t.sampleExt();
  for (const r of proof.quotientRoots) t.observeBytes(r);
  const zeta = t.sampleExt();
  for (const o of proof.openings) for (const m of o) for (const e of [...m.zeta, ...m.zetaNext]) t.observeExt(e);
  const alphaDeep = t.sampleExt();

  // ---- the buses balance: Σ chip totals + Σ boundary m/(α − fp) = 0 ----
  const scalar = new Alg(1);
  let sum: Ext = [0, 0, 0, 0];
  for (const tot of proof.totals) sum = eadd(sum, tot);
  for (const b of boundary) {
    const fp = fingerprint(scalar, busId.get(b.bus)!, b.values.map((v) => [fromBig(v)]), beta) as Ext;
    const d = esub(alpha, toExt(fp));
    if (eIsZero(d)) return "a boundary term's fingerprint equals α";
    sum = eadd(sum, escale(einv(d), fromBig(b.multiplicity)));
  }
  if (!eIsZero(sum)) return "the buses do not balance: the chips' LogUp sums and the public boundary terms do not add up to zero";

  // ---- each chip's constraints at ζ ----
  for (const [ci, chip] of air.chips.entries()) {
    const n = 2 ** lh[ci];
    const o = proof.openings[ci];
    const zn = epow(zeta, n);
    const zH = esub(zn, EXT_ONE);
    if (eIsZero(zH)) return "ζ lies in the trace domain";
    const wn = rootOfUnity(lh[ci]);
    // L_0(ζ) = Z_H(ζ)/(n(ζ − 1)), L_{n−1}(ζ) = Z_H(ζ)/(n(ζω − 1))
    const first = emul(zH, einv(escale(esub(zeta, EXT_ONE), n % 2013265921)));
    const last = emul(zH, einv(escale(esub(escale(zeta, wn), EXT_ONE), n % 2013265921)));
    const transition = esub(EXT_ONE, last);
    const sel = { first, last, transition };
    const w: Window = {
      main: (c, nx) => extVal((nx ? o[1].zetaNext : o[1].zeta)[c]),
      fixed: (c, nx) => extVal((nx ? o[0].zetaNext : o[0].zeta)[c]),
      sel: (which) => extVal(sel[which]),
    };
    const perm = (k: number, nx: boolean): Val => extVal(recombine((nx ? o[2].zetaNext : o[2].zeta).slice(4 * k, 4 * k + 4)));
    const c = toExt(
      combinedConstraints(
        scalar,
        chip,
        vk.chips[ci].groups,
        chip.interactions.map((it) => busId.get(it.bus)!),
        w,
        perm,
        { alpha, beta, total: proof.totals[ci] },
        lambdaPowers(lambda, constraintCount(chip, vk.chips[ci].groups)),
        [0, 0, 0, 0],
        (acc, coeff, v) => scalar.add(acc, scalar.mul(extVal(coeff), v)),
      ),
    );
    let q: Ext = [0, 0, 0, 0];
    let zp: Ext = EXT_ONE;
    for (let p = 0; p < vk.chips[ci].quotientPieces; p++) {
      q = eadd(q, emul(zp, recombine(o[3].zeta.slice(4 * p, 4 * p + 4))));
      zp = emul(zp, zn);
    }
    if (!eeq(c, emul(zH, q))) return `chip ${chip.name}: the constraints do not match the quotient at ζ`;
  }

  // ---- FRI over the DEEP quotients, with every opened row checked ----
  if (proof.queries.length !== params.numQueries) return `${proof.queries.length} query openings, expected ${params.numQueries}`;
  // α powers: one run over every chip's columns in commitment order, as the prover
  const firstPower: Ext[] = [];
  const chipVals: { vZ: Ext; vZn: Ext }[] = [];
  let ap: Ext = EXT_ONE;
  for (let ci = 0; ci < nChips; ci++) {
    firstPower.push(ap);
    let vZ: Ext = [0, 0, 0, 0];
    let vZn: Ext = [0, 0, 0, 0];
    proof.openings[ci].forEach((m, k) => {
      m.zeta.forEach((e, c) => {
        vZ = eadd(vZ, emul(ap, e));
        if (k !== 3) vZn = eadd(vZn, emul(ap, m.zetaNext[c]));
        ap = emul(ap, alphaDeep);
      });
    });
    chipVals.push({ vZ, vZn });
  }
  const roots = (ci: number) => [vk.chips[ci].fixedRoot, proof.mainRoots[ci], proof.permRoots[ci], proof.quotientRoots[ci]];
  return friVerify(
    proof.fri,
    t,
    params,
    lh.map((h) => h + params.logBlowup),
    (q, index, logN) => {
      let total: Ext = [0, 0, 0, 0];
      const x = mul(GENERATOR, pow(rootOfUnity(logN), bitReverse(index, logN)));
      for (let ci = 0; ci < nChips; ci++) {
        if (lh[ci] + params.logBlowup !== logN) continue;
        const qo = proof.queries[q]?.[ci];
        if (!qo || qo.length !== 4) return `query ${q}: chip ${air.chips[ci].name} is not opened`;
        const widths = treeWidths(vk.chips[ci]);
        const rs = roots(ci);
        let ga: Ext = [0, 0, 0, 0];
        let gq: Ext = [0, 0, 0, 0];
        let a = firstPower[ci];
        for (let k = 0; k < 4; k++) {
          const m = qo[k];
          if (widths[k] === 0) {
            if (m) return `query ${q}: chip ${air.chips[ci].name} opens a matrix it does not have`;
            continue;
          }
          // a leaf holds r consecutive LDE rows (commit.ts)
          const r = rowsPerLeaf(2 ** logN);
          if (!m || m.row.length !== r * widths[k]) return `query ${q}: chip ${air.chips[ci].name}: matrix ${k} row has the wrong width`;
          if (!m.row.every((v) => v < 2013265921)) return `query ${q}: chip ${air.chips[ci].name}: a row cell is not a field element`;
          if (m.path.length !== logN - Math.log2(r) || !verifyPath(rs[k]!, Math.floor(index / r), m.row, m.path)) return `query ${q}: chip ${air.chips[ci].name}: matrix ${k} row does not open its commitment`;
          const at = (index % r) * widths[k];
          const row = m.row.subarray(at, at + widths[k]);
          for (const v of row) {
            const term = escale(a, v);
            if (k === 3) gq = eadd(gq, term);
            else ga = eadd(ga, term);
            a = emul(a, alphaDeep);
          }
        }
        const { vZ, vZn } = chipVals[ci];
        const zw = escale(zeta, rootOfUnity(lh[ci]));
        const xe: Ext = [x, 0, 0, 0];
        const d1 = esub(xe, zeta);
        const d2 = esub(xe, zw);
        if (eIsZero(d1) || eIsZero(d2)) return "a query point equals ζ";
        total = eadd(total, eadd(emul(esub(eadd(ga, gq), vZ), einv(d1)), emul(esub(ga, vZn), einv(d2))));
      }
      return total;
    },
  );
}

function toExt(v: Val): Ext {
  const e = v.length === 4 ? v : [v[0], 0, 0, 0];
  return e.map((c) => {
    if (typeof c !== "number") throw new Error("a column in the scalar verifier");
    return c;
  }) as Ext;
}
