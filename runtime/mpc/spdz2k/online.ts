// The SPDZ2k online phase (Cramer, Damgård, Escudero, Scholl, Xing, CRYPTO 2018) for k = s = 64:
// values in Z_2^64, shares and MACs in Z_2^128. Linear operations are local; a batch of openings is
// one round in which every party broadcasts the low 64 bits of its shares; products use Beaver
// triples and open all their masked operands in one batch. Every opened value is remembered and the
// batch is MAC-checked before anything is revealed as an output (and at the end):
//
//   1. a joint random χ ∈ (Z_2^64)^t, from seeds committed and then opened (so nobody picks them);
//   2. y = Σ χ_j·x_j from the opened x_j (public), [y'] = Σ χ_j·[x_j], masked as
//      [w] = [y'] − y + 2^64·[r] with a fresh random [r]; w is opened in full (128 bits): its low 64
//      bits must be 0 (the openings agreed with the shares), its high bits are hidden by r;
//   3. z_i = m_i(w) − α_i·w, committed, then opened; Σ z_i must be 0 mod 2^128.
//
// The commitments of step 3 also carry a hash of every input broadcast the party received, so an
// input owner who sent different values to different parties is caught in the same check. Any
// failure aborts every party (the transport forwards the abort) with the step that failed.
//
// Beyond products: matrix products with matrix triples (a matrix opened once is reused), random
// bits, probabilistic truncation for fixed point and exact comparison, each described at its method.
import { createHash, randomBytes } from "node:crypto";
import { MpcError, type PartyNet } from "../net/index.ts";
import { matmulClear, type Preprocessing, type Share, type Triple, type TruncPair } from "./preprocessing.ts";
import { K, MASK_K, Prg, TWO_K, commit, mod, modK, openCommitment, packWords, unpackWords } from "./ring.ts";

/**
 * How a party deviates (tests and `--cheat`): a wrong share in an opening, a wrong MAC in the check,
 * or (with OT-based preprocessing, applied there) an inconsistent OT-extension input or an
 * inconsistent value in the MAC generation (COPEe).
 */
export type Cheat = "share" | "mac" | "ot" | "mac-input";

interface Opened {
  share: Share;
  value: bigint;
  step: string;
}

export class Spdz2kParty {
  private pending: Opened[] = [];
  private broadcastLog = createHash("sha256");
  private cheated = false;
  /** Counts for the report. */
  readonly counts = { opened: 0, checks: 0, multiplications: 0, inputs: 0 };

  constructor(
    readonly net: PartyNet,
    readonly prep: Preprocessing,
    readonly cheat?: Cheat,
  ) {}

  get party(): number {
    return this.net.party;
  }

  // --- local operations --------------------------------------------------------------------------

  add(a: Share, b: Share): Share {
    return { v: mod(a.v + b.v), m: mod(a.m + b.m) };
  }
  sub(a: Share, b: Share): Share {
    return { v: mod(a.v - b.v), m: mod(a.m - b.m) };
  }
  neg(a: Share): Share {
    return { v: mod(-a.v), m: mod(-a.m) };
  }
  mulConst(a: Share, c: bigint): Share {
    return { v: mod(a.v * c), m: mod(a.m * c) };
  }
  /** a + c for a public c: party 0 adds it to its share, everyone adds α_i·c to the MAC share. */
  addConst(a: Share, c: bigint): Share {
    return { v: mod(a.v + (this.party === 0 ? c : 0n)), m: mod(a.m + this.prep.alphaShare * c) };
  }
  /** A public constant as a share. */
  constant(c: bigint): Share {
    return this.addConst({ v: 0n, m: 0n }, c);
  }

  // --- interactive operations --------------------------------------------------------------------

