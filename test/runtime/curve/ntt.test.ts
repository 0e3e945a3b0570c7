import { describe, expect, it } from "vitest";
import { BN254_FR, BLS12_381_FR, PALLAS, VESTA, GOLDILOCKS, BABYBEAR, FieldVec, type PrimeField } from "../../../runtime/field/index.ts";
import { ntt, nttInPlace, nttParallel, intt, cosetNtt, cosetIntt, nttBigint, Domain, domainFor } from "../../../runtime/curve/index.ts";

function dft(F: PrimeField, a: bigint[], w: bigint): bigint[] {
  return a.map((_, k) => a.reduce((s, x, j) => F.add(s, F.mul(x, F.pow(w, BigInt(j * k)))), 0n));
}
const rand = (F: PrimeField, n: number) => Array.from({ length: n }, () => F.random());
const fields = [BN254_FR, BLS12_381_FR, PALLAS, VESTA, GOLDILOCKS, BABYBEAR];

describe.each(fields.map((f) => [f.name, f] as const))("NTT over %s", (_n, F) => {
  it("matches the O(n²) DFT for n = 1 … 2^8, forward and inverse", () => {
    for (let k = 0; k <= 8; k++) {
      const a = rand(F, 1 << k);
      const ev = ntt(a, {}, F);
      expect(ev).toEqual(dft(F, a, F.rootOfUnity(k)));
      expect(intt(ev, {}, F)).toEqual(a);
    }
    const edge = [0n, 1n, F.p - 1n, 2n, F.p - 2n, 0n, 1n, F.p - 1n];
    expect(ntt(edge, {}, F)).toEqual(dft(F, edge, F.rootOfUnity(3)));
  });
  it("coset NTT evaluates on g·⟨ω⟩ and cosetIntt inverts it", () => {
    const a = rand(F, 16);
    const g = 7n;
    const d = new Domain(4, F);
    const ev = cosetNtt(a, g, F);
    for (let i = 0; i < 16; i++) {
      const x = F.mul(g, d.element(i));
      expect(ev[i]).toBe(a.reduceRight((acc, c) => F.add(F.mul(acc, x), c), 0n));
    }
    expect(cosetIntt(ev, g, F)).toEqual(a);
  });
});

describe("NTT ∘ INTT = id and agreement with the BigInt reference", () => {
  it("WASM path equals the reference radix-2 at 2^10", () => {
    const a = rand(BN254_FR, 1 << 10);
    const ref = [...a];
    nttBigint(ref, domainFor(BN254_FR, 10), false);
    expect(ntt(a)).toEqual(ref);
  });
  it("FieldVec in place, sizes 2^1 … 2^16 (BN254 Fr), with progress", () => {
    for (const k of [1, 5, 11, 16]) {
      const a = FieldVec.fromBigints(BN254_FR, rand(BN254_FR, 1 << k));
      const v = a.clone();
      const phases: number[] = [];
      nttInPlace(v, { progress: (_p, done) => phases.push(done) });
      expect(phases.at(-1)).toBe(k);
      nttInPlace(v, { inverse: true });
      expect(v.data).toEqual(a.data);
      if (k <= 11) {
        const back = intt(ntt(a, { coset: 5n }), { coset: 5n });
        expect(back).toBeInstanceOf(FieldVec);
        expect(back.data).toEqual(a.data);
      }
    }
  });
  it("Goldilocks and BabyBear round-trip at 2^14", () => {
    for (const F of [GOLDILOCKS, BABYBEAR]) {
      const a = FieldVec.fromBigints(F, rand(F, 1 << 14));
      expect(intt(ntt(a)).data).toEqual(a.data);
    }
  });
  it("rejects non power-of-two lengths, oversize domains and a zero coset", () => {
    expect(() => ntt([1n, 2n, 3n])).toThrow(RangeError);
    expect(() => ntt([])).toThrow(RangeError);
    expect(() => new Domain(29, BN254_FR)).toThrow(RangeError);
    expect(() => ntt([1n, 2n], { coset: 0n })).toThrow(RangeError);
  });
});

describe("four-step (chunked) NTT", () => {
  it("equals the radix-2 NTT, forward, inverse and coset, for odd and even log sizes", () => {
    for (const [F, k] of [[BN254_FR, 9], [BN254_FR, 10], [GOLDILOCKS, 7], [BABYBEAR, 1]] as const) {
      const a = FieldVec.fromBigints(F, rand(F, 1 << k));
      const want = ntt(a, { fourStep: false });
      const got = ntt(a, { fourStep: true });
      expect(got.data).toEqual(want.data);
      expect(intt(got, { fourStep: true }).data).toEqual(a.data);
      const c = ntt(a, { fourStep: true, coset: 3n });
      expect(c.data).toEqual(ntt(a, { coset: 3n }).data);
      const v = c.clone();
      nttInPlace(v, { fourStep: true, coset: 3n, inverse: true });
      expect(v.data).toEqual(a.data);
    }
  });
});

describe("nttParallel (four-step on worker threads)", () => {
  it("equals ntt() at 2^12 and 2^13, forward, inverse and coset", async () => {
    for (const k of [12, 13]) {
      const a = FieldVec.fromBigints(BN254_FR, rand(BN254_FR, 1 << k));
      const ev = await nttParallel(a, { threads: 2 });
      expect(ev.data).toEqual(ntt(a).data);
      expect((await nttParallel(ev, { threads: 2, inverse: true })).data).toEqual(a.data);
      const c = await nttParallel(a, { threads: 3, coset: 7n });
      expect(c.data).toEqual(ntt(a, { coset: 7n }).data);
      expect((await nttParallel(c, { threads: 2, coset: 7n, inverse: true })).data).toEqual(a.data);
    }
  });
});
