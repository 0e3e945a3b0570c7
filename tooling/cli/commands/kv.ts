// `cwl kv init|apply|prove|verify`: the KV storage accumulator from the command line. Heavy modules
// (LevelDB, the EVM, the prover) are imported inside handlers so `cwl --help` stays fast.
import type { Argv, CommandModule } from "yargs";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkUserFile, readUserJson, writeUserFile } from "../../../base/files/user-file.ts";
import { UserError, intFlag, setExitCode } from "../main.ts";
import { progressRenderer } from "../../progress/index.ts";

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v);
const log = (s: string) => process.stderr.write(s + "\n");

/** An accumulator folder named by the user: there (unless `init` creates it) and a folder. */
export function checkAccumulatorDir(dir: string, mayCreate: boolean): void {
  if (!mayCreate && !existsSync(dir)) throw new UserError(`no accumulator at \`${dir}\``, "create one with `cwl kv init DIR`");
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`\`${dir}\` is a file, not an accumulator folder`, "name the folder given to `cwl kv init`");
}

export async function openStore(dir: string, depth?: number) {
  const { KvStore } = await import("../../../runtime/kv/index.ts");
  checkAccumulatorDir(dir, depth !== undefined);
  try {
    return await KvStore.open(dir, depth === undefined ? {} : { depth });
  } catch (e) {
    throw new UserError(`cannot open the accumulator at \`${dir}\`: ${(e as Error).message}`);
  }
}

function parseOps(path: string) {
  const raw = readUserJson(path, { what: "operations file" });
  if (!Array.isArray(raw)) throw new UserError(`\`${path}\` must hold a JSON array of operations`);
  return raw.map((o, i) => {
    const op = o as Record<string, unknown>;
    const num = (k: string) => {
      const v = op[k];
      if (v === undefined) return undefined;
      try {
        return BigInt(v as string | number);
      } catch {
        throw new UserError(`operation ${i}: \`${k}\` is not an integer`);
      }
    };
    if (op.kind !== "read" && op.kind !== "write") throw new UserError(`operation ${i}: kind must be "read" or "write"`);
    const address = num("address");
    const slot = num("slot");
    if (address === undefined || slot === undefined) throw new UserError(`operation ${i}: needs address and slot`);
    return { kind: op.kind, address, slot, value: num("value") ?? 0n } as const;
  });
}

async function chooseSrs(argv: { ptau?: string; "insecure-dev-srs"?: boolean }, k: number) {
  const { loadPtau, insecureDevSrs, PtauError } = await import("../../../runtime/plonk/index.ts");
  if (argv.ptau) {
    checkUserFile(argv.ptau, { what: "powers-of-tau file", maxBytes: Infinity });
    try {
      return loadPtau(argv.ptau, 1 << k);
    } catch (e) {
      if (e instanceof PtauError) throw new UserError(e.message, "use a larger powers-of-tau file (snarkjs powersoftau) or --insecure-dev-srs for testing");
      throw e;
    }
  }
  if (argv["insecure-dev-srs"]) {
    log("warning: INSECURE development SRS (public tau): for testing only");
    return insecureDevSrs(1 << k);
  }
  throw new UserError("choose a setup: --ptau FILE or --insecure-dev-srs");
}

/** The SRS flags checked before any work: one of them given, and the .ptau a readable file. */
function checkSrsFlags(argv: { ptau?: string; "insecure-dev-srs"?: boolean }): void {
  if (argv.ptau) checkUserFile(argv.ptau, { what: "powers-of-tau file", maxBytes: Infinity });
  else if (!argv["insecure-dev-srs"]) throw new UserError("choose a setup: --ptau FILE or --insecure-dev-srs");
}