  /**
   * Secret inputs of `owner` (`values` given on the owner only, `count` everywhere): the owner
   * broadcasts x − r for a mask r only it knows. One round.
   */
  async input(owner: number, count: number, values?: readonly bigint[]): Promise<Share[]> {
    const { shares, values: masks } = await this.prep.inputMasks(owner, count);
    let eps: bigint[];
    if (owner === this.party) {
      if (!values || values.length !== count) throw new MpcError(`party ${owner} has ${values?.length ?? 0} input values, the protocol expects ${count}`, owner, this.net.phase);
      eps = values.map((x, i) => mod(x - masks![i]));
      this.net.broadcast(packWords(eps, 16));
    } else {
      eps = this.decode(await this.net.recv(owner), 16, count, owner, "input");
    }
    this.broadcastLog.update(packWords(eps, 16));
    this.counts.inputs += count;
    return shares.map((r, i) => this.addConst(r, eps[i]));
  }

  /** Opens a batch (values in Z_2^64) in one round; the values are MAC-checked later (`check`). */
  async open(xs: readonly Share[], step = this.net.phase): Promise<bigint[]> {
    if (xs.length === 0) return [];
    const mine = xs.map((x) => modK(x.v));
    if (this.cheat === "share" && !this.cheated) {
      mine[0] = modK(mine[0] + 1n); // an additive error on one opened share
      this.cheated = true;
    }
    const all = await this.net.exchange(packWords(mine, 8));
    const sums = new Array<bigint>(xs.length).fill(0n);
    for (let j = 0; j < all.length; j++) {
      const words = j === this.party ? mine : this.decode(all[j], 8, xs.length, j, "open");
      for (let i = 0; i < xs.length; i++) sums[i] += words[i];
    }
    const values = sums.map(modK);
    for (let i = 0; i < xs.length; i++) this.pending.push({ share: xs[i], value: values[i], step });
    this.counts.opened += xs.length;
    return values;
  }

  /** Element-wise products with Beaver triples: x − a and y − b of every pair opened in one round. */
  async mul(xs: readonly Share[], ys: readonly Share[]): Promise<Share[]> {
    if (xs.length !== ys.length) throw new Error(`mul: ${xs.length} left operands, ${ys.length} right`);
    const t = await this.getTriples(xs.length);
    const opened = await this.open([...xs.map((x, i) => this.sub(x, t[i].a)), ...ys.map((y, i) => this.sub(y, t[i].b))], `${this.net.phase}: multiply`);
    this.counts.multiplications += xs.length;
    return t.map(({ a, b, c }, i) => {
      const e = opened[i];
      const d = opened[xs.length + i];
      // x·y = c + e·b + d·a + e·d, with e = x − a and d = y − b.
      return this.addConst(this.add(this.add(c, this.mulConst(b, e)), this.mulConst(a, d)), mod(e * d));
    });
  }

  /**
   * Triples from the preprocessing; pairs (a, b, c), (a2, b, c2) are sacrificed: with a joint random
   * t ∈ Z_2^64 per pair, ρ = t·a − a2 is opened in full (128 bits; a2 is uniform in Z_2^128 and used
   * only here, so ρ hides a), and z = t·c − c2 − ρ·b must be 0 in Z_2^128. z is not opened: every
   * party commits to its MAC share of z, then opens, and the MAC shares must add up to α·0 = 0.
   * Checking in Z_2^128 rather than on the 64 bits that values use is what SPDZ2k's s extra bits are
   * for: an error δ of c in bit 63 only (2^63) would give z = t·δ ≡ 0 mod 2^64 for every even t and
   * pass half the time, while here it passes only if the cheater guesses α·z, about 2^−(64 − log 64).
   */
  private async getTriples(n: number): Promise<Triple[]> {
    if (!this.prep.triplePairs) return this.prep.triples(n);
    const phase = this.net.phase;
    const pairs = await this.prep.triplePairs(n);
    this.net.phase = "sacrifice";
    const [seed] = await this.commitThenOpenAll(randomBytes(16), "the sacrifice's random factors");
    const prg = new Prg(seed);
    const ts = pairs.map(() => prg.u64());
    const rhoShares = pairs.map((p, k) => mod(ts[k] * p.a.v - p.a2.v));
    const all = await this.net.exchange(packWords(rhoShares, 16));
    const rho = new Array<bigint>(n).fill(0n);
    for (let j = 0; j < all.length; j++) this.decode(all[j], 16, n, j, "sacrifice").forEach((r, k) => (rho[k] += r));
    const zMacs = pairs.map((p, k) => mod(ts[k] * p.c.m - p.c2.m - mod(rho[k]) * p.b.m));
    const opened = await this.commitThenOpen(packWords(zMacs, 16), "the sacrifice's MAC values");
    const sums = new Array<bigint>(n).fill(0n);
    for (let j = 0; j < opened.length; j++) this.decode(opened[j], 16, n, j, "sacrifice").forEach((z, k) => (sums[k] += z));
    const bad = sums.findIndex((z) => mod(z) !== 0n);
    if (bad >= 0) throw this.net.abort(`sacrifice failed: triple ${bad} of ${n} is not a product (a party cheated in the offline phase)`, "sacrifice");
    this.net.phase = phase;
    return pairs.map(({ a, b, c }) => ({ a, b, c }));
  }

