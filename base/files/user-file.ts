// Reading the files a user names (sources, inputs, keys, proofs, bundles, state files): one place that
// checks that the path is a regular, readable file of a sane size and, for text, that it is text, and
// says what is wrong in a sentence. Callers turn UserFileError into a diagnostic or a CLI error (exit 1);
// nothing here lets an fs error code (ENOENT, EISDIR, EACCES) reach the user as a stack trace.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class UserFileError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UserFileError";
  }
}

/** A file that is readable but not text (a NUL byte, invalid UTF-8): sources report it as E0006. */
export class NotTextError extends UserFileError {}

/** Largest file read whole into memory by default (sources, JSON inputs, keys, proofs). */
export const MAX_USER_FILE_BYTES = 256 * 2 ** 20;
/** Largest `.cwl` / `.cwir` source: far beyond any real module, small enough to check in memory. */
export const MAX_SOURCE_BYTES = 64 * 2 ** 20;

export interface UserFileOptions {
  /** What the file is, for messages: "source file", "inputs file", "verifying key" (default "file"). */
  what?: string;
  /** Size limit in bytes (default MAX_USER_FILE_BYTES); Infinity for files read in pieces (.ptau). */
  maxBytes?: number;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 0)} MiB`;

function failure(path: string, what: string, e: unknown): UserFileError {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return new UserFileError(`cannot read ${what} \`${path}\`: no such file`, "check the path");
    case "ENOTDIR":
      return new UserFileError(`cannot read ${what} \`${path}\`: a folder on the path is a file`, "check the path");
    case "EISDIR":
      return new UserFileError(`${what} \`${path}\` is a directory, not a file`, "name a file inside it");
    case "EACCES":
    case "EPERM":
      return new UserFileError(`cannot read ${what} \`${path}\`: permission denied`, "check the file's permissions");
    case "ENAMETOOLONG":
      return new UserFileError(`cannot read ${what}: the path is too long`);
    case "ELOOP":
      return new UserFileError(`cannot read ${what} \`${path}\`: too many symbolic links`);
    default:
      return new UserFileError(`cannot read ${what} \`${path}\`: ${(e as Error)?.message ?? String(e)}`);
  }
}

/**
 * Checks that `path` names a readable regular file within the size limit and returns its size; throws
 * UserFileError otherwise. For files the caller reads itself (in pieces, or through a library).
 */
export function checkUserFile(path: string, opts: UserFileOptions = {}): number {
  const what = opts.what ?? "file";
  if (typeof path !== "string" || path === "") throw new UserFileError(`no ${what} given`);
  let fd: number;
  try {
    // Opening (not just stat) proves it is readable; O_NONBLOCK keeps a FIFO from blocking the open.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw failure(path, what, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UserFileError(`${what} \`${path}\` is a directory, not a file`, "name a file inside it");
    if (!st.isFile()) throw new UserFileError(`${what} \`${path}\` is not a regular file`, "give a file on disk (not a device, pipe or socket)");
    const max = opts.maxBytes ?? MAX_USER_FILE_BYTES;
    if (st.size > max) throw new UserFileError(`${what} \`${path}\` is too large: ${mib(st.size)}, the limit is ${mib(max)}`, "is it the right file?");
    return st.size;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of a user file, after checkUserFile's checks. */
export function readUserFile(path: string, opts: UserFileOptions = {}): Buffer {
  const what = opts.what ?? "file";
  const size = checkUserFile(path, opts);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw failure(path, what, e);
  }
  try {
    // Read up to the checked size (+1 to notice a file that grew meanwhile), never more.
    const max = opts.maxBytes ?? MAX_USER_FILE_BYTES;
    const buf = Buffer.alloc(Math.min(size + 1, max + 1));
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > max) throw new UserFileError(`${what} \`${path}\` is too large: the limit is ${mib(max)}`, "is it the right file?");
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof UserFileError) throw e;
    throw failure(path, what, e);
  } finally {
    closeSync(fd);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Why `bytes` is not text (a NUL byte, or invalid UTF-8), with the 1-based line of the first offending
 * byte; undefined for text. A binary file is one finding, not thousands of lexer errors.
 */
export function notTextReason(bytes: Uint8Array): string | undefined {
  const lineAt = (offset: number) => {
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
    return line;
  };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `it has a NUL byte (line ${lineAt(nul)}, byte offset ${nul})`;
  try {
    utf8.decode(bytes);
    return undefined;
  } catch {
    return `it is not valid UTF-8 (line ${lineAt(firstInvalidUtf8(bytes))}, byte offset ${firstInvalidUtf8(bytes)})`;
  }
}

/** Offset of the first byte that does not continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const len = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    try {
      utf8.decode(b.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return b.length;
}

/** A user file as text: checkUserFile's checks, then one finding if it is not text. */
export function readUserText(path: string, opts: UserFileOptions = {}): string {
  const bytes = readUserFile(path, opts);
  const why = notTextReason(bytes);
  if (why) throw new NotTextError(`${opts.what ?? "file"} \`${path}\` is not a text file: ${why}`, "is it the right file?");
  return bytes.toString("utf8");
}

/** A user file parsed as JSON; a syntax error names the file. */
export function readUserJson(path: string, opts: UserFileOptions = {}): unknown {
  const text = readUserText(path, opts);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserFileError(`${opts.what ?? "file"} \`${path}\` is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Writes an output file the user named (`-o`, `--out`, `--promela`), creating its folder; a directory in
 * the way, a read-only folder or a full disk is a UserFileError, not a stack trace.
 */
export function writeUserFile(path: string, data: string | Uint8Array, what = "output file"): void {
  try {
    mkdirSync(dirname(path) || ".", { recursive: true });
    writeFileSync(path, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === "EISDIR") throw new UserFileError(`cannot write ${what} \`${path}\`: it is a directory`, "name a file, not a folder");
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") throw new UserFileError(`cannot write ${what} \`${path}\`: permission denied`);
    if (code === "ENOTDIR" || code === "EEXIST") throw new UserFileError(`cannot write ${what} \`${path}\`: a file on the path is not a folder`);
    if (code === "ENOSPC") throw new UserFileError(`cannot write ${what} \`${path}\`: no space left on the device`);
    throw new UserFileError(`cannot write ${what} \`${path}\`: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Creates an output folder the user named (`-o DIR`); a file in the way is a UserFileError. */
export function makeUserDir(path: string, what = "output folder"): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === "EEXIST" || code === "ENOTDIR") throw new UserFileError(`cannot create ${what} \`${path}\`: a file is in the way`, "name a folder");
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") throw new UserFileError(`cannot create ${what} \`${path}\`: permission denied`);
    throw new UserFileError(`cannot create ${what} \`${path}\`: ${(e as Error)?.message ?? String(e)}`);
  }
}
