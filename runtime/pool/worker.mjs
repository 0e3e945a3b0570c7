// Bootstrap of the runtime worker threads: worker threads of Node 20 do not inherit tsx's loader from
// `--import tsx`, so the TypeScript worker body is loaded through tsx's API (works under node, the CLI and vitest).
import { tsImport } from "tsx/esm/api";
await tsImport("./worker.ts", import.meta.url);
