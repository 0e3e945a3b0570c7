// Resolving written types to checker types: paths, generics, struct instantiation and aliases, with the
// constants and fields they mention. The base of Checker (./item.ts).
import type { Diagnostic, Span } from "../../../base/diagnostics/index.ts";
import type {
  ConstItem,
  FieldDecl,
  FieldItem,
  GenericArg,
  GenericParam,
  StructItem,
  Type as AstType,
  TypeAliasItem,
} from "../../syntax/index.ts";
import { ConstEvalError, type CV, type ConstEnv, evalConst } from "../consteval.ts";
import { type ModScope, type ModuleLoader, suggestHint } from "../scope.ts";
import type { SymbolInfo, SymbolTable } from "../symbols.ts";
import { BOOL, ERR, FIX_FRAC, type FieldInfo, INT_TYPES, type StructInfo, type Ty, U32, tyToString } from "../types.ts";
import { type CtxKind, type Subst, UnknownConst, BUILTIN_TYPES, itemId, emptySubst, isTy } from "./common.ts";

export abstract class TypeResolver {
  protected structs = new Map<string, StructInfo>();
  readonly fieldsUsed = new Map<string, FieldInfo>();
  protected seenDiag = new Set<string>();

  constructor(
    readonly loader: ModuleLoader,
    readonly syms: SymbolTable,
    readonly defaultField: FieldInfo,
    readonly diags: Diagnostic[],
  ) {}

  /** Spans of syntax errors (from the parser): a construct the parser dropped must not look like a semantic error. */
  syntaxErrors: Span[] = [];
  syntaxErrorIn(span: Span): boolean {
    return this.syntaxErrors.some((e) => e.file === span.file && e.start >= span.start && e.start <= span.end);
  }

  err(code: string, message: string, span: Span | undefined, hint?: string): void {
    // One report per code and place (a constant out of range is found by both the checker and the evaluator).
    const key = `${code}:${span?.file}:${span?.start}:${span?.end}`;
    if (this.seenDiag.has(key)) return;
    this.seenDiag.add(key);
    this.diags.push({ severity: "error", code, message, span, hint });
  }

  useField(f: FieldInfo): FieldInfo {
    if (!this.fieldsUsed.has(f.ir)) this.fieldsUsed.set(f.ir, f);
    return f;
  }


  // Items a type mentions (array lengths and generic consts are constants, `Field<F>` names a field).
  abstract fieldOf(item: FieldItem, m: ModScope): FieldInfo | undefined;
  abstract constOf(item: ConstItem, m: ModScope): { ty: Ty; value?: CV };
  abstract constEnv(m: ModScope, subst: Subst): ConstEnv;
  protected abstract constFail(e: unknown): void;

  // --- types -------------------------------------------------------------------------------------

  resolveType(t: AstType, m: ModScope, subst: Subst, ctx: CtxKind): Ty {
    switch (t.kind) {
      case "ErrorType":
        return ERR;
      case "InferType":
        this.err("E0201", "`_` is not allowed here; write the type", t.span);
        return ERR;
      case "TupleType":
        return { k: "tuple", elems: t.elems.map((e) => this.resolveType(e, m, subst, ctx)) };
      case "SliceType":
        return { k: "slice", elem: this.resolveType(t.elem, m, subst, ctx) };
      case "RefType":
        return { k: "ref", mut: t.mutable, inner: this.resolveType(t.inner, m, subst, ctx) };
      case "RangeType":
        return U32;
      case "ArrayType": {
        const elem = this.resolveType(t.elem, m, subst, ctx);
        let len: number | undefined;
        try {
          const v = evalConst(t.len, this.constEnv(m, subst));
          if (typeof v !== "bigint" || v < 0n || v > 1n << 24n)
            this.err("E0303", `array length must be an integer in 0..=${1 << 24}`, t.len.span);
          else len = Number(v);
        } catch (e) {
          if (e instanceof ConstEvalError)
            this.err("E0301", `array length is not a compile-time constant: ${e.message}`, e.span, "use a literal, a `const` item or a const generic parameter");
          else if (!(e instanceof UnknownConst)) throw e;
        }
        return { k: "array", elem, len };
      }
      case "QualifiedType": {
        const inner = this.resolveType(t.inner, m, subst, ctx);
        if (t.qualifier === "public") return inner;
        return this.secretOf(inner, t.span);
      }
      case "PathType":
        return this.resolvePathType(t, m, subst, ctx);
    }
  }

