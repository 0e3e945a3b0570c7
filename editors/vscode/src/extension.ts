// The VS Code client: starts `cwl lsp --stdio` for ChainWeave files and restarts it on demand or when
// its settings change. Everything language-aware lives in the server (tooling/lsp).
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const cfg = vscode.workspace.getConfiguration("chainweave");
  const command = cfg.get<string>("server.path") || "cwl";
  const args = ["lsp", ...(cfg.get<string[]>("server.extraArgs") ?? [])];
  // `cwl` is a node script: on Windows it is a .cmd shim that needs a shell.
  const shell = process.platform === "win32";
  return {
    run: { command, args, transport: TransportKind.stdio, options: { shell } },
    debug: { command, args, transport: TransportKind.stdio, options: { shell } },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "chainweave" }, { scheme: "untitled", language: "chainweave" }],
    outputChannelName: "ChainWeave",
  };
  client = new LanguageClient("chainweave", "ChainWeave Language Server", serverOptions(), clientOptions);
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `ChainWeave: could not start \`cwl lsp\` (${(e as Error).message}). Set "chainweave.server.path" to your cwl executable.`,
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  await old?.stop();
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("chainweave.restartServer", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("chainweave.server")) void restart(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
