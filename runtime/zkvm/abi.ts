// How a host passes JSON inputs to a guest and reads its results (spec/zkvm.md, "Input and output"):
// parameters in order on the input stream — an integer as 4 little-endian bytes (8 for 64-bit), a
// buffer as a u32 element count then its elements at 1, 2, 4 or 8 bytes each; results in order on
// the output stream the same way. JSON follows the interpreter: bool for 1 bit, numbers up to 32
// bits, decimal strings above.
import type { SigType, Signature } from "./isa.ts";

const bytesOf = (w: number) => (w <= 8 ? 1 : w <= 16 ? 2 : w <= 32 ? 4 : 8);

function intOf(v: unknown, width: number, what: string): bigint | string {
  let x: bigint;
  if (typeof v === "boolean") x = v ? 1n : 0n;
  else if (typeof v === "number" && Number.isSafeInteger(v)) x = BigInt(v);
  else if (typeof v === "string" && /^(0x[0-9a-fA-F]+|\d+)$/.test(v)) x = BigInt(v);
  else return `${what}: expected an unsigned integer, found ${JSON.stringify(v)}`;
  if (x < 0n || x >> BigInt(width) !== 0n) return `${what}: ${x} does not fit in ${width} bits`;
  return x;
}

function put(out: number[], x: bigint, n: number): void {
  for (let i = 0; i < n; i++) out.push(Number((x >> BigInt(8 * i)) & 0xffn));
}

/** Input bytes for the parameters, by name (object) or position (array); a string on a bad input. */
export function encodeInputs(sig: Signature, inputs: Record<string, unknown> | unknown[]): Uint8Array | string {
  const out: number[] = [];
  for (let i = 0; i < sig.params.length; i++) {
    const p = sig.params[i];
    const v = Array.isArray(inputs) ? inputs[i] : inputs[p.name];
    if (v === undefined) return `missing input \`${p.name}\``;
    const t = p.type;
    if (t.kind === "int") {
      const x = intOf(v, t.width, `input \`${p.name}\``);
      if (typeof x === "string") return x;
      put(out, x, t.width <= 32 ? 4 : 8);
      continue;
    }
    const xs = typeof v === "string" ? Array.from(new TextEncoder().encode(v)) : v;
    if (!Array.isArray(xs)) return `input \`${p.name}\`: expected an array (or a string for bytes), found ${JSON.stringify(v)}`;
    put(out, BigInt(xs.length), 4);
    for (let j = 0; j < xs.length; j++) {
      const x = intOf(xs[j], t.width, `input \`${p.name}\`[${j}]`);
      if (typeof x === "string") return x;
      put(out, x, bytesOf(t.width));
    }
  }
  if (!Array.isArray(inputs)) {
    const extra = Object.keys(inputs).filter((k) => !sig.params.some((p) => p.name === k));
    if (extra.length) return `unknown input \`${extra[0]}\` (parameters: ${sig.params.map((p) => p.name).join(", ") || "none"})`;
  }
  return Uint8Array.from(out);
}

/** The results, then the buffers marked `out` by name, as JSON; a string when the output does not match. */
export function decodeOutputs(sig: Signature, output: Uint8Array): { outputs: unknown[]; buffers: Record<string, unknown[]> } | string {
  let at = 0;
  const num = (n: number): bigint | undefined => {
    if (at + n > output.length) return undefined;
    let x = 0n;
    for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(output[at + i]);
    at += n;
    return x;
  };
  const json = (x: bigint, w: number) => (w === 1 ? x !== 0n : w <= 32 ? Number(x) : x.toString());
  const short = `the output has ${output.length} bytes, fewer than the results need`;
  const outputs: unknown[] = [];
  for (const t of sig.results as SigType[]) {
    const x = num(t.width <= 32 ? 4 : 8);
    if (x === undefined) return short;
    outputs.push(json(x, t.width));
  }
  const buffers: Record<string, unknown[]> = {};
  for (const p of sig.params) {
    if (!p.out) continue;
    const n = num(4);
    if (n === undefined || at + Number(n) * bytesOf(p.type.width) > output.length) return short;
    buffers[p.name] = Array.from({ length: Number(n) }, () => json(num(bytesOf(p.type.width))!, p.type.width));
  }
  if (at !== output.length) return `the output has ${output.length - at} bytes more than the results`;
  return { outputs, buffers };
}
