// `cwl fl train --model lr --data mnist|cifar10 --parties 2|4`: vertical federated learning with
// each party its own process over loopback TCP (the MPC transport), party 0 holding the labels.
// Images are split by position (2 parties: top/bottom halves; 4: quadrants). Runs the centralised
// reference here, then the chosen protocols (baseline: 64-bit masked messages; improved: 6-bit), and
// prints per-protocol accuracy, bytes per party (training, inference) and times as JSON on stdout;
// progress (epoch, loss, bytes, ETA) goes to stderr. spec/fl.md describes the protocols and leakage.
import type { CommandModule } from "yargs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { REPO_ROOT } from "../../../base/files/index.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";

interface Args {
  action: string;
  model: string;
  data: string;
  dir?: string;
  parties: number;
  protocol: string;
  link?: string;
  epochs: number;
  batch: number;
  lr?: number;
  train?: number;
  test?: number;
  timeout: number;
}

const log = (s: string) => process.stderr.write(s + "\n");

export const command: CommandModule<object, Args> = {
  command: "fl <action>",
  describe: "Vertical federated learning: parties holding different features train a model together (LR; processes over TCP)",
  builder: (y) =>
    y
      .positional("action", { type: "string", choices: ["train"], demandOption: true })
      .option("model", { type: "string", choices: ["lr"], default: "lr", describe: "lr: softmax regression (vertical GBDT is not there yet)" })
      .option("data", { type: "string", choices: ["mnist", "cifar10"], default: "mnist" })
      .option("dir", { type: "string", describe: "directory with the data set's files (MNIST idx or CIFAR-10 .bin, gzipped or not); default: the small subsets in test/fl/data" })
      .option("parties", { type: "number", default: 2, describe: "2 (top/bottom halves) or 4 (quadrants); party 0 holds the labels" })
      .option("protocol", { type: "string", choices: ["baseline", "improved", "both"], default: "both" })
      .option("link", { type: "string", describe: "shape every link: RATE[,DELAY], e.g. 10MB/s" })
      .option("epochs", { type: "number", default: 10 })
      .option("batch", { type: "number", default: 50 })
      .option("lr", { type: "number", describe: "learning rate (default 0.05 for MNIST, 0.01 for CIFAR-10)" })
      .option("train", { type: "number", describe: "training rows (default: 80 % of the data)" })
      .option("test", { type: "number", describe: "test rows, after the training rows (default: the rest)" })
      .option("timeout", { type: "number", default: 60, describe: "seconds a party waits for a peer before giving up" })
      .example("$0 fl train --data mnist --parties 2 --link 10MB/s", "both protocols on the MNIST subset") as never,
  handler: async (argv) => {
    if (argv.parties !== 2 && argv.parties !== 4) throw new UserError(`--parties must be 2 or 4, not ${argv.parties}`, "2 parties split images into top and bottom halves, 4 into quadrants");
    intFlag("--epochs", argv.epochs, 1, 10_000);
    intFlag("--batch", argv.batch, 1, 1_000_000);
    intFlag("--timeout", argv.timeout, 1, 3600);
    intFlag("--train", argv.train, 1, 10_000_000);
    intFlag("--test", argv.test, 1, 10_000_000);
    const lr = argv.lr ?? (argv.data === "mnist" ? 0.05 : 0.01);
    if (!(lr > 0 && lr < 100)) throw new UserError(`--lr must be a number above 0 and below 100, not ${argv.lr}`);
    const { parseLink } = await import("../../../runtime/mpc/net/index.ts");
    if (argv.link !== undefined) {
      try {
        parseLink(argv.link);
      } catch (e) {
        throw new UserError(`--link: ${(e as Error).message}`, "e.g. --link 10MB/s,20ms");
      }
    }
    const { loadDataDir, verticalSplit, DataError } = await import("../../../runtime/fl/data/index.ts");
    const data = argv.data as "mnist" | "cifar10";
    const dir = argv.dir ?? join(REPO_ROOT, "test/fl/data");
    let all;
    try {
      all = loadDataDir(data, dir);
    } catch (e) {
      if (e instanceof DataError) throw new UserError(e.message, `--dir names a directory with the ${data === "mnist" ? "MNIST idx" : "CIFAR-10 binary"} files`);
      throw e;
    }
    const nTrain = argv.train ?? Math.floor(all.n * 0.8);
    const nTest = argv.test ?? all.n - nTrain;
    if (nTrain + nTest > all.n || nTest < 1) throw new UserError(`--train ${nTrain} and --test ${nTest} rows, but ${dir} holds ${all.n}`);
    const split = argv.parties === 2 ? "halves" : "quadrants";
    const { trainCentral, dealPairSeeds } = await import("../../../runtime/fl/lr/index.ts");
    const { launchParties } = await import("../../../runtime/mpc/net/index.ts");
    const seed = randomBytes(16);
    const base = { classes: 10, epochs: argv.epochs, batch: argv.batch, learningRate: lr, seed };
    log(`fl: ${data} (${nTrain} train / ${nTest} test rows), ${argv.parties} parties (${split}), LR, ${argv.epochs} epochs${argv.link ? `, links ${argv.link}` : ""}`);
    let t = performance.now();
    const central = trainCentral(verticalSplit(all, split, nTrain, nTest).central, { ...base, protocol: "baseline" });
    const summary: Record<string, unknown> = {
      data,
      parties: argv.parties,
      split,
      train: nTrain,
      test: nTest,
      epochs: argv.epochs,
      link: argv.link ?? null,
      centralised: { accuracy: central.accuracy, seconds: (performance.now() - t) / 1000 },
    };
    log(`fl: centralised accuracy ${(100 * central.accuracy).toFixed(1)} %`);
    const entry = join(REPO_ROOT, "tooling/cli/fl-party.ts");
    type Report = import("../fl-party.ts").FlPartyReport;
    for (const protocol of argv.protocol === "both" ? ["baseline", "improved"] : [argv.protocol]) {
      const seeds = dealPairSeeds(argv.parties);
      t = performance.now();
      const dims = verticalSplit(all, split, 1, 1).parties.map((x) => x.d);
      const outcomes = await launchParties<Report>({
        // The parties, then the dealer (it gets the public row and column counts, no data).
        parties: argv.parties + 1,
        deadlineMs: (argv.timeout + 600) * 1000,
        command: (i) => [
          process.execPath,
          "--import",
          "tsx",
          entry,
          JSON.stringify({
            data,
            dir,
            split,
            train: nTrain,
            test: nTest,
            party: i,
            parties: argv.parties,
            protocol,
            epochs: argv.epochs,
            batch: argv.batch,
            learningRate: lr,
            seed: seed.toString("hex"),
            pairSeeds: Object.fromEntries([...(seeds[i] ?? [])].map(([q, s]) => [q, Buffer.from(s).toString("hex")])),
            link: argv.link,
            timeoutMs: argv.timeout * 1000,
            ...(i === argv.parties ? { dealer: { n: nTrain, dims } } : {}),
          }),
        ],
        onLine: (i, line) => log(`[${protocol} ${i === argv.parties ? "dealer" : `party ${i}`}] ${line}`),
      });
      const failed = outcomes.filter((o) => o.code !== 0 || !o.result);
      if (failed.length) {
        log(`error: the ${protocol} run failed at ${failed.length} of ${argv.parties + 1} processes (${failed.map((o) => `party ${o.party}: ${o.signal ?? `exit ${o.code}`}`).join(", ")})`);
        log("hint: each party's error is shown above with its [party i] prefix");
        return setExitCode(failed.some((o) => o.code === 2) ? 2 : 1);
      }
      const r = outcomes.map((o) => o.result!);
      const dealerBytes = r[argv.parties].stats.perPeer.reduce((a, p) => a + p.sent, 0);
      const phaseBytes = (x: Report, phase: string) => (x.stats.perPhase[phase]?.sent ?? 0) + (x.stats.perPhase[phase]?.received ?? 0);
      const bytes = (phase: string) => r.slice(1, argv.parties).map((x) => phaseBytes(x, phase));
      summary[protocol] = {
        accuracy: r[0].accuracy,
        loss: r[0].loss,
        trainBytesPerPassiveParty: bytes("train"),
        predictBytesPerPassiveParty: bytes("predict"),
        dealerBytes,
        seconds: (performance.now() - t) / 1000,
      };
      log(`fl: ${protocol} accuracy ${(100 * r[0].accuracy!).toFixed(1)} %, training bytes per passive party ${bytes("train").join(", ")}`);
    }
    process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  },
};
