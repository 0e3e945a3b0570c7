// One party of `cwl fl train` / `cwl fl predict`: loads the data set, keeps only its own columns (and
// the labels at party 0), connects to the other parties (addresses from the launcher), runs the
// chosen model's protocol (VFL-LR or vertical GBDT) and reports its byte counts, its part of the
// trained model, and at party 0 accuracy and loss. Party 0 reports each epoch or round (and inference)
// as a progress line on stderr (mpc-party's format), which the launcher renders. In training the last process is the dealer: it loads no data (it gets the public row
// count, and the column counts for LR) and only sends correlated randomness. For prediction each
// party reads only its own part of the model file. Run as its own process by the launcher; argument:
// this config as JSON.
import { readFileSync } from "node:fs";
import type { Progress } from "../../base/progress/index.ts";
import { progressLine } from "./mpc-party.ts";
import { PartyNet, MpcError, addressesFromLauncher, reportToLauncher, parseLink, type NetStats } from "../../runtime/mpc/net/index.ts";
import { DataError, loadDataDir, verticalSplit, type Split } from "../../runtime/fl/data/index.ts";
import { runLrParty, runLrDealer, DEALER_WAIT_MS, lrPredictActive, lrPredictPassive, argmaxAccuracy, type LrOptions, type LrProtocol, type LrModelPart } from "../../runtime/fl/lr/index.ts";
import { runVGbdtParty, runVGbdtDealer, runVGbdtPredictActive, runVGbdtPredictPassive, type VGbdtOptions, type ActiveModel, type PassiveModel } from "../../runtime/fl/gbdt/vertical.ts";
import { GBDT_DEFAULTS } from "../../runtime/fl/gbdt/index.ts";

export interface FlPartyConfig {
  action: "train" | "predict";
  model: "lr" | "gbdt";
  data: "mnist" | "cifar10";
  dir: string;
  split: Split;
  train: number;
  test: number;
  party: number;
  /** Data parties (the dealer, in training, is one more process). */
  parties: number;
  protocol: LrProtocol;
  epochs: number;
  batch: number;
  learningRate: number;
  rounds: number;
  depth: number;
  bins: number;
  /** Hex: the public batch-order seed. */
  seed: string;
  /** Hex seeds shared with each other passive party (by party number). */
  pairSeeds: Record<string, string>;
  link?: string;
  timeoutMs: number;
  /** The dealer's process (party number `parties`): public row count and each party's column count. */
  dealer?: { n: number; dims: number[] };
  /** predict: the model file (this party reads its own part). */
  modelFile?: string;
}

export interface FlPartyReport {
  party: number;
  accuracy?: number;
  loss?: number;
  stats: NetStats;
  ms: number;
  /** train: this party's part of the model. */
  model?: unknown;
}

/** The model file of `cwl fl train --out`: what was trained on what, and each party's part. */
export interface FlModelFile {
  format: "cwl-fl-model/1";
  model: "lr" | "gbdt";
  data: "mnist" | "cifar10";
  split: Split;
  train: number;
  classes: number;
  depth?: number;
  /** parts[i]: party i's part (in a deployment each party keeps only its own). */
  parts: unknown[];
}

/** Party i's part of a model file, with the typed arrays JSON turned into plain ones restored. */
export function readPart(file: string, party: number): unknown {
  const f = JSON.parse(readFileSync(file, "utf8")) as FlModelFile;
  const part = f.parts[party] as { binning?: { cuts: number[][] } };
  if (part?.binning) (part.binning as unknown as { cuts: Float64Array[] }).cuts = part.binning.cuts.map((c) => Float64Array.from(c));
  return part;
}

/** JSON of a report or model: typed arrays as plain arrays. */
export const plainJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x)));

function gbdtOptions(cfg: FlPartyConfig): VGbdtOptions {
  return { ...GBDT_DEFAULTS, classes: 10, rounds: cfg.rounds, depth: cfg.depth, bins: cfg.bins, protocol: cfg.protocol };
}

function lrOptions(cfg: FlPartyConfig): LrOptions {
  return { protocol: cfg.protocol, classes: 10, epochs: cfg.epochs, batch: cfg.batch, learningRate: cfg.learningRate, seed: Buffer.from(cfg.seed, "hex") };
}

/**
 * One party's process. Party 0 reports its epochs (LR) or rounds (GBDT), and inference, through
 * `progress` (base/progress): done of total, with the loss, the bytes it exchanged so far and an ETA.
 */
