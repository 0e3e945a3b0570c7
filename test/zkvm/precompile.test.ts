// Precompiles in the executor and from .cwl: SHA-256 compression (both block layouts) and Keccak-f[1600],
// checked against node:crypto and @noble/hashes through whole hashes built from the calls; operands
// outside memory trap with memory unchanged; std::zkvm runs the same function in the interpreter
// (its software body) and in the VM (the ecall).
import { createHash, randomBytes } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256, keccakP } from "@noble/hashes/sha3.js";
import { describe, expect, it } from "vitest";
import { assemble, execute, type Program } from "../../runtime/zkvm/index.ts";
import { PRECOMPILE, SECP256K1_P, SHA256_IV, keccakF } from "../../runtime/zkvm/precompiles/index.ts";
import { readFileSync } from "node:fs";
import wabtInit from "wabt";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { BN254_R, poseidonPermute } from "../../runtime/hash/poseidon.ts";
import { compileWasm } from "../../compiler/wasm/index.ts";
import { both } from "./util.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const asm = (t: string): Program => {
  const p = assemble(t);
  if (!("code" in p)) throw new Error(p.message);
  return p;
};

/** SHA-256 padding of a message to whole 64-byte blocks. */
function pad(msg: Uint8Array): Uint8Array {
  const n = Math.ceil((msg.length + 9) / 64) * 64;
  const out = new Uint8Array(n);
  out.set(msg);
  out[msg.length] = 0x80;
  new DataView(out.buffer).setBigUint64(n - 8, BigInt(msg.length) * 8n, false);
  return out;
}

/** A program that compresses each 64-byte block at 320 into the state at 256, then writes the state. */
function shaProgram(call: number, blocks: Uint8Array): Program {
  const iv = new Uint8Array(32);
  const dv = new DataView(iv.buffer);
  SHA256_IV.forEach((w, i) => dv.setUint32(4 * i, w, true));
  // one data segment: the state at 256, the blocks from 320
  const lines = [".memory 65536", ".regs 16", `.data 256 ${hex(iv)}${"00".repeat(32)}${hex(blocks)}`, "  const r2, 256"];
  for (let k = 0; k < blocks.length / 64; k++) lines.push(`  const r3, ${320 + 64 * k}`, `  ecall ${call}, r2, r3`);
  lines.push("  const r4, 32", "  ecall 3, r2, r4", "  ret");
  return asm(lines.join("\n"));
}

/** The state words (little-endian in memory) as the big-endian digest bytes. */
const digestOf = (out: Uint8Array) => {
  const d = new Uint8Array(32);
  for (let i = 0; i < 8; i++) new DataView(d.buffer).setUint32(4 * i, new DataView(out.buffer, out.byteOffset).getUint32(4 * i, true), false);
  return hex(d);
};