export const command: CommandModule = {
  command: "kv <action>",
  describe: "KV storage accumulator: init, apply a block, prove it, verify the proofs",
  builder: (y: Argv) =>
    y
      .command(
        "init <dir>",
        "Create an accumulator (LevelDB) at DIR",
        (y) => y.positional("dir", { type: "string", demandOption: true }).option("depth", { type: "number", default: 64, describe: "tree depth (1..64)" }),
        async (argv) => {
          const depth = intFlag("--depth", argv.depth as number, 1, 64)!;
          const kv = await openStore(argv.dir as string, depth);
          console.log(JSON.stringify({ dir: argv.dir, depth: kv.depth, root: `0x${kv.root.toString(16)}`, block: kv.block }));
          await kv.close();
        },
      )
      .command(
        "apply <dir>",
        "Apply one block of operations (from a JSON file, or a recorded ERC-20 / storage-loop trace)",
        (y) =>
          y
            .positional("dir", { type: "string", demandOption: true })
            .option("ops", { type: "string", describe: "JSON array of {kind: read|write, address, slot, value}" })
            .option("erc20", { type: "number", describe: "record N ERC-20 transfers with @ethereumjs/evm and apply their storage trace" })
            .option("loop", { type: "number", describe: "record a storage loop over N slots and apply its trace" })
            .option("writes-only", { type: "boolean", default: false, describe: "apply only the trace's SSTOREs" })
            .option("limit", { type: "number", describe: "apply at most N operations of the trace" }),
        async (argv) => {
          intFlag("--erc20", argv.erc20 as number | undefined, 1, 100_000);
          intFlag("--loop", argv.loop as number | undefined, 1, 100_000);
          intFlag("--limit", argv.limit as number | undefined, 0, 10_000_000);
          const { accessesToOps, erc20TransferTrace, storageLoopTrace, checkWitness } = await import("../../../runtime/kv/index.ts");
          const { writeBlockRecord } = await import("../../kv/block-record.ts");
          let ops;
          if (argv.ops) ops = parseOps(argv.ops as string);
          else if (argv.erc20 !== undefined || argv.loop !== undefined) {
            const t0 = performance.now();
            const { trace } = argv.erc20 !== undefined ? await erc20TransferTrace(argv.erc20 as number) : await storageLoopTrace(argv.loop as number);
            log(`recorded ${trace.length} storage accesses from real EVM execution in ${(performance.now() - t0).toFixed(0)} ms`);
            ops = accessesToOps(argv["writes-only"] ? trace.filter((a) => a.kind === "SSTORE") : trace);
          } else throw new UserError("give --ops FILE, --erc20 N or --loop N");
          if (argv.limit !== undefined) ops = ops.slice(0, argv.limit as number);
          const kv = await openStore(argv.dir as string);
          const t0 = performance.now();
          const shown = progressRenderer();
          let result;
          try {
            result = await kv.applyBlock(ops, shown.progress);
          } catch (e) {
            shown.end();
            await kv.close();
            throw new UserError(`block rejected, accumulator unchanged: ${(e as Error).message}`);
          }
          shown.end();
          const ms = performance.now() - t0;
          const bad = result.witnesses.findIndex((w) => checkWitness(w, kv.depth) !== undefined);
          if (bad >= 0) throw new Error(`internal: witness ${bad} does not check`);
          writeBlockRecord(argv.dir as string, kv.depth, result);
          console.log(
            JSON.stringify({
              block: result.block,
              ops: ops.length,
              writes: ops.filter((o) => o.kind === "write").length,
              rootBefore: `0x${result.rootBefore.toString(16)}`,
              rootAfter: `0x${result.rootAfter.toString(16)}`,
              ms: Math.round(ms),
            }),
          );
          await kv.close();
        },
      )
      .command(
        "prove <dir>",
        "Prove the last applied block: one std::kv::batch proof (or one access proof each with --per-access)",
        (y) =>
          y
            .positional("dir", { type: "string", demandOption: true })
            .option("ptau", { type: "string", describe: "powers-of-tau file (snarkjs .ptau)" })
            .option("insecure-dev-srs", { type: "boolean", describe: "development SRS with a public tau (INSECURE)" })
            .option("first", { type: "number", describe: "prove only the first N accesses" })
            .option("per-access", { type: "boolean", default: false, describe: "one std::kv::access proof per access instead of one batch proof" })
            .option("out", { alias: "o", type: "string", describe: "proof bundle (default DIR/block-proofs.json)" }),
        async (argv) => {
          const dir = argv.dir as string;
          const { LAST_BLOCK, readBlockRecord } = await import("../../kv/block-record.ts");
          checkAccumulatorDir(dir, false);
          if (!existsSync(join(dir, LAST_BLOCK))) throw new UserError(`no applied block in \`${dir}\``, "run `cwl kv apply` first");
          const first = intFlag("--first", argv.first as number | undefined, 1, 10_000_000);
          checkSrsFlags(argv);
          // Damage (a bad JSON byte, one changed hex digit) is found here, not as unsatisfied constraints.
          const block = readBlockRecord(dir);
          const witnesses = (block.witnesses as unknown[]).slice(0, first ?? undefined);
          if (!witnesses.length) throw new UserError("the last block has no accesses to prove");
          const out = (argv.out as string | undefined) ?? join(dir, "block-proofs.json");
          if (existsSync(out) && statSync(out).isDirectory()) throw new UserError(`cannot write the proof bundle to \`${out}\`: it is a directory`, "name a file with -o");
          if (argv["per-access"] || block.pre === undefined) await provePerAccess(argv, block as Block, witnesses, out);
          else await proveBlockBatch(argv, block as Block, witnesses, out);
        },
      )
      .command(
        "verify <bundle>",
        "Verify a proof bundle from `cwl kv prove` against the std::kv circuit's own key (derived here, never the bundle's), and that the roots chain",
        (y) =>
          y
            .positional("bundle", { type: "string", demandOption: true })
            .option("ptau", { type: "string", describe: "powers-of-tau file the proofs were made with (snarkjs .ptau)" })
            .option("insecure-dev-srs", { type: "boolean", describe: "the proofs were made with the development SRS (INSECURE)" }),
        async (argv) => {
          const path = argv.bundle as string;
          const raw = readUserJson(path, { what: "proof bundle" });
          checkSrsFlags(argv);
          const { verifyAccess } = await import("../../kv/circuit.ts");
          const { verifyBatch } = await import("../../kv/batch.ts");
          const { isTrustedKey } = await import("../../kv/trusted-key.ts");
          const b = parseBundle(path, raw, (await import("../../../runtime/plonk/index.ts")) as never);
          const id = b.kind === "batch" ? ({ kind: "batch", shape: { depth: b.depth, k: b.ops, keys: b.keys } } as const) : ({ kind: "access", depth: b.depth } as const);
          // The key that decides is derived from the circuit for the bundle's shape under the SRS named
          // here; the bundle's key is only compared with it (a forged bundle carries a forged key).
          if (!(await isTrustedKey(b.vk, id, (k) => chooseSrs(argv, k), log))) {
            console.log(
              `${b.kind === "batch" ? "batch proof" : "access proofs"} of block ${b.block}: REJECTED: the bundle's verifying key is not the key of std::kv::${b.kind === "batch" ? `batch (depth ${b.depth}, ${b.ops} ops, ${b.keys} key slots)` : `access (depth ${b.depth})`} under this SRS`,
            );
            process.stderr.write(`hint: a key from another circuit or another SRS proves nothing about the accumulator${b.srs ? `; the bundle says it was made with: ${b.srs}` : ""}\n`);
            setExitCode(1);
            return;
          }
          const check = async (f: () => Promise<boolean>) => {
            try {
              return await f();
            } catch {
              // A malformed proof or an instance of the wrong size is a rejected proof, not a crash.
              return false;
            }
          };
          if (b.kind === "batch") {
            const good = (await check(() => verifyBatch(b.vk, b.instance, b.proof))) && b.instance[0]?.[0] === b.rootBefore && b.instance[0]?.[1] === b.proofRootAfter;
            if (!good) {
              console.log(`batch proof of block ${b.block}: REJECTED`);
              setExitCode(1);
            } else
              console.log(
                `verified one batch proof of ${b.ops} accesses of block ${b.block}${b.ops < b.blockOps ? ` (a prefix of its ${b.blockOps})` : ""}: root 0x${b.rootBefore.toString(16)} → 0x${b.proofRootAfter.toString(16)}`,
              );
            return;
          }
          let root = b.rootBefore;
          let ok = true;
          for (const [i, p] of b.proofs.entries()) {
            const good = (await check(() => verifyAccess(b.vk, p.instance, p.proof))) && p.instance[0]?.[0] === root;
            if (!good) {
              console.log(`access ${i}: REJECTED`);
              ok = false;
              break;
            }
            root = p.instance[0][1];
          }
          const prefix = b.ops !== undefined ? b.proofs.length < b.ops : root !== b.rootAfter;
          if (ok && b.proofs.length && prefix) {
            // A prefix was proved (--first): say so rather than claim the whole block.
            console.log(`verified ${b.proofs.length} accesses (a prefix of block ${b.block}); roots chain`);
          } else if (ok) console.log(`verified ${b.proofs.length} accesses of block ${b.block}; roots chain to 0x${root.toString(16)}`);
          if (!ok) setExitCode(1);
        },
      )
      .demandCommand(1, "name an action: init, apply, prove or verify"),
  handler: () => {},
};

