// A minimal LSP client for tests: spawns `cwl lsp --stdio` and talks JSON-RPC to it with vscode-jsonrpc.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from "vscode-jsonrpc/node.js";
import type { Diagnostic, Position, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { REPO_ROOT } from "../../base/files/index.ts";

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  private diags = new Map<string, PublishDiagnosticsParams[]>();
  private waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  stderr = "";

  constructor() {
    this.proc = spawn(process.execPath, [join(REPO_ROOT, "bin/cwl.js"), "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr!.on("data", (d) => (this.stderr += String(d)));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      const list = this.diags.get(p.uri) ?? [];
      list.push(p);
      this.diags.set(p.uri, list);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.pred(p)) return true;
        w.resolve(p.diagnostics);
        return false;
      });
    });
    this.conn.listen();
  }

  async initialize(): Promise<{ capabilities: Record<string, unknown> }> {
    const r = await this.conn.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(REPO_ROOT).href, capabilities: {} });
    await this.conn.sendNotification("initialized", {});
    return r as { capabilities: Record<string, unknown> };
  }

  /** Resolves with the first diagnostics published for `uri` (from now on) that satisfy `pred`. */
  nextDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<Diagnostic[]> {
    return new Promise((resolve) => this.waiters.push({ uri, pred, resolve }));
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "chainweave", version, text } });
  }

  request<R>(method: string, params: object): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async close(): Promise<void> {
    try {
      await this.conn.sendRequest("shutdown");
      await this.conn.sendNotification("exit");
    } catch {
      // already gone
    }
    this.conn.dispose();
    this.proc.kill();
  }
}

/** LSP position of the `k`-th character of the first occurrence of `needle` in `text`. */
export function posOf(text: string, needle: string, k = 0): Position {
  const off = text.indexOf(needle);
  if (off < 0) throw new Error(`not found: ${needle}`);
  const before = text.slice(0, off + k).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}
