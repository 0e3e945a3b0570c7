// Modules and item-level name resolution: files (`mod x;`), inline modules, the lazily loaded stdlib
// tree (`std::a::b` → stdlib/a/b.cwl or stdlib/a/b/mod.cwl or a folder), and `use` imports
// (renames, groups, globs), resolved on demand so item order never matters.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Diagnostic, Span } from "../../base/diagnostics/index.ts";
import { type FileManager, type SourceFile, STDLIB_ROOT, stdlibPath } from "../../base/files/index.ts";
import type { Item, Module as AstModule, UseItem, UseTree } from "../syntax/index.ts";
import type { SymbolInfo, SymbolKind, SymbolTable } from "./symbols.ts";

export type ParseFn = (file: SourceFile) => { module: AstModule; diagnostics: Diagnostic[] };

/**
 * A dependency of a package, as the project manifest (tooling/project) resolved it: its entry file and
 * its own dependencies. `use name::...` in the depending package's modules loads `entry` as a module
 * root named `name`. Cycles are refused before compiling, so this is a tree of shared nodes (a DAG).
 */
export interface PackageRef {
  entry: string;
  deps: ReadonlyMap<string, PackageRef>;
}

export interface Entry {
  name: string;
  sym: SymbolInfo;
  item?: Item;
  module?: ModScope;
  owner: ModScope;
  isPub: boolean;
}

interface Import {
  alias: string;
  path: { name: string; span: Span }[];
  span: Span;
  isPub: boolean;
}

export class ModScope {
  readonly entries = new Map<string, Entry>();
  readonly imports = new Map<string, Import>();
  readonly globs: Import[] = [];
  /** Items of this module, in source order. */
  items: Item[] = [];
  loaded = false;
  /** On a package's root module: the dependencies its `use` paths may start with. */
  deps?: ReadonlyMap<string, PackageRef>;
  /** Module of a dependency package: checked where used, like the stdlib, not as an entry point. */
  isDep = false;
  constructor(
    readonly path: string[],
    readonly parent: ModScope | undefined,
    /** Folder that `mod x;` and stdlib children resolve against. */
    readonly dir: string | undefined,
    readonly file: SourceFile | undefined,
    readonly isStd: boolean,
  ) {}
  get display(): string {
    return this.path.length ? this.path.join("::") : "crate";
  }
  get root(): ModScope {
    let m: ModScope = this;
    while (m.parent && !m.isStdRoot) m = m.parent;
    return m;
  }
  get isStdRoot(): boolean {
    return this.isStd && this.path.length === 1;
  }
}

const ITEM_SYMBOL_KIND: Record<Item["kind"], SymbolKind> = {
  Use: "module",
  Mod: "module",
  Const: "const",
  Struct: "struct",
  Fn: "fn",
  PrimeField: "prime-field",
  Table: "table",
  TypeAlias: "type-alias",
  Circuit: "circuit",
  Program: "program",
  Protocol: "protocol",
  Kernel: "kernel",
  Spec: "spec",
};

/**
 * Parsed modules by SourceFile object: FileManager hands out the same object while a file's text is
 * unchanged, so the stdlib and unchanged `mod` files are parsed once per FileManager (the LSP
 * re-checks on every keystroke). ASTs are never mutated by sema, so sharing them is safe.
 */
const parseCache = new WeakMap<SourceFile, { module: AstModule; diagnostics: Diagnostic[] }>();

export class ModuleLoader {
  readonly std: ModScope;
  private stdCache = new Map<string, ModScope>();
  /** Every module whose items were registered (roots, files, inline, stdlib). */
  readonly all: ModScope[] = [];
  private resolving = new Set<Import>();
  /** Dependency packages loaded so far, by entry file (two packages sharing a dependency share it). */
  private depCache = new Map<string, ModScope | undefined>();

  constructor(
    readonly fm: FileManager,
    readonly parse: ParseFn,
    readonly syms: SymbolTable,
    readonly report: (d: Diagnostic) => void,
    readonly stdRoot: string = STDLIB_ROOT,
  ) {
    this.std = new ModScope(["std"], undefined, stdRoot, undefined, true);
    this.std.loaded = true;
  }

