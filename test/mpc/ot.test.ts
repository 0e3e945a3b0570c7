// Base OT, KOS correlated OT extension and Gilboa products between two parties in this process over
// loopback TCP: the correlations hold exactly, and a receiver who tampers with its extension matrix
// is caught by the KOS check whenever the tampering could matter.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { connectInProcess, type PartyNet } from "../../runtime/mpc/net/index.ts";
import { baseOtReceive, baseOtSend } from "../../runtime/mpc/ot/base.ts";
import { KOS } from "../../runtime/mpc/ot/kos.ts";
import { SOFTSPOKEN, softSpoken } from "../../runtime/mpc/ot/softspoken.ts";
import { CopeKeyHolder, CopeValueHolder } from "../../runtime/mpc/ot/cope.ts";
import { gilboaReceive, gilboaSend } from "../../runtime/mpc/ot/gilboa.ts";
import { bitMulReceive, bitMulSend } from "../../runtime/mpc/ot/bitmul.ts";
import { VoleKeyHolder, VoleValueHolder, voleBytesPerValue } from "../../runtime/mpc/ot/vole.ts";
import { packWords, unpackWords } from "../../runtime/mpc/spdz2k/ring.ts";
import { OtPreprocessing, type OtPreprocessingOptions } from "../../runtime/mpc/ot/preprocessing.ts";
import { transpose, type OtExtension } from "../../runtime/mpc/ot/extension.ts";
import { Spdz2kParty, mod, modK } from "../../runtime/mpc/spdz2k/index.ts";

const mesh = (n: number) => connectInProcess(n, { timeoutMs: 20_000 });

/** An inner product of party 0's and party 1's vectors with OT-based preprocessing; `cheater` deviates as its options say. */
async function otDot(n: number, cheater?: { party: number; options: OtPreprocessingOptions }, extension: OtExtension = SOFTSPOKEN, honest?: OtPreprocessingOptions) {
  const nets = await mesh(n);
  return Promise.all(
    nets.map(async (net) => {
      try {
        const prep = await OtPreprocessing.setup(net, extension, net.party === cheater?.party ? cheater.options : honest);
        const p = new Spdz2kParty(net, prep);
        net.phase = "online";
        const a = await p.input(0, 3, net.party === 0 ? [2n, mod(-3n), 10n] : undefined);
        const b = await p.input(1, 3, net.party === 1 ? [7n, 5n, 1n << 40n] : undefined);
        const prods = await p.mul(a, b);
        const [r] = await p.reveal([prods.reduce((x, y) => p.add(x, y))]);
        const stats = await net.close();
        return { ok: true as const, r, stats, authChecks: prep.authChecks };
      } catch (e) {
        net.destroy();
        return { ok: false as const, error: (e as Error).message };
      }
    }),
  );
}

const pair = async () => (await connectInProcess(2, { timeoutMs: 10_000 })) as [PartyNet, PartyNet];

const rand = (n: number) => Array.from({ length: n }, () => BigInt.asUintN(128, BigInt("0x" + randomBytes(16).toString("hex"))));
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]));

