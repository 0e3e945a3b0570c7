// SHA-256 as a CWIR `program` built with the Builder: exercises i32 ops (rotr, shru, xor, not, add),
// buffers, a cf.while over blocks and cf.for with eight loop-carried values. The test checks it
// against node:crypto; the module is also a realistic input for the passes.
import { Builder, Module, T, type Value } from "../../compiler/ir/index.ts";

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** program @sha256(blocks: !mem<i8> (padded, 64·n bytes), out: !mem<i8> (32 bytes)) */
export function sha256Module(): Module {
  const m = new Module();
  const b = new Builder(m);
  const I8 = T.i8;
  const I32 = T.i32;
  const f = b.func("program", "sha256", [
    { type: T.mem(I8), name: "blocks" },
    { type: T.mem(I8), name: "out", attrs: { access: "read_write" } },
  ]);
  const [input, out] = f.args;
  const c = (v: number) => b.i.const(BigInt(v >>> 0), I32);
  const rotr = (x: Value, n: number) => b.i.rotr(x, c(n));
  const xor3 = (x: Value, y: Value, z: Value) => b.i.xor(b.i.xor(x, y), z);
  const kArr = b.array.make(K.map(c), I32);
  const H = b.mem.alloc(I32, 8);
  H0.forEach((h, i) => b.mem.store(H, c(i), c(h)));
  const nBlocks = b.i.divu(b.mem.len(input), c(64));
  b.cf.while(
    [c(0)],
    [I32],
    ([blk]) => [b.i.cmp("ult", blk, nBlocks), blk],
    ([blk]) => {
      const W = b.mem.alloc(I32, 64);
      const base = b.i.mul(blk, c(64));
      b.cf.for(0, 16, [], (t) => {
        let w = c(0);
        for (let j = 0; j < 4; j++) {
          const idx = b.i.add(base, b.i.add(b.i.mul(t, c(4)), c(j)));
          const byte = b.i.zext(b.mem.load(input, idx), I32);
          w = b.i.or(w, b.i.shl(byte, c(24 - 8 * j)));
        }
        b.mem.store(W, t, w);
        return [];
      });
      b.cf.for(16, 64, [], (t) => {
        const w15 = b.mem.load(W, b.i.sub(t, c(15)));
        const w2 = b.mem.load(W, b.i.sub(t, c(2)));
        const s0 = xor3(rotr(w15, 7), rotr(w15, 18), b.i.shru(w15, c(3)));
        const s1 = xor3(rotr(w2, 17), rotr(w2, 19), b.i.shru(w2, c(10)));
        const sum = b.i.add(b.i.add(b.mem.load(W, b.i.sub(t, c(16))), s0), b.i.add(b.mem.load(W, b.i.sub(t, c(7))), s1));
        b.mem.store(W, t, sum);
        return [];
      });
      const init = Array.from({ length: 8 }, (_, i) => b.mem.load(H, c(i)));
      const fin = b.cf.for(0, 64, init, (t, [a, bb, cc, d, e, ff, g, h]) => {
        const S1 = xor3(rotr(e, 6), rotr(e, 11), rotr(e, 25));
        const ch = b.i.xor(b.i.and(e, ff), b.i.and(b.i.not(e), g));
        const t1 = b.i.add(b.i.add(b.i.add(h, S1), b.i.add(ch, b.array.get(kArr, t))), b.mem.load(W, t));
        const S0 = xor3(rotr(a, 2), rotr(a, 13), rotr(a, 22));
        const maj = xor3(b.i.and(a, bb), b.i.and(a, cc), b.i.and(bb, cc));
        const t2 = b.i.add(S0, maj);
        return [b.i.add(t1, t2), a, bb, cc, b.i.add(d, t1), e, ff, g];
      });
      fin.forEach((v, i) => b.mem.store(H, c(i), b.i.add(b.mem.load(H, c(i)), v)));
      return [b.i.add(blk, c(1))];
    },
  );
  for (let i = 0; i < 8; i++) {
    const h = b.mem.load(H, c(i));
    for (let j = 0; j < 4; j++) b.mem.store(out, c(4 * i + j), b.i.trunc(b.i.shru(h, c(24 - 8 * j)), I8));
  }
  b.cf.return();
  return m;
}

/** Standard SHA-256 padding (done outside the program). */
export function pad(msg: Uint8Array): number[] {
  const len = msg.length;
  const total = Math.ceil((len + 9) / 64) * 64;
  const out = new Array<number>(total).fill(0);
  msg.forEach((x, i) => (out[i] = x));
  out[len] = 0x80;
  const bits = BigInt(len) * 8n;
  for (let i = 0; i < 8; i++) out[total - 1 - i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  return out;
}