type Plonk = typeof import("../../../runtime/plonk/index.ts");
type VK = import("../../../runtime/plonk/index.ts").VerifyingKey;
type PlonkProof = import("../../../runtime/plonk/index.ts").Proof;
type Bundle = { block: number; depth: number; rootBefore: bigint; rootAfter: bigint; vk: VK; srs?: string } & (
  | { kind: "batch"; ops: number; keys: number; blockOps: number; proofRootAfter: bigint; instance: bigint[][]; proof: PlonkProof }
  | { kind: "access"; ops?: number; proofs: { instance: bigint[][]; proof: PlonkProof }[] }
);

/** A bundle's fields, typed and checked; anything malformed says "not a proof bundle" with the field. */
function parseBundle(path: string, raw: unknown, plonk: Plonk): Bundle {
  const bad = (why: string) => new UserError(`\`${path}\` is not a proof bundle from \`cwl kv prove\`: ${why}`);
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw bad("not a JSON object");
  const o = raw as Record<string, unknown>;
  const int = (k: string, min: number, max: number) => {
    const v = o[k];
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw bad(`\`${k}\` is not an integer from ${min} to ${max}`);
    return v as number;
  };
  const num = (v: unknown, what: string) => {
    if (typeof v !== "string" || !/^(0x[0-9a-f]+|[0-9]+)$/i.test(v)) throw bad(`${what} is not a number`);
    return BigInt(v);
  };
  const column = (v: unknown, what: string) => {
    if (!Array.isArray(v) || !v.every(Array.isArray)) throw bad(`${what} is not a list of columns`);
    return (v as unknown[][]).map((c) => c.map((x) => num(x, what)));
  };
  const decode = <T>(f: () => T, what: string): T => {
    try {
      return f();
    } catch (e) {
      throw bad(`${what}: ${(e as Error).message}`);
    }
  };
  const head = {
    block: int("block", 0, Number.MAX_SAFE_INTEGER),
    depth: int("depth", 1, 64),
    rootBefore: num(o.rootBefore, "`rootBefore`"),
    rootAfter: num(o.rootAfter, "`rootAfter`"),
    vk: decode(() => plonk.vkFromJson(o.vk), "`vk`"),
    srs: typeof o.srs === "string" ? o.srs : undefined,
  };
  if (o.kind === "batch") {
    const ops = int("ops", 1, 4096);
    return {
      ...head,
      kind: "batch",
      ops,
      keys: int("keys", 1, ops),
      blockOps: o.blockOps === undefined ? ops : int("blockOps", ops, Number.MAX_SAFE_INTEGER),
      proofRootAfter: num(o.proofRootAfter, "`proofRootAfter`"),
      instance: column(o.instance, "`instance`"),
      proof: decode(() => plonk.proofFromJson(o.proof as never), "`proof`"),
    };
  }
  if (!Array.isArray(o.proofs)) throw bad("neither a batch (`kind`) nor a list of access `proofs`");
  if (!o.proofs.length) throw bad("its list of access `proofs` is empty (it would prove nothing)");
  return {
    ...head,
    kind: "access",
    ops: o.ops === undefined ? undefined : int("ops", 0, Number.MAX_SAFE_INTEGER),
    proofs: (o.proofs as Record<string, unknown>[]).map((p, i) => ({
      instance: column(p?.instance, `proof ${i}'s instance`),
      proof: decode(() => plonk.proofFromJson(p?.proof as never), `proof ${i}`),
    })),
  };
}

