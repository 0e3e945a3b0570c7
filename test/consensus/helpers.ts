// Shared by the consensus suites: configs and the spec replay wired to a simulation.
import { instantiate } from "../../runtime/spec/index.ts";
import { SpecReplay, specMode } from "../../runtime/consensus/conformance.ts";
import { Committees } from "../../runtime/consensus/quorum.ts";
import type { ConsensusConfig, QuorumMode } from "../../runtime/consensus/types.ts";
import { modelOf, stdlibText } from "../spec/helpers.ts";

export const cfgOf = (n: number, mode: QuorumMode, over: Partial<ConsensusConfig> = {}): ConsensusConfig => ({
  n,
  mode,
  committeeSize: Math.max(4, Math.ceil(n / 2)),
  epochLength: 10,
  seed: "test-seed",
  viewTimeoutMs: 1000,
  maxBatch: 4,
  checkHashes: true,
  ...over,
});

const bft = modelOf(stdlibText("bft.cwl"), "Bft", "stdlib/specs/bft.cwl");

/** A replay of stdlib/specs/bft.cwl's `Bft` for a run with this config and byzantine set. */
export function replayFor(cfg: ConsensusConfig, byzantine: number[] = []): SpecReplay {
  const committees = new Committees(cfg);
  const inst = instantiate(bft, { n: cfg.n, f: 0, c: committees.size, mode: specMode(cfg.mode) });
  return new SpecReplay({ inst, committees, byzantine: new Set(byzantine), eachStep: true });
}
