// `cwl kv init|apply|prove|verify`: the KV storage accumulator from the command line. Heavy modules
// (LevelDB, the EVM, the prover) are imported inside handlers so `cwl --help` stays fast.
import type { Argv, CommandModule } from "yargs";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError, setExitCode } from "../main.ts";

const LAST_BLOCK = "last-block.json";

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v);
const unbig = (_k: string, v: unknown) => (typeof v === "string" && /^0x[0-9a-f]+$/i.test(v) ? BigInt(v) : v);
const log = (s: string) => process.stderr.write(s + "\n");

async function openStore(dir: string, depth?: number) {
  const { KvStore } = await import("../../../runtime/kv/index.ts");
  if (depth === undefined && !existsSync(dir)) throw new UserError(`no accumulator at \`${dir}\``, "create one with `cwl kv init DIR`");
  try {
    return await KvStore.open(dir, depth === undefined ? {} : { depth });
  } catch (e) {
    throw new UserError(`cannot open the accumulator at \`${dir}\`: ${(e as Error).message}`);
  }
}

function parseOps(path: string) {
  if (!existsSync(path)) throw new UserError(`cannot read \`${path}\``, "give a JSON array of {kind, address, slot, value}");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(`\`${path}\` is not JSON: ${(e as Error).message}`);
  }
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
  const { loadPtau, insecureDevSrs } = await import("../../../runtime/plonk/index.ts");
  if (argv.ptau) {
    if (!existsSync(argv.ptau)) throw new UserError(`cannot read \`${argv.ptau}\``);
    return loadPtau(argv.ptau, 1 << k);
  }
  if (argv["insecure-dev-srs"]) {
    log("warning: INSECURE development SRS (public tau): for testing only");
    return insecureDevSrs(1 << k);
  }
  throw new UserError("choose a setup: --ptau FILE or --insecure-dev-srs");
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
          const depth = argv.depth as number;
          if (!Number.isInteger(depth) || depth < 1 || depth > 64) throw new UserError("--depth must be 1..64");
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
          const { accessesToOps, erc20TransferTrace, storageLoopTrace, checkWitness } = await import("../../../runtime/kv/index.ts");
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
          let result;
          try {
            result = await kv.applyBlock(ops, (phase, done, total) => process.stderr.write(`\r${phase} ${done}/${total}`));
          } catch (e) {
            await kv.close();
            throw new UserError(`block rejected, accumulator unchanged: ${(e as Error).message}`);
          }
          process.stderr.write("\n");
          const ms = performance.now() - t0;
          const bad = result.witnesses.findIndex((w) => checkWitness(w, kv.depth) !== undefined);
          if (bad >= 0) throw new Error(`internal: witness ${bad} does not check`);
          writeFileSync(join(argv.dir as string, LAST_BLOCK), JSON.stringify({ depth: kv.depth, ...result }, big));
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
          const blockFile = join(dir, LAST_BLOCK);
          if (!existsSync(blockFile)) throw new UserError(`no applied block in \`${dir}\``, "run `cwl kv apply` first");
          const block = JSON.parse(readFileSync(blockFile, "utf8"), unbig);
          const first = argv.first as number | undefined;
          if (first !== undefined && (!Number.isInteger(first) || first < 1)) throw new UserError("--first must be a positive integer");
          const witnesses = (block.witnesses as unknown[]).slice(0, first ?? undefined);
          if (!witnesses.length) throw new UserError("the last block has no accesses to prove");
          const out = (argv.out as string | undefined) ?? join(dir, "block-proofs.json");
          if (argv["per-access"] || block.pre === undefined) await provePerAccess(argv, block, witnesses, out);
          else await proveBlockBatch(argv, block, witnesses, out);
        },
      )
      .command(
        "verify <bundle>",
        "Verify a proof bundle from `cwl kv prove`: every proof, and that the roots chain",
        (y) => y.positional("bundle", { type: "string", demandOption: true }),
        async (argv) => {
          const path = argv.bundle as string;
          if (!existsSync(path)) throw new UserError(`cannot read \`${path}\``);
          const { verifyAccess } = await import("../../kv/circuit.ts");
          const { vkFromJson, proofFromJson } = await import("../../../runtime/plonk/index.ts");
          let b;
          try {
            b = JSON.parse(readFileSync(path, "utf8"));
          } catch (e) {
            throw new UserError(`\`${path}\` is not a proof bundle: ${(e as Error).message}`);
          }
          const vk = vkFromJson(b.vk);
          if (b.kind === "batch") {
            const { verifyBatch } = await import("../../kv/batch.ts");
            const instance = (b.instance as string[][]).map((c) => c.map((v) => BigInt(v)));
            const good = (await verifyBatch(vk, instance, proofFromJson(b.proof))) && instance[0][0] === BigInt(b.rootBefore) && instance[0][1] === BigInt(b.proofRootAfter);
            if (!good) {
              console.log(`batch proof of block ${b.block}: REJECTED`);
              setExitCode(1);
            } else
              console.log(
                `verified one batch proof of ${b.ops} accesses of block ${b.block}${b.ops < (b.blockOps ?? b.ops) ? ` (a prefix of its ${b.blockOps})` : ""}: root 0x${BigInt(b.rootBefore).toString(16)} → 0x${BigInt(b.proofRootAfter).toString(16)}`,
              );
            return;
          }
          let root = BigInt(b.rootBefore);
          let ok = true;
          for (const [i, p] of (b.proofs as { instance: string[][]; proof: unknown }[]).entries()) {
            const instance = p.instance.map((c) => c.map((v) => BigInt(v)));
            const good = (await verifyAccess(vk, instance, proofFromJson(p.proof as never))) && instance[0][0] === root;
            if (!good) {
              console.log(`access ${i}: REJECTED`);
              ok = false;
              break;
            }
            root = instance[0][1];
          }
          const prefix = typeof b.ops === "number" ? b.proofs.length < b.ops : root !== BigInt(b.rootAfter);
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
  const phase = (p: string, ms: number) => log(`  ${p}: ${ms.toFixed(0)} ms`);
  const pk = await batchProvingKey(shape, srs, phase);
  log(`keygen ${(performance.now() - t1).toFixed(0)} ms`);
  const t2 = performance.now();
  log(`proving the batch of ${shape.k} accesses ...`);
  const { proof, instance } = await proveBatch(pk, w, phase);
  const ms = performance.now() - t2;
  log(`proved in ${ms.toFixed(0)} ms (${(ms / shape.k).toFixed(0)} ms/access)`);
  writeFileSync(
    out,
    JSON.stringify(
      { kind: "batch", depth: block.depth, keys: shape.keys, block: block.block, ops: shape.k, blockOps: block.witnesses?.length ?? shape.k, rootBefore: block.rootBefore, rootAfter: block.rootAfter, proofRootAfter: w.rootAfter, vk: vkToJson(pk.vk), instance: instance.map((c) => c.map((v) => `0x${v.toString(16)}`)), proof: proofToJson(proof) },
      big,
    ),
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
  log(`keygen ${(performance.now() - t1).toFixed(0)} ms`);
  const proofs = [];
  const t2 = performance.now();
  for (const [i, w] of witnesses.entries()) {
    const { proof, instance } = await proveAccess(depth, pk, w as never);
    proofs.push({ instance: instance.map((c) => c.map((v) => `0x${v.toString(16)}`)), proof: proofToJson(proof) });
    log(`proved access ${i + 1}/${witnesses.length} (${((performance.now() - t2) / (i + 1)).toFixed(0)} ms/access)`);
  }
  writeFileSync(out, JSON.stringify({ depth, block: block.block, ops: block.witnesses?.length, rootBefore: block.rootBefore, rootAfter: block.rootAfter, vk: vkToJson(pk.vk), proofs }, big));
  console.log(JSON.stringify({ proofs: proofs.length, out, msPerAccess: Math.round((performance.now() - t2) / Math.max(1, proofs.length)) }));
}
