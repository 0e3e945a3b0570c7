// `cwl mpc run FILE --parties N`: compiles a `protocol` to its SPDZ2k program and runs it with N
// parties, each its own process over loopback TCP, or (with `--party i --hosts hosts.json`) runs one
// party of a deployment across machines. Preprocessing is the INSECURE dealer by default (said on
// every run) or `--preprocessing ot`. Progress goes to stderr, the outputs and a summary (bytes, rounds, times) to stdout as JSON.
import type { CommandModule } from "yargs";
import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { REPO_ROOT } from "../../../base/files/index.ts";
import { checkUserFile, readUserJson } from "../../../base/files/user-file.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";
import { progressRenderer } from "../../progress/index.ts";

interface Args {
  action: string;
  file: string;
  parties?: number;
  input?: string[];
  link?: string;
  cheat?: string;
  party?: number;
  hosts?: string;
  entry?: string;
  timeout: number;
  preprocessing: "dealer" | "ot";
  "ot-extension": "softspoken" | "kos";
}

const log = (s: string) => process.stderr.write(s + "\n");

/** `--input party=file` (that party's file) or `--input file` (one file with everyone's inputs). */
function inputFiles(specs: readonly string[], parties: number): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(parties).fill(undefined);
  for (const s of specs) {
    const m = /^(\d+)=(.+)$/.exec(s);
    if (m) {
      const i = Number(m[1]);
      if (i >= parties) throw new UserError(`--input ${s}: there is no party ${i} among ${parties}`, `parties are numbered 0..${parties - 1}`);
      if (out[i]) throw new UserError(`--input: two files for party ${i}`);
      out[i] = m[2];
    } else out.fill(s);
  }
  for (const f of new Set(out)) {
    if (f === undefined) continue;
    const raw = readUserJson(f, { what: "input file" });
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UserError(`input file \`${f}\` must hold a JSON object (inputs by parameter name)`);
  }
  return out;
}

type CheatKind = "share" | "mac" | "ot" | "mac-input";

function parseCheat(s: string | undefined, parties: number, preprocessing: string): { party: number; kind: CheatKind } | undefined {
  if (s === undefined) return undefined;
  const m = /^party=(\d+)(?:,kind=(share|mac|ot|mac-input))?$/.exec(s);
  if (!m) throw new UserError(`bad --cheat \`${s}\``, "write --cheat party=K or --cheat party=K,kind=share|mac|ot|mac-input");
  const party = Number(m[1]);
  if (party >= parties) throw new UserError(`--cheat party=${party}: there is no party ${party} among ${parties}`);
  if ((m[2] === "ot" || m[2] === "mac-input") && preprocessing !== "ot") throw new UserError(`--cheat kind=${m[2]} tampers with the OT-based preprocessing: add --preprocessing ot`);
  return { party, kind: (m[2] as CheatKind | undefined) ?? "share" };
}