  /** Commit-then-open of one value per party, hashed together (a joint coin). */
  private async commitThenOpenAll(mine: Buffer, what: string): Promise<[Buffer]> {
    const all = await this.commitThenOpen(mine, what);
    return [createHash("sha256").update(Buffer.concat(all)).digest()];
  }

  /** Masks of matrices opened for a product, by the caller's key: reused when the same matrix (or its transpose) comes again. */
  private readonly masked = new Map<string, { id: number; E: bigint[]; rows: number; cols: number; transposed: boolean }>();

  /**
   * A product of secret matrices X (m×n) and Y (n×k), row-major, with one matrix triple (A, B, C = AB):
   * E = X − A and F = Y − B are opened in one round (mn + nk values, against 2mnk for element-wise
   * Beaver products), then XY = C + E·B + A·F + E·F locally (E, F public). With `key` (naming X, and
   * `keyT` naming its transpose), a matrix opened once is not opened again: the preprocessing reuses
   * its A (or Aᵀ) with a fresh B, and only F is opened (nk values).
   */
  async matmul(X: readonly Share[], Y: readonly Share[], m: number, n: number, k: number, key?: { key: string; keyT: string }): Promise<Share[]> {
    if (X.length !== m * n || Y.length !== n * k) throw new Error(`matmul: ${X.length} and ${Y.length} elements for ${m}×${n} by ${n}×${k}`);
    if (!this.prep.matrixTriple) {
      // No matrix triples (OT-based preprocessing): element-wise Beaver products, summed.
      const xs: Share[] = [];
      const ys: Share[] = [];
      for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) for (let l = 0; l < n; l++) (xs.push(X[i * n + l]), ys.push(Y[l * k + j]));
      const prods = await this.mul(xs, ys);
      return Array.from({ length: m * k }, (_, t) => prods.slice(t * n, t * n + n).reduce((acc, x) => this.add(acc, x)));
    }
    const kept = key ? this.masked.get(key.key) : undefined;
    const t = await this.prep.matrixTriple(m, n, k, kept ? { id: kept.id, transposed: kept.transposed } : undefined);
    let E: bigint[];
    let F: bigint[];
    if (kept) {
      F = await this.open(Y.map((y, i) => this.sub(y, t.b[i])), `${this.net.phase}: matrix product`);
      E = kept.E;
    } else {
      const opened = await this.open([...X.map((x, i) => this.sub(x, t.a[i])), ...Y.map((y, i) => this.sub(y, t.b[i]))], `${this.net.phase}: matrix product`);
      E = opened.slice(0, m * n);
      F = opened.slice(m * n);
      if (key && t.id !== undefined) {
        this.masked.set(key.key, { id: t.id, E, rows: m, cols: n, transposed: false });
        const ET = Array.from({ length: m * n }, (_, i) => E[(i % m) * n + Math.floor(i / m)]);
        this.masked.set(key.keyT, { id: t.id, E: ET, rows: n, cols: m, transposed: true });
      }
    }
    const out: Share[] = t.c.map((c) => ({ ...c }));
    // E·B and A·F with public E and F: share-by-constant products, summed into C.
    for (let i = 0; i < m; i++)
      for (let l = 0; l < n; l++) {
        const e = E[i * n + l];
        if (e === 0n) continue;
        for (let j = 0; j < k; j++) {
          const b = t.b[l * k + j];
          const o = out[i * k + j];
          o.v += e * b.v;
          o.m += e * b.m;
        }
      }
    for (let i = 0; i < m; i++)
      for (let l = 0; l < n; l++) {
        const a = t.a[i * n + l];
        for (let j = 0; j < k; j++) {
          const f = F[l * k + j];
          const o = out[i * k + j];
          o.v += a.v * f;
          o.m += a.m * f;
        }
      }
    const EF = matmulClear(E, F, m, n, k);
    this.counts.multiplications += m * n * k;
    return out.map((o, i) => this.addConst({ v: mod(o.v), m: mod(o.m) }, EF[i]));
  }

  // --- bits, truncation, comparison --------------------------------------------------------------

  /**
   * n random shared bits. From the preprocessing when it makes them (the dealer); otherwise every
   * party inputs n random bits, each input is checked to be a bit (b·(b − 1) is opened and must be 0,
   * which in Z_2^64 leaves only 0 and 1), and the bits are XORed together (u + v − 2uv): uniform if
   * one party is honest. The openings join the next MAC check.
   */
  async randomBits(n: number): Promise<Share[]> {
    if (n === 0) return [];
    if (this.prep.bits) return this.prep.bits(n);
    const phase = this.net.phase;
    this.net.phase = "random bits";
    const mine = [...randomBytes(n)].map((x) => BigInt(x & 1));
    const inputs: Share[][] = [];
    for (let owner = 0; owner < this.net.parties; owner++) inputs.push(await this.input(owner, n, owner === this.party ? mine : undefined));
    const all = inputs.flat();
    const sq = await this.mul(all, all.map((b) => this.addConst(b, mod(-1n))));
    const z = await this.open(sq, "random bits: bit check");
    const bad = z.findIndex((x) => x !== 0n);
    if (bad >= 0) throw this.net.abort(`party ${Math.floor(bad / n)} input a random bit that is not 0 or 1`, "random bits");
    let acc = inputs[0];
    for (let owner = 1; owner < inputs.length; owner++) acc = await this.xor(acc, inputs[owner]);
    this.net.phase = phase;
    return acc;
  }

  /** u ⊕ v = u + v − 2uv for shared bits, element-wise (one round). */
  async xor(us: readonly Share[], vs: readonly Share[]): Promise<Share[]> {
    const uv = await this.mul(us, vs);
    return us.map((u, i) => this.sub(this.add(u, vs[i]), this.mulConst(uv[i], 2n)));
  }

  /** A public bit c XOR a shared bit b. */
  private xorPublic(c: bigint, b: Share): Share {
    return c ? this.addConst(this.neg(b), 1n) : b;
  }

  private async getTruncPairs(n: number, f: number): Promise<TruncPair[]> {
    if (this.prep.truncPairs) return this.prep.truncPairs(n, f);
    const bits = await this.randomBits(64 * n);
    return Array.from({ length: n }, (_, t) => {
      const b = bits.slice(64 * t, 64 * t + 64);
      let r: Share = { v: 0n, m: 0n };
      let rTop: Share = { v: 0n, m: 0n };
      for (let i = 0; i < 64; i++) r = this.add(r, this.mulConst(b[i], 1n << BigInt(i)));
      for (let i = f; i < 63; i++) rTop = this.add(rTop, this.mulConst(b[i], 1n << BigInt(i - f)));
      return { r, rTop, msb: b[63] };
    });
  }

  /**
   * Probabilistic truncation by f bits (SPDZ2k-style, Dalskov–Escudero–Keller): for |x| < 2^62,
   * x' = x + 2^62 is in [0, 2^63); c = x' + r mod 2^64 is opened (r uniform hides x'), and with
   * c' = (c mod 2^63) >> f and b = c_63 ⊕ r_63 (the carry into bit 63),
   * y = c' − (r mod 2^63 >> f) + b·2^(63−f) − 2^(62−f) is floor(x / 2^f) or one more, the latter with
   * probability (x mod 2^f) / 2^f. One round (plus the pairs' own cost).
   */
  async trunc(xs: readonly Share[], f: number): Promise<Share[]> {
    if (!xs.length) return [];
    if (f <= 0 || f >= 62) throw new Error(`trunc: ${f} bits`);
    const pairs = await this.getTruncPairs(xs.length, f);
    const c = await this.open(
      xs.map((x, i) => this.add(this.addConst(x, 1n << 62n), pairs[i].r)),
      `${this.net.phase}: truncation`,
    );
    return xs.map((_, i) => {
      const low = c[i] & ((1n << 63n) - 1n);
      const b = this.xorPublic(c[i] >> 63n, pairs[i].msb);
      const y = this.add(this.sub(this.constant(low >> BigInt(f)), pairs[i].rTop), this.mulConst(b, 1n << BigInt(63 - f)));
      return this.addConst(y, mod(-(1n << BigInt(62 - f))));
    });
  }

  /**
   * [x < y] for values read as signed 64-bit integers, assuming |x − y| < 2^63: the sign bit of
   * d = x − y. With random shared bits r_0 … r_63 (r = Σ 2^i r_i), c = d + r mod 2^64 is opened; then
   * d_63 = c_63 ⊕ r_63 ⊕ [c mod 2^63 < r mod 2^63], and the last term is a comparison of a public
   * value with shared bits: at the highest bit i where c and r differ, c < r iff c_i = 0. The
   * products Π_{j>i} (1 − (c_j ⊕ r_j)) come from a parallel prefix product (6 rounds for 63 bits),
   * then one round for Σ_{c_i = 0} r_i·Π_{j>i}… and one for the final XOR: 9 rounds, ≈ 450 products
   * per comparison, all comparisons of a batch together. Exact (no statistical error); the bits'
   * statistical security is the MAC check's.
   */
  async lt(xs: readonly Share[], ys: readonly Share[]): Promise<Share[]> {
    const n = xs.length;
    if (!n) return [];
    const bits = await this.randomBits(64 * n);
    const rs = Array.from({ length: n }, (_, t) => bits.slice(64 * t, 64 * t + 64));
    const c = await this.open(
      xs.map((x, t) => {
        let d = this.sub(x, ys[t]);
        for (let i = 0; i < 64; i++) d = this.add(d, this.mulConst(rs[t][i], 1n << BigInt(i)));
        return d;
      }),
      `${this.net.phase}: comparison`,
    );
    const bit = (t: number, i: number) => (c[t] >> BigInt(i)) & 1n;
    // eq[t][u] = 1 − (c_i ⊕ r_i) for i = 62 − u (from the top), then its inclusive prefix products.
    let pre = rs.map((r, t) => Array.from({ length: 63 }, (_, u) => this.addConst(this.neg(this.xorPublic(bit(t, 62 - u), r[62 - u])), 1n)));
    for (let step = 1; step < 63; step *= 2) {
      const left: Share[] = [];
      const right: Share[] = [];
      for (let t = 0; t < n; t++) for (let u = step; u < 63; u++) (left.push(pre[t][u]), right.push(pre[t][u - step]));
      const prods = await this.mul(left, right);
      let at = 0;
      pre = pre.map((row) => row.map((x, u) => (u >= step ? prods[at++] : x)));
    }
    // Π_{j>i} for i = 62 − u is the prefix up to u − 1 (1 for u = 0).
    const left: Share[] = [];
    const right: Share[] = [];
    const owner: number[] = [];
    for (let t = 0; t < n; t++)
      for (let u = 0; u < 63; u++) {
        const i = 62 - u;
        if (bit(t, i)) continue;
        left.push(u === 0 ? this.constant(1n) : pre[t][u - 1]);
        right.push(rs[t][i]);
        owner.push(t);
      }
    const terms = await this.mul(left, right);
    const carry: Share[] = Array.from({ length: n }, () => ({ v: 0n, m: 0n }));
    terms.forEach((x, q) => (carry[owner[q]] = this.add(carry[owner[q]], x)));
    return this.xor(
      rs.map((r, t) => this.xorPublic(bit(t, 63), r[63])),
      carry,
    );
  }

  /** Opens outputs and MAC-checks them together with everything opened before; then they are final. */
  async reveal(xs: readonly Share[], step = `${this.net.phase}: reveal`): Promise<bigint[]> {
    const values = await this.open(xs, step);
    await this.check();
    return values;
  }

  /** The batched MAC check of every value opened since the last check (see the top of this file). */
  async check(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const phase = this.net.phase;
    const steps = [...new Set(batch.map((o) => o.step))].join(", ") || "no openings";
    this.counts.checks++;
    try {
      // 1. Joint coin: commit to seeds, open, hash them together.
      this.net.phase = "mac check";
      const seed = randomBytes(16);
      const seeds = await this.commitThenOpen(seed, "the MAC check's random coefficients");
      const prg = new Prg(createHash("sha256").update(Buffer.concat(seeds)).digest());
      const chi = batch.map(() => prg.u64());
      // 2. [w] = Σ χ_j [x_j] − y + 2^k [r].
      let y = 0n;
      let share: Share = { v: 0n, m: 0n };
      for (let j = 0; j < batch.length; j++) {
        y += chi[j] * batch[j].value;
        share = this.add(share, this.mulConst(batch[j].share, chi[j]));
      }
      const [r] = await this.prep.randoms(1);
      const w = this.add(this.addConst(share, mod(-y)), this.mulConst(r, TWO_K));
      const ws = await this.net.exchange(packWords([w.v], 16));
      let wOpen = 0n;
      for (let j = 0; j < ws.length; j++) wOpen += this.decode(ws[j], 16, 1, j, "MAC check")[0];
      wOpen = mod(wOpen);
      if ((wOpen & MASK_K) !== 0n) throw this.failCheck(`the opened values of ${steps} do not match the shares (a party sent a wrong share)`);
      // 3. z_i = m_i − α_i·w, committed with the input transcript hash, then opened.
      let z = mod(w.m - this.prep.alphaShare * wOpen);
      if (this.cheat === "mac" && !this.cheated) {
        z = mod(z + (1n << BigInt(K)));
        this.cheated = true;
      }
      const transcript = this.broadcastLog.copy().digest();
      const zs = await this.commitThenOpen(Buffer.concat([packWords([z], 16), transcript]), "the MAC check values");
      let sum = 0n;
      for (let j = 0; j < zs.length; j++) {
        if (zs[j].length !== 48) throw this.failCheck(`party ${j} sent a MAC check value of ${zs[j].length} bytes`, j);
        if (!zs[j].subarray(16).equals(transcript)) throw this.failCheck(`party ${j} received different input broadcasts than party ${this.party} (an input owner equivocated)`, j);
        sum += unpackWords(zs[j].subarray(0, 16), 16, 1, "MAC check")[0];
      }
      if (mod(sum) !== 0n) throw this.failCheck(`the MACs of the values opened in ${steps} do not verify (a party sent a wrong share or MAC)`);
    } finally {
      if (!this.net.phase.startsWith("abort")) this.net.phase = phase;
    }
  }

  /** Everyone commits to `mine`, then opens; a commitment that does not open aborts. One value per party. */
  private async commitThenOpen(mine: Buffer, what: string): Promise<Buffer[]> {
    const { commitment, opening } = commit(mine);
    const commitments = await this.net.exchange(commitment);
    const openings = await this.net.exchange(opening);
    return openings.map((o, j) => {
      if (j === this.party) return mine;
      const v = openCommitment(commitments[j], o);
      if (!v) throw this.failCheck(`party ${j}'s opening of ${what} does not match its commitment`, j);
      return v;
    });
  }

  private decode(b: Buffer, bytesPer: 8 | 16, count: number, from: number, what: string): bigint[] {
    try {
      return unpackWords(b, bytesPer, count, what);
    } catch (e) {
      throw this.net.abort(`party ${from} sent a malformed ${what} message: ${(e as Error).message}`);
    }
  }

  private failCheck(reason: string, peer?: number): MpcError {
    const e = this.net.abort(`MAC check failed: ${reason}`, "MAC check");
    return new MpcError(e.message, peer, "MAC check");
  }
}
