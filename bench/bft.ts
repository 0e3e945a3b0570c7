// `npm run bench -- bft`: the consensus protocol (runtime/consensus) in each quorum mode —
//  - over TCP on loopback for n = 4, 8, 16 (every node a runNode in this one process: real sockets,
//    real BLS, one event loop, so CPU is shared by all nodes; a lower bound on what n machines do);
//  - in the simulator for n = 4, 8, 16, 100 and 1,000 with one network model and the CPU costs
//    measured here first (see SimConfig in runtime/consensus/sim/sim.ts for its assumptions).
// Committee modes use c = min(n, 100) at n = 1,000 and c = min(n, 40) below (stated per row).
// Target of the issue: committee-2/3 at n = 1,000 has at least the tx/s of all-2/3 at n = 100.
// BFT_BENCH_QUICK=1 runs the small sizes only (for a shared development machine).
import { measureCosts } from "../runtime/consensus/sim/calibrate.ts";
import { simulate, simDefaults, type SimConfig } from "../runtime/consensus/sim/sim.ts";
import { freeLoopbackPorts, runNode, type NodeConfig } from "../runtime/consensus/tcp.ts";
import { QUORUM_MODES, type ConsensusConfig, type QuorumMode } from "../runtime/consensus/types.ts";

const quick = !!process.env.BFT_BENCH_QUICK;
const say = (s: string) => process.stdout.write(s + "\n");

const committeeFor = (n: number) => (n >= 1000 ? 100 : Math.min(n, 40));
const consensus = (n: number, mode: QuorumMode, over: Partial<ConsensusConfig> = {}): ConsensusConfig => ({
  n,
  mode,
  committeeSize: committeeFor(n),
  epochLength: 100,
  seed: "bench",
  // Above the time a 250 kB block takes to reach 1,000 nodes from one 1 Gbit/s uplink (2 s).
  viewTimeoutMs: 5000,
  maxBatch: 1000,
  checkHashes: false,
  ...over,
});

async function tcpRun(n: number, mode: QuorumMode, blocks: number) {
  const peers = (await freeLoopbackPorts(n)).map((p) => `127.0.0.1:${p}`);
  const started = performance.now();
  const sums = await Promise.all(
    peers.map((_, id) => {
      const cfg: NodeConfig = {
        id,
        peers,
        consensus: consensus(n, mode, { committeeSize: Math.min(n, committeeFor(n)), maxBatch: 200, checkHashes: true, viewTimeoutMs: 4000 }),
        keys: { dev: "bench" },
        stopAfterBlocks: blocks,
        maxSeconds: 120,
        lingerMs: 3000,
        txBytes: 250,
      };
      return runNode(cfg);
    }),
  );
  const done = sums.filter((s) => s.reached);
  const agree = sums.every((s) => s.chain.slice(0, blocks).every((h, i) => h === sums[0].chain[i]));
  const txPerSec = Math.min(...sums.map((s) => s.txPerSec));
  const lat = sums.map((s) => s.latencyMs.p50).sort((a, b) => a - b);
  return {
    n,
    mode,
    committee: mode === "all-2/3" ? n : Math.min(n, committeeFor(n)),
    blocks,
    reached: `${done.length}/${n}`,
    chainsAgree: agree,
    txPerSec,
    latencyMsP50: lat[Math.floor(lat.length / 2)],
    latencyMsP99: Math.max(...sums.map((s) => s.latencyMs.p99)),
    viewChanges: Math.max(...sums.map((s) => s.viewChanges)),
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

export async function run(): Promise<object> {
  say("measuring BLS costs (noble BLS12-381, this machine) ...");
  const costs = measureCosts();
  say(`  sign ${costs.signUs} us, pairing check ${costs.verifyUs} us, aggregate ${costs.aggregateUs} us/signature, sha256 ${costs.hashByteUs} us/byte`);
  const network = { baseLatencyMs: 10, spreadLatencyMs: 60, jitter: 0.1, bandwidthMbps: 1000, txBytes: 250 };

  const tcp = [];
  for (const n of [4, 8, 16]) {
    for (const mode of QUORUM_MODES) {
      say(`tcp n=${n} ${mode} ...`);
      const r = await tcpRun(n, mode, n <= 4 ? 10 : 6);
      say(`  ${r.txPerSec} tx/s, p50 ${r.latencyMsP50} ms, ${r.reached} reached, chains agree: ${r.chainsAgree}, ${r.wallSeconds} s`);
      tcp.push(r);
    }
  }

  const sim = [];
  const sizes = quick ? [4, 8, 16, 100] : [4, 8, 16, 100, 1000];
  for (const n of sizes) {
    for (const mode of QUORUM_MODES) {
      const cfg: SimConfig = simDefaults(consensus(n, mode), { ...network, costs, durationMs: 20_000, seed: 7, progressEveryMs: n >= 1000 ? 5000 : 0, progress: (l) => say("  " + l) });
      say(`sim n=${n} ${mode} ...`);
      const r = simulate(cfg);
      say(`  ${r.txPerSec} tx/s, ${r.blocks} blocks, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, safety ${r.safety.length ? "VIOLATED" : "ok"}, ${r.wallMs} ms wall`);
      sim.push({ ...r, committee: mode === "all-2/3" ? n : Math.min(n, committeeFor(n)), safety: r.safety.length ? r.safety : "ok" });
    }
  }

  const base = sim.find((r) => r.n === 100 && r.mode === "all-2/3");
  const big = sim.find((r) => r.n === 1000 && r.mode === "committee-2/3");
  const target = base && big ? { allTwoThirdsAt100: base.txPerSec, committeeTwoThirdsAt1000: big.txPerSec, met: big.txPerSec >= base.txPerSec } : "not run (BFT_BENCH_QUICK)";
  say(`target (committee-2/3 at 1,000 >= all-2/3 at 100): ${JSON.stringify(target)}`);
  return {
    costs,
    simulatorAssumptions: {
      ...network,
      latency: "one-way = base + distance * spread (nodes at seeded points of a unit square), times 1 + jitter * U[0,1)",
      bandwidth: "one uplink per node, messages serialised; downlinks not limited",
      cpu: "one core per node; each handled message pays messageUs plus the measured sign/verify/aggregate/hash costs",
      signatures: "SimSigner stand-in (valid by construction) with the measured BLS costs charged",
      load: "saturated: every block carries maxBatch transactions of txBytes",
      durationMs: 20_000,
      committee: "c = 100 at n = 1,000, c = min(n, 40) below; the committee relays each proposal to the other nodes",
    },
    tcp: { note: "all nodes in one process on loopback (shared CPU, real BLS and sockets), saturated load of 200 transactions of 250 bytes per block", runs: tcp },
    sim,
    target,
  };
}
