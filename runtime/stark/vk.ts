// The verifying key's encoding: UTF-8 JSON of the parameters, each chip's columns, constraints,
// interactions and fixed-column root, and the key's digest. Decoding validates every expression, rebuilds
// the shapes from the constraints (groups, quotient pieces) and checks the digest, so a decoded key is
// one keygen could have made; it cannot regenerate fixed values (verification never needs them).
import type { Air, Chip, Expr, Interaction } from "../air/index.ts";
import { busNames, shapeOf, vkDigest, type ChipShape, type StarkParams, type VerifyingKey } from "./air.ts";
import { bytesEqual } from "./merkle.ts";

const FORMAT = "cwl-stark-vk/1";

export class KeyFormatError extends Error {}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export function encodeVerifyingKey(vk: VerifyingKey): Uint8Array {
  const json = {
    format: FORMAT,
    params: vk.params,
    chips: vk.air.chips.map((c, i) => ({
      name: c.name,
      columns: c.columns,
      fixedColumns: c.fixed?.columns ?? null,
      constraints: c.constraints,
      interactions: c.interactions,
      logHeight: vk.chips[i].logHeight ?? null,
      fixedRoot: vk.chips[i].fixedRoot ? hex(vk.chips[i].fixedRoot!) : null,
    })),
    digest: hex(vk.digest),
  };
  return new TextEncoder().encode(JSON.stringify(json, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

export function decodeVerifyingKey(bytes: Uint8Array): VerifyingKey {
  const fail = (m: string): never => {
    throw new KeyFormatError(`malformed STARK verifying key: ${m}`);
  };
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    return fail(`not UTF-8 JSON (${(e as Error).message})`);
  }
  const o = obj(j, "key", fail);
  if (o.format !== FORMAT) fail(`format ${JSON.stringify(o.format)}, expected ${FORMAT}`);
  const p = obj(o.params, "params", fail);
  const int = (v: unknown, what: string, lo: number, hi: number) => (Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi ? (v as number) : fail(`${what} out of range`));
  const params: StarkParams = {
    logBlowup: int(p.logBlowup, "logBlowup", 1, 8),
    numQueries: int(p.numQueries, "numQueries", 1, 4096),
    powBits: int(p.powBits, "powBits", 0, 32),
    logFinalLen: int(p.logFinalLen, "logFinalLen", 0, 20),
  };
  if (!Array.isArray(o.chips)) fail("chips is not a list");
  const chips: Chip[] = [];
  const shapes: ChipShape[] = [];
  for (const [i, raw] of (o.chips as unknown[]).entries()) {
    const c = obj(raw, `chip ${i}`, fail);
    const name = typeof c.name === "string" ? c.name : fail(`chip ${i}: name`);
    const columns = strings(c.columns, `${name}: columns`, fail);
    const fixedColumns = c.fixedColumns === null ? undefined : strings(c.fixedColumns, `${name}: fixed columns`, fail);
    const widths = { main: columns.length, fixed: fixedColumns?.length ?? 0 };
    if (!Array.isArray(c.constraints) || !Array.isArray(c.interactions)) fail(`${name}: constraints or interactions`);
    const constraints = (c.constraints as unknown[]).map((e) => expr(e, widths, `${name}: constraint`, fail));
    const interactions: Interaction[] = (c.interactions as unknown[]).map((x) => {
      const it = obj(x, `${name}: interaction`, fail);
      if (typeof it.bus !== "string" || !Array.isArray(it.values)) fail(`${name}: interaction`);
      return { bus: it.bus as string, values: (it.values as unknown[]).map((e) => expr(e, widths, `${name}: interaction value`, fail)), multiplicity: expr(it.multiplicity, widths, `${name}: multiplicity`, fail) };
    });
    const chip: Chip = {
      name,
      columns,
      constraints,
      interactions,
      ...(fixedColumns
        ? {
            fixed: {
              columns: fixedColumns,
              values: () => {
                throw new Error(`chip ${name}: a decoded verifying key has no fixed values`);
              },
            },
          }
        : {}),
    };
    let shape: ChipShape;
    try {
      shape = shapeOf(chip, params);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (fixedColumns) {
      shape.logHeight = int(c.logHeight, `${name}: log height`, 0, 27);
      shape.fixedRoot = typeof c.fixedRoot === "string" && /^[0-9a-f]{64}$/.test(c.fixedRoot) ? Uint8Array.from(Buffer.from(c.fixedRoot, "hex")) : fail(`${name}: fixed root`);
    } else if (c.logHeight !== null || c.fixedRoot !== null) fail(`${name}: a height or root without fixed columns`);
    chips.push(chip);
    shapes.push(shape);
  }
  const air: Air = { chips };
  const digest = vkDigest(air, params, shapes);
  if (typeof o.digest !== "string" || !bytesEqual(Uint8Array.from(Buffer.from(o.digest, "hex")), digest)) fail("the digest does not match the key's contents");
  return { air, params, chips: shapes, buses: busNames(air), digest };
}

type Fail = (m: string) => never;

function obj(v: unknown, what: string, fail: Fail): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${what} is not an object`);
}

function strings(v: unknown, what: string, fail: Fail): string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : fail(what);
}

function expr(v: unknown, widths: { main: number; fixed: number }, what: string, fail: Fail, depth = 0): Expr {
  if (depth > 500) fail(`${what}: nested too deeply`);
  const e = obj(v, what, fail);
  switch (e.op) {
    case "main":
    case "fixed": {
      const w = e.op === "main" ? widths.main : widths.fixed;
      if (!Number.isInteger(e.col) || (e.col as number) < 0 || (e.col as number) >= w || typeof e.next !== "boolean") fail(`${what}: column reference`);
      return { op: e.op, col: e.col as number, next: e.next as boolean };
    }
    case "const":
      if (typeof e.value !== "string" || !/^-?[0-9]{1,80}$/.test(e.value)) fail(`${what}: constant`);
      return { op: "const", value: BigInt(e.value as string) };
    case "sel":
      if (e.which !== "first" && e.which !== "last" && e.which !== "transition") fail(`${what}: selector`);
      return { op: "sel", which: e.which as "first" | "last" | "transition" };
    case "add":
    case "sub":
    case "mul":
      return { op: e.op, a: expr(e.a, widths, what, fail, depth + 1), b: expr(e.b, widths, what, fail, depth + 1) };
    case "neg":
      return { op: "neg", a: expr(e.a, widths, what, fail, depth + 1) };
    default:
      return fail(`${what}: unknown operation ${JSON.stringify(e.op)}`);
  }
}
