// BN254 G1 Jacobian point arithmetic as CWIR field ops, for kernels (y² = x³ + 3, a = 0).
// Formulas as runtime/curve/g1.ts (add-2007-bl, dbl-2009-l); the identity is Z = 0.
import type { Builder, Type, Value } from "../../compiler/ir/index.ts";

export type Jac = [Value, Value, Value];

export function jacDouble(b: Builder, F: Type, [X, Y, Z]: Jac): Jac {
  const A = b.f.mul(X, X);
  const B = b.f.mul(Y, Y);
  const C = b.f.mul(B, B);
  const t = b.f.add(X, B);
  const t2 = b.f.sub(b.f.sub(b.f.mul(t, t), A), C);
  const D = b.f.add(t2, t2);
  const E = b.f.add(b.f.add(A, A), A);
  const X3 = b.f.sub(b.f.mul(E, E), b.f.add(D, D));
  const C8 = b.f.mul(C, b.f.const(8n, F));
  const Y3 = b.f.sub(b.f.mul(E, b.f.sub(D, X3)), C8);
  const YZ = b.f.mul(Y, Z);
  const Z3 = b.f.add(YZ, YZ);
  return [X3, Y3, Z3];
}

/** P + Q for any Jacobian points (identity, P = Q and P = −Q included). */
export function jacAdd(b: Builder, F: Type, P: Jac, Q: Jac): Jac {
  const zero = b.f.const(0n, F);
  const types = [F, F, F];
  const pInf = b.f.eq(P[2], zero);
  const r = b.cf.if(pInf, types, () => Q, () => {
    const qInf = b.f.eq(Q[2], zero);
    return b.cf.if(qInf, types, () => P, () => {
      const [X1, Y1, Z1] = P;
      const [X2, Y2, Z2] = Q;
      const Z1Z1 = b.f.mul(Z1, Z1);
      const Z2Z2 = b.f.mul(Z2, Z2);
      const U1 = b.f.mul(X1, Z2Z2);
      const U2 = b.f.mul(X2, Z1Z1);
      const S1 = b.f.mul(b.f.mul(Y1, Z2), Z2Z2);
      const S2 = b.f.mul(b.f.mul(Y2, Z1), Z1Z1);
      const H = b.f.sub(U2, U1);
      const dr = b.f.sub(S2, S1);
      return b.cf.if(b.f.eq(H, zero), types, () =>
        b.cf.if(b.f.eq(dr, zero), types, () => jacDouble(b, F, P), () => [b.f.const(1n, F), b.f.const(1n, F), zero]),
      () => {
        const H2 = b.f.add(H, H);
        const I = b.f.mul(H2, H2);
        const J = b.f.mul(H, I);
        const rr = b.f.add(dr, dr);
        const V = b.f.mul(U1, I);
        const X3 = b.f.sub(b.f.sub(b.f.mul(rr, rr), J), b.f.add(V, V));
        const S1J = b.f.mul(S1, J);
        const Y3 = b.f.sub(b.f.mul(rr, b.f.sub(V, X3)), b.f.add(S1J, S1J));
        const z = b.f.add(Z1, Z2);
        const Z3 = b.f.mul(b.f.sub(b.f.sub(b.f.mul(z, z), Z1Z1), Z2Z2), H);
        return [X3, Y3, Z3];
      });
    });
  });
  return [r[0], r[1], r[2]];
}
