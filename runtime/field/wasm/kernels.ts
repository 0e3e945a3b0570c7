// WASM-backed VecKernels for the named fields (and any field the generic CIOS supports).
import type { PrimeField } from "../prime-field.ts";
import { setKernelProvider, type VecKernels } from "../field-vec.ts";
import { compileModule, WasmInstance, type CompiledModule, type PartBuilder } from "./module.ts";
import { fieldPart, hasWasmField } from "./field-wat.ts";
import { nttPart } from "./ntt-wat.ts";

/** The module parts of a field under the export prefix `f`: scalar and vector kernels, and the NTT kernels. */
export function fieldBuilders(field: PrimeField): PartBuilder[] {
  return [(alloc) => fieldPart("f", field, alloc), (alloc) => nttPart("f", field, alloc)];
}

/** The compiled module of a field (one per field and process; FieldVec kernels and the NTT engine share it). */
export function fieldModule(field: PrimeField): { module: CompiledModule; constEnd: number } {
  return compileModule(`field:${field.p}`, fieldBuilders(field));
}

/** A fresh WASM instance holding the field's kernels (prefix `f`). */
export function fieldInstance(field: PrimeField): WasmInstance {
  const { module, constEnd } = fieldModule(field);
  return new WasmInstance(module, constEnd);
}

export function wasmKernels(field: PrimeField): VecKernels {
  const w = fieldInstance(field);
  const L = field.limbs;
  const S = 4 * L;
  const f = w.exports;
  const zip = (fn: (o: number, a: number, b: number, n: number) => number) => (a: Uint32Array, b: Uint32Array, out: Uint32Array, n: number) => {
    w.reset();
    const pa = w.put(a.subarray(0, n * L));
    const pb = w.put(b.subarray(0, n * L));
    const po = w.alloc(n * S);
    fn(po, pa, pb, n);
    out.set(w.u32(po, n * L));
  };
  return {
    add: zip(f.f_vadd),
    sub: zip(f.f_vsub),
    mul: zip(f.f_vmul),
    scale(a, c, out, n) {
      w.reset();
      const pa = w.put(a.subarray(0, n * L));
      const pc = w.put(c.subarray(0, L));
      const po = w.alloc(n * S);
      f.f_vscale(po, pa, pc, n);
      out.set(w.u32(po, n * L));
    },
    batchInverse(a, out, n) {
      w.reset();
      const pa = w.put(a.subarray(0, n * L));
      const po = w.alloc(n * S);
      f.f_vbatchinv(po, pa, n);
      out.set(w.u32(po, n * L));
    },
    innerProduct(a, b, n) {
      w.reset();
      const pa = w.put(a.subarray(0, n * L));
      const pb = w.put(b.subarray(0, n * L));
      const po = w.alloc(S);
      f.f_vinner(po, pa, pb, n);
      return w.u32(po, L).slice();
    },
  };
}

let enabled = false;

/**
 * Switches FieldVec to the WASM kernels (the default; runtime/field/index.ts calls it on import). Each field's
 * module is generated on its first use: from the disk cache in milliseconds, else through binaryen (≈1–2 s once).
 * Fields the generator does not cover (top limb ≥ 2^31 − 1, other than Goldilocks) keep the BigInt kernels.
 */
export function enableFastField(on = true): void {
  enabled = on;
  setKernelProvider((F) => (enabled && hasWasmField(F) ? wasmKernels(F) : null));
}
