// One algebra for the constraint polynomials, so prover and verifier evaluate the same code: a value is
// a base element (one component) or an extension element (four), and each component is a constant
// (number) or a column of the evaluation domain (Uint32Array). The prover evaluates the constraints over
// whole LDE columns at once; the verifier evaluates them at the out-of-domain point, where every
// component is a number. Components are never mutated after creation, so sharing them is safe.
import { wasmExtMulCols } from "./ext-wasm.ts";
import { P, W, add, mul, neg, sub, type Ext } from "./field.ts";

export type Comp = number | Uint32Array;
/** length 1: base field; length 4: extension (c0 + c1·X + c2·X² + c3·X³) */
export type Val = Comp[];

export const extVal = (e: Ext): Val => [e[0], e[1], e[2], e[3]];

export class Alg {
  /** `n`: the length of the columns (any value for the scalar verifier) */
  constructor(readonly n: number) {}

  cadd(a: Comp, b: Comp): Comp {
    if (typeof a === "number") {
      if (typeof b === "number") return add(a, b);
      if (a === 0) return b;
      const o = new Uint32Array(this.n);
      for (let i = 0; i < o.length; i++) {
        const s = a + b[i];
        o[i] = s >= P ? s - P : s;
      }
      return o;
    }
    if (typeof b === "number") return this.cadd(b, a);
    const o = new Uint32Array(this.n);
    for (let i = 0; i < o.length; i++) {
      const s = a[i] + b[i];
      o[i] = s >= P ? s - P : s;
    }
    return o;
  }

  cneg(a: Comp): Comp {
    if (typeof a === "number") return neg(a);
    const o = new Uint32Array(this.n);
    for (let i = 0; i < o.length; i++) o[i] = a[i] === 0 ? 0 : P - a[i];
    return o;
  }

  csub(a: Comp, b: Comp): Comp {
    if (typeof a === "number" && typeof b === "number") return sub(a, b);
    if (typeof b === "number") return this.cadd(a, neg(b));
    if (typeof a === "number") {
      if (a === 0) return this.cneg(b);
      const o = new Uint32Array(this.n);
      for (let i = 0; i < o.length; i++) {
        const s = a - b[i];
        o[i] = s < 0 ? s + P : s;
      }
      return o;
    }
    const o = new Uint32Array(this.n);
    for (let i = 0; i < o.length; i++) {
      const s = a[i] - b[i];
      o[i] = s < 0 ? s + P : s;
    }
    return o;
  }

  cmul(a: Comp, b: Comp): Comp {
    if (typeof a === "number") {
      if (typeof b === "number") return mul(a, b);
      if (a === 0) return 0;
      if (a === 1) return b;
      const o = new Uint32Array(this.n);
      for (let i = 0; i < o.length; i++) o[i] = mul(a, b[i]);
      return o;
    }
    if (typeof b === "number") return this.cmul(b, a);
    const o = new Uint32Array(this.n);
    for (let i = 0; i < o.length; i++) o[i] = mul(a[i], b[i]);
    return o;
  }

  private ext(a: Val): Val {
    return a.length === 4 ? a : [a[0], 0, 0, 0];
  }

  add(a: Val, b: Val): Val {
    if (a.length === 1 && b.length === 1) return [this.cadd(a[0], b[0])];
    const A = this.ext(a);
    const B = this.ext(b);
    return [0, 1, 2, 3].map((i) => this.cadd(A[i], B[i]));
  }

  sub(a: Val, b: Val): Val {
    if (a.length === 1 && b.length === 1) return [this.csub(a[0], b[0])];
    const A = this.ext(a);
    const B = this.ext(b);
    return [0, 1, 2, 3].map((i) => this.csub(A[i], B[i]));
  }

  neg(a: Val): Val {
    return a.map((c) => this.cneg(c));
  }

  mul(a: Val, b: Val): Val {
    if (a.length === 1) return b.map((c) => this.cmul(a[0], c));
    if (b.length === 1) return a.map((c) => this.cmul(c, b[0]));
    if (a.every((c) => typeof c !== "number") && b.every((c) => typeof c !== "number")) {
      return extMulCols(a as Uint32Array[], b as Uint32Array[]);
    }
    // schoolbook with X^4 = W, skipping zero constants
    const t: Comp[] = [0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) t[i + j] = this.cadd(t[i + j], this.cmul(a[i], b[j]));
    return [0, 1, 2, 3].map((i) => (i + 4 < 7 ? this.cadd(t[i], this.cmul(W, t[i + 4])) : t[i]));
  }
}

