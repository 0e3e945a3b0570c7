// `cwl node` over TCP: a cluster made by `cwl node init` (a key file per node, no shared seed) commits
// blocks in four processes, agrees, stops on its own, and its merged traces pass the safety checker and
// replay as steps of stdlib/specs/bft.cwl's Bft; a connection that cannot prove the key of the node it
// claims to be is refused; a node killed mid-run and restarted with its state file fetches the blocks
// committed meanwhile (state sync) and finishes with the others' chain. Bad configs are diagnostics
// (exit 1), not stack traces.
import { describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { BlsSigner, devKeys } from "../../runtime/consensus/crypto.ts";
import { SafetyChecker } from "../../runtime/consensus/safety.ts";
import { FrameReader, frame, freeLoopbackPorts, helloMsg, nodeKeys, runNode } from "../../runtime/consensus/tcp.ts";
import type { TraceEvent } from "../../runtime/consensus/types.ts";
import { parseNodeConfig } from "../../tooling/cli/commands/node.ts";
import { runCwlInProcess } from "../util/cli.ts";
import { cfgOf, replayFor } from "./helpers.ts";

interface Run {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ status: number | null; stdout: string; stderr: string }>;
}

function start(args: string[], cwd: string): Run {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "cwl.js"), ...args], { cwd });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const kill = setTimeout(() => child.kill("SIGKILL"), 150_000);
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (status) => {
      clearTimeout(kill);
      resolve({ status, stdout, stderr });
    }),
  );
  return { child, stderr: () => stderr, done };
}
const cwl = (args: string[], cwd: string) => start(args, cwd).done;

/** A cluster of `n` written by `cwl node init` into a fresh folder, on free loopback ports, with `over` merged into every config. */
async function cluster(n: number, over: Record<string, unknown>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "cwl-bft-"));
  const r = await cwl(["node", "init", "--nodes", String(n), "--out", "c"], dir);
  expect(r.status, r.stderr).toBe(0);
  const peers = (await freeLoopbackPorts(n)).map((p) => `127.0.0.1:${p}`);
  for (let i = 0; i < n; i++) {
    const path = join(dir, "c", `node${i}.json`);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), peers, ...over }));
  }
  return join(dir, "c");
}

/** The merged traces, in wall-clock order, through the safety checker and the spec replay. */
function check(dir: string, files: string[]) {
  // A killed node's trace may end in half a line (and lose what it had not written yet).
  const parse = (l: string) => {
    try {
      return [JSON.parse(l) as TraceEvent & { at: number }];
    } catch {
      return [];
    }
  };
  const events = files.flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n")).flatMap(parse);
  const order = { restart: -1, propose: 0, vote: 1, commit: 2, view: 3 };
  events.sort((a, b) => a.at - b.at || order[a.k] - order[b.k]);
  const safety = new SafetyChecker();
  const replay = replayFor(cfgOf(4, "all-2/3"));
  for (const e of events) {
    safety.onEvent(e);
    replay.onEvent(e);
  }
  replay.finish();
  return { safety, replay };
}

type Summary = { chain: string[]; blocks: number; reached: boolean; stats: { synced: number; syncRequests: number } };

