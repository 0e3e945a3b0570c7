// TypeScript bindings (`cwl build FILE --target ts -o out/`): CWIR in, one typed module per item out,
// written with ts-morph. The generated code calls the public API of the `chainweave` package at run time
// (compile, prove, verify, run), never this repository's internals, so it works in a user's project:
//   circuit  → `prove(inputs, srs)`, `verify(proof, key?)`, `setup(srs)`, `Inputs` with public and
//              private parameters as typed fields
//   program  → `run(inputs)`
//   protocol → one `PartyN` input type per party, and `run({ party0, party1, ..., public })` in the clear
//   kernel   → `launch(buffers)`: the host launcher (runs on the reference interpreter)
// plus index.ts re-exporting each item's module under its name.
import { IndentationText, Project, QuoteKind, VariableDeclarationKind, type SourceFile } from "ts-morph";
import type { Func, Module, Type } from "../../compiler/ir/index.ts";

export interface TsBindingsOptions {
  /** Path of the `.cwl` source relative to the output folder (the generated code compiles it at run time). */
  sourceFromOut: string;
  /** Package the generated code imports the API from (default "chainweave"). */
  apiModule?: string;
}

export interface TsBindings {
  /** File name (in the output folder) → text. */
  files: Map<string, string>;
  /** The items bound, by kind. */
  items: { name: string; kind: Func["kind"] }[];
}

const KINDS = new Set<Func["kind"]>(["circuit", "program", "protocol", "kernel"]);

/** The items of the module that get bindings: circuits, programs, protocols, kernels of the root file. */
export function boundItems(m: Module): Func[] {
  // Items of other modules are qualified (`std.hash...`, `dep.x`); `$` marks a generic instance.
  return m.funcs.filter((f) => KINDS.has(f.kind) && !f.name.includes("."));
}

/** The item's name in the source (a generic instance `C$bn254_fr` is the item `C`). */
function sourceName(f: Func): string {
  return f.name.split("$")[0];
}

function ident(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[0-9]/.test(t) ? `_${t}` : t;
}

/** The TypeScript type of an input of CWIR type `t` (what the API's JSON inputs accept). */
function inputType(t: Type): string {
  switch (t.kind) {
    case "field":
    case "sint":
      return "FieldInput";
    case "fix":
    case "sfix":
      return "number";
    case "int":
      return t.width === 1 ? "boolean" : "IntInput";
    case "array":
      return t.len <= 16 ? `[${Array.from({ length: t.len }, () => inputType(t.elem)).join(", ")}]` : `readonly ${wrap(inputType(t.elem))}[]`;
    case "tuple":
      return `[${t.elems.map(inputType).join(", ")}]`;
    case "mem":
      return `readonly ${wrap(inputType(t.elem))}[]`;
  }
}

const wrap = (s: string) => (/[ |]/.test(s) ? `(${s})` : s);

interface Param {
  name: string;
  type: string;
  vis?: string;
  party?: number;
  sourceType?: string;
  access?: string;
}

function paramsOf(f: Func): Param[] {
  return f.args.map((a, i) => {
    const at = f.paramAttrs[i] ?? {};
    const inner = (at.attrs ?? {}) as unknown as Record<string, unknown>;
    return {
      name: typeof at.name === "string" ? at.name : `arg${i}`,
      type: inputType(a.type),
      vis: typeof at.vis === "string" ? at.vis : undefined,
      // Integer attributes may be held as bigints (the CWIR text parser's integers).
      party: typeof at.party === "number" || typeof at.party === "bigint" ? Number(at.party) : undefined,
      sourceType: typeof inner.type === "string" ? inner.type : typeof at.type === "string" ? at.type : undefined,
      access: typeof at.access === "string" ? at.access : typeof inner.access === "string" ? inner.access : undefined,
    };
  });
}

