// One party of `cwl mpc run`: takes (or compiles) the protocol's SPDZ2k program, connects to the others
// (addresses from the launcher, or from the hosts file with `--party i --hosts`), agrees on the
// INSECURE dealer's seed, runs the program and reports outputs, bytes, rounds and times. Run as its
// own process by the launcher (argument: this config as JSON) or in-process for `--hosts`.
import type { Progress } from "../../base/progress/index.ts";
import { UserFileError, readUserJson } from "../../base/files/user-file.ts";
import { encodeFixed } from "../../compiler/interp/index.ts";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PartyNet, MpcError, addressesFromLauncher, reportToLauncher, parseLink, type NetStats, type PartyAddress, type TlsKeys } from "../../runtime/mpc/net/index.ts";
import { InsecureDealer, Spdz2kParty, type Cheat, type Preprocessing } from "../../runtime/mpc/spdz2k/index.ts";
import { OtPreprocessing } from "../../runtime/mpc/ot/preprocessing.ts";
import { KOS } from "../../runtime/mpc/ot/kos.ts";
import { SOFTSPOKEN } from "../../runtime/mpc/ot/softspoken.ts";
import { runProgram, type MpcProgram, type ProgramInputs } from "../../runtime/mpc/index.ts";

export interface PartyConfig {
  file: string;
  /** The compiled program (the launcher passes it, so that parties need not load the compiler). */
  program?: MpcProgram;
  entry?: string;
  party: number;
  parties: number;
  /** A JSON file with this party's inputs by parameter name (it may hold everyone's: only this party's secrets are read). */
  input?: string;
  link?: string;
  cheat?: Cheat;
  /** `dealer` (INSECURE, default) or `ot` (OT-extension triples, sacrificed; COPEe MACs, authentication-checked). */
  preprocessing?: "dealer" | "ot";
  /** The OT extension of `ot` preprocessing (default SoftSpokenOT, k = 4). */
  extension?: "softspoken" | "kos";
  timeoutMs: number;
  /** Where to listen and the peers (hosts mode); absent: ask the launcher. */
  hosts?: PartyAddress[];
  tls?: TlsKeys;
}

export interface PartyReport {
  party: number;
  revealed: string[];
  multiplications: number;
  mulRounds: number;
  stats: NetStats;
  /** Milliseconds per stage: connect, offline (dealer, or base OTs and extension setup), online (inputs to outputs incl. MAC check; OT-based triples and masks are made here, as needed). */
  ms: Record<string, number>;
}

/** Thrown for mistakes in the user's files (exit 1 with the message, no stack). */
export class PartyInputError extends Error {}

/** An input value: an integer of Z_2^64, written signed (from −2^63) or unsigned (below 2^64). */
function toBig(v: unknown, where: string): bigint {
  let x: bigint | undefined;
  if (typeof v === "number" && Number.isSafeInteger(v)) x = BigInt(v);
  else if (typeof v === "string" && /^-?(0x[0-9a-f]+|\d+)$/i.test(v.trim())) {
    const s = v.trim();
    x = s.startsWith("-") ? -BigInt(s.slice(1)) : BigInt(s);
  }
  if (x === undefined) throw new PartyInputError(`${where}: expected an integer (a number or a decimal string), got ${JSON.stringify(v)}`);
  // Never reduced silently: a value outside Z_2^64 would come out as another number.
  if (x < -(1n << 63n) || x >= 1n << 64n) throw new PartyInputError(`${where}: ${x} is outside the 64-bit integers SPDZ2k computes with (from −2^63 to 2^64 − 1)`);
  return x;
}

/** A fixed-point input: round(x·2^f) (half away from zero, as the interpreter encodes), within the 64-bit ring. */
function toFixed(v: unknown, frac: number, where: string): bigint {
  let x: bigint;
  try {
    x = BigInt.asIntN(128, encodeFixed(v, frac, 1n << 128n, where));
  } catch (e) {
    throw new PartyInputError((e as Error).message);
  }
  if (x < -(1n << 62n) || x >= 1n << 62n) throw new PartyInputError(`${where}: ${String(v)} is outside the fixed-point range (|x·2^${frac}| < 2^62)`);
  return x;
}

/** An output as text: a signed integer, or a decimal for fixed point. */
export function formatOutput(v: bigint, frac: number): string {
  return frac ? String(Number(v) / 2 ** frac) : String(v);
}

/** This party's secret inputs and every public input, read from `raw` by the program's parameter names. */
export function programInputs(prog: MpcProgram, party: number, raw: Record<string, unknown>, file: string): ProgramInputs {
  const out: ProgramInputs = { secret: {}, public: {} };
  const need = new Map<string, { secret: boolean; length: number; frac: number }>();
  for (const ins of prog.instrs) {
    if ((ins.op === "input" && ins.party === party) || ins.op === "public") {
      const cur = need.get(ins.name) ?? { secret: ins.op === "input", length: 0, frac: ins.frac ?? 0 };
      cur.length = Math.max(cur.length, ins.index + 1);
      need.set(ins.name, cur);
    }
  }
  for (const [name, { secret, length, frac }] of need) {
    const v = raw[name];
    if (v === undefined) throw new PartyInputError(`${file}: no input \`${name}\` (${secret ? `a secret input of party ${party}` : "a public input"})`);
    // Matrices are nested lists, read row by row; fixed point is a decimal number, encoded as round(x·2^f).
    const one = (x: unknown, where: string) => (frac ? toFixed(x, frac, where) : toBig(x, where));
    const list = Array.isArray(v) ? (v as unknown[]).flat().map((x, i) => one(x, `${file}: ${name}[${i}]`)) : [one(v, `${file}: ${name}`)];
    if (list.length !== Math.max(1, length)) throw new PartyInputError(`${file}: \`${name}\` has ${list.length} values, the protocol takes ${Math.max(1, length)}`);
    (secret ? out.secret : out.public)[name] = list;
  }
  return out;
}

