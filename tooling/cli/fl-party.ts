// One party of `cwl fl train`: loads the data set, keeps only its own columns (and the labels at
// party 0), connects to the other parties (addresses from the launcher), runs the VFL-LR protocol
// and reports its byte counts (and, at party 0, accuracy and loss). Party 0 writes a progress line
// per epoch to stderr. The last process is the dealer: it loads no data (it gets the public row and
// column counts) and only sends correlated randomness. Run as its own process by the launcher;
// argument: this config as JSON.
import { PartyNet, MpcError, addressesFromLauncher, reportToLauncher, parseLink, type NetStats } from "../../runtime/mpc/net/index.ts";
import { DataError, loadDataDir, verticalSplit, type Split } from "../../runtime/fl/data/index.ts";
import { runLrParty, runLrDealer, type LrOptions, type LrProtocol } from "../../runtime/fl/lr/index.ts";

export interface FlPartyConfig {
  data: "mnist" | "cifar10";
  dir: string;
  split: Split;
  train: number;
  test: number;
  party: number;
  parties: number;
  protocol: LrProtocol;
  epochs: number;
  batch: number;
  learningRate: number;
  /** Hex: the public batch-order seed. */
  seed: string;
  /** Hex seeds shared with each other passive party (by party number). */
  pairSeeds: Record<string, string>;
  link?: string;
  timeoutMs: number;
  /** The dealer's process (party number `parties`): public row count and each party's column count. */
  dealer?: { n: number; dims: number[] };
}

export interface FlPartyReport {
  party: number;
  accuracy?: number;
  loss?: number;
  stats: NetStats;
  ms: number;
}

export async function runFlParty(cfg: FlPartyConfig, log: (line: string) => void): Promise<FlPartyReport> {
  const t0 = performance.now();
  // Only this party's columns are kept; the others are dropped before any message is sent.
  const mine = cfg.dealer ? undefined : verticalSplit(loadDataDir(cfg.data, cfg.dir), cfg.split, cfg.train, cfg.test).parties[cfg.party];
  const net = await PartyNet.listen({ party: cfg.party, parties: cfg.parties + 1, link: cfg.link ? parseLink(cfg.link) : undefined, timeoutMs: cfg.timeoutMs });
  try {
    const addrs = await addressesFromLauncher(net.port);
    if (!addrs) throw new Error("fl-party runs under `cwl fl train` (no launcher)");
    await net.connect(addrs);
    const opts: LrOptions = { protocol: cfg.protocol, classes: 10, epochs: cfg.epochs, batch: cfg.batch, learningRate: cfg.learningRate, seed: Buffer.from(cfg.seed, "hex") };
    if (cfg.dealer) {
      await runLrDealer(net, cfg.dealer.n, cfg.dealer.dims, opts);
      const stats = await net.close();
      return { party: cfg.party, stats, ms: performance.now() - t0 };
    }
    const seeds = new Map(Object.entries(cfg.pairSeeds).map(([q, s]) => [Number(q), Buffer.from(s, "hex")]));
    const t1 = performance.now();
    const r = await runLrParty(net, mine!, opts, seeds, {
      epoch: (e, loss) => {
        const st = net.stats();
        const bytes = st.perPeer.reduce((a, p) => a + p.sent + p.received, 0);
        const per = (performance.now() - t1) / (e + 1);
        log(`epoch ${e + 1}/${cfg.epochs} loss ${loss.toFixed(4)} bytes ${bytes} ETA ${((per * (cfg.epochs - e - 1)) / 1000).toFixed(1)} s`);
      },
    });
    const stats = await net.close();
    return { ...r, stats, ms: performance.now() - t0 };
  } finally {
    net.destroy();
  }
}

// As a process of the launcher: the config is argv[2]; errors go to stderr as one line, exit 1
// (a network or data fault) or 2 (anything else: an internal error).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!) && process.argv[2]?.startsWith("{")) {
  const cfg = JSON.parse(process.argv[2]) as FlPartyConfig;
  runFlParty(cfg, (l) => process.stderr.write(`${l}\n`))
    .then(async (report) => {
      await reportToLauncher(JSON.parse(JSON.stringify(report)));
      process.exit(0);
    })
    .catch((e) => {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exit(e instanceof MpcError || e instanceof DataError ? 1 : 2);
    });
}
