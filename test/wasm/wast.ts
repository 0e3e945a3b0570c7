// The WebAssembly spec-test script format (.wast): s-expressions holding modules and assertions.
// parseWast reads a script into commands; runWast runs them through the WASM frontend
// (compiler/wasm), the zkVM backend and the executor, and counts passed / failed / unsupported
// assertions. Module text becomes a binary through wabt without validation, so the frontend's own
// validator meets the invalid modules of assert_invalid.
import wabtInit from "wabt";
import { buildZkvm } from "../../backends/zkvm/index.ts";
import { compileWasm, decodeModule } from "../../compiler/wasm/index.ts";
import { type ExecResult, type ZkvmError, execute } from "../../runtime/zkvm/index.ts";

export type SExpr = { atom: string; str?: boolean } | { list: SExpr[]; start: number; end: number };

export function parseSexprs(src: string): SExpr[] {
  let i = 0;
  const top: SExpr[] = [];
  const stack: { list: SExpr[]; start: number }[] = [];
  const push = (e: SExpr) => (stack.length ? stack[stack.length - 1].list.push(e) : top.push(e));
  while (i < src.length) {
    const c = src[i];
    if (c === ";" && src[i + 1] === ";") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "(" && src[i + 1] === ";") {
      let depth = 1;
      i += 2;
      while (i < src.length && depth) {
        if (src[i] === "(" && src[i + 1] === ";") (depth++, (i += 2));
        else if (src[i] === ";" && src[i + 1] === ")") (depth--, (i += 2));
        else i++;
      }
    } else if (c === "(") {
      stack.push({ list: [], start: i });
      i++;
    } else if (c === ")") {
      const l = stack.pop();
      if (!l) throw new Error(`unbalanced ) at ${i}`);
      i++;
      push({ list: l.list, start: l.start, end: i });
    } else if (/\s/.test(c)) i++;
    else if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\\") {
          const n = src[j + 1];
          const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "'": "'", "\\": "\\" };
          if (esc[n] !== undefined) (s += esc[n], (j += 2));
          else if (n === "u") {
            const close = src.indexOf("}", j);
            s += String.fromCodePoint(parseInt(src.slice(j + 3, close), 16));
            j = close + 1;
          } else {
            s += String.fromCodePoint(0x10000 + parseInt(src.slice(j + 1, j + 3), 16));
            j += 3;
          }
        } else s += src[j++];
      }
      push({ atom: s, str: true });
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !/[\s()";]/.test(src[j])) j++;
      push({ atom: src.slice(i, j) });
      i = j;
    }
  }
  return top;
}

/** Bytes of a string atom: characters ≥ 0x10000 mark raw \hh bytes; others are UTF-8. */
export function strBytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x10000 && cp < 0x10100) out.push(cp - 0x10000);
    else out.push(...Buffer.from(ch, "utf8"));
  }
  return out;
}

const isList = (e: SExpr | undefined): e is Extract<SExpr, { list: SExpr[] }> => !!e && "list" in e;
const head = (e: SExpr | undefined) => (isList(e) && e.list[0] && !isList(e.list[0]) ? e.list[0].atom : undefined);

export function intLit(lit: string, bits: number): bigint {
  let s = lit.replace(/_/g, "");
  let neg = false;
  if (s[0] === "-" || s[0] === "+") (neg = s[0] === "-", (s = s.slice(1)));
  let v = BigInt(s);
  if (neg) v = -v;
  return BigInt.asUintN(bits, v);
}

/** A value, or (nan) a NaN result pattern, or (unsupported) a value the runner does not read. */
type Val = { type: string; value?: bigint; nan?: "canonical" | "arithmetic"; unsupported?: boolean };

const bitLen = (x: bigint) => x.toString(2).length;

