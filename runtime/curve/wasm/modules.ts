// The compiled module the MSM uses: "bn254-g1": Fq and Fr (8 × 32-bit limbs) with G1 over them (g1_*), Fq in
// 9 × 29-bit limbs with G1 over it (h1_*: the MSM's bucket arithmetic), and the GLV split and endomorphism.
// NTT runs on the field modules (fieldModule).
import { BN254_FQ, BN254_FR, compileModule, E29, field29Part, fieldModule, fieldPart, WasmInstance, type CompiledModule, type PrimeField } from "../../field/index.ts";
import { g1Part } from "./g1-wat.ts";
import { glvPart } from "./glv-wat.ts";

export function bn254Module(): { module: CompiledModule; constEnd: number } {
  return compileModule("bn254-g1", [
    (a) => fieldPart("fq", BN254_FQ, a),
    (a) => fieldPart("fr", BN254_FR, a),
    (a) => g1Part(a),
    (a) => field29Part("fq29", BN254_FQ, a),
    (a) => g1Part(a, { field: "fq29", prefix: "h1", elementBytes: E29, lazySub: true }),
    (a) => glvPart(a, "fq", { name: "h1_endo", field: "fq29" }),
  ]);
}

export function bn254Instance(): WasmInstance {
  const { module, constEnd } = bn254Module();
  return new WasmInstance(module, constEnd);
}

/** The module holding a field's NTT kernels (the field's own module). */
export function nttModule(field: PrimeField): { module: CompiledModule; constEnd: number } {
  return fieldModule(field);
}
