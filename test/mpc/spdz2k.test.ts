// SPDZ2k online phase with the insecure dealer, N parties in this process over loopback TCP: results
// equal the clear computation mod 2^64, and every deviation a malicious party can make on the wire
// (a wrong share in an opening, a wrong MAC check value, different input broadcasts to different
// parties) makes every honest party abort, while the same run without deviation passes.
import { describe, expect, it } from "vitest";
import { connectInProcess, type MpcError } from "../../runtime/mpc/net/index.ts";
import { InsecureDealer, Spdz2kParty, modK, signedK, mod, packWords, type Cheat } from "../../runtime/mpc/spdz2k/index.ts";

const mesh = (n: number) => connectInProcess(n, { timeoutMs: 10_000 });

/** Runs `body` on every party; returns each party's value or the error it ended with. */
async function runAll<R>(n: number, body: (p: Spdz2kParty) => Promise<R>, cheat?: { party: number; kind: Cheat }, seed = "test seed") {
  const nets = await mesh(n);
  const parties = nets.map((net, i) => new Spdz2kParty(net, new InsecureDealer(i, n, Buffer.from(seed)), cheat?.party === i ? cheat.kind : undefined));
  const out = await Promise.all(
    parties.map(async (p) => {
      try {
        const r = await body(p);
        await p.net.close().catch(() => p.net.destroy());
        return { ok: true as const, value: r };
      } catch (e) {
        p.net.destroy();
        return { ok: false as const, error: e as MpcError };
      }
    }),
  );
  return out;
}

const A = [3n, -5n, 1n << 40n, 123456789n];
const B = [7n, 11n, -(1n << 30n), 987654321n];
const clearDot = modK(A.reduce((s, a, i) => s + a * B[i], 0n));

async function dot(p: Spdz2kParty): Promise<bigint> {
  p.net.phase = "online";
  const a = await p.input(0, A.length, p.party === 0 ? A.map(mod) : undefined);
  const b = await p.input(1, B.length, p.party === 1 ? B.map(mod) : undefined);
  const prods = await p.mul(a, b);
  const [r] = await p.reveal([prods.reduce((s, x) => p.add(s, x))]);
  return r;
}

