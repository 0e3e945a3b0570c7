// A deterministic discrete-event simulator that runs the protocol's replicas (the same Replica code as
// the TCP node) over a modelled network. Assumptions, stated once (spec/consensus.md repeats them):
//  - Nodes sit at seeded random points of a unit square; the one-way latency of a link is
//    baseLatencyMs + distance * spreadLatencyMs, plus a seeded jitter of up to jitter * that.
//  - Each node has one uplink of `bandwidthMbps`: its messages leave one after another (serialisation
//    delay = size / bandwidth); downlinks and the core are not a bottleneck.
//  - Each node has one CPU: messages and timers are handled one at a time, each charged the measured
//    cost of what it does (BLS sign, pairing check, aggregation, hashing); see CpuCosts.
//  - Signatures are SimSigner (valid by construction, cheap) unless `realCrypto` is set; the CPU
//    charges are those of real BLS either way.
//  - Faults: crashes (a crashed node loses what arrives and its timers; on recovery it resumes with
//    its state), partitions (messages across groups are lost), extra delay, random loss; byzantine
//    nodes are silent or equivocate.
// Same seed and same config → the same run, event for event (the event queue breaks ties by a
// sequence number and all randomness comes from one seeded PRNG).
import { SimSigner, type Signer } from "../crypto.ts";
import { Replica } from "../replica.ts";
import { SafetyChecker } from "../safety.ts";
import type { Adapter, Block, ConsensusConfig, CryptoOp, Env, Msg, QC, TraceEvent } from "../types.ts";
import { EquivocatingReplica, type Behaviour } from "./byzantine.ts";
import { EventHeap, type Ev } from "./heap.ts";
import { mulberry32 as rng } from "../../../base/prng/index.ts";

/**
 * Microseconds per operation (hashByte: per byte). The defaults were measured once with
 * runtime/consensus/sim/calibrate.ts (@noble/curves 2.4 BLS12-381 in pure JS, Node 20, one core of
 * the shared development machine); aggregation is per signature and includes decoding the point.
 * bench/bft.ts measures them again and runs the simulator with its own figures.
 */
export interface CpuCosts {
  signUs: number;
  verifyUs: number;
  aggregateUs: number;
  hashByteUs: number;
  /** Fixed cost of handling any message (decode, bookkeeping). */
  messageUs: number;
}

export const DEFAULT_COSTS: CpuCosts = { signUs: 6200, verifyUs: 30_000, aggregateUs: 3500, hashByteUs: 0.0024, messageUs: 20 };

export type Fault =
  /**
   * Nodes down from `at` to `until`. By default a recovered node keeps its memory (one that persisted
   * everything); with `amnesia` it restarts with only its persisted safety state (lastVoted,
   * preferredView), as `cwl node` does from its state file, and must fetch the committed chain.
   */
  | { kind: "crash"; nodes: number[]; at: number; until?: number; amnesia?: boolean }
  | { kind: "partition"; groups: number[][]; at: number; until: number }
  | { kind: "delay"; extraMs: number; at: number; until: number; nodes?: number[] }
  | { kind: "loss"; rate: number; at: number; until: number };

export interface SimConfig {
  consensus: ConsensusConfig;
  seed: number;
  durationMs: number;
  baseLatencyMs: number;
  spreadLatencyMs: number;
  jitter: number;
  bandwidthMbps: number;
  txBytes: number;
  costs: CpuCosts;
  faults: Fault[];
  byzantine: { node: number; behaviour: Behaviour }[];
  realCrypto?: Signer;
  /** Called with every trace event (the spec replay listens here). */
  onTrace?: (e: TraceEvent) => void;
  /** Progress line every this many simulated ms (to stderr by default). */
  progressEveryMs?: number;
  progress?: (line: string) => void;
}

export const simDefaults = (consensus: ConsensusConfig, over: Partial<SimConfig> = {}): SimConfig => ({
  consensus,
  seed: 1,
  durationMs: 10_000,
  baseLatencyMs: 10,
  spreadLatencyMs: 60,
  jitter: 0.1,
  bandwidthMbps: 1000,
  txBytes: 250,
  costs: DEFAULT_COSTS,
  faults: [],
  byzantine: [],
  ...over,
});

export interface SimResult {
  n: number;
  mode: string;
  simulatedMs: number;
  wallMs: number;
  events: number;
  messages: number;
  /** Blocks committed by every honest node that was up at the end. */
  blocks: number;
  txs: number;
  txPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number };
  viewChanges: number;
  safety: string[];
  heights: { min: number; max: number };
  /** State sync over all nodes: range requests sent, and blocks committed from synced pages. */
  stateSync: { requests: number; blocks: number };
  /** FNV-1a digest over every event handled: equal digests mean equal runs. */
  digest: string;
}

