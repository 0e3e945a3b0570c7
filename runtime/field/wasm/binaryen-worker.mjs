// Runs binaryen off the tsx loader (which takes tens of seconds to pass binaryen's 14 MB index.js through).
// Protocol: the parent posts { wat, opts } on `port`, then blocks on `flag`; we reply on `port` and notify.
import { workerData } from "node:worker_threads";
const { port, flag } = workerData;
const { default: binaryen } = await import("binaryen");
port.on("message", ({ wat, opts }) => {
  let reply;
  try {
    const m = binaryen.parseText(wat);
    try {
      m.setFeatures(
        binaryen.Features.MVP | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt |
          binaryen.Features.MutableGlobals | binaryen.Features.SignExt,
      );
      if (!m.validate()) throw new Error("generated WASM module does not validate");
      binaryen.setOptimizeLevel(opts.level);
      binaryen.setShrinkLevel(0);
      binaryen.setAlwaysInlineMaxSize(opts.alwaysInline);
      binaryen.setFlexibleInlineMaxSize(opts.flexibleInline);
      m.optimize();
      reply = { binary: m.emitBinary() };
    } finally {
      m.dispose();
    }
  } catch (e) {
    reply = { error: String(e?.stack ?? e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
