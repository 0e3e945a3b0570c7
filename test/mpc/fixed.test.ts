// Fixed-point primitives of the SPDZ2k online phase, N parties in this process: probabilistic
// truncation is floor(x / 2^f) or one more, comparison is exact on signed values (edge cases around
// 0, ±2^62 and equal operands), random bits are bits, and a matrix mask opened once is reused. Each
// runs with the dealer's bits and truncation pairs and without them (bits made online from every
// party's inputs, as with OT-based preprocessing); a party that inputs a non-bit is caught.
import { describe, expect, it } from "vitest";
import { connectInProcess } from "../../runtime/mpc/net/index.ts";
import { InsecureDealer, Spdz2kParty, mod, signedK, packWords, type Preprocessing } from "../../runtime/mpc/spdz2k/index.ts";

/** The dealer without bits and truncation pairs: the online phase must make its own. */
function bitless(d: InsecureDealer): Preprocessing {
  return {
    alphaShare: d.alphaShare,
    used: d.used,
    triples: (n) => d.triples(n),
    randoms: (n) => d.randoms(n),
    inputMasks: (o, n) => d.inputMasks(o, n),
    matrixTriple: (m, n, k, reuse) => d.matrixTriple(m, n, k, reuse),
  };
}

async function runAll<R>(n: number, withBits: boolean, body: (p: Spdz2kParty) => Promise<R>) {
  const nets = await connectInProcess(n, { timeoutMs: 20_000 });
  return Promise.all(
    nets.map(async (net, i) => {
      const d = new InsecureDealer(i, n, Buffer.from("fixed"));
      const p = new Spdz2kParty(net, withBits ? d : bitless(d));
      try {
        const r = await body(p);
        await net.close().catch(() => net.destroy());
        return { ok: true as const, value: r };
      } catch (e) {
        net.destroy();
        return { ok: false as const, error: (e as Error).message };
      }
    }),
  );
}

const floorDiv = (x: bigint, f: number) => x >> BigInt(f); // BigInt >> is floor for negatives too

