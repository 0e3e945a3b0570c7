// `cwl node start --config FILE`: one consensus node (runtime/consensus) over TCP. Every node of a
// cluster gets its own config naming its id, the `host:port` and public key of every node, and its own
// key file; they commit blocks of synthetic transactions until `stopAfterBlocks`, then print a summary
// (JSON on stdout). `cwl node keygen` writes one node's key file; `cwl node init` writes the key files
// and configs of a whole cluster. `--dev` runs on insecure development keys derived from `keySeed`.
import type { Argv, CommandModule } from "yargs";
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readUserJson } from "../../../base/files/user-file.ts";
import { UserError, setExitCode, EXIT_USER } from "../main.ts";
import type { NodeConfig } from "../../../runtime/consensus/tcp.ts";
import type { QuorumMode } from "../../../runtime/consensus/types.ts";

const MODES: QuorumMode[] = ["all-2/3", "committee-2/3", "committee-all"];

const HEX = (bytes: number) => new RegExp(`^[0-9a-fA-F]{${2 * bytes}}$`);

/** A key file written by `cwl node keygen` / `init`, checked. */
function readKeyFile(path: string): { secretKey: string; publicKey: string } {
  const raw = readUserJson(path, { what: "node key file" }) as Record<string, unknown> | null;
  if (typeof raw !== "object" || raw === null || typeof raw.secretKey !== "string" || !HEX(32).test(raw.secretKey) || typeof raw.publicKey !== "string")
    throw new UserError(`node key file \`${path}\` does not hold { "secretKey": 64 hex digits, "publicKey": ... }`, "write one with `cwl node keygen --out FILE`");
  return { secretKey: raw.secretKey, publicKey: raw.publicKey };
}

/**
 * The config file, checked field by field: every mistake names the field and what it should be.
 * Keys: `keyFile` (this node's secret, relative to the config) and `keys` (every node's public key and
 * proof of possession); with `dev`, development keys from `keySeed` instead.
 */
export function parseNodeConfig(path: string, dev = false): NodeConfig {
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
    keys: dev ? { dev: str("keySeed", "cwl-bft-dev-keys") } : clusterKeysOf(path, o, n, id),
    stopAfterBlocks: int("stopAfterBlocks", 20, 1, 1e9),
    maxSeconds: int("maxSeconds", 60, 1, 86_400),
    lingerMs: int("lingerMs", 1500, 0, 600_000),
    txBytes: int("txBytes", 64, 16, 1 << 20),
    ...(o.stateFile !== undefined ? { stateFile: str("stateFile", "") } : {}),
  };
}

function clusterKeysOf(path: string, o: Record<string, unknown>, n: number, id: number): NodeConfig["keys"] {
  if (o.keyFile === undefined)
    throw new UserError(`node config \`${path}\`: \`keyFile\` is missing (this node's secret key)`, "make a cluster's keys and configs with `cwl node init`, or one key with `cwl node keygen`; `--dev` runs on insecure development keys");
  if (typeof o.keyFile !== "string") throw new UserError(`node config \`${path}\`: \`keyFile\` must be a path, not ${JSON.stringify(o.keyFile)}`);
  const keys = o.keys;
  if (!Array.isArray(keys) || keys.length !== n)
    throw new UserError(`node config \`${path}\`: \`keys\` must list ${n} entries { "publicKey", "pop" }, one per peer`, "the public keys and proofs of possession that `cwl node keygen` prints");
  keys.forEach((k, i) => {
    const e = k as { publicKey?: unknown; pop?: unknown };
    if (typeof e !== "object" || e === null || typeof e.publicKey !== "string" || !HEX(96).test(e.publicKey) || typeof e.pop !== "string" || !HEX(48).test(e.pop))
      throw new UserError(`node config \`${path}\`: key ${i} must be { "publicKey": 192 hex digits, "pop": 96 hex digits }`);
  });
  const file = readKeyFile(resolve(dirname(path), o.keyFile));
  const publicKeys = (keys as { publicKey: string }[]).map((k) => k.publicKey.toLowerCase());
  if (file.publicKey.toLowerCase() !== publicKeys[id])
    throw new UserError(`node config \`${path}\`: \`keyFile\` holds the key of another node than node ${id} (its public key is not keys[${id}].publicKey)`);
  return { publicKeys, pops: (keys as { pop: string }[]).map((k) => k.pop.toLowerCase()), secretKey: file.secretKey };
}

