// The zkVM executor: one tight loop over the decoded program (an Int32Array of opcode, a, b, c), the
// register file an Int32Array addressed at fp + offset, memory a byte array read through a DataView.
// No allocation per step; 64-bit multiply/divide/shift go through BigInt (rare in 32-bit guests).
// The decoder has already checked opcodes, branch targets and register offsets, so the loop checks
// only what depends on values: memory bounds, division by zero, call depth, indirect targets.
import { type ZkvmError, zerr } from "./bytecode.ts";
import { FAMILIES, type Family, OPS, OP_COUNT, PRECOMPILE_BASE, type Program, SYS } from "./isa.ts";
import { runPrecompile } from "./precompiles/index.ts";

export interface ExecOptions {
  /** input bytes read by ecall READ */
  input?: Uint8Array;
  /** stop with a "limit" error after this many instructions (default 2^32) */
  maxInstructions?: number;
  /** count executed instructions per opcode (and so per table family) */
  counts?: boolean;
  /** record the (pc, fp) of every executed instruction, for the prover's trace generator */
  record?: boolean;
}

export interface ExecResult {
  ok: true;
  exitCode: number;
  output: Uint8Array;
  instructions: number;
  /** executed instructions per table family (with `counts`) */
  families?: Record<Family, number>;
  /** executed instructions per opcode name, only those executed (with `counts`) */
  opcodes?: Record<string, number>;
  /** bytes of linear memory and cells of register file the program had */
  memoryBytes: number;
  registerCells: number;
  /** peak use: one past the highest byte written (stores, reads of input, the data segment), and
   * one past the highest register the deepest frame can name */
  peakMemoryBytes: number;
  peakRegisterCells: number;
  /** with `record`: pc and fp of each executed instruction, in order (2 entries per instruction) */
  steps?: Int32Array;
}

// The loop below switches on literal opcodes for speed; this guards their numbering against isa.ts.
const ORDER =
  "add sub and or xor shl shru shrs rotl rotr addi andi ori xori shli shrui shrsi const mov sext cmovnz mul mulhu divu remu divs rems eq ne ltu leu lts les add64 sub64 and64 or64 xor64 shl64 shru64 shrs64 mul64 divu64 remu64 eq64 ltu64 lts64 const64 lb lbu lh lhu lw ld sb sh sw sd jmp bnz bez chkltu call calli ret trap ecall clz ctz popcnt jmpr divs64 rems64";
if (ORDER !== OPS.map((o) => o.name).join(" ")) throw new Error("runtime/zkvm/exec.ts: opcode numbering differs from isa.ts");

const u64 = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

