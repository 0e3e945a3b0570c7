// The language server, driven over stdio exactly as an editor drives it. One server for the whole
// file: starting the CLI is the slow part.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem, DocumentSymbol, Hover, Location, SignatureHelp, TextEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { REPO_ROOT } from "../../base/files/index.ts";
import { TestClient, posOf } from "./client.ts";

const merklePath = join(REPO_ROOT, "examples/merkle_membership.cwl");
const merkleUri = pathToFileURL(merklePath).href;
const merkleText = readFileSync(merklePath, "utf8");
const scratchUri = pathToFileURL(join(REPO_ROOT, "examples/__lsp_scratch.cwl")).href;

let client: TestClient;

beforeAll(async () => {
  client = new TestClient();
  const init = await client.initialize();
  expect(init.capabilities.hoverProvider).toBe(true);
  const ready = client.nextDiagnostics(merkleUri);
  await client.open(merkleUri, merkleText);
  expect(await ready).toEqual([]);
});

afterAll(async () => {
  await client?.close();
});

const doc = (uri: string) => ({ textDocument: { uri } });

describe("diagnostics as you type", () => {
  it("reports a broken buffer with exact ranges, then clears when it is fixed (incremental edit)", async () => {
    const broken = "fn f(x: u32) -> u32 {\n    x + y\n}\n";
    const first = client.nextDiagnostics(scratchUri);
    await client.open(scratchUri, broken);
    const ds = await first;
    expect(ds).toHaveLength(1);
    expect(ds[0].code).toBe("E0101");
    expect(ds[0].message).toContain("cannot find `y` in this scope");
    expect(ds[0].range).toEqual({ start: { line: 1, character: 8 }, end: { line: 1, character: 9 } });

    // Two quick edits (debounced into one check): `y` -> `z` -> `x`.
    const cleared = client.nextDiagnostics(scratchUri, (p) => p.version === 3);
    const edit = (version: number, text: string) =>
      client.conn.sendNotification("textDocument/didChange", {
        textDocument: { uri: scratchUri, version },
        contentChanges: [{ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 9 } }, text }],
      });
    await edit(2, "z");
    await edit(3, "x");
    expect(await cleared).toEqual([]);
  });

  it("reports a syntax error with the code `cwl check` prints", async () => {
    const uri = pathToFileURL(join(REPO_ROOT, "examples/__lsp_syntax.cwl")).href;
    const got = client.nextDiagnostics(uri);
    await client.open(uri, "fn f( {\n}\n");
    const ds = await got;
    expect(ds[0].code).toBe("E0011");
    expect(ds[0].range.start).toEqual({ line: 0, character: 6 });
  });
});

describe("navigation", () => {
  it("hover shows a constant's type", async () => {
    const h = await client.request<Hover>("textDocument/hover", { ...doc(merkleUri), position: posOf(merkleText, "DEPTH]") });
    expect((h.contents as { value: string }).value).toContain("const DEPTH: u32");
  });

  it("hover on a stdlib function shows its signature and doc comment", async () => {
    const h = await client.request<Hover>("textDocument/hover", { ...doc(merkleUri), position: posOf(merkleText, "root_from_path") });
    const v = (h.contents as { value: string }).value;
    expect(v).toContain("fn root_from_path(leaf: Bn254Fr");
    expect(v).toContain("The root reached from `leaf`");
  });

  it("go to definition jumps into the stdlib", async () => {
    const loc = await client.request<Location>("textDocument/definition", { ...doc(merkleUri), position: posOf(merkleText, "root_from_path", 3) });
    expect(loc.uri).toBe(pathToFileURL(join(REPO_ROOT, "stdlib/merkle.cwl")).href);
    const stdText = readFileSync(join(REPO_ROOT, "stdlib/merkle.cwl"), "utf8");
    expect(loc.range.start).toEqual(posOf(stdText, "root_from_path"));
  });

  it("finds every reference of a parameter", async () => {
    const refs = await client.request<Location[]>("textDocument/references", {
      ...doc(merkleUri),
      position: posOf(merkleText, "leaf: Bn254Fr"),
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => r.range.start)).toEqual([posOf(merkleText, "leaf: Bn254Fr"), posOf(merkleText, "leaf, path")]);
  });

  it("renames a parameter everywhere, and refuses to rename a stdlib function", async () => {
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...doc(merkleUri), position: posOf(merkleText, "leaf, path"), newName: "lf" });
    const edits = edit.changes![merkleUri];
    expect(edits).toHaveLength(2);
    expect(edits.every((e) => e.newText === "lf")).toBe(true);
    await expect(
      client.request("textDocument/rename", { ...doc(merkleUri), position: posOf(merkleText, "root_from_path"), newName: "x" }),
    ).rejects.toThrow(/standard library/);
  });

  it("lists document symbols", async () => {
    const syms = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", doc(merkleUri));
    expect(syms.map((s) => s.name)).toEqual(["DEPTH", "MerkleMembership"]);
  });

  it("gives semantic tokens for keywords, numbers, comments and names", async () => {
    const r = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", doc(merkleUri));
    expect(r.data.length % 5).toBe(0);
    const types = new Set(r.data.filter((_, i) => i % 5 === 3));
    for (const t of [0, 1, 2, 3, 4, 6]) expect(types.has(t)).toBe(true); // keyword number string comment function parameter
  });

  it("signature help names the active parameter", async () => {
    const s = await client.request<SignatureHelp>("textDocument/signatureHelp", { ...doc(merkleUri), position: posOf(merkleText, "path, index_bits)") });
    expect(s.signatures[0].label).toMatch(/^root_from_path\(leaf: Bn254Fr, path/);
    expect(s.activeParameter).toBe(1);
  });
});

