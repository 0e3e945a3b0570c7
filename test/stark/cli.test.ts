// cwl prove prog.cwvm (BabyBear STARK on every core, no mock check) and cwl verify --program, in process,
// from the side of a cheating prover who edits the proof file: a flipped proof byte, another output in
// the statement and another program's proof are each rejected (exit 1, a reason, no stack trace).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runCwlInProcess } from "../util/cli.ts";
import { assemble, encode, type Program } from "../../runtime/zkvm/index.ts";

const T = mkdtempSync(join(tmpdir(), "cwl-stark-cli-"));
afterAll(() => rmSync(T, { recursive: true, force: true }));
const cwl = (...args: string[]) => runCwlInProcess(args);
const f = (n: string) => join(T, n);

// writes the four bytes 01 02 03 04 as output, exits with 0
const src = (word: string) => `
  .memory 256
  .regs 16
  const r3, 64
  const r4, ${word}
  sw r4, r3, 0
  const r11, 4
  ecall 3, r3, r11
  const r5, 0
  ecall 0, r5, r0
`;

it("proves a run with output, verifies it, and rejects a tampered byte, another output and another program", async () => {
  writeFileSync(f("p.cwvm"), encode(assemble(src("67305985")) as Program));
  writeFileSync(f("q.cwvm"), encode(assemble(src("67305986")) as Program));
  const pr = await cwl("prove", f("p.cwvm"), "-o", f("p.json"));
  expect(pr.status, pr.out).toBe(0);
  const j = JSON.parse(readFileSync(f("p.json"), "utf8"));
  expect(j.statement.output).toBe("01020304");
  expect(j.securityBits).toBeGreaterThanOrEqual(96);
  expect(j.program).toMatch(/^[0-9a-f]{64}$/);
  const ok = await cwl("verify", "--program", f("p.cwvm"), "--proof", f("p.json"));
  expect(ok.status, ok.out).toBe(0);

  // one byte of the proof flipped (past the header, inside the openings or FRI data)
  const bytes = Buffer.from(j.proof, "base64");
  bytes[Math.floor(bytes.length / 2)] ^= 1;
  writeFileSync(f("flip.json"), JSON.stringify({ ...j, proof: bytes.toString("base64") }));
  const flip = await cwl("verify", "--program", f("p.cwvm"), "--proof", f("flip.json"));
  expect(flip.status, flip.out).toBe(1);
  expect(flip.out).toMatch(/proof rejected/);
  expect(flip.out).not.toMatch(/\n\s+at /);

  // the statement claims another output
  writeFileSync(f("out.json"), JSON.stringify({ ...j, statement: { ...j.statement, output: "01020305" } }));
  const out = await cwl("verify", "--program", f("p.cwvm"), "--proof", f("out.json"));
  expect(out.status, out.out).toBe(1);
  expect(out.out).toMatch(/proof rejected/);

  // the proof checked against a program that writes another word
  const other = await cwl("verify", "--program", f("q.cwvm"), "--proof", f("p.json"));
  expect(other.status, other.out).toBe(1);
  expect(other.out).toMatch(/another program/);
  // … and with the program digest removed from the file, the key rebuilt from that program rejects it
  const { program: _drop, ...anon } = j;
  writeFileSync(f("anon.json"), JSON.stringify(anon));
  const anonOther = await cwl("verify", "--program", f("q.cwvm"), "--proof", f("anon.json"));
  expect(anonOther.status, anonOther.out).toBe(1);
  expect(anonOther.out).toMatch(/proof rejected/);
}, 300_000);
