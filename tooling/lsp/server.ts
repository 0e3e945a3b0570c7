// The ChainWeave language server over JSON-RPC (stdio by default). Documents sync incrementally;
// each change schedules a debounced re-check, and every request first brings its document's
// analysis up to date, so answers never describe stale text.
import { fileURLToPath } from "node:url";
import {
  type Connection,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { formatSource } from "../format/index.ts";
import { type Analysis, analyze, lspDiagnostics, toRange } from "./analysis.ts";
import {
  RenameError,
  SEMANTIC_LEGEND,
  complete,
  definition,
  documentSymbols,
  hover,
  prepareRename,
  references,
  rename,
  semanticTokens,
  signatureHelp,
} from "./features.ts";

export interface ServerOptions {
  /** Delay between the last keystroke and the re-check (ms). */
  debounceMs?: number;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all), opts: ServerOptions = {}): Connection {
  const debounce = opts.debounceMs ?? 200;
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  /** The last analysis that produced a checked program: completion falls back on it mid-edit. */
  const lastGood = new Map<string, Analysis>();
  const timers = new Map<string, NodeJS.Timeout>();

  const pathOf = (uri: string): string => (uri.startsWith("file:") ? fileURLToPath(uri) : uri);

  /** The analysis of the document's current text, computed now if the debounce has not run yet. */
  function current(uri: string): Analysis | undefined {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const have = analyses.get(uri);
    if (have && have.version === doc.version) return have;
    return refresh(uri);
  }

  function refresh(uri: string): Analysis | undefined {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    let a: Analysis;
    try {
      a = analyze(pathOf(uri), doc.getText(), doc.version);
    } catch (e) {
      connection.console.error(`cwl: internal error while checking ${uri}: ${(e as Error)?.stack ?? e}`);
      return analyses.get(uri);
    }
    analyses.set(uri, a);
    if (a.result.checked && !a.result.diagnostics.some((d) => d.severity === "error" && d.code < "E0100")) lastGood.set(uri, a);
    void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: lspDiagnostics(a) });
    return a;
  }

  function schedule(uri: string, delay: number): void {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => refresh(uri), delay),
    );
  }

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: [".", ":"] },
      signatureHelpProvider: { triggerCharacters: ["(", ","] },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
    },
    serverInfo: { name: "cwl-lsp", version: "0.1.0" },
  }));

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => schedule(e.document.uri, debounce));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    analyses.delete(e.document.uri);
    lastGood.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const withAnalysis =
    <P extends { textDocument: { uri: string } }, R>(f: (a: Analysis, p: P) => R, empty: R) =>
    (p: P): R => {
      const a = current(p.textDocument.uri);
      return a ? f(a, p) : empty;
    };

  connection.onHover(withAnalysis((a, p) => hover(a, p.position), null));
  connection.onDefinition(withAnalysis((a, p) => definition(a, p.position), null));
  connection.onReferences(withAnalysis((a, p) => references(a, p.position, p.context.includeDeclaration), []));
  connection.onPrepareRename((p) => {
    const a = current(p.textDocument.uri);
    if (!a) return null;
    try {
      return prepareRename(a, p.position);
    } catch (e) {
      if (e instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidRequest, e.message);
      throw e;
    }
  });
  connection.onRenameRequest((p) => {
    const a = current(p.textDocument.uri);
    if (!a) return null;
    try {
      return rename(a, p.position, p.newName);
    } catch (e) {
      if (e instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidRequest, e.message);
      throw e;
    }
  });
  connection.onCompletion((p) => {
    const doc = documents.get(p.textDocument.uri);
    const a = current(p.textDocument.uri);
    if (!doc || !a) return [];
    return complete(doc.getText(), p.position, a, lastGood.get(p.textDocument.uri));
  });
  connection.onSignatureHelp((p) => {
    const doc = documents.get(p.textDocument.uri);
    const a = current(p.textDocument.uri);
    if (!doc || !a) return null;
    return signatureHelp(doc.getText(), p.position, lastGood.get(p.textDocument.uri) ?? a);
  });
  connection.onDocumentSymbol(withAnalysis((a) => documentSymbols(a), []));
  connection.languages.semanticTokens.on(withAnalysis((a) => ({ data: semanticTokens(a) }), { data: [] }));
  connection.onDocumentFormatting(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const r = await formatSource(doc.getText(), { path: pathOf(p.textDocument.uri), tabWidth: p.options.tabSize });
    // A buffer with syntax errors is left alone; its diagnostics are already shown.
    if (!r.ok || !r.changed) return [];
    const a = current(p.textDocument.uri);
    const end = a ? toRange(a.file, { start: 0, end: a.file.text.length }).end : doc.positionAt(doc.getText().length);
    return [{ range: { start: { line: 0, character: 0 }, end }, newText: r.text }];
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
