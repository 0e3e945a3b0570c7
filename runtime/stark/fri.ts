// FRI, the low-degree test, with folding arity 2 over codewords in the extension field.
//
// Input: one codeword per domain size (the DEEP quotients of every chip whose LDE has that size, already
// combined), each on GENERATOR·⟨ω_N⟩ in bit-reversed order, of degree < N / blowup. The largest is
// committed (leaf k = the pair at indices 2k, 2k+1, i.e. at x and −x), folded with a challenge β into
//   f'(x²) = (f(x) + f(−x))/2 + β·(f(x) − f(−x))/(2x),
// and where a smaller input has the folded size it is added in with weight β² ("rolled in"; its points are
// a constant multiple of the folded domain's, which keeps the sum of low degree). Folding stops at
// blowup·2^logFinalLen points, whose polynomial (2^logFinalLen coefficients) is sent in the clear. Then
// proof-of-work grinding, then the query indices.
import { wasmExtAxpy } from "./ext-wasm.ts";
import { GENERATOR, P, add, batchInv, eadd, emul, emulAt, escale, esub, eeq, inv, mul, pow, rootOfUnity, sub, type Ext } from "./field.ts";
import { MerkleTree, verifyPath } from "./merkle.ts";
import { bitReverse, cosetPointsBitrev, interpolateCosetBitrev } from "./ntt.ts";
import type { Transcript } from "./transcript.ts";

export interface FriParams {
  /** log2 of the rate's inverse (the LDE blowup) */
  logBlowup: number;
  numQueries: number;
  /** proof-of-work bits ground before the queries are drawn */
  powBits: number;
  /** log2 of the number of coefficients of the final polynomial */
  logFinalLen: number;
}

export interface FriLayerOpening {
  /** the pair (f(x), f(−x)): eight u32, two extension elements */
  leaf: Uint32Array;
  path: Uint8Array[];
}

export interface FriProof {
  roots: Uint8Array[];
  finalPoly: Ext[];
  nonce: number;
  /** per query, per committed layer */
  queries: FriLayerOpening[][];
}

/** Codewords as four columns (the extension's coefficients) keyed by log2 of their size. */
export type Codewords = Map<number, Uint32Array[]>;

const HALF = (P + 1) / 2;

/** The log2 of the final codeword's size for inputs whose smallest has 2^logMin points. */
export function finalLogSize(params: FriParams, logMin: number): number {
  return Math.min(params.logBlowup + params.logFinalLen, logMin);
}