/** The f32 (m = 23, e = 8) or f64 (m = 52, e = 11) nearest num/den, ties to even (IEEE 754 round to nearest). */
export function roundFloat(num: bigint, den: bigint, m: number, e: number): bigint {
  if (num === 0n) return 0n;
  const bias = (1 << (e - 1)) - 1;
  // q ≈ num/den · 2^sh with at least m + 3 bits; a remainder sets the lowest (sticky) bit
  const sh = m + 3 - (bitLen(num) - bitLen(den)) + 1;
  let q = sh >= 0 ? (num << BigInt(sh)) / den : num / (den << BigInt(-sh));
  const exact = sh >= 0 ? (num << BigInt(sh)) % den === 0n : num % (den << BigInt(-sh)) === 0n;
  if (!exact) q |= 1n;
  const E = -sh; // value ≈ q · 2^E
  const top = E + bitLen(q) - 1; // exponent of the leading bit
  const s = Math.max(top, 1 - bias) - m; // exponent of the result's last mantissa bit
  const shift = s - E;
  let r: bigint;
  if (shift <= 0) r = q << BigInt(-shift);
  else {
    const half = 1n << BigInt(shift - 1);
    const low = q & ((1n << BigInt(shift)) - 1n);
    r = q >> BigInt(shift);
    if (low > half || (low === half && (r & 1n) === 1n)) r += 1n;
  }
  let exp = s;
  if (r === 1n << BigInt(m + 1)) {
    r >>= 1n;
    exp += 1;
  }
  if (r < 1n << BigInt(m)) return r; // subnormal
  const biased = BigInt(exp + m + bias);
  if (biased >= BigInt((1 << e) - 1)) return BigInt((1 << e) - 1) << BigInt(m); // infinity
  return (biased << BigInt(m)) | (r - (1n << BigInt(m)));
}

/** The bits of a text-format float literal: decimal, hex (0x1.8p3), inf, nan, nan:0x…. */
export function floatLit(lit: string, bits: 32 | 64): bigint {
  const [m, e] = bits === 32 ? [23, 8] : [52, 11];
  let s = lit.replace(/_/g, "");
  let neg = false;
  if (s[0] === "-" || s[0] === "+") (neg = s[0] === "-", (s = s.slice(1)));
  const sign = neg ? 1n << BigInt(bits - 1) : 0n;
  const expAll = BigInt((1 << e) - 1) << BigInt(m);
  if (s === "inf") return sign | expAll;
  if (s.startsWith("nan")) return sign | expAll | (s.startsWith("nan:") ? BigInt(s.slice(4)) : 1n << BigInt(m - 1));
  let num: bigint;
  let den = 1n;
  if (/^0x/i.test(s)) {
    const mm = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(s)!;
    const frac = mm[2] ?? "";
    num = BigInt("0x" + ((mm[1] || "0") + frac));
    let p = Number(mm[3] ?? 0) - 4 * frac.length;
    if (p >= 0) num <<= BigInt(p);
    else den <<= BigInt(-p);
    p = 0;
  } else {
    const mm = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s)!;
    const frac = mm[2] ?? "";
    num = BigInt((mm[1] || "0") + frac);
    const k = Number(mm[3] ?? 0) - frac.length;
    if (k >= 0) num *= 10n ** BigInt(k);
    else den = 10n ** BigInt(-k);
  }
  return sign | roundFloat(num, den, m, e);
}

function constVal(e: SExpr): Val {
  const h = head(e) ?? "";
  const arg = isList(e) && e.list[1] && !isList(e.list[1]) ? e.list[1].atom : "";
  if (h === "i32.const") return { type: "i32", value: intLit(arg, 32) };
  if (h === "i64.const") return { type: "i64", value: intLit(arg, 64) };
  if (h === "f32.const" || h === "f64.const") {
    const t = h.slice(0, 3);
    if (arg === "nan:canonical" || arg === "nan:arithmetic") return { type: t, nan: arg.slice(4) as "canonical" | "arithmetic" };
    return { type: t, value: floatLit(arg, t === "f32" ? 32 : 64) };
  }
  return { type: h, unsupported: true };
}

/** Does a result match: its bits, or a NaN of the pattern (canonical: only the quiet bit; arithmetic: the quiet bit set). */
function matches(v: Val, got: bigint): boolean {
  if (!v.nan) return v.value === got;
  const [m, e] = v.type === "f32" ? [23n, 8n] : [52n, 11n];
  const w = m + e + 1n;
  const abs = got & ((1n << (w - 1n)) - 1n);
  const exp = ((1n << e) - 1n) << m;
  const quiet = 1n << (m - 1n);
  if ((abs & exp) !== exp) return false;
  return v.nan === "canonical" ? abs === (exp | quiet) : (abs & quiet) !== 0n;
}

export interface FileReport {
  passed: number;
  failed: number;
  unsupported: number;
  /** assertions about the text format (assert_malformed of module quote): wabt's concern */
  skipped: number;
  failures: string[];
}

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;
const FEATURES = { multi_value: true, bulk_memory: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true, reference_types: true };

