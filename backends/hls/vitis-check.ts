// A static check that generated HLS C++ stays inside the subset Vitis HLS synthesizes, for a machine
// without Vitis. It reads the source structurally (comments and string contents blanked, blocks and
// statements by brace and parenthesis depth — enough for what cwl emits, not a C++ parser) and reports
// rule violations; spec/kernels.md lists what is checked and what only a Vitis run can tell.
//   no-recursion         the call graph of functions defined in the file has no cycle
//   no-dynamic-memory    no new/delete/malloc/free, STL containers or strings, exceptions, goto, I/O
//   loop-bounds          every loop has literal bounds or a LOOP_TRIPCOUNT pragma in its body
//   pragma-position      PIPELINE/UNROLL/LOOP_TRIPCOUNT first in a loop body; INLINE/DATAFLOW/
//                        ARRAY_PARTITION/INTERFACE in a function body; ARRAY_PARTITION names an
//                        array declared before it; INTERFACE only on extern "C" tops, naming a port;
//                        ALLOCATION in a function body, `operation|function instances=<name>
//                        limit=<n ≥ 1>` (operation: one of mul, add, sub)
//   dataflow             a DATAFLOW body holds only stream declarations and calls of functions
//                        defined here; each stream has exactly one producer and one consumer call;
//                        each pointer port reaches at most one process
//   top-interface        every top pointer has m_axi on a bundle of its own, every scalar and
//                        `return` s_axilite
//   unknown-pragma       an `#pragma HLS` directive outside the set cwl emits and checks

export interface VitisFinding {
  rule: string;
  line: number;
  message: string;
}

type BlockKind = "function" | "loop" | "if" | "struct" | "namespace" | "block";

interface Param {
  name: string;
  type: string;
  pointer: boolean;
  stream: boolean;
}

interface Blk {
  kind: BlockKind;
  line: number;
  header: string;
  parent?: Blk;
  children: Blk[];
  /** Statements directly in this block (text, line), in order; pragmas appear as `#pragma ...`. */
  stmts: { text: string; line: number }[];
  /** Function blocks: name, params, extern "C"; loop blocks: the parenthesised header. */
  name?: string;
  params?: Param[];
  top?: boolean;
  /** Source offsets of the body (between the braces). */
  from: number;
  to: number;
}

const PRAGMAS = new Set(["PIPELINE", "UNROLL", "LOOP_TRIPCOUNT", "INLINE", "DATAFLOW", "ARRAY_PARTITION", "INTERFACE", "DEPENDENCE", "STREAM", "ALLOCATION"]);
const IN_LOOP = new Set(["PIPELINE", "UNROLL", "LOOP_TRIPCOUNT"]);
const IN_FUNCTION = new Set(["INLINE", "DATAFLOW", "ARRAY_PARTITION", "INTERFACE", "ALLOCATION"]);
const KEYWORDS = new Set(["if", "for", "while", "switch", "return", "sizeof", "static_cast", "defined"]);

/** Comments removed and string/char contents blanked, line structure kept. */
function clean(src: string): string {
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && src[i + 1] === "*") {
      i += 2;
      while (i < src.length && !(src[i] === "*" && src[i + 1] === "/")) out += src[i++] === "\n" ? "\n" : " ";
      i++;
    } else if (c === '"' || c === "'") {
      out += c;
      for (i++; i < src.length && src[i] !== c; i++) {
        if (src[i] === "\\") i++;
        out += " ";
      }
      out += c;
    } else out += c;
  }
  return out;
}

function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if (c === "(" || c === "<" || c === "[") depth++;
    else if (c === ")" || c === ">" || c === "]") depth--;
    if (c === sep && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur);
  return parts;
}