/** The line a party process writes to stderr for one progress report (the launcher renders it). */
export const progressLine = (phase: string, done: number, total: number, detail?: string): string => `progress\t${phase}\t${done}\t${total}\t${detail ?? ""}`;

/** A progress report from `progressLine`'s output, or undefined for any other line. */
export function parseProgressLine(line: string): Parameters<Progress> | undefined {
  const m = /^progress\t([^\t]*)\t(\d+)\t(\d+)\t(.*)$/.exec(line);
  return m ? [m[1], Number(m[2]), Number(m[3]), m[4] || undefined] : undefined;
}

export async function runParty(cfg: PartyConfig, progress: Progress = () => {}): Promise<PartyReport> {
  const c = cfg.program ? { program: cfg.program } : (await import("./mpc-compile.ts")).compileProtocol(cfg.file, cfg.entry);
  if (!c.program) throw new PartyInputError(c.errors ?? "the protocol did not compile");
  const raw = cfg.input ? (readUserJson(cfg.input, { what: "input file" }) as Record<string, unknown>) : {};
  const inputs = programInputs(c.program, cfg.party, raw ?? {}, cfg.input ?? "(no input file)");
  const ms: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    ms[name] = Math.round((now - t) * 10) / 10;
    t = now;
  };
  const me = cfg.hosts?.[cfg.party];
  const net = await PartyNet.listen({ party: cfg.party, parties: cfg.parties, link: cfg.link ? parseLink(cfg.link) : undefined, timeoutMs: cfg.timeoutMs, tls: cfg.tls }, me?.port ?? 0, me ? "0.0.0.0" : "127.0.0.1");
  const failed = new Promise<never>((_, reject) => net.onFailure(reject));
  failed.catch(() => {});
  const work = async (): Promise<PartyReport> => {
    const addresses = cfg.hosts ?? (await addressesFromLauncher(net.port, cfg.timeoutMs));
    if (!addresses) throw new MpcError("no addresses: run parties through `cwl mpc run --parties N` or give `--hosts`");
    await net.connect(addresses);
    lap("connect");
    progress("connect", 1, 1, `${cfg.parties - 1} peer${cfg.parties === 2 ? "" : "s"} in ${Math.round(ms.connect)} ms`);
    let prep: Preprocessing;
    if (cfg.preprocessing === "ot") {
      // Base OTs and extensions now; triples, masks and MACs are made as the program asks for them.
      const options = cfg.cheat === "ot" ? { tamperColumns: 64 } : cfg.cheat === "mac-input" ? { tamperMacs: true } : undefined;
      prep = await OtPreprocessing.setup(net, cfg.extension === "kos" ? KOS : SOFTSPOKEN, options);
    } else {
      // The dealer's seed from everyone's randomness: this makes runs differ, it does not make the
      // dealer secure (every party still learns every share).
      net.phase = "offline (insecure dealer)";
      const seeds = await net.exchange(randomBytes(16));
      prep = new InsecureDealer(cfg.party, cfg.parties, createHash("sha256").update(Buffer.concat(seeds)).digest());
    }
    lap("offline");
    progress(cfg.preprocessing === "ot" ? "preprocessing setup (base OTs, extensions, MAC VOLE)" : "preprocessing (insecure dealer)", 1, 1, `${Math.round(ms.offline)} ms`);
    const party = new Spdz2kParty(net, prep, cfg.cheat);
    const r = await runProgram(party, c.program!, inputs, progress);
    lap("online");
    progress("MAC checks", 1, 1, `${party.counts.checks} passed`);
    const stats = await net.close();
    return { party: cfg.party, revealed: r.revealed.map((v, i) => formatOutput(v, r.fracs[i])), multiplications: r.multiplications, mulRounds: r.mulRounds, stats, ms };
  };
  try {
    return await Promise.race([work(), failed]);
  } catch (e) {
    net.destroy();
    throw e;
  }
}

// As a process of the launcher: the config is argv[2], as JSON or as `@FILE` (a large program does
// not fit one command-line argument); errors go to stderr as one line, exit 1.
const arg = process.argv[2];
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!) && (arg?.startsWith("{") || arg?.startsWith("@"))) {
  const cfg = JSON.parse(arg.startsWith("@") ? readFileSync(arg.slice(1), "utf8") : arg) as PartyConfig;
  runParty(cfg, (...report) => process.stderr.write(`${progressLine(...report)}\n`))
    .then(async (report) => {
      await reportToLauncher(JSON.parse(JSON.stringify(report)));
      process.exit(0);
    })
    .catch((e) => {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exit(e instanceof MpcError || e instanceof PartyInputError || e instanceof UserFileError ? 1 : 2);
    });
}