/** Binary of a (module ...) form, or a string saying why there is none. */
export function moduleBinary(src: string, e: Extract<SExpr, { list: SExpr[] }>, dropRefs = false): Uint8Array | { text: string; error: string } {
  const kind = e.list[1] && !isList(e.list[1]) && !e.list[1].str && e.list[1].atom.startsWith("$") ? e.list[2] : e.list[1];
  const rest = e.list.slice(e.list.indexOf(kind!) + 1);
  if (kind && !isList(kind) && kind.atom === "binary") return Uint8Array.from(rest.flatMap((x) => (isList(x) ? [] : strBytes(x.atom))));
  let text = src.slice(e.start, e.end);
  if (kind && !isList(kind) && kind.atom === "quote") text = `(module ${rest.map((x) => (isList(x) ? "" : Buffer.from(strBytes(x.atom)).toString("utf8"))).join(" ")})`;
  const toBinary = (t: string) => {
    const m = wabt!.parseWat("t.wat", t, FEATURES);
    try {
      return m.toBinary({ write_debug_names: true }).buffer;
    } finally {
      m.destroy();
    }
  };
  try {
    return toBinary(text);
  } catch (err) {
    // wabt 1.0.39 does not parse the typed function-references syntax (`(ref null $t)`) some scripts
    // use in a few fields of a module: with those fields left out, the rest of the module still runs
    // (assertions on what was left out count as unsupported)
    if (!dropRefs || (!isList(kind ?? undefined) && kind)) return { text, error: String(err) };
    // first: the typed references these scripts use as plain funcref / externref
    const plain = text.replace(/\(ref null (func|\$[\w.]+)\)|\(ref (func|\$[\w.]+)\)/g, "funcref").replace(/\(ref null extern\)/g, "externref").replace(/ref\.null \$[\w.]+/g, "ref.null func");
    try {
      return toBinary(plain);
    } catch {
      // then: without them
    }
    const fields = e.list.slice(1).filter((x) => !isList(x) || !/\(ref |externref|funcref|ref\.null|ref\.func|ref\.is_null/.test(src.slice(x.start, x.end)));
    if (fields.length === e.list.length - 1) return { text, error: String(err) };
    const trimmed = `(module ${fields.map((x) => (isList(x) ? src.slice(x.start, x.end) : x.str ? JSON.stringify(x.atom) : x.atom)).join("\n")})`;
    try {
      return toBinary(trimmed);
    } catch {
      return { text, error: String(err) };
    }
  }
}

const TRAP_NAMES: Record<number, string[]> = {
  10: ["unreachable"],
  11: ["out of bounds memory access"],
  12: ["integer overflow"],
  13: ["undefined element", "out of bounds table access"],
  14: ["uninitialized element", "undefined element"],
  15: ["indirect call type mismatch"],
  17: ["out of bounds"],
  18: ["invalid conversion to integer"],
};
function trapKinds(e: ZkvmError): string[] | "unsupported" {
  const m = /(?:trap|check) (\d+)/.exec(e.message);
  if (m && Number(m[1]) === 16) return "unsupported";
  if (m && TRAP_NAMES[Number(m[1])]) return TRAP_NAMES[Number(m[1])];
  if (/division by zero/.test(e.message)) return ["integer divide by zero"];
  if (/outside memory/.test(e.message)) return ["out of bounds memory access"];
  if (/stack overflow/.test(e.message)) return ["call stack exhausted", "stack overflow"];
  if (e.kind === "limit") return ["call stack exhausted"];
  return [e.message];
}

interface Call {
  name: string;
  args: bigint[];
  expect: { kind: "return"; vals: Val[][] } | { kind: "trap"; msg: string } | { kind: "none" };
  line: string;
}

export async function runWast(src: string, opts: { maxInstructions?: number } = {}): Promise<FileReport> {
  wabt ??= await wabtInit();
  const rep: FileReport = { passed: 0, failed: 0, unsupported: 0, skipped: 0, failures: [] };
  const fail = (what: string) => {
    rep.failed++;
    if (rep.failures.length < 20) rep.failures.push(what);
  };
  let current: { bin?: Uint8Array; calls: Call[]; unsupported: boolean; names: Set<string | undefined>; exports?: Set<string> } | undefined;
  const flush = () => {
    if (current?.bin && current.calls.length) runCalls(current.bin, current.calls, rep, fail, opts.maxInstructions ?? 20_000_000);
    else if (current) rep.unsupported += current.calls.length;
    current = undefined;
  };
  const line = (e: SExpr) => (isList(e) ? `line ${src.slice(0, e.start).split("\n").length}` : "");
  for (const cmd of parseSexprs(src)) {
    const h = head(cmd);
    if (!isList(cmd)) continue;
    if (h === "module") {
      flush();
      const bin = moduleBinary(src, cmd, true);
      const name = !isList(cmd.list[1]) && cmd.list[1]?.atom.startsWith("$") ? cmd.list[1].atom : undefined;
      if (!(bin instanceof Uint8Array)) {
        current = { calls: [], unsupported: true, names: new Set([name]) };
        continue;
      }
      const b = compileWasm(bin, { script: [] });
      const moduleLevel = b.unsupported.some((u) => u.func < 0) || b.diagnostics.some((d) => d.code === "E0691");
      if (b.diagnostics.length && !moduleLevel) fail(`${line(cmd)}: a valid module was refused: ${b.diagnostics[0].message}`);
      const exports = new Set(b.module ? decodeModule(bin).exports.filter((x) => x.kind === "func").map((x) => x.name) : []);
      current = { bin: b.diagnostics.length || moduleLevel ? undefined : bin, calls: [], unsupported: moduleLevel, names: new Set([undefined, name]), exports };
      continue;
    }
    if (h === "register") continue;
    if (h === "assert_invalid" || h === "assert_malformed") {
      const m = cmd.list[1];
      if (!isList(m)) continue;
      const kind = m.list.find((x, i) => i > 0 && !isList(x) && !x.atom.startsWith("$"));
      const isQuote = kind && !isList(kind) && kind.atom === "quote";
      const bin = moduleBinary(src, m);
      if (!(bin instanceof Uint8Array)) {
        // the text does not parse: a text-format assertion, for wabt
        rep.skipped++;
        continue;
      }
      if (isQuote && h === "assert_malformed") {
        rep.skipped++;
        continue;
      }
      const b = compileWasm(bin, { script: [] });
      if (b.diagnostics.some((d) => d.code === "E0690")) rep.passed++;
      else if (b.diagnostics.some((d) => d.code === "E0691") || b.unsupported.length) rep.unsupported++;
      else fail(`${line(cmd)}: ${h} accepted (expected "${!isList(cmd.list[2]) ? cmd.list[2]?.atom : ""}")`);
      continue;
    }
    if (h === "assert_unlinkable" || h === "assert_uninstantiable" || (h === "assert_trap" && head(cmd.list[1]) === "module")) {
      const m = cmd.list[1];
      if (!isList(m)) continue;
      const bin = moduleBinary(src, m);
      if (!(bin instanceof Uint8Array)) {
        rep.skipped++;
        continue;
      }
      const b = compileWasm(bin, { script: [] });
      if (h === "assert_unlinkable" || b.unsupported.some((u) => u.func < 0)) {
        rep.unsupported++;
        continue;
      }
      const z = b.module ? buildZkvm(b.module) : undefined;
      const r = z?.program ? execute(z.program, { maxInstructions: opts.maxInstructions ?? 20_000_000 }) : undefined;
      if (r && !r.ok) rep.passed++;
      else fail(`${line(cmd)}: ${h}: the module instantiated`);
      continue;
    }
    if (h === "invoke" || h === "assert_return" || h === "assert_trap" || h === "assert_exhaustion" || h === "get") {
      const action = h === "invoke" || h === "get" ? cmd : cmd.list[1];
      if (!isList(action) || head(action) !== "invoke" || !current) {
        rep.unsupported++;
        continue;
      }
      let k = 1;
      const modName = !isList(action.list[1]) && action.list[1].atom.startsWith("$") ? action.list[1].atom : undefined;
      if (modName) k++;
      const name = action.list[k] && !isList(action.list[k]) ? (action.list[k] as { atom: string }).atom : "";
      const args = action.list.slice(k + 1).map(constVal);
      if ((modName && !current.names.has(modName)) || (current.exports && !current.exports.has(name))) {
        rep.unsupported++;
        continue;
      }
      let expect: Call["expect"] = { kind: "none" };
      if (h === "assert_return") {
        const alts = cmd.list.slice(2).map((e) => (head(e) === "either" && isList(e) ? e.list.slice(1).map(constVal) : [constVal(e)]));
        expect = { kind: "return", vals: alts };
        if (alts.some((a) => a.some((v) => v.unsupported))) {
          rep.unsupported++;
          continue;
        }
      } else if (h === "assert_trap" || h === "assert_exhaustion") expect = { kind: "trap", msg: !isList(cmd.list[2]) ? (cmd.list[2]?.atom ?? "") : "" };
      if (args.some((a) => a.unsupported || a.nan) || current.unsupported || !current.bin) {
        if (expect.kind !== "none") rep.unsupported++;
        continue;
      }
      current.calls.push({ name, args: args.map((a) => a.value!), expect, line: line(cmd) });
    }
  }
  flush();
  return rep;
}

/**
 * Runs the calls on one instance, in order: one program calls them all and writes each call's
 * results and then its index. A call that traps ends the run; it is checked, and the same program
 * runs again with that call switched off (its byte of the `run` input 0): the calls before it repeat,
 * so the instance's state is the same when the next one runs (what the trapping call stored before
 * its trap is not replayed).
 */
/**
 * A call made for its effect — a bare invoke, or an assert_return of no values in a module with state
 * (memory, a table, a mutable global): later calls may depend on it.
 */
const action = (c: Call, state: boolean) => c.expect.kind === "none" || (state && c.expect.kind === "return" && c.expect.vals.length === 0);

function runCalls(bin: Uint8Array, calls: Call[], rep: FileReport, fail: (w: string) => void, maxInstructions: number): void {
  const show = (c: Call) => `${c.line}: ${c.name}(${c.args.join(", ")})`;
  const b = compileWasm(bin, { script: calls.map((c) => ({ name: c.name, args: c.args })) });
  const z = b.module ? buildZkvm(b.module) : undefined;
  const program = z?.program;
  if (!program) {
    for (const c of calls) fail(`${show(c)}: ${(b.diagnostics[0] ?? z?.diagnostics[0])?.message}`);
    return;
  }
  // input: the `run` buffer, one byte per call (0 = skip); a call of an export the frontend could not
  // compile is not run (it would trap at once)
  const runs = new Uint8Array(4 + calls.length);
  new DataView(runs.buffer).setUint32(0, calls.length, true);
  runs.fill(1, 4);
  const mod = decodeModule(bin);
  const state = mod.memories.length > 0 || mod.tables.length > 0 || mod.globals.some((g) => g.mutable);
  const bad = new Set(b.unsupported.map((u) => u.func));
  let done = 0;
  let limit = calls.length;
  for (let k = 0; k < calls.length; k++) {
    const e = mod.exports.find((x) => x.kind === "func" && x.name === calls[k].name);
    if (!e || !bad.has(e.index)) continue;
    runs[4 + k] = 0;
    if (calls[k].expect.kind !== "none") rep.unsupported++;
    if (action(calls[k], state)) {
      // an action left out changes the state the later calls see: they count as unsupported too
      rep.unsupported += calls.slice(k + 1).filter((c, j) => c.expect.kind !== "none" && runs[4 + k + 1 + j]).length;
      limit = k;
      break;
    }
  }
  for (let k = limit; k < calls.length; k++) runs[4 + k] = 0;
  while (done < limit) {
    const r: ExecResult | ZkvmError = execute(program, { maxInstructions, input: runs });
    const out = r.output ?? new Uint8Array(0);
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let at = 0;
    let next = calls.length;
    // each call that ran wrote its results, then its index
    for (let k = 0; k < calls.length; k++) {
      if (!runs[4 + k]) continue;
      const types = b.results![k];
      const size = types.reduce((n, t) => n + (t === "i64" || t === "f64" ? 8 : 4), 0) + 4;
      if (at + size > out.length) {
        next = k;
        break;
      }
      const got = types.map((t) => {
        const wide = t === "i64" || t === "f64";
        const v = wide ? dv.getBigUint64(at, true) : BigInt(dv.getUint32(at, true));
        at += wide ? 8 : 4;
        return v;
      });
      if (dv.getUint32(at, true) !== k) return fail(`call ${k}: the output is out of step`);
      at += 4;
      if (k < done) continue;
      const c = calls[k];
      if (c.expect.kind === "return") {
        const want = c.expect.vals;
        if (got.length === want.length && want.every((alts, j) => alts.some((v) => matches(v, got[j])))) rep.passed++;
        else fail(`${show(c)} gave ${got.join(", ")}, expected ${want.map((a) => a.map((v) => v.value ?? `nan:${v.nan}`).join("|")).join(", ")}`);
      } else if (c.expect.kind === "trap") fail(`${show(c)} returned ${got.join(", ")}, expected a trap "${c.expect.msg}"`);
    }
    if (r.ok) return;
    const c = calls[next];
    if (!c) return fail(`the run trapped after every call: ${r.message}`);
    const kinds = trapKinds(r);
    if (kinds === "unsupported") {
      if (c.expect.kind !== "none") rep.unsupported++;
      if (action(c, state)) {
        // an action that did not happen: what follows may depend on it
        rep.unsupported += calls.slice(next + 1).filter((x, j) => x.expect.kind !== "none" && runs[4 + next + 1 + j]).length;
        return;
      }
    } else if (c.expect.kind === "trap") {
      const msg = c.expect.msg;
      if (kinds.some((k2) => msg.startsWith(k2) || k2.startsWith(msg))) rep.passed++;
      else fail(`${show(c)} trapped with "${r.message}", expected "${msg}"`);
    } else fail(`${show(c)} trapped: ${r.message}`);
    runs[4 + next] = 0;
    done = next + 1;
  }
}
