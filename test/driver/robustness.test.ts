// Every command × a corpus of bad arguments — a missing path, a directory, an empty, binary, huge (a
// sparse 1 GiB file), truncated or wrong kind of file, numbers out of range — must end with exit code 1
// and a diagnostic: never a stack trace, never "internal error", and never a changed input file.
// The cases run in-process through the CLI's main() (each costs milliseconds once a command's modules
// are loaded); a sample of them, plain `cwl lsp` and a reader that closes stdout early run through
// bin/cwl.js as a user runs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { main } from "../../tooling/cli/main.ts";
import { loadCircuit, writeProof, writePublic, writeVk } from "../../tooling/cli/plonkish.ts";
import { witnessFor } from "../../backends/plonkish/index.ts";
import { insecureDevSrs, keygen, minimumK, prove } from "../../runtime/plonk/index.ts";

let T: string;
const p = (name: string) => join(T, name);

/** Runs `cwl ...args` in this process, capturing what it prints. */
async function cwlInProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const saved = { out: process.stdout.write, err: process.stderr.write, log: console.log, error: console.error, warn: console.warn };
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  console.log = (...a: unknown[]) => void (stdout += a.join(" ") + "\n");
  console.error = console.warn = (...a: unknown[]) => void (stderr += a.join(" ") + "\n");
  try {
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    console.log = saved.log;
    console.error = saved.error;
    console.warn = saved.warn;
  }
}

/** Runs bin/cwl.js; `closeStdout` destroys the read end at once (a reader like `head` that quit). */
function cwlSpawn(args: string[], opts: { closeStdout?: boolean } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const c = spawn(process.execPath, [join(REPO_ROOT, "bin", "cwl.js"), ...args], { cwd: T });
    let stdout = "";
    let stderr = "";
    if (opts.closeStdout) c.stdout.destroy();
    else c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    c.on("close", (status) => done({ status, stdout, stderr }));
    c.stdin.end();
  });
}

/** Every file under T (and each folder's listing) by content hash: inputs must come out byte-identical. */
function snapshot(dir = T, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const f = join(dir, name);
    const st = statSync(f);
    if (st.isDirectory()) {
      out.set(f, `dir:${readdirSync(f).sort().join(",")}`);
      snapshot(f, out);
    } else if (st.size > 64 * 2 ** 20) out.set(f, `size:${st.size}:${st.mtimeMs}`);
    else out.set(f, createHash("sha256").update(readFileSync(f)).digest("hex"));
  }
  return out;
}

