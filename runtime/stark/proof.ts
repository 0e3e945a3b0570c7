// The proof object, what both sides observe before the first commitment, and the proof's byte encoding.
// Decoding checks every length against the bytes that remain (no allocation from an untrusted count),
// every field element against p, and that nothing trails: malformed bytes give a ProofFormatError
// naming the byte offset, never a crash.
import type { BoundaryTerm } from "../air/index.ts";
import { SECURITY_FORMULA, securityBits, type StarkParams, type VerifyingKey } from "./air.ts";
import { P, fromBig, type Ext } from "./field.ts";
import type { FriProof } from "./fri.ts";
import { DIGEST_BYTES } from "./merkle.ts";
import type { Transcript } from "./transcript.ts";

/** The claimed evaluations of each column of one committed matrix (fixed, main, perm or quotient). */
export interface MatrixOpening {
  zeta: Ext[];
  /** at ζ·ω_n (empty for the quotient) */
  zetaNext: Ext[];
}

export interface QueryOpening {
  row: Uint32Array;
  path: Uint8Array[];
}

export interface ProofMeta {
  field: string;
  hash: string;
  securityBits: number;
  formula: string;
}

export interface StarkProof {
  params: StarkParams;
  /** derived from params on decoding (not encoded) */
  meta: ProofMeta;
  /** log2 of each chip's height, in the AIR's chip order */
  logHeights: number[];
  mainRoots: Uint8Array[];
  /** chips without bus interactions commit no LogUp columns */
  permRoots: (Uint8Array | undefined)[];
  /** each chip's LogUp sum */
  totals: Ext[];
  quotientRoots: Uint8Array[];
  /** per chip, per matrix (fixed, main, perm, quotient; an absent one has no values) */
  openings: MatrixOpening[][];
  fri: FriProof;
  /** per FRI query, per chip, per matrix: the opened LDE row */
  queries: (QueryOpening | undefined)[][][];
}

export function proofMeta(params: StarkParams, logMaxLde: number): ProofMeta {
  return { field: "BabyBear (p = 2^31 − 2^27 + 1), challenges in BabyBear[X]/(X^4 − 11)", hash: "SHA-256", securityBits: securityBits(params, logMaxLde), formula: SECURITY_FORMULA };
}

/** The statement both sides bind before any commitment: the key, the chip heights, the public terms. */
export function observeStatement(t: Transcript, vk: VerifyingKey, logHeights: number[], boundary: BoundaryTerm[]): void {
  t.observeBytes(vk.digest);
  t.observeU32s(logHeights);
  t.observeU32s([boundary.length]);
  const ids = new Map(vk.buses.map((b, i) => [b, i + 1]));
  for (const b of boundary) {
    t.observeU32s([ids.get(b.bus) ?? 0, b.values.length, ...b.values.map(fromBig), fromBig(b.multiplicity)]);
  }
}

// ---- bytes ----

const MAGIC = "CWSTARK1";

export class ProofFormatError extends Error {}