  private parseCached(f: SourceFile): { module: AstModule; diagnostics: Diagnostic[] } {
    let r = parseCache.get(f);
    if (!r) parseCache.set(f, (r = this.parse(f)));
    return r;
  }

  /** Register the items of a parsed root file; `deps` are its package's dependencies. */
  addRoot(ast: AstModule, file: SourceFile, deps?: ReadonlyMap<string, PackageRef>): ModScope {
    const m = new ModScope([], undefined, dirname(file.path), file, false);
    m.deps = deps;
    this.fill(m, ast.items);
    return m;
  }

  /** The root module of dependency `name` of the package that `m` belongs to, loaded once. */
  depModule(m: ModScope, name: string): ModScope | undefined {
    const ref = m.root.deps?.get(name);
    if (!ref) return undefined;
    if (this.depCache.has(ref.entry)) return this.depCache.get(ref.entry);
    const f = this.fm.load(ref.entry);
    let dm: ModScope | undefined;
    if (f) {
      // A package whose name is taken by a loaded module (the root's `mod util`, another package named
      // alike by another depender) gets a distinct module path, so CWIR names qualified by it cannot collide.
      let path = name;
      for (let i = 2; this.all.some((x) => x.path.length === 1 && x.path[0] === path); i++) path = `${name}_${i}`;
      dm = new ModScope([path], undefined, dirname(f.path), f, false);
      dm.deps = ref.deps;
      dm.isDep = true;
      this.depCache.set(ref.entry, dm);
      const r = this.parseCached(f);
      for (const d of r.diagnostics) this.report(d);
      this.fill(dm, r.module.items);
    } else this.depCache.set(ref.entry, undefined);
    return dm;
  }

  private fill(m: ModScope, items: Item[]): void {
    if (m.parent?.isDep) m.isDep = true;
    m.items = items;
    m.loaded = true;
    this.all.push(m);
    for (const it of items) this.register(m, it);
  }

  private define(m: ModScope, name: string, span: Span, e: Omit<Entry, "name" | "owner" | "sym">, kind: SymbolKind, doc?: string): void {
    const prev = m.entries.get(name) ?? m.imports.get(name);
    if (prev) {
      const prevSpan = "sym" in prev ? prev.sym.def : prev.span;
      this.report({
        severity: "error",
        code: "E0105",
        message: `\`${name}\` is defined more than once in module \`${m.display}\``,
        span,
        hint: "rename one of the definitions",
        related: prevSpan ? [{ span: prevSpan, message: "first defined here" }] : undefined,
      });
      return;
    }
    const sym = this.syms.define(name, kind, span, { doc });
    m.entries.set(name, { name, sym, owner: m, ...e });
  }

  private register(m: ModScope, it: Item): void {
    switch (it.kind) {
      case "Use":
        this.addUse(m, it, it.tree, []);
        return;
      case "Mod": {
        const child = this.loadMod(m, it);
        this.define(m, it.name.name, it.name.span, { item: it, module: child, isPub: it.isPub }, "module", it.doc);
        return;
      }
      default: {
        if (!it.name.name) return; // recovered from a syntax error
        const kind = it.kind === "Fn" && it.hint ? "hint" : ITEM_SYMBOL_KIND[it.kind];
        this.define(m, it.name.name, it.name.span, { item: it, isPub: it.isPub }, kind, it.doc);
      }
    }
  }

  private addUse(m: ModScope, use: UseItem, t: UseTree, prefix: { name: string; span: Span }[]): void {
    const path = [...prefix, ...t.prefix.map((i) => ({ name: i.name, span: i.span }))];
    if (t.group) {
      for (const g of t.group) this.addUse(m, use, g, path);
      return;
    }
    if (t.glob) {
      m.globs.push({ alias: "*", path, span: t.span, isPub: use.isPub });
      return;
    }
    if (path.length === 0) return;
    const last = path[path.length - 1];
    const alias = t.alias?.name ?? (last.name === "self" && path.length > 1 ? path[path.length - 2].name : last.name);
    const aliasSpan = t.alias?.span ?? last.span;
    if (m.entries.has(alias) || m.imports.has(alias)) {
      this.report({
        severity: "error",
        code: "E0105",
        message: `\`${alias}\` is imported or defined more than once in module \`${m.display}\``,
        span: aliasSpan,
        hint: "use `as` to import it under another name",
      });
      return;
    }
    m.imports.set(alias, { alias, path: last.name === "self" ? path.slice(0, -1) : path, span: aliasSpan, isPub: use.isPub });
  }

