// Binary and JSON encodings of verifying keys and proofs. Binary: big-endian, G1 as 64 bytes (x, y;
// all zeros for the identity), scalars as 32 bytes, expressions in prefix form. JSON: the same
// content with 0x-hex strings. Decoders check curve membership and field ranges, and throw
// EncodingError on anything malformed.
import { createHash } from "node:crypto";
import { bn254 } from "@noble/curves/bn254.js";
import { Expression, type Column, type ColumnKind } from "./cs.ts";
import { type G1, encodeG1, decodeG1, encodeG2, decodeG2 } from "./kzg.ts";
import { R } from "../poly/fr.ts";
import type { VerifyingKey, CircuitShape } from "./keygen.ts";

export class EncodingError extends Error {}

export interface Proof {
  advice: G1[];
  lookupM: G1[];
  permZ: G1[];
  lookupPhi: G1[];
  /** Bus running sums (bus/index.ts); absent for circuits without buses, whose proofs keep version 2. */
  busPhi?: G1[];
  quotient: G1[];
  evals: bigint[];
  opening: G1[];
}

const KINDS: ColumnKind[] = ["advice", "fixed", "instance", "sigma", "perm_z", "lookup_m", "lookup_phi", "special", "bus_phi"];
const FQ = bn254.fields.Fp.ORDER;

