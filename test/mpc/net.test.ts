// The MPC transport across real processes over loopback TCP: every message arrives, the byte counters
// agree with the sockets' own counts, the throttle holds its rate, and a party that is killed or goes
// silent makes the others exit with an error naming it, within a bounded time.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { launchParties, parseLink, formatLink, type NetStats } from "../../runtime/mpc/net/index.ts";

const fixture = join(REPO_ROOT, "test/mpc/fixtures/net-party.ts");
const run = (parties: number, scenario: string, link = "", deadlineMs = 60_000, timeoutMs = 20_000) =>
  launchParties<{ stats: NetStats; bulkMs: number }>({
    parties,
    deadlineMs,
    command: (i) => [process.execPath, "--import", "tsx", fixture, String(i), String(parties), scenario, link, String(timeoutMs)],
  });

describe("mpc transport", () => {
  it("three parties exchange; counters per peer and per phase match the sockets", async () => {
    const out = await run(3, "exchange");
    for (const o of out) expect(o.code, o.stderr).toBe(0);
    for (const o of out) {
      const s = o.result!.stats;
      for (let j = 0; j < 3; j++) {
        if (j === o.party) continue;
        expect(s.perPeer[j].sent).toBeGreaterThan(0);
        expect(s.perPeer[j]).toEqual(s.socket[j]);
        // What one side sent, the other received (counted after the closing handshake).
        expect(s.perPeer[j].sent).toBe(out[j].result!.stats.perPeer[o.party].received);
      }
      const phases = Object.values(s.perPhase);
      const sum = (k: "sent" | "received") => phases.reduce((a, p) => a + p[k], 0);
      expect(sum("sent")).toBe(s.perPeer.reduce((a, p) => a + p.sent, 0));
      expect(sum("received")).toBe(s.perPeer.reduce((a, p) => a + p.received, 0));
      // Payload + 5-byte headers: 5 messages to each of the 2 peers in phase "exchange".
      const expected = [0, 1, 2].filter((j) => j !== o.party).reduce((a, j) => a + [0, 1, 2, 3, 4].reduce((b, k) => b + 1000 * (o.party + 1) + 37 * j + 13 * k + 5, 0), 0);
      expect(s.perPhase.exchange.sent).toBe(expected);
      expect(s.messages).toEqual({ sent: o.party === 0 ? 11 : 10, received: o.party === 1 ? 11 : 10 });
    }
    expect(out[0].result!.stats.perPhase.bulk.sent).toBe(400_005);
  }, 60_000);

  it("the throttle holds the configured rate", async () => {
    // 400 kB + 30 kB of exchange at 1 MB/s with 20 ms delay: ≈ 0.45 s; unthrottled it takes a few ms.
    const out = await run(2, "exchange", "1MB/s,20ms");
    for (const o of out) expect(o.code, o.stderr).toBe(0);
    const ms = out[1].result!.bulkMs;
    expect(ms).toBeGreaterThan(400);
    expect(ms).toBeLessThan(1500);
  }, 60_000);

  it("a killed party makes the others exit with an error naming it", async () => {
    const out = await run(3, "die");
    expect(out[2].signal).toBe("SIGKILL");
    for (const o of out.slice(0, 2)) {
      expect(o.code).toBe(1);
      expect(o.stderr).toMatch(/party 2 closed its connection without finishing|party \d aborted: party 2 closed/);
      expect(o.ms).toBeLessThan(30_000);
    }
  }, 60_000);

  it("a party that goes silent: the others give up after the timeout, naming it", async () => {
    // Party 1 stops answering after the exchange (its process stays up): the others time out.
    const out = await run(3, "stall", "", 10_000, 1500);
    for (const o of [out[0], out[2]]) {
      expect(o.code).toBe(1);
      expect(o.stderr).toMatch(/party 1 (did not finish|sent nothing) within 1500 ms|party 1 sent nothing for 1500 ms|aborted: .*party 1/);
      expect(o.ms).toBeLessThan(9_000);
    }
    // The silent party itself is told by their aborts and exits too.
    expect(out[1].code).toBe(1);
    expect(out[1].stderr).toMatch(/party [02] aborted/);
  }, 60_000);

  it("parses link specifications", () => {
    expect(parseLink("10MB/s,20ms")).toEqual({ bytesPerSec: 1e7, latencyMs: 20 });
    expect(parseLink("100Mbit/s")).toEqual({ bytesPerSec: 12.5e6, latencyMs: 0 });
    expect(parseLink("5ms")).toEqual({ bytesPerSec: Infinity, latencyMs: 5 });
    expect(formatLink(parseLink("10MB/s,20ms"))).toBe("10MB/s,20ms");
    expect(() => parseLink("10 apples")).toThrow(/neither a rate/);
    expect(() => parseLink("0MB/s")).toThrow(/above 0/);
  });
});