  private loadMod(parent: ModScope, it: Extract<Item, { kind: "Mod" }>): ModScope {
    const name = it.name.name;
    if (it.items) {
      const m = new ModScope([...parent.path, name], parent, parent.dir ? join(parent.dir, name) : undefined, parent.file, parent.isStd);
      this.fill(m, it.items);
      return m;
    }
    const dir = parent.dir ?? ".";
    const candidates = [join(dir, name + ".cwl"), join(dir, name, "mod.cwl")];
    for (const c of candidates) {
      const f = this.fm.load(c);
      if (!f) continue;
      const m = new ModScope([...parent.path, name], parent, dirname(c) === dir ? join(dir, name) : join(dir, name), f, parent.isStd);
      const r = this.parseCached(f);
      for (const d of r.diagnostics) this.report(d);
      this.fill(m, r.module.items);
      return m;
    }
    this.report({
      severity: "error",
      code: "E0103",
      message: `file for module \`${name}\` not found`,
      span: it.name.span,
      hint: `create ${candidates[0]} or ${candidates[1]}, or write the module inline: \`mod ${name} { ... }\``,
    });
    const empty = new ModScope([...parent.path, name], parent, undefined, undefined, parent.isStd);
    empty.loaded = true;
    return empty;
  }

  /** The stdlib module at `std::segs` (file, mod.cwl or bare folder), loaded once. */
  stdModule(segs: string[]): ModScope | undefined {
    if (segs.length === 0) return this.std;
    const key = segs.join("::");
    const cached = this.stdCache.get(key);
    if (cached) return cached;
    const parent = this.stdModule(segs.slice(0, -1));
    if (!parent) return undefined;
    const file = stdlibPath(segs);
    const folder = join(this.stdRoot, ...segs);
    let m: ModScope | undefined;
    if (file) {
      const f = this.fm.load(file);
      if (!f) return undefined;
      m = new ModScope(["std", ...segs], parent, folder, f, true);
      this.stdCache.set(key, m);
      const r = this.parseCached(f);
      for (const d of r.diagnostics) this.report(d);
      this.fill(m, r.module.items);
    } else if (existsSync(folder) && statSync(folder).isDirectory()) {
      m = new ModScope(["std", ...segs], parent, folder, undefined, true);
      m.loaded = true;
      this.stdCache.set(key, m);
    }
    return m;
  }

  /** Look a name up in module `m` (its items, then imports, then globs, then stdlib children of std modules). */
  lookupIn(m: ModScope, name: string, from: ModScope | undefined): Entry | undefined {
    const e = m.entries.get(name);
    if (e) return e;
    const imp = m.imports.get(name);
    if (imp) return this.resolveImport(m, imp);
    for (const g of m.globs) {
      const target = this.resolveImport(m, g);
      if (target?.module) {
        const r = this.lookupIn(target.module, name, from);
        if (r) return r;
      }
    }
    if (m.isStd) {
      const child = this.stdModule([...m.path.slice(1), name]);
      if (child) return this.moduleEntry(child, name);
    }
    return undefined;
  }

  private modEntries = new Map<ModScope, Entry>();
  moduleEntry(m: ModScope, name: string): Entry {
    let e = this.modEntries.get(m);
    if (!e) {
      const sym = this.syms.define(name, "module", undefined, { type: m.display });
      e = { name, sym, module: m, owner: m.parent ?? m, isPub: true };
      this.modEntries.set(m, e);
    }
    return e;
  }

  private resolveImport(m: ModScope, imp: Import): Entry | undefined {
    if (this.resolving.has(imp)) return undefined;
    this.resolving.add(imp);
    try {
      return this.resolveModulePath(m, imp.path, true);
    } finally {
      this.resolving.delete(imp);
    }
  }

