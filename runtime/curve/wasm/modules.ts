// The compiled module the MSM uses: "bn254-g1" (Fq, Fr, G1). NTT runs on the field modules (fieldModule).
import { BN254_FQ, BN254_FR, compileModule, fieldModule, fieldPart, WasmInstance, type CompiledModule, type PrimeField } from "../../field/index.ts";
import { g1Part } from "./g1-wat.ts";
import { glvPart } from "./glv-wat.ts";

export function bn254Module(): { module: CompiledModule; constEnd: number } {
  return compileModule("bn254-g1", [(a) => fieldPart("fq", BN254_FQ, a), (a) => fieldPart("fr", BN254_FR, a), (a) => g1Part(a), (a) => glvPart(a)]);
}

export function bn254Instance(): WasmInstance {
  const { module, constEnd } = bn254Module();
  return new WasmInstance(module, constEnd);
}

/** The module holding a field's NTT kernels (the field's own module). */
export function nttModule(field: PrimeField): { module: CompiledModule; constEnd: number } {
  return fieldModule(field);
}
