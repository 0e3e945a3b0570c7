// `cwl build --target plonkish`: lays the circuit out and writes a summary of the layout
// (<outDir>/<name>.plonkish.json); prints the stats (rows, columns, gates, lookups, max degree).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../../base/diagnostics/index.ts";
import type { Module } from "../../compiler/ir/index.ts";
import { stats, minimumK } from "../../runtime/plonk/index.ts";
import { compilePlonkish } from "./compile.ts";

export interface BuildOptions {
  outDir: string;
  name: string;
  entry?: string;
  /** Print the stats table (otherwise one summary line). */
  stats?: boolean;
  write?: (s: string) => void;
}

export function buildPlonkish(m: Module, opts: BuildOptions): { diagnostics: Diagnostic[]; file?: string } {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const r = compilePlonkish(m, opts.entry);
  if (!r.compiled) return { diagnostics: r.diagnostics };
  const c = r.compiled.program.circuit;
  const st = stats(c);
  const k = minimumK(c);
  const summary = {
    circuit: c.name,
    ...st,
    k,
    domain: 1 << k,
    public: r.compiled.program.publicNames,
    columns: c.columns.map((i) => ({ name: i.name, kind: i.column.kind, selector: i.selector ?? false })),
    gates: c.gates.map((g) => ({ name: g.name, polys: g.polys.map((p) => p.toString((col) => c.columnName(col))) })),
    lookups: c.lookups.map((l) => l.name),
  };
  const file = join(opts.outDir, `${opts.name}.plonkish.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2) + "\n");
  if (opts.stats)
    write(
      [
        `circuit ${c.name}`,
        `  rows        ${st.rows} (domain 2^${k} = ${1 << k})`,
        `  columns     ${st.advice} advice, ${st.fixed} fixed (${st.selectors} selectors), ${st.instance} instance`,
        `  gates       ${st.gates} (${st.gatePolys} polynomials)`,
        `  lookups     ${st.lookups}`,
        `  copies      ${st.copies}`,
        `  max degree  ${st.maxDegree}`,
      ].join("\n") + "\n",
    );
  else write(`plonkish: ${st.rows} rows, ${st.advice + st.fixed + st.instance} columns, ${st.gates} gates, ${st.lookups} lookups, max degree ${st.maxDegree}\n`);
  return { diagnostics: r.diagnostics, file };
}
