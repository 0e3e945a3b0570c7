// Bootstrap of an execution lane's worker thread: worker threads of Node 20 do not inherit tsx's loader
// from `--import tsx`, so the TypeScript body is loaded through tsx's API (as runtime/pool/worker.mjs does).
import { tsImport } from "tsx/esm/api";
await tsImport("./lane-worker.ts", import.meta.url);