describe("SHA-256 compression precompile (executor)", () => {
  it("a full SHA-256 built from ecall 0x100 (block as message bytes) equals node:crypto", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 200, 1024]) {
      const msg = randomBytes(n);
      const r = execute(shaProgram(PRECOMPILE.SHA256_COMPRESS, pad(msg)));
      if (!r.ok) throw new Error(r.message);
      expect(digestOf(r.output), `length ${n}`).toBe(createHash("sha256").update(msg).digest("hex"));
      expect(r.instructions).toBe(1 + 2 * (pad(msg).length / 64) + 3);
    }
  });

  it("ecall 0x101 reads the block as little-endian words", () => {
    const msg = randomBytes(100);
    const blocks = pad(msg);
    const swapped = blocks.slice();
    for (let i = 0; i < swapped.length; i += 4) swapped.subarray(i, i + 4).reverse();
    const r = execute(shaProgram(PRECOMPILE.SHA256_COMPRESS_WORDS, swapped));
    if (!r.ok) throw new Error(r.message);
    expect(digestOf(r.output)).toBe(createHash("sha256").update(msg).digest("hex"));
    // the same bytes read the other way give another digest: the layout matters
    const w = execute(shaProgram(PRECOMPILE.SHA256_COMPRESS, swapped));
    expect(w.ok && digestOf(w.output)).not.toBe(createHash("sha256").update(msg).digest("hex"));
  });

  it("operands outside memory trap and leave memory unchanged", () => {
    const run = (state: number, block: number, memory = 4096) =>
      execute(asm([`.memory ${memory}`, ".regs 16", `  const r2, ${state}`, `  const r3, ${block}`, `  ecall ${PRECOMPILE.SHA256_COMPRESS}, r2, r3`, "  ret"].join("\n")));
    expect(run(0, 0).ok).toBe(true);
    expect(run(4096 - 32, 4096 - 64).ok).toBe(true);
    for (const [s, b, what] of [[4096 - 31, 0, "state"], [0, 4096 - 63, "block"], [-1, 0, "state"], [0, -64, "block"]] as const) {
      const r = run(s, b);
      expect(!r.ok && r.message).toMatch(new RegExp(`sha256_compress: ${what} of \\d+ bytes at address \\d+ outside memory`));
    }
    // a trap on the block after a valid state: the state was not written (checked before any write)
    const p = asm([".memory 4096", ".regs 16", ".data 0 01020304", "  const r2, 0", "  const r3, 4090", `  ecall ${PRECOMPILE.SHA256_COMPRESS}, r2, r3`, "  ret"].join("\n"));
    const t = execute(p);
    expect(t.ok).toBe(false);
    // memory bound moved below the operand (WebAssembly memory not grown that far) traps too
    const m = execute(asm([".memory 8192", ".regs 16", "  const r2, 4096", "  ecall 4, r2, r2", "  const r3, 4064", `  ecall ${PRECOMPILE.SHA256_COMPRESS}, r3, r3`, "  ret"].join("\n")));
    expect(!m.ok && m.message).toMatch(/block of 64 bytes at address 4064 outside memory \(4096 bytes\)/);
    const u = execute(asm([".memory 4096", ".regs 16", "  ecall 511, r2, r3", "  ret"].join("\n")));
    expect(!u.ok && u.message).toMatch(/unknown system call 511/);
  });
});

describe("Keccak-f[1600] precompile (executor)", () => {
  it("keccakF equals @noble/hashes' keccakP on random states", () => {
    for (let t = 0; t < 20; t++) {
      const s = new Uint32Array(randomBytes(200).buffer.slice(0));
      const ref = s.slice();
      keccakP(ref);
      const mine = new Int32Array(s.buffer.slice(0));
      keccakF(mine);
      expect(new Uint32Array(mine.buffer)).toEqual(ref);
    }
  });

  it("keccak256 built from ecall 0x102 permutations equals @noble/hashes", () => {
    const permute = (state: Uint8Array): Uint8Array => {
      const r = execute(asm([".memory 4096", ".regs 16", `.data 1000 ${hex(state)}`, "  const r2, 1000", `  ecall ${PRECOMPILE.KECCAK_F}, r2, r2`, "  const r3, 200", "  ecall 3, r2, r3", "  ret"].join("\n")));
      if (!r.ok) throw new Error(r.message);
      return r.output;
    };
    for (const n of [0, 1, 135, 136, 137, 300]) {
      const msg = randomBytes(n);
      const rate = 136;
      const padded = new Uint8Array(Math.floor(n / rate + 1) * rate);
      padded.set(msg);
      padded[n] ^= 0x01;
      padded[padded.length - 1] ^= 0x80;
      let st: Uint8Array = new Uint8Array(200);
      for (let o = 0; o < padded.length; o += rate) {
        for (let i = 0; i < rate; i++) st[i] ^= padded[o + i];
        st = permute(st);
      }
      expect(hex(st.subarray(0, 32)), `length ${n}`).toBe(hex(keccak_256(msg)));
    }
  });

  it("a state outside memory traps", () => {
    const r = execute(asm([".memory 4096", ".regs 16", "  const r2, 3900", `  ecall ${PRECOMPILE.KECCAK_F}, r2, r2`, "  ret"].join("\n")));
    expect(!r.ok && r.message).toMatch(/keccak_f: state of 200 bytes at address 3900 outside memory/);
  });
});

/** SHA-256 of an input already padded to whole blocks, through std::zkvm::sha256_compress: digest word k. */
export const SHA256_PRECOMPILE_CWL = `use std::hash::sha256;
use std::zkvm;
program Sha(input: Bytes, k: u32) -> u32 {
    let mut state = sha256::IV;
    let n = input.len() / 64;
    let mut blk = 0u32;
    while blk < n {
        let mut words = [0u32; 16];
        for i in 0..16 {
            let p = blk * 64 + 4 * i;
            words[i] = sha256::be_word(input[p], input[p + 1], input[p + 2], input[p + 3]);
        }
        state = zkvm::sha256_compress(state, words);
        blk += 1;
    }
    state[k % 8]
}`;

