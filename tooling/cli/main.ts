// The `cwl` CLI. Each subcommand lives in commands/<name>.ts and exports `command` (a yargs
// CommandModule); they are discovered from that folder so that backends add commands without
// editing this file (the prebuilt bundle, scripts/build-cli.mjs, lists the same folder at build time
// and passes them in). Exit codes: 0 ok, 1 user error (diagnostics printed), 2 internal error.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import yargs, { type CommandModule } from "yargs";
import { CompileError } from "../../base/diagnostics/index.ts";
import { UserFileError } from "../../base/files/user-file.ts";
import { onInternalError } from "../../compiler/pipeline/index.ts";

export const EXIT_OK = 0;
export const EXIT_USER = 1;
export const EXIT_INTERNAL = 2;
/** `cwl check-spec` only: no violation found, but the search stopped at its state limit (not a proof). */
export const EXIT_UNKNOWN = 3;

/** Thrown by commands for user errors that are not source diagnostics (bad flag values, missing files). */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "UserError";
  }
}

async function loadCommands(): Promise<CommandModule[]> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "commands");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort();
  const mods: CommandModule[] = [];
  for (const f of files) {
    const m = (await import(pathToFileURL(join(dir, f)).href)) as { command?: CommandModule };
    if (m.command) mods.push(m.command);
  }
  return mods;
}

/** `commands`: the subcommands, when the caller has them already (the bundle); else read from commands/. */
export async function main(argv: string[], commands?: readonly CommandModule[]): Promise<number> {
  let exit = EXIT_OK;
  const setExit = (code: number) => {
    exit = Math.max(exit, code);
  };
  (globalThis as { __cwlSetExit?: (c: number) => void }).__cwlSetExit = setExit;
  // `cwl build ... | head -3`: the reader closing early is not an error of ours; stop quietly.
  const onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(exit);
    throw e;
  };
  if (!process.stdout.listeners("error").some((l) => (l as { cwlEpipe?: boolean }).cwlEpipe)) {
    (onStdoutError as { cwlEpipe?: boolean }).cwlEpipe = true;
    process.stdout.on("error", onStdoutError);
  }
  try {
    const cli = yargs(argv)
      .scriptName("cwl")
      .usage("$0 <command> [options]\n\nChainWeave: one language for circuits, zkVM guests, MPC protocols, kernels and specs.")
      .strict()
      .demandCommand(1, "Name a command; `cwl --help` lists them.")
      .recommendCommands()
      .help()
      .alias("h", "help")
      .version(false)
      .wrap(Math.min(100, process.stdout.columns ?? 100))
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`error: ${msg}\nhint: run \`cwl --help\` for usage\n`);
        setExit(EXIT_USER);
      });
    for (const c of commands ?? (await loadCommands())) cli.command(c);
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof CompileError) {
      // Commands render their own diagnostics before throwing; this is a fallback.
      process.stderr.write(e.message + "\n");
      return EXIT_USER;
    }
    if (e instanceof UserError || e instanceof UserFileError) {
      process.stderr.write(`error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
      return EXIT_USER;
    }
    process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\nThis is a bug in cwl; please report it.\n`);
    return EXIT_INTERNAL;
  }
  return exit;
}

/**
 * An integer flag checked against its allowed range (inclusive), so that a bad value is named with the
 * range instead of failing deep inside (a domain of 2^40 rows, NaN states). Undefined passes through.
 */
export function intFlag(flag: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UserError(`${flag} must be an integer from ${min} to ${max}, not ${Number.isNaN(value) ? "a non-number" : value}`);
  return value;
}

/** Commands call this to mark the run as failed without throwing (e.g. diagnostics were printed). */
export function setExitCode(code: number): void {
  (globalThis as { __cwlSetExit?: (c: number) => void }).__cwlSetExit?.(code);
}

// A compile that reports an internal error (a bug in cwl) makes the run exit 2, whichever command ran it.
onInternalError(() => setExitCode(EXIT_INTERNAL));