/** Writes a fresh key file (readable by its owner only), refusing to overwrite one. */
async function writeKeyFile(path: string): Promise<{ publicKey: string; pop: string }> {
  const { generateNodeKey } = await import("../../../runtime/consensus/crypto.ts");
  if (existsSync(path)) throw new UserError(`\`${path}\` exists; a key file is never overwritten`, "choose another path, or delete the old key if it is truly unused");
  const k = generateNodeKey();
  writeFileSync(path, JSON.stringify(k, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  return { publicKey: k.publicKey, pop: k.pop };
}

export const command: CommandModule = {
  command: "node <action>",
  describe: "Run a BFT consensus node over TCP (runtime/consensus)",
  builder: (y: Argv) =>
    y
      .positional("action", {
        choices: ["start", "keygen", "init"] as const,
        describe: "start: run until the config's stopAfterBlocks; keygen: write one node's key file; init: write a cluster's key files and configs",
      })
      .option("config", { type: "string", describe: "start: node config (JSON): id, peers, keys, keyFile, mode, ..." })
      .option("dev", { type: "boolean", default: false, describe: "start: INSECURE development keys derived from the config's keySeed" })
      .option("out", { type: "string", describe: "keygen: the key file to write; init: the folder for node<i>.key and node<i>.json" })
      .option("nodes", { type: "number", describe: "init: how many nodes" })
      .option("host", { type: "string", default: "127.0.0.1", describe: "init: the host every node listens on" })
      .option("base-port", { type: "number", default: 7100, describe: "init: node i listens on base-port + i" })
      .option("mode", { type: "string", default: "all-2/3", describe: "init: quorum mode (all-2/3, committee-2/3, committee-all)" })
      .option("trace", { type: "string", describe: "write every protocol event as JSON lines (for the spec replay)" })
      .option("quiet", { type: "boolean", default: false, describe: "no progress lines on stderr" }),
  handler: async (args) => {
    if (args.action === "keygen") {
      if (!args.out) throw new UserError("`cwl node keygen` needs --out FILE", "e.g. cwl node keygen --out node0.key");
      const pub = await writeKeyFile(args.out as string);
      process.stdout.write(JSON.stringify(pub) + "\n");
      return;
    }
    if (args.action === "init") return init(args);
    if (!args.config) throw new UserError("`cwl node start` needs --config FILE", "write a cluster's configs with `cwl node init --nodes 4 --out DIR`");
    const dev = args.dev as boolean;
    const cfg = parseNodeConfig(args.config as string, dev);
    if (dev) process.stderr.write(`warning: --dev: node ${cfg.id} runs on INSECURE development keys derived from \`keySeed\` (anyone who knows it can sign as any node); never use them outside a test\n`);
    const { nodeKeys } = await import("../../../runtime/consensus/tcp.ts");
    try {
      const { BlsSigner } = await import("../../../runtime/consensus/crypto.ts");
      new BlsSigner(nodeKeys(cfg));
    } catch (e) {
      throw new UserError(`node config \`${args.config}\`: ${(e as Error).message}`, "the keys must be those `cwl node keygen` / `init` wrote (each public key with its proof of possession)");
    }
    const { runNode, readSafetyState } = await import("../../../runtime/consensus/tcp.ts");
    if (cfg.stateFile && existsSync(cfg.stateFile)) {
      try {
        readSafetyState(cfg.stateFile);
      } catch (e) {
        throw new UserError((e as Error).message, "restore it from a backup; starting without it could make this node vote twice in a view");
      }
    }
    // The trace is written synchronously, event by event: a node killed mid-run (a crash test, a real
    // crash) keeps every event it acted on, so the spec replay never sees votes for a proposal whose
    // line was still in a stream buffer.
    let traceFd: number | undefined;
    if (args.trace) {
      try {
        traceFd = openSync(args.trace as string, "w");
      } catch {
        throw new UserError(`cannot write the trace file \`${args.trace}\``, "give --trace a path in a folder that exists and that you can write to");
      }
    }
    const trace = traceFd === undefined ? undefined : { write: (s: string) => writeSync(traceFd!, s) };
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
    if (traceFd !== undefined) closeSync(traceFd);
    process.stdout.write(JSON.stringify(summary) + "\n");
    if (!summary.reached) {
      process.stderr.write(
        `error: node ${cfg.id} committed ${summary.blocks} of ${cfg.stopAfterBlocks} blocks in ${cfg.maxSeconds} s\nhint: are the other nodes of \`peers\` running, and enough of them for a quorum?\n`,
      );
      setExitCode(EXIT_USER);
    }
  },
};

/** `cwl node init`: a key file per node (each from the OS's random generator, no shared seed) and a config per node naming every node's address and public key. */
async function init(args: Record<string, unknown>): Promise<void> {
  const n = args.nodes as number | undefined;
  const out = args.out as string | undefined;
  if (!out) throw new UserError("`cwl node init` needs --out DIR", "e.g. cwl node init --nodes 4 --out cluster");
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > 1000) throw new UserError(`--nodes must be an integer from 1 to 1000, not ${JSON.stringify(n)}`);
  const port = args["base-port"] as number;
  if (!Number.isInteger(port) || port < 1 || port + n - 1 > 65535) throw new UserError(`--base-port must leave room for ${n} ports below 65536, not ${port}`);
  const mode = args.mode as QuorumMode;
  if (!MODES.includes(mode)) throw new UserError(`unknown mode ${JSON.stringify(mode)}`, `modes: ${MODES.join(", ")}`);
  mkdirSync(out, { recursive: true });
  const keys = [];
  for (let i = 0; i < n; i++) keys.push(await writeKeyFile(join(out, `node${i}.key`)));
  const peers = Array.from({ length: n }, (_, i) => `${args.host}:${port + i}`);
  for (let i = 0; i < n; i++) {
    const path = join(out, `node${i}.json`);
    if (existsSync(path)) throw new UserError(`\`${path}\` exists; \`cwl node init\` never overwrites a config`);
    writeFileSync(path, JSON.stringify({ id: i, peers, mode, keyFile: `node${i}.key`, keys, stateFile: `node${i}.state.json` }, null, 2) + "\n");
  }
  process.stderr.write(`wrote ${n} key files and configs to ${out}: start node i with \`cwl node start --config ${join(out, "node<i>.json")}\`\n`);
}
