// Public face of the Promela backend: emit a spec instance, or every spec of a CWIR module, as
// Promela and run spin on it.
export { emitPromela, type PromelaModel } from "./emit.ts";
export { buildPromela, type PromelaBuild } from "./build.ts";
export { runSpin, haveSpin, type SpinResult } from "./spin.ts";
