// The front end scales linearly on broken input too: a file four times larger, with an error every 40
// tokens, costs about four times the CPU to parse and check. Error recovery once re-scanned to the end
// of the file on each error between items, the echo filter compared each syntax error with every
// earlier one, and "did you mean" computed an edit distance to every name in scope (six times the
// cost for four times the input, growing with size); CPU time, not wall time, so that a loaded
// machine does not decide the outcome.
import { describe, expect, it } from "vitest";
import { FileManager } from "../../base/files/index.ts";
import { analyze } from "../../compiler/sema/index.ts";
import { parse, tokenize } from "../../compiler/syntax/index.ts";

/** `units` distinct fns, structs and consts, with every 40th token deleted. */
function broken(units: number): string {
  const parts = ["use std::field::Bn254Fr;\n\n"];
  for (let i = 0; i < units; i++)
    parts.push(`fn mix${i}(a: Bn254Fr, b: Bn254Fr) -> Bn254Fr {
    let c = a * b + ${i};
    let mut acc = c;
    for k in 0..4 {
        acc = acc * c + b;
    }
    if a == b { acc + 1 } else { acc - a }
}

struct Pair${i} {
    x: Bn254Fr,
    y: [Bn254Fr; 2],
}

const K${i}: u32 = ${i} * 3 + 1;

`);
  const text = parts.join("");
  const toks = tokenize(text);
  const out: string[] = [];
  let at = 0;
  for (let i = 40; i < toks.length; i += 40) {
    out.push(text.slice(at, toks[i].start));
    at = toks[i].end;
  }
  out.push(text.slice(at));
  return out.join("");
}

function cpuSeconds(text: string): { seconds: number; errors: number } {
  const fm = new FileManager();
  const c = process.cpuUsage();
  const p = parse(fm.add("broken.cwl", text));
  const a = analyze([p.module], { fm, parse, syntaxDiagnostics: p.diagnostics });
  const u = process.cpuUsage(c);
  return { seconds: (u.user + u.system) / 1e6, errors: p.diagnostics.length + a.diagnostics.length };
}

describe("scaling", () => {
  it("four times the broken input costs less than five and a half times the CPU", () => {
    const small = broken(500);
    const large = broken(2_000);
    cpuSeconds(small); // JIT warm-up
    const s = cpuSeconds(small);
    const l = cpuSeconds(large);
    // Errors grow with the input: the recovery and the checker keep reporting all along the file.
    expect(l.errors).toBeGreaterThan(3.5 * s.errors);
    expect(l.seconds / s.seconds).toBeLessThan(5.5);
  }, 60_000);
});
