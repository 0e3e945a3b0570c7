#!/usr/bin/env node
// Entry point of the `cwl` CLI. It runs the prebuilt bundle in .cache/cli/ (scripts/build-cli.mjs)
// while that matches the sources, rebuilding it first when any input changed, so that a start does not
// pass hundreds of TypeScript modules through tsx. CWL_NO_BUNDLE=1, or a bundle that cannot be built
// or loaded (no esbuild installed, a read-only checkout), runs the sources through tsx's loader, as
// the tests and worker threads do. CWL_BUNDLE_DEBUG=1 says on stderr which one ran.
import { pathToFileURL } from "node:url";

const debug = process.env.CWL_BUNDLE_DEBUG ? (msg) => process.stderr.write(`cwl: ${msg}\n`) : () => {};

async function loadBundled() {
  try {
    const { freshBundle, buildBundle } = await import("../scripts/build-cli.mjs");
    let bundle = freshBundle();
    if (!bundle) {
      debug("bundle missing or stale: building");
      bundle = await buildBundle();
    }
    debug(`running ${bundle}`);
    // Stack traces of internal errors name the .ts lines (the bundle's source maps).
    process.setSourceMapsEnabled(true);
    // Worker threads load their .ts bodies through tsx's API themselves (runtime/pool/worker.mjs).
    return (await import(pathToFileURL(bundle).href)).main;
  } catch (e) {
    debug(`no bundle (${e?.message ?? e}): using tsx`);
    return undefined;
  }
}

async function loadSources() {
  const { register } = await import("tsx/esm/api");
  register();
  return (await import("../tooling/cli/main.ts")).main;
}

const main = (process.env.CWL_NO_BUNDLE === "1" ? undefined : await loadBundled()) ?? (await loadSources());
process.exitCode = await main(process.argv.slice(2));
