// Correlated randomness for the online phase, behind one interface so that the INSECURE dealer (for
// testing the online phase, like MP-SPDZ's fake offline phase) and OT-based generation are
// interchangeable. Every share carries its MAC share: Σ m_i = α · Σ x_i mod 2^128, α = Σ α_i.
import { Prg, mod } from "./ring.ts";

/** One party's additive share of x ∈ Z_2^128 and of its MAC α·x. */
export interface Share {
  v: bigint;
  m: bigint;
}

export interface Triple {
  a: Share;
  b: Share;
  c: Share;
}

/** A matrix triple: A (m×n), B (n×k), C = A·B (m×k), row-major. */
export interface MatrixTriple {
  a: Share[];
  b: Share[];
  c: Share[];
  /** Names A for reuse by a later `matrixTriple` call. */
  id?: number;
}

/**
 * A truncation pair for f bits (SPDZ2k probabilistic truncation): r uniform in Z_2^64 (as a share
 * whose value is exactly r), rTop = (r mod 2^63) >> f and msb = bit 63 of r, all shared.
 */
export interface TruncPair {
  r: Share;
  rTop: Share;
  msb: Share;
}

/** Two triples with the same b, the second to be sacrificed to check the first. */
export interface TriplePair extends Triple {
  a2: Share;
  c2: Share;
}

/**
 * Every party calls the same methods in the same order (the protocol is deterministic), so a
 * preprocessing that talks to the others (OT-based) can answer each call with a round of its own.
 */
export interface Preprocessing {
  /** This party's share of the MAC key (in Z_2^64). */
  readonly alphaShare: bigint;
  triples(n: number): Triple[] | Promise<Triple[]>;
  /** When present, triples come in pairs the online phase sacrifices (`triples` is then unused). */
  triplePairs?(n: number): Promise<TriplePair[]>;
  /** Random shared values (uniform in Z_2^128), e.g. the masks of the MAC check. */
  randoms(n: number): Share[] | Promise<Share[]>;
  /** Masks for `n` inputs of `owner`: the owner also gets the clear values. */
  inputMasks(owner: number, n: number): { shares: Share[]; values?: bigint[] } | Promise<{ shares: Share[]; values?: bigint[] }>;
  /**
   * A matrix triple for an m×n by n×k product, when the preprocessing makes them. With `reuse`, the
   * A of an earlier triple (the one that returned that `id`), or its transpose, is used again with a
   * fresh B, so a matrix masked once (X − A opened) needs no second opening.
   */
  matrixTriple?(m: number, n: number, k: number, reuse?: { id: number; transposed: boolean }): MatrixTriple | Promise<MatrixTriple>;
  /** Random shared bits (values 0 or 1), when the preprocessing makes them. */
  bits?(n: number): Share[] | Promise<Share[]>;
  /** Truncation pairs for f bits, when the preprocessing makes them. */
  truncPairs?(n: number, f: number): TruncPair[] | Promise<TruncPair[]>;
  /** What was handed out so far (reports). */
  readonly used: { triples: number; randoms: number; inputMasks: number };
}

/**
 * INSECURE: every party runs the same dealer from one public seed and keeps its own shares; every
 * party can recompute every other party's shares, the MAC key and all masks. It exists so that the
 * online phase can be run and tested before (and independently of) a real offline phase.
 */
export class InsecureDealer implements Preprocessing {
  readonly alphaShare: bigint;
  private readonly alpha: bigint;
  private readonly prg: Prg;
  readonly used = { triples: 0, randoms: 0, inputMasks: 0 };

  constructor(
    readonly party: number,
    readonly parties: number,
    seed: Uint8Array,
  ) {
    this.prg = new Prg(seed);
    const alphas = Array.from({ length: parties }, () => this.prg.u64());
    this.alphaShare = alphas[party];
    // α_i ∈ Z_2^64, α = Σ α_i taken in Z_2^128 (not reduced mod 2^64), so that Σ α_i·c = α·c there.
    this.alpha = mod(alphas.reduce((a, b) => a + b, 0n));
  }

