// Bootstrap of the checker's worker threads: Node 20 workers do not inherit tsx's loader from
// `--import tsx`, so the TypeScript body is loaded through tsx's API (node, the CLI and vitest).
import { tsImport } from "tsx/esm/api";
await tsImport("./parallel-worker.ts", import.meta.url);
