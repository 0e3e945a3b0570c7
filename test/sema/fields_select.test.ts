// `--field` instantiates `F: Field` (and `Field`) with the chosen prime field; arithmetic follows its modulus.
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { run } from "../../compiler/interp/index.ts";
import { KNOWN_FIELDS } from "../../compiler/sema/index.ts";

const SRC = `
fn neg_one<F: Field>(x: F) -> F { x - 1 }
circuit Wrap<F: Field>(pub y: F, priv x: F) {
    assert_eq(neg_one(x), y);
}
circuit Plain(pub y: Field) -> Field { y * 2 }
`;

describe("--field", () => {
  for (const name of ["bn254", "goldilocks", "babybear", "pallas"] as const) {
    it(`${name}: 0 - 1 wraps to p - 1`, () => {
      const r = compileSource(`/virtual/field_${name}.cwl`, SRC, { field: name });
      expect(r.diagnostics).toEqual([]);
      const k = KNOWN_FIELDS[name];
      expect(r.ir!.fields.map((f) => f.modulus)).toContain(k.modulus);
      const wrap = r.checked!.entries.find((i) => i.item.name.name === "Wrap")!;
      expect(wrap.irName).toBe(`Wrap$${k.ir}`);
      const ok = run(r.ir!, { entry: wrap.irName, inputs: { x: "0", y: (k.modulus - 1n).toString() } });
      expect(ok.diagnostics).toEqual([]);
      const bad = run(r.ir!, { entry: wrap.irName, inputs: { x: "0", y: "1" } });
      expect(bad.ok).toBe(false);
      const plain = run(r.ir!, { entry: "Plain", inputs: { y: ((k.modulus + 1n) / 2n).toString() } });
      expect(plain.outputsJson).toEqual(["1"]);
    });
  }
  it("an unknown field name is a diagnostic", () => {
    const r = compileSource("/virtual/field_bad.cwl", SRC, { field: "secp" });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0220"]);
  });
});
