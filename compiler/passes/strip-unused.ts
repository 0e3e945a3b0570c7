// strip-unused: delete fn and hint items that no circuit, program, protocol, kernel or spec reaches
// through cf.call (typically every fn after `inline`), and tables no c.lookup names. Entry items stay.
import { type Module, type Region, isSymRef, walkRegion } from "../ir/index.ts";
import { registerPass } from "./manager.ts";

export function stripUnused(m: Module): void {
  const reached = new Set<string>();
  const work: Region[] = [];
  for (const f of m.funcs)
    if (f.kind !== "fn" && f.kind !== "hint") {
      reached.add(f.name);
      work.push(f.body);
    }
  while (work.length) {
    walkRegion(work.pop()!, (op) => {
      for (const a of Object.values(op.attrs)) {
        if (!isSymRef(a) || reached.has(a.sym)) continue;
        reached.add(a.sym);
        const callee = m.func(a.sym);
        if (callee) work.push(callee.body);
      }
    });
  }
  for (const f of m.funcs) if (!reached.has(f.name)) m.removeItem(f.name);
  for (const t of m.tables) if (!reached.has(t.name)) m.removeItem(t.name);
}

registerPass({
  name: "strip-unused",
  description: "delete fn/hint items and tables that no entry item reaches",
  defaultKinds: [],
  run(m) {
    stripUnused(m);
  },
});