describe("completion", () => {
  it("offers stdlib modules after `use std::` and items after `use std::merkle::`", async () => {
    const uri = pathToFileURL(join(REPO_ROOT, "examples/__lsp_use.cwl")).href;
    const text = "use std::\n";
    const got = client.nextDiagnostics(uri);
    await client.open(uri, text);
    await got;
    const mods = await client.request<CompletionItem[]>("textDocument/completion", { ...doc(uri), position: { line: 0, character: 9 } });
    expect(mods.map((c) => c.label)).toEqual(expect.arrayContaining(["field", "hash", "merkle", "kv"]));
    const changed = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 9 }, end: { line: 0, character: 9 } }, text: "merkle::" }],
    });
    await changed;
    const items = await client.request<CompletionItem[]>("textDocument/completion", { ...doc(uri), position: { line: 0, character: 17 } });
    expect(items.map((c) => c.label).sort()).toEqual(["assert_bit", "root_from_path", "update", "verify_path"]);
  });

  it("offers keywords, parameters and items in scope", async () => {
    const items = await client.request<CompletionItem[]>("textDocument/completion", { ...doc(merkleUri), position: posOf(merkleText, "leaf, path") });
    const labels = items.map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(["let", "assert_eq", "leaf", "index_bits", "DEPTH", "root_from_path"]));
  });

  it("offers struct fields after `.`", async () => {
    const uri = pathToFileURL(join(REPO_ROOT, "examples/__lsp_fields.cwl")).href;
    const good = "struct Pair {\n    /// left half\n    lo: u32,\n    hi: u32,\n}\nfn f(p: Pair) -> u32 {\n    p.lo\n}\n";
    const got = client.nextDiagnostics(uri);
    await client.open(uri, good);
    expect(await got).toEqual([]);
    const h = await client.request<Hover>("textDocument/hover", { ...doc(uri), position: { line: 6, character: 6 } });
    expect((h.contents as { value: string }).value).toBe("```chainweave\nfield lo: u32\n```\n\nleft half");
    // Mid-edit the buffer does not parse; completion falls back on the last checked version.
    const broken = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 6, character: 6 }, end: { line: 6, character: 8 } }, text: "" }],
    });
    await broken;
    const items = await client.request<CompletionItem[]>("textDocument/completion", { ...doc(uri), position: { line: 6, character: 6 } });
    expect(items.map((c) => c.label)).toEqual(["lo", "hi"]);
    expect(items[0].documentation).toBe("left half");
  });
});

describe("formatting", () => {
  it("returns one edit with the formatted text, and none for a file with syntax errors", async () => {
    const uri = pathToFileURL(join(REPO_ROOT, "examples/__lsp_fmt.cwl")).href;
    const got = client.nextDiagnostics(uri);
    await client.open(uri, "const A:u32=1;\nfn f(x:u32)->u32{x+A}\n");
    await got;
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { ...doc(uri), options: { tabSize: 4, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).toBe("const A: u32 = 1;\nfn f(x: u32) -> u32 {\n    x + A\n}\n");
    expect(edits[0].range).toEqual({ start: { line: 0, character: 0 }, end: { line: 2, character: 0 } });
    const none = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri: pathToFileURL(join(REPO_ROOT, "examples/__lsp_syntax.cwl")).href },
      options: { tabSize: 4, insertSpaces: true },
    });
    expect(none).toEqual([]);
  });
});
