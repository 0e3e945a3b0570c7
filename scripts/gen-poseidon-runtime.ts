// Writes runtime/hash/poseidon-bn254.json: circomlib's Poseidon constants (round constants C and MDS
// matrices M) for t = 2..6 over BN254 Fr, taken from circomlibjs (devDependency). The runtime reads
// the JSON so that it does not depend on circomlibjs at run time; test/hash checks outputs against
// circomlibjs so a stale or edited file is caught.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../base/files/index.ts";
import { pathToFileURL } from "node:url";

// circomlibjs does not export this subpath, so import the file by path.
const constantsUrl = pathToFileURL(join(REPO_ROOT, "node_modules/circomlibjs/src/poseidon_constants.js")).href;
const constants = (await import(constantsUrl)).default as { C: string[][]; M: string[][][] };

const T_MAX = 6;
const out = {
  source: "circomlibjs@0.1.7 src/poseidon_constants.js (hadeshash grain LFSR, x^5, RF=8)",
  roundsF: 8,
  roundsP: [56, 57, 56, 60, 60].slice(0, T_MAX - 1),
  C: constants.C.slice(0, T_MAX - 1),
  M: constants.M.slice(0, T_MAX - 1),
};
writeFileSync(join(REPO_ROOT, "runtime/hash/poseidon-bn254.json"), JSON.stringify(out) + "\n");
console.log("wrote runtime/hash/poseidon-bn254.json");
