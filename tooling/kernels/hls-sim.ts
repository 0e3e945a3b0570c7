// Runs emitted HLS kernels in C simulation: g++ builds the generated testbench against the project's
// ap_int.h/hls_stream.h, and one long-lived process executes the launches over a stdin/stdout line
// protocol. Each launch runs the kernel's DATAFLOW processes one after another (as Vitis csim does).
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { HLS_INCLUDE_DIR, type HlsOutput } from "../../backends/hls/index.ts";
import { type DeviceBuffer, type KernelArg, type KernelExecutor, isBuffer } from "../../runtime/gpu/index.ts";

/** g++ on PATH, or the reason C simulation cannot run. */
export function haveGxx(): true | string {
  try {
    execFileSync("g++", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return "g++ not found (apt-get install g++, or npm run setup:toolchains)";
  }
}

// Strict streams: a DATAFLOW stage pair that leaves tokens behind aborts the run (see hls_stream.h).
const CSIM_FLAGS = ["-O2", "-std=c++14", "-DCWL_HLS_STRICT_STREAMS"];

/** Compiles (cached by source and header hash) the csim binary for an HLS output; returns its path. */
export function buildCsim(out: HlsOutput, dir?: string): string {
  const h = createHash("sha256").update(out.kernels).update(out.testbench).update(CSIM_FLAGS.join(" "));
  for (const f of ["ap_int.h", "hls_stream.h"]) h.update(readFileSync(join(HLS_INCLUDE_DIR, f)));
  const hash = h.digest("hex").slice(0, 16);
  const d = dir ?? join(tmpdir(), `cwl-hls-${hash}`);
  const exe = join(d, "csim");
  if (dir || !existsSync(exe)) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "kernels.cpp"), out.kernels);
    writeFileSync(join(d, "testbench.cpp"), out.testbench);
    execFileSync("g++", [...CSIM_FLAGS, "-I", HLS_INCLUDE_DIR, "-o", exe, join(d, "testbench.cpp")], { stdio: ["ignore", "ignore", "pipe"] });
  }
  return exe;
}

export class HlsSimExecutor implements KernelExecutor {
  readonly description = "hls csim (g++ with cwl ap_int.h)";
  private proc: ChildProcessWithoutNullStreams;
  private lines: string[] = [];
  private waiters: ((l: string) => void)[] = [];
  private nextId = 0;
  private stderr = "";
  private exited: string | undefined;

  constructor(exe: string) {
    this.proc = spawn(exe, [], { stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: this.proc.stdout }).on("line", (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    this.proc.stderr.on("data", (d) => (this.stderr += String(d)));
    this.proc.on("exit", (code) => {
      this.exited = `csim exited with ${code}: ${this.stderr.trim()}`;
      for (const w of this.waiters.splice(0)) w("\u0000" + this.exited);
    });
  }

  private send(s: string): void {
    if (this.exited) throw new Error(this.exited);
    this.proc.stdin.write(s + "\n");
  }
  private next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((res, rej) => this.waiters.push((x) => (x.startsWith("\u0000") ? rej(new Error(x.slice(1))) : res(x))));
  }

  alloc(words: number): DeviceBuffer {
    const id = this.nextId++;
    this.send(`alloc ${id} ${words}`);
    return { id, words };
  }
  write(buf: DeviceBuffer, data: Uint32Array, offsetWords = 0): void {
    const CH = 4096;
    for (let o = 0; o < data.length; o += CH) {
      const part = data.subarray(o, o + CH);
      this.send(`write ${buf.id} ${offsetWords + o} ${part.length} ${Array.from(part, (x) => x.toString(16)).join(" ")}`);
    }
  }
  async read(buf: DeviceBuffer, words = buf.words, offsetWords = 0): Promise<Uint32Array> {
    this.send(`read ${buf.id} ${offsetWords} ${words}`);
    const l = await this.next();
    const out = new Uint32Array(words);
    if (words) l.split(" ").forEach((h, i) => (out[i] = parseInt(h, 16)));
    return out;
  }
  launch(kernel: string, threads: number, args: readonly KernelArg[]): void {
    this.send(`run ${kernel} ${threads} ${args.map((a) => (isBuffer(a) ? `b${a.id}` : String(a >>> 0))).join(" ")}`);
  }
  async finish(): Promise<void> {
    // A zero-word read is a round trip: every earlier command has run when it answers.
    const b = this.alloc(0);
    await this.read(b, 0);
    this.free(b);
  }
  free(buf: DeviceBuffer): void {
    this.send(`free ${buf.id}`);
  }
  dispose(): void {
    if (!this.exited) this.proc.stdin.end("quit\n");
  }
}