describe("SPDZ2k online (insecure dealer)", () => {
  it("three parties compute an inner product equal to the clear one mod 2^64, with one multiplication round", async () => {
    const out = await runAll(3, async (p) => {
      const r = await dot(p);
      return { r, rounds: p.net.stats().rounds, counts: p.counts };
    });
    for (const o of out) {
      expect(o.ok, o.ok ? "" : o.error.message).toBe(true);
      if (!o.ok) continue;
      expect(o.value.r).toBe(clearDot);
      expect(o.value.counts.multiplications).toBe(4);
    }
    // Party 2 inputs nothing: it waits for two input rounds, one multiplication round (4 products),
    // the output's opening, and the check's 5 rounds (coin commit/open, w, MAC commit/open).
    if (out[2].ok) {
      expect(out[2].value.rounds).toEqual({ online: 4, "mac check": 5 });
    }
  }, 30_000);

  it("linear operations with constants and a product of products", async () => {
    const out = await runAll(2, async (p) => {
      const [x, y] = await p.input(0, 2, p.party === 0 ? [mod(-9n), 4n] : undefined);
      const [xy] = await p.mul([x], [y]);
      const [xyy] = await p.mul([xy], [y]);
      const e = p.addConst(p.sub(p.mulConst(xyy, 3n), p.neg(x)), 100n); // 3·x·y² + x + 100
      return (await p.reveal([e, p.constant(42n)])).map(signedK);
    });
    for (const o of out) expect(o.ok && o.value).toEqual([3n * -9n * 16n - 9n + 100n, 42n]);
  }, 30_000);

  for (const kind of ["share", "mac"] as const) {
    it(`a party with a wrong ${kind} makes every honest party abort in the MAC check`, async () => {
      const out = await runAll(3, dot, { party: 1, kind });
      for (const i of [0, 2]) {
        const o = out[i];
        expect(o.ok).toBe(false);
        if (!o.ok) expect(o.error.message).toMatch(/MAC check failed/);
      }
    }, 30_000);
  }

  it("a wrong share really changes the opened value: the check is what stops it", async () => {
    const out = await runAll(
      2,
      async (p) => {
        const [x] = await p.input(0, 1, p.party === 0 ? [5n] : undefined);
        const [v] = await p.open([x]);
        try {
          await p.check();
          return { v, checked: true };
        } catch {
          return { v, checked: false };
        }
      },
      { party: 1, kind: "share" },
    );
    for (const o of out) expect(o.ok && o.value).toEqual({ v: 6n, checked: false });
  }, 30_000);

  it("an input owner who sends different masked inputs to different parties is caught", async () => {
    const out = await runAll(3, async (p) => {
      let x;
      if (p.party === 0) {
        // A hand-written owner: the right x − r to party 1, x + 1 − r to party 2.
        const { shares, values } = await p.prep.inputMasks(0, 1);
        p.net.send(1, packWords([mod(10n - values![0])], 16));
        p.net.send(2, packWords([mod(11n - values![0])], 16));
        x = p.addConst(shares[0], mod(10n - values![0]));
        (p as unknown as { broadcastLog: { update(b: Buffer): void } }).broadcastLog.update(packWords([mod(10n - values![0])], 16));
      } else [x] = await p.input(0, 1);
      return (await p.reveal([p.mulConst(x, 0n)]))[0];
    });
    for (const i of [1, 2]) {
      const o = out[i];
      expect(o.ok).toBe(false);
      if (!o.ok) expect(o.error.message).toMatch(/input owner equivocated|MAC check failed/);
    }
  }, 30_000);

  it("a matrix product with one matrix triple equals the clear one and opens mn + nk values instead of 2mnk", async () => {
    const [m, n, k] = [3, 4, 2];
    const X = [1n, -2n, 3n, 4n, 0n, 5n, -6n, 7n, 8n, 9n, -10n, 11n];
    const Y = [2n, -1n, 0n, 3n, 4n, 4n, -5n, 1n];
    const clearXY = Array.from({ length: m * k }, (_, t) => {
      const [i, j] = [Math.floor(t / k), t % k];
      return X.slice(i * n, i * n + n).reduce((acc, x, l) => acc + x * Y[l * k + j], 0n);
    });
    const out = await runAll(3, async (p) => {
      const x = await p.input(0, m * n, p.party === 0 ? X.map(mod) : undefined);
      const y = await p.input(1, n * k, p.party === 1 ? Y.map(mod) : undefined);
      p.net.phase = "matmul";
      const xy = await p.matmul(x, y, m, n, k);
      p.net.phase = "output";
      return { xy: (await p.reveal(xy)).map(signedK), bytes: p.net.stats().perPhase.matmul.sent };
    });
    for (const o of out) {
      expect(o.ok, o.ok ? "" : o.error.message).toBe(true);
      if (!o.ok) continue;
      expect(o.value.xy).toEqual(clearXY);
      // To each of 2 peers: (mn + nk) 8-byte values and a 5-byte header.
      expect(o.value.bytes).toBe(2 * ((m * n + n * k) * 8 + 5));
    }
    // A wrong share in the matrix opening is caught like any other.
    const bad = await runAll(
      2,
      async (p) => {
        const x = await p.input(0, m * n, p.party === 0 ? X.map(mod) : undefined);
        const y = await p.input(1, n * k, p.party === 1 ? Y.map(mod) : undefined);
        return p.reveal(await p.matmul(x, y, m, n, k));
      },
      { party: 1, kind: "share" },
    );
    for (const o of bad) expect(o.ok).toBe(false);
  }, 30_000);
});

