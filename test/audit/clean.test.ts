// `cwl audit` over every example the PLONKish backend lowers, the stdlib wrappers and the generated
// std::kv circuits: each finding must be in allow.json with its reason, and each entry there must
// still be found (so the list neither hides new findings nor keeps fixed ones).
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";
import { cleanCases, findingKeys, auditCompiled } from "./clean.ts";

interface Allowed {
  finding: string;
  status: "bug" | "justified";
  reason: string;
}
const allow = JSON.parse(readFileSync(join(REPO_ROOT, "test", "audit", "allow.json"), "utf8")) as { circuits: Record<string, Allowed[]> };

describe("audit: stdlib and examples", () => {
  it("every allow-list entry names a circuit of this suite and gives a reason", () => {
    const names = new Set(cleanCases().map((c) => c.name));
    for (const [circuit, list] of Object.entries(allow.circuits)) {
      expect(names.has(circuit), circuit).toBe(true);
      for (const e of list) expect(e.reason.length, `${circuit}: ${e.finding}`).toBeGreaterThan(20);
    }
  });

  for (const c of cleanCases())
    it(c.name, () => {
      const l = c.load();
      expect(l.compiled, l.why).toBeDefined();
      const report = auditCompiled(l.compiled!, { searchMs: 300 });
      const found = [...new Set(findingKeys(report, l.fileOf))].sort();
      const allowed = (allow.circuits[c.name] ?? []).map((e) => e.finding).sort();
      expect(found, `findings of ${c.name} (allow.json lists the accepted ones)`).toEqual(allowed);
    });
});