describe("cwl node over TCP", () => {
  it("4 processes with their own keys commit 8 blocks, agree, stop, and conform to the spec", { timeout: 150_000 }, async () => {
    const dir = await cluster(4, { stopAfterBlocks: 8, maxSeconds: 90, viewTimeoutMs: 2000, maxBatch: 20, lingerMs: 2500 });
    // Each key file is the node's own: four different secrets.
    const secrets = [0, 1, 2, 3].map((i) => JSON.parse(readFileSync(join(dir, `node${i}.key`), "utf8")).secretKey);
    expect(new Set(secrets).size).toBe(4);
    const runs = await Promise.all([0, 1, 2, 3].map((i) => cwl(["node", "start", "--config", `node${i}.json`, "--trace", `t${i}.jsonl`, "--quiet"], dir)));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    for (const r of runs) expect(r.stderr).not.toMatch(/INSECURE/);
    const sums = runs.map((r) => JSON.parse(r.stdout) as Summary);
    for (const s of sums) expect(s.blocks).toBeGreaterThanOrEqual(8);
    for (const s of sums) expect(s.chain.slice(0, 8)).toEqual(sums[0].chain.slice(0, 8));
    const { safety, replay } = check(dir, ["t0.jsonl", "t1.jsonl", "t2.jsonl", "t3.jsonl"]);
    expect(safety.violations).toEqual([]);
    expect(safety.commits).toBeGreaterThanOrEqual(32);
    expect(replay.violations).toEqual([]);
  });

  it("a connection that cannot prove the claimed node's key is refused; the genuine node's is kept", { timeout: 60_000 }, async () => {
    const dir = await cluster(4, { maxSeconds: 8, viewTimeoutMs: 500 });
    const cfg = parseNodeConfig(join(dir, "node0.json"));
    const node = runNode(cfg);
    const one = new BlsSigner(nodeKeys(parseNodeConfig(join(dir, "node1.json"))));
    const two = new BlsSigner(nodeKeys(parseNodeConfig(join(dir, "node2.json"))));
    const dev = new BlsSigner(devKeys("cwl-bft-dev-keys", 4, [1]));
    const [host, port] = cfg.peers[0].split(":");
    // An answer of node 1 to another challenge, for the replay below.
    const captured = { hello: 1, sig: one.sign(1, helloMsg("ab".repeat(32), 1, 0)) };
    /** Connects, answers the challenge with `hello(challenge)`, and says whether the node kept the connection. */
    const attempt = (hello: (challenge: string) => object) =>
      new Promise<boolean>((resolve) => {
        const sock = connect({ host, port: Number(port) });
        const reader = new FrameReader();
        let answered = false;
        sock.on("data", (d) => {
          for (const f of reader.push(d)) {
            if (answered) continue;
            answered = true;
            const h = hello((JSON.parse(f.toString("utf8")) as { challenge: string }).challenge);
            sock.write(frame(h));
            // Kept: still open well after the answer was checked (a pairing), then this side closes it.
            setTimeout(() => (sock.destroy(), resolve(true)), 2000);
          }
        });
        sock.on("close", () => resolve(false));
        sock.on("error", () => {});
      });
    // Claims node 1, signs with node 2's key; signs with the development key of node 1; replays node 1's
    // answer to another challenge; claims node 1 with no signature.
    expect(await attempt((c) => ({ hello: 1, sig: two.sign(2, helloMsg(c, 1, 0)) }))).toBe(false);
    expect(await attempt((c) => ({ hello: 1, sig: dev.sign(1, helloMsg(c, 1, 0)) }))).toBe(false);
    expect(await attempt(() => captured)).toBe(false);
    expect(await attempt(() => ({ hello: 1 }))).toBe(false);
    // The genuine node 1 (its key from its own key file).
    expect(await attempt((c) => ({ hello: 1, sig: one.sign(1, helloMsg(c, 1, 0)) }))).toBe(true);
    const summary = await node;
    expect(summary.refusedConnections).toBe(4);
  });

  it("a node killed mid-run and restarted with its state file catches up by state sync", { timeout: 180_000 }, async () => {
    const dir = await cluster(4, { stopAfterBlocks: 8, maxSeconds: 150, viewTimeoutMs: 800, maxBatch: 10, lingerMs: 5000 });
    const nodes = [0, 1, 2, 3].map((i) => start(["node", "start", "--config", `node${i}.json`, "--trace", `t${i}.jsonl`], dir));
    const height = (r: Run) => Math.max(0, ...[...r.stderr().matchAll(/height (\d+)/g)].map((m) => Number(m[1])));
    const until = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 100));
    };
    await until(() => height(nodes[3]) >= 3);
    nodes[3].child.kill("SIGKILL");
    await nodes[3].done;
    const before = height(nodes[0]);
    expect(existsSync(join(dir, "node3.state.json"))).toBe(true);
    // (With round-robin leaders, 3 of 4 commit nothing while one is down: its views, and the views
    // whose votes go to it, fail, so no three consecutive views certify. They wait for it.)
    const again = start(["node", "start", "--config", "node3.json", "--trace", "t3b.jsonl"], dir);
    const runs = await Promise.all([nodes[0].done, nodes[1].done, nodes[2].done, again.done]);
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const sums = runs.map((r) => JSON.parse(r.stdout) as Summary);
    const restarted = sums[3];
    expect(restarted.reached).toBe(true);
    expect(restarted.chain.slice(0, 8)).toEqual(sums[0].chain.slice(0, 8));
    // It came back holding no block: the chain committed before it returned came by range, certificates checked.
    expect(restarted.stats.syncRequests).toBeGreaterThan(0);
    expect(restarted.stats.synced).toBeGreaterThanOrEqual(Math.min(before, 3));
    const { safety, replay } = check(dir, ["t0.jsonl", "t1.jsonl", "t2.jsonl", "t3.jsonl", "t3b.jsonl"]);
    expect(safety.violations).toEqual([]);
    expect(replay.violations).toEqual([]);
  });

  it("a bad config is a diagnostic with exit 1", { timeout: 60_000 }, async () => {
    const dir = await cluster(2, {});
    const two = (i: number) => JSON.parse(readFileSync(join(dir, `node${i}.json`), "utf8"));
    writeFileSync(join(dir, "a.json"), JSON.stringify({ id: 5, peers: ["127.0.0.1:1"] }));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ id: 0, peers: ["localhost"] }));
    writeFileSync(join(dir, "c.json"), JSON.stringify({ id: 0, peers: ["127.0.0.1:1"], mode: "half" }));
    writeFileSync(join(dir, "d.json"), JSON.stringify({ id: 0, peers: ["127.0.0.1:1"], stateFile: "votes.json" }));
    writeFileSync(join(dir, "votes.json"), '{"lastVoted": 3');
    writeFileSync(join(dir, "e.json"), JSON.stringify({ id: 0, peers: ["127.0.0.1:1"] }));
    writeFileSync(join(dir, "f.json"), JSON.stringify({ ...two(0), keyFile: "node1.key" }));
    const pops = two(0).keys.map((k: { pop: string }) => k.pop);
    writeFileSync(join(dir, "h.json"), JSON.stringify({ ...two(0), keyFile: "missing.key" }));
    writeFileSync(join(dir, "i.json"), JSON.stringify({ ...two(0), keyFile: "votes.json" }));
    writeFileSync(join(dir, "g.json"), JSON.stringify({ ...two(0), keys: two(0).keys.map((k: object, i: number) => ({ ...k, pop: pops[1 - i] })) }));
    for (const [args, says] of [
      [["a.json"], /`id` must be an integer from 0 to 0, not 5/],
      [["b.json"], /peer 0 is "localhost", not "host:port"/],
      [["c.json"], /unknown mode "half"/],
      [["d.json", "--dev"], /state file `votes.json` is damaged[\s\S]*could make this node vote twice/],
      [["e.json"], /`keyFile` is missing[\s\S]*cwl node init/],
      [["f.json"], /holds the key of another node than node 0/],
      [["g.json"], /proof of possession/],
      [["h.json"], /missing\.key.*no such file/],
      [["i.json"], /votes\.json.*not valid JSON/],
      [["missing.json"], /no such file/],
      [["node0.json", "--trace", "no-such-folder/t.jsonl"], /cannot write the trace file `no-such-folder\/t\.jsonl`/],
    ] as const) {
      const r = await runCwlInProcess(["node", "start", "--config", ...args], dir);
      expect(r.status, args[0]).toBe(1);
      expect(r.out).toMatch(says);
      expect(r.out).not.toMatch(/\n\s+at |internal error/);
    }
    // --dev is announced as insecure; keygen never overwrites a key.
    expect((await runCwlInProcess(["node", "start", "--config", "d.json", "--dev"], dir)).out).toMatch(/INSECURE development keys/);
    for (const [args, says] of [
      [["keygen", "--out", "node0.key"], /never overwritten/],
      [["keygen"], /needs --out/],
      [["init", "--nodes", "0", "--out", "x"], /--nodes must be an integer from 1 to 1000/],
      [["init", "--nodes", "2", "--out", "."], /exists; a key file is never overwritten/],
      [["start"], /needs --config/],
    ] as const) {
      const k = await runCwlInProcess(["node", ...args], dir);
      expect(k.status, args.join(" ")).toBe(1);
      expect(k.out).toMatch(says);
      expect(k.out).not.toMatch(/\n\s+at |internal error/);
    }
  });
});
