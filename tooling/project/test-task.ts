// runtime/pool task of `cwl test --jobs N`: one file's tests in a worker thread (which shares the
// process's current folder, so paths read and print as in the command).
import { type FileTestOptions, type FileTestReport, testFile } from "./test-file.ts";

export function testFileTask(args: { file: string; opts: FileTestOptions }): FileTestReport {
  return testFile(args.file, args.opts);
}