  /**
   * Resolve `a::b::c` starting from module `m`. First segment: `std`, `self`, `super`, `crate`, or a
   * name visible in `m`. Reports E0103/E0104 at the failing segment when `report` is set.
   */
  resolveModulePath(m: ModScope, path: { name: string; span: Span }[], report: boolean): Entry | undefined {
    if (path.length === 0) return undefined;
    let cur: Entry | undefined;
    const first = path[0];
    if (first.name === "std") cur = this.moduleEntry(this.std, "std");
    else if (first.name === "self") cur = this.moduleEntry(m, "self");
    else if (first.name === "super") {
      if (!m.parent) {
        if (report) this.report({ severity: "error", code: "E0103", message: "`super` used in a root module", span: first.span });
        return undefined;
      }
      cur = this.moduleEntry(m.parent, "super");
    } else if (first.name === "crate") cur = this.moduleEntry(m.root, "crate");
    else {
      cur = this.lookupIn(m, first.name, m);
      if (!cur) {
        // A dependency of the package: after the module's own names, as in Rust (a local item shadows it).
        const dep = this.depModule(m, first.name);
        if (dep) cur = this.moduleEntry(dep, first.name);
      }
      if (!cur) {
        if (report) {
          const deps = [...(m.root.deps?.keys() ?? [])];
          this.report({
            severity: "error",
            code: "E0103",
            message: `unresolved import: no \`${first.name}\` in module \`${m.display}\``,
            span: first.span,
            hint:
              suggestHint(first.name, [...this.namesIn(m), ...deps]) ??
              (path.length > 1 ? `a library is used by its name in the project manifest's [dependencies] (cwl.toml)${deps.length ? `; it has ${deps.join(", ")}` : ""}` : undefined),
          });
        }
        return undefined;
      }
    }
    this.syms.reference(cur.sym, first.span);
    for (const seg of path.slice(1)) {
      if (!cur!.module) {
        if (report)
          this.report({
            severity: "error",
            code: "E0104",
            message: `\`${cur!.name}\` is not a module, so it has no item \`${seg.name}\``,
            span: seg.span,
          });
        return undefined;
      }
      const mod: ModScope = cur!.module;
      const next = this.lookupIn(mod, seg.name, m);
      if (!next) {
        if (report)
          this.report({
            severity: "error",
            code: mod.isStd && !mod.file && mod.entries.size === 0 ? "E0103" : "E0104",
            message: `no \`${seg.name}\` in module \`${mod.display}\``,
            span: seg.span,
            hint: suggestHint(seg.name, this.namesIn(mod)),
          });
        return undefined;
      }
      if (!next.isPub && next.owner !== m && !isAncestor(next.owner, m) && !next.module) {
        if (report)
          this.report({
            severity: "error",
            code: "E0106",
            message: `\`${seg.name}\` is private to module \`${next.owner.display}\``,
            span: seg.span,
            hint: `mark it \`pub\` where it is defined`,
          });
      }
      this.syms.reference(next.sym, seg.span);
      cur = next;
    }
    return cur;
  }

  namesIn(m: ModScope): string[] {
    const names = [...m.entries.keys(), ...m.imports.keys()];
    if (m.isStd && m.dir && existsSync(m.dir) && statSync(m.dir).isDirectory()) {
      try {
        for (const f of readdirNames(m.dir)) names.push(f);
      } catch {
        /* folder vanished: suggestions are best effort */
      }
    }
    return names;
  }
}

function readdirNames(dir: string): string[] {
  return readdirSync(dir).map((f) => f.replace(/\.cwl$/, ""));
}

function isAncestor(a: ModScope, m: ModScope): boolean {
  for (let x: ModScope | undefined = m; x; x = x.parent) if (x === a) return true;
  return false;
}

/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest candidate within a third of the name's length (at least 1 edit), if any. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  for (const c of candidates) {
    // The distance is at least the difference in length: most names of a large scope are ruled out
    // without computing it (an unknown name among 50,000 items was a whole-scope scan of edit distances).
    if (c === name || Math.abs(c.length - name.length) > Math.min(limit, bestD - 1)) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d <= limit && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

export function suggestHint(name: string, candidates: Iterable<string>): string | undefined {
  const c = closest(name, candidates);
  return c ? `did you mean \`${c}\`?` : undefined;
}