type Block = { depth: number; witnesses?: unknown[]; pre?: import("../../../runtime/kv/store.ts").PathSnapshot; block: number; rootBefore: bigint; rootAfter: bigint };
type ProveArgs = { ptau?: string; "insecure-dev-srs"?: boolean };

/** One batch proof for the block (or its first accesses), with progress per phase. */
async function proveBlockBatch(argv: ProveArgs, block: Block, witnesses: unknown[], out: string): Promise<void> {
  const { batchCircuit, batchStats, batchK, batchProvingKey, proveBatch, batchShapeFor, batchWitness } = await import("../../kv/batch.ts");
  const { vkToJson, proofToJson } = await import("../../../runtime/plonk/index.ts");
  const accesses = witnesses as import("../../../runtime/kv/smt.ts").AccessWitness[];
  const shape = batchShapeFor(block.depth, accesses);
  let w;
  try {
    w = batchWitness(shape, block.rootBefore, block.pre!, accesses);
  } catch (e) {
    throw new UserError(`cannot prove this block in one batch: ${(e as Error).message}`, "prove it with --per-access");
  }
  const t0 = performance.now();
  log(`compiling std::kv::batch: depth ${shape.depth}, ${shape.k} accesses over ${shape.keys} distinct keys ...`);
  batchCircuit(shape);
  const k = batchK(shape);
  log(`circuit: ${JSON.stringify(batchStats(shape))}, k=${k} (${(performance.now() - t0).toFixed(0)} ms)`);
  const srs = await chooseSrs(argv, k);
  const t1 = performance.now();
  log("keygen ...");
  const phase = progressRenderer({ prefix: "  " }).progress;
  const pk = await batchProvingKey(shape, srs, phase);
  (await import("../../kv/trusted-key.ts")).rememberDerivedKey({ kind: "batch", shape }, k, srs, pk.vk);
  log(`keygen ${(performance.now() - t1).toFixed(0)} ms`);
  const t2 = performance.now();
  log(`proving the batch of ${shape.k} accesses ...`);
  const { proof, instance } = await proveBatch(pk, w, phase);
  const ms = performance.now() - t2;
  log(`proved in ${ms.toFixed(0)} ms (${(ms / shape.k).toFixed(0)} ms/access)`);
  writeUserFile(
    out,
    JSON.stringify(
      { kind: "batch", srs: srs.source, depth: block.depth, keys: shape.keys, block: block.block, ops: shape.k, blockOps: block.witnesses?.length ?? shape.k, rootBefore: block.rootBefore, rootAfter: block.rootAfter, proofRootAfter: w.rootAfter, vk: vkToJson(pk.vk), instance: instance.map((c) => c.map((v) => `0x${v.toString(16)}`)), proof: proofToJson(proof) },
      big,
    ),
    "proof bundle",
  );
  console.log(JSON.stringify({ kind: "batch", accesses: shape.k, keys: shape.keys, rows: batchStats(shape).rows, k, out, proveMs: Math.round(ms) }));
}

