// Four `cwl node start` processes on 127.0.0.1 commit blocks over TCP and stop on their own; their
// committed chains agree, and their merged traces pass the safety checker and replay as steps of
// stdlib/specs/bft.cwl's Bft. Bad configs are diagnostics (exit 1), not stack traces.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { SafetyChecker } from "../../runtime/consensus/safety.ts";
import { freeLoopbackPorts } from "../../runtime/consensus/tcp.ts";
import type { TraceEvent } from "../../runtime/consensus/types.ts";
import { cfgOf, replayFor } from "./helpers.ts";

const cwl = (args: string[], cwd: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "cwl.js"), ...args], { cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const kill = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(kill);
      done({ status, stdout, stderr });
    });
  });

describe("cwl node over TCP", () => {
  it("4 processes commit 8 blocks, agree, stop, and conform to the spec", { timeout: 150_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-bft-"));
    const peers = (await freeLoopbackPorts(4)).map((p) => `127.0.0.1:${p}`);
    const base = { peers, mode: "all-2/3", stopAfterBlocks: 8, maxSeconds: 90, viewTimeoutMs: 2000, maxBatch: 20, lingerMs: 2500 };
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `n${i}.json`), JSON.stringify({ ...base, id: i }));
    const runs = await Promise.all([0, 1, 2, 3].map((i) => cwl(["node", "start", "--config", `n${i}.json`, "--trace", `t${i}.jsonl`, "--quiet"], dir)));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const sums = runs.map((r) => JSON.parse(r.stdout) as { chain: string[]; blocks: number; reached: boolean });
    for (const s of sums) expect(s.blocks).toBeGreaterThanOrEqual(8);
    for (const s of sums) expect(s.chain.slice(0, 8)).toEqual(sums[0].chain.slice(0, 8));

    const events = [0, 1, 2, 3]
      .flatMap((i) => readFileSync(join(dir, `t${i}.jsonl`), "utf8").trim().split("\n"))
      .map((l) => JSON.parse(l) as TraceEvent & { at: number });
    const order = { restart: -1, propose: 0, vote: 1, commit: 2, view: 3 };
    events.sort((a, b) => a.at - b.at || order[a.k] - order[b.k]);
    const safety = new SafetyChecker();
    const replay = replayFor(cfgOf(4, "all-2/3"));
    for (const e of events) {
      safety.onEvent(e);
      replay.onEvent(e);
    }
    replay.finish();
    expect(safety.violations).toEqual([]);
    expect(safety.commits).toBeGreaterThanOrEqual(32);
    expect(replay.violations).toEqual([]);
  });

  it("a bad config is a diagnostic with exit 1", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwl-bft-bad-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify({ id: 5, peers: ["127.0.0.1:1"] }));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ id: 0, peers: ["localhost"] }));
    writeFileSync(join(dir, "c.json"), JSON.stringify({ id: 0, peers: ["127.0.0.1:1"], mode: "half" }));
    writeFileSync(join(dir, "d.json"), JSON.stringify({ id: 0, peers: ["127.0.0.1:1"], stateFile: "votes.json" }));
    writeFileSync(join(dir, "votes.json"), '{"lastVoted": 3');
    for (const [f, says] of [
      ["a.json", /`id` must be an integer from 0 to 0, not 5/],
      ["b.json", /peer 0 is "localhost", not "host:port"/],
      ["c.json", /unknown mode "half"/],
      ["d.json", /state file `votes.json` is damaged[\s\S]*could make this node vote twice/],
      ["missing.json", /no such file/],
    ] as const) {
      const r = await cwl(["node", "start", "--config", f], dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    }
  });
});