  secretOf(t: Ty, span: Span): Ty {
    switch (t.k) {
      case "int":
      case "field":
      case "bool":
        return { k: "sint", f: this.useField(t.k === "field" ? t.f : this.defaultField) };
      case "fix":
        return { k: "sfix", f: t.f, frac: t.frac };
      case "sint":
      case "sfix":
      case "error":
        return t;
      case "array":
        return { k: "array", elem: this.secretOf(t.elem, span), len: t.len };
      default:
        this.err("E0201", `\`secret\` applies to numbers and arrays of numbers, not ${tyToString(t)}`, span);
        return ERR;
    }
  }

  protected resolvePathType(t: Extract<AstType, { kind: "PathType" }>, m: ModScope, subst: Subst, ctx: CtxKind): Ty {
    const segs = t.path.segments;
    if (segs.length === 0 || segs.some((x) => !x.name.name)) return ERR;
    const last = segs[segs.length - 1];
    const name = last.name.name;
    if (segs.length === 1) {
      const g = subst.types.get(name);
      if (g) return g;
      if (name in INT_TYPES) return INT_TYPES[name];
      switch (name) {
        case "bool":
          return BOOL;
        case "Field":
          return { k: "field", f: this.useField(this.defaultField) };
        case "Bytes":
          return { k: "bytes" };
        case "sint":
          return { k: "sint", f: this.useField(this.defaultField) };
        case "sfix":
          return { k: "sfix", f: this.useField(this.defaultField), frac: FIX_FRAC };
        case "fix":
          return { k: "fix", f: this.useField(this.defaultField), frac: FIX_FRAC };
      }
    }
    const entry =
      segs.length === 1
        ? this.loader.lookupIn(m, name, m)
        : this.loader.resolveModulePath(m, segs.map((s) => ({ name: s.name.name, span: s.name.span })), true);
    if (!entry) {
      if (segs.length > 1) return ERR;
      if (name === "F") return { k: "field", f: this.useField(this.defaultField) };
      this.err("E0102", `unknown type \`${name}\``, last.name.span, suggestHint(name, [...BUILTIN_TYPES, ...this.loader.namesIn(m), ...subst.types.keys()]));
      return ERR;
    }
    if (segs.length === 1) this.syms.reference(entry.sym, last.name.span);
    const it = entry.item;
    switch (it?.kind) {
      case "PrimeField": {
        const f = this.fieldOf(it, entry.owner);
        return f ? { k: "field", f: this.useField(f) } : ERR;
      }
      case "Struct": {
        const args = (last.args ?? []).map((a) => this.genericArgValue(a, m, subst, ctx));
        return this.instantiateStruct(it, entry.owner, args, last.span, subst);
      }
      case "TypeAlias":
        return this.resolveAlias(it, entry.owner, (last.args ?? []).map((a) => this.genericArgValue(a, m, subst, ctx)), last.span, ctx);
      default:
        this.err("E0107", `\`${name}\` is not a type`, last.name.span);
        return ERR;
    }
  }

  genericArgValue(a: GenericArg, m: ModScope, subst: Subst, ctx: CtxKind): Ty | CV | undefined {
    if (a.kind === "TypeArg") {
      // `Foo<N>` parses as a type argument even when N is a const: try it as a constant first.
      if (a.type.kind === "PathType" && a.type.path.segments.length === 1) {
        const n = a.type.path.segments[0].name.name;
        if (subst.consts.has(n)) return subst.consts.get(n);
        const e = this.loader.lookupIn(m, n, m);
        if (e?.item?.kind === "Const") return this.constOf(e.item, e.owner).value;
      }
      return this.resolveType(a.type, m, subst, ctx);
    }
    try {
      return evalConst(a.value, this.constEnv(m, subst));
    } catch (e) {
      this.constFail(e);
      return undefined;
    }
  }

