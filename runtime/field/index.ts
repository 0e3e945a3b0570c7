// Public face of runtime/field: prime fields (BigInt reference), the named fields of the project, and FieldVec,
// the packed Montgomery vector form of hot paths. FieldVec ops run on WASM kernels generated from the modulus
// (see spec/runtime.md); enableFastField(false) switches them back to the BigInt reference.
import { enableFastField } from "./wasm/kernels.ts";

export { PrimeField, type Progress } from "./prime-field.ts";
export {
  BN254_FR,
  BN254_FQ,
  BLS12_381_FR,
  PALLAS,
  VESTA,
  GOLDILOCKS,
  BABYBEAR,
  NAMED_FIELDS,
  fieldByName,
} from "./named.ts";
export { FieldVec, type VecKernels, kernelsFor, referenceKernels } from "./field-vec.ts";
export { montParams, readLimbs, writeLimbs, type MontParams } from "./limbs.ts";
export {
  type FieldLimbs,
  fieldLimbs,
  toLimbs,
  fromLimbs,
  toMontgomery,
  fromMontgomery,
  packMont,
  unpackMont,
  powExponent,
} from "./field-limbs.ts";
export { enableFastField, fieldInstance, fieldModule, wasmKernels } from "./wasm/kernels.ts";
export { isProbablePrime, modPow } from "./primality.ts";
// Building blocks for other WASM modules over these fields (runtime/curve composes its G1 module from them).
export { fieldPart, hasWasmField, bytesOfLimbs } from "./wasm/field-wat.ts";
export { nttPart } from "./wasm/ntt-wat.ts";
export { field29Part, field29Applies, bytes29, E29 } from "./wasm/field29-wat.ts";
export {
  compileModule,
  assembleWat,
  WasmInstance,
  type CompiledModule,
  type WasmMemory,
  type PartBuilder,
  type WatPart,
  type ConstAlloc,
} from "./wasm/module.ts";

enableFastField();