describe("SPDZ2k fixed point", () => {
  for (const withBits of [true, false]) {
    const how = withBits ? "dealer bits and pairs" : "bits from inputs";
    it(`truncation by 16 bits: floor(x / 2^16) or one more (${how})`, async () => {
      const xs = [0n, 1n, -1n, 65535n, 65536n, -65536n, -65537n, 123456789n, -987654321n, (1n << 61n) + 12345n, -(1n << 61n)];
      const out = await runAll(withBits ? 3 : 2, withBits, async (p) => {
        const x = await p.input(0, xs.length, p.party === 0 ? xs.map(mod) : undefined);
        return (await p.reveal(await p.trunc(x, 16))).map(signedK);
      });
      for (const o of out) {
        expect(o.ok, o.ok ? "" : o.error).toBe(true);
        if (o.ok) o.value.forEach((y, i) => expect(y - floorDiv(xs[i], 16), `x = ${xs[i]}`).toBeGreaterThanOrEqual(0n));
        if (o.ok) o.value.forEach((y, i) => expect(y - floorDiv(xs[i], 16), `x = ${xs[i]}`).toBeLessThanOrEqual(1n));
        // Exact multiples of 2^16 are exact.
        if (o.ok) expect(o.value[4]).toBe(1n);
        if (o.ok) expect(o.value[5]).toBe(-1n);
      }
    }, 60_000);

    it(`comparison x < y on signed values (${how})`, async () => {
      const pairs: [bigint, bigint][] = [
        [0n, 0n], [0n, 1n], [1n, 0n], [-1n, 0n], [0n, -1n], [-5n, -5n], [-6n, -5n], [(1n << 62n) - 1n, -(1n << 62n)], [-(1n << 62n), (1n << 62n) - 1n], [123n << 16n, 124n << 16n], [7n, 7n + (1n << 40n)],
      ];
      const out = await runAll(2, withBits, async (p) => {
        const x = await p.input(0, pairs.length, p.party === 0 ? pairs.map(([a]) => mod(a)) : undefined);
        const y = await p.input(1, pairs.length, p.party === 1 ? pairs.map(([, b]) => mod(b)) : undefined);
        return (await p.reveal(await p.lt(x, y))).map(signedK);
      });
      for (const o of out) {
        expect(o.ok, o.ok ? "" : o.error).toBe(true);
        if (o.ok) expect(o.value).toEqual(pairs.map(([a, b]) => (a < b ? 1n : 0n)));
      }
    }, 60_000);
  }

  it("a party that inputs a random 'bit' of 2 is caught by the bit check", async () => {
    const nets = await connectInProcess(2, { timeoutMs: 20_000 });
    const out = await Promise.all(
      nets.map(async (net, i) => {
        const p = new Spdz2kParty(net, bitless(new InsecureDealer(i, 2, Buffer.from("fixed"))));
        if (i === 1) {
          // Its inputs of the random bits: 2 instead of a bit.
          const input = p.input.bind(p);
          p.input = (owner, count, values) => input(owner, count, owner === 1 ? values!.map(() => 2n) : values);
        }
        try {
          await p.randomBits(4);
          return "ok";
        } catch (e) {
          net.destroy();
          return (e as Error).message;
        }
      }),
    );
    expect(out[0]).toMatch(/party 1 input a random bit that is not 0 or 1/);
    void packWords;
  }, 30_000);

  it("matrix mask reuse: X·W then Xᵀ·G open X once; results equal the clear products", async () => {
    const [m, n, k] = [3, 4, 2];
    const X = [1n, -2n, 3n, 4n, 0n, 5n, -6n, 7n, 8n, 9n, -10n, 11n];
    const W = [2n, -1n, 0n, 3n, 4n, 4n, -5n, 1n];
    const G = [1n, 2n, -3n, 4n, 5n, -6n];
    const clear = (A: bigint[], B: bigint[], r: number, c: number, q: number) =>
      Array.from({ length: r * q }, (_, t) => A.slice(Math.floor(t / q) * c, Math.floor(t / q) * c + c).reduce((s, a, l) => s + a * B[l * q + (t % q)], 0n));
    const XT = Array.from({ length: m * n }, (_, i) => X[(i % m) * n + Math.floor(i / m)]);
    const out = await runAll(2, true, async (p) => {
      const x = await p.input(0, m * n, p.party === 0 ? X.map(mod) : undefined);
      const w = await p.input(1, n * k, p.party === 1 ? W.map(mod) : undefined);
      const g = await p.input(1, m * k, p.party === 1 ? G.map(mod) : undefined);
      const xT = Array.from({ length: m * n }, (_, i) => x[(i % m) * n + Math.floor(i / m)]);
      p.net.phase = "first";
      const xw = await p.matmul(x, w, m, n, k, { key: "X", keyT: "XT" });
      p.net.phase = "second";
      const xtg = await p.matmul(xT, g, n, m, k, { key: "XT", keyT: "X" });
      p.net.phase = "output";
      const st = p.net.stats().perPhase;
      return { xw: (await p.reveal(xw)).map(signedK), xtg: (await p.reveal(xtg)).map(signedK), first: st.first.sent, second: st.second.sent };
    });
    for (const o of out) {
      expect(o.ok, o.ok ? "" : o.error).toBe(true);
      if (!o.ok) continue;
      expect(o.value.xw).toEqual(clear(X, W, m, n, k));
      expect(o.value.xtg).toEqual(clear(XT, G, n, m, k));
      expect(o.value.first).toBe((m * n + n * k) * 8 + 5);
      // Only G − B is opened the second time: X's mask is reused (transposed).
      expect(o.value.second).toBe(m * k * 8 + 5);
    }
  }, 30_000);
});
