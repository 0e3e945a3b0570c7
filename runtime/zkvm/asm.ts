// Text form of zkVM bytecode: directives for the header fields, then one instruction per line
// (`add r3, r1, r2`, `bnz r4, @12`, `const r0, -5`). disassemble ∘ assemble is the identity on text
// it printed, and assemble ∘ disassemble reproduces the bytecode byte for byte.
import { type ZkvmError, zerr } from "./bytecode.ts";
import { OPS, OP_BY_NAME, type Program, type Signature } from "./isa.ts";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

export function disassemble(p: Program): string {
  const lines = ["; ChainWeave zkVM bytecode, version 1", `.entry @${p.entry}`, `.memory ${p.memSize}`, `.regs ${p.regs}`];
  if (p.data.length) lines.push(`.data ${p.dataAddr} ${hex(p.data)}`);
  else if (p.dataAddr) lines.push(`.data ${p.dataAddr}`);
  if (p.sig) lines.push(`.sig ${JSON.stringify(p.sig)}`);
  for (let i = 0; i < p.code.length; i += 4) {
    const info = OPS[p.code[i]];
    const parts: string[] = [];
    for (let k = 0; k < 3; k++) {
      const v = p.code[i + 1 + k];
      if (info.kinds[k] === "r") parts.push(`r${v}`);
      else if (info.kinds[k] === "i") parts.push(String(v));
      else if (info.kinds[k] === "t") parts.push(`@${v}`);
    }
    lines.push(`  ${info.name}${parts.length ? " " + parts.join(", ") : ""}${i === 0 || (i / 4) % 10 === 0 ? `  ; ${i / 4}` : ""}`);
  }
  return lines.join("\n") + "\n";
}

/** Parses the text form; errors name the 1-based line. Header checks are left to `decode(encode(..))`. */
export function assemble(text: string): Program | ZkvmError {
  const code: number[] = [];
  let entry = 0;
  let memSize = 0;
  let regs = 0;
  let dataAddr = 0;
  let data = new Uint8Array(0);
  let sig: Signature | undefined;
  const lines = text.split("\n");
  const intOf = (s: string): number | undefined => (/^-?\d+$/.test(s) && Number(s) >= -(2 ** 31) && Number(s) <= 2 ** 32 - 1 ? Number(s) | 0 : undefined);
  for (let ln = 0; ln < lines.length; ln++) {
    const e = (m: string) => zerr("asm", `line ${ln + 1}: ${m}`, ln + 1);
    let line = lines[ln];
    if (line.trimStart().startsWith(".sig ")) {
      try {
        sig = JSON.parse(line.trimStart().slice(5)) as Signature;
      } catch {
        return e(".sig needs a JSON signature");
      }
      continue;
    }
    const semi = line.indexOf(";");
    if (semi >= 0) line = line.slice(0, semi);
    line = line.trim();
    if (!line) continue;
    if (line.startsWith(".")) {
      const [dir, ...args] = line.split(/\s+/);
      const n = intOf((args[0] ?? "").replace(/^@/, ""));
      if (n === undefined || n < 0) return e(`${dir} needs a non-negative number`);
      if (dir === ".entry") entry = n;
      else if (dir === ".memory") memSize = n;
      else if (dir === ".regs") regs = n;
      else if (dir === ".data") {
        dataAddr = n;
        const h = args[1] ?? "";
        if (!/^([0-9a-fA-F]{2})*$/.test(h)) return e(".data bytes must be pairs of hex digits");
        data = new Uint8Array(h.length / 2);
        for (let i = 0; i < data.length; i++) data[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
      } else return e(`unknown directive ${dir} (known: .entry .memory .regs .data .sig)`);
      continue;
    }
    const m = /^([a-z0-9]+)\s*(.*)$/.exec(line);
    const info = m ? OP_BY_NAME.get(m[1]) : undefined;
    if (!m || !info) return e(`unknown instruction \`${line.split(/\s+/)[0]}\``);
    const ops = m[2].trim() ? m[2].split(",").map((s) => s.trim()) : [];
    const want = info.kinds.filter((k) => k !== "-");
    if (ops.length !== want.length) return e(`${info.name} takes ${want.length} operand(s) (${want.join(", ") || "none"}), found ${ops.length}`);
    const words = [info.code, 0, 0, 0];
    let j = 0;
    for (let k = 0; k < 3; k++) {
      const kind = info.kinds[k];
      if (kind === "-") continue;
      const s = ops[j++];
      const prefix = kind === "r" ? "r" : kind === "t" ? "@" : "";
      if (prefix && !s.startsWith(prefix)) return e(`operand ${j} of ${info.name} must be ${kind === "r" ? "a register like r3" : "a target like @12"}, found \`${s}\``);
      const v = intOf(s.slice(prefix.length));
      if (v === undefined) return e(`operand ${j} of ${info.name}: \`${s}\` is not a 32-bit number`);
      words[k + 1] = v;
    }
    code.push(...words);
  }
  if (!code.length) return zerr("asm", "no instructions", lines.length);
  return { entry, memSize, regs, code: Int32Array.from(code), dataAddr, data, sig };
}
