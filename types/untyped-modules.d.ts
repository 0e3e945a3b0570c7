// Peers and tools that ship no TypeScript types. Typed loosely on purpose: they are used in
// benches and cross-check tests, behind small adapters.
declare module "circomlibjs";
declare module "ffjavascript";
declare module "snarkjs";
declare module "circom2";
declare module "solc";