describe("OT", () => {
  it("base OT: the receiver gets the chosen key and not the other", async () => {
    const [s, r] = await pair();
    const choices = [true, false, true, true, false, false, true, false];
    const [keys, got] = await Promise.all([baseOtSend(s, 1, choices.length), baseOtReceive(r, 0, choices)]);
    choices.forEach((c, i) => {
      expect(got[i].equals(keys[i][c ? 1 : 0])).toBe(true);
      expect(got[i].equals(keys[i][c ? 0 : 1])).toBe(false);
    });
    s.destroy();
    r.destroy();
  });

  for (const ext of [KOS, softSpoken(2), SOFTSPOKEN, softSpoken(8)]) {
    it(`${ext.name}: T_i = Q_i xor r_i·Δ for every extended OT, over two extensions; bits per OT ≈ 128/k`, async () => {
      const [s, r] = await pair();
      const [snd, rcv] = await Promise.all([ext.sender(s, 1), ext.receiver(r, 0)]);
      for (const m of [100, 3000]) {
        const choices = Array.from({ length: m }, (_, i) => (i * 7919) % 3 === 0);
        r.phase = s.phase = `extend ${m}`;
        const [Q, T] = await Promise.all([snd.extend(m), rcv.extend(choices)]);
        expect(Q.length).toBe(m);
        for (let i = 0; i < m; i++) expect(T[i].equals(choices[i] ? xor(Q[i], snd.delta) : Q[i])).toBe(true);
        // The rows are not constant: a broken PRG, tree or transposition would repeat them.
        expect(new Set(Q.map((q) => q.toString("hex"))).size).toBe(m);
      }
      // What crosses the wire for 3000 OTs: corrections of 128/k bits per OT plus the padding rows and the check.
      const bits = ((r.stats().perPhase["extend 3000"].sent + s.stats().perPhase["extend 3000"].sent) * 8) / 3000;
      expect(bits).toBeGreaterThan(ext.bitsPerOt);
      expect(bits).toBeLessThan(ext.bitsPerOt * (1 + 128 / 3000) + (129 * 128 + 300) / 3000);
      s.destroy();
      r.destroy();
    });

    it(`${ext.name}: a receiver whose correction of one block carries another choice bit is caught when it matters (Δ ≠ 0 there)`, async () => {
      const k = 128 / ext.bitsPerOt;
      for (const wantZero of [false, true]) {
        const [s, r] = await pair();
        const [snd, rcv] = await Promise.all([ext.sender(s, 1), ext.receiver(r, 0)]);
        const blockDelta = (b: number) => [...Array(k).keys()].reduce((a, j) => a | (((snd.delta[(b * k + j) >> 3] >> ((b * k + j) & 7)) & 1) << j), 0);
        const b = [...Array(128 / k).keys()].find((x) => (blockDelta(x) === 0) === wantZero);
        if (b === undefined) continue; // (k = 8: a zero block has probability 2^-8 per block)
        const m = 64;
        const bytes = (m + 128) / 8;
        // The attacker edits its outgoing corrections: row 5 of block b uses the other choice bit.
        const send = r.send.bind(r);
        r.send = (to: number, data: Uint8Array) => {
          if (data.length === (128 / k) * bytes) {
            data = Buffer.from(data);
            data[b * bytes] ^= 1 << 5;
          }
          send(to, data);
        };
        const choices = Array.from({ length: m }, () => false);
        const [Q, T] = await Promise.allSettled([snd.extend(m), rcv.extend(choices)]);
        if (!wantZero) {
          expect(Q.status).toBe("rejected");
          if (Q.status === "rejected") expect(String(Q.reason.message)).toMatch(/consistency check/);
        } else {
          // Δ = 0 on the block: the sender never uses that correction, so the flip changes nothing.
          expect(Q.status).toBe("fulfilled");
          if (Q.status === "fulfilled" && T.status === "fulfilled") for (let i = 0; i < m; i++) expect(T.value[i].equals(Q.value[i])).toBe(true);
        }
        s.destroy();
        r.destroy();
      }
    });
  }

  it("SoftSpoken: a receiver who lies in the check about its own columns is caught", async () => {
    const [s, r] = await pair();
    const [snd, rcv] = await Promise.all([SOFTSPOKEN.sender(s, 1), SOFTSPOKEN.receiver(r, 0)]);
    const send = r.send.bind(r);
    r.send = (to: number, data: Uint8Array) => {
      // The check message (16 bytes per column and for x̃): claim another x̃.
      if (data.length === 16 * 129) (data = Buffer.from(data)), (data[0] ^= 1);
      send(to, data);
    };
    const [Q] = await Promise.allSettled([snd.extend(50), rcv.extend(Array.from({ length: 50 }, () => true))]);
    expect(Q.status).toBe("rejected");
    s.destroy();
    r.destroy();
  });

  it("Gilboa: the two shares add up to a·b mod 2^128, several sender values per receiver value", async () => {
    const [s, r] = await pair();
    const [snd, rcv] = await Promise.all([KOS.sender(s, 1), KOS.receiver(r, 0)]);
    const as = [[3n, mod(-1n)], [1n << 100n]];
    const bs = [mod(-5n), (1n << 127n) + 12345n];
    const [sa, sb] = await Promise.all([gilboaSend(s, 1, snd, as), gilboaReceive(r, 0, rcv, bs, [2, 1])]);
    for (let k = 0; k < bs.length; k++) for (let v = 0; v < as[k].length; v++) expect(mod(sa[k][v] + sb[k][v])).toBe(mod(as[k][v] * bs[k]));
    s.destroy();
    r.destroy();
  });

  for (const [n, ext] of [
    [2, SOFTSPOKEN],
    [2, KOS],
    [3, SOFTSPOKEN],
  ] as const) {
    it(`SPDZ2k with ${ext.name} triples (sacrificed, combined from τ bits) and VOLE MACs (authentication-checked): ${n} parties compute the inner product`, async () => {
      const out = await otDot(n, undefined, ext);
      for (const o of out) {
        expect(o.ok, o.ok ? "" : o.error).toBe(true);
        if (o.ok) expect(o.r).toBe(modK(14n - 15n + (10n << 40n)));
        // Input masks of two owners, triples, the MAC check's random value: four checked MAC batches.
        if (o.ok) expect(o.authChecks).toBe(4);
      }
      if (out[0].ok) expect(out[0].stats.perPhase["offline: triples"].sent).toBeGreaterThan(0);
    }, 60_000);
  }

  for (const delta of [1n, 1n << 63n]) {
    it(`a triple whose c is off by ${delta === 1n ? "1" : "2^63"} (authenticated as such) fails the sacrifice at every honest party`, async () => {
      // 2^63 is invisible to a check on the low 64 bits whenever t is even: three such triples
      // would all pass such a check with probability 1/8; the check in Z_2^128 catches them.
      const out = await otDot(2, { party: 1, options: { tamperProducts: delta } });
      for (const o of out) {
        expect(o.ok).toBe(false);
        if (!o.ok) expect(o.error).toMatch(/sacrifice failed: triple 0 of 3 is not a product/);
      }
    }, 60_000);
  }

  it("the 8×8-block bit transposition equals the bit-by-bit one", () => {
    const rows = 8 * 37;
    const cols = Array.from({ length: 128 }, () => randomBytes(rows / 8));
    const out = transpose(cols, rows);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < 128; j++) expect((out[i][j >> 3] >> (j & 7)) & 1, `row ${i} column ${j}`).toBe((cols[j][i >> 3] >> (i & 7)) & 1);
  });

  it("bit products: the shares add up to x_h·b mod 2^128 for every bit, b one 128-bit word per group of τ bits", async () => {
    const [s, r] = await pair();
    const [snd, rcv] = await Promise.all([KOS.sender(s, 1), softSpoken(1).receiver(r, 0)]);
    const tau = 8;
    const bs = [mod(-5n), (1n << 127n) + 12345n, 1n];
    const words = new Uint32Array(Uint8Array.from(packWords(bs, 16)).buffer);
    const bits = randomBytes(3);
    const [sa, sb] = await Promise.all([bitMulSend(s, 1, snd, words, tau), bitMulReceive(r, 0, rcv, bits, 3 * tau)]);
    const A = unpackWords(Buffer.from(sa.buffer), 16, 3 * tau, "s");
    const B = unpackWords(Buffer.from(sb.buffer), 16, 3 * tau, "r");
    for (let h = 0; h < 3 * tau; h++) expect(mod(A[h] + B[h])).toBe((bits[h >> 3] >> (h & 7)) & 1 ? bs[Math.floor(h / tau)] : 0n);
    s.destroy();
    r.destroy();
  });

  for (const bit of [1, 0]) {
    it(`selective failure: a sender that adds 1 to the correction of an OT whose receiver bit is ${bit} ${bit ? "makes every party abort in the sacrifice" : "changes nothing"}`, async () => {
      // The test (not the cheater) picks the OT by the honest party's bit, so that both outcomes are
      // exercised: the abort tells the cheater x_h, one of the τ bits a and a2 are combined from.
      let honestBits: Uint8Array | undefined;
      const pick = () => {
        for (let h = 0; h < 8 * honestBits!.length; h++) if (((honestBits![h >> 3] >> (h & 7)) & 1) === bit) return h;
        return -1;
      };
      const out = await otDot(2, { party: 1, options: { tamperCorrection: pick } }, SOFTSPOKEN, { observeBits: (b) => (honestBits ??= Uint8Array.from(b)) });
      for (const o of out) {
        if (bit) {
          expect(o.ok).toBe(false);
          if (!o.ok) expect(o.error).toMatch(/sacrifice failed/);
        } else {
          expect(o.ok, o.ok ? "" : o.error).toBe(true);
          if (o.ok) expect(o.r).toBe(modK(14n - 15n + (10n << 40n)));
        }
      }
    }, 60_000);
  }

  it("an inconsistent OT-extension input (--cheat kind=ot) makes the honest parties abort", async () => {
    // Party 2 uses the other choice bit in the blocks of 64 of the 128 columns: missed only if Δ is 0 on all 64.
    const out = await otDot(3, { party: 2, options: { tamperColumns: 64 } });
    for (const o of out.slice(0, 2)) {
      expect(o.ok).toBe(false);
      if (!o.ok) expect(o.error).toMatch(/consistency check/);
    }
  }, 60_000);

  for (const party of [0, 2]) {
    it(`a value holder that feeds the MAC VOLE an inconsistent value (party ${party} of 3) makes every honest party abort in the authentication check`, async () => {
      const out = await otDot(3, { party, options: { tamperMacs: true } });
      for (const [i, o] of out.entries()) {
        if (i === party) continue;
        expect(o.ok).toBe(false);
        if (!o.ok) expect(o.error).toMatch(/authentication check failed|aborted: party \d aborted in offline: input masks: authentication check failed/);
      }
    }, 60_000);
  }

  for (const k of [1, 4, 8])
    it(`MAC VOLE, k = ${k}: the shares add up to α_j·x mod 2^128 over two batches; ${k === 1 ? "800" : k === 4 ? "200" : "100"} bytes per value`, async () => {
      const [s, r] = await pair();
      const alpha = 0xfedcba9876543210n;
      const [key, value] = await Promise.all([VoleKeyHolder.setup(s, 1, alpha, k), VoleValueHolder.setup(r, 0, k)]);
      for (const xs of [[0n, 1n, mod(-1n), 1n << 127n], rand(50)]) {
        const mine = value.send(xs);
        const theirs = await key.receive(xs.length);
        xs.forEach((x, v) => expect(mod(mine[v] + theirs[v])).toBe(mod(alpha * x)));
      }
      expect(voleBytesPerValue(k)).toBe(k === 1 ? 800 : k === 4 ? 200 : 100);
      s.destroy();
      r.destroy();
    });

  it("COPEe: the shares add up to α_j·x mod 2^128; the key holder's α is the one of its base OTs", async () => {
    const [s, r] = await pair();
    const alpha = 0xfedcba9876543210n;
    const [key, value] = await Promise.all([CopeKeyHolder.setup(s, 1, alpha), CopeValueHolder.setup(r, 0)]);
    for (const xs of [[0n, 1n, mod(-1n), 1n << 127n], rand(50)]) {
      const mine = value.send(xs);
      const theirs = await key.receive(xs.length);
      xs.forEach((x, v) => expect(mod(mine[v] + theirs[v])).toBe(mod(alpha * x)));
    }
    s.destroy();
    r.destroy();
  });
});
