// WAT for BN254 G1 over the `fq_*` field functions (Montgomery form, 32-byte elements).
// Affine points are 64 bytes x ‖ y with (0, 0) as the identity (no curve point has y = 0);
// Jacobian points are 96 bytes X ‖ Y ‖ Z with Z = 0 as the identity.
// g1_batch_add is the heart of the MSM: many independent affine additions sharing one field inversion.
import type { ConstAlloc, WatPart } from "../../field/index.ts";

export interface G1PartOptions {
  /** Prefix of the field functions the part calls (`fq`: 8 × 32-bit limbs; a field29 part: 9 × 29-bit). */
  field?: string;
  /** Prefix of the functions it defines and exports. */
  prefix?: string;
  /** Bytes per field element (affine points are 2E bytes, Jacobian 3E). */
  elementBytes?: number;
  /**
   * Whether the field has `<field>_subl` (a − b, not canonical, valid as a multiplication operand), used
   * where a difference only feeds a multiplication (the batched addition's x_b − x_a, y_b − y_a, x_a − x_3).
   */
  lazySub?: boolean;
}

export function g1Part(alloc: ConstAlloc, opts: G1PartOptions = {}): WatPart {
  const F = opts.field ?? "fq";
  const G = opts.prefix ?? "g1";
  const E = opts.elementBytes ?? 32;
  const T = (n: number) => Array.from({ length: n }, () => alloc(new Uint8Array(E)));
  const [dA, dB, dC, dD, dE, dF, dZ] = T(7); // dbl
  const [mZZ, mU2, mS2, mH, mHH, mI, mJ, mR, mV, mX, mY, mZ] = T(12); // madd
  const [aZ1, aZ2, aU1, aU2, aS1, aS2, aH, aI, aJ, aR, aV, aX, aY, aZ] = T(14); // add
  const [bYa, bYb, bAcc, bInv, bL, bX, bT] = T(7); // batch add
  const [rRun, rSum] = [alloc(new Uint8Array(3 * E)), alloc(new Uint8Array(3 * E))];
  const mul = (r: number | string, a: number | string, b: number | string) => `(call $${F}_mul ${v(r)} ${v(a)} ${v(b)})`;
  const add = (r: number | string, a: number | string, b: number | string) => `(call $${F}_add ${v(r)} ${v(a)} ${v(b)})`;
  const sub = (r: number | string, a: number | string, b: number | string) => `(call $${F}_sub ${v(r)} ${v(a)} ${v(b)})`;
  const subl = opts.lazySub ? (r: number | string, a: number | string, b: number | string) => `(call $${F}_subl ${v(r)} ${v(a)} ${v(b)})` : sub;
  const cp = (r: number | string, a: number | string) => `(call $${F}_copy ${v(r)} ${v(a)})`;
  // Operands: a number is a constant address, a string a WAT expression.
  function v(x: number | string): string {
    return typeof x === "number" ? `(i32.const ${x})` : x;
  }
  const P = (name: string, off = 0) => (off ? `(i32.add (local.get $${name}) (i32.const ${off}))` : `(local.get $${name})`);
  // Indexing by k elements of `bytes` each: a shift when bytes is a power of two.
  const scaled = (name: string, bytes: number) =>
    (bytes & (bytes - 1)) === 0 ? `(i32.shl (local.get $${name}) (i32.const ${Math.log2(bytes)}))` : `(i32.mul (local.get $${name}) (i32.const ${bytes}))`;
  // (0, 0) test: eight 64-bit loads for 32-byte elements, else the field's zero test on both coordinates.
  const affineIsZero =
    E === 32
      ? `(i64.eqz (i64.or
    (i64.or (i64.or (i64.load (local.get $p)) (i64.load offset=8 (local.get $p))) (i64.or (i64.load offset=16 (local.get $p)) (i64.load offset=24 (local.get $p))))
    (i64.or (i64.or (i64.load offset=32 (local.get $p)) (i64.load offset=40 (local.get $p))) (i64.or (i64.load offset=48 (local.get $p)) (i64.load offset=56 (local.get $p))))))`
      : `(i32.and (call $${F}_iszero (local.get $p)) (call $${F}_iszero (i32.add (local.get $p) (i32.const ${E}))))`;
  const code = `
;; Jacobian identity: X = Y = 1 (any), Z = 0.
(func $${G}_setinf (param $r i32) (call $${F}_one (local.get $r)) (call $${F}_one (i32.add (local.get $r) (i32.const ${E})))
  (memory.fill (i32.add (local.get $r) (i32.const ${2 * E})) (i32.const 0) (i32.const ${E})))
(func $${G}_isinf (param $p i32) (result i32) (call $${F}_iszero (i32.add (local.get $p) (i32.const ${2 * E}))))
(func $${G}_affine_isinf (param $p i32) (result i32)
  ${affineIsZero})
;; dbl-2009-l; r may alias p.
(func $${G}_dbl (param $r i32) (param $p i32)
  (if (i32.or (call $${G}_isinf (local.get $p)) (call $${F}_iszero ${P("p", E)})) (then (call $${G}_setinf (local.get $r)) (return)))
  ${mul(dA, P("p"), P("p"))}
  ${mul(dB, P("p", E), P("p", E))}
  ${mul(dC, dB, dB)}
  ${add(dD, P("p"), dB)} ${mul(dD, dD, dD)} ${sub(dD, dD, dA)} ${sub(dD, dD, dC)} ${add(dD, dD, dD)}
  ${add(dE, dA, dA)} ${add(dE, dE, dA)}
  ${mul(dF, dE, dE)}
  ${mul(dZ, P("p", E), P("p", 2 * E))} ${add(dZ, dZ, dZ)}
  ${sub(P("r"), dF, dD)} ${sub(P("r"), P("r"), dD)}
  ${add(dC, dC, dC)} ${add(dC, dC, dC)} ${add(dC, dC, dC)}
  ${sub(dD, dD, P("r"))} ${mul(dD, dE, dD)} ${sub(P("r", E), dD, dC)}
  ${cp(P("r", 2 * E), dZ)})
;; madd-2007-bl: r = p (Jacobian) + q (affine, (0,0) = identity); r may alias p.
(func $${G}_madd (param $r i32) (param $p i32) (param $q i32)
  (if (call $${G}_affine_isinf (local.get $q)) (then
    (if (i32.ne (local.get $r) (local.get $p)) (then (memory.copy (local.get $r) (local.get $p) (i32.const ${3 * E}))))
    (return)))
  (if (call $${G}_isinf (local.get $p)) (then
    (memory.copy (local.get $r) (local.get $q) (i32.const ${2 * E})) (call $${F}_one ${P("r", 2 * E)}) (return)))
  ${mul(mZZ, P("p", 2 * E), P("p", 2 * E))}
  ${mul(mU2, P("q"), mZZ)}
  ${mul(mS2, P("q", E), P("p", 2 * E))} ${mul(mS2, mS2, mZZ)}
  ${sub(mH, mU2, P("p"))}
  ${sub(mR, mS2, P("p", E))}
  (if (call $${F}_iszero (i32.const ${mH})) (then
    (if (call $${F}_iszero (i32.const ${mR})) (then (call $${G}_dbl (local.get $r) (local.get $p))) (else (call $${G}_setinf (local.get $r))))
    (return)))
  ${add(mR, mR, mR)}
  ${mul(mHH, mH, mH)}
  ${add(mI, mHH, mHH)} ${add(mI, mI, mI)}
  ${mul(mJ, mH, mI)}
  ${mul(mV, P("p"), mI)}
  ${mul(mX, mR, mR)} ${sub(mX, mX, mJ)} ${sub(mX, mX, mV)} ${sub(mX, mX, mV)}
  ${mul(mJ, mJ, P("p", E))} ${add(mJ, mJ, mJ)}
  ${sub(mY, mV, mX)} ${mul(mY, mR, mY)} ${sub(mY, mY, mJ)}
  ${add(mZ, P("p", 2 * E), mH)} ${mul(mZ, mZ, mZ)} ${sub(mZ, mZ, mZZ)} ${sub(mZ, mZ, mHH)}
  ${cp(P("r"), mX)} ${cp(P("r", E), mY)} ${cp(P("r", 2 * E), mZ)})
;; add-2007-bl: r = p + q (both Jacobian); r may alias either.
(func $${G}_add (param $r i32) (param $p i32) (param $q i32)
  (if (call $${G}_isinf (local.get $p)) (then
    (if (i32.ne (local.get $r) (local.get $q)) (then (memory.copy (local.get $r) (local.get $q) (i32.const ${3 * E})))) (return)))
  (if (call $${G}_isinf (local.get $q)) (then
    (if (i32.ne (local.get $r) (local.get $p)) (then (memory.copy (local.get $r) (local.get $p) (i32.const ${3 * E})))) (return)))
  ${mul(aZ1, P("p", 2 * E), P("p", 2 * E))}
  ${mul(aZ2, P("q", 2 * E), P("q", 2 * E))}
  ${mul(aU1, P("p"), aZ2)}
  ${mul(aU2, P("q"), aZ1)}
  ${mul(aS1, P("p", E), P("q", 2 * E))} ${mul(aS1, aS1, aZ2)}
  ${mul(aS2, P("q", E), P("p", 2 * E))} ${mul(aS2, aS2, aZ1)}
  ${sub(aH, aU2, aU1)}
  ${sub(aR, aS2, aS1)}
  (if (call $${F}_iszero (i32.const ${aH})) (then
    (if (call $${F}_iszero (i32.const ${aR})) (then (call $${G}_dbl (local.get $r) (local.get $p))) (else (call $${G}_setinf (local.get $r))))
    (return)))
  ${add(aR, aR, aR)}
  ${add(aI, aH, aH)} ${mul(aI, aI, aI)}
  ${mul(aJ, aH, aI)}
  ${mul(aV, aU1, aI)}
  ${mul(aX, aR, aR)} ${sub(aX, aX, aJ)} ${sub(aX, aX, aV)} ${sub(aX, aX, aV)}
  ${mul(aJ, aJ, aS1)} ${add(aJ, aJ, aJ)}
  ${sub(aY, aV, aX)} ${mul(aY, aR, aY)} ${sub(aY, aY, aJ)}
  ${add(aZ, P("p", 2 * E), P("q", 2 * E))} ${mul(aZ, aZ, aZ)} ${sub(aZ, aZ, aZ1)} ${sub(aZ, aZ, aZ2)} ${mul(aZ, aZ, aH)}
  ${cp(P("r"), aX)} ${cp(P("r", E), aY)} ${cp(P("r", 2 * E), aZ)})
;; Effective y of an operand word (address | negate-bit) into $out.
(func $${G}_opy (param $out i32) (param $w i32)
  (if (i32.and (local.get $w) (i32.const 1))
    (then (call $${F}_neg (local.get $out) (i32.add (i32.and (local.get $w) (i32.const -2)) (i32.const ${E}))))
    (else (call $${F}_copy (local.get $out) (i32.add (local.get $w) (i32.const ${E}))))))
;; Kind of one addition: 0 = copy one side (the other is the identity), 1 = result is the identity,
;; 2 = generic addition, 3 = doubling. For kinds 1 and 3 leaves the effective y's in bYa/bYb.
(func $${G}_kind (param $a i32) (param $b i32) (result i32)
  (local $pa i32) (local $pb i32)
  (local.set $pa (i32.and (local.get $a) (i32.const -2)))
  (local.set $pb (i32.and (local.get $b) (i32.const -2)))
  (if (i32.or (call $${G}_affine_isinf (local.get $pa)) (call $${G}_affine_isinf (local.get $pb))) (then (return (i32.const 0))))
  (if (i32.eqz (call $${F}_eq (local.get $pa) (local.get $pb))) (then (return (i32.const 2))))
  (call $${G}_opy (i32.const ${bYa}) (local.get $a))
  (call $${G}_opy (i32.const ${bYb}) (local.get $b))
  (if (call $${F}_eq (i32.const ${bYa}) (i32.const ${bYb})) (then (return (i32.const 3))))
  (i32.const 1))
;; For k < count, with ops[k] = (dst, a, b) as i32 words (a and b carry a negate flag in bit 0):
;; dst = a + b in affine form. dst may equal a or b of the same op but no operand of another op.
;; scratch: 2E·count + count bytes (E: bytes per field element).
(func $${G}_batch_add (param $ops i32) (param $count i32) (param $scratch i32)
  (local $k i32) (local $o i32) (local $a i32) (local $b i32) (local $pa i32) (local $pb i32) (local $kind i32)
  (local $den i32) (local $pre i32) (local $kinds i32)
  (local.set $kinds (i32.add (local.get $scratch) ${scaled("count", 2 * E)}))
  (call $${F}_one (i32.const ${bAcc}))
  (block $d1 (loop $l1
    (br_if $d1 (i32.ge_u (local.get $k) (local.get $count)))
    (local.set $o (i32.add (local.get $ops) (i32.mul (local.get $k) (i32.const 12))))
    (local.set $a (i32.load offset=4 (local.get $o)))
    (local.set $b (i32.load offset=8 (local.get $o)))
    (local.set $pa (i32.and (local.get $a) (i32.const -2)))
    (local.set $pb (i32.and (local.get $b) (i32.const -2)))
    (local.set $pre (i32.add (local.get $scratch) ${scaled("k", 2 * E)}))
    (local.set $den (i32.add (local.get $pre) (i32.const ${E})))
    (local.set $kind (call $${G}_kind (local.get $a) (local.get $b)))
    (i32.store8 (i32.add (local.get $kinds) (local.get $k)) (local.get $kind))
    (call $${F}_copy (local.get $pre) (i32.const ${bAcc}))
    (if (i32.eq (local.get $kind) (i32.const 2)) (then
      ${subl(P("den"), P("pb"), P("pa"))} ${mul(bAcc, bAcc, P("den"))}))
    (if (i32.eq (local.get $kind) (i32.const 3)) (then
      ${add(P("den"), bYa, bYa)} ${mul(bAcc, bAcc, P("den"))}))
    (local.set $k (i32.add (local.get $k) (i32.const 1)))
    (br $l1)))
  (call $${F}_inv (i32.const ${bInv}) (i32.const ${bAcc}))
  (block $d2 (loop $l2
    (br_if $d2 (i32.eqz (local.get $k)))
    (local.set $k (i32.sub (local.get $k) (i32.const 1)))
    (local.set $o (i32.add (local.get $ops) (i32.mul (local.get $k) (i32.const 12))))
    (local.set $a (i32.load offset=4 (local.get $o)))
    (local.set $b (i32.load offset=8 (local.get $o)))
    (local.set $pa (i32.and (local.get $a) (i32.const -2)))
    (local.set $pb (i32.and (local.get $b) (i32.const -2)))
    (local.set $o (i32.load (local.get $o)))
    (local.set $pre (i32.add (local.get $scratch) ${scaled("k", 2 * E)}))
    (local.set $den (i32.add (local.get $pre) (i32.const ${E})))
    (local.set $kind (i32.load8_u (i32.add (local.get $kinds) (local.get $k))))
    (if (i32.eq (local.get $kind) (i32.const 0)) (then
      (if (call $${G}_affine_isinf (local.get $pa))
        (then (call $${F}_copy (i32.const ${bX}) (local.get $pb)) (call $${G}_opy (i32.const ${bT}) (local.get $b)))
        (else (call $${F}_copy (i32.const ${bX}) (local.get $pa)) (call $${G}_opy (i32.const ${bT}) (local.get $a))))
      ${cp(P("o"), bX)} ${cp(P("o", E), bT)}))
    (if (i32.eq (local.get $kind) (i32.const 1)) (then (memory.fill (local.get $o) (i32.const 0) (i32.const ${2 * E}))))
    (if (i32.ge_u (local.get $kind) (i32.const 2)) (then
      ;; dinv = inv · prefix; inv ← inv · den
      ${mul(bT, bInv, P("pre"))} ${mul(bInv, bInv, P("den"))}
      (call $${G}_opy (i32.const ${bYa}) (local.get $a))
      (if (i32.eq (local.get $kind) (i32.const 2))
        (then (call $${G}_opy (i32.const ${bYb}) (local.get $b)) ${subl(bL, bYb, bYa)})
        (else ${mul(bL, P("pa"), P("pa"))} ${add(bX, bL, bL)} ${add(bL, bX, bL)}))
      ${mul(bL, bL, bT)}
      ${mul(bX, bL, bL)} ${sub(bX, bX, P("pa"))} ${sub(bX, bX, P("pb"))}
      ${subl(bT, P("pa"), bX)} ${mul(bT, bL, bT)} ${sub(bT, bT, bYa)}
      ${cp(P("o"), bX)} ${cp(P("o", E), bT)}))
    (br $l2))))
;; out (Jacobian) = Σ_{b < nb} (b + 1) · buckets[b] (affine) by running sums.
(func $${G}_bucket_reduce (param $out i32) (param $buckets i32) (param $nb i32)
  (local $b i32)
  (call $${G}_setinf (i32.const ${rRun}))
  (call $${G}_setinf (i32.const ${rSum}))
  (local.set $b (local.get $nb))
  (block $d (loop $l
    (br_if $d (i32.eqz (local.get $b)))
    (local.set $b (i32.sub (local.get $b) (i32.const 1)))
    (call $${G}_madd (i32.const ${rRun}) (i32.const ${rRun}) (i32.add (local.get $buckets) ${scaled("b", 2 * E)}))
    (call $${G}_add (i32.const ${rSum}) (i32.const ${rSum}) (i32.const ${rRun}))
    (br $l)))
  (memory.copy (local.get $out) (i32.const ${rSum}) (i32.const ${3 * E})))
`;
  return { code, exports: ["setinf", "dbl", "madd", "add", "batch_add", "bucket_reduce"].map((f) => `${G}_${f}`) };
}
