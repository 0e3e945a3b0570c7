export { Spdz2kParty, type Cheat } from "./online.ts";
export { InsecureDealer, matmulClear, type Preprocessing, type Share, type Triple, type TriplePair, type MatrixTriple, type TruncPair } from "./preprocessing.ts";
export { K, S, KS, mod, modK, signedK, packWords, unpackWords, Prg } from "./ring.ts";