function parseParams(s: string): Param[] {
  if (!s.trim() || s.trim() === "void") return [];
  return splitTop(s, ",").map((p) => {
    const t = p.trim().replace(/\s*=.*$/, "");
    const m = /([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/.exec(t);
    const name = m ? m[1] : t;
    return { name, type: t.slice(0, m ? m.index : t.length).trim(), pointer: /\*/.test(t) || !!m?.[2], stream: /hls::stream\s*</.test(t) };
  });
}

function parse(src: string): { root: Blk; text: string; lineAt: (off: number) => number } {
  const text = clean(src);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const lineAt = (off: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const root: Blk = { kind: "namespace", line: 1, header: "", children: [], stmts: [], from: 0, to: text.length };
  let cur = root;
  let stmt = "";
  let stmtAt = 0;
  let paren = 0;
  const flush = () => {
    const t = stmt.trim();
    if (t) cur.stmts.push({ text: t, line: lineAt(stmtAt) });
    stmt = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!stmt.trim()) stmtAt = i;
    if (c === "#" && !stmt.trim()) {
      // A preprocessor line is a statement of its own.
      flush();
      let j = i;
      while (j < text.length && text[j] !== "\n") j++;
      cur.stmts.push({ text: text.slice(i, j).trim(), line: lineAt(i) });
      i = j;
      continue;
    }
    if (c === "(") paren++;
    if (c === ")") paren--;
    if (paren > 0 || (c !== "{" && c !== "}" && c !== ";")) {
      stmt += c;
      continue;
    }
    if (c === ";") {
      stmt += ";";
      flush();
    } else if (c === "{") {
      const header = stmt.trim().replace(/^[A-Za-z_]\w*\s*:(?!:)\s*/, "");
      const line = lineAt(stmtAt);
      stmt = "";
      // A brace-initializer (`= {...}`) stays part of its statement.
      if (/=\s*$/.test(header)) {
        let d = 1;
        let j = i + 1;
        for (; j < text.length && d; j++) d += text[j] === "{" ? 1 : text[j] === "}" ? -1 : 0;
        stmt = header + text.slice(i, j);
        i = j - 1;
        continue;
      }
      let kind: BlockKind = "block";
      const b: Blk = { kind, line, header, parent: cur, children: [], stmts: [], from: i + 1, to: i + 1 };
      const fn = /([A-Za-z_]\w*)\s*\(([^]*)\)\s*(const)?\s*(:[^]*)?$/.exec(header);
      if (/^(for|while)\s*\(/.test(header) || /^do$/.test(header)) kind = "loop";
      else if (/^(if\s*\(|else\b)|\}?\s*else\b/.test(header)) kind = "if";
      else if (/\b(struct|class|union)\b/.test(header) && !fn) kind = "struct";
      else if (/^namespace\b|^extern\s+"\s*"\s*$/.test(header)) kind = "namespace";
      else if (fn && !KEYWORDS.has(fn[1]) && (cur.kind === "namespace" || cur.kind === "struct")) {
        kind = "function";
        b.name = fn[1];
        b.params = parseParams(fn[2]);
        b.top = /extern\s+"\s*"/.test(header);
      }
      b.kind = kind;
      cur.stmts.push({ text: `{${kind}}`, line });
      cur.children.push(b);
      cur = b;
    } else {
      flush();
      cur.to = i;
      if (!cur.parent) throw new Error("unbalanced braces");
      cur = cur.parent;
    }
  }
  return { root, text, lineAt };
}

function walk(b: Blk, fn: (b: Blk) => void): void {
  fn(b);
  for (const c of b.children) walk(c, fn);
}

const pragmaOf = (s: string) => /^#\s*pragma\s+HLS\s+(\w+)(.*)$/i.exec(s);
const optOf = (rest: string, key: string) => new RegExp(`\\b${key}\\s*=\\s*([\\w.]+)`, "i").exec(rest)?.[1];

/** What the check looked at, so a test can tell "passed" from "found nothing to check". */
export interface VitisReport {
  findings: VitisFinding[];
  functions: number;
  tops: string[];
  loops: number;
  pragmas: number;
  dataflowRegions: number;
  streams: number;
}

/** Checks one translation unit of generated HLS C++ (kernels.cpp); `findings` is empty when it passes. */
export function checkVitisSubset(source: string): VitisReport {
  const findings: VitisFinding[] = [];
  let loops = 0;
  let pragmas = 0;
  let dataflowRegions = 0;
  let streamCount = 0;
  const add = (rule: string, line: number, message: string) => findings.push({ rule, line, message });
  const { root, text } = parse(source);
  const funcs = new Map<string, Blk>();
  walk(root, (b) => {
    if (b.kind === "function" && b.name) funcs.set(b.name, b);
  });
  const body = (b: Blk) => text.slice(b.from, b.to);

  // no-dynamic-memory (anywhere in the unit: all of kernels.cpp is synthesizable).
  const banned: [RegExp, string][] = [
    [/\bnew\b/, "`new`"],
    [/\bdelete\b/, "`delete`"],
    [/\b(malloc|calloc|realloc|free)\s*\(/, "heap allocation"],
    [/\bstd::(vector|deque|list|map|set|unordered_\w+|string|unique_ptr|shared_ptr|function)\b/, "STL container/string"],
    [/#\s*include\s*<(vector|deque|list|map|set|string|memory|iostream|functional)>/, "STL header"],
    [/\b(throw|try|catch|goto|virtual)\b/, "exceptions/goto/virtual"],
    [/\b(printf|fprintf|std::cout|std::cerr)\b/, "I/O"],
  ];
  text.split("\n").forEach((l, i) => {
    for (const [re, what] of banned) if (re.test(l)) add("no-dynamic-memory", i + 1, `${what} is not synthesizable: ${l.trim()}`);
  });

  // no-recursion: call graph over functions defined here.
  const calls = new Map<string, Set<string>>();
  for (const [name, f] of funcs) {
    const s = new Set<string>();
    for (const m of body(f).matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) if (funcs.has(m[1])) s.add(m[1]);
    calls.set(name, s);
  }
  const state = new Map<string, 1 | 2>();
  const visit = (n: string, path: string[]): void => {
    if (state.get(n) === 2) return;
    if (state.get(n) === 1) {
      add("no-recursion", funcs.get(n)!.line, `recursion: ${[...path.slice(path.indexOf(n)), n].join(" → ")}`);
      return;
    }
    state.set(n, 1);
    for (const m of calls.get(n) ?? []) visit(m, [...path, n]);
    state.set(n, 2);
  };
  for (const n of funcs.keys()) visit(n, []);

  walk(root, (b) => {
    // loop-bounds
    if (b.kind === "loop") {
      loops++;
      const literal = /^for\s*\(\s*(?:\w+\s+)?(\w+)\s*=\s*-?\d+u?\s*;\s*\1\s*(<|<=|>|>=)\s*-?\d+u?\s*;\s*(\1\s*(\+\+|--)|(\+\+|--)\s*\1|\1\s*[+-]=\s*\d+u?)\s*\)$/.test(b.header);
      const tripcount = b.stmts.some((s) => pragmaOf(s.text)?.[1].toUpperCase() === "LOOP_TRIPCOUNT");
      if (!literal && !tripcount) add("loop-bounds", b.line, `loop without literal bounds or LOOP_TRIPCOUNT: ${b.header}`);
    }
    const fnOf = (x: Blk): Blk | undefined => (x.kind === "function" ? x : x.parent ? fnOf(x.parent) : undefined);
    const declared = new Set<string>();
    let leading = true;
    for (const s of b.stmts) {
      const p = pragmaOf(s.text);
      if (!p) {
        if (!s.text.startsWith("#")) leading = false;
        const arr = /^(?:static\s+)?(?:const\s+)?[\w:<>, ]+?\s+(\w+)\s*\[[^\]]+\]/.exec(s.text);
        if (arr) declared.add(arr[1]);
        continue;
      }
      const [, nameRaw, rest] = p;
      pragmas++;
      const name = nameRaw.toUpperCase();
      if (!PRAGMAS.has(name)) {
        add("unknown-pragma", s.line, `#pragma HLS ${nameRaw} is not among the checked directives`);
        continue;
      }
      if (IN_LOOP.has(name) && (b.kind !== "loop" || !leading)) add("pragma-position", s.line, `${name} must come first in a loop body`);
      if (IN_FUNCTION.has(name) && b.kind !== "function") add("pragma-position", s.line, `${name} must be in a function body`);
      if (name === "INTERFACE") {
        const port = optOf(rest, "port");
        if (!b.top) add("pragma-position", s.line, `INTERFACE on \`${b.name ?? "?"}\`, which is not an extern "C" top`);
        else if (port !== "return" && !b.params!.some((q) => q.name === port)) add("pragma-position", s.line, `INTERFACE names \`${port}\`, not a port of \`${b.name}\``);
      }
      if (name === "ARRAY_PARTITION") {
        const v = optOf(rest, "variable");
        if (!v || !declared.has(v)) add("pragma-position", s.line, `ARRAY_PARTITION variable=${v} is not an array declared before it in this function`);
        if (!/\b(complete|cyclic|block)\b/i.test(rest)) add("pragma-position", s.line, "ARRAY_PARTITION needs a type (complete, cyclic or block)");
        if (/\b(cyclic|block)\b/i.test(rest) && !optOf(rest, "factor")) add("pragma-position", s.line, "cyclic/block ARRAY_PARTITION needs factor=");
      }
      if (name === "ALLOCATION") {
        const m = /^\s*(operation|function)\s+instances=(\w+)\s+limit=(\d+)\s*$/i.exec(rest);
        if (!m) add("pragma-position", s.line, "ALLOCATION needs `operation|function instances=<name> limit=<n>`");
        else if (Number(m[3]) < 1) add("pragma-position", s.line, "ALLOCATION limit must be at least 1");
        else if (m[1].toLowerCase() === "operation" && !["mul", "add", "sub"].includes(m[2].toLowerCase())) add("pragma-position", s.line, `ALLOCATION operation \`${m[2]}\` is not one cwl emits (mul, add, sub)`);
        else if (m[1].toLowerCase() === "function" && !funcs.has(m[2])) add("pragma-position", s.line, `ALLOCATION function \`${m[2]}\` is not defined here`);
      }
      if (name === "DEPENDENCE" || name === "STREAM") {
        const v = optOf(rest, "variable");
        const f = fnOf(b);
        if (!v || !f || !(f.params!.some((q) => q.name === v) || new RegExp(`\\b${v}\\b`).test(body(f)))) add("pragma-position", s.line, `${name} variable=${v} is not in scope`);
      }
    }
    if (b.kind !== "function") return;

    // top-interface
    if (b.top) {
      const ifs = b.stmts.map((s) => pragmaOf(s.text)).filter((p) => p && p[1].toUpperCase() === "INTERFACE") as RegExpExecArray[];
      const modeOf = (port: string) => ifs.filter((p) => optOf(p[2], "port") === port).map((p) => (/^\s*(\w+)/.exec(p[2])?.[1] ?? "").toLowerCase());
      const bundles = new Map<string, string>();
      for (const q of b.params!) {
        const modes = modeOf(q.name);
        if (q.pointer && !modes.includes("m_axi")) add("top-interface", b.line, `pointer port \`${q.name}\` of ${b.name} has no m_axi INTERFACE`);
        if (!q.pointer && !modes.includes("s_axilite")) add("top-interface", b.line, `scalar port \`${q.name}\` of ${b.name} has no s_axilite INTERFACE`);
      }
      for (const p of ifs) {
        if (!/^\s*m_axi\b/i.test(p[2])) continue;
        const bundle = optOf(p[2], "bundle") ?? "gmem";
        const port = optOf(p[2], "port")!;
        const other = bundles.get(bundle);
        if (other && other !== port) add("top-interface", b.line, `ports \`${other}\` and \`${port}\` share bundle ${bundle} (one HBM pseudo-channel per port)`);
        bundles.set(bundle, port);
      }
      if (!modeOf("return").includes("s_axilite")) add("top-interface", b.line, `${b.name} has no s_axilite INTERFACE for return`);
    }

    // dataflow
    if (!b.stmts.some((s) => pragmaOf(s.text)?.[1].toUpperCase() === "DATAFLOW")) return;
    dataflowRegions++;
    const streams = new Map<string, { producers: string[]; consumers: string[]; line: number }>();
    const portUse = new Map<string, string[]>();
    for (const s of b.stmts) {
      if (s.text.startsWith("#")) continue;
      const decl = /^hls::stream\s*<.*>\s+(\w+)\s*(\(.*\))?\s*;$/.exec(s.text);
      if (decl) {
        streams.set(decl[1], { producers: [], consumers: [], line: s.line });
        continue;
      }
      const call = /^(\w+)\s*\(([^]*)\)\s*;$/.exec(s.text);
      const callee = call && funcs.get(call[1]);
      if (!call || !callee) {
        add("dataflow", s.line, `a DATAFLOW body may hold only stream declarations and process calls: ${s.text}`);
        continue;
      }
      const args = splitTop(call[2], ",").map((a) => a.trim());
      args.forEach((a, i) => {
        const formal = callee.params![i];
        if (!formal) return;
        const st = streams.get(a);
        if (st) {
          const cb = body(callee);
          const writes = new RegExp(`\\b${formal.name}\\s*(\\.\\s*write(_nb)?\\s*\\(|<<)`).test(cb);
          const reads = new RegExp(`\\b${formal.name}\\s*(\\.\\s*read(_nb)?\\s*\\(|>>)`).test(cb);
          if (writes && reads) add("dataflow", s.line, `process ${callee.name} both reads and writes stream ${a}`);
          if (writes) st.producers.push(callee.name!);
          if (reads) st.consumers.push(callee.name!);
          if (!writes && !reads) add("dataflow", s.line, `process ${callee.name} neither reads nor writes stream ${a}`);
        } else if (b.params!.some((q) => q.name === a && q.pointer)) {
          portUse.set(a, [...(portUse.get(a) ?? []), callee.name!]);
        }
      });
    }
    streamCount += streams.size;
    for (const [n, st] of streams) {
      if (st.producers.length !== 1 || st.consumers.length !== 1)
        add("dataflow", st.line, `stream ${n} has ${st.producers.length} producer(s) and ${st.consumers.length} consumer(s); DATAFLOW needs exactly one of each`);
    }
    for (const [port, users] of portUse) if (users.length > 1) add("dataflow", b.line, `port ${port} reaches ${users.length} processes (${users.join(", ")}); give each its own port`);
  });
  findings.sort((a, b) => a.line - b.line);
  const tops = [...funcs.values()].filter((f) => f.top).map((f) => f.name!);
  return { findings, functions: funcs.size, tops, loops, pragmas, dataflowRegions, streams: streamCount };
}
