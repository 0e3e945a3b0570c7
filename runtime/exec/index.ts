// Block execution over @ethereumjs/evm with interchangeable schedulers (spec/exec.md): strict order,
// optimistic parallel (Block-STM), deterministic reordering, and an adaptive policy choosing per block.
import { AdaptivePolicy, runBlock, type SchedulerChoice } from "./adaptive.ts";
import type { BlockStats } from "./block.ts";
import { Lanes } from "./execute.ts";
import { ThreadLanes } from "./threads.ts";
import { Predictor } from "./predict.ts";
import { type Genesis, type WorkloadName, type WorkloadOptions, genesis, makeBlocks } from "./workloads.ts";
import type { Delay, ExecLanes } from "./execute.ts";

export { type BlockOutcome, type BlockStats, type SchedulerName, blockStorageOps, conflictRate, runSerial } from "./block.ts";
export { type Delay, type ExecLanes, type Tx, type TxExecution, Lanes } from "./execute.ts";
export { ThreadLanes } from "./threads.ts";
export { runOptimistic } from "./optimistic.ts";
export { runReorder, planLevels } from "./reorder.ts";
export { Predictor, clearCodeFacts, dispatchedSelectors, mappingSlot, type ClassFacts } from "./predict.ts";
export { AdaptivePolicy, runBlock, type SchedulerChoice, SERIAL_ABOVE, STATIC_FOR_REORDER } from "./adaptive.ts";
export { WorldState, TxView, accountKey, storageKeyOf, parseStorageKey } from "./state.ts";
export { WORKLOADS, GENESIS_WEI, type WorkloadName, type WorkloadOptions, genesis, makeBlocks, loadExecArtifacts } from "./workloads.ts";

export const SCHEDULERS = ["serial", "optimistic", "reorder", "adaptive"] as const;

export interface ChainRun {
  root: string;
  blocks: (BlockStats & { phase: string })[];
  outcomes: import("./block.ts").BlockOutcome[];
  genesis: Genesis;
}

/** Executes a workload's blocks on a fresh genesis under one scheduler choice. */
export async function runChain(
  workload: WorkloadName,
  choice: SchedulerChoice,
  o: WorkloadOptions & { workers?: number; delay?: Delay; users?: number; keepOutcomes?: boolean; threads?: boolean; lanes?: ExecLanes },
  progress?: (block: number, total: number, stats: BlockStats) => void,
): Promise<ChainRun> {
  // Lanes passed in are the caller's to close (a bench reuses one set of threads for many runs).
  if (o.lanes) return runOn(o.lanes, workload, choice, o, progress);
  const lanes = o.threads ? await ThreadLanes.create(o.workers ?? 4) : await Lanes.create(o.workers ?? 4);
  try {
    return await runOn(lanes, workload, choice, o, progress);
  } finally {
    await lanes.close();
  }
}

async function runOn(lanes: ExecLanes, workload: WorkloadName, choice: SchedulerChoice, o: Parameters<typeof runChain>[2], progress?: Parameters<typeof runChain>[3]): Promise<ChainRun> {
  const g = await cachedGenesis(lanes, o.users ?? 32);
  const { blocks, phases } = makeBlocks(g, workload, o);
  const policy = new AdaptivePolicy(new Predictor(lanes));
  const out: ChainRun = { root: "", blocks: [], outcomes: [], genesis: g };
  for (let b = 0; b < blocks.length; b++) {
    const r = await runBlock(g.state, blocks[b], choice, { lanes, delay: o.delay, policy, workers: o.workers });
    out.blocks.push({ ...r.stats, phase: phases[b] });
    if (o.keepOutcomes) out.outcomes.push(r);
    progress?.(b + 1, blocks.length, r.stats);
  }
  out.root = g.state.root();
  return out;
}

/** Genesis is a function of the holder count alone: made once per count, each run gets its own copy. */
const genesisCache = new Map<number, Promise<Genesis>>();
async function cachedGenesis(lanes: ExecLanes, users: number): Promise<Genesis> {
  let g = genesisCache.get(users);
  if (!g) genesisCache.set(users, (g = genesis(lanes, users)));
  const made = await g;
  return { ...made, state: made.state.clone() };
}