export function friProve(
  inputs: Codewords,
  t: Transcript,
  params: FriParams,
  onLayer?: (done: number, total: number) => void,
): { proof: FriProof; indices: number[] } {
  const logs = [...inputs.keys()].sort((a, b) => b - a);
  const logMax = logs[0];
  const logFinal = finalLogSize(params, logs[logs.length - 1]);
  let logN = logMax;
  let cur = inputs.get(logMax)!;
  let shift = GENERATOR;
  const layers: { words: Uint32Array[]; tree: MerkleTree }[] = [];
  while (logN > logFinal) {
    const n = 1 << logN;
    const c = cur;
    const tree = new MerkleTree(n / 2, 8, (k, out) => leafInto(c, k, out));
    layers.push({ words: c, tree });
    t.observeBytes(tree.root);
    const beta = t.sampleExt();
    // x at the even indices 2k: the leaf pair is (f(x), f(−x))
    const xs = cosetPointsBitrev(logN, shift);
    const half = n / 2;
    const invTwoX = new Uint32Array(half);
    for (let k = 0; k < half; k++) invTwoX[k] = add(xs[2 * k], xs[2 * k]);
    batchInv(invTwoX);
    const next = [new Uint32Array(half), new Uint32Array(half), new Uint32Array(half), new Uint32Array(half)];
    foldColumns(c, beta, invTwoX, next);
    const ro = inputs.get(logN - 1);
    if (ro && !wasmExtAxpy(emul(beta, beta), ro, next)) {
      const b2 = emul(beta, beta);
      const b2c = [Uint32Array.of(b2[0]), Uint32Array.of(b2[1]), Uint32Array.of(b2[2]), Uint32Array.of(b2[3])];
      const tmp = [new Uint32Array(1), new Uint32Array(1), new Uint32Array(1), new Uint32Array(1)];
      for (let k = 0; k < half; k++) {
        emulAt(b2c, 0, ro, k, tmp, 0);
        for (let j = 0; j < 4; j++) next[j][k] = add(next[j][k], tmp[j][0]);
      }
    }
    shift = mul(shift, shift);
    logN--;
    cur = next;
    onLayer?.(logMax - logN, logMax - logFinal);
  }
  // the final polynomial: its coefficients in y on shift·⟨ω⟩; an honest codeword has none past finalLen
  const finalLen = 1 << Math.max(0, logFinal - params.logBlowup);
  const coeffs = cur.map((c) => interpolateCosetBitrev(c, shift));
  const finalPoly: Ext[] = [];
  for (let i = 0; i < finalLen; i++) finalPoly.push([coeffs[0][i], coeffs[1][i], coeffs[2][i], coeffs[3][i]]);
  for (const e of finalPoly) t.observeExt(e);
  const nonce = t.grind(params.powBits);
  const indices: number[] = [];
  for (let q = 0; q < params.numQueries; q++) indices.push(t.sampleBits(logMax));
  const queries = indices.map((idx) =>
    layers.map(({ words, tree }, l) => {
      const k = (idx >>> l) >>> 1;
      const leaf = new Uint32Array(8);
      leafInto(words, k, leaf);
      return { leaf, path: tree.path(k) };
    }),
  );
  return { proof: { roots: layers.map((l) => l.tree.root), finalPoly, nonce, queries }, indices };
}

function leafInto(c: Uint32Array[], k: number, out: Uint32Array): void {
  for (let j = 0; j < 4; j++) {
    out[j] = c[j][2 * k];
    out[4 + j] = c[j][2 * k + 1];
  }
}

/** The fold of a whole codeword: next[k] = (a+b)/2 + β·(a−b)/(2x) for the pair (a, b) = (c[2k], c[2k+1]). */
function foldColumns(c: Uint32Array[], beta: Ext, invTwoX: Uint32Array, next: Uint32Array[]): void {
  const half = next[0].length;
  const odd = [new Uint32Array(half), new Uint32Array(half), new Uint32Array(half), new Uint32Array(half)];
  for (let j = 0; j < 4; j++) {
    const cj = c[j];
    const nj = next[j];
    const oj = odd[j];
    for (let k = 0; k < half; k++) {
      const a = cj[2 * k];
      const b = cj[2 * k + 1];
      nj[k] = mul(add(a, b), HALF);
      oj[k] = mul(sub(a, b), invTwoX[k]);
    }
  }
  if (wasmExtAxpy(beta, odd, next)) return;
  const bc = [Uint32Array.of(beta[0]), Uint32Array.of(beta[1]), Uint32Array.of(beta[2]), Uint32Array.of(beta[3])];
  const tmp = [new Uint32Array(1), new Uint32Array(1), new Uint32Array(1), new Uint32Array(1)];
  for (let k = 0; k < half; k++) {
    emulAt(bc, 0, odd, k, tmp, 0);
    for (let j = 0; j < 4; j++) next[j][k] = add(next[j][k], tmp[j][0]);
  }
}

function fold(a: Ext, b: Ext, beta: Ext, invTwoX: number): Ext {
  const even = escale(eadd(a, b), HALF);
  const odd = escale(esub(a, b), invTwoX);
  return eadd(even, emul(beta, odd));
}

