// Compiles the contracts of runtime/kv/evm/contracts and runtime/exec/contracts (*.sol) with solc-js
// (devDependency, pinned 0.8.28) into each folder's artifacts.json (creation + runtime bytecode). The
// artifacts are committed so that `npm run demo` and the block executor need no compiler; test/kv and
// test/exec check they match a fresh compilation.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../base/files/index.ts";
import solc from "solc";

export const CONTRACTS_DIR = join(REPO_ROOT, "runtime/kv/evm/contracts");
export const EXEC_CONTRACTS_DIR = join(REPO_ROOT, "runtime/exec/contracts");

export function compileContracts(dir = CONTRACTS_DIR): Record<string, { bytecode: string; deployedBytecode: string }> {
  const sources: Record<string, { content: string }> = {};
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".sol")).sort())
    sources[f] = { content: readFileSync(join(dir, f), "utf8") };
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n"));
  const result: Record<string, { bytecode: string; deployedBytecode: string }> = {};
  for (const file of Object.keys(out.contracts).sort())
    for (const [name, c] of Object.entries(out.contracts[file] as Record<string, any>))
      result[name] = { bytecode: c.evm.bytecode.object, deployedBytecode: c.evm.deployedBytecode.object };
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const dir of [CONTRACTS_DIR, EXEC_CONTRACTS_DIR]) {
    const artifacts = { compiler: `solc ${solc.version()}`, contracts: compileContracts(dir) };
    writeFileSync(join(dir, "artifacts.json"), JSON.stringify(artifacts, null, 2) + "\n");
    console.log(`wrote ${dir.slice(REPO_ROOT.length + 1)}/artifacts.json (${Object.keys(artifacts.contracts).join(", ")})`);
  }
}
