// `npm run bench -- sched`: transaction schedulers (spec/exec.md) on EVM workloads of real solc-compiled
// contracts. Per workload and scheduler: throughput (tx/s over the blocks' wall time), scheduling time
// (time in the scheduler's own code: dispatch, validation, multi-version bookkeeping, prediction and
// pre-execution, planning, commit — everything but executing the block's transactions), re-executions,
// and the state root (every scheduler must reach strict order's). cpuMs is the process's CPU time over
// the run (all threads; genesis copy included), steadier than wall time on a loaded machine. For the
// mixed stream, the adaptive policy against each fixed algorithm, and the targets against
// optimistic execution (scheduling time −30 %, throughput +15 %), stated met or not, and per phase of the
// mixed stream where each scheduler's scheduling time goes.
//
// The adaptive policy learns a contract's facts once per code for the process (runtime/exec/predict.ts),
// as a running node does: the warm-up meets every contract, so the measured adaptive runs are a node's
// steady state. The mixed stream is also run adaptively with those facts forgotten before each run
// ("adaptive, cold": a node meeting the contracts for the first time), reported beside the targets.
//
// Both kinds of lanes are measured in one run: in-thread (SCHED_BENCH_WORKERS asynchronous executions
// interleaving on the main thread) and worker threads (one EVM per thread, at most one per core).
// Sizes: SCHED_BENCH_BLOCKS (default 16: two cycles of the mixed stream's four phases of 2 blocks, so
// the adaptive policy meets each phase once with history), SCHED_BENCH_BLOCK_SIZE (default 40),
// SCHED_BENCH_USERS (default 256), SCHED_BENCH_REPEATS (default 3; figures are medians, schedulers
// interleaved per repeat), SCHED_BENCH_WORKERS (default 4).
import { Lanes, ThreadLanes, clearCodeFacts, runChain, SCHEDULERS, type ExecLanes, type SchedulerChoice, type WorkloadName } from "../runtime/exec/index.ts";
import { availableParallelism, loadavg } from "node:os";

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const BLOCKS = env("SCHED_BENCH_BLOCKS", 16);
const BLOCK_SIZE = env("SCHED_BENCH_BLOCK_SIZE", 40);
const USERS = env("SCHED_BENCH_USERS", 256);
const REPEATS = env("SCHED_BENCH_REPEATS", 3);
const WORKERS = env("SCHED_BENCH_WORKERS", 4);
const THREADS = Math.max(1, Math.min(WORKERS, availableParallelism()));