class Writer {
  private chunks: Uint8Array[] = [];
  private cur = new DataView(new ArrayBuffer(1 << 16));
  private pos = 0;
  private flush() {
    this.chunks.push(new Uint8Array(this.cur.buffer, 0, this.pos).slice());
    this.pos = 0;
  }
  private room(n: number) {
    if (this.pos + n > this.cur.byteLength) this.flush();
  }
  u8(x: number) {
    this.room(1);
    this.cur.setUint8(this.pos++, x);
  }
  u32(x: number) {
    this.room(4);
    this.cur.setUint32(this.pos, x >>> 0, true);
    this.pos += 4;
  }
  bytes(b: Uint8Array) {
    this.flush();
    this.chunks.push(b.slice());
  }
  ext(e: Ext) {
    for (const v of e) this.u32(v);
  }
  exts(es: Ext[]) {
    this.u32(es.length);
    es.forEach((e) => this.ext(e));
  }
  digest(d: Uint8Array) {
    this.bytes(d);
  }
  finish(): Uint8Array {
    this.flush();
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

class Reader {
  private pos = 0;
  private view: DataView;
  constructor(private b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  fail(what: string): never {
    throw new ProofFormatError(`malformed STARK proof at byte ${this.pos}: ${what}`);
  }
  need(n: number, what: string) {
    if (this.pos + n > this.b.length) this.fail(`truncated (${what})`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** a count of items of at least `minBytes` each, bounded by what remains */
  count(what: string, minBytes: number, max = Infinity): number {
    const n = this.u32(what);
    if (n > max || n * minBytes > this.b.length - this.pos) this.fail(`${what}: count ${n} is impossible here`);
    return n;
  }
  felt(what: string): number {
    const v = this.u32(what);
    if (v >= P) this.fail(`${what}: ${v} is not a BabyBear element`);
    return v;
  }
  ext(what: string): Ext {
    return [this.felt(what), this.felt(what), this.felt(what), this.felt(what)];
  }
  exts(what: string): Ext[] {
    const n = this.count(what, 16);
    return Array.from({ length: n }, () => this.ext(what));
  }
  digest(what: string): Uint8Array {
    this.need(DIGEST_BYTES, what);
    const d = this.b.slice(this.pos, this.pos + DIGEST_BYTES);
    this.pos += DIGEST_BYTES;
    return d;
  }
  path(what: string): Uint8Array[] {
    const n = this.u8(what);
    if (n > 32) this.fail(`${what}: a Merkle path of ${n} levels`);
    return Array.from({ length: n }, () => this.digest(what));
  }
  magic() {
    this.need(MAGIC.length, "magic");
    const s = new TextDecoder().decode(this.b.subarray(0, MAGIC.length));
    if (s !== MAGIC) this.fail(`not a ChainWeave STARK proof (magic ${JSON.stringify(s)})`);
    this.pos = MAGIC.length;
  }
  end() {
    if (this.pos !== this.b.length) this.fail(`${this.b.length - this.pos} trailing bytes`);
  }
}

export function encodeProof(p: StarkProof): Uint8Array {
  const w = new Writer();
  w.bytes(new TextEncoder().encode(MAGIC));
  w.u32(p.params.logBlowup);
  w.u32(p.params.numQueries);
  w.u32(p.params.powBits);
  w.u32(p.params.logFinalLen);
  const nChips = p.logHeights.length;
  w.u32(nChips);
  for (let c = 0; c < nChips; c++) {
    w.u8(p.logHeights[c]);
    w.digest(p.mainRoots[c]);
    const pr = p.permRoots[c];
    w.u8(pr ? 1 : 0);
    if (pr) w.digest(pr);
    w.ext(p.totals[c]);
    w.digest(p.quotientRoots[c]);
    for (const m of p.openings[c]) {
      w.exts(m.zeta);
      w.exts(m.zetaNext);
    }
  }
  w.u32(p.fri.roots.length);
  p.fri.roots.forEach((r) => w.digest(r));
  w.exts(p.fri.finalPoly);
  w.u32(p.fri.nonce);
  w.u32(p.fri.queries.length);
  p.fri.queries.forEach((q, qi) => {
    w.u32(q.length);
    for (const l of q) {
      for (const v of l.leaf) w.u32(v);
      w.u8(l.path.length);
      l.path.forEach((d) => w.digest(d));
    }
    for (const chip of p.queries[qi])
      for (const m of chip) {
        w.u8(m ? 1 : 0);
        if (!m) continue;
        w.u32(m.row.length);
        for (const v of m.row) w.u32(v);
        w.u8(m.path.length);
        m.path.forEach((d) => w.digest(d));
      }
  });
  return w.finish();
}

export function decodeProof(bytes: Uint8Array): StarkProof {
  const r = new Reader(bytes);
  r.magic();
  const params: StarkParams = {
    logBlowup: r.u32("log blowup"),
    numQueries: r.u32("queries"),
    powBits: r.u32("grinding bits"),
    logFinalLen: r.u32("final length"),
  };
  if (params.logBlowup < 1 || params.logBlowup > 8) r.fail(`log blowup ${params.logBlowup} out of range`);
  if (params.powBits > 32 || params.logFinalLen > 20) r.fail("grinding bits or final length out of range");
  const nChips = r.count("chips", 1 + 32 + 1 + 16 + 32);
  const logHeights: number[] = [];
  const mainRoots: Uint8Array[] = [];
  const permRoots: (Uint8Array | undefined)[] = [];
  const totals: Ext[] = [];
  const quotientRoots: Uint8Array[] = [];
  const openings: MatrixOpening[][] = [];
  for (let c = 0; c < nChips; c++) {
    const lh = r.u8("log height");
    if (lh + params.logBlowup > 27) r.fail(`chip ${c}: log height ${lh} too large for BabyBear`);
    logHeights.push(lh);
    mainRoots.push(r.digest("main root"));
    const flag = r.u8("LogUp flag");
    if (flag > 1) r.fail("LogUp flag is neither 0 nor 1");
    permRoots.push(flag ? r.digest("LogUp root") : undefined);
    totals.push(r.ext("LogUp total"));
    quotientRoots.push(r.digest("quotient root"));
    openings.push(Array.from({ length: 4 }, () => ({ zeta: r.exts("opening at ζ"), zetaNext: r.exts("opening at ζω") })));
  }
  const nRoots = r.count("FRI layers", 32, 32);
  const roots = Array.from({ length: nRoots }, () => r.digest("FRI root"));
  const finalPoly = r.exts("final polynomial");
  const nonce = r.u32("nonce");
  const nq = r.count("queries", 4, 4096);
  const friQueries: FriProof["queries"] = [];
  const queries: StarkProof["queries"] = [];
  for (let q = 0; q < nq; q++) {
    const nl = r.count("query layers", 33, 32);
    friQueries.push(
      Array.from({ length: nl }, () => {
        const leaf = new Uint32Array(8);
        for (let i = 0; i < 8; i++) leaf[i] = r.felt("FRI leaf");
        return { leaf, path: r.path("FRI path") };
      }),
    );
    queries.push(
      Array.from({ length: nChips }, () =>
        Array.from({ length: 4 }, () => {
          const flag = r.u8("opening flag");
          if (flag > 1) r.fail("opening flag is neither 0 nor 1");
          if (!flag) return undefined;
          const n = r.count("row width", 4);
          const row = new Uint32Array(n);
          for (let i = 0; i < n; i++) row[i] = r.felt("row cell");
          return { row, path: r.path("row path") };
        }),
      ),
    );
  }
  r.end();
  const logMax = Math.max(0, ...logHeights) + params.logBlowup;
  return { params, meta: proofMeta(params, logMax), logHeights, mainRoots, permRoots, totals, quotientRoots, openings, fri: { roots, finalPoly, nonce, queries: friQueries }, queries };
}