describe("std::zkvm::sha256_compress", () => {
  it("the VM (ecall) and the interpreter (software body) agree with node:crypto", () => {
    for (const n of [0, 64, 200]) {
      const msg = randomBytes(n);
      const want = createHash("sha256").update(msg).digest();
      for (let k = 0; k < 8; k++) {
        const r = both("sha.cwl", SHA256_PRECOMPILE_CWL, { input: Array.from(pad(msg)), k });
        expect(r.refused).toBeUndefined();
        expect(r.interp.outputs).toEqual([want.readUInt32BE(4 * k)]);
        expect(r.vm.outputs).toEqual([want.readUInt32BE(4 * k)]);
        // the ecall replaced the software body (about 7,400 instructions per block): what is left is
        // the input and the words built from its bytes
        expect(r.vm.instructions).toBeLessThan(1200 * (pad(msg).length / 64));
      }
    }
  });
});

describe("examples/sha256_zkvm.cwl (std::zkvm::sha256_compress_bytes and sha256_compress)", () => {
  const src = readFileSync(new URL("../../examples/sha256_zkvm.cwl", import.meta.url), "utf8");
  it("VM and interpreter give node:crypto's digest across the padding cases; 1 KB stays under 5,600 instructions", () => {
    for (const [n, k] of [[0, 0], [11, 1], [55, 2], [56, 3], [64, 4], [119, 5], [1024, 7]]) {
      const msg = randomBytes(n);
      const r = both("sha256_zkvm.cwl", src, { input: Array.from(msg), k });
      const want = createHash("sha256").update(msg).digest().readUInt32BE(4 * k);
      expect(r.refused).toBeUndefined();
      expect([r.interp.outputs, r.vm.outputs], `length ${n}`).toEqual([[want], [want]]);
      if (n === 1024) expect(r.vm.instructions).toBeLessThanOrEqual(5600);
    }
  });

  it("a block past the end of the buffer traps in the VM as in the interpreter", () => {
    const bad = `use std::hash::sha256;
use std::zkvm;
program P(input: Bytes, at: u32) -> u32 {
    let s = zkvm::sha256_compress_bytes(sha256::IV, input, at);
    s[0]
}`;
    for (const at of [0, 1, 36, 100, 0xffffffc1]) {
      const r = both("p.cwl", bad, { input: Array.from(randomBytes(100)), at });
      expect(r.vm.ok, `at ${at}`).toBe(at <= 36);
      expect(r.interp.ok, `at ${at}`).toBe(at <= 36);
      if (at <= 36) expect(r.vm.outputs).toEqual(r.interp.outputs);
    }
  });
});

describe("WebAssembly imports zkvm.sha256_compress and zkvm.keccak_f", () => {
  const guest = async (body: string): Promise<Program> => {
    const wat = `(module
      (import "zkvm" "sha256_compress" (func $sha (param i32 i32)))
      (import "zkvm" "keccak_f" (func $keccak (param i32)))
      (import "zkvm" "read_input" (func $read (param i32 i32)))
      (import "zkvm" "write_output" (func $write (param i32 i32)))
      (memory 1)
      (func (export "main") ${body}))`;
    const wabt = await wabtInit();
    const m = wabt.parseWat("g.wat", wat, {});
    const bin = m.toBinary({}).buffer;
    m.destroy();
    const lifted = compileWasm(bin, { entry: "main" });
    if (!lifted.module) throw new Error(lifted.diagnostics.map((d) => d.message).join("; "));
    const b = buildZkvm(lifted.module);
    if (!b.program) throw new Error(b.diagnostics.map((d) => d.message).join("; "));
    return b.program;
  };

  it("a guest's SHA-256 of one block and Keccak-f of a state equal node:crypto and @noble/hashes", async () => {
    // input: state (32 bytes, LE words) then the padded block (64 bytes), then 200 bytes of lanes
    const p = await guest(`(call $read (i32.const 0) (i32.const 296))
      (call $sha (i32.const 0) (i32.const 32))
      (call $keccak (i32.const 96))
      (call $write (i32.const 0) (i32.const 32))
      (call $write (i32.const 96) (i32.const 200))`);
    const msg = randomBytes(40);
    const iv = new Uint8Array(32);
    SHA256_IV.forEach((w, i) => new DataView(iv.buffer).setUint32(4 * i, w, true));
    const lanes = randomBytes(200);
    const input = new Uint8Array([...iv, ...pad(msg), ...lanes]);
    const r = execute(p, { input });
    if (!r.ok) throw new Error(r.message);
    expect(digestOf(r.output.subarray(0, 32))).toBe(createHash("sha256").update(msg).digest("hex"));
    const ref = new Uint32Array(lanes.buffer.slice(lanes.byteOffset, lanes.byteOffset + 200));
    keccakP(ref);
    expect(hex(r.output.subarray(32))).toBe(hex(new Uint8Array(ref.buffer)));
  });

  it("operands past the guest's memory trap", async () => {
    for (const call of ["(call $sha (i32.const 65504) (i32.const 65472))", "(call $sha (i32.const 65505) (i32.const 0))", "(call $sha (i32.const 0) (i32.const 65473))", "(call $keccak (i32.const 65336))", "(call $keccak (i32.const 65337))", "(call $keccak (i32.const -1))"]) {
      const r = execute(await guest(call));
      expect(r.ok, call).toBe(call.includes("65504") || call.includes("65336"));
    }
  });
});