const CASES: { name: string; workload: WorkloadName; zipf?: number }[] = [
  { name: "erc20 (uniform senders)", workload: "erc20", zipf: 0 },
  { name: "erc20 (Zipf 1.2 senders)", workload: "erc20", zipf: 1.2 },
  { name: "amm", workload: "amm" },
  { name: "nft", workload: "nft" },
  { name: "mixed", workload: "mixed" },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * Scheduling time as the sum over blocks of each block's median across repeats. On a loaded machine a
 * timed section of a few µs sometimes absorbs a preemption of milliseconds; a run total carries every
 * such spike, the per-block median drops it. Reported beside the median of run totals.
 */
const blockMedians = (rs: { blockSchedMs: number[] }[]) => rs[0].blockSchedMs.reduce((a, _, b) => a + median(rs.map((r) => r.blockSchedMs[b])), 0);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

interface Row {
  scheduler: SchedulerChoice;
  txPerSec: number;
  wallMs: number;
  cpuMs: number;
  schedMs: number;
  schedShare: number;
  reExecutions: number;
  executions: number;
  root: string;
  chosen?: Record<string, number>;
  schedMsByPhase: Record<string, number>;
  blockSchedMs: number[];
}

async function measure(c: (typeof CASES)[number], s: SchedulerChoice, lanes: ExecLanes): Promise<Row> {
  const cpu0 = process.cpuUsage();
  const r = await runChain(c.workload, s, { blocks: BLOCKS, blockSize: BLOCK_SIZE, users: USERS, lanes, seed: 1, zipf: c.zipf, phase: 2 });
  const cpu = process.cpuUsage(cpu0);
  const txs = r.blocks.reduce((a, b) => a + b.txs, 0);
  const wall = r.blocks.reduce((a, b) => a + b.wallMs, 0);
  const sched = r.blocks.reduce((a, b) => a + b.schedMs, 0);
  const chosen: Record<string, number> = {};
  const schedMsByPhase: Record<string, number> = {};
  for (const b of r.blocks) {
    chosen[b.scheduler] = (chosen[b.scheduler] ?? 0) + 1;
    schedMsByPhase[b.phase] = (schedMsByPhase[b.phase] ?? 0) + b.schedMs;
  }
  return {
    scheduler: s,
    txPerSec: (txs / wall) * 1000,
    wallMs: wall,
    cpuMs: (cpu.user + cpu.system) / 1000,
    schedMs: sched,
    schedShare: sched / wall,
    reExecutions: r.blocks.reduce((a, b) => a + b.reExecutions, 0),
    executions: r.blocks.reduce((a, b) => a + b.executions, 0),
    root: r.root,
    ...(s === "adaptive" ? { chosen } : {}),
    schedMsByPhase,
    blockSchedMs: r.blocks.map((b) => b.schedMs),
  };
}

export async function run(): Promise<object> {
  const load = loadavg()[0];
  const modes: Record<string, object> = {};
  for (const [mode, make] of [
    ["in-thread", () => Lanes.create(WORKERS)],
    ["threads", () => ThreadLanes.create(THREADS)],
  ] as const) {
    const lanes = await make();
    try {
      modes[mode] = await runMode(mode, lanes);
    } finally {
      await lanes.close();
    }
  }
  return {
    config: { blocks: BLOCKS, blockSize: BLOCK_SIZE, users: USERS, repeats: REPEATS, inThreadWorkers: WORKERS, threads: THREADS, mixedPhase: 2, loadavg1mAtStart: load, loadavg1mAtEnd: loadavg()[0] },
    modes,
  };
}

async function runMode(mode: string, lanes: ExecLanes): Promise<object> {
  console.log(`-- ${mode} (${lanes.size} lanes)`);
  // Warm-up: the EVM and the schedulers' code paths get compiled before anything is timed.
  for (const s of SCHEDULERS) await runChain("mixed", s, { blocks: 8, blockSize: 20, users: 16, phase: 1, lanes });
  const results = [];
  for (const c of CASES) {
    const reps: Row[][] = SCHEDULERS.map(() => []);
    for (let rep = 0; rep < REPEATS; rep++)
      for (const [i, s] of SCHEDULERS.entries()) {
        process.stderr.write(`\r${mode} ${c.name}: ${s} ${rep + 1}/${REPEATS}        `);
        reps[i].push(await measure(c, s, lanes));
      }
    process.stderr.write("\n");
    const rows = reps.map((rs) => ({
      scheduler: rs[0].scheduler,
      txPerSec: round(median(rs.map((r) => r.txPerSec))),
      schedMs: round(median(rs.map((r) => r.schedMs)), 2),
      schedMsBlockMedians: round(blockMedians(rs), 2),
      schedShare: round(median(rs.map((r) => r.schedShare)), 3),
      wallMs: round(median(rs.map((r) => r.wallMs))),
      cpuMs: round(median(rs.map((r) => r.cpuMs))),
      reExecutions: rs[0].reExecutions,
      executions: rs[0].executions,
      reExecutionsPerRepeat: rs.map((r) => r.reExecutions),
      root: rs[0].root,
      ...(rs[0].chosen ? { chosen: rs[0].chosen } : {}),
      ...(c.workload === "mixed" ? { schedMsByPhase: Object.fromEntries(Object.keys(rs[0].schedMsByPhase).map((ph) => [ph, round(median(rs.map((r) => r.schedMsByPhase[ph])), 2)])) } : {}),
    }));
    const sameRoot = reps.every((rs) => rs.every((r) => r.root === reps[0][0].root));
    if (!sameRoot) throw new Error(`${c.name}: schedulers reached different state roots`);
    for (const r of rows) console.log(`${c.name.padEnd(26)} ${r.scheduler.padEnd(10)} ${String(r.txPerSec).padStart(8)} tx/s  cpu ${String(r.cpuMs).padStart(7)} ms  scheduling ${String(r.schedMs).padStart(8)} ms (${(r.schedShare * 100).toFixed(1)} %)  re-executions ${r.reExecutions}`);
    results.push({ case: c.name, workload: c.workload, zipf: c.zipf, sameRoot, rows });
  }
  const mixed = results.find((r) => r.workload === "mixed")!.rows;
  const adaptive = mixed.find((r) => r.scheduler === "adaptive")!;
  const coldRuns: Row[] = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    process.stderr.write(`\r${mode} mixed: adaptive, cold ${rep + 1}/${REPEATS}        `);
    clearCodeFacts();
    coldRuns.push(await measure(CASES.find((c) => c.workload === "mixed")!, "adaptive", lanes));
  }
  process.stderr.write("\n");
  const cold = {
    txPerSec: round(median(coldRuns.map((r) => r.txPerSec))),
    schedMs: round(median(coldRuns.map((r) => r.schedMs)), 2),
    schedMsBlockMedians: round(blockMedians(coldRuns), 2),
    wallMs: round(median(coldRuns.map((r) => r.wallMs))),
    cpuMs: round(median(coldRuns.map((r) => r.cpuMs))),
    schedMsByPhase: Object.fromEntries(Object.keys(coldRuns[0].schedMsByPhase).map((ph) => [ph, round(median(coldRuns.map((r) => r.schedMsByPhase[ph])), 2)])),
  };
  if (coldRuns.some((r) => r.root !== adaptive.root)) throw new Error("mixed: the cold adaptive run reached another state root");
  const vs = Object.fromEntries(
    mixed
      .filter((r) => r.scheduler !== "adaptive")
      .map((r) => [
        r.scheduler,
        {
          schedulingTimeChange: round((adaptive.schedMs - r.schedMs) / r.schedMs, 3),
          throughputChange: round((adaptive.txPerSec - r.txPerSec) / r.txPerSec, 3),
          // Same transactions, so tx per CPU-second changes as the inverse of CPU time.
          throughputPerCpuChange: round(r.cpuMs / adaptive.cpuMs - 1, 3),
        },
      ]),
  );
  const optimistic = mixed.find((r) => r.scheduler === "optimistic")!;
  const target = {
    baseline: "optimistic",
    schedulingTimeChange: vs.optimistic.schedulingTimeChange,
    schedulingTimeTarget: -0.3,
    schedulingTimeMet: vs.optimistic.schedulingTimeChange <= -0.3,
    schedulingTimeChangeBlockMedians: round((adaptive.schedMsBlockMedians - optimistic.schedMsBlockMedians) / optimistic.schedMsBlockMedians, 3),
    schedulingTimeMetBlockMedians: (adaptive.schedMsBlockMedians - optimistic.schedMsBlockMedians) / optimistic.schedMsBlockMedians <= -0.3,
    throughputChange: vs.optimistic.throughputChange,
    throughputTarget: 0.15,
    throughputMet: vs.optimistic.throughputChange >= 0.15,
    throughputPerCpuChange: vs.optimistic.throughputPerCpuChange,
    throughputPerCpuMet: vs.optimistic.throughputPerCpuChange >= 0.15,
    cold: {
      schedulingTimeChange: round((cold.schedMs - optimistic.schedMs) / optimistic.schedMs, 3),
      schedulingTimeChangeBlockMedians: round((cold.schedMsBlockMedians - optimistic.schedMsBlockMedians) / optimistic.schedMsBlockMedians, 3),
      schedulingTimeMet: (cold.schedMs - optimistic.schedMs) / optimistic.schedMs <= -0.3,
      throughputChange: round((cold.txPerSec - optimistic.txPerSec) / optimistic.txPerSec, 3),
      throughputMet: (cold.txPerSec - optimistic.txPerSec) / optimistic.txPerSec >= 0.15,
    },
  };
  console.log(`${mode}: mixed stream, adaptive vs optimistic: scheduling time ${(target.schedulingTimeChange * 100).toFixed(1)} % (target −30 %: ${target.schedulingTimeMet ? "met" : "not met"}; per-block medians ${(target.schedulingTimeChangeBlockMedians * 100).toFixed(1)} %), throughput ${(target.throughputChange * 100).toFixed(1)} % (target +15 %: ${target.throughputMet ? "met" : "not met"}); per CPU-second ${(target.throughputPerCpuChange * 100).toFixed(1)} %; cold: scheduling time ${(target.cold.schedulingTimeChange * 100).toFixed(1)} %, throughput ${(target.cold.throughputChange * 100).toFixed(1)} %`);
  return {
    lanes: lanes.size,
    concurrency:
      mode === "threads"
        ? "one worker thread per lane with its own EVM; state reads are message round trips to the scheduler's thread"
        : "asynchronous executions interleaving at state reads on one thread (no multi-core speedup; spec/exec.md)",
    results,
    mixedAdaptiveVs: vs,
    mixedAdaptiveCold: cold,
    target,
  };
}