function addInputs(sf: SourceFile, name: string, params: Param[], doc: string, label: (p: Param) => string): void {
  sf.addInterface({
    name,
    isExported: true,
    docs: [doc],
    properties: params.map((p) => ({ name: ident(p.name), type: p.type, isReadonly: true, docs: [`${label(p)}${p.sourceType ? ` \`${p.sourceType}\`` : ""}`] })),
  });
}

// Spelled in pieces: the CLI bundle (scripts/build-cli.mjs) rewrites that expression wherever it appears
// in a bundled module's text, template strings included.
const META_URL = ["import", "meta", "url"].join(".");

function preamble(sf: SourceFile, f: Func, opts: TsBindingsOptions, imports: string[]): void {
  sf.addImportDeclaration({ moduleSpecifier: opts.apiModule ?? "chainweave", namedImports: imports });
  sf.addImportDeclaration({ moduleSpecifier: "node:url", namedImports: ["fileURLToPath"] });
  sf.addTypeAlias({ name: "FieldInput", isExported: true, type: "string | bigint | number", docs: ["A field element: decimal string, bigint, or a safe integer; canonical (0 ≤ v < p)."] });
  sf.addTypeAlias({ name: "IntInput", isExported: true, type: "string | bigint | number", docs: ["An integer within its type's range."] });
  sf.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: "SOURCE", initializer: `fileURLToPath(new URL(${JSON.stringify(opts.sourceFromOut)}, ${META_URL}))` }],
    docs: ["The .cwl source, compiled on first use (its project's cwl.toml applies)."],
  });
  sf.addVariableStatement({ declarationKind: VariableDeclarationKind.Const, isExported: true, declarations: [{ name: "ITEM", initializer: JSON.stringify(sourceName(f)) }] });
}

function circuitModule(sf: SourceFile, f: Func, opts: TsBindingsOptions): void {
  preamble(sf, f, opts, ["compile", "prove as proveWith", "setup as setupWith", "verify as verifyWith", "type Circuit", "type Inputs as ApiInputs", "type Proof", "type SrsOptions"]);
  const ps = paramsOf(f);
  addInputs(sf, "Inputs", ps, `The inputs of circuit ${sourceName(f)}: public ones become the proof's public inputs.`, (p) => (p.vis === "pub" ? "public" : "private"));
  addInputs(sf, "PublicInputs", ps.filter((p) => p.vis === "pub"), `The public inputs of ${sourceName(f)} (what a verifier knows).`, () => "public");
  sf.addStatements(["let circuit: Circuit | undefined;"]);
  sf.addFunction({ name: "load", isExported: true, returnType: "Circuit", docs: ["The compiled circuit (compiled once)."], statements: ["return (circuit ??= compile(SOURCE, { entry: ITEM }));"] });
  sf.addFunction({
    name: "setup",
    isExported: true,
    isAsync: true,
    parameters: [{ name: "srs", type: "SrsOptions" }],
    returnType: "Promise<Uint8Array>",
    docs: ["The verifying key (`cwl setup`'s format)."],
    statements: ["return setupWith(load(), srs);"],
  });
  sf.addFunction({
    name: "prove",
    isExported: true,
    isAsync: true,
    parameters: [
      { name: "inputs", type: "Inputs" },
      { name: "srs", type: "SrsOptions" },
    ],
    returnType: "Promise<Proof>",
    docs: ["Proves the circuit on `inputs`; throws ChainweaveError (with .cwl diagnostics) when they do not satisfy it."],
    statements: ["return proveWith(load(), inputs as unknown as ApiInputs, srs);"],
  });
  sf.addFunction({
    name: "verify",
    isExported: true,
    isAsync: true,
    parameters: [
      { name: "proof", type: "Proof" },
      { name: "key", type: "Uint8Array", hasQuestionToken: true },
      { name: "expected", type: "PublicInputs", hasQuestionToken: true },
    ],
    returnType: "Promise<boolean>",
    docs: [
      "Verifies `proof` against `key` (from `setup`), or the key of this process's last setup/prove. A proof is valid for the public values it carries: pass `expected` to require the ones you expect.",
    ],
    statements: ["return verifyWith(key ?? load(), proof, expected as unknown as ApiInputs | undefined);"],
  });
}

function runModule(sf: SourceFile, f: Func, inputsType: string, doc: string): void {
  sf.addFunction({
    name: f.kind === "kernel" ? "launch" : "run",
    isExported: true,
    parameters: [{ name: "inputs", type: inputsType }],
    returnType: "RunResult",
    docs: [doc],
    statements: ["return runWith(SOURCE, inputs as unknown as ApiInputs, { entry: ITEM });"],
  });
}

function programModule(sf: SourceFile, f: Func, opts: TsBindingsOptions): void {
  preamble(sf, f, opts, ["run as runWith", "type Inputs as ApiInputs", "type RunResult"]);
  addInputs(sf, "Inputs", paramsOf(f), `The inputs of program ${sourceName(f)}.`, () => "input");
  runModule(sf, f, "Inputs", "Runs the program with the reference interpreter; outputs are JSON (field elements as decimal strings).");
}

function protocolModule(sf: SourceFile, f: Func, opts: TsBindingsOptions): void {
  preamble(sf, f, opts, ["run as runWith", "type Inputs as ApiInputs", "type RunResult"]);
  const ps = paramsOf(f);
  const parties = [...new Set(ps.filter((p) => p.party !== undefined).map((p) => p.party!))].sort((a, b) => a - b);
  for (const n of parties) addInputs(sf, `Party${n}`, ps.filter((p) => p.party === n), `The secret inputs of party ${n}.`, () => `secret of party ${n}`);
  const shared = ps.filter((p) => p.party === undefined);
  addInputs(sf, "Public", shared, "The inputs every party knows.", () => "public");
  sf.addInterface({
    name: "Inputs",
    isExported: true,
    docs: [`Every party's inputs to protocol ${sourceName(f)}.`],
    properties: [...parties.map((n) => ({ name: `party${n}`, type: `Party${n}`, isReadonly: true })), { name: "public", type: "Public", isReadonly: true }],
  });
  sf.addFunction({
    name: "run",
    isExported: true,
    parameters: [{ name: "inputs", type: "Inputs" }],
    returnType: "RunResult",
    docs: ["Runs the protocol in the clear (the reference semantics of what the parties compute together); `revealed` holds what it reveals."],
    statements: [`return runWith(SOURCE, { ${[...parties.map((n) => `...inputs.party${n}`), "...inputs.public"].join(", ")} } as unknown as ApiInputs, { entry: ITEM });`],
  });
}

function kernelModule(sf: SourceFile, f: Func, opts: TsBindingsOptions): void {
  preamble(sf, f, opts, ["run as runWith", "type Inputs as ApiInputs", "type RunResult"]);
  addInputs(sf, "Buffers", paramsOf(f), `The buffers and scalars of kernel ${sourceName(f)}; one invocation per element of the first buffer.`, (p) => (p.access === "read_write" ? "read-write buffer" : "input"));
  runModule(sf, f, "Buffers", "Host launcher: runs the kernel over its buffers on the reference interpreter (`cwl kernel` emits the GPU/FPGA artifacts).");
}

export function emitTsBindings(m: Module, opts: TsBindingsOptions): TsBindings {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double } });
  const files = new Map<string, string>();
  const items: TsBindings["items"] = [];
  const index = project.createSourceFile("index.ts", "// Generated by `cwl build --target ts`: one module per item.\n");
  const used = new Set<string>();
  for (const f of boundItems(m)) {
    let base = ident(sourceName(f));
    while (used.has(base)) base += "_";
    used.add(base);
    const sf = project.createSourceFile(`${base}.ts`);
    if (f.kind === "circuit") circuitModule(sf, f, opts);
    else if (f.kind === "program") programModule(sf, f, opts);
    else if (f.kind === "protocol") protocolModule(sf, f, opts);
    else kernelModule(sf, f, opts);
    sf.insertStatements(0, `// Generated by \`cwl build --target ts\` from ${opts.sourceFromOut} (${f.kind} ${sourceName(f)}). Do not edit: rebuild.`);
    sf.formatText({ indentSize: 2 });
    files.set(sf.getBaseName(), sf.getFullText());
    index.addExportDeclaration({ namespaceExport: base, moduleSpecifier: `./${base}.js` });
    items.push({ name: sourceName(f), kind: f.kind });
  }
  files.set("index.ts", index.getFullText());
  return { files, items };
}
