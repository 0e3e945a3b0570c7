// Protocols in the clear (reference MPC semantics: sint, sfix fixed-point with truncation, matmul)
// checked against float/bigint arithmetic; kernels over arrays, including barriers and workgroup memory.
import { describe, expect, it } from "vitest";
import { Builder, Module, T, parseText, verifyModule } from "../../compiler/ir/index.ts";
import { decodeFixed, encodeFixed, run } from "../../compiler/interp/index.ts";

const P = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;
const FRAC = 16;

describe("protocols (clear reference semantics)", () => {
  const m = new Module();
  m.addField("bn254_fr", P);
  const SF = T.sfix("bn254_fr", FRAC);
  const b = new Builder(m);
  const f = b.func("protocol", "grad", [
    { type: T.array(T.array(SF, 3), 4), vis: "secret", party: 0, name: "x" },
    { type: T.array(SF, 4), vis: "secret", party: 1, name: "y" },
    { type: T.fix("bn254_fr", FRAC), vis: "public", name: "lr" },
  ]);
  const [x, y, lr] = f.args;
  const g = b.mpc.matmul(b.mpc.transpose(x), y); // xᵀ·y : [3]
  b.mpc.reveal(g);
  b.mpc.reveal(b.mpc.mul(b.mpc.matmul(g, g), b.mpc.share(lr, SF)), 1);
  b.cf.return();

  it("xᵀy and a scaled dot product match float arithmetic to fixed-point precision", () => {
    expect(verifyModule(m)).toEqual([]);
    const X = [[0.5, -1.25, 2], [1, 0.75, -0.5], [-2, 0.125, 1.5], [3.5, -0.25, 0.0625]];
    const Y = [1.5, -2, 0.25, 0.5];
    const r = run(m, { inputs: { x: X, y: Y, lr: "0.01" } });
    expect(r.diagnostics).toEqual([]);
    const want = [0, 1, 2].map((j) => X.reduce((s, row, i) => s + row[j] * Y[i], 0));
    const got = r.revealed[0].json as number[];
    got.forEach((v, j) => expect(Math.abs(v - want[j])).toBeLessThan(2 ** -FRAC * 4));
    const dot = want.reduce((s, v) => s + v * v, 0) * 0.01;
    expect(r.revealed[1].to).toBe(1);
    expect(Math.abs((r.revealed[1].json as number) - dot)).toBeLessThan(1e-3);
  });

  it("fixed-point encoding is exact for decimal strings and rounds to nearest", () => {
    expect(encodeFixed("1.5", 16, P)).toBe(98304n);
    expect(encodeFixed("-0.5", 16, P)).toBe(P - 32768n);
    expect(encodeFixed(1e-6, 16, P)).toBe(0n);
    expect(encodeFixed("0.0000153", 16, P)).toBe(1n);
    expect(decodeFixed(P - 98304n, 16, P)).toBe(-1.5);
  });

  it("trunc floors signed values; lt compares signed; sint mul is exact", () => {
    const text = `field @bn254_fr = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001

protocol @p(%0: !sint<bn254_fr> {name = "a", party = 0, vis = "secret"}, %1: !sint<bn254_fr> {name = "b", party = 1, vis = "secret"}) {
  %2 = mpc.trunc %0 {bits = 1} : !sint<bn254_fr>
  mpc.reveal %2
  %3 = mpc.lt %0, %1 : !sint<bn254_fr>
  mpc.reveal %3
  %4 = mpc.mul %0, %1 : !sint<bn254_fr>
  mpc.reveal %4
  %5 = mpc.input {name = "c", party = 2} : !sint<bn254_fr>
  %6 = mpc.sub %5, %0 : !sint<bn254_fr>
  mpc.reveal %6
  cf.return
}
`;
    const { module, diagnostics } = parseText(text);
    expect(diagnostics).toEqual([]);
    const r = run(module, { inputs: { a: "-3", b: "2", c: "10" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.revealed.map((v) => v.json)).toEqual(["-2", "1", "-6", "13"]);
    const r2 = run(module, { inputs: { a: "7", b: "-100", c: "0" } });
    expect(r2.revealed.map((v) => v.json)).toEqual(["3", "0", "-700", "-7"]);
    const missing = run(module, { inputs: { a: "7", b: "1" } });
    expect(missing.diagnostics[0].code).toBe("E0506");
  });
});

describe("kernels", () => {
  it("vector add over a dispatch larger than the buffers is guarded by global_id", () => {
    const m = new Module();
    const b = new Builder(m);
    const f = b.func("kernel", "vadd", [{ type: T.mem(T.i32), name: "a" }, { type: T.mem(T.i32), name: "b", attrs: { access: "read_write" } }], [], { workgroup: [64n] });
    const [a, out] = f.args;
    const gid = b.k.globalId();
    b.cf.if(b.i.cmp("ult", gid, b.mem.len(a)), [], () => {
      b.mem.store(out, gid, b.i.add(b.mem.load(a, gid), b.mem.load(out, gid)));
    });
    b.cf.return();
    expect(verifyModule(m)).toEqual([]);
    const A = Array.from({ length: 100 }, (_, i) => i * 7);
    const B = Array.from({ length: 100 }, (_, i) => 4294967295 - i);
    const r = run(m, { inputs: { a: A, b: B } });
    expect(r.diagnostics).toEqual([]);
    expect((r.buffers[1] as bigint[]).map(Number)).toEqual(A.map((x, i) => (x + B[i]) >>> 0));
  });

  it("a workgroup tree reduction with barriers inside a loop sums each group", () => {
    const WG = 8;
    const m = new Module();
    const b = new Builder(m);
    const f = b.func("kernel", "reduce", [{ type: T.mem(T.i32), name: "xs" }, { type: T.mem(T.i32), name: "sums", attrs: { access: "read_write" } }], [], { workgroup: [BigInt(WG)] });
    const [xs, sums] = f.args;
    const shared = b.mem.alloc(T.i32, WG, "workgroup");
    const lid = b.k.localId();
    b.mem.store(shared, lid, b.mem.load(xs, b.k.globalId()));
    b.k.barrier();
    // stride = 4, 2, 1: for s in 0..3 { stride = 4 >> s; if lid < stride { sh[lid] += sh[lid + stride] }; barrier }
    b.cf.for(0, 3, [], (s) => {
      const stride = b.i.shru(b.i.const(WG / 2), s);
      b.cf.if(b.i.cmp("ult", lid, stride), [], () => {
        b.mem.store(shared, lid, b.i.add(b.mem.load(shared, lid), b.mem.load(shared, b.i.add(lid, stride))));
      });
      b.k.barrier();
      return [];
    });
    b.cf.if(b.i.cmp("eq", lid, b.i.const(0)), [], () => {
      b.mem.store(sums, b.k.workgroupId(), b.mem.load(shared, b.i.const(0)));
    });
    b.cf.return();
    expect(verifyModule(m)).toEqual([]);
    const xsIn = Array.from({ length: 32 }, (_, i) => (i * 37) % 11);
    const r = run(m, { inputs: { xs: xsIn, sums: [0, 0, 0, 0] } });
    expect(r.diagnostics).toEqual([]);
    const want = [0, 1, 2, 3].map((g) => xsIn.slice(g * WG, g * WG + WG).reduce((s, v) => s + v, 0));
    expect((r.buffers[1] as bigint[]).map(Number)).toEqual(want);
  });

  it("a barrier under non-uniform control flow is reported (E0510)", () => {
    const m = new Module();
    const b = new Builder(m);
    const f = b.func("kernel", "bad", [{ type: T.mem(T.i32), name: "xs" }], [], { workgroup: [4n] });
    b.cf.if(b.i.cmp("ult", b.k.localId(), b.i.const(2)), [], () => {
      b.k.barrier();
    });
    b.mem.store(f.args[0], b.k.globalId(), b.i.const(1));
    b.cf.return();
    const r = run(m, { inputs: { xs: [0, 0, 0, 0] } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0510"]);
  });
});
