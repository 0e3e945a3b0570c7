// Fiat–Shamir transcript over BLAKE2b-512 (node:crypto). A running hash absorbs every prover message
// (with a one-byte tag per kind); a challenge is the 512-bit digest of a copy of the state plus a
// squeeze tag, reduced mod r (bias < 2^-250), and that digest is absorbed back so that consecutive
// challenges differ. Prover and verifier drive identical transcripts.
import { createHash, type Hash } from "node:crypto";
import { R, fromBytesBE, toBytesBE } from "../poly/fr.ts";
import { type G1, encodeG1 } from "./kzg.ts";

const TAG_POINT = 1;
const TAG_SCALAR = 2;
const TAG_BYTES = 3;
const TAG_SQUEEZE = 4;

export class Transcript {
  private h: Hash;
  constructor(domainSeparator: string) {
    this.h = createHash("blake2b512");
    this.absorbBytes(new TextEncoder().encode(domainSeparator));
  }

  absorbBytes(b: Uint8Array): void {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length);
    this.h.update(Uint8Array.of(TAG_BYTES));
    this.h.update(len);
    this.h.update(b);
  }

  absorbPoint(p: G1): void {
    this.h.update(Uint8Array.of(TAG_POINT));
    this.h.update(encodeG1(p));
  }

  absorbScalar(s: bigint): void {
    this.h.update(Uint8Array.of(TAG_SCALAR));
    this.h.update(toBytesBE(s));
  }

  challenge(): bigint {
    const d = this.h.copy().update(Uint8Array.of(TAG_SQUEEZE)).digest();
    this.h.update(Uint8Array.of(TAG_SQUEEZE));
    this.h.update(d);
    return fromBytesBE(d) % R;
  }
}
