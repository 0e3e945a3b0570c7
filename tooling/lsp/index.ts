// Public face of tooling/lsp: start the language server (`cwl lsp`), and the pure feature
// functions for tools that want them without JSON-RPC.
export { startServer, type ServerOptions } from "./server.ts";
export { analyze, type Analysis } from "./analysis.ts";
export { complete, definition, documentSymbols, hover, references, rename, semanticTokens, signatureHelp, SEMANTIC_LEGEND } from "./features.ts";
