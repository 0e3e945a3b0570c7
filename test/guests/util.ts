// Shared by the guest tests: building a guest (cached under .cache/guests), compiling its .wasm with
// `cwl build --target zkvm`, running the bytecode on raw input bytes, and the native run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode, execute } from "../../runtime/zkvm/index.ts";
import { runCwlInProcess } from "../util/cli.ts";

export interface Run {
  exit: number;
  out: string;
  instructions?: number;
}

const tmp = mkdtempSync(join(tmpdir(), "cwl-guests-"));
let n = 0;

/** `cwl build guest.wasm --target zkvm`, then the bytecode decoded and kept for runs. */
export async function vmProgram(wasm: string) {
  const out = join(tmp, `g${n++}.cwvm`);
  const b = await runCwlInProcess(["build", wasm, "--target", "zkvm", "-o", out]);
  if (b.status !== 0) throw new Error(`cwl build ${wasm} --target zkvm: ${b.out}`);
  const p = decode(new Uint8Array(readFileSync(out)));
  if (!("code" in p)) throw new Error(p.message);
  return p;
}

/** The zkVM run of a program on raw input bytes: its exit code (a trap is -1) and output. */
export function vmRun(p: Awaited<ReturnType<typeof vmProgram>>, input: Uint8Array): Run {
  const r = execute(p, { input });
  if (!r.ok) return { exit: -1, out: r.message };
  return { exit: r.exitCode, out: Buffer.from(r.output).toString("utf8"), instructions: r.instructions };
}

/** A native executable run with `input` on stdin. */
export function nativeRun(exe: string, input: Uint8Array, args: string[] = []): Run {
  const r = spawnSync(exe, args, { input, maxBuffer: 16 << 20 });
  if (r.error) throw r.error;
  return { exit: r.status ?? -1, out: r.stdout.toString("utf8") };
}

export const u32le = (x: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x, true);
  return b;
};