describe("std::zkvm::keccak_f", () => {
  const src = `use std::zkvm;
program P(input: Bytes, k: u32) -> u64 {
    let mut s = [0u64; 25];
    for i in 0..25 {
        let mut v = 0u64;
        for j in 0..8 {
            v = v | ((input[8 * i + j] as u64) << ((8 * j) as u64));
        }
        s[i] = v;
    }
    let t = zkvm::keccak_f(s);
    t[k % 25]
}`;
  it("the VM (ecall 0x102) and the interpreter (software body) give @noble/hashes' keccakP lanes", () => {
    const lanes = randomBytes(200);
    const ref = new Uint32Array(lanes.buffer.slice(lanes.byteOffset, lanes.byteOffset + 200));
    keccakP(ref);
    for (const k of [0, 1, 12, 24]) {
      const want = ((BigInt(ref[2 * k + 1]) << 32n) | BigInt(ref[2 * k])).toString();
      const r = both("p.cwl", src, { input: Array.from(lanes), k });
      expect(r.refused).toBeUndefined();
      expect([r.interp.outputs, r.vm.outputs], `lane ${k}`).toEqual([[want], [want]]);
    }
  });
});

describe("256-bit modular arithmetic and secp256k1 precompiles (executor)", () => {
  const le = (v: bigint) => {
    const b = new Uint8Array(32);
    for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * i)) & 255n);
    return hex(b);
  };
  const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
  const big = () => BigInt("0x" + randomBytes(32).toString("hex"));
  /** one ecall on operands at 1024 (b) and 1088 (c, 64 bytes); the 64 bytes at b come back */
  const once = (call: number, at1024: string, at1088: string) => {
    const r = execute(asm([".memory 4096", ".regs 16", `.data 1024 ${at1024.padEnd(128, "0")}${at1088.padEnd(128, "0")}`, "  const r2, 1024", "  const r3, 1088", `  ecall ${call}, r2, r3`, "  const r4, 64", "  ecall 3, r2, r4", "  ret"].join("\n")));
    return r.ok ? r.output : r.message;
  };

  it("x·y mod m and x + y mod m equal BigInt's (m = 0 is 2^256)", () => {
    const n = secp256k1.Point.CURVE().n;
    for (const m of [big(), n, 0n, 7n]) {
      const [x, y] = [big(), big()];
      for (const [call, want] of [[PRECOMPILE.UINT256_MULMOD, (x * y) % (m || 2n ** 256n)], [PRECOMPILE.UINT256_ADDMOD, (x + y) % (m || 2n ** 256n)]] as const) {
        const out = once(call, le(x), le(y) + le(m));
        if (typeof out === "string") throw new Error(out);
        expect(fromLe(out.subarray(0, 32))).toBe(want);
        // y and m are not written
        expect(hex(out.subarray(32, 64))).toBe("00".repeat(32));
      }
    }
  });

  it("secp256k1 add and double equal @noble/curves, with doubling, inverses and infinity", () => {
    const G = secp256k1.Point.BASE;
    const pt = (P: typeof G | null) => (P === null || P.is0() ? "00".repeat(64) : le(P.toAffine().x) + le(P.toAffine().y));
    const P = G.multiply(big() % secp256k1.Point.CURVE().n);
    const Q = G.multiply(big() % secp256k1.Point.CURVE().n);
    const cases: [string, string, typeof G | null][] = [
      [pt(P), pt(Q), P.add(Q)],
      [pt(P), pt(P), P.double()],
      [pt(P), pt(P.negate()), null],
      [pt(P), pt(null), P],
      [pt(null), pt(Q), Q],
      [pt(null), pt(null), null],
    ];
    for (const [a, b, want] of cases) {
      const out = once(PRECOMPILE.SECP256K1_ADD, a, b);
      if (typeof out === "string") throw new Error(out);
      expect(hex(out)).toBe(pt(want));
    }
    const d = once(PRECOMPILE.SECP256K1_DOUBLE, pt(Q), "");
    expect(typeof d !== "string" && hex(d)).toBe(pt(Q.double()));
    // off the curve, and a coordinate ≥ p, trap
    const off = once(PRECOMPILE.SECP256K1_ADD, le(P.toAffine().x) + le(P.toAffine().y + 1n), pt(Q));
    expect(off).toMatch(/secp256k1_add: p at address 1024: the point is not on the curve/);
    // a point with a small x, so x + p still fits 256 bits (y = (x³ + 7)^((p + 1)/4), p ≡ 3 mod 4)
    const pow = (b: bigint, e: bigint): bigint => (e === 0n ? 1n : (pow((b * b) % SECP256K1_P, e >> 1n) * (e & 1n ? b : 1n)) % SECP256K1_P);
    let x = 1n;
    while (pow(x ** 3n + 7n, (SECP256K1_P - 1n) / 2n) !== 1n) x++;
    const y = pow(x ** 3n + 7n, (SECP256K1_P + 1n) / 4n);
    const small = once(PRECOMPILE.SECP256K1_DOUBLE, le(x) + le(y), "");
    expect(typeof small !== "string" && hex(small)).toBe(pt(secp256k1.Point.fromAffine({ x, y }).double()));
    const big1 = once(PRECOMPILE.SECP256K1_DOUBLE, le(x + SECP256K1_P) + le(y), "");
    expect(big1).toMatch(/not below the field prime/);
    const offQ = once(PRECOMPILE.SECP256K1_ADD, pt(P), le(1n) + le(1n));
    expect(offQ).toMatch(/q at address 1088: the point is not on the curve/);
  });
});

