// Running all parties on one machine: the launcher spawns one process per party with an IPC channel;
// each party listens on a free loopback port and reports it (`{ port }`), the launcher sends every
// party the full address list (`{ addresses }`), and a party reports its result (`{ result }`) before
// it exits. The launcher never hangs on a stuck party: after `deadlineMs` the rest are killed.
import { spawn, type ChildProcess } from "node:child_process";
import type { PartyAddress } from "./transport.ts";

export interface PartyOutcome<R> {
  party: number;
  /** Exit code (null: killed by a signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  result?: R;
  stderr: string;
  stdout: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

export interface LaunchOptions {
  parties: number;
  /** Program and arguments for party i (e.g. [node, --import, tsx, party.ts, ...]). */
  command: (party: number) => string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill whatever still runs after this long. */
  deadlineMs?: number;
  /** Each line a party writes to stderr, as it comes (progress). */
  onLine?: (party: number, line: string) => void;
  /** Called with each child once spawned (tests kill one). */
  onSpawn?: (party: number, child: ChildProcess) => void;
}

export async function launchParties<R = unknown>(opts: LaunchOptions): Promise<PartyOutcome<R>[]> {
  const { parties } = opts;
  const ports: number[] = new Array(parties).fill(0);
  let reported = 0;
  const t0 = performance.now();
  const children: ChildProcess[] = [];
  const outcomes = await new Promise<PartyOutcome<R>[]>((done) => {
    const out: PartyOutcome<R>[] = [];
    let exited = 0;
    const killer = setTimeout(() => children.forEach((c) => c.exitCode === null && c.kill("SIGKILL")), opts.deadlineMs ?? 120_000);
    for (let i = 0; i < parties; i++) {
      const [cmd, ...args] = opts.command(i);
      const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe", "ipc"], env: opts.env ?? process.env, cwd: opts.cwd });
      children.push(child);
      const o: PartyOutcome<R> = { party: i, code: null, signal: null, stderr: "", stdout: "", ms: 0 };
      out[i] = o;
      let partial = "";
      child.stdout!.on("data", (d) => (o.stdout += d));
      child.stderr!.on("data", (d: Buffer) => {
        o.stderr += d;
        partial += d;
        const lines = partial.split("\n");
        partial = lines.pop()!;
        for (const l of lines) opts.onLine?.(i, l);
      });
      child.on("message", (m: { port?: number; result?: R }) => {
        if (typeof m?.port === "number" && ports[i] === 0) {
          ports[i] = m.port;
          if (++reported === parties) {
            const addresses: PartyAddress[] = ports.map((port) => ({ host: "127.0.0.1", port }));
            for (const c of children) if (c.connected) c.send({ addresses });
          }
        } else if (m && "result" in m) o.result = m.result;
      });
      child.on("error", () => {});
      child.on("close", (code, signal) => {
        o.code = code;
        o.signal = signal;
        o.ms = performance.now() - t0;
        if (partial) opts.onLine?.(i, partial);
        if (++exited === parties) {
          clearTimeout(killer);
          done(out);
        }
      });
      opts.onSpawn?.(i, child);
    }
  });
  return outcomes;
}

/**
 * The party side: tells the launcher this party's port and waits for every address. Outside a
 * launcher (no IPC channel) it returns undefined and the caller uses its hosts file.
 */
export function addressesFromLauncher(port: number, timeoutMs = 30_000): Promise<PartyAddress[]> | undefined {
  if (!process.send) return undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the launcher sent no addresses within ${timeoutMs} ms`)), timeoutMs);
    const onMsg = (m: { addresses?: PartyAddress[] }) => {
      if (!Array.isArray(m?.addresses)) return;
      clearTimeout(timer);
      process.off("message", onMsg);
      resolve(m.addresses);
    };
    process.on("message", onMsg);
    process.send!({ port });
  });
}

/** The party side: hands its result to the launcher (awaits delivery) and lets the IPC channel go. */
export async function reportToLauncher(result: unknown): Promise<void> {
  if (!process.send) return;
  await new Promise<void>((r) => process.send!({ result }, () => r()));
  process.disconnect?.();
}

/** `parties` networks in this process, connected over loopback (tests, benchmarks). */
export async function connectInProcess(parties: number, opts: { link?: import("./link.ts").LinkSpec; timeoutMs?: number } = {}): Promise<import("./transport.ts").PartyNet[]> {
  const { PartyNet } = await import("./transport.ts");
  const nets = await Promise.all(Array.from({ length: parties }, (_, i) => PartyNet.listen({ party: i, parties, ...opts })));
  const addresses = nets.map((x) => ({ host: "127.0.0.1", port: x.port }));
  await Promise.all(nets.map((x) => x.connect(addresses)));
  return nets;
}
