import type { CommandModule } from "yargs";

interface Args {
  stdio: boolean;
}

export const command: CommandModule<object, Args> = {
  command: "lsp",
  describe: "Start the ChainWeave language server (JSON-RPC over stdio)",
  builder: (y) =>
    y
      // Editors pass --stdio (vscode-languageclient does); stdio is also the default.
      .option("stdio", { type: "boolean", default: true, describe: "talk JSON-RPC over stdin/stdout" }) as never,
  handler: async () => {
    // Loaded here so other commands do not pay for the server's imports.
    const { startServer } = await import("../../lsp/index.ts");
    const { createConnection, ProposedFeatures } = await import("vscode-languageserver/node.js");
    // Streams given explicitly: without them the library looks for --stdio/--node-ipc/--socket in argv
    // and throws when none is there, though stdio is this command's default.
    startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
    // Keep the command (and the process) alive until the client closes the connection.
    await new Promise<void>((resolve) => process.stdin.on("close", resolve));
  },
};