describe("Poseidon (BN254) precompile (executor)", () => {
  const le = (v: bigint) => {
    const b = new Uint8Array(32);
    for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * i)) & 255n);
    return hex(b);
  };
  const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
  const permute = (state: bigint[], t = state.length) => {
    const r = execute(asm([".memory 4096", ".regs 16", `.data 1024 ${state.map(le).join("")}`, "  const r2, 1024", `  const r3, ${t}`, `  ecall ${PRECOMPILE.POSEIDON_BN254}, r2, r3`, `  const r4, ${32 * state.length}`, "  ecall 3, r2, r4", "  ret"].join("\n")));
    return r.ok ? Array.from({ length: state.length }, (_, i) => fromLe(r.output.subarray(32 * i, 32 * i + 32))) : r.message;
  };
  it("Poseidon(1, 2) is circomlib's published value; widths 2..6 equal runtime/hash/poseidon.ts", () => {
    expect((permute([0n, 1n, 2n]) as bigint[])[0]).toBe(0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an);
    for (let t = 2; t <= 6; t++) {
      const st = Array.from({ length: t }, (_, i) => BigInt(i * 1000 + 7));
      expect(permute(st)).toEqual(poseidonPermute(st));
    }
  });
  it("an element ≥ r, a width outside 2..6 and a state outside memory trap", () => {
    expect(permute([0n, BN254_R])).toMatch(/state element 1 at address 1056 is not below the BN254 scalar field modulus/);
    expect(permute([0n, 1n], 7)).toMatch(/width 7 is not in 2\.\.6/);
    expect(permute([0n, 1n], 1)).toMatch(/width 1 is not in 2\.\.6/);
    const r = execute(asm([".memory 4096", ".regs 16", "  const r2, 4001", "  const r3, 3", `  ecall ${PRECOMPILE.POSEIDON_BN254}, r2, r3`, "  ret"].join("\n")));
    expect(!r.ok && r.message).toMatch(/poseidon_bn254: state of 96 bytes at address 4001 outside memory/);
  });
});