export const command: CommandModule<object, Args> = {
  command: "mpc <action> <file>",
  describe: "Run a protocol with N parties (SPDZ2k over TCP, MAC-checked; preprocessing: INSECURE dealer or OT-based)",
  builder: (y) =>
    y
      .positional("action", { type: "string", choices: ["run"], demandOption: true })
      .positional("file", { type: "string", demandOption: true, describe: ".cwl source with a protocol" })
      .option("parties", { type: "number", describe: "number of parties (default: the protocol's, at least 2)" })
      .option("input", { type: "string", array: true, describe: "PARTY=FILE: that party's inputs (JSON by parameter name); FILE alone: one file for all" })
      .option("link", { type: "string", describe: "shape every link: RATE[,DELAY], e.g. 10MB/s,20ms" })
      .option("cheat", { type: "string", describe: "party=K[,kind=share|mac|ot|mac-input]: party K deviates (tests the abort)" })
      .option("party", { type: "number", describe: "with --hosts: run only this party" })
      .option("hosts", { type: "string", describe: "JSON file: every party's host and port (and TLS keys)" })
      .option("entry", { type: "string", describe: "protocol to run when the file has several" })
      .option("timeout", { type: "number", default: 30, describe: "seconds a party waits for a peer before giving up" })
      .option("preprocessing", { type: "string", choices: ["dealer", "ot"], default: "dealer", describe: "dealer: INSECURE (testing); ot: OT-extension triples (sacrificed), COPEe MACs (authentication-checked)" })
      .option("ot-extension", { type: "string", choices: ["softspoken", "kos"], default: "softspoken", describe: "with --preprocessing ot: SoftSpokenOT (k = 4) or KOS" })
      .example("$0 mpc run examples/dot_product.cwl --input examples/dot_product.json", "two parties, one inputs file") as never,
  handler: async (argv) => {
    intFlag("--timeout", argv.timeout, 1, 3600);
    intFlag("--parties", argv.parties, 2, 64);
    if (argv.link !== undefined) {
      const { parseLink } = await import("../../../runtime/mpc/net/index.ts");
      try {
        parseLink(argv.link);
      } catch (e) {
        throw new UserError(`--link: ${(e as Error).message}`, "e.g. --link 10MB/s,20ms");
      }
    }
    if ((argv.party === undefined) !== (argv.hosts === undefined)) throw new UserError("--party and --hosts go together", "--party i --hosts hosts.json runs party i of a deployment; leave both out to run every party here");
    // Every file named is checked before the compile, so that a bad one is reported first.
    checkUserFile(argv.file, { what: "source file" });
    for (const spec of argv.input ?? []) readUserJson(spec.replace(/^\d+=/, ""), { what: "input file" });
    let hosts;
    if (argv.hosts) {
      const { parseHosts } = await import("../../../runtime/mpc/net/index.ts");
      const raw = readUserJson(argv.hosts, { what: "hosts file" });
      try {
        hosts = parseHosts(raw, argv.hosts);
      } catch (e) {
        throw new UserError((e as Error).message, 'write { "parties": [{ "host": "10.0.0.1", "port": 7000 }, ...] }');
      }
      if (argv.parties !== undefined && argv.parties !== hosts.parties.length) throw new UserError(`--parties ${argv.parties}, but ${argv.hosts} lists ${hosts.parties.length}`);
      intFlag("--party", argv.party, 0, hosts.parties.length - 1);
    }
    const { compileProtocol } = await import("../mpc-compile.ts");
    const c = compileProtocol(argv.file, argv.entry);
    if (!c.program) {
      process.stderr.write(c.errors + "\n");
      return setExitCode(1);
    }
    const prog = c.program;
    if (hosts) {
      const { tlsFor } = await import("../../../runtime/mpc/net/index.ts");
      return runOne(argv, prog, hosts.parties, tlsFor(hosts, argv.party!));
    }
    const parties = argv.parties ?? prog.parties;
    if (parties < prog.parties) throw new UserError(`${prog.name} takes inputs from party ${prog.parties - 1}: it needs at least ${prog.parties} parties, not ${parties}`);
    const files = inputFiles(argv.input ?? [], parties);
    const cheat = parseCheat(argv.cheat, parties, argv.preprocessing);
    const { launchParties } = await import("../../../runtime/mpc/net/index.ts");
    const { programInputs, PartyInputError } = await import("../mpc-party.ts");
    // Inputs are checked here too, so that a missing value is one error instead of N.
    for (let i = 0; i < parties; i++) {
      try {
        programInputs(prog, i, files[i] ? (readUserJson(files[i]!, { what: "input file" }) as Record<string, unknown>) : {}, files[i] ?? "(no --input for this party)");
      } catch (e) {
        if (e instanceof PartyInputError) throw new UserError(`party ${i}: ${e.message}`, "give each party's inputs with --input PARTY=FILE (or one file with all)");
        throw e;
      }
    }
    const extName = argv["ot-extension"] === "kos" ? "KOS" : "SoftSpokenOT k=4";
    const prepName = argv.preprocessing === "ot" ? `OT-based (${extName} triples, sacrificed; COPEe MACs, authentication-checked; selective-failure leak of Gilboa products not removed)` : "INSECURE dealer (testing only)";
    log(`mpc: ${prog.name} with ${parties} parties over loopback TCP${argv.link ? `, links ${argv.link}` : ""}; preprocessing: ${prepName}`);
    if (cheat) log(`mpc: party ${cheat.party} cheats (${cheat.kind === "ot" ? "inconsistent OT-extension input" : cheat.kind === "mac-input" ? "inconsistent value in the MAC generation" : `wrong ${cheat.kind}`})`);
    const t0 = performance.now();
    const entry = join(REPO_ROOT, "tooling/cli/mpc-party.ts");
    // A party's config goes on its command line, or in a file when it is too large for one argument
    // (Linux takes at most 128 KiB per argument; a program with matrices can be megabytes).
    const tmp = mkdtempSync(join(tmpdir(), "cwl-mpc-"));
    const configArg = (i: number, cfg: object): string => {
      const text = JSON.stringify(cfg);
      if (text.length < 64 * 1024) return text;
      const file = join(tmp, `party-${i}.json`);
      writeFileSync(file, text);
      return `@${file}`;
    };
    type Report = import("../mpc-party.ts").PartyReport;
    const { parseProgressLine } = await import("../mpc-party.ts");
    const shown = progressRenderer({ prefix: "[party 0] " });
    const outcomes = await launchParties<Report>({
      parties,
      deadlineMs: (argv.timeout + 30) * 1000,
      command: (i) => [
        process.execPath,
        "--import",
        "tsx",
        entry,
        configArg(i, { file: argv.file, entry: argv.entry, program: prog, party: i, parties, input: files[i], link: argv.link, cheat: cheat?.party === i ? cheat.kind : undefined, preprocessing: argv.preprocessing, extension: argv["ot-extension"], timeoutMs: argv.timeout * 1000 }),
      ],
      // Progress reports of party 0 (the parties run the same program in step) through the renderer; other lines as they are.
      onLine: (i, line) => {
        const report = parseProgressLine(line);
        if (!report) log(`[party ${i}] ${line}`);
        else if (i === 0) shown.progress(...report);
      },
    }).finally(() => {
      shown.end();
      rmSync(tmp, { recursive: true, force: true });
    });
    const seconds = (performance.now() - t0) / 1000;
    const failed = outcomes.filter((o) => o.code !== 0 || !o.result);
    if (failed.length) {
      log(`error: the run failed at ${failed.length} of ${parties} parties (${failed.map((o) => `party ${o.party}: ${o.signal ?? `exit ${o.code}`}`).join(", ")})`);
      log("hint: each party's error is shown above with its [party i] prefix");
      return setExitCode(failed.some((o) => o.code === 2) ? 2 : 1);
    }
    const reports = outcomes.map((o) => o.result!);
    const revealed = reports[0].revealed;
    if (reports.some((r) => JSON.stringify(r.revealed) !== JSON.stringify(revealed))) {
      log("internal error: the parties disagree on the outputs although every MAC check passed");
      return setExitCode(2);
    }
    const phases: Record<string, number> = {};
    for (const r of reports) for (const [k, v] of Object.entries(r.stats.perPhase)) phases[k] = (phases[k] ?? 0) + v.sent;
    const summary = {
      ok: true,
      protocol: prog.name,
      parties,
      revealed,
      preprocessing: argv.preprocessing === "ot" ? (argv["ot-extension"] === "kos" ? "ot-kos" : "ot-softspoken-k4") : "insecure-dealer",
      multiplications: reports[0].multiplications,
      rounds: reports[0].stats.rounds,
      bytesSent: { total: reports.reduce((a, r) => a + r.stats.perPeer.reduce((b, p) => b + p.sent, 0), 0), byPhase: phases },
      ms: reports[0].ms,
      seconds: Math.round(seconds * 1000) / 1000,
    };
    log(`mpc: ${revealed.length} output(s) revealed; ${summary.bytesSent.total} bytes sent in all; ${seconds.toFixed(2)} s`);
    process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  },
};