/** The product of two extension columns (16 base products a point): WASM where in use. */
export function extMulCols(a: Uint32Array[], b: Uint32Array[]): Uint32Array[] {
  return wasmExtMulCols(a, b) ?? extMulColsTs(a, b);
}

/** extMulCols in TypeScript: the reference of the WASM loop, and its fallback. */
export function extMulColsTs(a: Uint32Array[], b: Uint32Array[]): Uint32Array[] {
  const n = a[0].length;
  const o = [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)];
  const [a0, a1, a2, a3] = a;
  const [b0, b1, b2, b3] = b;
  const [o0, o1, o2, o3] = o;
  for (let i = 0; i < n; i++) {
    const x0 = a0[i], x1 = a1[i], x2 = a2[i], x3 = a3[i];
    const y0 = b0[i], y1 = b1[i], y2 = b2[i], y3 = b3[i];
    o0[i] = add(mul(x0, y0), mul(W, add(add(mul(x1, y3), mul(x2, y2)), mul(x3, y1))));
    o1[i] = add(add(mul(x0, y1), mul(x1, y0)), mul(W, add(mul(x2, y3), mul(x3, y2))));
    o2[i] = add(add(add(mul(x0, y2), mul(x1, y1)), mul(x2, y0)), mul(W, mul(x3, y3)));
    o3[i] = add(add(mul(x0, y3), mul(x1, y2)), add(mul(x2, y1), mul(x3, y0)));
  }
  return o;
}

const INV_P = 1 / P;

/**
 * x mod p for an integer 0 ≤ x < 2^53 held in a double, without the double `%` (a runtime call in V8):
 * the quotient from x·(1/p) is off by at most one (its error is below q·2^−52 < 2^−30), and x − q·p is
 * exact since q·p < 2^53; one correction each way makes it canonical.
 */
export function modP(x: number): number {
  const r = x - Math.floor(x * INV_P) * P;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

/**
 * Σ_k e_k·col_k for extension coefficients e_k and base columns col_k, the prover's most repeated loop
 * (λ-combining constraints, γ-combining columns for DEEP). Each coefficient is split at 16 bits, so a
 * partial product is below 2^31·2^16 = 2^47 and 31 of them add up exactly in a double; the sums are
 * reduced mod p every 31 columns and once at the end, instead of a modular product per term.
 */
export class LinearCombiner {
  private readonly acc: Float64Array[];
  private pending = 0;
  constructor(readonly n: number) {
    this.acc = Array.from({ length: 8 }, () => new Float64Array(n));
  }

  add(e: Ext, col: Uint32Array): void {
    const [l0, l1, l2, l3] = e.map((v) => v & 0xffff);
    const [h0, h1, h2, h3] = e.map((v) => v >>> 16);
    const [a0, a1, a2, a3, b0, b1, b2, b3] = this.acc;
    for (let i = 0; i < col.length; i++) {
      const c = col[i];
      a0[i] += l0 * c;
      a1[i] += l1 * c;
      a2[i] += l2 * c;
      a3[i] += l3 * c;
      b0[i] += h0 * c;
      b1[i] += h1 * c;
      b2[i] += h2 * c;
      b3[i] += h3 * c;
    }
    if (++this.pending === 31) this.reduce();
  }

  private reduce(): void {
    for (const a of this.acc) for (let i = 0; i < a.length; i++) a[i] = modP(a[i]);
    this.pending = 0;
  }

  /** out += the combination (four columns), and the combiner starts again from zero. */
  addInto(out: Uint32Array[]): void {
    this.reduce();
    for (let j = 0; j < 4; j++) {
      const lo = this.acc[j];
      const hi = this.acc[4 + j];
      const o = out[j];
      for (let i = 0; i < o.length; i++) {
        const v = modP(hi[i] * 65536 + lo[i]);
        const s = o[i] + v;
        o[i] = s >= P ? s - P : s;
        lo[i] = 0;
        hi[i] = 0;
      }
    }
  }
}
