// The off-circuit KV storage accumulator: sparse Merkle tree over Poseidon, persisted in LevelDB,
// producing per-access witnesses and lookup-table rows for the circuits in stdlib/kv and stdlib/evm.
// The circuit glue (tooling/kv/circuit.ts) is imported separately: it pulls in the compiler.
export {
  type AccessWitness,
  type Leaf,
  KvCollisionError,
  DEFAULT_DEPTH,
  MAX_DEPTH,
  checkWitness,
  emptyHashes,
  leafHash,
  nodeHash,
  rootFromPath,
  splitWord,
  storageKey,
  witnessLeaves,
} from "./smt.ts";
export { KvStore, type BlockResult, type StorageOp, type TableRow, type Progress } from "./store.ts";
export { type StorageAccess, erc20TransferTrace, storageLoopTrace, TracingChain } from "./evm/trace.ts";
export { accessesToOps } from "./ops.ts";
export { accessInputs } from "./circuit-inputs.ts";
