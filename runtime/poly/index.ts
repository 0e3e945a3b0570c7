// Polynomials over BN254 Fr: field helpers, FFT domains (row domain and extended coset).
export * as fr from "./fr.ts";
export { Domain, fft, evalPoly, divideByLinear } from "./domain.ts";
