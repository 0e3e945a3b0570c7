// KOS: IKNP correlated OT extension (Ishai, Kilian, Nissim, Petrank 2003) with a consistency check
// against a malicious receiver (Keller, Orsini, Scholl, CRYPTO 2015). It is the k = 1 case of the
// small-field VOLE extension (extension.ts): two seeds per column from the base OTs, the receiver
// sends 128 bits per OT. Its check is the column-wise universal hash that SoftSpokenOT's proof
// covers (Roy, CRYPTO 2022), not the row-wise GF(2^128) combination of the KOS paper, whose proof
// Roy showed to be incomplete.
import { subspaceVoleExtension } from "./extension.ts";

export { KAPPA, type CotReceiver, type CotSender, type OtExtension, type ReceiverOptions } from "./extension.ts";

export const KOS = subspaceVoleExtension(1, "KOS");