  /** Bind generic params to explicit args; missing ones: `F: Field` → the selected field (or a same-named type in scope), const → default. */
  bindGenerics(
    generics: GenericParam[],
    args: (Ty | CV | undefined)[],
    m: ModScope,
    span: Span,
    outer: Subst,
    inferred?: Subst,
    /** Entry items nobody instantiates: an unbound type parameter stays abstract instead of an error. */
    lenient = false,
  ): { subst: Subst; concrete: boolean } {
    const subst = emptySubst();
    let concrete = true;
    if (args.length > generics.length)
      this.err("E0215", `expected at most ${generics.length} generic argument(s), found ${args.length}`, span);
    generics.forEach((g, i) => {
      const a = args[i];
      const name = g.name.name;
      if (g.kind === "TypeParam") {
        let t: Ty | undefined = a !== undefined && isTy(a) ? a : inferred?.types.get(name);
        if (a !== undefined && !isTy(a)) this.err("E0215", `generic parameter \`${name}\` takes a type, not a constant`, span);
        if (!t) {
          const isField = g.bounds.some((b) => b.segments[b.segments.length - 1].name.name === "Field");
          if (isField) t = outer.types.get(name) ?? { k: "field", f: this.useField(this.defaultField) };
          else {
            t = outer.types.get(name);
            if (!t && lenient) {
              t = { k: "param", name };
              concrete = false;
            }
            if (!t) {
              this.err("E0205", `cannot infer generic parameter \`${name}\``, span, `write it explicitly: \`::<${name}>\``);
              t = ERR;
            }
          }
        }
        if (g.bounds.some((b) => b.segments[b.segments.length - 1].name.name === "Field") && t.k !== "field" && t.k !== "error")
          this.err("E0214", `\`${tyToString(t)}\` is not a prime field, but \`${name}: Field\` requires one`, span);
        subst.types.set(name, t);
      } else {
        let v: CV | undefined = a !== undefined && !isTy(a) ? a : inferred?.consts.get(name);
        if (a !== undefined && isTy(a)) this.err("E0215", `generic parameter \`${name}\` takes a constant, not a type`, span);
        if (v === undefined && g.default) {
          try {
            v = evalConst(g.default, this.constEnv(m, subst));
          } catch (e) {
            this.constFail(e);
          }
        }
        if (v === undefined && outer.consts.has(name)) v = outer.consts.get(name);
        if (v === undefined) concrete = false;
        subst.consts.set(name, v);
      }
    });
    return { subst, concrete };
  }

  protected fieldSyms = new Map<FieldDecl, SymbolInfo>();
  /** Symbol of a struct field declaration (defined on first use, so the LSP can find its references). */
  fieldSymbol(d: FieldDecl): SymbolInfo {
    let s = this.fieldSyms.get(d);
    if (!s) this.fieldSyms.set(d, (s = this.syms.define(d.name.name, "struct-field", d.name.span, { doc: d.doc })));
    return s;
  }

  instantiateStruct(it: StructItem, m: ModScope, args: (Ty | CV | undefined)[], span: Span, outer: Subst, inferred?: Subst): Ty {
    const { subst } = this.bindGenerics(it.generics, args, m, span, outer, inferred);
    const argText = it.generics.map((g) => {
      const n = g.name.name;
      return g.kind === "TypeParam" ? tyToString(subst.types.get(n) ?? ERR) : String(subst.consts.get(n) ?? "?");
    });
    const display = it.name.name + (argText.length ? `<${argText.join(", ")}>` : "");
    const key = `${itemId(it)}|${display}`;
    let s = this.structs.get(key);
    if (!s) {
      s = { name: it.name.name, item: it, fields: [], display };
      this.structs.set(key, s);
      s.fields = it.fields.map((f) => {
        const type = this.resolveType(f.type, m, subst, "fn");
        const sym = this.fieldSymbol(f);
        if (!sym.type) sym.type = tyToString(type);
        return { name: f.name.name, type };
      });
    }
    return { k: "struct", s };
  }

  protected aliasDepth = 0;
  protected resolveAlias(it: TypeAliasItem, m: ModScope, args: (Ty | CV | undefined)[], span: Span, ctx: CtxKind): Ty {
    if (this.aliasDepth > 32) {
      this.err("E0305", `type alias \`${it.name.name}\` refers to itself`, span);
      return ERR;
    }
    this.aliasDepth++;
    try {
      const { subst } = this.bindGenerics(it.generics, args, m, span, emptySubst());
      return this.resolveType(it.type, m, subst, ctx);
    } finally {
      this.aliasDepth--;
    }
  }

}
