// Base OTs: the "Simplest OT" of Chou and Orlandi (LATINCRYPT 2015) over ristretto255 (@noble/curves),
// a batch of n in one message each way. The sender picks a, sends A = aG; for choice c_i the receiver
// sends B_i = b_i·G + c_i·A; keys are k0 = H(i, A, B_i, a·B_i) and k1 = H(i, A, B_i, a·(B_i − A)) for
// the sender, k_c = H(i, A, B_i, b_i·A) for the receiver. Secure against passive adversaries and a
// malicious receiver in the random-oracle model; known caveats (non-UC against a malicious sender,
// see Genç et al. 2017 and Hauck–Loss 2017) are why OT extension re-randomises its output.
import { ristretto255 } from "@noble/curves/ed25519.js";
import { createHash, randomBytes } from "node:crypto";
import { MpcError, type PartyNet } from "../net/index.ts";

const P = ristretto255.Point;
const ORDER = P.Fn.ORDER;
export const KEY_BYTES = 16;

function scalar(): bigint {
  let x = 0n;
  for (const b of randomBytes(64)) x = (x << 8n) | BigInt(b);
  return (x % (ORDER - 1n)) + 1n;
}

function key(i: number, A: Uint8Array, B: Uint8Array, shared: InstanceType<typeof P>): Buffer {
  const h = createHash("sha256");
  const idx = Buffer.alloc(4);
  idx.writeUInt32BE(i);
  return h.update("cwl base OT").update(idx).update(A).update(B).update(shared.toBytes()).digest().subarray(0, KEY_BYTES);
}

/** Sender of `n` base OTs to `peer`: returns both keys of every OT. */
export async function baseOtSend(net: PartyNet, peer: number, n: number): Promise<[Buffer, Buffer][]> {
  const a = scalar();
  const A = P.BASE.multiply(a);
  const Ab = A.toBytes();
  net.send(peer, Ab);
  const msg = await net.recv(peer);
  if (msg.length !== 32 * n) throw net.abort(`party ${peer} sent ${msg.length} bytes of base-OT points, expected ${32 * n}`, "base OT");
  const out: [Buffer, Buffer][] = [];
  // a·(B − A) = a·B − a·A: one scalar multiplication per OT instead of two.
  const aA = A.multiply(a);
  for (let i = 0; i < n; i++) {
    const Bb = msg.subarray(32 * i, 32 * i + 32);
    let B;
    try {
      B = P.fromBytes(Bb);
    } catch {
      throw net.abort(`party ${peer} sent a base-OT value that is not a ristretto255 point`, "base OT");
    }
    const aB = B.multiply(a);
    out.push([key(i, Ab, Bb, aB), key(i, Ab, Bb, aB.subtract(aA))]);
  }
  return out;
}

/** Receiver of base OTs from `peer` with the given choice bits: the chosen key of every OT. */
export async function baseOtReceive(net: PartyNet, peer: number, choices: readonly boolean[]): Promise<Buffer[]> {
  const Ab = await net.recv(peer);
  let A;
  try {
    A = P.fromBytes(Ab);
  } catch {
    throw net.abort(`party ${peer} sent a base-OT value that is not a ristretto255 point`, "base OT");
  }
  if (A.equals(P.ZERO)) throw new MpcError(`party ${peer} sent the identity as its base-OT point`, peer, "base OT");
  const bs = choices.map(() => scalar());
  const Bs = bs.map((b, i) => {
    const bG = P.BASE.multiply(b);
    return (choices[i] ? bG.add(A) : bG).toBytes();
  });
  net.send(peer, Buffer.concat(Bs));
  return bs.map((b, i) => key(i, Ab, Bs[i], A.multiply(b)));
}
