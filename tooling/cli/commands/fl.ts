// `cwl fl train|predict --model lr|gbdt --data mnist|cifar10 --parties 2|4`: vertical federated
// learning with each party its own process over loopback TCP (the MPC transport), party 0 holding the
// labels, and in training one more process, the dealer of correlated randomness. Images are split by
// position (2 parties: top/bottom halves; 4: quadrants). `train` runs the centralised reference here,
// then the chosen protocols (baseline: 64-bit messages; improved: few-bit), and prints per-protocol
// accuracy, bytes per party (training, inference) and times as JSON on stdout; party 0's progress
// (epochs or rounds done of total, loss, bytes, ETA) goes to stderr through the progress renderer;
// `--out` writes each party's part of the last trained model.
// `predict` runs inference alone from such a file. spec/fl.md describes the protocols and leakage.
import type { CommandModule } from "yargs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { readUserJson } from "../../../base/files/user-file.ts";
import { REPO_ROOT } from "../../../base/files/index.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";
import { progressRenderer } from "../../progress/index.ts";

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
  rounds: number;
  depth: number;
  bins: number;
  train?: number;
  test?: number;
  out?: string;
  in?: string;
  timeout: number;
}

const log = (s: string) => process.stderr.write(s + "\n");

export const command: CommandModule<object, Args> = {
  command: "fl <action>",
  describe: "Vertical federated learning: parties holding different features train a model together or predict with it (LR or GBDT; processes over TCP)",
  builder: (y) =>
    y
      .positional("action", { type: "string", choices: ["train", "predict"], demandOption: true })
      .option("model", { type: "string", choices: ["lr", "gbdt"], default: "lr", describe: "lr: softmax regression; gbdt: XGBoost-style trees (SecureBoost-like)" })
      .option("data", { type: "string", choices: ["mnist", "cifar10"], default: "mnist" })
      .option("dir", { type: "string", describe: "directory with the data set's files (MNIST idx or CIFAR-10 .bin, gzipped or not); default: the small subsets in test/fl/data" })
      .option("parties", { type: "number", default: 2, describe: "2 (top/bottom halves) or 4 (quadrants); party 0 holds the labels" })
      .option("protocol", { type: "string", choices: ["baseline", "improved", "both"], default: "both", describe: "predict: one of baseline, improved (default: improved)" })
      .option("link", { type: "string", describe: "shape every link: RATE[,DELAY], e.g. 10MB/s" })
      .option("epochs", { type: "number", default: 10, describe: "lr" })
      .option("batch", { type: "number", default: 50, describe: "lr" })
      .option("lr", { type: "number", describe: "lr: learning rate (default 0.05 for MNIST, 0.01 for CIFAR-10)" })
      .option("rounds", { type: "number", default: 10, describe: "gbdt: boosting rounds (a tree per class each)" })
      .option("depth", { type: "number", default: 3, describe: "gbdt: tree depth" })
      .option("bins", { type: "number", default: 16, describe: "gbdt: bins per feature of the baseline and the centralised reference (the improved protocol uses 4)" })
      .option("train", { type: "number", describe: "training rows (default: 80 % of the data)" })
      .option("test", { type: "number", describe: "test rows, after the training rows (default: the rest)" })
      .option("out", { type: "string", describe: "train: write each party's part of the last protocol's model to this JSON file" })
      .option("in", { type: "string", describe: "predict: the model file `train --out` wrote" })
      .option("timeout", { type: "number", default: 60, describe: "seconds a party waits for a peer before giving up" })
      .example("$0 fl train --data mnist --parties 2 --link 10MB/s", "both LR protocols on the MNIST subset")
      .example("$0 fl train --model gbdt --protocol improved --out m.json && $0 fl predict --model gbdt --in m.json", "train trees, then predict with them") as never,
  handler: async (argv) => {
    if (argv.parties !== 2 && argv.parties !== 4) throw new UserError(`--parties must be 2 or 4, not ${argv.parties}`, "2 parties split images into top and bottom halves, 4 into quadrants");
    intFlag("--epochs", argv.epochs, 1, 10_000);
    intFlag("--batch", argv.batch, 1, 1_000_000);
    intFlag("--timeout", argv.timeout, 1, 3600);
    intFlag("--train", argv.train, 1, 10_000_000);
    intFlag("--test", argv.test, 1, 10_000_000);
    intFlag("--rounds", argv.rounds, 1, 10_000);
    intFlag("--depth", argv.depth, 1, 12);
    intFlag("--bins", argv.bins, 2, 256);
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
    const predict = argv.action === "predict";
    if (predict && argv.in === undefined) throw new UserError("fl predict needs --in FILE", "the model file that `cwl fl train --out FILE` wrote");
    if (!predict && argv.in !== undefined) throw new UserError("--in is for fl predict", "fl train writes a model with --out FILE");
    if (predict && argv.out !== undefined) throw new UserError("--out is for fl train", "fl predict reads a model with --in FILE");
    if (predict && argv.protocol === "both") argv.protocol = "improved";
    type ModelFile = import("../fl-party.ts").FlModelFile;
    let modelFile: ModelFile | undefined;
    if (predict) {
      try {
        modelFile = readUserJson(argv.in!, { what: "model file" }) as ModelFile;
      } catch (e) {
        throw new UserError((e as Error).message, "the JSON file that `cwl fl train --out FILE` wrote");
      }
      if (modelFile?.format !== "cwl-fl-model/1" || !Array.isArray(modelFile.parts)) throw new UserError(`${argv.in}: not a cwl fl model file (format cwl-fl-model/1)`, "the JSON file that `cwl fl train --out FILE` wrote");
      const expect = { model: argv.model, data: argv.data, parties: argv.parties };
      const got = { model: modelFile.model, data: modelFile.data, parties: modelFile.parts.length };
      for (const k of ["model", "data", "parties"] as const)
        if (expect[k] !== got[k]) throw new UserError(`${argv.in}: a model for --${k} ${got[k]}, not ${expect[k]}`, `pass --${k} ${got[k]} (and the --dir, --train the model was trained with)`);
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
    const nTrain = argv.train ?? (modelFile ? modelFile.train : Math.floor(all.n * 0.8));
    const nTest = argv.test ?? all.n - nTrain;
    if (nTrain + nTest > all.n || nTest < 1) throw new UserError(`--train ${nTrain} and --test ${nTest} rows, but ${dir} holds ${all.n}`);
    if (modelFile && modelFile.train !== nTrain) throw new UserError(`${argv.in}: trained on ${modelFile.train} rows, not ${nTrain}`, "each party standardises its columns with its training rows: pass the same --train");
    const split = argv.parties === 2 ? "halves" : "quadrants";
    const { trainCentral, dealPairSeeds } = await import("../../../runtime/fl/lr/index.ts");
    const { trainGbdt, predictGbdt, GBDT_DEFAULTS } = await import("../../../runtime/fl/gbdt/index.ts");
    const { argmaxAccuracy } = await import("../../../runtime/fl/lr/index.ts");
    const { launchParties } = await import("../../../runtime/mpc/net/index.ts");
    const { parseProgressLine } = await import("../mpc-party.ts");
    const seed = randomBytes(16);
    const gbdt = argv.model === "gbdt";
    const what = gbdt ? `GBDT, ${argv.rounds} rounds of depth ${argv.depth}` : `LR, ${argv.epochs} epochs`;
    log(`fl ${argv.action}: ${data} (${nTrain} train / ${nTest} test rows), ${argv.parties} parties (${split}), ${what}${argv.link ? `, links ${argv.link}` : ""}`);
    let t = performance.now();
    const summary: Record<string, unknown> = { action: argv.action, model: argv.model, data, parties: argv.parties, split, train: nTrain, test: nTest, link: argv.link ?? null };
    if (!predict) {
      const c = verticalSplit(all, split, nTrain, nTest).central;
      const accuracy = gbdt
        ? argmaxAccuracy(predictGbdt(trainGbdt(c.train, c.d, c.trainLabels!, { ...GBDT_DEFAULTS, classes: 10, rounds: argv.rounds, depth: argv.depth, bins: argv.bins }).model, c.test, 10), 10, c.testLabels!)
        : trainCentral(c, { classes: 10, epochs: argv.epochs, batch: argv.batch, learningRate: lr, seed, protocol: "baseline" }).accuracy;
      summary.centralised = { accuracy, seconds: (performance.now() - t) / 1000 };
      log(`fl: centralised accuracy ${(100 * accuracy).toFixed(1)} %`);
    }
    const entry = join(REPO_ROOT, "tooling/cli/fl-party.ts");
    type Report = import("../fl-party.ts").FlPartyReport;
    const dims = verticalSplit(all, split, 1, 1).parties.map((x) => x.d);
    let lastModel: unknown[] | undefined;
    for (const protocol of argv.protocol === "both" ? ["baseline", "improved"] : [argv.protocol]) {
      const seeds = dealPairSeeds(argv.parties);
      t = performance.now();
      // Training: the parties, then the dealer (it gets the public row and column counts, no data).
      const procs = predict ? argv.parties : argv.parties + 1;
      const shown = progressRenderer({ prefix: `[${protocol} party 0] ` });
      const outcomes = await launchParties<Report>({
        parties: procs,
        deadlineMs: (argv.timeout + 600) * 1000,
        command: (i) => [
          process.execPath,
          "--import",
          "tsx",
          entry,
          JSON.stringify({
            action: argv.action, model: argv.model, data, dir, split, train: nTrain, test: nTest, party: i, parties: argv.parties, protocol,
            epochs: argv.epochs, batch: argv.batch, learningRate: lr, rounds: argv.rounds, depth: modelFile?.depth ?? argv.depth, bins: argv.bins,
            seed: seed.toString("hex"), pairSeeds: Object.fromEntries([...(seeds[i] ?? [])].map(([q, s]) => [q, Buffer.from(s).toString("hex")])), link: argv.link, timeoutMs: argv.timeout * 1000,
            ...(i === argv.parties ? { dealer: { n: nTrain, dims } } : {}),
            ...(predict ? { modelFile: resolve(argv.in!) } : {}),
          }),
        ],
        // Party 0's progress reports through the renderer; other lines (errors) as they are.
        onLine: (i, line) => {
          const report = parseProgressLine(line);
          if (!report) log(`[${protocol} ${i === argv.parties && !predict ? "dealer" : `party ${i}`}] ${line}`);
          else if (i === 0) shown.progress(...report);
        },
      }).finally(() => shown.end());
      const failed = outcomes.filter((o) => o.code !== 0 || !o.result);
      if (failed.length) {
        log(`error: the ${protocol} run failed at ${failed.length} of ${procs} processes (${failed.map((o) => `party ${o.party}: ${o.signal ?? `exit ${o.code}`}`).join(", ")})`);
        log("hint: each party's error is shown above with its [party i] prefix");
        return setExitCode(failed.some((o) => o.code === 2) ? 2 : 1);
      }
      const r = outcomes.map((o) => o.result!);
      const phaseBytes = (x: Report, phase: string) => (x.stats.perPhase[phase]?.sent ?? 0) + (x.stats.perPhase[phase]?.received ?? 0);
      const bytes = (phase: string) => r.slice(1, argv.parties).map((x) => phaseBytes(x, phase));
      const seconds = (performance.now() - t) / 1000;
      if (predict) summary[protocol] = { accuracy: r[0].accuracy, predictBytesPerPassiveParty: bytes("predict"), seconds };
      else {
        const dealerBytes = r[argv.parties].stats.perPeer.reduce((a, p) => a + p.sent, 0);
        summary[protocol] = { accuracy: r[0].accuracy, loss: r[0].loss, trainBytesPerPassiveParty: bytes("train"), predictBytesPerPassiveParty: bytes("predict"), dealerBytes, seconds };
        lastModel = r.slice(0, argv.parties).map((x) => x.model);
      }
      log(`fl: ${protocol} accuracy ${(100 * r[0].accuracy!).toFixed(1)} %, ${predict ? "inference" : "training"} bytes per passive party ${bytes(predict ? "predict" : "train").join(", ")}`);
    }
    if (argv.out !== undefined && lastModel) {
      const file: ModelFile = { format: "cwl-fl-model/1", model: argv.model as "lr" | "gbdt", data, split, train: nTrain, classes: 10, ...(gbdt ? { depth: argv.depth } : {}), parts: lastModel };
      try {
        writeFileSync(argv.out, JSON.stringify(file) + "\n");
      } catch (e) {
        throw new UserError(`--out ${argv.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      log(`fl: each party's part of the model written to ${argv.out}`);
    }
    process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  },
};
