// WASM Montgomery arithmetic on L×u32 limbs in linear memory, built as binaryen IR per field. WASM has
// i64, so each 32×32 product is exact; CIOS is fully unrolled over i64 locals holding 32-bit words.
// Every routine takes addresses: f_add(dst, a, b) etc.; dst may alias an operand (inputs are read first).
import binaryen from "binaryen";
import type { FieldLimbs } from "../../runtime/field/index.ts";

type Ref = binaryen.ExpressionRef;

/** Adds the routines of one field to the module; `constAddr` holds [p−2, R2, ONE] limbs (see layoutConstants). */
export function addWasmFieldLib(m: binaryen.Module, f: FieldLimbs, constAddr: number): void {
  const L = f.limbs;
  const P = f.prefix;
  const i32 = binaryen.i32;
  const i64 = binaryen.i64;
  const MASK = () => m.i64.const(0xffffffffn);
  const k64 = (x: number) => m.i64.const(BigInt(x >>> 0));
  const get = (i: number, t = i64) => m.local.get(i, t);
  const set = (i: number, v: Ref) => m.local.set(i, v);
  const ld = (ptrLocal: number, k: number) => m.i64.load32_u(4 * k, 4, get(ptrLocal, i32));
  const st = (ptrLocal: number, k: number, v: Ref) => m.i64.store32(4 * k, 4, get(ptrLocal, i32), v);
  const lo = (v: Ref) => m.i64.and(v, MASK());
  const hi = (v: Ref) => m.i64.shr_u(v, m.i64.const(32n));

  /**
   * Final step shared by add and mul: words t[0..L) (locals tBase..) with high word `h` → dst := t mod p
   * assuming t < 2p. d = t − p word by word; keep d when h ≠ 0 or no borrow.
   */
  const reduceInto = (dst: number, tBase: number, h: () => Ref, dBase: number, br: number): Ref[] => {
    const s: Ref[] = [set(br, k64(0))];
    for (let j = 0; j < L; j++) {
      s.push(set(dBase + j, m.i64.sub(m.i64.sub(get(tBase + j), k64(f.pLimbs[j])), get(br))));
      s.push(set(br, m.i64.shr_u(get(dBase + j), m.i64.const(63n))));
    }
    // Binaryen expressions form a tree: build the condition afresh for every use.
    const useD = () => m.i32.or(m.i64.ne(h(), k64(0)), m.i64.eqz(get(br)));
    const pick: Ref[] = [];
    for (let j = 0; j < L; j++) pick.push(st(dst, j, lo(m.select(useD(), get(dBase + j), get(tBase + j)))));
    return [...s, ...pick];
  };

  // f_add(dst, a, b): locals 0..2 params; t[L] 3.., d[L], c, br
  {
    const T0 = 3, D0 = T0 + L, C = D0 + L, BR = C + 1;
    const body: Ref[] = [set(C, k64(0))];
    for (let j = 0; j < L; j++) {
      body.push(set(T0 + j, m.i64.add(m.i64.add(ld(1, j), ld(2, j)), get(C))));
      body.push(set(C, hi(get(T0 + j))), set(T0 + j, lo(get(T0 + j))));
    }
    body.push(...reduceInto(0, T0, () => get(C), D0, BR));
    m.addFunction(`${P}_add`, binaryen.createType([i32, i32, i32]), binaryen.none, Array(2 * L + 2).fill(i64), m.block(null, body));
  }
  // f_sub(dst, a, b): d = a − b; if borrow, d += p.
  {
    const D0 = 3, BR = D0 + L, C = BR + 1;
    const body: Ref[] = [set(BR, k64(0))];
    for (let j = 0; j < L; j++) {
      body.push(set(D0 + j, m.i64.sub(m.i64.sub(ld(1, j), ld(2, j)), get(BR))));
      body.push(set(BR, m.i64.shr_u(get(D0 + j), m.i64.const(63n))), set(D0 + j, lo(get(D0 + j))));
    }
    const addP: Ref[] = [set(C, k64(0))];
    for (let j = 0; j < L; j++) {
      addP.push(set(D0 + j, m.i64.add(m.i64.add(get(D0 + j), k64(f.pLimbs[j])), get(C))));
      addP.push(set(C, hi(get(D0 + j))), set(D0 + j, lo(get(D0 + j))));
    }
    body.push(m.if(m.i64.ne(get(BR), k64(0)), m.block(null, addP)));
    for (let j = 0; j < L; j++) body.push(st(0, j, get(D0 + j)));
    m.addFunction(`${P}_sub`, binaryen.createType([i32, i32, i32]), binaryen.none, Array(L + 2).fill(i64), m.block(null, body));
  }
  // f_mul(dst, a, b): CIOS. locals: a[L], t[L+2], d[L], c, mm, br, bi
  {
    const A0 = 3, T0 = A0 + L, D0 = T0 + L + 2, C = D0 + L, MM = C + 1, BR = MM + 1, BI = BR + 1;
    const body: Ref[] = [];
    for (let j = 0; j < L; j++) body.push(set(A0 + j, ld(1, j)));
    for (let j = 0; j < L + 2; j++) body.push(set(T0 + j, k64(0)));
    for (let i = 0; i < L; i++) {
      body.push(set(BI, ld(2, i)), set(C, k64(0)));
      for (let j = 0; j < L; j++) {
        const s = m.i64.add(m.i64.add(get(T0 + j), m.i64.mul(get(A0 + j), get(BI))), get(C));
        body.push(set(T0 + j, s), set(C, hi(get(T0 + j))), set(T0 + j, lo(get(T0 + j))));
      }
      body.push(set(T0 + L, m.i64.add(get(T0 + L), get(C))), set(T0 + L + 1, hi(get(T0 + L))), set(T0 + L, lo(get(T0 + L))));
      body.push(set(MM, lo(m.i64.mul(get(T0), k64(f.pInv32)))));
      body.push(set(C, hi(m.i64.add(get(T0), m.i64.mul(get(MM), k64(f.pLimbs[0]))))));
      for (let j = 1; j < L; j++) {
        const s = m.i64.add(m.i64.add(get(T0 + j), m.i64.mul(get(MM), k64(f.pLimbs[j]))), get(C));
        body.push(set(T0 + j - 1, s), set(C, hi(get(T0 + j - 1))), set(T0 + j - 1, lo(get(T0 + j - 1))));
      }
      body.push(set(T0 + L - 1, m.i64.add(get(T0 + L), get(C))));
      body.push(set(T0 + L, m.i64.add(get(T0 + L + 1), hi(get(T0 + L - 1)))), set(T0 + L - 1, lo(get(T0 + L - 1))));
    }
    body.push(...reduceInto(0, T0, () => get(T0 + L), D0, BR));
    m.addFunction(`${P}_mul`, binaryen.createType([i32, i32, i32]), binaryen.none, Array(3 * L + 6).fill(i64), m.block(null, body));
  }
  // f_eq(a, b) → i32
  {
    let e: Ref = m.i32.const(1);
    for (let j = 0; j < L; j++) e = m.i32.and(e, m.i32.eq(m.i32.load(4 * j, 4, m.local.get(0, i32)), m.i32.load(4 * j, 4, m.local.get(1, i32))));
    m.addFunction(`${P}_eq`, binaryen.createType([i32, i32]), i32, [], e);
  }
  // f_copy(dst, src)
  m.addFunction(`${P}_copy`, binaryen.createType([i32, i32]), binaryen.none, [], m.memory.copy(m.local.get(0, i32), m.local.get(1, i32), m.i32.const(4 * L)));
  // f_pow(dst, a, e): r = ONE; for bits of e (raw limbs at address e) from the top: r = r²; if bit, r·= a.
  // locals: 0 dst, 1 a, 2 e, 3 bit index, 4 scratch (the a copy lives in scratch space at constAddr + 3L words)
  {
    const aCopy = constAddr + 3 * 4 * L;
    const body: Ref[] = [
      m.call(`${P}_copy`, [m.i32.const(aCopy), m.local.get(1, i32)], binaryen.none),
      m.call(`${P}_copy`, [m.local.get(0, i32), m.i32.const(constAddr + 2 * 4 * L)], binaryen.none),
      m.local.set(3, m.i32.const(32 * L - 1)),
      m.loop(
        "bits",
        m.block(null, [
          m.call(`${P}_mul`, [m.local.get(0, i32), m.local.get(0, i32), m.local.get(0, i32)], binaryen.none),
          m.if(
            m.i32.and(
              m.i32.shr_u(m.i32.load(0, 4, m.i32.add(m.local.get(2, i32), m.i32.shl(m.i32.shr_u(m.local.get(3, i32), m.i32.const(5)), m.i32.const(2)))), m.i32.and(m.local.get(3, i32), m.i32.const(31))),
              m.i32.const(1),
            ),
            m.call(`${P}_mul`, [m.local.get(0, i32), m.local.get(0, i32), m.i32.const(aCopy)], binaryen.none),
          ),
          m.local.set(3, m.i32.sub(m.local.get(3, i32), m.i32.const(1))),
          m.br("bits", m.i32.ge_s(m.local.get(3, i32), m.i32.const(0))),
        ]),
      ),
    ];
    m.addFunction(`${P}_pow`, binaryen.createType([i32, i32, i32]), binaryen.none, [i32], m.block(null, body));
  }
  // f_inv(dst, a) = a^(p−2)
  m.addFunction(`${P}_inv`, binaryen.createType([i32, i32]), binaryen.none, [], m.call(`${P}_pow`, [m.local.get(0, i32), m.local.get(1, i32), m.i32.const(constAddr)], binaryen.none));
  // f_from_u32(dst, x) = x·R2 (Montgomery form of x): write x as limbs into dst, then multiply.
  {
    const body: Ref[] = [m.i32.store(0, 4, m.local.get(0, i32), m.local.get(1, i32))];
    for (let j = 1; j < L; j++) body.push(m.i32.store(4 * j, 4, m.local.get(0, i32), m.i32.const(0)));
    body.push(m.call(`${P}_mul`, [m.local.get(0, i32), m.local.get(0, i32), m.i32.const(constAddr + 4 * L)], binaryen.none));
    m.addFunction(`${P}_from_u32`, binaryen.createType([i32, i32]), binaryen.none, [], m.block(null, body));
  }
}

/** Bytes of the per-field constant block: [p−2, R2, ONE, scratch] × L words. */
export function fieldConstBytes(f: FieldLimbs): number {
  return 4 * 4 * f.limbs;
}

export function fieldConstData(f: FieldLimbs): Uint8Array {
  const words = new Uint32Array(4 * f.limbs);
  [f.modulus - 2n, f.r2, f.r].forEach((x, k) => {
    for (let j = 0; j < f.limbs; j++) {
      words[k * f.limbs + j] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  return new Uint8Array(words.buffer);
}
