// The protocol over real TCP: one process per node, length-prefixed JSON frames (4-byte big-endian
// length, then the UTF-8 JSON), one outgoing connection per peer opened on first use (and reopened
// after an error). Every inbound connection is authenticated before anything it sends counts: the
// accepting node sends a fresh random challenge, and the connecting node answers with `hello`: its id
// and its BLS signature over `hello|challenge|its id|the acceptor's id` with the key the cluster's
// config holds for that id. A wrong or missing signature closes the connection, so an impostor cannot
// speak for a node (and protocol messages are signed besides). The replica is the same Replica the
// simulator runs; this file only moves its messages and fires its timers.
import { createServer, connect, type Server, type Socket } from "node:net";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { BlsSigner, clusterKeys, devKeys, type BlsKeys } from "./crypto.ts";
import { Replica, type SafetyState } from "./replica.ts";
import type { Block, ConsensusConfig, Msg, QC, TraceEvent } from "./types.ts";

export const MAX_FRAME = 64 * 2 ** 20;

export interface NodeConfig {
  id: number;
  /** `host:port` of every node, by id (this node listens on its own). */
  peers: string[];
  consensus: ConsensusConfig;
  /**
   * The cluster's keys: every node's public key and proof of possession (hex, by id) and this node's
   * secret key — or `dev`, development keys all derived from one seed (anyone who knows it can sign
   * for anyone: testing only).
   */
  keys: { publicKeys: string[]; pops: string[]; secretKey: string } | { dev: string };
  /** Stop once this many blocks are committed (after lingering `lingerMs` so the others finish too). */
  stopAfterBlocks: number;
  /** Give up after this long. */
  maxSeconds: number;
  lingerMs: number;
  txBytes: number;
  /** Where the node keeps lastVoted and preferredView across restarts (written before each vote). */
  stateFile?: string;
}

export interface NodeSummary {
  node: number;
  reached: boolean;
  blocks: number;
  txs: number;
  seconds: number;
  txPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number };
  viewChanges: number;
  /** Committed block hashes from height 1 up. */
  chain: string[];
  stats: Replica["stats"];
  /** Inbound connections refused because their `hello` did not prove the claimed node's key. */
  refusedConnections: number;
}

/** What a connecting node signs to prove it holds node `from`'s key, for the acceptor `to`'s challenge. */
export const helloMsg = (challenge: string, from: number, to: number) => `hello|${challenge}|${from}|${to}`;

/** The key set a node config names (`BlsSigner` checks every proof of possession). */
export function nodeKeys(cfg: Pick<NodeConfig, "keys" | "id" | "peers">): BlsKeys {
  const k = cfg.keys;
  return "dev" in k ? devKeys(k.dev, cfg.peers.length, [cfg.id]) : clusterKeys(k.publicKeys, k.pops, cfg.id, k.secretKey);
}

