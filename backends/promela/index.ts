// Public face of the Promela backend: emit a spec instance as Promela and run spin on it.
export { emitPromela, type PromelaModel } from "./emit.ts";
export { runSpin, haveSpin, type SpinResult } from "./spin.ts";
