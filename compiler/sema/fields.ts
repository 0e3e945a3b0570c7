// Well-known prime fields. `--field NAME` picks one; a `field X = 0x...;` declaration with one of these
// moduli gets the canonical CWIR name, so std::field's Bn254Fr and a user's copy lower to the same
// `!f<bn254_fr>`. Values cross-checked against @noble/curves in test/sema/fields.test.ts.
import type { FieldInfo } from "./types.ts";
import { isProbablePrime as millerRabinPrime } from "../../runtime/field/index.ts";

export const KNOWN_FIELDS: Record<string, { ir: string; decl: string; modulus: bigint }> = {
  bn254: { ir: "bn254_fr", decl: "Bn254Fr", modulus: 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n },
  bn254_fq: { ir: "bn254_fq", decl: "Bn254Fq", modulus: 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n },
  bls12_381: { ir: "bls12_381_fr", decl: "Bls12_381Fr", modulus: 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n },
  goldilocks: { ir: "goldilocks", decl: "Goldilocks", modulus: (1n << 64n) - (1n << 32n) + 1n },
  babybear: { ir: "babybear", decl: "BabyBear", modulus: (1n << 31n) - (1n << 27n) + 1n },
  // Pasta: `pallas` is the base field of the Pallas curve (= Vesta's scalar field), `vesta` the converse.
  pallas: { ir: "pallas", decl: "Pallas", modulus: 0x40000000000000000000000000000000224698fc094cf91b992d30ed00000001n },
  vesta: { ir: "vesta", decl: "Vesta", modulus: 0x40000000000000000000000000000000224698fc0994a8dd8c46eb2100000001n },
};

/** Names accepted by `--field`. */
export const FIELD_CHOICES = ["bn254", "bls12_381", "goldilocks", "babybear", "pallas", "vesta"] as const;
export type FieldChoice = (typeof FIELD_CHOICES)[number];

export function knownByModulus(modulus: bigint): { ir: string; decl: string } | undefined {
  for (const v of Object.values(KNOWN_FIELDS)) if (v.modulus === modulus) return v;
  return undefined;
}

/** CWIR name for a declared field: canonical for well-known moduli, else the snake_cased declaration name. */
export function fieldInfo(declName: string, modulus: bigint): FieldInfo {
  const known = knownByModulus(modulus);
  const ir = known ? known.ir : declName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return { name: declName, ir, modulus };
}

/** Declared moduli are checked with runtime/field's Miller–Rabin (the IR verifier uses the same one). */
export function isProbablePrime(n: bigint): boolean {
  return knownByModulus(n) !== undefined || millerRabinPrime(n);
}