export async function runFlParty(cfg: FlPartyConfig, progress: Progress = () => {}): Promise<FlPartyReport> {
  const t0 = performance.now();
  const dealer = cfg.action === "train" && cfg.dealer !== undefined;
  // Only this party's columns are kept; the others are dropped before any message is sent.
  const mine = dealer ? undefined : verticalSplit(loadDataDir(cfg.data, cfg.dir), cfg.split, cfg.train, cfg.test).parties[cfg.party];
  const part = cfg.action === "predict" ? readPart(cfg.modelFile!, cfg.party) : undefined;
  const total = cfg.action === "train" ? cfg.parties + 1 : cfg.parties;
  // The dealer, done dealing, waits for party 0's end of training: the launcher's deadline bounds it.
  const net = await PartyNet.listen({ party: cfg.party, parties: total, link: cfg.link ? parseLink(cfg.link) : undefined, timeoutMs: dealer ? DEALER_WAIT_MS : cfg.timeoutMs });
  try {
    const addrs = await addressesFromLauncher(net.port);
    if (!addrs) throw new Error("fl-party runs under `cwl fl train` or `cwl fl predict` (no launcher)");
    await net.connect(addrs);
    const done = async (r: Omit<FlPartyReport, "stats" | "ms">): Promise<FlPartyReport> => ({ ...r, stats: await net.close(), ms: performance.now() - t0 });
    const seeds = new Map(Object.entries(cfg.pairSeeds).map(([q, s]) => [Number(q), Buffer.from(s, "hex")]));
    const t1 = performance.now();
    const bytesSoFar = () => net.stats().perPeer.reduce((a, p) => a + p.sent + p.received, 0);
    const step = (what: string, i: number, of: number, loss: number) => {
      const per = (performance.now() - t1) / (i + 1);
      progress(what, i + 1, of, `loss ${loss.toFixed(4)}, ${bytesSoFar()} bytes, ETA ${((per * (of - i - 1)) / 1000).toFixed(1)} s`);
    };
    const inferred = () => progress("inference", 1, 1, `${bytesSoFar()} bytes in ${Math.round(performance.now() - t1)} ms`);
    if (cfg.action === "predict") {
      net.phase = "predict";
      const test = mine!.test;
      if (cfg.model === "lr") {
        const p = part as LrModelPart;
        if (cfg.party !== 0) {
          await lrPredictPassive(net, test, p.w, lrOptions(cfg), seeds, cfg.parties);
          return await done({ party: cfg.party });
        }
        const z = await lrPredictActive(net, test, p.w, p.b!, lrOptions(cfg), cfg.parties);
        inferred();
        return await done({ party: 0, accuracy: argmaxAccuracy(z, 10, mine!.testLabels!) });
      }
      if (cfg.party !== 0) {
        await runVGbdtPredictPassive(net, part as PassiveModel, test, gbdtOptions(cfg));
        return await done({ party: cfg.party });
      }
      const z = await runVGbdtPredictActive(net, part as ActiveModel, test, gbdtOptions(cfg), cfg.parties);
      inferred();
      return await done({ party: 0, accuracy: argmaxAccuracy(z, 10, mine!.testLabels!) });
    }
    if (cfg.model === "lr") {
      if (dealer) {
        await runLrDealer(net, cfg.dealer!.n, cfg.dealer!.dims, lrOptions(cfg));
        return await done({ party: cfg.party });
      }
      const r = await runLrParty(net, mine!, lrOptions(cfg), seeds, { epoch: (e, loss) => step("epochs", e, cfg.epochs, loss) });
      return await done(r);
    }
    if (dealer) {
      await runVGbdtDealer(net, cfg.dealer!.n, gbdtOptions(cfg));
      return await done({ party: cfg.party });
    }
    const r = await runVGbdtParty(net, mine!, gbdtOptions(cfg), { round: (i, loss) => step("rounds", i, cfg.rounds, loss) });
    return await done(r);
  } finally {
    net.destroy();
  }
}

// As a process of the launcher: the config is argv[2]; errors go to stderr as one line, exit 1
// (a network or data fault) or 2 (anything else: an internal error).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!) && process.argv[2]?.startsWith("{")) {
  const cfg = JSON.parse(process.argv[2]) as FlPartyConfig;
  runFlParty(cfg, (...r) => process.stderr.write(`${progressLine(...r)}\n`))
    .then(async (report) => {
      await reportToLauncher(plainJson(report));
      process.exit(0);
    })
    .catch((e) => {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exit(e instanceof MpcError || e instanceof DataError ? 1 : 2);
    });
}
