// Signatures of the protocol. `BlsSigner` is the real scheme: BLS on BLS12-381 (noble), short
// signatures in G1 (48 bytes) and public keys in G2 (96 bytes). Votes on the same message aggregate
// by point addition, and a certificate verifies with ONE pairing check: e(σ, g2) = e(H(m), Σ pk_i).
// Rogue-key attacks on same-message aggregation are excluded by a proof of possession of every key
// (a signature on the key itself under a separate domain tag), checked when the key set is loaded.
import { createHash, randomBytes } from "node:crypto";
import { bls12_381 } from "@noble/curves/bls12-381.js";

export interface Signer {
  /** Signature of node `node` (this process must hold its secret key). */
  sign(node: number, msg: string): string;
  verify(node: number, msg: string, sig: string): boolean;
  aggregate(sigs: string[]): string;
  /** Decode a signature ahead of `aggregate` (votes are decoded as they arrive, not all at the end). */
  prepare?(sig: string): void;
  /** One check of an aggregate signature by `signers` on the same message. */
  verifyAggregate(signers: number[], msg: string, sig: string): boolean;
}

const bls = bls12_381.shortSignatures;
const DST_POP = "CWL-BFT-POP-BLS12381G1";

/** Deterministic development keys: secret key i derived from SHA-512(seed || i) (48 bytes of it). */
export function devSecretKey(seed: string, i: number): Uint8Array {
  const h = createHash("sha512").update(`cwl-bft-key|${seed}|${i}`).digest().subarray(0, 48);
  return bls.keygen(new Uint8Array(h)).secretKey;
}

type G1 = ReturnType<typeof bls.hash>;
type G2 = ReturnType<typeof bls.getPublicKey>;

export interface BlsKeys {
  publicKeys: Uint8Array[];
  /** Proofs of possession, one per public key. */
  pops: Uint8Array[];
  /** The secret keys this process holds, by node id. */
  secrets: Map<number, Uint8Array>;
}

/** One node's key: a secret from the OS's random generator, its public key and proof of possession (hex). */
export interface NodeKey {
  secretKey: string;
  publicKey: string;
  pop: string;
}

export function generateNodeKey(): NodeKey {
  return nodeKeyOf(bls.keygen(new Uint8Array(randomBytes(48))).secretKey);
}

export function nodeKeyOf(sk: Uint8Array): NodeKey {
  const pk = bls.getPublicKey(sk).toBytes();
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  return { secretKey: hex(sk), publicKey: hex(pk), pop: hex(bls.sign(bls.hash(pk, DST_POP), sk).toBytes()) };
}

/**
 * The key set of a cluster from its configured public keys and proofs of possession (hex, by node id)
 * and this node's secret key, which must be the secret of `publicKeys[id]`.
 */
export function clusterKeys(publicKeys: string[], pops: string[], id: number, secretKey: string): BlsKeys {
  const sk = hexBytes(secretKey);
  if (nodeKeyOf(sk).publicKey !== publicKeys[id].toLowerCase()) throw new Error(`the secret key is not the one of node ${id}'s public key`);
  return { publicKeys: publicKeys.map(hexBytes), pops: pops.map(hexBytes), secrets: new Map([[id, sk]]) };
}

export function devKeys(seed: string, n: number, own: number[]): BlsKeys {
  const publicKeys: Uint8Array[] = [];
  const pops: Uint8Array[] = [];
  const secrets = new Map<number, Uint8Array>();
  for (let i = 0; i < n; i++) {
    const sk = devSecretKey(seed, i);
    const pk = bls.getPublicKey(sk).toBytes();
    publicKeys.push(pk);
    pops.push(bls.sign(bls.hash(pk, DST_POP), sk).toBytes());
    if (own.includes(i)) secrets.set(i, sk);
  }
  return { publicKeys, pops, secrets };
}

export class BlsSigner implements Signer {
  private pks: G2[];
  private hashed = new Map<string, G1>();
  private aggPk = new Map<string, G2>();

  constructor(private keys: BlsKeys) {
    this.pks = keys.publicKeys.map((b, i) => {
      const pk = bls12_381.G2.Point.fromBytes(b) as G2;
      if (!bls.verify(keys.pops[i], bls.hash(b, DST_POP), pk)) throw new Error(`node ${i}: proof of possession does not verify`);
      return pk;
    });
  }

