// cwl build --target zkvm and cwl run on the bytecode, in process: the output and the instruction
// count are printed, and they equal what the interpreter (cwl run on the .cwl) prints.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runCwlInProcess } from "../util/cli.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-zkvm-"));
afterAll(() => rmSync(T, { recursive: true, force: true }));

const cwl = (...args: string[]) => runCwlInProcess(args);

it("builds a program to .cwvm and runs it with JSON input", async () => {
  const src = join(T, "sum.cwl");
  writeFileSync(src, "program Sum(input: Bytes, k: u32) -> u32 {\n  let mut s: u32 = 0;\n  for i in 0..4 { s += (input[i] as u32) * k; }\n  s\n}\n");
  writeFileSync(join(T, "in.json"), JSON.stringify({ input: [1, 2, 3, 4, 5], k: 3 }));
  const b = await cwl("build", src, "--target", "zkvm", "-o", join(T, "sum.cwvm"));
  expect(b.status, b.out).toBe(0);
  expect(b.out).toMatch(/wrote .*sum\.cwvm \(\d+ bytes, \d+ instructions\)/);
  const r = await cwl("run", join(T, "sum.cwvm"), "--input", join(T, "in.json"));
  expect(r.status, r.out).toBe(0);
  const vm = JSON.parse(r.out);
  expect(vm.outputs).toEqual([30]);
  expect(vm.instructions).toBeGreaterThan(20);
  expect(Object.values(vm.families as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(vm.instructions);
  const ref = JSON.parse((await cwl("run", src, "--input", join(T, "in.json"))).out);
  expect(vm.outputs).toEqual(ref.outputs);
});

it("a trap is exit 1 with the instruction named", async () => {
  const src = join(T, "oob.cwl");
  writeFileSync(src, "program P(input: Bytes) -> u32 { input[3] as u32 }\n");
  writeFileSync(join(T, "short.json"), JSON.stringify({ input: [1] }));
  expect((await cwl("build", src, "--target", "zkvm", "-o", join(T, "oob.cwvm"))).status).toBe(0);
  const r = await cwl("run", join(T, "oob.cwvm"), "--input", join(T, "short.json"));
  expect(r.status).toBe(1);
  expect(r.out).toMatch(/error: .*instruction \d+ \(chkltu\): check 1 failed: index 3 is not below 1/);
});
