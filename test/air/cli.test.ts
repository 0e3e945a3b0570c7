// cwl prove prog.cwvm --field … and cwl verify --program …, in process: a BabyBear proof of a run
// verifies, and the same proof with another exit code in its statement is rejected; a bn254 proof file
// whose circuit shape does not fit the program is refused before any keygen. (The BN254 proof itself is
// exercised in zkvm-bn254.test.ts through the library: its keygen and proof take most of a minute here.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runCwlInProcess } from "../util/cli.ts";
import { assemble, encode, type Program } from "../../runtime/zkvm/index.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-air-"));
afterAll(() => rmSync(T, { recursive: true, force: true }));
const cwl = (...args: string[]) => runCwlInProcess(args);
const f = (n: string) => join(T, n);

const P = assemble(`
  .memory 256
  .regs 16
  const r3, 7
  add r6, r3, r3
  ecall 0, r6, r0
`) as Program;

it("proves a .cwvm run with the STARK and verifies it; another statement is rejected", async () => {
  writeFileSync(f("p.cwvm"), encode(P));
  const pr = await cwl("prove", f("p.cwvm"), "--field", "babybear", "-o", f("p.json"));
  expect(pr.status, pr.out).toBe(0);
  expect(pr.out).toMatch(/wrote .*p\.json \(babybear/);
  const ok = await cwl("verify", "--program", f("p.cwvm"), "--proof", f("p.json"));
  expect(ok.status, ok.out).toBe(0);
  expect(ok.out).toMatch(/proof OK \(zkvm, babybear, 3 instructions, exit code 14/);
  const j = JSON.parse(readFileSync(f("p.json"), "utf8"));
  writeFileSync(f("bad.json"), JSON.stringify({ ...j, statement: { ...j.statement, exitCode: 15 } }));
  const bad = await cwl("verify", "--program", f("p.cwvm"), "--proof", f("bad.json"));
  expect(bad.status).toBe(1);
  expect(bad.out).toMatch(/proof rejected/);
  // the same file read as a bn254 proof: its shape is missing, then does not fit the program
  writeFileSync(f("bn.json"), JSON.stringify({ ...j, field: "bn254" }));
  expect((await cwl("verify", "--program", f("p.cwvm"), "--proof", f("bn.json"), "--insecure-dev-srs")).out).toMatch(/needs "shape"/);
  writeFileSync(f("bn2.json"), JSON.stringify({ ...j, field: "bn254", shape: { heights: { alu: 4 }, boundaryRows: 8, fold: 1024 } }));
  expect((await cwl("verify", "--program", f("p.cwvm"), "--proof", f("bn2.json"), "--insecure-dev-srs")).out).toMatch(/shape does not fit .*height undefined/);
}, 120_000);
