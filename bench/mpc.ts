// MPC figures (spec/mpc.md), two parties in this process over loopback TCP: the KOS correlated-OT
// extension (bits and OTs per second), SPDZ2k triples from it (bytes per triple per party,
// triples per second, with the sacrifice's second triple included), unthrottled and at 10 MB/s per
// link, and the online phase with dealer triples (products per second, bytes per product).
// SoftSpoken is not built: there is no second extension to compare with yet.
import { connectInProcess, parseLink } from "../runtime/mpc/net/index.ts";
import { KOS } from "../runtime/mpc/ot/kos.ts";
import { OtPreprocessing } from "../runtime/mpc/ot/preprocessing.ts";
import { InsecureDealer, Spdz2kParty } from "../runtime/mpc/spdz2k/index.ts";

const pair = (link?: string) => connectInProcess(2, { link: link ? parseLink(link) : undefined, timeoutMs: 300_000 });

async function otExtension(m: number, link?: string) {
  const [s, r] = await pair(link);
  const [snd, rcv] = await Promise.all([KOS.sender(s, 1), KOS.receiver(r, 0)]);
  s.phase = r.phase = "extend";
  const t0 = performance.now();
  await Promise.all([snd.extend(m), rcv.extend(Array.from({ length: m }, (_, i) => (i & 1) === 1))]);
  const sec = (performance.now() - t0) / 1000;
  const bytes = r.stats().perPhase.extend.sent + s.stats().perPhase.extend.sent;
  s.destroy();
  r.destroy();
  return { extension: "KOS", link: link ?? "unlimited", ots: m, bitsPerOt: Math.round(((bytes * 8) / m) * 10) / 10, otsPerSec: Math.round(m / sec), seconds: Math.round(sec * 1000) / 1000 };
}

async function triples(n: number, link?: string) {
  const nets = await pair(link);
  const t0 = performance.now();
  const preps = await Promise.all(nets.map((net) => OtPreprocessing.setup(net)));
  const setup = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await Promise.all(preps.map((p) => p.triplePairs(n)));
  const sec = (performance.now() - t1) / 1000;
  const sent = nets[0].stats().perPhase["offline: triples"].sent;
  for (const x of nets) x.destroy();
  return {
    extension: "KOS",
    link: link ?? "unlimited",
    triples: n,
    bytesPerTriplePerParty: Math.round(sent / n),
    bitsPerTriplePerParty: Math.round((sent * 8) / n),
    triplesPerSec: Math.round((n / sec) * 10) / 10,
    setupSeconds: Math.round(setup * 100) / 100,
    seconds: Math.round(sec * 100) / 100,
  };
}

async function online(n: number, link?: string) {
  const nets = await pair(link);
  const ps = nets.map((net, i) => new Spdz2kParty(net, new InsecureDealer(i, 2, Buffer.from("bench")), undefined));
  const t0 = performance.now();
  await Promise.all(
    ps.map(async (p) => {
      const x = await p.input(0, n, p.party === 0 ? Array.from({ length: n }, (_, i) => BigInt(i)) : undefined);
      p.net.phase = "online";
      const y = await p.mul(x, x);
      await p.reveal([y.reduce((a, b) => p.add(a, b))]);
    }),
  );
  const sec = (performance.now() - t0) / 1000;
  const st = nets[0].stats();
  for (const x of nets) x.destroy();
  return { preprocessing: "insecure dealer (generation included)", link: link ?? "unlimited", products: n, productsPerSec: Math.round(n / sec), onlineBytesPerProductPerParty: Math.round((st.perPhase.online.sent / n) * 10) / 10 };
}

export async function run(): Promise<object> {
  const out = {
    note: "two parties in one process over loopback TCP; k = s = 64; triples are SPDZ2k triple pairs (the second sacrificed) with MACs; SoftSpoken not built, so no KOS/SoftSpoken comparison",
    otExtension: [await otExtension(20_000), await otExtension(20_000, "10MB/s")],
    triples: [await triples(50), await triples(50, "10MB/s")],
    online: [await online(10_000), await online(10_000, "10MB/s")],
  };
  console.log(JSON.stringify(out, null, 2));
  return out;
}