class Writer {
  private chunks: Uint8Array[] = [];
  private len = 0;
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.len += b.length;
  }
  u8(v: number): void {
    this.bytes(Uint8Array.of(v));
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v);
    this.bytes(b);
  }
  i32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v);
    this.bytes(b);
  }
  big(v: bigint): void {
    const b = new Uint8Array(32);
    for (let i = 31; i >= 0; i--) {
      b[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    this.bytes(b);
  }
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.bytes(b);
  }
  point(p: G1): void {
    this.bytes(encodeG1(p));
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

class Reader {
  private o = 0;
  constructor(private readonly b: Uint8Array) {}
  take(n: number): Uint8Array {
    if (this.o + n > this.b.length) throw new EncodingError("unexpected end of data");
    const s = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return s;
  }
  u8(): number {
    return this.take(1)[0];
  }
  u32(): number {
    const s = this.take(4);
    return new DataView(s.buffer, s.byteOffset, 4).getUint32(0);
  }
  i32(): number {
    const s = this.take(4);
    return new DataView(s.buffer, s.byteOffset, 4).getInt32(0);
  }
  count(max = 1 << 20): number {
    const n = this.u32();
    if (n > max) throw new EncodingError(`count ${n} is implausibly large`);
    return n;
  }
  big(bound: bigint = R): bigint {
    let x = 0n;
    for (const v of this.take(32)) x = (x << 8n) | BigInt(v);
    if (x >= bound) throw new EncodingError("field element out of range");
    return x;
  }
  str(): string {
    return new TextDecoder().decode(this.take(this.count()));
  }
  point(): G1 {
    try {
      return decodeG1(this.take(64));
    } catch (e) {
      throw new EncodingError((e as Error).message);
    }
  }
  end(): void {
    if (this.o !== this.b.length) throw new EncodingError(`${this.b.length - this.o} trailing bytes`);
  }
}

function writeExpr(w: Writer, e: Expression): void {
  const n = e.node;
  switch (n.op) {
    case "const":
      w.u8(0);
      w.big(n.value);
      return;
    case "query":
      w.u8(1);
      w.u8(KINDS.indexOf(n.column.kind));
      w.u32(n.column.index);
      w.i32(n.rot);
      return;
    case "add":
    case "mul":
      w.u8(n.op === "add" ? 2 : 3);
      writeExpr(w, n.a);
      writeExpr(w, n.b);
      return;
    case "neg":
      w.u8(4);
      writeExpr(w, n.a);
      return;
    case "scale":
      w.u8(5);
      w.big(n.k);
      writeExpr(w, n.a);
      return;
  }
}

function readExpr(r: Reader, depth = 0): Expression {
  if (depth > 10_000) throw new EncodingError("expression nesting too deep");
  const op = r.u8();
  switch (op) {
    case 0:
      return Expression.constant(r.big());
    case 1: {
      const kind = KINDS[r.u8()];
      if (!kind) throw new EncodingError("bad column kind");
      const index = r.u32();
      return Expression.query({ kind, index }, r.i32());
    }
    case 2:
      return readExpr(r, depth + 1).add(readExpr(r, depth + 1));
    case 3:
      return readExpr(r, depth + 1).mul(readExpr(r, depth + 1));
    case 4:
      return readExpr(r, depth + 1).neg();
    case 5: {
      const k = r.big();
      return readExpr(r, depth + 1).mul(k);
    }
    default:
      throw new EncodingError(`bad expression opcode ${op}`);
  }
}

const VK_MAGIC = new TextEncoder().encode("CWVK");
const PROOF_MAGIC = new TextEncoder().encode("CWPF");
const VERSION = 1;
/** 2: verifying keys of circuits with bus interactions (a bus section after the lookups). */
const VK_VERSION_BUS = 2;
/** 2: quotient pieces masked and opened only through their combination (no h_j(x) in evals). */
const PROOF_VERSION = 2;
/** 3: version 2 plus the bus running sums' commitments after the six lists (circuits with buses). */
const PROOF_VERSION_BUS = 3;

function writeVkBody(w: Writer, vk: Omit<VerifyingKey, "digest">): void {
  const s = vk.shape;
  w.str(s.name);
  for (const v of [s.k, s.blinding, s.degree, s.numAdvice, s.numFixed, s.numInstance]) w.u32(v);
  w.u32(s.gates.length);
  for (const g of s.gates) {
    w.str(g.name);
    w.u32(g.polys.length);
    for (const p of g.polys) writeExpr(w, p);
  }
  w.u32(s.lookups.length);
  for (const l of s.lookups) {
    w.str(l.name);
    w.u32(l.inputs.length);
    for (const e of l.inputs) writeExpr(w, e);
    for (const e of l.table) writeExpr(w, e);
  }
  if (s.buses?.length) {
    w.u32(s.buses.length);
    for (const b of s.buses) {
      w.str(b.bus);
      w.u32(b.values.length);
      for (const e of b.values) writeExpr(w, e);
      writeExpr(w, b.multiplicity);
    }
  }
  w.u32(s.equality.length);
  for (const c of s.equality) {
    w.u8(KINDS.indexOf(c.kind));
    w.u32(c.index);
  }
  w.u32(vk.fixedCommitments.length);
  for (const p of vk.fixedCommitments) w.point(p);
  w.u32(vk.sigmaCommitments.length);
  for (const p of vk.sigmaCommitments) w.point(p);
  for (const g of [vk.g2, vk.tauG2]) for (const c of encodeG2(g)) w.big(c);
}

export function vkDigest(vk: Omit<VerifyingKey, "digest">): Uint8Array {
  const w = new Writer();
  writeVkBody(w, vk);
  return new Uint8Array(createHash("blake2b512").update(w.finish()).digest());
}

export function encodeVkBinary(vk: VerifyingKey): Uint8Array {
  const w = new Writer();
  w.bytes(VK_MAGIC);
  w.u8(vk.shape.buses?.length ? VK_VERSION_BUS : VERSION);
  writeVkBody(w, vk);
  return w.finish();
}

export function decodeVkBinary(b: Uint8Array): VerifyingKey {
  const r = new Reader(b);
  if (!eq(r.take(4), VK_MAGIC)) throw new EncodingError("not a ChainWeave verifying key (bad magic)");
  const version = r.u8();
  if (version !== VERSION && version !== VK_VERSION_BUS) throw new EncodingError("unsupported verifying key version");
  const name = r.str();
  const [k, blinding, degree, numAdvice, numFixed, numInstance] = [r.u32(), r.u32(), r.u32(), r.u32(), r.u32(), r.u32()];
  if (k < 1 || k > 28) throw new EncodingError(`bad domain size k=${k}`);
  const gates = Array.from({ length: r.count() }, () => {
    const gname = r.str();
    return { name: gname, polys: Array.from({ length: r.count() }, () => readExpr(r)) };
  });
  const lookups = Array.from({ length: r.count() }, () => {
    const lname = r.str();
    const len = r.count();
    const inputs = Array.from({ length: len }, () => readExpr(r));
    const table = Array.from({ length: len }, () => readExpr(r));
    return { name: lname, inputs, table };
  });
  const buses =
    version === VK_VERSION_BUS
      ? Array.from({ length: r.count() }, () => {
          const bus = r.str();
          const values = Array.from({ length: r.count() }, () => readExpr(r));
          return { bus, values, multiplicity: readExpr(r) };
        })
      : [];
  if (version === VK_VERSION_BUS && buses.length === 0) throw new EncodingError("verifying key version 2 without bus interactions");
  const equality: Column[] = Array.from({ length: r.count() }, () => {
    const kind = KINDS[r.u8()];
    if (!kind) throw new EncodingError("bad column kind");
    return { kind, index: r.u32() };
  });
  const fixedCommitments = Array.from({ length: r.count() }, () => r.point());
  const sigmaCommitments = Array.from({ length: r.count() }, () => r.point());
  const g2s = [0, 1].map(() => {
    const c = [r.big(FQ), r.big(FQ), r.big(FQ), r.big(FQ)];
    try {
      return decodeG2(c);
    } catch (e) {
      throw new EncodingError(`bad G2 point: ${(e as Error).message}`);
    }
  });
  r.end();
  const shape: CircuitShape = { name, k, blinding, degree, numAdvice, numFixed, numInstance, gates, lookups, equality, ...(buses.length ? { buses } : {}) };
  const body = { shape, fixedCommitments, sigmaCommitments, g2: g2s[0], tauG2: g2s[1] };
  return { ...body, digest: vkDigest(body) };
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

const PROOF_LISTS = ["advice", "lookupM", "permZ", "lookupPhi", "quotient", "opening"] as const;

export function encodeProofBinary(p: Proof): Uint8Array {
  const w = new Writer();
  w.bytes(PROOF_MAGIC);
  const bus = p.busPhi?.length ? p.busPhi : undefined;
  w.u8(bus ? PROOF_VERSION_BUS : PROOF_VERSION);
  for (const key of PROOF_LISTS) {
    w.u32(p[key].length);
    for (const pt of p[key]) w.point(pt);
  }
  if (bus) {
    w.u32(bus.length);
    for (const pt of bus) w.point(pt);
  }
  w.u32(p.evals.length);
  for (const e of p.evals) w.big(e);
  return w.finish();
}

export function decodeProofBinary(b: Uint8Array): Proof {
  const r = new Reader(b);
  if (!eq(r.take(4), PROOF_MAGIC)) throw new EncodingError("not a ChainWeave proof (bad magic)");
  const version = r.u8();
  if (version !== PROOF_VERSION && version !== PROOF_VERSION_BUS)
    throw new EncodingError(`unsupported proof version ${version} (this verifier reads versions ${PROOF_VERSION} and ${PROOF_VERSION_BUS}; prove again)`);
  const lists = {} as Record<(typeof PROOF_LISTS)[number], G1[]>;
  for (const key of PROOF_LISTS) lists[key] = Array.from({ length: r.count(4096) }, () => r.point());
  const busPhi = version === PROOF_VERSION_BUS ? Array.from({ length: r.count(4096) }, () => r.point()) : undefined;
  if (busPhi && busPhi.length === 0) throw new EncodingError("proof version 3 without bus commitments");
  const evals = Array.from({ length: r.count(1 << 16) }, () => r.big());
  r.end();
  return { ...lists, ...(busPhi ? { busPhi } : {}), evals };
}

const hex = (x: bigint) => "0x" + x.toString(16);
const pointJson = (p: G1) => (p.infinity ? null : [hex(p.x), hex(p.y)]);

function parseHex(v: unknown, bound: bigint = R): bigint {
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]+$/.test(v)) throw new EncodingError(`expected a 0x-hex number, got ${JSON.stringify(v)}`);
  const x = BigInt(v);
  if (x >= bound) throw new EncodingError(`value ${v} out of range`);
  return x;
}

function parsePoint(v: unknown): G1 {
  if (v === null) return decodeG1(new Uint8Array(64));
  if (!Array.isArray(v) || v.length !== 2) throw new EncodingError("expected a point [x, y] or null");
  const w = new Writer();
  w.big(parseHex(v[0], FQ));
  w.big(parseHex(v[1], FQ));
  try {
    return decodeG1(w.finish());
  } catch (e) {
    throw new EncodingError((e as Error).message);
  }
}

export function proofToJson(p: Proof): object {
  return {
    format: "chainweave-plonk-proof",
    version: p.busPhi?.length ? PROOF_VERSION_BUS : PROOF_VERSION,
    ...Object.fromEntries(PROOF_LISTS.map((k) => [k, p[k].map(pointJson)])),
    ...(p.busPhi?.length ? { busPhi: p.busPhi.map(pointJson) } : {}),
    evals: p.evals.map(hex),
  };
}

export function proofFromJson(j: unknown): Proof {
  const o = j as Record<string, unknown>;
  if (!o || o.format !== "chainweave-plonk-proof") throw new EncodingError("not a ChainWeave proof (JSON format tag)");
  if (o.version !== PROOF_VERSION && o.version !== PROOF_VERSION_BUS)
    throw new EncodingError(`unsupported proof version ${String(o.version)} (this verifier reads versions ${PROOF_VERSION} and ${PROOF_VERSION_BUS}; prove again)`);
  const lists = {} as Record<(typeof PROOF_LISTS)[number], G1[]>;
  for (const key of PROOF_LISTS) {
    if (!Array.isArray(o[key])) throw new EncodingError(`proof.${key} must be an array`);
    lists[key] = (o[key] as unknown[]).map(parsePoint);
  }
  let busPhi: G1[] | undefined;
  if (o.version === PROOF_VERSION_BUS) {
    if (!Array.isArray(o.busPhi) || o.busPhi.length === 0) throw new EncodingError("proof.busPhi must be a non-empty array in version 3");
    busPhi = (o.busPhi as unknown[]).map(parsePoint);
  }
  if (!Array.isArray(o.evals)) throw new EncodingError("proof.evals must be an array");
  return { ...lists, ...(busPhi ? { busPhi } : {}), evals: (o.evals as unknown[]).map((e) => parseHex(e)) };
}

/** JSON VK: the binary form embedded as hex (shape and keys) next to a readable summary. */
export function vkToJson(vk: VerifyingKey): object {
  const s = vk.shape;
  return {
    format: "chainweave-plonk-vk",
    version: VERSION,
    name: s.name,
    k: s.k,
    degree: s.degree,
    blinding: s.blinding,
    columns: { advice: s.numAdvice, fixed: s.numFixed, instance: s.numInstance },
    gates: s.gates.map((g) => ({ name: g.name, polys: g.polys.map((p) => p.toString()) })),
    lookups: s.lookups.map((l) => l.name),
    ...(s.buses?.length ? { buses: [...new Set(s.buses.map((b) => b.bus))] } : {}),
    fixedCommitments: vk.fixedCommitments.map(pointJson),
    sigmaCommitments: vk.sigmaCommitments.map(pointJson),
    digest: Buffer.from(vk.digest).toString("hex"),
    binary: Buffer.from(encodeVkBinary(vk)).toString("base64"),
  };
}

/** Reads the embedded binary form and checks that the readable fields agree with it. */
export function vkFromJson(j: unknown): VerifyingKey {
  const o = j as Record<string, unknown>;
  if (!o || o.format !== "chainweave-plonk-vk" || typeof o.binary !== "string")
    throw new EncodingError("not a ChainWeave verifying key (JSON format tag)");
  const vk = decodeVkBinary(new Uint8Array(Buffer.from(o.binary, "base64")));
  if (o.digest !== undefined && o.digest !== Buffer.from(vk.digest).toString("hex"))
    throw new EncodingError("verifying key JSON: digest does not match its binary body");
  return vk;
}
