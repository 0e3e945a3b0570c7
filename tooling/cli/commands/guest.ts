// `cwl guest new --lang rust|go NAME`: a guest folder using the SDK in guests/ (spec/guests.md).
// `cwl guest build DIR [-o OUT]`: compiles it to WebAssembly with the toolchain found (rustc with the
// wasm32 standard library, or Go with GOOS=wasip1), saying which one is missing and how to install it.
import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { CommandModule } from "yargs";
import { UserError } from "../main.ts";

interface Args {
  action: string;
  target: string;
  lang?: string;
  o?: string;
}

export const command: CommandModule<object, Args> = {
  command: "guest <action> <target>",
  describe: "zkVM guests in Rust or Go: `new --lang rust|go NAME` scaffolds one, `build DIR` compiles it to .wasm",
  builder: (y) =>
    y
      .positional("action", { type: "string", choices: ["new", "build"], demandOption: true })
      .positional("target", { type: "string", demandOption: true, describe: "new: the folder to create (its name names the guest); build: the guest's folder" })
      .option("lang", { type: "string", choices: ["rust", "go"], describe: "new: the guest's language" })
      .option("o", { type: "string", describe: "build: the .wasm to write (default DIR/build/NAME.wasm)" })
      .example("$0 guest new --lang rust hello && $0 guest build hello", "a Rust guest, built to hello/build/hello.wasm")
      .example("$0 run hello/build/hello.wasm", "compile it for the zkVM and run it") as never,
  handler: async (argv) => {
    const g = await import("../../guest/index.ts");
    try {
      if (argv.action === "new") {
        if (!argv.lang) throw new UserError("`cwl guest new` needs --lang rust or --lang go");
        const files = g.scaffoldGuest(argv.lang as "rust" | "go", argv.target);
        process.stdout.write(`created a ${argv.lang} guest in ${argv.target}: ${files.map((f) => basename(f)).join(", ")}\nnext: cwl guest build ${argv.target}\n`);
        return;
      }
      const dir = argv.target;
      if (!existsSync(dir)) throw new UserError(`${dir} does not exist`, "create a guest with `cwl guest new --lang rust|go NAME`");
      if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is not a folder`, "`cwl guest build` takes the guest's folder (with src/main.rs or go.mod)");
      const out = argv.o ?? join(dir, "build", `${basename(resolve(dir))}.wasm`);
      if (!out.endsWith(".wasm")) throw new UserError(`-o ${out}: the output must be a .wasm file`);
      process.stderr.write(`building ${dir} …\n`);
      const r = g.buildGuestDir(dir, out);
      process.stdout.write(`built ${r.wasm} (${r.lang})\nnext: cwl build ${r.wasm} --target zkvm, or cwl run ${r.wasm}\n`);
    } catch (e) {
      if (e instanceof g.GuestError) throw new UserError(e.message, e.hint);
      throw e;
    }
  },
};
