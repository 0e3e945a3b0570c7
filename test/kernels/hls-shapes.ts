// Builder-made kernels for the HLS DATAFLOW split (test/kernels/hls-*.test.ts).
import { Builder, Module, T } from "../../compiler/ir/index.ts";
import { BN254_FR } from "../../runtime/field/index.ts";

/**
 * Kernel shapes the stdlib does not have: store-only (no read process), loads in a loop at addresses
 * from a carried u32 and mem.len, a store under a condition (no token otherwise), read-modify-write.
 */
export function shapesModule(): Module {
  const m = new Module();
  m.addField("bn254_fr", BN254_FR.p);
  const F = T.field("bn254_fr");
  const b = new Builder(m);
  const rw = { access: "read_write" };
  const wg = { workgroup: [64n, 1n, 1n] };
  {
    const fn = b.func("kernel", "fill", [{ type: T.mem(T.i32), name: "out", attrs: rw }], [], wg);
    const i = b.k.globalId();
    b.mem.store(fn.args[0], i, b.i.mul(i, b.i.const(3)));
    b.cf.return([]);
  }
  {
    const fn = b.func("kernel", "window", [{ type: T.mem(T.i32), name: "a" }, { type: T.mem(T.i32), name: "out", attrs: rw }], [], wg);
    const [a, out] = fn.args;
    const i = b.k.globalId();
    const [sum] = b.cf.for(0, 20, [b.i.const(0), i], (_j, [acc, at]) => [b.i.add(acc, b.mem.load(a, at)), b.i.remu(b.i.add(at, b.i.const(7)), b.mem.len(a))]);
    b.mem.store(out, i, sum);
    b.cf.return([]);
  }
  {
    const fn = b.func("kernel", "square_if", [{ type: T.mem(F), name: "x" }, { type: T.mem(T.i32), name: "flag" }, { type: T.mem(F), name: "y", attrs: rw }], [], wg);
    const [x, flag, y] = fn.args;
    const i = b.k.globalId();
    b.cf.if(b.i.cmp("ne", b.mem.load(flag, i), b.i.const(0)), [], () => {
      const v = b.mem.load(x, i);
      b.mem.store(y, i, b.f.mul(v, v));
      return [];
    });
    b.cf.return([]);
  }
  {
    const fn = b.func("kernel", "bump", [{ type: T.mem(F), name: "buf", attrs: rw }], [], wg);
    const i = b.k.globalId();
    b.mem.store(fn.args[0], i, b.f.add(b.mem.load(fn.args[0], i), b.i.toF(i, F)));
    b.cf.return([]);
  }
  return m;
}
