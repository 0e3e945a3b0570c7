// `cwl build --target ts`: the generated modules (a circuit, a program, a two-party protocol, a kernel)
// type-check under `tsc --strict` against the package's public declarations, wrong inputs do not, and the
// compiled JavaScript calls them through `chainweave`: a proof verifies (and not for another public
// value), the program, protocol and kernel give the interpreter's results.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { main } from "../../tooling/cli/main.ts";
import { installApiPackage, removeApiBundle } from "../util/api-package.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-tsbind-"));
afterAll(() => {
  rmSync(T, { recursive: true, force: true });
  removeApiBundle();
});

const SOURCE = `use std::field::Bn254Fr;
use std::hash::poseidon;

circuit Preimage(pub hash: Bn254Fr, priv preimage: [Bn254Fr; 2], priv salt: u8) {
    assert_eq(poseidon::hash2(preimage[0] + (salt as Bn254Fr), preimage[1]), hash, "preimage does not hash to \`hash\`");
}

program Sum(xs: [u32; 3]) -> u32 {
    xs[0] + xs[1] + xs[2]
}

protocol Dot(secret(0) a: [sint; 2], secret(1) b: [sint; 2], public k: u32) {
    reveal (a[0] * b[0] + a[1] * b[1]) * k;
}

@workgroup(64)
kernel double(a: &[Bn254Fr], out: &mut [Bn254Fr]) {
    let i = global_id();
    if i < out.len() {
        out[i] = a[i] + a[i];
    }
}
`;

describe("TypeScript bindings", () => {
  it("type-check under --strict, reject wrong inputs, and prove, verify, run and launch through the package", { timeout: 240_000 }, async () => {
    const app = join(T, "app");
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "src", "items.cwl"), SOURCE);
    await installApiPackage(app);

    const cwd = process.cwd();
    process.chdir(app);
    let status: number;
    try {
      status = await main(["build", "src/items.cwl", "--target", "ts", "-o", "bindings"]);
    } finally {
      process.chdir(cwd);
    }
    expect(status).toBe(0);

    writeFileSync(
      join(app, "main.ts"),
      `import { Preimage, Sum, Dot, double } from "./bindings/index.js";
const inputs: Preimage.Inputs = { hash: "7853200120776062878684798364095072458815029376092732009249414926327459813530", preimage: [0n, 2], salt: 1 };
const proof = await Preimage.prove(inputs, { insecureDevSrs: true });
const key = await Preimage.setup({ insecureDevSrs: true });
const other = { ...proof, publicInputs: [["7"]] };
let refused = "";
try { await Preimage.prove({ ...inputs, salt: 2 }, { insecureDevSrs: true }); } catch (e) { refused = (e as { diagnostics: { code: string }[] }).diagnostics[0].code; }
const sum: number | string | unknown = Sum.run({ xs: [1, 2, "3"] }).outputs[0];
const dot = Dot.run({ party0: { a: [1, 2] }, party1: { b: [3, 4] }, public: { k: 10 } });
const doubled = double.launch({ a: [1, 2, 3], out: [0, 0, 0] });
const expected = await Preimage.verify(proof, key, { hash: inputs.hash });
const unexpected = await Preimage.verify(proof, key, { hash: 7n });
console.log(JSON.stringify({ verified: await Preimage.verify(proof), withKey: await Preimage.verify(proof, key), other: await Preimage.verify(other, key), expected, unexpected, refused, sum, dot: dot.revealed, doubled: doubled.buffers.out, item: Preimage.ITEM }));
`,
    );
    // Wrong shapes and types in inputs are compile errors of the user's code.
    writeFileSync(
      join(app, "wrong.ts"),
      `import { Preimage, Dot } from "./bindings/index.js";
await Preimage.prove({ hash: "1", preimage: [1, 2, 3], salt: 0 }, { insecureDevSrs: true });
await Preimage.prove({ hash: "1", preimage: [1, 2] }, { insecureDevSrs: true });
Dot.run({ party0: { a: [1, 2] }, public: { k: 1 } });
export {};
`,
    );
    const tsc = (files: string[], extra: string[] = []) =>
      spawnSync(
        process.execPath,
        [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node", ...extra, ...files],
        { cwd: app, encoding: "utf8" },
      );
    // Emitted in place: a generated module finds the .cwl source relative to itself.
    const good = tsc(["main.ts"]);
    expect(good.status, good.stdout).toBe(0);
    const bad = tsc(["wrong.ts"], ["--noEmit"]);
    const lines = bad.stdout.split("\n").filter((l) => /error TS/.test(l));
    expect(lines.map((l) => /^wrong\.ts\((\d+),/.exec(l)?.[1])).toEqual(["2", "3", "4"]);

    const r = spawnSync(process.execPath, ["main.js"], { cwd: app, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out).toEqual({
      verified: true,
      withKey: true,
      other: false,
      // A valid proof, but for another hash than the verifier expects.
      expected: true,
      unexpected: false,
      refused: "E0501",
      sum: 6,
      dot: ["110"],
      doubled: ["2", "4", "6"],
      item: "Preimage",
    });
  });
});
