// Encoding and decoding of .cwvm bytecode (layout in isa.ts and spec/zkvm.md). The decoder checks
// everything that can be checked before running — magic, version, sizes, opcodes, unused operands,
// branch targets, register offsets against the register file, the data segment against memory — so
// the executor only checks what depends on run-time values. Malformed input is a ZkvmError, never a throw.
import { HEADER_BYTES, MAGIC, MAX_CODE, MAX_MEMORY, MAX_REGS, OPS, OP_COUNT, type Program, type Signature, VERSION } from "./isa.ts";

export interface ZkvmError {
  ok: false;
  /** stable kind: "format" (bytecode), "trap" (run time), "limit" (instruction limit), "asm" (text) */
  kind: "format" | "trap" | "limit" | "asm";
  message: string;
  /** byte offset (format), instruction index (trap) or 1-based line (asm) */
  at?: number;
  /** a run that stopped (trap, limit): what it had written to the output until then */
  output?: Uint8Array;
}

export const zerr = (kind: ZkvmError["kind"], message: string, at?: number): ZkvmError => ({ ok: false, kind, message, at });

export function encode(p: Program): Uint8Array {
  const sig = p.sig ? new TextEncoder().encode(JSON.stringify(p.sig)) : new Uint8Array(0);
  const n = p.code.length / 4;
  const out = new Uint8Array(HEADER_BYTES + n * 16 + p.data.length + sig.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint16(4, VERSION, true);
  dv.setUint16(6, 0, true);
  const h = [p.entry, p.memSize, p.regs, n, p.dataAddr, p.data.length, sig.length];
  h.forEach((v, i) => dv.setUint32(8 + 4 * i, v, true));
  for (let i = 0; i < p.code.length; i++) dv.setInt32(HEADER_BYTES + 4 * i, p.code[i], true);
  out.set(p.data, HEADER_BYTES + n * 16);
  out.set(sig, HEADER_BYTES + n * 16 + p.data.length);
  return out;
}

/** Largest register offset an instruction touches (64-bit ops touch two). */
function regReach(op: number, k: number, v: number): number {
  const name = OPS[op].name;
  const wide = name.endsWith("64") || name === "ld" || name === "sd";
  // 64-bit compares write one register; their sources are pairs
  const pair = wide && !(k === 0 && (name === "eq64" || name === "ltu64" || name === "lts64")) && !(k === 1 && (name === "ld" || name === "sd"));
  return v + (pair ? 1 : 0);
}

export function decode(bytes: Uint8Array): Program | ZkvmError {
  const f = (m: string, at?: number) => zerr("format", m, at);
  if (bytes.length < HEADER_BYTES) return f(`bytecode too short: ${bytes.length} bytes, the header alone is ${HEADER_BYTES}`, 0);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) return f("not zkVM bytecode: the magic number is not \"CWVM\"", 0);
  const version = dv.getUint16(4, true);
  if (version !== VERSION) return f(`unsupported bytecode version ${version} (this executor reads version ${VERSION})`, 4);
  if (dv.getUint16(6, true) !== 0) return f("unknown flags in the header", 6);
  const [entry, memSize, regs, n, dataAddr, dataLen, sigLen] = Array.from({ length: 7 }, (_, i) => dv.getUint32(8 + 4 * i, true));
  if (dv.getUint32(36, true) !== 0) return f("the reserved header word is not 0", 36);
  if (memSize > MAX_MEMORY) return f(`memory size ${memSize} exceeds the limit ${MAX_MEMORY}`, 12);
  if (regs < 2 || regs > MAX_REGS) return f(`register file size ${regs} outside 2..${MAX_REGS}`, 16);
  if (n === 0 || n > MAX_CODE) return f(`code length ${n} outside 1..${MAX_CODE}`, 20);
  if (entry >= n) return f(`entry ${entry} is past the end of the code (${n} instructions)`, 8);
  const expected = HEADER_BYTES + n * 16 + dataLen + sigLen;
  if (bytes.length !== expected) return f(`bytecode is ${bytes.length} bytes but its header describes ${expected}`, bytes.length < expected ? bytes.length : expected);
  if (dataAddr + dataLen > memSize) return f(`data segment ${dataAddr}..${dataAddr + dataLen} lies outside memory (${memSize} bytes)`, 24);
  const code = new Int32Array(n * 4);
  for (let i = 0; i < n * 4; i++) code[i] = dv.getInt32(HEADER_BYTES + 4 * i, true);
  for (let i = 0; i < n; i++) {
    const at = HEADER_BYTES + 16 * i;
    const op = code[4 * i];
    if (op < 0 || op >= OP_COUNT) return f(`instruction ${i}: unknown opcode ${op}`, at);
    const info = OPS[op];
    for (let k = 0; k < 3; k++) {
      const v = code[4 * i + 1 + k];
      const kind = info.kinds[k];
      if (kind === "-" && v !== 0) return f(`instruction ${i} (${info.name}): operand ${k + 1} is unused and must be 0`, at);
      if (kind === "t" && (v < 0 || v >= n)) return f(`instruction ${i} (${info.name}): target ${v} is outside the code (${n} instructions)`, at);
      if (kind === "r" && (v < 0 || regReach(op, k, v) >= regs)) return f(`instruction ${i} (${info.name}): register r${v} outside the register file (${regs})`, at);
    }
    if (info.name === "sext" && (code[4 * i + 3] < 1 || code[4 * i + 3] > 32)) return f(`instruction ${i} (sext): width ${code[4 * i + 3]} outside 1..32`, at);
    if ((info.name === "call" || info.name === "calli") && (code[4 * i + 2] < 2 || code[4 * i + 2] >= regs)) return f(`instruction ${i} (${info.name}): frame offset ${code[4 * i + 2]} outside 2..${regs - 1}`, at);
  }
  const dataAt = HEADER_BYTES + n * 16;
  const data = bytes.slice(dataAt, dataAt + dataLen);
  let sig: Signature | undefined;
  if (sigLen) {
    const sigAt = dataAt + dataLen;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(sigAt, sigAt + sigLen)));
    } catch {
      return f("the signature section is not UTF-8 JSON", sigAt);
    }
    if (!isSignature(parsed)) return f("the signature section does not describe parameters and results", sigAt);
    sig = parsed;
  }
  return { entry, memSize, regs, code, dataAddr, data, sig };
}

function isSigType(t: unknown): boolean {
  if (typeof t !== "object" || t === null) return false;
  const o = t as Record<string, unknown>;
  return (o.kind === "int" || o.kind === "mem") && typeof o.width === "number" && [1, 8, 16, 32, 64].includes(o.width) && Object.keys(o).length === 2;
}

function isSignature(s: unknown): s is Signature {
  if (typeof s !== "object" || s === null) return false;
  const o = s as Record<string, unknown>;
  return (
    Array.isArray(o.params) &&
    Array.isArray(o.results) &&
    o.params.every((p) => {
      if (typeof p !== "object" || p === null) return false;
      const q = p as { name?: unknown; type?: unknown; out?: unknown };
      return typeof q.name === "string" && isSigType(q.type) && (q.out === undefined || (q.out === true && (q.type as { kind: string }).kind === "mem"));
    }) &&
    o.results.every((r) => isSigType(r) && (r as { kind: string }).kind === "int")
  );
}