/** Splits a byte stream into frames; returns the frames completed by `chunk`. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len > MAX_FRAME) throw new Error(`frame of ${len} bytes exceeds ${MAX_FRAME}`);
      if (this.buf.length < 4 + len) break;
      out.push(this.buf.subarray(4, 4 + len));
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }
}

export function frame(obj: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(obj), "utf8");
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

const hostPort = (s: string) => {
  const i = s.lastIndexOf(":");
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

/** Runs one node until it has committed `stopAfterBlocks` blocks (plus the linger) or `maxSeconds` pass. */
export async function runNode(cfg: NodeConfig, hooks: { progress?: (line: string) => void; trace?: (e: TraceEvent & { at: number }) => void } = {}): Promise<NodeSummary> {
  const { id, peers } = cfg;
  const n = peers.length;
  const signer = new BlsSigner(nodeKeys(cfg));
  let refusedConnections = 0;
  const out = new Map<number, { sock: Socket; ready: boolean; queue: Buffer[] }>();
  const inbound = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const latencies: number[] = [];
  let txs = 0;
  let viewChanges = 0;
  const chain: string[] = [];

  const open = (to: number, queue: Buffer[] = [], tries = 0) => {
    const { host, port } = hostPort(peers[to]);
    const sock = connect({ host, port });
    const entry = { sock, ready: false, queue };
    out.set(to, entry);
    sock.setNoDelay(true);
    // The acceptor speaks first, with its challenge; the answer proves this node's key, then the queue flows.
    const reader = new FrameReader();
    sock.on("data", (chunk) => {
      if (entry.ready) return;
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch {
        return void sock.destroy();
      }
      const first = frames[0];
      if (!first) return;
      let challenge: unknown;
      try {
        challenge = (JSON.parse(first.toString("utf8")) as { challenge?: unknown }).challenge;
      } catch {
        challenge = undefined;
      }
      if (typeof challenge !== "string" || !/^[0-9a-f]{64}$/.test(challenge)) return void sock.destroy();
      entry.ready = true;
      sock.write(frame({ hello: id, sig: signer.sign(id, helloMsg(challenge, id, to)) }));
      for (const b of entry.queue) sock.write(b);
      entry.queue = [];
    });
    sock.on("error", () => {}); // closed below; messages in flight are lost like on any network
    sock.on("close", () => {
      if (out.get(to) !== entry) return;
      // A peer that is not listening yet (nodes start one by one): retry for a while; sends meanwhile
      // queue on this entry and move to the next connection.
      if (!entry.ready && !stopped && tries < 50) {
        const h = setTimeout(() => {
          timers.delete(h);
          if (!stopped && out.get(to) === entry) open(to, entry.queue, tries + 1);
        }, 100);
        timers.add(h);
        return;
      }
      out.delete(to);
    });
    return entry;
  };
  const send = (to: number, m: Msg) => {
    if (stopped || to < 0 || to >= n) return;
    const e = out.get(to) ?? open(to);
    const b = frame(m);
    if (e.ready) e.sock.write(b);
    else if (e.queue.length < 10_000) e.queue.push(b);
  };

  let replica!: Replica;
  let finish!: (s: NodeSummary) => void;
  const done = new Promise<NodeSummary>((r) => (finish = r));
  let reachedAt = -1;

  const adapter = {
    propose: (height: number, _parent: string, max: number) => {
      const at = Date.now();
      return Array.from({ length: max }, (_, j) => `${at}:${id}:${height}:${j}:`.padEnd(cfg.txBytes, "."));
    },
    commit: (block: Block, _qc: QC) => {
      chain.push(block.hash);
      txs += block.txs.length;
      const t = Date.now();
      for (const tx of block.txs) {
        const at = Number(tx.slice(0, tx.indexOf(":")));
        if (Number.isFinite(at)) latencies.push(t - at);
      }
      hooks.progress?.(`node ${id}: height ${block.height}, ${txs} txs, view ${replica.view}`);
      if (block.height >= cfg.stopAfterBlocks && reachedAt < 0) {
        reachedAt = now();
        const h = setTimeout(() => stop(true), cfg.lingerMs);
        timers.add(h);
      }
    },
  };

  const stateFile = cfg.stateFile;
  const restored = stateFile && existsSync(stateFile) ? readSafetyState(stateFile) : undefined;
  replica = new Replica({
    id,
    restored,
    persist: stateFile
      ? (st) => {
          // Write, then rename: a crash leaves the old numbers or the new ones, never half a file.
          writeFileSync(stateFile + ".tmp", JSON.stringify(st));
          renameSync(stateFile + ".tmp", stateFile);
        }
      : undefined,
    cfg: cfg.consensus,
    signer,
    adapter,
    env: {
      now,
      send,
      setTimer: (view, ms) => {
        const h = setTimeout(() => {
          timers.delete(h);
          if (!stopped) replica.onTimer(view);
        }, ms);
        timers.add(h);
      },
    },
    trace: (e) => {
      if (e.k === "view" && (e.reason === "tc" || e.reason === "timeout")) viewChanges++;
      hooks.trace?.({ ...e, at: performance.timeOrigin + performance.now() });
    },
  });

  const server: Server = createServer((sock) => {
    inbound.add(sock);
    sock.setNoDelay(true);
    const reader = new FrameReader();
    let from = -1;
    const challenge = randomBytes(32).toString("hex");
    sock.write(frame({ challenge }));
    sock.on("data", (chunk) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch {
        sock.destroy(); // a peer that breaks the framing is cut off
        return;
      }
      for (const f of frames) {
        let obj: unknown;
        try {
          obj = JSON.parse(f.toString("utf8"));
        } catch {
          sock.destroy();
          return;
        }
        if (from < 0) {
          const { hello: h, sig } = obj as { hello?: unknown; sig?: unknown };
          if (typeof h !== "number" || !Number.isInteger(h) || h < 0 || h >= n || h === id || typeof sig !== "string" || !signer.verify(h, helloMsg(challenge, h, id), sig)) {
            refusedConnections++;
            hooks.progress?.(`node ${id}: refused a connection claiming to be node ${JSON.stringify(h)}: its hello does not prove that node's key`);
            return void sock.destroy();
          }
          from = h;
        } else if (!stopped) {
          try {
            replica.onMessage(obj as Msg, from);
          } catch {
            // A malformed message (wrong shapes from a faulty peer) is dropped, not fatal.
          }
        }
      }
    });
    sock.on("error", () => {});
    sock.on("close", () => inbound.delete(sock));
  });

  const stop = (reached: boolean) => {
    if (stopped) return;
    stopped = true;
    for (const h of timers) clearTimeout(h);
    for (const e of out.values()) e.sock.destroy();
    for (const s of inbound) s.destroy();
    server.close();
    const seconds = (reached ? reachedAt : now()) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN);
    finish({
      node: id,
      reached,
      blocks: replica.committedHeight,
      txs,
      seconds: Math.round(seconds * 1000) / 1000,
      txPerSec: Math.round(txs / Math.max(seconds, 1e-3)),
      latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
      viewChanges,
      chain,
      stats: replica.stats,
      refusedConnections,
    });
  };

  const { port, host } = hostPort(peers[id]);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const limit = setTimeout(() => stop(false), cfg.maxSeconds * 1000);
  timers.add(limit);
  replica.start();
  return done;
}

/** The safety state a node stored; a damaged file is an error (voting without it could equivocate). */
export function readSafetyState(path: string): SafetyState {
  let st: unknown;
  try {
    st = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`state file \`${path}\` is damaged: ${(e as Error).message}`);
  }
  const o = st as Partial<SafetyState>;
  if (!Number.isInteger(o.lastVoted) || !Number.isInteger(o.preferredView))
    throw new Error(`state file \`${path}\` is damaged: it must hold { "lastVoted": N, "preferredView": N }`);
  return { lastVoted: o.lastVoted!, preferredView: o.preferredView! };
}

/** k ports on 127.0.0.1 that the OS says are free right now (for tests and benches on loopback). */
export async function freeLoopbackPorts(k: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: k }, () => new Promise<Server>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
