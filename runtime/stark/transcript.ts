// The Fiat–Shamir transcript (challenger): a SHA-256 hash chain. Everything the prover sends is observed
// before any challenge that depends on it is drawn; each draw hashes the running state with the bytes
// observed since the last draw. One draw gives 32 bytes: four 64-bit words reduced mod p (bias ≤ 2^-33
// each) make one extension element. Proof-of-work grinding asks for a nonce whose hash with the state
// starts with `bits` zero bits, making each retry of the query phase cost 2^bits hashes.
import { P, mul, type Ext } from "./field.ts";
import { hash } from "node:crypto";
import { sha256 } from "./merkle.ts";

const TWO32 = 4294967296 % P;

export class Transcript {
  private state: Uint8Array;
  private pending: number[] = [];

  constructor(domain: string) {
    this.state = sha256(new TextEncoder().encode(`cwl-stark/babybear/sha256 ${domain}`));
  }

  observeBytes(b: Uint8Array): void {
    for (const x of b) this.pending.push(x);
  }

  observeU32s(xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      this.pending.push(x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24);
    }
  }

  observeExt(e: Ext): void {
    this.observeU32s(e);
  }

  private squeeze(): Uint8Array {
    const buf = new Uint8Array(32 + this.pending.length + 1);
    buf.set(this.state, 0);
    buf.set(this.pending, 32);
    buf[buf.length - 1] = 0xff;
    this.pending = [];
    this.state = sha256(buf);
    return this.state;
  }

  sampleExt(): Ext {
    const d = new DataView(this.squeeze().buffer);
    const out: number[] = [];
    for (let k = 0; k < 4; k++) {
      const lo = d.getUint32(8 * k, true);
      const hi = d.getUint32(8 * k + 4, true);
      out.push((mul(hi % P, TWO32) + (lo % P)) % P);
    }
    return out as Ext;
  }

  sampleBase(): number {
    return this.sampleExt()[0];
  }

  /** A uniform integer in [0, 2^bits), bits ≤ 32. */
  sampleBits(bits: number): number {
    const d = new DataView(this.squeeze().buffer);
    return bits === 0 ? 0 : d.getUint32(0, true) >>> (32 - bits);
  }

  /** The buffer hashed for a proof-of-work nonce: state, pending bytes, the nonce (little-endian), a tag. */
  private powBuffer(): { buf: Uint8Array; view: DataView; at: number } {
    const buf = new Uint8Array(32 + this.pending.length + 5);
    buf.set(this.state, 0);
    buf.set(this.pending, 32);
    buf[buf.length - 1] = 0x70;
    return { buf, view: new DataView(buf.buffer), at: buf.length - 5 };
  }

  /** Finds a nonce with `bits` leading zero bits and observes it. */
  grind(bits: number): number {
    const { buf, view, at } = this.powBuffer();
    for (let nonce = 0; nonce < 2 ** 32; nonce++) {
      view.setUint32(at, nonce, true);
      if (leadingZeros(hash("sha256", buf, "buffer")) >= bits) {
        this.observeU32s([nonce]);
        return nonce;
      }
    }
    throw new Error(`no proof-of-work nonce for ${bits} bits`);
  }

  /** Checks the prover's nonce and observes it. */
  checkGrind(bits: number, nonce: number): boolean {
    const { buf, view, at } = this.powBuffer();
    view.setUint32(at, nonce >>> 0, true);
    const ok = Number.isInteger(nonce) && nonce >= 0 && nonce < 2 ** 32 && leadingZeros(hash("sha256", buf, "buffer")) >= bits;
    this.observeU32s([nonce]);
    return ok;
  }
}

function leadingZeros(d: Uint8Array): number {
  let n = 0;
  for (const b of d) {
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}
