// `cwl new NAME`: a project folder NAME with cwl.toml, src/main.cwl, tests/main_test.cwl, .gitignore.
import { existsSync } from "node:fs";
import type { CommandModule } from "yargs";
import { displayPath } from "../../project/index.ts";
import { isEmptyDir, packageNameFor, scaffold } from "../../project/scaffold.ts";
import { UserError } from "../main.ts";

interface Args {
  name: string;
}

export const command: CommandModule<object, Args> = {
  command: "new <name>",
  describe: "Create a project folder: cwl.toml, src/main.cwl, a test, .gitignore",
  builder: (y) =>
    y
      .positional("name", { type: "string", demandOption: true, describe: "folder to create; its last part names the package" })
      .example("$0 new hello && cd hello && $0 test", "start a project and run its tests") as never,
  handler: (argv) => {
    const dir = String(argv.name);
    if (existsSync(dir) && !isEmptyDir(dir)) throw new UserError(`${dir} already exists and is not empty`, `pick another name, or run \`cwl init\` inside ${dir}`);
    const name = packageNameFor(dir);
    if (!name) throw new UserError(`cannot make a package name from \`${dir}\``, "the folder name must start with a letter or `_` (it is used as `use name::...`), and not be std/self/super/crate");
    scaffold(dir, name);
    process.stdout.write(`created package \`${name}\` in ${displayPath(dir)}\nnext: cd ${dir} && cwl test\n`);
  },
};
