// WAT for in-place radix-2 NTT over the field functions with prefix P (element size 4·limbs bytes).
import type { PrimeField } from "../prime-field.ts";
import type { ConstAlloc, WatPart } from "./module.ts";

export function nttPart(P: string, field: PrimeField, alloc: ConstAlloc): WatPart {
  const S = 4 * field.limbs;
  const t = alloc(new Uint8Array(S));
  const shiftS = Math.log2(S);
  if (!Number.isInteger(shiftS)) throw new Error(`internal: element size ${S} is not a power of two`);
  const code = `
;; Bit-reversal permutation of n = 2^k elements.
(func $${P}_bitrev (param $a i32) (param $n i32)
  (local $i i32) (local $j i32) (local $bit i32) (local $pi i32) (local $pj i32)
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (if (i32.lt_u (local.get $i) (local.get $j)) (then
      (local.set $pi (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const ${shiftS}))))
      (local.set $pj (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const ${shiftS}))))
      (memory.copy (i32.const ${t}) (local.get $pi) (i32.const ${S}))
      (memory.copy (local.get $pi) (local.get $pj) (i32.const ${S}))
      (memory.copy (local.get $pj) (i32.const ${t}) (i32.const ${S}))))
    (local.set $bit (i32.shr_u (local.get $n) (i32.const 1)))
    (block $d2 (loop $l2
      (br_if $d2 (i32.eqz (i32.and (local.get $j) (local.get $bit))))
      (local.set $j (i32.xor (local.get $j) (local.get $bit)))
      (local.set $bit (i32.shr_u (local.get $bit) (i32.const 1)))
      (br $l2)))
    (local.set $j (i32.or (local.get $j) (local.get $bit)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))
;; Butterfly stages lenFrom..lenTo (block lengths, powers of two) of a decimation-in-time NTT on
;; bit-reversed input. tw[i·twStride] = ω_N^i where N = twStride · n is the table's domain.
(func $${P}_ntt_stages (param $a i32) (param $n i32) (param $tw i32) (param $twStride i32) (param $lenFrom i32) (param $lenTo i32)
  (local $len i32) (local $half i32) (local $step i32) (local $i i32) (local $j i32) (local $pu i32) (local $pv i32) (local $pw i32) (local $wstep i32)
  (local.set $len (local.get $lenFrom))
  (block $dl (loop $ll
    (br_if $dl (i32.gt_u (local.get $len) (local.get $lenTo)))
    (local.set $half (i32.shr_u (local.get $len) (i32.const 1)))
    (local.set $step (i32.div_u (local.get $n) (local.get $len)))
    (local.set $wstep (i32.shl (i32.mul (local.get $step) (local.get $twStride)) (i32.const ${shiftS})))
    (local.set $i (i32.const 0))
    (block $di (loop $li
      (br_if $di (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $pu (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const ${shiftS}))))
      (local.set $pv (i32.add (local.get $pu) (i32.shl (local.get $half) (i32.const ${shiftS}))))
      (local.set $pw (local.get $tw))
      (local.set $j (i32.const 0))
      (block $dj (loop $lj
        (br_if $dj (i32.ge_u (local.get $j) (local.get $half)))
        (if (i32.eqz (local.get $j))
          (then (call $${P}_copy (i32.const ${t}) (local.get $pv)))
          (else (call $${P}_mul (i32.const ${t}) (local.get $pv) (local.get $pw))))
        (call $${P}_sub (local.get $pv) (local.get $pu) (i32.const ${t}))
        (call $${P}_add (local.get $pu) (local.get $pu) (i32.const ${t}))
        (local.set $pu (i32.add (local.get $pu) (i32.const ${S})))
        (local.set $pv (i32.add (local.get $pv) (i32.const ${S})))
        (local.set $pw (i32.add (local.get $pw) (local.get $wstep)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $lj)))
      (local.set $i (i32.add (local.get $i) (local.get $len)))
      (br $li)))
    (local.set $len (i32.shl (local.get $len) (i32.const 1)))
    (br $ll))))
(func $${P}_ntt (param $a i32) (param $n i32) (param $tw i32) (param $twStride i32)
  (call $${P}_bitrev (local.get $a) (local.get $n))
  (call $${P}_ntt_stages (local.get $a) (local.get $n) (local.get $tw) (local.get $twStride) (i32.const 2) (local.get $n)))
`;
  return { code, exports: [`${P}_bitrev`, `${P}_ntt_stages`, `${P}_ntt`] };
}