/**
 * The verifier's side: replays the commit phase on the transcript (roots, β's, final polynomial, the
 * proof of work), draws the same query indices, and returns a checker that, given per query the reduced
 * input values at each input size (`reduced(q, index, logN)`, which must check its own openings),
 * checks every fold. Returns a reason string on failure.
 */
export function friVerify(
  proof: FriProof,
  t: Transcript,
  params: FriParams,
  logSizes: number[],
  reduced: (q: number, index: number, logN: number) => Ext | string,
): string | undefined {
  const logs = [...new Set(logSizes)].sort((a, b) => b - a);
  const logMax = logs[0];
  const logFinal = finalLogSize(params, logs[logs.length - 1]);
  const numLayers = logMax - logFinal;
  if (proof.roots.length !== numLayers) return `FRI: ${proof.roots.length} layer roots, expected ${numLayers}`;
  const finalLen = 1 << Math.max(0, logFinal - params.logBlowup);
  if (proof.finalPoly.length !== finalLen) return `FRI: final polynomial of ${proof.finalPoly.length} coefficients, expected ${finalLen}`;
  if (proof.queries.length !== params.numQueries) return `FRI: ${proof.queries.length} queries, expected ${params.numQueries}`;
  const betas: Ext[] = [];
  for (const r of proof.roots) {
    t.observeBytes(r);
    betas.push(t.sampleExt());
  }
  for (const e of proof.finalPoly) {
    if (!canonicalExt(e)) return "FRI: final polynomial coefficient out of range";
    t.observeExt(e);
  }
  if (!t.checkGrind(params.powBits, proof.nonce)) return `FRI: proof of work does not have ${params.powBits} zero bits`;
  const indices: number[] = [];
  for (let q = 0; q < params.numQueries; q++) indices.push(t.sampleBits(logMax));
  const has = new Set(logs);
  for (let q = 0; q < indices.length; q++) {
    const idx = indices[q];
    const layers = proof.queries[q];
    if (layers.length !== numLayers) return `FRI: query ${q} opens ${layers.length} layers, expected ${numLayers}`;
    let cur = reduced(q, idx, logMax);
    if (typeof cur === "string") return cur;
    let shift = GENERATOR;
    for (let l = 0; l < numLayers; l++) {
      const logN = logMax - l;
      const i = idx >>> l;
      const { leaf, path } = layers[l];
      if (leaf.length !== 8 || !leaf.every((v) => v < P)) return `FRI: query ${q} layer ${l}: malformed leaf`;
      if (path.length !== logN - 1 || !verifyPath(proof.roots[l], i >>> 1, leaf, path)) return `FRI: query ${q} layer ${l}: Merkle path does not open the layer root`;
      const a: Ext = [leaf[0], leaf[1], leaf[2], leaf[3]];
      const b: Ext = [leaf[4], leaf[5], leaf[6], leaf[7]];
      if (!eeq(i & 1 ? b : a, cur)) return `FRI: query ${q} layer ${l}: the committed value is not the folded one`;
      const x = mul(shift, pow(rootOfUnity(logN), bitReverse(i & ~1, logN)));
      cur = fold(a, b, betas[l], inv(add(x, x)));
      shift = mul(shift, shift);
      if (has.has(logN - 1)) {
        const ro = reduced(q, i >>> 1, logN - 1);
        if (typeof ro === "string") return ro;
        cur = eadd(cur, emul(emul(betas[l], betas[l]), ro));
      }
    }
    const y = mul(shift, pow(rootOfUnity(logFinal), bitReverse(idx >>> numLayers, logFinal)));
    let acc: Ext = [0, 0, 0, 0];
    for (let k = finalLen - 1; k >= 0; k--) acc = eadd(escale(acc, y), proof.finalPoly[k]);
    if (!eeq(acc, cur)) return `FRI: query ${q}: the final polynomial disagrees with the folded value`;
  }
  return undefined;
}

export const canonicalExt = (e: Ext): boolean => e.length === 4 && e.every((v) => Number.isInteger(v) && v >= 0 && v < P);
