// Compiles the constraint list into one straight-line function of the extended-domain index that
// returns Σ y^i·C_i (Horner), so the quotient loop runs plain BigInt code instead of walking trees.
// Every inner node becomes a local, deduplicated by its code, which gives common-subexpression
// elimination across constraints (Poseidon's S-box outputs feed three rows of the MDS, the
// permutation's factors repeat, ...). Sums stay unreduced, each product is reduced, and the result is
// brought into [0, r) once.
import type { Column, Expression } from "./cs.ts";
import { R } from "../poly/fr.ts";

export type ExtLookup = (c: Column) => readonly bigint[];

export function compileCombined(
  exprs: readonly Expression[],
  y: bigint,
  ext: ExtLookup,
  extN: number,
  extK: number,
): (i: number) => bigint {
  const arrays: (readonly bigint[])[] = [];
  const arrayIds = new Map<readonly bigint[], number>();
  const rots = new Map<number, string>();
  const temps: string[] = [];
  const memo = new Map<string, string>();
  const hoist = (code: string): string => {
    let name = memo.get(code);
    if (!name) {
      name = `t${temps.length}`;
      temps.push(`const ${name} = ${code};`);
      memo.set(code, name);
    }
    return name;
  };
  const gen = (e: Expression): string =>
    e.evaluate<string>({
      constant: (v) => `${v}n`,
      query: (c, rot) => {
        const arr = ext(c);
        let id = arrayIds.get(arr);
        if (id === undefined) {
          id = arrays.length;
          arrays.push(arr);
          arrayIds.set(arr, id);
        }
        let idx = rots.get(rot);
        if (idx === undefined) {
          idx = `r${rots.size}`;
          rots.set(rot, idx);
        }
        return hoist(`A${id}[${idx}]`);
      },
      add: (a, b) => hoist(`${a} + ${b}`),
      mul: (a, b) => hoist(`(${a} * ${b}) % R`),
      neg: (a) => hoist(`-${a}`),
      scale: (a, k) => hoist(`(${a} * ${k}n) % R`),
    });
  const results = exprs.map(gen);
  const mask = extN - 1;
  const idx = [...rots.entries()].map(([rot, name]) => `const ${name} = (i + ${(rot << extK) & mask}) & ${mask};`);
  const horner = results.map((r) => `acc = (acc * ${y}n + ${r}) % R;`);
  const body = `return function(i) {\n${idx.join("\n")}\n${temps.join("\n")}\nlet acc = 0n;\n${horner.join("\n")}\nreturn acc < 0n ? acc + R : acc;\n};`;
  const params = arrays.map((_, i) => `A${i}`);
  const factory = new Function("R", ...params, body) as (...a: unknown[]) => (i: number) => bigint;
  return factory(R, ...arrays);
}
