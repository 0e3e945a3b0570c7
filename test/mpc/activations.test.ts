// std::mpc (stdlib/mpc/mod.cwl): ReLU and the piecewise sigmoid on fixed-point secrets. The clear
// interpreter gives the formulas' values (floors of the fixed-point encodings), the SPDZ backend the
// same within the truncation's last place, ReLU exactly; the typing rules they rely on (sfix·sint is
// fixed point and not truncated, sfix / 2^k a truncation) refuse what they do not cover.
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../base/files/index.ts";
import { compileFile, runPasses } from "../../compiler/pipeline/index.ts";
import { run } from "../../compiler/interp/index.ts";
import { compileProtocol } from "../../tooling/cli/mpc-compile.ts";
import { programInputs } from "../../tooling/cli/mpc-party.ts";
import { connectInProcess } from "../../runtime/mpc/net/index.ts";
import { runProgram } from "../../runtime/mpc/index.ts";
import { InsecureDealer, Spdz2kParty } from "../../runtime/mpc/spdz2k/index.ts";

const FILE = join(REPO_ROOT, "test/mpc/fixtures/activations.cwl");
const XS = [-3, -2, -0.7, 0, 1.3, 5, -2.0001, 1.99];
const enc = (x: number) => Math.round(x * 65536);
const relu = (x: number) => Math.max(enc(x), 0) / 65536;
/** The fixed-point hard sigmoid as the protocol computes it: floor((X + 2^17) / 4), clamped to [0, 2^16]. */
const sigmoid = (x: number) => Math.min(Math.max(Math.floor((enc(x) + 2 * 65536) / 4), 0), 65536) / 65536;

function source(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), "cwl-act-"));
  const f = join(dir, "act.cwl");
  writeFileSync(f, `use std::mpc;\n\nprotocol Act(secret(0) x: [sfix; ${n}]) {\n    for i in 0..${n} {\n        reveal mpc::relu(x[i]);\n        reveal mpc::sigmoid(x[i]);\n    }\n}\n`);
  return f;
}

describe("std::mpc activations", () => {
  const file = source(XS.length);
  const want = XS.flatMap((x) => [relu(x), sigmoid(x)]);

  it("the interpreter computes ReLU and the hard sigmoid on fixed-point values", () => {
    const r = compileFile(file);
    runPasses(r.ir!, "inline,unroll,const-fold");
    const res = run(r.ir!, { inputs: { x: XS } });
    expect(res.ok).toBe(true);
    expect(res.revealed.map((v) => v.json)).toEqual(want);
  });

  it("two parties with the SPDZ backend give the same values (ReLU exact, the sigmoid within 2^-16)", async () => {
    const prog = compileProtocol(file).program!;
    const nets = await connectInProcess(2, { timeoutMs: 20_000 });
    const out = await Promise.all(
      nets.map(async (net) => {
        const p = new Spdz2kParty(net, new InsecureDealer(net.party, 2, Buffer.from("activations")));
        const r = await runProgram(p, prog, programInputs(prog, net.party, { x: XS }, "x"));
        await net.close();
        return r.revealed.map((v) => Number(v) / 65536);
      }),
    );
    for (const got of out)
      got.forEach((g, i) => {
        if (i % 2 === 0) expect(g, `relu(${XS[i >> 1]})`).toBe(want[i]);
        else expect(Math.abs(g - want[i]), `sigmoid(${XS[i >> 1]})`).toBeLessThanOrEqual(2 ** -16);
      });
  }, 60_000);

  it("the fixture in test/mpc/fixtures compiles for the backend", () => {
    expect(compileProtocol(FILE).program?.instrs.filter((i) => i.op === "lt").length).toBe(18);
  });

  it("sint and sfix meet only in a product; a secret fixed-point value is divided only by a constant power of two", () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-act-"));
    const bad = (body: string) => {
      const f = join(dir, `b${Math.random().toString(36).slice(2)}.cwl`);
      writeFileSync(f, `protocol B(secret(0) x: sfix, secret(1) k: sint) {\n    ${body}\n}\n`);
      return compileProtocol(f).errors ?? "";
    };
    expect(bad("reveal x + k;")).toMatch(/error\[E0203\]: cannot apply `\+` to sfix and sint/);
    expect(bad("reveal x / 3;")).toMatch(/error\[E0203\]: a secret fixed-point value can only be divided by a constant power of two/);
    expect(bad("reveal x / x;")).toMatch(/error\[E0203\]/);
    expect(bad("reveal x * k;")).toBe("");
    expect(bad("reveal k * x;")).toBe("");
  });
});
