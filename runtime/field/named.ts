// The fields the project names. Moduli are cross-checked against @noble/curves in test/runtime/field.
import { PrimeField } from "./prime-field.ts";

/** BN254 (alt_bn128) scalar field r — the circuit field of snarkjs/circom and Ethereum precompiles. */
export const BN254_FR = new PrimeField(
  21888242871839275222246405745257275088548364400416034343698204186575808495617n,
  "bn254_fr",
);
/** BN254 base field q (G1 coordinates). */
export const BN254_FQ = new PrimeField(
  21888242871839275222246405745257275088696311157297823662689037894645226208583n,
  "bn254_fq",
);
/** BLS12-381 scalar field r. */
export const BLS12_381_FR = new PrimeField(
  0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n,
  "bls12_381_fr",
);
/** Pallas base field (= Vesta scalar field). */
export const PALLAS = new PrimeField(0x40000000000000000000000000000000224698fc094cf91b992d30ed00000001n, "pallas");
/** Vesta base field (= Pallas scalar field). */
export const VESTA = new PrimeField(0x40000000000000000000000000000000224698fc0994a8dd8c46eb2100000001n, "vesta");
/** Goldilocks 2^64 − 2^32 + 1. */
export const GOLDILOCKS = new PrimeField((1n << 64n) - (1n << 32n) + 1n, "goldilocks");
/** BabyBear 2^31 − 2^27 + 1 = 15·2^27 + 1. */
export const BABYBEAR = new PrimeField((1n << 31n) - (1n << 27n) + 1n, "babybear");

export const NAMED_FIELDS: Readonly<Record<string, PrimeField>> = Object.freeze({
  bn254_fr: BN254_FR,
  bn254_fq: BN254_FQ,
  bls12_381_fr: BLS12_381_FR,
  pallas: PALLAS,
  vesta: VESTA,
  goldilocks: GOLDILOCKS,
  babybear: BABYBEAR,
});

const ALIASES: Readonly<Record<string, string>> = {
  bn254: "bn254_fr",
  bn128: "bn254_fr",
  alt_bn128: "bn254_fr",
  bls12_381: "bls12_381_fr",
  pasta_fp: "pallas",
  pasta_fq: "vesta",
  baby_bear: "babybear",
};

/** Looks a field up by name (case-insensitive, `-` and `_` equivalent, a few common aliases); undefined if unknown. */
export function fieldByName(name: string): PrimeField | undefined {
  const key = name.toLowerCase().replace(/-/g, "_");
  return NAMED_FIELDS[key] ?? NAMED_FIELDS[ALIASES[key] ?? ""];
}