  /** Shares of x and of α·x; only this party's pair is kept (the others' are drawn and dropped). */
  private share(x: bigint): Share {
    let v = 0n;
    let m = 0n;
    let sv = 0n;
    let sm = 0n;
    for (let i = 0; i < this.parties - 1; i++) {
      const rv = this.prg.u128();
      const rm = this.prg.u128();
      sv += rv;
      sm += rm;
      if (i === this.party) [v, m] = [rv, rm];
    }
    if (this.party === this.parties - 1) [v, m] = [mod(x - sv), mod(this.alpha * x - sm)];
    return { v, m };
  }

  triples(n: number): Triple[] {
    this.used.triples += n;
    return Array.from({ length: n }, () => {
      const a = this.prg.u128();
      const b = this.prg.u128();
      return { a: this.share(a), b: this.share(b), c: this.share(mod(a * b)) };
    });
  }

  private readonly masks: { A: bigint[]; shares: Share[]; m: number; n: number }[] = [];

  matrixTriple(m: number, n: number, k: number, reuse?: { id: number; transposed: boolean }): MatrixTriple {
    this.used.triples++;
    let A: bigint[];
    let a: Share[];
    let id: number;
    if (reuse) {
      const kept = this.masks[reuse.id];
      const [rows, cols] = reuse.transposed ? [n, m] : [m, n];
      if (!kept || kept.m !== rows || kept.n !== cols) throw new Error(`matrixTriple: no ${rows}×${cols} mask #${reuse.id} to reuse`);
      const T = <X>(xs: X[]): X[] => (reuse.transposed ? Array.from({ length: m * n }, (_, i) => xs[(i % rows) * cols + Math.floor(i / rows)]) : xs);
      [A, a, id] = [T(kept.A), T(kept.shares), reuse.id];
    } else {
      A = Array.from({ length: m * n }, () => this.prg.u128());
      a = A.map((x) => this.share(x));
      id = this.masks.push({ A, shares: a, m, n }) - 1;
    }
    const B = Array.from({ length: n * k }, () => this.prg.u128());
    const C = matmulClear(A, B, m, n, k);
    return { a, b: B.map((x) => this.share(x)), c: C.map((x) => this.share(x)), id };
  }

  bits(n: number): Share[] {
    this.used.randoms += n;
    return Array.from({ length: n }, () => this.share(this.prg.u64() & 1n));
  }

  truncPairs(n: number, f: number): TruncPair[] {
    this.used.randoms += n;
    return Array.from({ length: n }, () => {
      const r = this.prg.u64();
      return { r: this.share(r), rTop: this.share((r & ((1n << 63n) - 1n)) >> BigInt(f)), msb: this.share(r >> 63n) };
    });
  }

  randoms(n: number): Share[] {
    this.used.randoms += n;
    return Array.from({ length: n }, () => this.share(this.prg.u128()));
  }

  inputMasks(owner: number, n: number): { shares: Share[]; values?: bigint[] } {
    this.used.inputMasks += n;
    const values: bigint[] = [];
    const shares = Array.from({ length: n }, () => {
      const r = this.prg.u128();
      values.push(r);
      return this.share(r);
    });
    return owner === this.party ? { shares, values } : { shares };
  }
}

/** X·Y mod 2^128 for row-major X (m×n) and Y (n×k). */
export function matmulClear(X: readonly bigint[], Y: readonly bigint[], m: number, n: number, k: number): bigint[] {
  const out = new Array<bigint>(m * k).fill(0n);
  for (let i = 0; i < m; i++)
    for (let l = 0; l < n; l++) {
      const x = X[i * n + l];
      if (x === 0n) continue;
      for (let j = 0; j < k; j++) out[i * k + j] += x * Y[l * k + j];
    }
  return out.map(mod);
}
