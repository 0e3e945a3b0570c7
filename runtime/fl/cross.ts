// Two-party products X_Rᵀ·Y between a passive party's fixed matrix X (n × D, e.g. its feature columns
// or its bin indicators) and the active party's changing matrix Y (|R| × K, e.g. residuals or
// gradients of the rows R), with the result additively shared between the two, over Z_{2^k}.
// Beaver's method with one side masked once (as SecureML does for a data matrix reused over training):
//   setup   the dealer gives the passive party a seed of A (uniform, n × D); the passive party sends
//           E = X − A to the active party once (a one-time pad: E is uniform to it);
//   product the dealer gives the active party a seed of b (uniform, |R| × K) and c0, the passive party
//           a seed of c1, with c0 + c1 = A_Rᵀ·b; the active party sends F = Y − b (uniform to the
//           passive party); shares: active E_Rᵀ·Y + c0, passive A_Rᵀ·F + c1
//           (sum: (E + A)_Rᵀ·Y − A_Rᵀ·b + A_Rᵀ·b = X_Rᵀ·Y).
// The dealer only sends (seeds and c0); it never sees X, E, Y or F. Products are grouped in blocks
// whose shares are only used summed, so the dealer sends one c0 per block.
import { randomBytes } from "node:crypto";
import { Prg } from "../mpc/spdz2k/ring.ts";
import * as ring from "./ring.ts";
import type { RingBits } from "./ring.ts";

/** The shape of one product: rows R of X (indices into 0..n−1) and K columns of Y. */
export interface ProductShape {
  rows: ArrayLike<number>;
  K: number;
}

/** What the dealer hands each side, per passive party. */
export interface PassiveSeeds {
  a: Uint8Array;
  c: Uint8Array;
}
export interface ActiveSeeds {
  b: Uint8Array;
}

export function dealSeeds(): { passive: PassiveSeeds; active: ActiveSeeds } {
  return { passive: { a: randomBytes(16), c: randomBytes(16) }, active: { b: randomBytes(16) } };
}

/** The passive side: holds X's mask A and accumulates its share of the current block. */
export class CrossPassive {
  readonly A: Uint32Array;
  private readonly prgC: Prg;
  private acc?: Uint32Array;
  constructor(
    readonly k: RingBits,
    readonly n: number,
    readonly D: number,
    seeds: PassiveSeeds,
  ) {
    ring.checkBits(k);
    this.A = ring.random(k, n * D, new Prg(seeds.a));
    this.prgC = new Prg(seeds.c);
  }

  /** E = X − A (X as ring elements, n × D): the one message of the setup. */
  masked(X: Uint32Array): Uint32Array {
    return ring.addSub(this.k, X, this.A, -1);
  }

  /** Adds A_Rᵀ·F + c1 to this block's share. */
  product(shape: ProductShape, F: Uint32Array): void {
    const s = ring.matTmul(this.k, this.A, this.D, shape.rows, F, shape.K);
    const c1 = ring.random(this.k, this.D * shape.K, this.prgC);
    const share = ring.addSub(this.k, s, c1, 1);
    this.acc = this.acc ? ring.addSub(this.k, this.acc, share, 1) : share;
  }

  /** This block's share (D × K), and a fresh block. */
  take(): Uint32Array {
    const s = this.acc ?? ring.zeros(this.k, 0);
    this.acc = undefined;
    return s;
  }
}

/** The active side: holds E and accumulates its share of the current block. */
export class CrossActive {
  private readonly prgB: Prg;
  private acc?: Uint32Array;
  constructor(
    readonly k: RingBits,
    readonly D: number,
    readonly E: Uint32Array,
    seeds: ActiveSeeds,
  ) {
    this.prgB = new Prg(seeds.b);
  }

  /** F = Y − b to send to the passive party; adds E_Rᵀ·Y to this block's share. */
  product(shape: ProductShape, Y: Uint32Array): Uint32Array {
    const b = ring.random(this.k, shape.rows.length * shape.K, this.prgB);
    const s = ring.matTmul(this.k, this.E, this.D, shape.rows, Y, shape.K);
    this.acc = this.acc ? ring.addSub(this.k, this.acc, s, 1) : s;
    return ring.addSub(this.k, Y, b, -1);
  }

  /** This block's share (D × K) with the dealer's c0 of the block added, and a fresh block. */
  take(c0: Uint32Array): Uint32Array {
    const s = this.acc ? ring.addSub(this.k, this.acc, c0, 1) : c0;
    this.acc = undefined;
    return s;
  }
}

/** The dealer's c0 of one block of products: Σ A_Rᵀ·b − c1 (it replays the seeds' streams). */
export class CrossDealer {
  readonly A: Uint32Array;
  private readonly prgB: Prg;
  private readonly prgC: Prg;
  constructor(
    readonly k: RingBits,
    readonly n: number,
    readonly D: number,
    seeds: { passive: PassiveSeeds; active: ActiveSeeds },
  ) {
    this.A = ring.random(k, n * D, new Prg(seeds.passive.a));
    this.prgB = new Prg(seeds.active.b);
    this.prgC = new Prg(seeds.passive.c);
  }

  block(shapes: readonly ProductShape[]): Uint32Array {
    let acc: Uint32Array | undefined;
    for (const sh of shapes) {
      const b = ring.random(this.k, sh.rows.length * sh.K, this.prgB);
      const c1 = ring.random(this.k, this.D * sh.K, this.prgC);
      const c0 = ring.addSub(this.k, ring.matTmul(this.k, this.A, this.D, sh.rows, b, sh.K), c1, -1);
      acc = acc ? ring.addSub(this.k, acc, c0, 1) : c0;
    }
    return acc ?? ring.zeros(this.k, 0);
  }
}
