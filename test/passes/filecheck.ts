// A small FileCheck: CHECK / CHECK-NEXT / CHECK-NOT / CHECK-COUNT-n directives over printed IR.
// Patterns are literal text with {{regex}} pieces, [[NAME:regex]] captures and [[NAME]] uses.

export interface Directive {
  kind: "CHECK" | "CHECK-NEXT" | "CHECK-NOT" | "CHECK-COUNT";
  pattern: string;
  count?: number;
  line: number;
}

export function parseDirectives(text: string): Directive[] {
  const out: Directive[] = [];
  text.split("\n").forEach((l, i) => {
    const m = /\/\/\s*(CHECK(?:-NEXT|-NOT|-COUNT-(\d+))?):\s?(.*)$/.exec(l);
    if (!m) return;
    const kind = m[1].startsWith("CHECK-COUNT") ? "CHECK-COUNT" : (m[1] as Directive["kind"]);
    out.push({ kind, pattern: m[3].trimEnd(), count: m[2] ? Number(m[2]) : undefined, line: i + 1 });
  });
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Compile a pattern to a regex given the current variable bindings; returns capture names in order. */
function compile(pattern: string, vars: Map<string, string>): { re: RegExp; names: string[] } {
  let src = "";
  const names: string[] = [];
  let i = 0;
  while (i < pattern.length) {
    if (pattern.startsWith("{{", i)) {
      const end = pattern.indexOf("}}", i + 2);
      src += `(?:${pattern.slice(i + 2, end)})`;
      i = end + 2;
    } else if (pattern.startsWith("[[", i)) {
      const end = pattern.indexOf("]]", i + 2);
      const body = pattern.slice(i + 2, end);
      const colon = body.indexOf(":");
      if (colon >= 0) {
        names.push(body.slice(0, colon));
        src += `(${body.slice(colon + 1)})`;
      } else {
        const v = vars.get(body);
        if (v === undefined) throw new Error(`FileCheck: variable ${body} used before definition`);
        src += escape(v);
      }
      i = end + 2;
    } else {
      // Runs of whitespace match any whitespace, as in FileCheck.
      if (/\s/.test(pattern[i])) {
        while (i < pattern.length && /\s/.test(pattern[i])) i++;
        src += "\\s+";
      } else src += escape(pattern[i++]);
    }
  }
  return { re: new RegExp(src), names };
}

/** Returns undefined on success, or a message naming the failing directive. */
export function fileCheck(output: string, directives: Directive[]): string | undefined {
  const lines = output.split("\n");
  const vars = new Map<string, string>();
  let pos = 0;
  let pendingNot: Directive[] = [];
  const matchAt = (d: Directive, line: string): boolean => {
    const { re, names } = compile(d.pattern, vars);
    const m = re.exec(line);
    if (!m) return false;
    names.forEach((n, k) => vars.set(n, m[k + 1]));
    return true;
  };
  const checkNots = (from: number, to: number): string | undefined => {
    for (const n of pendingNot)
      for (let j = from; j < to; j++)
        if (compile(n.pattern, vars).re.test(lines[j])) return `CHECK-NOT (line ${n.line}) '${n.pattern}' matched output line ${j + 1}: ${lines[j]}`;
    pendingNot = [];
    return undefined;
  };
  for (const d of directives) {
    if (d.kind === "CHECK-NOT") {
      pendingNot.push(d);
      continue;
    }
    if (d.kind === "CHECK-COUNT") {
      const { re } = compile(d.pattern, vars);
      const n = lines.filter((l) => re.test(l)).length;
      if (n !== d.count) return `CHECK-COUNT-${d.count} (line ${d.line}) '${d.pattern}' matched ${n} line(s)`;
      continue;
    }
    if (d.kind === "CHECK-NEXT") {
      if (pos >= lines.length || !matchAt(d, lines[pos])) return `CHECK-NEXT (line ${d.line}) '${d.pattern}' does not match output line ${pos + 1}: ${lines[pos] ?? "<eof>"}`;
      const e = checkNots(pos, pos);
      if (e) return e;
      pos++;
      continue;
    }
    let found = -1;
    for (let j = pos; j < lines.length; j++)
      if (matchAt(d, lines[j])) {
        found = j;
        break;
      }
    if (found < 0) return `CHECK (line ${d.line}) '${d.pattern}' not found after output line ${pos}`;
    const e = checkNots(pos, found);
    if (e) return e;
    pos = found + 1;
  }
  return checkNots(pos, lines.length);
}