export function execute(p: Program, opts: ExecOptions = {}): ExecResult | ZkvmError {
  const code = p.code;
  const R = new Int32Array(p.regs);
  const mem = new Uint8Array(p.memSize);
  mem.set(p.data, p.dataAddr);
  const dv = new DataView(mem.buffer);
  // the accessible size: ecall MEM_BOUND moves it (WebAssembly memory.grow), up to the header's size
  let memSize = p.memSize;
  const input = opts.input ?? new Uint8Array(0);
  let inPos = 0;
  const outChunks: Uint8Array[] = [];
  let outLen = 0;
  const limit = opts.maxInstructions ?? 2 ** 32;
  const counting = opts.counts === true;
  const recording = opts.record === true;
  // one flag for both, so the loop tests a single boolean when neither is asked for
  const slow = counting || recording;
  let rec = new Int32Array(recording ? 1 << 12 : 0);
  const per = new Float64Array(OP_COUNT);
  const nCode = code.length >> 2;
  // The highest register offset any instruction names: a call must leave that much room above the new fp.
  let reach = 1;
  for (let i = 0; i < code.length; i += 4) {
    const k = OPS[code[i]].kinds;
    for (let j = 0; j < 3; j++) if (k[j] === "r" && code[i + 1 + j] + 2 > reach) reach = code[i + 1 + j] + 2;
  }
  const regLimit = p.regs - reach;
  let pc = p.entry;
  let fp = 0;
  R[0] = -1; // return pc of the entry frame: returning from it halts with exit code 0
  R[1] = 0;
  let steps = 0;
  let exitCode = 0;
  let memHigh = p.data.length ? p.dataAddr + p.data.length : 0;
  let fpHigh = 0;
  const stopped = (e: ZkvmError): ZkvmError => ((e.output = joined()), e);
  const trap = (m: string) => stopped(zerr("trap", `instruction ${pc - 1} (${OPS[code[(pc - 1) << 2]].name}): ${m}`, pc - 1));
  for (;;) {
    if (steps >= limit) return stopped(zerr("limit", `instruction limit of ${limit} reached`, pc));
    steps++;
    const i = pc << 2;
    const op = code[i];
    const a = fp + code[i + 1];
    const b = code[i + 2];
    const c = code[i + 3];
    if (slow) {
      if (counting) per[op]++;
      if (recording) {
        if (2 * steps > rec.length) {
          const g = new Int32Array(rec.length * 2);
          g.set(rec);
          rec = g;
        }
        rec[2 * steps - 2] = pc;
        rec[2 * steps - 1] = fp;
      }
    }
    pc++;
    switch (op) {
      case 0: R[a] = (R[fp + b] + R[fp + c]) | 0; break;
      case 1: R[a] = (R[fp + b] - R[fp + c]) | 0; break;
      case 2: R[a] = R[fp + b] & R[fp + c]; break;
      case 3: R[a] = R[fp + b] | R[fp + c]; break;
      case 4: R[a] = R[fp + b] ^ R[fp + c]; break;
      case 5: R[a] = R[fp + b] << R[fp + c]; break;
      case 6: R[a] = R[fp + b] >>> R[fp + c]; break;
      case 7: R[a] = R[fp + b] >> R[fp + c]; break;
      case 8: { const x = R[fp + b], s = R[fp + c] & 31; R[a] = (x << s) | (x >>> ((32 - s) & 31)); break; }
      case 9: { const x = R[fp + b], s = R[fp + c] & 31; R[a] = (x >>> s) | (x << ((32 - s) & 31)); break; }
      case 10: R[a] = (R[fp + b] + c) | 0; break;
      case 11: R[a] = R[fp + b] & c; break;
      case 12: R[a] = R[fp + b] | c; break;
      case 13: R[a] = R[fp + b] ^ c; break;
      case 14: R[a] = R[fp + b] << c; break;
      case 15: R[a] = R[fp + b] >>> c; break;
      case 16: R[a] = R[fp + b] >> c; break;
      case 17: R[a] = b; break;
      case 18: R[a] = R[fp + b]; break;
      case 19: { const s = 32 - c; R[a] = (R[fp + b] << s) >> s; break; }
      case 20: if (R[fp + b] !== 0) R[a] = R[fp + c]; break;
      case 21: R[a] = Math.imul(R[fp + b], R[fp + c]); break;
      case 22: R[a] = Number((BigInt(R[fp + b] >>> 0) * BigInt(R[fp + c] >>> 0)) >> 32n) | 0; break;
      case 23: { const y = R[fp + c] >>> 0; if (y === 0) return trap("division by zero"); R[a] = ((R[fp + b] >>> 0) / y) | 0; break; }
      case 24: { const y = R[fp + c] >>> 0; if (y === 0) return trap("division by zero"); R[a] = ((R[fp + b] >>> 0) % y) | 0; break; }
      case 25: { const y = R[fp + c]; if (y === 0) return trap("division by zero"); R[a] = (R[fp + b] / y) | 0; break; }
      case 26: { const y = R[fp + c]; if (y === 0) return trap("division by zero"); R[a] = R[fp + b] % y | 0; break; }
      case 27: R[a] = R[fp + b] === R[fp + c] ? 1 : 0; break;
      case 28: R[a] = R[fp + b] !== R[fp + c] ? 1 : 0; break;
      case 29: R[a] = R[fp + b] >>> 0 < R[fp + c] >>> 0 ? 1 : 0; break;
      case 30: R[a] = R[fp + b] >>> 0 <= R[fp + c] >>> 0 ? 1 : 0; break;
      case 31: R[a] = R[fp + b] < R[fp + c] ? 1 : 0; break;
      case 32: R[a] = R[fp + b] <= R[fp + c] ? 1 : 0; break;
      case 33: case 34: {
        const bl = R[fp + b] >>> 0, bh = R[fp + b + 1] >>> 0, cl = R[fp + c] >>> 0, ch = R[fp + c + 1] >>> 0;
        if (op === 33) { const lo = bl + cl; R[a] = lo | 0; R[a + 1] = (bh + ch + (lo > 0xffffffff ? 1 : 0)) | 0; }
        else { const lo = bl - cl; R[a] = lo | 0; R[a + 1] = (bh - ch - (lo < 0 ? 1 : 0)) | 0; }
        break;
      }
      case 35: R[a] = R[fp + b] & R[fp + c]; R[a + 1] = R[fp + b + 1] & R[fp + c + 1]; break;
      case 36: R[a] = R[fp + b] | R[fp + c]; R[a + 1] = R[fp + b + 1] | R[fp + c + 1]; break;
      case 37: R[a] = R[fp + b] ^ R[fp + c]; R[a + 1] = R[fp + b + 1] ^ R[fp + c + 1]; break;
      case 38: case 39: case 40: case 41: case 42: case 43: {
        const x = u64(R[fp + b], R[fp + b + 1]);
        const y = u64(R[fp + c], R[fp + c + 1]);
        let r: bigint;
        if (op === 38) r = x << (y & 63n);
        else if (op === 39) r = x >> (y & 63n);
        else if (op === 40) r = BigInt.asIntN(64, x) >> (y & 63n);
        else if (op === 41) r = x * y;
        else {
          if (y === 0n) return trap("division by zero");
          r = op === 42 ? x / y : x % y;
        }
        r = BigInt.asUintN(64, r);
        R[a] = Number(r & 0xffffffffn) | 0;
        R[a + 1] = Number(r >> 32n) | 0;
        break;
      }
      case 44: R[a] = R[fp + b] === R[fp + c] && R[fp + b + 1] === R[fp + c + 1] ? 1 : 0; break;
      case 45: { const bh = R[fp + b + 1] >>> 0, ch = R[fp + c + 1] >>> 0; R[a] = bh < ch || (bh === ch && R[fp + b] >>> 0 < R[fp + c] >>> 0) ? 1 : 0; break; }
      case 46: { const bh = R[fp + b + 1], ch = R[fp + c + 1]; R[a] = bh < ch || (bh === ch && R[fp + b] >>> 0 < R[fp + c] >>> 0) ? 1 : 0; break; }
      case 47: R[a] = b; R[a + 1] = c; break;
      case 48: case 49: case 50: case 51: case 52: case 53: {
        // the address does not wrap: a base near 2^32 plus an offset is outside memory, as in WebAssembly
        const addr = (R[fp + b] >>> 0) + c;
        const size = op <= 49 ? 1 : op <= 51 ? 2 : op === 52 ? 4 : 8;
        if (addr < 0 || addr + size > memSize) return trap(`load of ${size} bytes at address ${addr} outside memory (${memSize} bytes)`);
        if (op === 48) R[a] = dv.getInt8(addr);
        else if (op === 49) R[a] = mem[addr];
        else if (op === 50) R[a] = dv.getInt16(addr, true);
        else if (op === 51) R[a] = dv.getUint16(addr, true);
        else if (op === 52) R[a] = dv.getInt32(addr, true);
        else { R[a] = dv.getInt32(addr, true); R[a + 1] = dv.getInt32(addr + 4, true); }
        break;
      }
      case 54: case 55: case 56: case 57: {
        const addr = (R[fp + b] >>> 0) + c;
        const size = op === 54 ? 1 : op === 55 ? 2 : op === 56 ? 4 : 8;
        if (addr < 0 || addr + size > memSize) return trap(`store of ${size} bytes at address ${addr} outside memory (${memSize} bytes)`);
        if (addr + size > memHigh) memHigh = addr + size;
        if (op === 54) mem[addr] = R[a];
        else if (op === 55) dv.setInt16(addr, R[a], true);
        else if (op === 56) dv.setInt32(addr, R[a], true);
        else { dv.setInt32(addr, R[a], true); dv.setInt32(addr + 4, R[a + 1], true); }
        break;
      }
      case 58: pc = code[i + 1]; break;
      case 59: if (R[a] !== 0) pc = b; break;
      case 60: if (R[a] === 0) pc = b; break;
      case 61: if (!(R[fp + b] >>> 0 < R[fp + c] >>> 0)) return trap(`check ${code[i + 1]} failed: index ${R[fp + b] >>> 0} is not below ${R[fp + c] >>> 0}`); break;
      case 62: case 63: {
        const target = op === 62 ? code[i + 1] : R[a];
        if (target < 0 || target >= nCode) return trap(`indirect call to ${target}, outside the code`);
        const nfp = fp + b;
        if (nfp > regLimit) return trap(`stack overflow: a frame at ${nfp} does not fit the register file (${p.regs} cells)`);
        R[nfp] = pc;
        R[nfp + 1] = fp;
        fp = nfp;
        if (fp > fpHigh) fpHigh = fp;
        pc = target;
        break;
      }
      case 64: {
        const rpc = R[fp];
        if (rpc === -1 && fp === 0) return done(0);
        if (rpc < 0 || rpc >= nCode) return trap(`return to ${rpc}, outside the code`);
        const ofp = R[fp + 1];
        if (ofp < 0 || ofp >= fp) return trap(`return to frame ${ofp}, not below the current frame`);
        pc = rpc;
        fp = ofp;
        break;
      }
      case 65: return trap(`trap ${code[i + 1]}`);
      case 66: {
        const call = code[i + 1];
        const x = R[fp + b];
        const y = R[fp + c];
        if (call === SYS.HALT) return done(x);
        if (call === SYS.INPUT_LEN) { R[fp + b] = input.length - inPos; break; }
        if (call === SYS.MEM_BOUND) {
          if (x >>> 0 > p.memSize) return trap(`memory bound ${x >>> 0} past the memory size (${p.memSize} bytes)`);
          memSize = x >>> 0;
          break;
        }
        if (call === SYS.READ || call === SYS.WRITE) {
          const addr = x >>> 0, len = y >>> 0;
          if (addr + len > memSize) return trap(`${call === SYS.READ ? "read" : "write"} of ${len} bytes at address ${addr} outside memory (${memSize} bytes)`);
          if (call === SYS.READ) {
            if (inPos + len > input.length) return trap(`read of ${len} input bytes with ${input.length - inPos} left`);
            mem.set(input.subarray(inPos, inPos + len), addr);
            if (addr + len > memHigh) memHigh = addr + len;
            inPos += len;
          } else {
            outChunks.push(mem.slice(addr, addr + len));
            outLen += len;
          }
          break;
        }
        if (call >= PRECOMPILE_BASE) {
          const end = runPrecompile(call, dv, memSize, x >>> 0, y >>> 0);
          if (typeof end === "string") return trap(end);
          if (end > memHigh) memHigh = end;
          break;
        }
        return trap(`unknown system call ${call}`);
      }
      case 67: R[a] = Math.clz32(R[fp + b]); break;
      case 68: { const x = R[fp + b]; R[a] = x === 0 ? 32 : 31 - Math.clz32(x & -x); break; }
      case 69: { let x = R[fp + b]; x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); R[a] = (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24); break; }
      case 70: { const t = R[a]; if (t < 0 || t >= nCode) return trap(`jump to ${t}, outside the code`); pc = t; break; }
      case 71: case 72: {
        const x = BigInt.asIntN(64, u64(R[fp + b], R[fp + b + 1]));
        const y = BigInt.asIntN(64, u64(R[fp + c], R[fp + c + 1]));
        if (y === 0n) return trap("division by zero");
        const r = BigInt.asUintN(64, op === 71 ? x / y : x % y);
        R[a] = Number(r & 0xffffffffn) | 0;
        R[a + 1] = Number(r >> 32n) | 0;
        break;
      }
      // only past the last instruction: the decoder has checked every opcode
      default: return stopped(zerr("trap", `execution ran past the end of the code (${nCode} instructions)`, pc - 1));
    }
  }
  function joined(): Uint8Array {
    const output = new Uint8Array(outLen);
    let o = 0;
    for (const ch of outChunks) {
      output.set(ch, o);
      o += ch.length;
    }
    return output;
  }
  function done(exit: number): ExecResult {
    exitCode = exit;
    const output = joined();
    const r: ExecResult = {
      ok: true,
      exitCode,
      output,
      instructions: steps,
      memoryBytes: memSize,
      registerCells: p.regs,
      peakMemoryBytes: memHigh,
      peakRegisterCells: Math.min(p.regs, fpHigh + reach),
    };
    if (recording) r.steps = rec.slice(0, 2 * steps);
    if (counting) {
      const fam = Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>;
      const ops: Record<string, number> = {};
      per.forEach((n, k) => {
        if (!n) return;
        fam[OPS[k].family] += n;
        ops[OPS[k].name] = n;
      });
      r.families = fam;
      r.opcodes = ops;
    }
    return r;
  }
}
