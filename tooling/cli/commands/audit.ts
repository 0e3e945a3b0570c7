// `cwl audit <file>`: the under-constraint checker over the PLONKish layout (spec/audit.md). Exit 0
// when every cell and output is uniquely determined by the inputs, 1 when there is a finding (or the
// circuit does not lower: the lowering's diagnostics), 2 for an internal error.
import type { CommandModule } from "yargs";
import { CliError } from "../plonkish-error.ts";
import { UserError, setExitCode } from "../main.ts";
import { progressRenderer } from "../../progress/index.ts";
import { formatLocation, renderAll } from "../../../base/diagnostics/index.ts";

interface Args {
  file: string;
  circuit?: string;
  json?: boolean;
  "search-ms"?: number;
}

export const command: CommandModule<object, Args> = {
  command: "audit <file>",
  describe: "Find under-constrained cells and outputs in a circuit's PLONKish layout",
  builder: (y) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: ".cwl source or .cwir IR text" })
      .option("circuit", { type: "string", describe: "circuit to audit when the file has several" })
      .option("json", { type: "boolean", default: false, describe: "print the report as JSON on stdout" })
      .option("search-ms", { type: "number", default: 4000, describe: "time budget of the witness search that confirms findings (ms)" })
      .example("$0 audit examples/range_lookup.cwl", "exit 0: every cell is determined by the inputs"),
  handler: async (a) => {
    const { loadCircuit } = await import("../plonkish.ts");
    const { auditCompiled, findingDiagnostics } = await import("../../../backends/plonkish/audit/index.ts");
    const searchMs = a["search-ms"] ?? 4000;
    if (!Number.isFinite(searchMs) || searchMs < 0) throw new UserError(`--search-ms must be a non-negative number of milliseconds, not ${a["search-ms"]}`);
    let loaded;
    try {
      loaded = loadCircuit(a.file, a.circuit);
    } catch (e) {
      if (e instanceof CliError) throw new UserError(e.message, e.hint);
      // A lowering that throws is a backend bug: say so in one line (exit 2), without a stack trace.
      process.stderr.write(`internal error: the PLONKish lowering failed on ${a.file}: ${(e as Error)?.message ?? String(e)}\nThis is a bug in cwl; please report it.\n`);
      setExitCode(2);
      return;
    }
    if (!loaded.compiled) {
      process.stderr.write(loaded.render() + "\n");
      setExitCode(1);
      return;
    }
    const rows = loaded.compiled.program.circuit.rows;
    // Progress on stderr for big layouts.
    const shown = rows >= 4096 ? progressRenderer({ prefix: "audit: " }) : undefined;
    let report;
    try {
      report = auditCompiled(loaded.compiled, { searchMs, progress: shown?.progress });
    } catch (e) {
      shown?.end();
      process.stderr.write(`internal error: the audit failed on ${a.file}: ${(e as Error)?.message ?? String(e)}\nThis is a bug in cwl; please report it.\n`);
      setExitCode(2);
      return;
    }
    shown?.end();
    const diags = findingDiagnostics(report);
    if (a.json) {
      const out = {
        file: a.file,
        ...report,
        findings: report.findings.map((fd) => ({
          ...fd,
          span: undefined,
          witnesses: undefined,
          location: fd.span ? formatLocation(fd.span, loaded.fileOf) : undefined,
          cause: fd.cause ? { subject: fd.cause.subject, location: fd.cause.span ? formatLocation(fd.cause.span, loaded.fileOf) : undefined } : undefined,
        })),
        free: report.free.map((g) => ({ ...g, span: undefined, location: g.span ? formatLocation(g.span, loaded.fileOf) : undefined })),
      };
      process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    } else {
      if (diags.length) process.stderr.write(renderAll(diags, loaded.fileOf) + "\n");
      const confirmed = report.findings.filter((f) => f.status === "confirmed").length;
      process.stdout.write(
        `audit ${report.circuit}: ${report.rows} rows, ${report.variables} cells after copies, ${report.determined} determined by propagation; ` +
          (diags.length ? `${diags.length} finding${diags.length > 1 ? "s" : ""} (${confirmed} confirmed by two witnesses)\n` : "no findings\n"),
      );
      for (const n of report.notes) process.stdout.write(`note: ${n}\n`);
      const free = report.free.reduce((n, g) => n + g.count, 0);
      if (free)
        process.stdout.write(`note: ${free} free helper cell${free > 1 ? "s (e.g. an is-zero inverse when its input is 0) influence" : " (e.g. an is-zero inverse when its input is 0) influences"} no determined cell; --json lists them\n`);
    }
    if (diags.length) setExitCode(1);
  },
};
