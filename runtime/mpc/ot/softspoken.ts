// SoftSpokenOT (Roy, CRYPTO 2022): the small-field VOLE extension (extension.ts) with k > 1, so the
// receiver sends 128/k bits per OT instead of IKNP's 128, for 2^k/k times the PRG work. k = 4 is
// the default here, chosen by measurement (spec/mpc.md: bits per OT and OTs per second for k = 1, 2,
// 4, 8 in bench/results/mpc.json).
import { subspaceVoleExtension, type OtExtension } from "./extension.ts";

export const softSpoken = (k: number): OtExtension => subspaceVoleExtension(k, `SoftSpoken k=${k}`);

export const SOFTSPOKEN = softSpoken(4);