/** One std::kv::access proof per access. */
async function provePerAccess(argv: ProveArgs, block: Block, witnesses: unknown[], out: string): Promise<void> {
  const { accessK, accessProvingKey, proveAccess, accessCircuitStats } = await import("../../kv/circuit.ts");
  const { vkToJson, proofToJson } = await import("../../../runtime/plonk/index.ts");
  const depth = block.depth;
  const t0 = performance.now();
  const k = accessK(depth);
  log(`circuit std::kv::access depth ${depth}: ${JSON.stringify(accessCircuitStats(depth))}, k=${k} (${(performance.now() - t0).toFixed(0)} ms)`);
  const srs = await chooseSrs(argv, k);
  const t1 = performance.now();
  const pk = await accessProvingKey(depth, srs);
  (await import("../../kv/trusted-key.ts")).rememberDerivedKey({ kind: "access", depth }, k, srs, pk.vk);
  log(`keygen ${(performance.now() - t1).toFixed(0)} ms`);
  const proofs = [];
  const t2 = performance.now();
  for (const [i, w] of witnesses.entries()) {
    const { proof, instance } = await proveAccess(depth, pk, w as never);
    proofs.push({ instance: instance.map((c) => c.map((v) => `0x${v.toString(16)}`)), proof: proofToJson(proof) });
    log(`proved access ${i + 1}/${witnesses.length} (${((performance.now() - t2) / (i + 1)).toFixed(0)} ms/access)`);
  }
  writeUserFile(out, JSON.stringify({ srs: srs.source, depth, block: block.block, ops: block.witnesses?.length, rootBefore: block.rootBefore, rootAfter: block.rootAfter, vk: vkToJson(pk.vk), proofs }, big), "proof bundle");
  console.log(JSON.stringify({ proofs: proofs.length, out, msPerAccess: Math.round((performance.now() - t2) / Math.max(1, proofs.length)) }));
}
