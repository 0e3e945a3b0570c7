// The proving record of the last applied block (DIR/last-block.json): what `cwl kv apply` leaves for
// `cwl kv prove` — the witnesses of every access and the tree paths before the block. The accumulator's
// own state lives in LevelDB; this file only feeds the prover, so a damaged copy must be caught before
// it reaches the circuit (where it would surface as unsatisfied constraints, not as a damaged file).
// The record carries a SHA-256 of its body; reading checks it, then checks that every witness's path
// leads to its roots and that the roots chain from the block's first root to its last.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { readUserText, writeUserFile, UserFileError } from "../../base/files/user-file.ts";
import { checkWitness, type AccessWitness } from "../../runtime/kv/smt.ts";
import type { BlockResult, PathSnapshot } from "../../runtime/kv/store.ts";

export const LAST_BLOCK = "last-block.json";

/** What `cwl kv prove` reads back: the block's result and its tree depth. */
export interface BlockRecord {
  depth: number;
  block: number;
  rootBefore: bigint;
  rootAfter: bigint;
  witnesses: AccessWitness[];
  pre?: PathSnapshot;
}

/** The record is unreadable or inconsistent; the message says what and what to do. */
export class DamagedRecordError extends UserFileError {}

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v);
const unbig = (_k: string, v: unknown) => (typeof v === "string" && /^0x[0-9a-f]+$/i.test(v) ? BigInt(v) : v);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Writes DIR/last-block.json: `{"checksum": sha256(body), ...body}`. */
export function writeBlockRecord(dir: string, depth: number, result: BlockResult): void {
  const body = JSON.stringify({ depth, ...result }, big);
  writeUserFile(join(dir, LAST_BLOCK), `{"checksum":"${sha256(body)}",${body.slice(1)}`, "block record");
}

const HINT =
  "the accumulator itself (LevelDB) is not affected: restore last-block.json from a copy, or apply the next block with `cwl kv apply` and prove that one";

/**
 * Reads and checks DIR/last-block.json. Throws UserFileError when it is missing or not a file, and
 * DamagedRecordError ("the last block's record is damaged: ...") when its JSON, checksum, fields or
 * witness paths do not hold.
 */
export function readBlockRecord(dir: string): BlockRecord {
  const path = join(dir, LAST_BLOCK);
  const damaged = (why: string) => new DamagedRecordError(`the last block's record is damaged: ${why} (${path})`, HINT);
  let text: string;
  try {
    text = readUserText(path, { what: "block record" });
  } catch (e) {
    if (e instanceof UserFileError && /not a text file/.test(e.message)) throw damaged("it is not text");
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw damaged(`it is not valid JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw damaged("it is not a JSON object");
  const { checksum, ...rest } = raw as Record<string, unknown>;
  // Records written before the checksum existed are checked by their witnesses alone.
  if (checksum !== undefined && checksum !== sha256(JSON.stringify(rest))) throw damaged("its checksum does not match its contents");
  const r = JSON.parse(JSON.stringify(rest), unbig) as Record<string, unknown>;
  const isBig = (v: unknown): v is bigint => typeof v === "bigint";
  if (!Number.isInteger(r.depth) || (r.depth as number) < 1 || (r.depth as number) > 64) throw damaged("`depth` is not an integer from 1 to 64");
  if (!Number.isInteger(r.block) || (r.block as number) < 0) throw damaged("`block` is not a block number");
  if (!isBig(r.rootBefore) || !isBig(r.rootAfter)) throw damaged("`rootBefore` or `rootAfter` is not a 0x-hex root");
  if (!Array.isArray(r.witnesses)) throw damaged("`witnesses` is not a list");
  const depth = r.depth as number;
  let root = r.rootBefore;
  for (const [i, w] of (r.witnesses as AccessWitness[]).entries()) {
    let why: string | undefined;
    try {
      why = !w || typeof w !== "object" ? "not an object" : w.rootBefore !== root ? "its root before is not the previous access's root after" : checkWitness(w, depth);
    } catch (e) {
      why = (e as Error).message;
    }
    if (why) throw damaged(`access ${i}: ${why}`);
    root = w.rootAfter;
  }
  if (root !== r.rootAfter) throw damaged("the accesses do not lead to the block's `rootAfter`");
  if (r.pre !== undefined) {
    const pre = r.pre as PathSnapshot;
    if (!pre || !Array.isArray(pre.nodes) || !Array.isArray(pre.leaves)) throw damaged("`pre` is not a path snapshot");
  }
  return r as unknown as BlockRecord;
}