  private h(msg: string): G1 {
    let p = this.hashed.get(msg);
    if (!p) {
      p = bls.hash(new TextEncoder().encode(msg));
      if (this.hashed.size > 4096) this.hashed.clear();
      this.hashed.set(msg, p);
    }
    return p;
  }

  sign(node: number, msg: string): string {
    const sk = this.keys.secrets.get(node);
    if (!sk) throw new Error(`no secret key for node ${node}`);
    return bls.sign(this.h(msg), sk).toHex();
  }

  verify(node: number, msg: string, sig: string): boolean {
    try {
      return node >= 0 && node < this.pks.length && bls.verify(hexBytes(sig), this.h(msg), this.pks[node]);
    } catch {
      return false; // a malformed point is a bad signature, not a crash
    }
  }

  private decoded = new Map<string, G1>();

  prepare(sig: string): void {
    if (this.decoded.has(sig)) return;
    try {
      if (this.decoded.size > 65_536) this.decoded.clear();
      this.decoded.set(sig, bls12_381.G1.Point.fromBytes(hexBytes(sig)) as G1);
    } catch {
      // Not a point: `aggregate` reports it when it meets it.
    }
  }

  aggregate(sigs: string[]): string {
    const pts = sigs.map((s) => this.decoded.get(s) ?? (bls12_381.G1.Point.fromBytes(hexBytes(s)) as G1));
    return bls.aggregateSignatures(pts).toHex();
  }

  verifyAggregate(signers: number[], msg: string, sig: string): boolean {
    if (signers.length === 0 || signers.some((s) => !(s >= 0 && s < this.pks.length))) return false;
    const key = signers.join(",");
    let pk = this.aggPk.get(key);
    if (!pk) {
      pk = bls.aggregatePublicKeys(signers.map((s) => this.pks[s]));
      if (this.aggPk.size > 1024) this.aggPk.clear();
      this.aggPk.set(key, pk);
    }
    try {
      return bls.verify(hexBytes(sig), this.h(msg), pk);
    } catch {
      return false;
    }
  }
}

function hexBytes(h: string): Uint8Array {
  if (!/^([0-9a-f]{2})+$/i.test(h)) throw new Error("not hex");
  return Uint8Array.from(Buffer.from(h, "hex"));
}

/**
 * SIMULATOR ONLY — a stand-in for BLS that is valid by construction and cheap to compute, used so
 * that a 1,000-node simulation does not spend real pairings (the simulator charges the measured BLS
 * costs instead). A signature is k_i·H(m) mod p with a per-node key k_i; an aggregate is the sum, and
 * it verifies against Σ k_i. It is linear, so anyone who saw signatures could forge: it is sound only
 * because the simulated byzantine nodes sign with their own keys and never forge, which is how the
 * simulator is written. Never use it outside runtime/consensus/sim.
 */
export class SimSigner implements Signer {
  private static P = 2_147_483_647n;
  private keys: bigint[];
  private hashes = new Map<string, bigint>();
  constructor(n: number, seed: string) {
    this.keys = Array.from({ length: n }, (_, i) => BigInt((createHash("sha256").update(`sim|${seed}|${i}`).digest().readUInt32BE(0) | 1) >>> 0) % SimSigner.P);
  }
  private h(msg: string): bigint {
    let v = this.hashes.get(msg);
    if (v === undefined) {
      v = BigInt(createHash("sha256").update(msg).digest().readUInt32BE(0)) % SimSigner.P;
      if (this.hashes.size > 100_000) this.hashes.clear();
      this.hashes.set(msg, v);
    }
    return v;
  }
  sign(node: number, msg: string): string {
    return ((this.keys[node] * this.h(msg)) % SimSigner.P).toString(16);
  }
  verify(node: number, msg: string, sig: string): boolean {
    return node >= 0 && node < this.keys.length && this.sign(node, msg) === sig;
  }
  aggregate(sigs: string[]): string {
    let s = 0n;
    for (const x of sigs) s += BigInt("0x" + x);
    return (s % SimSigner.P).toString(16);
  }
  verifyAggregate(signers: number[], msg: string, sig: string): boolean {
    let k = 0n;
    for (const s of signers) {
      if (!(s >= 0 && s < this.keys.length)) return false;
      k += this.keys[s];
    }
    return signers.length > 0 && ((k % SimSigner.P) * this.h(msg)) % SimSigner.P === BigInt("0x" + sig) % SimSigner.P;
  }
}
