// `cwl chain run|bench`: execute a workload's blocks over the EVM under a transaction scheduler
// (spec/exec.md). `run` executes under one scheduler (optionally feeding each block's storage accesses
// to a KV accumulator, so `cwl kv prove` can prove the last block); `bench` runs every scheduler on the
// same blocks and checks they reach the same state root. The EVM is imported in the handler.
import type { Argv, CommandModule } from "yargs";
import { UserError, intFlag } from "../main.ts";

const WORKLOADS = ["erc20", "amm", "nft", "mixed"] as const;
const SCHEDULERS = ["serial", "optimistic", "reorder", "adaptive"] as const;

interface ChainArgs {
  workload?: string;
  scheduler?: string;
  blocks?: number;
  "block-size"?: number;
  users?: number;
  workers?: number;
  seed?: number;
  zipf?: number;
  phase?: number;
  kv?: string;
  json?: boolean;
  threads?: boolean;
}

function options(argv: ChainArgs) {
  const workload = argv.workload ?? "mixed";
  if (!(WORKLOADS as readonly string[]).includes(workload)) throw new UserError(`unknown workload \`${workload}\``, `choose one of ${WORKLOADS.join(", ")}`);
  const zipf = argv.zipf;
  if (zipf !== undefined && !(Number.isFinite(zipf) && zipf >= 0 && zipf <= 10)) throw new UserError(`--zipf must be a number from 0 to 10, not ${Number.isNaN(zipf) ? "a non-number" : zipf}`);
  return {
    workload: workload as (typeof WORKLOADS)[number],
    blocks: intFlag("--blocks", argv.blocks, 1, 100_000) ?? 8,
    blockSize: intFlag("--block-size", argv["block-size"], 1, 100_000) ?? 50,
    users: intFlag("--users", argv.users, 2, 100_000) ?? 128,
    workers: intFlag("--workers", argv.workers, 1, 256) ?? 4,
    seed: intFlag("--seed", argv.seed, 0, 2 ** 31 - 1) ?? 1,
    phase: intFlag("--phase", argv.phase, 1, 100_000) ?? 2,
    zipf,
    threads: argv.threads ?? false,
  };
}

function scheduler(argv: ChainArgs) {
  const s = argv.scheduler ?? "adaptive";
  if (!(SCHEDULERS as readonly string[]).includes(s)) throw new UserError(`unknown scheduler \`${s}\``, `choose one of ${SCHEDULERS.join(", ")}`);
  return s as (typeof SCHEDULERS)[number];
}

const common = (y: Argv) =>
  y
    .option("workload", { alias: "w", type: "string", describe: `${WORKLOADS.join("|")} (default mixed)` })
    .option("blocks", { type: "number", describe: "blocks to execute (default 8)" })
    .option("block-size", { type: "number", describe: "transactions per block (default 50)" })
    .option("users", { type: "number", describe: "accounts funded at genesis (default 128)" })
    .option("workers", { type: "number", describe: "concurrent executions, or threads with --threads (default 4)" })
    .option("seed", { type: "number", describe: "workload seed (default 1)" })
    .option("zipf", { type: "number", describe: "erc20: Zipf exponent of senders (0 uniform; default 1)" })
    .option("phase", { type: "number", describe: "mixed: blocks per phase (default 2)" })
    .option("threads", { type: "boolean", default: false, describe: "execute in worker threads (one EVM each) instead of interleaved on this thread" })
    .option("json", { type: "boolean", default: false, describe: "print the result as JSON" });

/** Block progress on stderr through the shared renderer: one phase per scheduler run. */
async function withProgress<T>(label: string, f: (cb: (block: number, total: number) => void) => Promise<T>): Promise<T> {
  const { progressRenderer } = await import("../../progress/index.ts");
  const r = progressRenderer({ prefix: "chain: " });
  try {
    return await f((b, total) => r.progress(`${label} block`, b, total));
  } finally {
    r.end();
  }
}

function summary(blocks: { txs: number; wallMs: number; schedMs: number; reExecutions: number }[]) {
  const txs = blocks.reduce((a, b) => a + b.txs, 0);
  const wall = blocks.reduce((a, b) => a + b.wallMs, 0);
  return {
    txs,
    txPerSec: Math.round((txs / wall) * 1000),
    wallMs: Math.round(wall),
    schedMs: Math.round(blocks.reduce((a, b) => a + b.schedMs, 0) * 10) / 10,
    reExecutions: blocks.reduce((a, b) => a + b.reExecutions, 0),
  };
}

