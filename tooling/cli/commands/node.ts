// `cwl node start --config FILE`: one consensus node (runtime/consensus) over TCP. Every node of a
// cluster gets its own config naming its id and the `host:port` of every node; they commit blocks
// of synthetic transactions until `stopAfterBlocks`, then print a summary (JSON on stdout).
import type { Argv, CommandModule } from "yargs";
import { createWriteStream, existsSync } from "node:fs";
import { readUserJson } from "../../../base/files/user-file.ts";
import { UserError, setExitCode, EXIT_USER } from "../main.ts";
import type { NodeConfig } from "../../../runtime/consensus/tcp.ts";
import type { QuorumMode } from "../../../runtime/consensus/types.ts";

const MODES: QuorumMode[] = ["all-2/3", "committee-2/3", "committee-all"];

/** The config file, checked field by field: every mistake names the field and what it should be. */
export function parseNodeConfig(path: string): NodeConfig {
  const raw = readUserJson(path, { what: "node config" });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new UserError(`node config \`${path}\` must hold a JSON object`, 'e.g. { "id": 0, "peers": ["127.0.0.1:7100", ...], "mode": "all-2/3" }');
  const o = raw as Record<string, unknown>;
  const int = (k: string, def: number | undefined, min: number, max: number): number => {
    const v = o[k] ?? def;
    if (v === undefined) throw new UserError(`node config \`${path}\`: \`${k}\` is missing`, `give \`${k}\` an integer from ${min} to ${max}`);
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      throw new UserError(`node config \`${path}\`: \`${k}\` must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
    return v;
  };
  const str = (k: string, def: string) => {
    const v = o[k] ?? def;
    if (typeof v !== "string") throw new UserError(`node config \`${path}\`: \`${k}\` must be a string, not ${JSON.stringify(v)}`);
    return v;
  };
  const peers = o.peers;
  if (!Array.isArray(peers) || peers.length < 1 || peers.length > 1000)
    throw new UserError(`node config \`${path}\`: \`peers\` must be a list of 1 to 1000 "host:port" strings, one per node`);
  peers.forEach((p, i) => {
    if (typeof p !== "string" || !/^[^:\s]+:\d{1,5}$/.test(p) || Number(p.slice(p.lastIndexOf(":") + 1)) > 65535)
      throw new UserError(`node config \`${path}\`: peer ${i} is ${JSON.stringify(p)}, not "host:port"`, 'e.g. "127.0.0.1:7100"');
  });
  const n = peers.length;
  const mode = str("mode", "all-2/3") as QuorumMode;
  if (!MODES.includes(mode)) throw new UserError(`node config \`${path}\`: unknown mode ${JSON.stringify(mode)}`, `modes: ${MODES.join(", ")}`);
  const id = int("id", undefined, 0, n - 1);
  return {
    id,
    peers: peers as string[],
    consensus: {
      n,
      mode,
      committeeSize: int("committeeSize", n, 1, n),
      epochLength: int("epochLength", 100, 1, 1e9),
      seed: str("seed", "cwl-bft"),
      viewTimeoutMs: int("viewTimeoutMs", 1000, 10, 600_000),
      maxBatch: int("maxBatch", 100, 0, 100_000),
      checkHashes: true,
    },
    keySeed: str("keySeed", "cwl-bft-dev-keys"),
    stopAfterBlocks: int("stopAfterBlocks", 20, 1, 1e9),
    maxSeconds: int("maxSeconds", 60, 1, 86_400),
    lingerMs: int("lingerMs", 1500, 0, 600_000),
    txBytes: int("txBytes", 64, 16, 1 << 20),
    ...(o.stateFile !== undefined ? { stateFile: str("stateFile", "") } : {}),
  };
}

export const command: CommandModule = {
  command: "node <action>",
  describe: "Run a BFT consensus node over TCP (runtime/consensus)",
  builder: (y: Argv) =>
    y
      .positional("action", { choices: ["start"] as const, describe: "start: run until the config's stopAfterBlocks" })
      .option("config", { type: "string", demandOption: true, describe: "node config (JSON): id, peers, mode, ..." })
      .option("trace", { type: "string", describe: "write every protocol event as JSON lines (for the spec replay)" })
      .option("quiet", { type: "boolean", default: false, describe: "no progress lines on stderr" }),
  handler: async (args) => {
    const cfg = parseNodeConfig(args.config as string);
    const { runNode, readSafetyState } = await import("../../../runtime/consensus/tcp.ts");
    if (cfg.stateFile && existsSync(cfg.stateFile)) {
      try {
        readSafetyState(cfg.stateFile);
      } catch (e) {
        throw new UserError((e as Error).message, "restore it from a backup; starting without it could make this node vote twice in a view");
      }
    }
    const trace = args.trace ? createWriteStream(args.trace as string) : undefined;
    let last = 0;
    let summary;
    try {
      summary = await runNode(cfg, {
        progress: args.quiet
          ? undefined
          : (line) => {
              if (Date.now() - last < 1000) return;
              last = Date.now();
              process.stderr.write(line + "\n");
            },
        trace: trace && ((e) => trace.write(JSON.stringify(e) + "\n")),
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EADDRINUSE" || err.code === "EACCES" || err.code === "EADDRNOTAVAIL")
        throw new UserError(`node ${cfg.id} cannot listen on ${cfg.peers[cfg.id]}: ${err.code}`, "is another node or program using that port?");
      throw e;
    }
    if (trace) await new Promise((r) => trace.end(r));
    process.stdout.write(JSON.stringify(summary) + "\n");
    if (!summary.reached) {
      process.stderr.write(
        `error: node ${cfg.id} committed ${summary.blocks} of ${cfg.stopAfterBlocks} blocks in ${cfg.maxSeconds} s\nhint: are the other nodes of \`peers\` running, and enough of them for a quorum?\n`,
      );
      setExitCode(EXIT_USER);
    }
  },
};
