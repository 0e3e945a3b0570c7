// The `--field` table against outside references: @noble/curves for BN254 and BLS12-381, the
// published Pasta moduli (2^254 + c), Goldilocks 2^64 − 2^32 + 1 and BabyBear 15·2^27 + 1.
import { bls12_381_Fr } from "@noble/curves/bls12-381.js";
import { bn254, bn254_Fr } from "@noble/curves/bn254.js";
import { describe, expect, it } from "vitest";
import { KNOWN_FIELDS } from "../../compiler/sema/index.ts";
import { isProbablePrime } from "../../compiler/sema/fields.ts";

describe("known fields", () => {
  it("match outside references", () => {
    expect(KNOWN_FIELDS.bn254.modulus).toBe(bn254_Fr.ORDER);
    expect(KNOWN_FIELDS.bn254_fq.modulus).toBe(bn254.fields.Fp.ORDER);
    expect(KNOWN_FIELDS.bls12_381.modulus).toBe(bls12_381_Fr.ORDER);
    expect(KNOWN_FIELDS.pallas.modulus).toBe(2n ** 254n + 45560315531419706090280762371685220353n);
    expect(KNOWN_FIELDS.vesta.modulus).toBe(2n ** 254n + 45560315531506369815346746415080538113n);
    expect(KNOWN_FIELDS.goldilocks.modulus).toBe(18446744069414584321n);
    expect(KNOWN_FIELDS.babybear.modulus).toBe(15n * 2n ** 27n + 1n);
  });
  it("primality test accepts every known modulus and rejects composites", () => {
    for (const f of Object.values(KNOWN_FIELDS)) expect(isProbablePrime(f.modulus)).toBe(true);
    for (const n of [0n, 1n, 15n, 561n, 3215031751n, KNOWN_FIELDS.bn254.modulus * 3n, (1n << 64n) + 1n])
      expect(isProbablePrime(n)).toBe(false);
  });
});