describe("WebAssembly imports zkvm.uint256_mulmod/addmod and zkvm.secp256k1_add/double", () => {
  const le = (v: bigint) => Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 255n));
  const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
  const guest = async (body: string): Promise<Program> => {
    const wat = `(module
      (import "zkvm" "uint256_mulmod" (func $mul (param i32 i32)))
      (import "zkvm" "uint256_addmod" (func $add (param i32 i32)))
      (import "zkvm" "secp256k1_add" (func $padd (param i32 i32)))
      (import "zkvm" "secp256k1_double" (func $pdbl (param i32)))
      (import "zkvm" "read_input" (func $read (param i32 i32)))
      (import "zkvm" "write_output" (func $write (param i32 i32)))
      (memory 1)
      (func (export "main") (local $i i32) ${body}))`;
    const wabt = await wabtInit();
    const m = wabt.parseWat("g.wat", wat, {});
    const bin = m.toBinary({}).buffer;
    m.destroy();
    const lifted = compileWasm(bin, { entry: "main" });
    if (!lifted.module) throw new Error(lifted.diagnostics.map((d) => d.message).join("; "));
    const b = buildZkvm(lifted.module);
    if (!b.program) throw new Error(b.diagnostics.map((d) => d.message).join("; "));
    return b.program;
  };

  it("k·G by double-and-add over the imports equals @noble/curves; mulmod and addmod equal BigInt", async () => {
    // input: k (32 bytes) at 0, G at 64 (acc at 128 starts at infinity); bits of k from the top
    const p = await guest(`(call $read (i32.const 0) (i32.const 128))
      (local.set $i (i32.const 255))
      (loop $l
        (call $pdbl (i32.const 128))
        (if (i32.and (i32.shr_u (i32.load8_u (i32.shr_u (local.get $i) (i32.const 3))) (i32.and (local.get $i) (i32.const 7))) (i32.const 1))
          (then (call $padd (i32.const 128) (i32.const 64))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $l (i32.ge_s (local.get $i) (i32.const 0))))
      (call $write (i32.const 128) (i32.const 64))
      (call $read (i32.const 256) (i32.const 96))
      (call $mul (i32.const 256) (i32.const 288))
      (call $write (i32.const 256) (i32.const 32))
      (call $read (i32.const 256) (i32.const 96))
      (call $add (i32.const 256) (i32.const 288))
      (call $write (i32.const 256) (i32.const 32))`);
    const G = secp256k1.Point.BASE;
    const n = secp256k1.Point.CURVE().n;
    const k = BigInt("0x" + randomBytes(32).toString("hex")) % n;
    const [x, y, m] = [BigInt("0x" + randomBytes(32).toString("hex")), BigInt("0x" + randomBytes(32).toString("hex")), n];
    const input = Uint8Array.from([...le(k), ...new Array(32).fill(0), ...le(G.toAffine().x), ...le(G.toAffine().y), ...le(x), ...le(y), ...le(m), ...le(x), ...le(y), ...le(m)]);
    const r = execute(p, { input });
    if (!r.ok) throw new Error(r.message);
    const want = G.multiply(k).toAffine();
    expect([fromLe(r.output.subarray(0, 32)), fromLe(r.output.subarray(32, 64))]).toEqual([want.x, want.y]);
    expect(fromLe(r.output.subarray(64, 96))).toBe((x * y) % m);
    expect(fromLe(r.output.subarray(96, 128))).toBe((x + y) % m);
  });

  it("operands past the guest's memory trap", async () => {
    for (const [call, ok] of [["(call $pdbl (i32.const 65472))", true], ["(call $pdbl (i32.const 65473))", false], ["(call $mul (i32.const 65504) (i32.const 0))", true], ["(call $mul (i32.const 0) (i32.const 65473))", false], ["(call $padd (i32.const 0) (i32.const 65473))", false]] as const) {
      const r = execute(await guest(call));
      expect(r.ok, call).toBe(ok);
    }
  });
});
