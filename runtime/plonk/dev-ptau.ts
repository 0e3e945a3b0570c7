// Where the shared, insecure 2^15 powers-of-tau file lives: `shared/data/` beside the repository (as CI
// lays it out) or /work/shared/data (developers' machines). Benches and `.ptau` import tests use it;
// absent, they skip with a printed reason.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../base/files/index.ts";

const NAME = "pot15_dev_insecure.ptau";

export function devPtauPath(): string {
  const candidates = [process.env.CWL_DEV_PTAU, join(REPO_ROOT, "..", "shared", "data", NAME), join("/work/shared/data", NAME)];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return candidates[1]!;
}