const GOOD_CWL = `circuit Square(pub y: Field, priv x: Field) {
    assert y == x * x, "y must be x^2";
}
`;
const SPEC = `spec Counter {
  params n: u32 = 50;
  state a: i32 = 0;
  state b: i32 = 0;
  action inc_a() when a < n { a = a + 1; }
  action inc_b() when b < n { b = b + 1; }
  invariant small: a + b <= 2 * n;
}
`;

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), "cwl-robust-"));
  writeFileSync(p("good.cwl"), GOOD_CWL);
  writeFileSync(p("spec.cwl"), SPEC);
  writeFileSync(p("in.json"), JSON.stringify({ y: "49", x: "7" }));
  mkdirSync(p("dir.cwl"));
  mkdirSync(p("dir.json"));
  mkdirSync(p("dir.cwvm"));
  writeFileSync(p("empty.cwl"), "");
  writeFileSync(p("empty.json"), "");
  // Every byte value, NULs and escape sequences included.
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 255;
  writeFileSync(p("binary.cwl"), bytes);
  writeFileSync(p("binary.json"), bytes);
  writeFileSync(p("latin1.cwl"), Buffer.from("circuit C(pub x: Field) { assert x == 1, \"caf\xe9\"; }\n", "latin1"));
  // Sparse: 1 GiB on paper, no blocks on disk; the size check must refuse it without reading it.
  for (const f of ["huge.cwl", "huge.json", "huge.ptau"]) {
    writeFileSync(p(f), "");
    truncateSync(p(f), 2 ** 30);
  }
  writeFileSync(p("trunc.cwl"), GOOD_CWL.slice(0, 40));
  // `mod dir;` where dir.cwl is a folder.
  writeFileSync(p("uses-dir.cwl"), "mod dir;\n" + GOOD_CWL);
  writeFileSync(p("trunc.json"), '{"y": "49", "x": "7');
  // `cwl node start` configs whose key file is each bad JSON file (well-formed public keys, so the key file is what fails).
  BAD_JSON.forEach(([f], i) => writeFileSync(p(`keyed-${i}.json`), JSON.stringify({ id: 0, peers: ["127.0.0.1:1"], keyFile: f, keys: [{ publicKey: "00".repeat(96), pop: "00".repeat(48) }] })));
  copyFileSync(join(REPO_ROOT, "test/plonk/fixtures/select.cwir"), p("select.cwir"));
  // A real key, proof and public inputs (the development SRS), and their truncations.
  const loaded = loadCircuit(p("select.cwir"));
  const c = loaded.compiled!;
  const k = minimumK(c.program.circuit);
  const pk = await keygen(insecureDevSrs(1 << k), c.program.circuit, { k });
  const { witness } = witnessFor(c, { out: "49", x: "7", y: "7" });
  writeVk(p("good.vk"), pk.vk);
  writeProof(p("good.proof"), await prove(pk, witness!));
  writePublic(p("good.public.json"), c.program.publicNames, witness!.instance);
  for (const f of ["good.vk", "good.proof"]) {
    const b = readFileSync(p(f));
    writeFileSync(p(f.replace("good", "trunc")), b.subarray(0, b.length >> 1));
  }
  writeFileSync(p("trunc.public.json"), readFileSync(p("good.public.json"), "utf8").slice(0, 20));
  writeFileSync(p("trunc.ptau"), Buffer.concat([Buffer.from("ptau"), Buffer.alloc(20)]));
  // A KV accumulator with one applied block.
  const ops = JSON.stringify([{ kind: "write", address: 1, slot: 2, value: 3 }]);
  writeFileSync(p("ops.json"), ops);
  expect((await cwlInProcess(["kv", "init", p("acc"), "--depth", "8"])).status).toBe(0);
  expect((await cwlInProcess(["kv", "apply", p("acc"), "--ops", p("ops.json")])).status).toBe(0);
  // Copies whose proving record is damaged: cut short (a JSON syntax error), one hex digit changed.
  const record = readFileSync(p("acc/last-block.json"), "utf8");
  cpSync(p("acc"), p("acc-cut"), { recursive: true });
  writeFileSync(p("acc-cut/last-block.json"), record.slice(0, record.length >> 1));
  cpSync(p("acc"), p("acc-digit"), { recursive: true });
  const at = record.indexOf('"rootAfter":"0x') + 15;
  writeFileSync(p("acc-digit/last-block.json"), record.slice(0, at) + (record[at] === "1" ? "2" : "1") + record.slice(at + 1));
  // A protocol with fixed-point inputs, and an input that is not a number.
  writeFileSync(p("fix.cwl"), "protocol F(secret(0) a: sfix, secret(1) b: sfix) { reveal a * b; }\n");
  writeFileSync(p("fix.json"), JSON.stringify({ a: "one half", b: 2 }));
  // zkVM bytecode of a program, and damaged copies: cut short, a wrong magic, an unknown opcode.
  writeFileSync(p("prog.cwl"), "program P(input: Bytes) -> u32 { input.len() }\n");
  expect((await cwlInProcess(["build", p("prog.cwl"), "--target", "zkvm", "-o", p("good.cwvm")])).status).toBe(0);
  const vm = readFileSync(p("good.cwvm"));
  writeFileSync(p("trunc.cwvm"), vm.subarray(0, vm.length >> 1));
  writeFileSync(p("magic.cwvm"), Buffer.concat([Buffer.from("MVWC"), vm.subarray(4)]));
  const badOp = Buffer.from(vm);
  badOp[40] = 0xee;
  writeFileSync(p("opcode.cwvm"), badOp);
  writeFileSync(p("empty.cwvm"), "");
  // WebAssembly modules (hand-assembled): one exported `main` whose body is given, then damaged ones.
  const wasm = (result: number, body: number[]) => {
    const code = [0x00, ...body, 0x0b];
    return Buffer.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, result,
      0x03, 0x02, 0x01, 0x00,
      0x07, 0x08, 0x01, 0x04, 0x6d, 0x61, 0x69, 0x6e, 0x00, 0x00,
      0x0a, code.length + 2, 0x01, code.length, ...code,
    ]);
  };
  writeFileSync(p("good.wasm"), wasm(0x7f, [0x41, 0x2a]));
  writeFileSync(p("trunc.wasm"), wasm(0x7f, [0x41, 0x2a]).subarray(0, 20));
  writeFileSync(p("invalid.wasm"), wasm(0x7f, [0x42, 0x01]));
  writeFileSync(p("simd.wasm"), wasm(0x7f, [0xfd, 0x0c, ...Buffer.alloc(16), 0x1a, 0x41, 0x00]));
  writeFileSync(p("trap.wasm"), wasm(0x7f, [0x00]));
}, 120_000);