export const command: CommandModule = {
  command: "chain <action>",
  describe: "Execute EVM blocks under a transaction scheduler: run one, or bench them all",
  builder: (y: Argv) =>
    y
      .command(
        "run",
        "Execute a workload under one scheduler and print the state root and per-block figures",
        (y) =>
          common(y)
            .option("scheduler", { alias: "s", type: "string", describe: `${SCHEDULERS.join("|")} (default adaptive)` })
            .option("kv", { type: "string", describe: "KV accumulator folder (`cwl kv init`): each block's storage accesses are applied to it" }),
        async (argv) => {
          const a = argv as ChainArgs;
          const o = options(a);
          const s = scheduler(a);
          let kvStore: Awaited<ReturnType<typeof import("./kv.ts").openStore>> | undefined;
          if (a.kv !== undefined) kvStore = await (await import("./kv.ts")).openStore(a.kv);
          try {
            const { runChain, blockStorageOps } = await import("../../../runtime/exec/index.ts");
            const r = await withProgress(s, (cb) => runChain(o.workload, s, { ...o, keepOutcomes: kvStore !== undefined }, cb));
            let kvRoot: bigint | undefined;
            if (kvStore) {
              const { writeBlockRecord } = await import("../../kv/block-record.ts");
              for (const [i, out] of r.outcomes.entries()) {
                const res = await kvStore.applyBlock(blockStorageOps(out.results));
                kvRoot = res.rootAfter;
                // The last block's record is what `cwl kv prove` proves.
                if (i === r.outcomes.length - 1) writeBlockRecord(a.kv!, kvStore.depth, res);
              }
            }
            const result = { workload: o.workload, scheduler: s, root: r.root, ...(kvRoot !== undefined ? { kvRoot: `0x${kvRoot.toString(16)}` } : {}), ...summary(r.blocks), blocks: r.blocks };
            if (a.json) console.log(JSON.stringify(result, null, 2));
            else {
              for (const [i, b] of r.blocks.entries())
                console.log(`block ${i + 1} ${b.phase.padEnd(13)} ${b.scheduler.padEnd(10)} conflicts ${b.conflictRate.toFixed(2)} re-executed ${b.reExecutions} ${b.wallMs.toFixed(1)} ms (scheduling ${b.schedMs.toFixed(1)} ms)`);
              const sm = summary(r.blocks);
              console.log(`state root ${r.root}${kvRoot !== undefined ? `, KV root 0x${kvRoot.toString(16)}` : ""}`);
              console.log(`${sm.txs} transactions, ${sm.txPerSec} tx/s, scheduling ${sm.schedMs} ms, ${sm.reExecutions} re-executions`);
            }
          } finally {
            await kvStore?.close();
          }
        },
      )
      .command(
        "bench",
        "Run every scheduler on the same blocks; fails if any reaches another state root than strict order",
        (y) => common(y),
        async (argv) => {
          const a = argv as ChainArgs;
          const o = options(a);
          const { runChain } = await import("../../../runtime/exec/index.ts");
          const rows: ({ scheduler: string; root: string; chosen?: string[] } & ReturnType<typeof summary>)[] = [];
          for (const s of SCHEDULERS) {
            const r = await withProgress(s, (cb) => runChain(o.workload, s, o, cb));
            rows.push({ scheduler: s, root: r.root, ...summary(r.blocks), chosen: s === "adaptive" ? r.blocks.map((b) => b.scheduler) : undefined });
          }
          const ok = rows.every((r) => r.root === rows[0].root);
          if (a.json) console.log(JSON.stringify({ ...o, sameRoot: ok, rows }, null, 2));
          else {
            for (const r of rows)
              console.log(`${r.scheduler.padEnd(10)} ${String(r.txPerSec).padStart(6)} tx/s  scheduling ${String(r.schedMs).padStart(8)} ms  re-executions ${r.reExecutions}${r.chosen ? `  chose ${r.chosen.join(",")}` : ""}`);
            console.log(ok ? `all schedulers reach state root ${rows[0].root}` : "state roots differ");
          }
          if (!ok) throw new Error("internal: schedulers reached different state roots");
        },
      )
      .demandCommand(1, "Name an action: run or bench."),
  handler: () => {},
};
