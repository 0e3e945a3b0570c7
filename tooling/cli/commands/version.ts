import type { CommandModule } from "yargs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../../base/files/index.ts";

export const command: CommandModule = {
  command: "version",
  describe: "Print the cwl version",
  handler: () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    process.stdout.write(`cwl ${pkg.version}\n`);
  },
};