afterAll(() => {
  if (T) rmSync(T, { recursive: true, force: true });
});

type Case = { args: string[]; says?: RegExp };
const c = (says: RegExp | undefined, ...args: string[]): Case => ({ args, says });

/** The bad sources every command that reads a .cwl file is given. */
const BAD_SOURCES: [string, RegExp][] = [
  ["missing.cwl", /no such file/],
  ["dir.cwl", /is a directory/],
  ["binary.cwl", /is not a text file: it has a NUL byte/],
  ["latin1.cwl", /is not a text file: it is not valid UTF-8/],
  ["huge.cwl", /too large: 1024 MiB/],
  ["trunc.cwl", /error\[E00\d\d\]/],
  ["in.json", /error\[E0\d\d\d\]/],
];
/** The bad JSON files (inputs, operations, public inputs, bundles). */
const BAD_JSON: [string, RegExp][] = [
  ["missing.json", /no such file/],
  ["dir.json", /is a directory/],
  ["empty.json", /not valid JSON|must hold|expected/],
  ["binary.json", /is not a text file/],
  ["huge.json", /too large/],
  ["trunc.json", /not valid JSON/],
  ["good.cwl", /not valid JSON/],
];

function cases(): Case[] {
  const out: Case[] = [];
  for (const [f, says] of BAD_SOURCES) {
    out.push(c(says, "check", f));
    out.push(c(says, "build", f));
    out.push(c(says, "build", f, "--target", "plonkish"));
    out.push(c(says, "run", f));
    out.push(c(says, "kernel", f, "--target", "wgsl"));
    out.push(c(f === "in.json" || f === "trunc.cwl" ? undefined : says, "check-spec", f));
    out.push(c(says, "setup", f, "--insecure-dev-srs"));
    out.push(c(says, "prove", f, "-i", "in.json", "--insecure-dev-srs"));
    if (f !== "in.json") out.push(c(says, "fmt", f));
    // Commands added later are covered from the day their file exists.
    if (existsSync(join(REPO_ROOT, "tooling/cli/commands/audit.ts"))) out.push(c(says, "audit", f));
    if (existsSync(join(REPO_ROOT, "tooling/cli/commands/mpc.ts"))) out.push(c(says, "mpc", "run", f));
    // A .json file is a verifying key to export-verifier (below).
    if (f !== "in.json") out.push(c(says, "export-verifier", f, "--solidity", "--insecure-dev-srs"));
  }
  for (const [f, says] of BAD_JSON) {
    out.push(c(says, "run", "good.cwl", "--input", f));
    out.push(c(says, "prove", "good.cwl", "-i", f, "--insecure-dev-srs"));
    out.push(c(says, "verify", "--vk", "good.vk", "--proof", "good.proof", "--public", f));
    out.push(c(says, "kv", "apply", "acc", "--ops", f));
    out.push(c(says, "kv", "verify", f, "--insecure-dev-srs"));
    if (existsSync(join(REPO_ROOT, "tooling/cli/commands/node.ts"))) out.push(c(says, "node", "start", "--config", f));
    out.push(c(says, "prove", "good.cwvm", "--input", f));
    out.push(c(says, "verify", "--program", "good.cwvm", "--proof", f));
  }
  BAD_JSON.forEach(([, says], i) => out.push(c(says, "node", "start", "--config", `keyed-${i}.json`)));
  out.push(c(/needs --out/, "node", "keygen"));
  out.push(c(/--nodes must be an integer/, "node", "init", "--nodes", "0", "--out", "cluster"));
  for (const [f, says] of [
    ["missing.vk", /no such file/],
    ["dir.cwl", /is a directory/],
    ["empty.cwl", /verifying key|expected|truncated|bad|end of/i],
    ["binary.cwl", /verifying key|expected|bad|magic|format/i],
    ["trunc.vk", /good|truncated|end|bad|expected/i],
    ["good.proof", /was it written by `cwl setup`/],
  ] as [string, RegExp][]) {
    out.push(c(says, "verify", "--vk", f, "--proof", "good.proof", "--public", "good.public.json"));
    out.push(c(says, "prove", "select.cwir", "-i", "in.json", "--insecure-dev-srs", "--vk", f));
    if (!f.endsWith(".cwl")) out.push(c(says, "export-verifier", f, "--solidity"));
  }
  out.push(c(/not a ChainWeave verifying key|verifying key/, "export-verifier", "in.json", "--solidity"));
  out.push(c(/name the verifier's target/, "export-verifier", "good.vk"));
  out.push(c(/--contract '9x' is not a Solidity identifier/, "export-verifier", "good.vk", "--solidity", "--contract", "9x"));
  out.push(c(/--k applies to a circuit input/, "export-verifier", "good.vk", "--solidity", "-k", "5"));
  out.push(c(/no SRS given/, "export-verifier", "good.cwl", "--solidity"));
  for (const [f, says] of [
    ["missing.proof", /no such file/],
    ["dir.cwl", /is a directory/],
    ["empty.cwl", /proof/],
    ["binary.cwl", /proof/],
    ["trunc.proof", /proof/],
    ["good.vk", /was it written by `cwl prove`/],
  ] as [string, RegExp][])
    out.push(c(says, "verify", "--vk", "good.vk", "--proof", f, "--public", "good.public.json"));
  out.push(c(/expected \{ "public"/, "verify", "--vk", "good.vk", "--proof", "good.proof", "--public", "in.json"));
  out.push(c(/not valid JSON/, "verify", "--vk", "good.vk", "--proof", "good.proof", "--public", "trunc.public.json"));
  for (const [f, says] of [
    ["missing.ptau", /no such file/],
    ["dir.cwl", /is a directory/],
    ["empty.cwl", /truncated|magic/],
    ["binary.cwl", /magic/],
    ["huge.ptau", /magic/],
    ["trunc.ptau", /truncated|missing/],
    ["good.cwl", /magic/],
  ] as [string, RegExp][]) {
    out.push(c(says, "setup", "good.cwl", "--ptau", f));
    out.push(c(says, "prove", "good.cwl", "-i", "in.json", "--ptau", f));
  }
  // zkVM bytecode: damaged files, inputs that do not fit its signature, a module without a program.
  for (const [f, says] of [
    ["missing.cwvm", /no such file/],
    ["dir.cwl", /is a directory/],
    ["empty.cwvm", /too short/],
    ["trunc.cwvm", /header describes/],
    ["magic.cwvm", /magic number/],
    ["opcode.cwvm", /unknown opcode 238/],
  ] as [string, RegExp][]) {
    out.push(c(says, "run", f.endsWith(".cwl") ? "dir.cwvm" : f, "--input", "in.json"));
    out.push(c(says, "prove", f.endsWith(".cwl") ? "dir.cwvm" : f, "--input", "in.json", "--field", "bn254", "--insecure-dev-srs"));
    out.push(c(says, "verify", "--program", f.endsWith(".cwl") ? "dir.cwvm" : f, "--proof", "in.json"));
  }
  out.push(c(/missing input `input`/, "run", "good.cwvm", "--input", "in.json"));
  // zkVM proofs: the field, the proof file's kind, a circuit given zkVM flags, verify without its files.
  out.push(c(/missing input `input`/, "prove", "good.cwvm", "--input", "in.json"));
  out.push(c(/--field must be one of babybear, bn254, not goldilocks/, "prove", "good.cwvm", "--input", "in.json", "--field", "goldilocks"));
  out.push(c(/not a zkVM proof file/, "verify", "--program", "good.cwvm", "--proof", "in.json"));
  out.push(c(/--field and --fold apply to \.cwvm/, "prove", "good.cwl", "-i", "in.json", "--insecure-dev-srs", "--field", "bn254"));
  out.push(c(/missing --vk and --public/, "verify", "--proof", "good.proof"));
  out.push(c(/takes inputs/, "run", "good.cwvm"));
  out.push(c(/E0681.*no program/, "build", "good.cwl", "--target", "zkvm", "-o", "x.cwvm"));
  // WebAssembly guests: malformed, invalid, unsupported, no such entry, a trap, a target they lack.
  out.push(c(/E0690.*trunc\.wasm.*unexpected end/, "run", "trunc.wasm"));
  out.push(c(/E0690.*invalid\.wasm.*type mismatch.*function main/, "build", "invalid.wasm", "--target", "zkvm", "-o", "x.cwvm"));
  out.push(c(/E0691.*SIMD.*in function main is not supported/, "build", "simd.wasm", "--target", "zkvm", "-o", "x.cwvm"));
  out.push(c(/E0692.*no exported function "nope"/, "run", "good.wasm", "--entry", "nope"));
  out.push(c(/trap 10 \(unreachable\)/, "run", "trap.wasm"));
  out.push(c(/builds for --target zkvm or ir/, "build", "good.wasm", "--target", "plonkish"));
  out.push(c(/no such file/, "run", "missing.wasm"));
  // Numbers out of range name the range.
  out.push(c(/--k must be an integer from 1 to 28, not 40/, "setup", "good.cwl", "--insecure-dev-srs", "-k", "40"));
  out.push(c(/--k must be an integer from 1 to 28, not 0/, "setup", "good.cwl", "--insecure-dev-srs", "-k", "0"));
  out.push(c(/--k must be an integer from \d+ to \d+ for this circuit, not 28/, "setup", "good.cwl", "--insecure-dev-srs", "-k", "28"));
  out.push(c(/--k must be an integer .* not a non-number/, "setup", "good.cwl", "--insecure-dev-srs", "-k", "many"));
  out.push(c(/--k must be an integer from/, "prove", "good.cwl", "-i", "in.json", "--insecure-dev-srs", "-k", "99"));
  out.push(c(/--device must be one of cpu, gpu, auto, not tpu/, "prove", "good.cwl", "-i", "in.json", "--insecure-dev-srs", "--device", "tpu"));
  out.push(c(/--gpus must be an integer from 1 to 64, not 0/, "prove", "good.cwl", "-i", "in.json", "--insecure-dev-srs", "--device", "gpu", "--gpus", "0"));
  out.push(c(/--gpus applies with --device gpu or auto/, "prove", "good.cwl", "-i", "in.json", "--insecure-dev-srs", "--gpus", "2"));
  out.push(c(/--device must be one of cpu, gpu, auto, not fpga/, "setup", "good.cwl", "--insecure-dev-srs", "--device", "fpga"));
  out.push(c(/--gpus must be an integer from 1 to 64, not 65/, "setup", "good.cwl", "--insecure-dev-srs", "--device", "auto", "--gpus", "65"));
  out.push(c(/--max-states must be an integer from 1 to/, "check-spec", "spec.cwl", "--max-states", "0"));
  out.push(c(/--workers must be an integer from 1 to 256/, "check-spec", "spec.cwl", "--workers", "-2"));
  out.push(c(/bad --param/, "check-spec", "spec.cwl", "--param", "n"));
  out.push(c(/--dispatch must be an integer/, "run", "good.cwl", "--input", "in.json", "--dispatch", "-1"));
  out.push(c(/--depth must be an integer from 1 to 64, not 65/, "kv", "init", "acc2", "--depth", "65"));
  out.push(c(/--parties must be an integer from 2 to 64, not 1/, "mpc", "run", "good.cwl", "--parties", "1"));
  out.push(c(/--link: bad link/, "mpc", "run", "good.cwl", "--link", "10 apples"));
  out.push(c(/--party and --hosts go together/, "mpc", "run", "good.cwl", "--party", "1"));
  out.push(c(/expected \{ "parties"/, "mpc", "run", "good.cwl", "--hosts", "in.json", "--party", "0"));
  out.push(c(/E0670.*no protocol/, "mpc", "run", "good.cwl"));
  out.push(c(/party 0: .*a: expected a decimal number, got "one half"/, "mpc", "run", "fix.cwl", "--input", "fix.json"));
  out.push(c(/--parties must be 2 or 4, not 3/, "fl", "train", "--parties", "3"));
  out.push(c(/nope: no such directory/, "fl", "train", "--dir", "nope"));
  out.push(c(/--epochs must be an integer from 1/, "fl", "train", "--epochs", "0"));
  out.push(c(/--depth must be an integer from 1/, "fl", "train", "--model", "gbdt", "--depth", "0"));
  out.push(c(/--in is for fl predict/, "fl", "train", "--in", "in.json"));
  out.push(c(/fl predict needs --in FILE/, "fl", "predict"));
  out.push(c(/model file `empty.json` is not valid JSON/, "fl", "predict", "--in", "empty.json"));
  out.push(c(/in.json: not a cwl fl model file/, "fl", "predict", "--in", "in.json"));
  out.push(c(/cannot read model file `missing.json`: no such file/, "fl", "predict", "--in", "missing.json"));
  out.push(c(/--erc20 must be an integer from 1/, "kv", "apply", "acc", "--erc20", "0"));
  out.push(c(/--first must be an integer from 1/, "kv", "prove", "acc", "--insecure-dev-srs", "--first", "0"));
  out.push(c(/unknown workload `foo`/, "chain", "run", "--workload", "foo"));
  out.push(c(/unknown scheduler `fast`/, "chain", "run", "--scheduler", "fast"));
  out.push(c(/--blocks must be an integer from 1/, "chain", "bench", "--blocks", "0"));
  out.push(c(/--workers must be an integer from 1 to 256, not a non-number/, "chain", "run", "--workers", "many"));
  out.push(c(/--zipf must be a number from 0 to 10/, "chain", "bench", "--zipf", "-1"));
  out.push(c(/no accumulator/, "chain", "run", "--kv", "missing-acc"));
  out.push(c(/is a file, not an accumulator folder/, "chain", "run", "--kv", "good.cwl"));
  // Wrong kinds of folders and missing choices.
  out.push(c(/no accumulator/, "kv", "prove", "missing-acc", "--insecure-dev-srs"));
  out.push(c(/is a file, not an accumulator folder/, "kv", "prove", "good.cwl", "--insecure-dev-srs"));
  out.push(c(/is a file, not an accumulator folder/, "kv", "apply", "good.cwl", "--ops", "ops.json"));
  out.push(c(/choose a setup/, "kv", "prove", "acc"));
  out.push(c(/powers-of-tau file `dir.cwl` is a directory/, "kv", "prove", "acc", "--ptau", "dir.cwl"));
  out.push(c(/powers-of-tau file `missing.ptau`: no such file/, "kv", "verify", "good.public.json", "--ptau", "missing.ptau"));
  out.push(c(/the last block's record is damaged: it is not valid JSON/, "kv", "prove", "acc-cut", "--insecure-dev-srs"));
  out.push(c(/the last block's record is damaged: its checksum does not match/, "kv", "prove", "acc-digit", "--insecure-dev-srs"));
  out.push(c(/no SRS given/, "setup", "good.cwl"));
  out.push(c(/not a proof bundle/, "kv", "verify", "good.public.json", "--insecure-dev-srs"));
  out.push(c(/is a directory/, "build", "good.cwl", "-o", "dir.cwl"));
  out.push(c(/a file is in the way/, "build", "good.cwl", "--target", "plonkish", "-o", "good.vk"));
  out.push(c(/a file is in the way/, "build", "good.cwl", "--target", "ts", "-o", "good.vk"));
  out.push(c(/is a directory/, "check-spec", "spec.cwl", "--promela", "dir.cwl"));
  out.push(c(/unknown kernel target/, "kernel", "good.cwl", "--target", "fpga9000"));
  // Several files: the bad one is reported, the good ones still processed, exit 1.
  out.push(c(/good\.cwl: ok[\s\S]*is a directory|is a directory[\s\S]*good\.cwl: ok/, "check", "good.cwl", "dir.cwl"));
  out.push(c(/is a directory/, "fmt", "--check", "dir.cwl", "good.cwl"));
  out.push(c(/file for module `dir` not found/, "check", "uses-dir.cwl"));
  // Projects: an occupied folder, a file where a folder belongs, no manifest, a bad test file or flag.
  out.push(c(/already exists and is not empty/, "new", "acc"));
  // Guests: no language, an occupied name, a bad name, a missing folder, a file, a folder with no guest.
  out.push(c(/needs --lang rust or --lang go/, "guest", "new", "g1"));
  out.push(c(/acc already exists/, "guest", "new", "--lang", "rust", "acc"));
  out.push(c(/`9g` is not a guest name/, "guest", "new", "--lang", "go", "9g"));
  out.push(c(/missing-guest does not exist/, "guest", "build", "missing-guest"));
  out.push(c(/good\.cwl is not a folder/, "guest", "build", "good.cwl"));
  out.push(c(/dir\.cwl holds no guest: expected src\/main\.rs \(Rust\) or go\.mod \(Go\)/, "guest", "build", "dir.cwl"));
  out.push(c(/is not a folder/, "init", "good.cwl"));
  out.push(c(/no cwl\.toml in/, "test", "--path", "dir.cwl"));
  out.push(c(/no such file/, "test", "--path", "missing.cwl"));
  out.push(c(/is not a text file/, "test", "--path", "binary.cwl"));
  out.push(c(/--fuzz-runs must be an integer from 1/, "test", "--path", "good.cwl", "--fuzz-runs", "0"));
  out.push(c(/--jobs must be an integer from 1 to 256/, "test", "--path", "good.cwl", "--jobs", "0"));
  return out;
}

const noStack = (s: string) => !/\n\s+at |internal error|Error: |ENOENT|EISDIR|EACCES/.test(s);

describe("cwl robustness: bad arguments", () => {
  it("every command × bad corpus: exit 1, a diagnostic, no stack trace, inputs unchanged", { timeout: 240_000 }, async () => {
    const before = snapshot();
    const failures: string[] = [];
    const all = cases();
    const cwd = process.cwd();
    process.chdir(T);
    try {
      for (const k of all) {
        const r = await cwlInProcess(k.args);
        const why =
          r.status !== 1 ? `exit ${r.status}` : !/error/.test(r.stderr + r.stdout) ? "no diagnostic" : !noStack(r.stderr) ? "stack trace or raw error" : k.says && !k.says.test(r.stderr + r.stdout) ? `does not say ${k.says}` : undefined;
        if (why) failures.push(`cwl ${k.args.join(" ")}: ${why}\n${(r.stderr + r.stdout).slice(0, 600)}`);
      }
    } finally {
      process.chdir(cwd);
    }
    expect(failures, failures.join("\n\n")).toEqual([]);
    expect(all.length).toBeGreaterThan(120);
    const after = snapshot();
    // New files are allowed only where a command writes output; none of these cases gets that far.
    expect([...after].filter(([f, h]) => before.get(f) !== h)).toEqual([]);
  });

  it("the corpus covers every command in tooling/cli/commands", () => {
    const covered = new Set(cases().map((k) => k.args[0]));
    const names = readdirSync(join(REPO_ROOT, "tooling/cli/commands"))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    // `version` takes no arguments; `lsp` has its own case below (no file arguments either).
    expect(names.filter((n) => !covered.has(n) && n !== "version" && n !== "lsp")).toEqual([]);
  });

  it("a binary source is one diagnostic; thousands of errors print the first 100 and a count", async () => {
    const r = await cwlInProcess(["check", p("binary.cwl")]);
    expect(r.stderr.match(/error\[/g)?.length).toBe(1);
    writeFileSync(p("many.cwl"), "fn f() {" + " $".repeat(500) + " }\n" + "\u001b[2J\n");
    const m = await cwlInProcess(["check", p("many.cwl")]);
    expect(m.status).toBe(1);
    expect(m.stderr.match(/error\[/g)?.length).toBe(100);
    expect(m.stderr).toMatch(/\.\.\. and \d+ more diagnostics in .*many\.cwl \(the first 100 are shown\)/);
    expect(m.stderr).not.toContain("\u001b");
  });

  it("check-spec: a search cut by --max-states is 'unknown' (exit 3), not a pass", async () => {
    const r = await cwlInProcess(["check-spec", p("spec.cwl"), "--max-states", "100"]);
    expect(r.stdout).toMatch(/no violation found up to \d+ states; not a proof/);
    expect(r.status).toBe(3);
    const help = await cwlInProcess(["check-spec", "--help"]);
    expect(help.stdout.replace(/\s+/g, " ")).toContain("3 unknown: no violation found before --max-states (not a proof)");
    const full = await cwlInProcess(["check-spec", p("spec.cwl")]);
    expect(full.stdout).toContain("all properties hold");
    expect(full.status).toBe(0);
  });
});

describe("cwl robustness: through bin/cwl.js", () => {
  it("a sample of the corpus exits 1 with a diagnostic and no stack trace", { timeout: 120_000 }, async () => {
    const sample = [
      ["check", "dir.cwl"],
      ["check", "binary.cwl"],
      ["setup", "good.cwl", "--ptau", "missing.ptau"],
      ["setup", "good.cwl", "--insecure-dev-srs", "-k", "40"],
      ["verify", "--vk", "dir.cwl", "--proof", "good.proof", "--public", "good.public.json"],
      ["kv", "verify", "trunc.json", "--insecure-dev-srs"],
    ];
    const rs = await Promise.all(sample.map((a) => cwlSpawn(a)));
    rs.forEach((r, i) => {
      expect({ args: sample[i], status: r.status }).toEqual({ args: sample[i], status: 1 });
      expect(r.stderr).toMatch(/error/);
      expect(noStack(r.stderr), r.stderr).toBe(true);
    });
  });

  it("plain `cwl lsp` (no --stdio) answers over stdio; a reader closing stdout early is no crash", { timeout: 120_000 }, async () => {
    const msg = (o: object) => {
      const s = JSON.stringify(o);
      return `Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`;
    };
    // An editor keeps stdin open until it has its answers; `exit` comes after the shutdown reply.
    const lspRun = new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "cwl.js"), "lsp"], { cwd: T });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
        if (stdout.includes('"id":2')) child.stdin.end(msg({ jsonrpc: "2.0", method: "exit" }));
      });
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => done({ status, stdout, stderr }));
      child.stdin.write(
        msg({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } }) +
          msg({ jsonrpc: "2.0", method: "initialized", params: {} }) +
          msg({ jsonrpc: "2.0", id: 2, method: "shutdown" }),
      );
    });
    const [lsp, piped] = await Promise.all([lspRun, cwlSpawn(["build", "good.cwl", "--target", "plonkish", "--stats", "-o", "stats-out"], { closeStdout: true })]);
    expect(lsp.stdout).toContain('"id":1');
    expect(lsp.stdout).toContain('"capabilities"');
    expect(lsp.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(lsp.status).toBe(0);
    expect(piped.stderr).not.toMatch(/EPIPE|internal error|\n\s+at /);
    expect(piped.status).toBe(0);
  });
});