async function runOne(argv: Args, prog: import("../../../runtime/mpc/index.ts").MpcProgram, hosts: { host: string; port: number }[], tls: import("../../../runtime/mpc/net/index.ts").TlsKeys | undefined): Promise<void> {
  if (hosts.length < prog.parties) throw new UserError(`the protocol needs at least ${prog.parties} parties, ${argv.hosts} lists ${hosts.length}`);
  const files = inputFiles(argv.input ?? [], hosts.length);
  const cheat = parseCheat(argv.cheat, hosts.length, argv.preprocessing);
  const { runParty, PartyInputError } = await import("../mpc-party.ts");
  const { MpcError } = await import("../../../runtime/mpc/net/index.ts");
  try {
    const r = await runParty(
      { file: argv.file, entry: argv.entry, program: prog, party: argv.party!, parties: hosts.length, input: files[argv.party!], link: argv.link, cheat: cheat && cheat.party === argv.party ? cheat.kind : undefined, preprocessing: argv.preprocessing, extension: argv["ot-extension"], timeoutMs: argv.timeout * 1000, hosts, tls },
      progressRenderer({ prefix: `[party ${argv.party}] ` }).progress,
    );
    process.stdout.write(JSON.stringify({ ok: true, ...r }, null, 2) + "\n");
  } catch (e) {
    if (e instanceof MpcError || e instanceof PartyInputError) throw new UserError(e.message);
    throw e;
  }
}
