// The subset of TOML that a `cwl.toml` manifest uses, parsed with the position of every key and value so
// that a bad manifest is reported at its file:line:col: `[table]` and `[a.b]` headers, `key = value`
// with bare or quoted keys, basic strings ("..." with \" \\ \n \t \u escapes), literal strings ('...'),
// integers, booleans, arrays of those and one-line inline tables `{ k = v, ... }`, `#` comments.
// Anything else (multi-line strings, dates, arrays of tables) is a diagnostic, never a guess.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;

/** A value with the offsets of its text in the manifest. */
export interface Located<T = TomlValue> {
  value: T;
  start: number;
  end: number;
}

export interface TomlTable {
  kind: "table";
  /** Keys in source order, each with the position of the key and of its value. */
  entries: Map<string, { key: Located<string>; value: Located }>;
}

export interface TomlError {
  message: string;
  start: number;
  end: number;
}

export interface TomlDocument {
  /** The keys before the first header. */
  root: TomlTable;
  /** Tables by header name (`package`, `dependencies`, `git.name`), with the header's position. */
  tables: Map<string, { header: Located<string>; table: TomlTable }>;
  errors: TomlError[];
}

class Fail extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

export function newTable(): TomlTable {
  return { kind: "table", entries: new Map() };
}

export function parseToml(text: string): TomlDocument {
  const doc: TomlDocument = { root: newTable(), tables: new Map(), errors: [] };
  let current = doc.root;
  let pos = 0;
  const lineEnd = (p: number) => {
    const nl = text.indexOf("\n", p);
    return nl < 0 ? text.length : nl;
  };
  while (pos < text.length) {
    const end = lineEnd(pos);
    const p = new LineParser(text, pos, end);
    try {
      p.skipSpace();
      if (p.atEnd()) {
        // blank or comment line
      } else if (p.peek() === "[") {
        const s = p.pos;
        p.pos++;
        if (p.peek() === "[") throw new Fail("arrays of tables (`[[...]]`) are not part of a cwl.toml", s, end);
        p.skipSpace();
        const parts = [p.key().value];
        p.skipSpace();
        while (p.peek() === ".") {
          p.pos++;
          p.skipSpace();
          parts.push(p.key().value);
          p.skipSpace();
        }
        p.expect("]", "expected `]` to close the table header");
        p.skipSpace();
        if (!p.atEnd()) throw new Fail("unexpected text after the table header", p.pos, end);
        const name = parts.join(".");
        if (doc.tables.has(name)) throw new Fail(`table [${name}] is defined twice`, s, p.pos);
        current = newTable();
        doc.tables.set(name, { header: { value: name, start: s, end: p.pos }, table: current });
      } else {
        const key = p.key();
        p.skipSpace();
        p.expect("=", "expected `=` after the key");
        p.skipSpace();
        const value = p.value();
        p.skipSpace();
        if (!p.atEnd()) throw new Fail("unexpected text after the value", p.pos, end);
        if (current.entries.has(key.value)) throw new Fail(`key \`${key.value}\` is defined twice`, key.start, key.end);
        current.entries.set(key.value, { key, value });
      }
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      doc.errors.push({ message: e.message, start: e.start, end: Math.max(e.end, e.start + 1) });
    }
    pos = end + 1;
  }
  return doc;
}

const BARE = /[A-Za-z0-9_-]/;

class LineParser {
  constructor(
    readonly text: string,
    public pos: number,
    readonly end: number,
  ) {}
  peek(): string {
    return this.pos < this.end ? this.text[this.pos] : "";
  }
  atEnd(): boolean {
    return this.pos >= this.end || this.peek() === "#" || (this.peek() === "\r" && this.pos + 1 >= this.end);
  }
  skipSpace(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }
  expect(c: string, message: string): void {
    if (this.peek() !== c) throw new Fail(message, this.pos, this.pos + 1);
    this.pos++;
  }
  key(): Located<string> {
    const s = this.pos;
    if (this.peek() === '"' || this.peek() === "'") return this.string();
    while (BARE.test(this.peek())) this.pos++;
    if (this.pos === s) throw new Fail("expected a key (letters, digits, `_`, `-`, or a quoted string)", s, s + 1);
    return { value: this.text.slice(s, this.pos), start: s, end: this.pos };
  }
  string(): Located<string> {
    const s = this.pos;
    const q = this.peek();
    this.pos++;
    if (this.text.startsWith(q + q, this.pos)) {
      if (this.text[this.pos + 2] === q || this.pos + 2 > this.end) throw new Fail("multi-line strings are not part of a cwl.toml", s, this.pos + 2);
    }
    let out = "";
    for (;;) {
      if (this.pos >= this.end) throw new Fail("string not closed on its line", s, this.end);
      const c = this.text[this.pos++];
      if (c === q) break;
      if (c === "\\" && q === '"') {
        const e = this.text[this.pos++];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r" };
        if (e in simple) out += simple[e];
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos, this.pos + 4))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 4), 16));
          this.pos += 4;
        } else throw new Fail(`unknown escape \`\\${e ?? ""}\` in a string`, this.pos - 2, this.pos);
      } else out += c;
    }
    return { value: out, start: s, end: this.pos };
  }
  value(): Located {
    const s = this.pos;
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === "[") {
      this.pos++;
      const items: TomlValue[] = [];
      this.skipSpace();
      while (this.peek() !== "]") {
        items.push(this.value().value);
        this.skipSpace();
        if (this.peek() === ",") {
          this.pos++;
          this.skipSpace();
        } else if (this.peek() !== "]") throw new Fail("expected `,` or `]` in the array (arrays stay on one line)", this.pos, this.pos + 1);
      }
      this.pos++;
      return { value: items, start: s, end: this.pos };
    }
    if (c === "{") {
      this.pos++;
      const t = newTable();
      this.skipSpace();
      while (this.peek() !== "}") {
        const k = this.key();
        this.skipSpace();
        this.expect("=", "expected `=` after the key");
        this.skipSpace();
        const v = this.value();
        if (t.entries.has(k.value)) throw new Fail(`key \`${k.value}\` is defined twice`, k.start, k.end);
        t.entries.set(k.value, { key: k, value: v });
        this.skipSpace();
        if (this.peek() === ",") {
          this.pos++;
          this.skipSpace();
        } else if (this.peek() !== "}") throw new Fail("expected `,` or `}` in the inline table (it stays on one line)", this.pos, this.pos + 1);
      }
      this.pos++;
      return { value: t, start: s, end: this.pos };
    }
    const m = /^(true|false|[+-]?[0-9][0-9_]*)/.exec(this.text.slice(this.pos, this.end));
    if (!m) throw new Fail("expected a value: a \"string\", a number, true/false, [array] or { inline table }", s, Math.min(this.end, s + 1));
    this.pos += m[0].length;
    const v = m[0] === "true" ? true : m[0] === "false" ? false : Number(m[0].replace(/_/g, ""));
    return { value: v, start: s, end: this.pos };
  }
}

/** A TOML basic string literal for `s` (the lock file writer). */
export function tomlString(s: string): string {
  return JSON.stringify(s);
}
