// std::field declares each prime field by its modulus; every modulus is checked against an outside
// reference: @noble/curves for BN254 and BLS12-381, the published Goldilocks/BabyBear formulas, and
// for Pasta (not in @noble/curves 2) the published hex, primality, and the 2-cycle property
// #E_pallas(F_p) = q, #E_vesta(F_q) = p checked with @noble/curves' generic Weierstrass arithmetic.
import { describe, it, expect } from "vitest";
import { bn254 } from "@noble/curves/bn254.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { weierstrass } from "@noble/curves/abstract/weierstrass.js";
import { compileTextOk, parseStdlib } from "./util.ts";

function declaredFields(): Map<string, bigint> {
  const { module, diagnostics } = parseStdlib("field/mod.cwl");
  expect(diagnostics).toEqual([]);
  const out = new Map<string, bigint>();
  for (const it of module.items) {
    if (it.kind !== "PrimeField") continue;
    expect(it.modulus.kind).toBe("IntLit");
    if (it.modulus.kind === "IntLit") out.set(it.name.name, it.modulus.value);
  }
  return out;
}

/** Miller–Rabin with 32 fixed pseudo-random bases: error probability < 4^-32 for a composite. */
function isProbablePrime(n: bigint): boolean {
  if (n < 4n) return n === 2n || n === 3n;
  if (n % 2n === 0n) return false;
  const pow = (b: bigint, e: bigint) => {
    let r = 1n;
    b %= n;
    for (; e > 0n; e >>= 1n, b = (b * b) % n) if (e & 1n) r = (r * b) % n;
    return r;
  };
  let d = n - 1n;
  let s = 0;
  while (d % 2n === 0n) (d /= 2n), s++;
  let seed = 0x9e3779b97f4a7c15n;
  for (let k = 0; k < 32; k++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    const a = 2n + (seed % (n - 3n));
    let x = pow(a, d);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let i = 1; i < s && composite; i++) {
      x = (x * x) % n;
      if (x === n - 1n) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

/** Published by Zcash (pasta_curves) and used by Halo2-IPA / Mina. */
const PALLAS_P = 0x40000000000000000000000000000000224698fc094cf91b992d30ed00000001n;
const VESTA_Q = 0x40000000000000000000000000000000224698fc0994a8dd8c46eb2100000001n;

describe("std::field moduli", () => {
  const fields = declaredFields();

  it("declares exactly the seven fields", () => {
    expect([...fields.keys()].sort()).toEqual(["BabyBear", "Bls12_381Fr", "Bn254Fq", "Bn254Fr", "Goldilocks", "Pallas", "Vesta"]);
  });

  it("BN254 Fr and Fq equal @noble/curves", () => {
    expect(fields.get("Bn254Fr")).toBe(bn254.fields.Fr.ORDER);
    expect(fields.get("Bn254Fq")).toBe(bn254.fields.Fp.ORDER);
  });

  it("BLS12-381 Fr equals @noble/curves", () => {
    expect(fields.get("Bls12_381Fr")).toBe(bls12_381.fields.Fr.ORDER);
  });

  it("Goldilocks and BabyBear equal the published primes", () => {
    expect(fields.get("Goldilocks")).toBe((1n << 64n) - (1n << 32n) + 1n);
    expect(fields.get("BabyBear")).toBe(15n * (1n << 27n) + 1n);
    expect(fields.get("BabyBear")).toBe(2013265921n);
  });

  it("Pallas and Vesta equal the published moduli and form a 2-cycle", () => {
    expect(fields.get("Pallas")).toBe(PALLAS_P);
    expect(fields.get("Vesta")).toBe(VESTA_Q);
    // y^2 = x^3 + 5 over each field; G = (-1, 2) lies on both curves. Order of G = the other modulus.
    for (const [p, n] of [
      [PALLAS_P, VESTA_Q],
      [VESTA_Q, PALLAS_P],
    ]) {
      const G = weierstrass({ p, n, h: 1n, a: 0n, b: 5n, Gx: p - 1n, Gy: 2n }).BASE;
      expect(G.multiplyUnsafe(n - 1n).add(G).is0()).toBe(true);
      // The same check with the field's own modulus as the order must fail (the test can fail).
      const wrong = weierstrass({ p, n: p, h: 1n, a: 0n, b: 5n, Gx: p - 1n, Gy: 2n }).BASE;
      expect(wrong.multiplyUnsafe(p - 1n).add(wrong).is0()).toBe(false);
    }
  });

  it("every declared modulus is prime", () => {
    for (const [name, p] of fields) expect(isProbablePrime(p), name).toBe(true);
    expect(isProbablePrime(PALLAS_P * 3n)).toBe(false);
  });

  it("short names alias declared fields", () => {
    const { module } = parseStdlib("field/mod.cwl");
    const aliases = module.items.filter((i) => i.kind === "TypeAlias");
    expect(aliases.map((a) => a.kind === "TypeAlias" && a.name.name).sort()).toEqual(["babybear", "bls12_381", "bn254", "goldilocks", "pallas", "vesta"]);
    for (const a of aliases) {
      if (a.kind !== "TypeAlias" || a.type.kind !== "PathType") throw new Error("alias is not a path type");
      expect(fields.has(a.type.path.segments.at(-1)!.name.name)).toBe(true);
    }
  });
});

describe("std::field fields work end to end", () => {
  const fields = declaredFields();
  const aliases: Record<string, string> = { bn254: "Bn254Fr", bls12_381: "Bls12_381Fr", goldilocks: "Goldilocks", babybear: "BabyBear", pallas: "Pallas", vesta: "Vesta" };
  const src = [
    `use std::field::{${[...fields.keys(), ...Object.keys(aliases)].join(", ")}};`,
    ...[...fields.keys()].map((f) => `circuit Sq${f}(pub a: ${f}, priv b: ${f}) { assert_eq(a, b * b + 1, "square"); }`),
    ...Object.keys(aliases).map((a) => `circuit Alias_${a}(pub a: ${a}, priv b: ${aliases[a]}) { assert_eq(a, b); }`),
  ].join("\n");
  const c = compileTextOk("test/stdlib/fields_e2e.cwl", src);

  it("arithmetic wraps at each declared modulus: (p - 1)^2 + 1 = 2", () => {
    for (const [f, p] of fields) {
      const ok = c.runEntry(`Sq${f}`, { a: "2", b: (p - 1n).toString() });
      expect(c.render(ok.diagnostics), f).toBe("");
      const bad = c.runEntry(`Sq${f}`, { a: "1", b: (p - 1n).toString() });
      expect(bad.ok, f).toBe(false);
      expect(c.render(bad.diagnostics)).toContain("error[E0501]: square");
    }
  });

  it("short names are the same types as the declared fields", () => {
    for (const a of Object.keys(aliases)) expect(c.runEntry(`Alias_${a}`, { a: "5", b: "5" }).ok, a).toBe(true);
  });
});
