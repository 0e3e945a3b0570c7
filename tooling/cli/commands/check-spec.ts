// `cwl check-spec FILE --spec NAME --param n=4`: model-checks a spec item. Progress goes to stderr;
// the verdict, a counterexample trace (with the `.cwl` location of every action) and a repair hint
// go to stdout. Exit 0 when every property holds, 1 on a violation or a source error, 3 when the search
// stopped at --max-states without finding a violation (unknown: not a proof).
import { progressRenderer } from "../../progress/index.ts";
import type { CommandModule } from "yargs";
import { FileManager, lineColOf } from "../../../base/files/index.ts";
import { MAX_SOURCE_BYTES, readUserText, writeUserFile } from "../../../base/files/user-file.ts";
import { renderAll, type Span } from "../../../base/diagnostics/index.ts";
import type { Progress, CheckResult } from "../../../runtime/spec/index.ts";
import { EXIT_UNKNOWN, UserError, intFlag, setExitCode } from "../main.ts";

interface Args {
  file: string;
  spec?: string;
  param?: string[];
  "max-states": number;
  symmetry: boolean;
  repair: boolean;
  promela?: string;
  workers: number;
}

export function parseParams(list: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of list ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?\d+)$/.exec(p.trim());
    if (!m) throw new UserError(`bad --param \`${p}\``, "write --param name=INTEGER, e.g. --param n=4");
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export const command: CommandModule<object, Args> = {
  command: "check-spec <file>",
  describe: "Model-check a `spec` item: invariants, liveness, noninterference; counterexample and repair hint",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: ".cwl file with the spec" })
      .option("spec", { type: "string", describe: "spec item to check (default: the only one in the file)" })
      .option("param", { type: "string", array: true, describe: "override a spec param: --param n=4 (repeatable)" })
      .option("max-states", { type: "number", default: 3_000_000, describe: "stop exploring after this many states (then exit 3: unknown)" })
      .option("symmetry", { type: "boolean", default: true, describe: "fold states that differ by renaming @symmetric ids (--no-symmetry)" })
      .option("repair", { type: "boolean", default: true, describe: "search for a repair hint on a violation (--no-repair)" })
      .option("promela", { type: "string", describe: "also write the model as Promela to this file" })
      .option("workers", { type: "number", default: 1, describe: "worker threads for the invariant search (large runs)" })
      .epilog("Exit codes: 0 every property holds, 1 a violation or a source error, 2 an internal error, 3 unknown: no violation found before --max-states (not a proof)."),
  handler: async (args) => {
    // Loaded here so that other `cwl` commands do not pay for the checker and the parser.
    const { loadSpecs } = await import("../../../compiler/spec/index.ts");
    const { instantiate, checkInstance, checkParallel, formatSummary, formatViolation, inconclusive, suggestRepair, InstantiateError } = await import(
      "../../../runtime/spec/index.ts"
    );
    intFlag("--max-states", args["max-states"], 1, 1_000_000_000);
    intFlag("--workers", args.workers, 1, 256);
    const params = parseParams(args.param);
    const fm = new FileManager();
    const file = fm.add(args.file, readUserText(args.file, { what: "file", maxBytes: MAX_SOURCE_BYTES }));
    const loaded = loadSpecs(fm, file, args.spec);
    const fileOf = (id: number) => fm.get(id);
    if (loaded.diagnostics.length) process.stderr.write(renderAll(loaded.diagnostics, fileOf) + "\n");
    if (loaded.diagnostics.some((d) => d.severity === "error")) {
      setExitCode(1);
      return;
    }
    let name = args.spec;
    if (!name) {
      if (loaded.names.length !== 1)
        throw new UserError(
          loaded.names.length ? `${args.file} has ${loaded.names.length} specs; pick one with --spec` : `${args.file} declares no spec`,
          loaded.names.length ? `specs: ${loaded.names.join(", ")}` : undefined,
        );
      name = loaded.names[0];
    }
    const model = loaded.models.get(name);
    if (!model) throw new UserError(`no spec named \`${name}\` in ${args.file}`, loaded.names.length ? `specs: ${loaded.names.join(", ")}` : undefined);

    const locate = (span: Span) => {
      const f = fm.get(span.file);
      const { line, col } = lineColOf(f, span.start);
      return `${f.path}:${line}:${col}`;
    };
    let inst;
    try {
      inst = instantiate(model, params);
    } catch (e) {
      if (!(e instanceof InstantiateError)) throw e;
      process.stderr.write(renderAll([{ severity: "error", code: "E0709", message: e.message, span: e.span }], fileOf) + "\n");
      setExitCode(1);
      return;
    }
    if (args.promela) {
      const { emitPromela } = await import("../../../backends/promela/index.ts");
      writeUserFile(args.promela, emitPromela(inst).text, "Promela file");
      process.stderr.write(`wrote ${args.promela}\n`);
    }
    const shown = Object.entries(inst.params).map(([k, v]) => `${k}=${v}`).join(", ");
    process.stdout.write(`checking spec ${name}${shown ? ` (${shown})` : ""}\n`);
    const shownProgress = progressRenderer({ prefix: "  " });
    const progress = (p: Progress) =>
      shownProgress.progress("explored", p.states, args["max-states"], `${Math.round(p.statesPerSec)} states/s, depth ${p.depth}, ${(p.elapsedMs / 1000).toFixed(1)} s`);
    const base = { maxStates: args["max-states"], symmetry: args.symmetry, onProgress: progress };
    let result: CheckResult;
    if (args.workers > 1) {
      // Invariants in parallel; temporal properties and noninterference then run single-threaded.
      const safety = [...model.invariants.map((i) => i.name), ...model.properties.filter((p) => p.kind === "always").map((p) => p.name)];
      const rest = model.properties.filter((p) => p.kind !== "always").map((p) => p.name);
      result = await checkParallel(model, params, { ...base, workers: Math.floor(args.workers), only: safety });
      if (result.ok && rest.length) {
        const safetyTruncated = result.truncated;
        result = checkInstance(inst, { ...base, only: rest });
        result.truncated ||= safetyTruncated;
      }
    } else result = checkInstance(inst, base);
    shownProgress.end();
    process.stdout.write(formatSummary(result) + "\n");
    if (inconclusive(result)) {
      process.stderr.write(`hint: raise --max-states (now ${args["max-states"]}) or lower the params to explore every state\n`);
      setExitCode(EXIT_UNKNOWN);
      return;
    }
    if (result.ok) return;
    setExitCode(1);
    const v = result.violations[0];
    process.stdout.write(formatViolation(v, locate) + "\n");
    if (!args.repair) return;
    const focus = [...v.trace].reverse().map((s) => s.action?.replace(/\(.*$/, "")).filter((x): x is string => !!x);
    const sourceOf = (span: Span) => fm.get(span.file).text.slice(span.start, span.end);
    const search = suggestRepair(model, params, { focus, sourceOf, maxStates: Math.min(args["max-states"], 500_000) });
    const e = search.edit;
    if (!e) {
      process.stdout.write(`no repair found among ${search.tried} candidate edits (${search.elapsedMs.toFixed(0)} ms)\n`);
      return;
    }
    process.stdout.write(`repair hint (${search.tried} candidate edits, ${search.elapsedMs.toFixed(0)} ms): ${e.description}\n`);
    if (e.span) {
      const before = sourceOf(e.span);
      process.stdout.write(`  at ${locate(e.span)}\n`);
      if (before) process.stdout.write(`  - ${before.replace(/\s+/g, " ")}\n`);
      process.stdout.write(`  + ${e.replacement.trim()}\n`);
    }
    process.stdout.write(`  with it every property holds: ${formatSummary(e.result)}\n`);
  },
};
