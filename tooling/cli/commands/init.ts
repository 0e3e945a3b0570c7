// `cwl init`: make the current folder (or DIR) a project; existing files are kept.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { MANIFEST, displayPath } from "../../project/index.ts";
import { packageNameFor, scaffold } from "../../project/scaffold.ts";
import { UserError } from "../main.ts";

interface Args {
  dir: string;
  name?: string;
}

export const command: CommandModule<object, Args> = {
  command: "init [dir]",
  describe: "Make a folder a project (adds cwl.toml and whatever of src/main.cwl, a test, .gitignore is missing)",
  builder: (y) =>
    y
      .positional("dir", { type: "string", default: ".", describe: "project folder" })
      .option("name", { type: "string", describe: "package name (default: from the folder name)" }) as never,
  handler: (argv) => {
    const dir = argv.dir;
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`${dir} is not a folder`, "give a folder (default: the current one)");
    if (existsSync(join(dir, MANIFEST))) throw new UserError(`${displayPath(join(dir, MANIFEST))} already exists`, "edit it, or remove it to start over");
    const name = argv.name ?? packageNameFor(dir);
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || ["std", "self", "super", "crate"].includes(name))
      throw new UserError(`\`${name ?? dir}\` is not a usable package name`, "give one with --name: letters, digits and `_`, not starting with a digit");
    const written = scaffold(dir, name);
    process.stdout.write(`initialised package \`${name}\` in ${displayPath(dir)} (wrote ${written.join(", ")})\n`);
  },
};