interface SimEv extends Ev {
  kind: "msg" | "timer" | "fault";
  node: number;
  from?: number;
  msg?: Msg;
  view?: number;
  apply?: () => void;
}

export function msgBytes(m: Msg, n: number): number {
  const qc = 48 + 8 + 32 + Math.ceil(n / 8);
  switch (m.t) {
    case "propose":
      return 160 + qc + (m.block.tc ? qc * 2 : 0) + m.block.bytes;
    case "vote":
      return 100;
    case "timeout":
      return 60 + qc;
    case "tc":
      return 2 * qc;
    case "sync":
      return 3 * qc;
    case "fetch":
      return 48;
    case "block":
      return 160 + qc + m.block.bytes;
    case "range":
      return 80;
    case "chain":
      return m.blocks.reduce((a, b) => a + 160 + qc + b.bytes, 0) + (m.proof ? 2 * (160 + qc) + qc + m.proof.blocks.reduce((a, b) => a + b.bytes, 0) : 0);
  }
}

export function simulate(cfg: SimConfig): SimResult {
  const started = performance.now();
  const { n } = cfg.consensus;
  const rand = rng(cfg.seed);
  const pos = Array.from({ length: n }, () => [rand(), rand()]);
  const signer = cfg.realCrypto ?? new SimSigner(n, String(cfg.seed));
  const heap = new EventHeap<SimEv>();
  let seq = 0;
  const push = (e: Omit<SimEv, "seq">) => heap.push({ ...e, seq: seq++ } as SimEv);

  const cpuFree = new Float64Array(n);
  const upFree = new Float64Array(n);
  const down = new Uint8Array(n);
  let clock = 0; // the handling node's local time while it runs
  let partition: Int32Array | null = null;
  let extra: { ms: number; nodes?: Set<number> } | null = null;
  let lossRate = 0;
  let messages = 0;
  let digest = 0x811c9dc5;
  const mix = (x: number) => {
    digest = Math.imul(digest ^ (x & 0xffffffff), 16777619) >>> 0;
  };

  const behaviour = new Map(cfg.byzantine.map((b) => [b.node, b.behaviour]));
  const honest = (i: number) => !behaviour.has(i);
  const safety = new SafetyChecker(honest);
  const proposedAt = new Map<string, number>();
  const latencies: number[] = [];
  let viewChanges = 0;
  const committedTxs = new Map<number, number>();
  const trace = (e: TraceEvent) => {
    safety.onEvent(e);
    if (e.k === "propose" && !proposedAt.has(e.block)) proposedAt.set(e.block, clock);
    if (e.k === "commit" && honest(e.node)) {
      const t0 = proposedAt.get(e.block);
      if (t0 !== undefined && latencies.length < 2_000_000) latencies.push(clock - t0);
    }
    if (e.k === "view" && (e.reason === "tc" || e.reason === "timeout") && e.node === 0) viewChanges++;
    cfg.onTrace?.(e);
  };

  const latency = (a: number, b: number) => {
    const dx = pos[a][0] - pos[b][0];
    const dy = pos[a][1] - pos[b][1];
    const base = cfg.baseLatencyMs + Math.sqrt(dx * dx + dy * dy) * cfg.spreadLatencyMs;
    return base * (1 + cfg.jitter * rand());
  };
  const costUs = (op: CryptoOp, k: number) =>
    op === "sign" ? cfg.costs.signUs * k : op === "verify" ? cfg.costs.verifyUs * k : op === "aggregate" ? cfg.costs.aggregateUs * k : cfg.costs.hashByteUs * k;

  const replicas: Replica[] = [];
  const optsOf: ConstructorParameters<typeof Replica>[0][] = [];
  for (let i = 0; i < n; i++) {
    const env: Env = {
      now: () => clock,
      send: (to, m) => {
        if (behaviour.get(i) === "silent" || down[i]) return;
        messages++;
        const size = msgBytes(m, n);
        const depart = Math.max(clock, upFree[i]) + (size * 8) / (cfg.bandwidthMbps * 1000); // ms
        upFree[i] = depart;
        let at = depart + latency(i, to);
        if (extra && (!extra.nodes || extra.nodes.has(i) || extra.nodes.has(to))) at += extra.ms;
        if (lossRate > 0 && rand() < lossRate) return;
        if (partition && partition[i] !== partition[to]) return;
        push({ t: at, kind: "msg", node: to, from: i, msg: m });
      },
      setTimer: (view, ms) => push({ t: clock + ms, kind: "timer", node: i, view }),
      charge: (op, k = 1) => {
        clock += costUs(op, k) / 1000;
      },
    };
    const adapter: Adapter = {
      propose: (height, _parent, max) => Array.from({ length: max }, (_, j) => `tx ${height}.${j} `.padEnd(cfg.txBytes, ".")),
      commit: (block: Block, _qc: QC) => void committedTxs.set(i, (committedTxs.get(i) ?? 0) + block.txs.length),
    };
    const opts = { id: i, cfg: cfg.consensus, signer, env, adapter, trace };
    optsOf.push(opts);
    replicas.push(behaviour.get(i) === "equivocate" ? new EquivocatingReplica(opts) : new Replica(opts));
  }

  for (const f of cfg.faults) {
    if (f.kind === "crash") {
      push({ t: f.at, kind: "fault", node: -1, apply: () => f.nodes.forEach((x) => (down[x] = 1)) });
      if (f.until !== undefined)
        push({
          t: f.until,
          kind: "fault",
          node: -1,
          apply: () =>
            f.nodes.forEach((x) => {
              down[x] = 0;
              if (f.amnesia) {
                const old = replicas[x];
                committedTxs.delete(x);
                replicas[x] = new Replica({ ...optsOf[x], restored: { lastVoted: old.lastVoted, preferredView: old.preferredView } });
                clock = f.until!;
                replicas[x].start();
                return;
              }
              // A recovered node restarts its view timer (the ones that fired while it was down were lost).
              push({ t: f.until!, kind: "timer", node: x, view: replicas[x].view });
            }),
        });
    } else if (f.kind === "partition") {
      push({
        t: f.at,
        kind: "fault",
        node: -1,
        apply: () => {
          partition = new Int32Array(n).fill(-1);
          f.groups.forEach((g, gi) => g.forEach((x) => (partition![x] = gi)));
        },
      });
      push({ t: f.until, kind: "fault", node: -1, apply: () => (partition = null) });
    } else if (f.kind === "delay") {
      push({ t: f.at, kind: "fault", node: -1, apply: () => (extra = { ms: f.extraMs, nodes: f.nodes && new Set(f.nodes) }) });
      push({ t: f.until, kind: "fault", node: -1, apply: () => (extra = null) });
    } else {
      push({ t: f.at, kind: "fault", node: -1, apply: () => (lossRate = f.rate) });
      push({ t: f.until, kind: "fault", node: -1, apply: () => (lossRate = 0) });
    }
  }

  for (let i = 0; i < n; i++) {
    clock = 0;
    if (behaviour.get(i) !== "silent") replicas[i].start();
  }

  let events = 0;
  const every = cfg.progressEveryMs ?? 0;
  let nextProgress = every;
  const say = cfg.progress ?? ((l: string) => process.stderr.write(l + "\n"));
  for (;;) {
    const e = heap.pop();
    if (!e || e.t > cfg.durationMs) break;
    events++;
    if (every && e.t >= nextProgress) {
      const h = replicas.map((r) => r.committedHeight);
      say(`sim ${cfg.consensus.mode} n=${n}: ${Math.round(e.t)} / ${cfg.durationMs} ms simulated, height ${Math.min(...h)}..${Math.max(...h)}, ${events} events, ${Math.round(performance.now() - started)} ms wall`);
      nextProgress += every;
    }
    if (e.kind === "fault") {
      e.apply!();
      continue;
    }
    const i = e.node;
    if (down[i] || behaviour.get(i) === "silent") continue;
    clock = Math.max(e.t, cpuFree[i]);
    mix(i);
    mix(Math.floor(clock * 1000));
    if (e.kind === "timer") {
      mix(e.view!);
      replicas[i].onTimer(e.view!);
    } else {
      clock += cfg.costs.messageUs / 1000;
      mix(e.from!);
      replicas[i].onMessage(e.msg!, e.from!);
    }
    cpuFree[i] = clock;
  }

  const up = replicas.map((_, i) => i).filter((i) => honest(i) && !down[i]);
  const heights = up.map((i) => replicas[i].committedHeight);
  const blocks = Math.min(...heights);
  const txs = Math.min(...up.map((i) => committedTxs.get(i) ?? 0));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10 : NaN);
  return {
    n,
    mode: cfg.consensus.mode,
    simulatedMs: cfg.durationMs,
    wallMs: Math.round(performance.now() - started),
    events,
    messages,
    blocks,
    txs,
    txPerSec: Math.round((txs / cfg.durationMs) * 1000),
    latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
    viewChanges,
    safety: safety.violations,
    heights: { min: blocks, max: Math.max(...heights) },
    stateSync: { requests: replicas.reduce((a, r) => a + r.stats.syncRequests, 0), blocks: replicas.reduce((a, r) => a + r.stats.synced, 0) },
    digest: digest.toString(16),
  };
}
