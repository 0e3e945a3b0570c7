#!/usr/bin/env node
// Entry point of the `cwl` CLI. Sources are TypeScript, run through tsx's loader so that the CLI,
// the tests and worker threads all execute the same files.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../compiler/driver/main.ts");
process.exitCode = await main(process.argv.slice(2));
