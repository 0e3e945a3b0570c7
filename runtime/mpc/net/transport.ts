// The parties' network: N processes, one TCP connection between every pair (party i dials every
// j < i and announces itself in a hello frame; it accepts the others), framed binary messages, a
// per-link shaper (bandwidth, delay), byte counters per peer and per phase, and failure handling that
// never hangs: a peer whose connection closes or errors, that sends an abort, or that stays silent
// past the timeout fails every pending and later receive with an MpcError naming it and the phase,
// and the failure is forwarded to the remaining peers as an abort frame so that they stop too.
//
// Frame: 4-byte big-endian body length, 1 kind byte, the body. Kinds: hello (the dialer's party
// number and the number of parties), data, abort (a UTF-8 reason), bye (a clean shutdown follows).
import { createServer, connect as tcpConnect, isIP, type Server, type Socket } from "node:net";
import { createServer as tlsServer, connect as tlsConnect, type TLSSocket } from "node:tls";
import { LinkShaper, UNLIMITED, type LinkSpec } from "./link.ts";

export const MAX_FRAME = 256 * 2 ** 20;
const HEADER = 5;
const enum Kind {
  Hello = 0,
  Data = 1,
  Abort = 2,
  Bye = 3,
}

/** A protocol or network failure; `peer` is the party blamed (when one is), `step` what was running. */
export class MpcError extends Error {
  constructor(
    message: string,
    readonly peer?: number,
    readonly step?: string,
  ) {
    super(message);
    this.name = "MpcError";
  }
}

export interface PartyAddress {
  host: string;
  port: number;
}

/** PEM strings for mutual TLS between hosts: this party's key and certificate, and the CA that signed all. */
export interface TlsKeys {
  key: string;
  cert: string;
  ca: string;
}

export interface NetOptions {
  party: number;
  parties: number;
  link?: LinkSpec;
  /** How long a receive (and the whole connection setup) may wait before the peer is declared dead. */
  timeoutMs?: number;
  tls?: TlsKeys;
}

export interface ByteCount {
  sent: number;
  received: number;
}

export interface NetStats {
  /** By party; this party's own entry stays 0. */
  perPeer: ByteCount[];
  /** By phase name, in the order phases were entered. */
  perPhase: Record<string, ByteCount>;
  /** What the sockets themselves counted (bytesWritten / bytesRead), by party. */
  socket: ByteCount[];
  /** Rounds by phase: each receive from one party or from all (in parallel) is one. */
  rounds: Record<string, number>;
  messages: ByteCount;
}

function encode(kind: Kind, body: Uint8Array): Buffer {
  if (body.length > MAX_FRAME) throw new MpcError(`a message of ${body.length} bytes exceeds the ${MAX_FRAME}-byte frame limit`);
  const b = Buffer.allocUnsafe(HEADER + body.length);
  b.writeUInt32BE(body.length, 0);
  b[4] = kind;
  b.set(body, HEADER);
  return b;
}

/** Splits a byte stream into frames (kept as a list of chunks, so a large frame is copied once). */
class FrameReader {
  private chunks: Buffer[] = [];
  private have = 0;
  push(chunk: Buffer): { kind: number; body: Buffer }[] {
    this.chunks.push(chunk);
    this.have += chunk.length;
    const out: { kind: number; body: Buffer }[] = [];
    for (;;) {
      if (this.have < HEADER) break;
      if (this.chunks[0].length < HEADER) this.chunks = [Buffer.concat(this.chunks)];
      const len = this.chunks[0].readUInt32BE(0);
      if (len > MAX_FRAME) throw new MpcError(`a frame of ${len} bytes exceeds the ${MAX_FRAME}-byte limit`);
      if (this.have < HEADER + len) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      out.push({ kind: all[4], body: all.subarray(HEADER, HEADER + len) });
      const rest = all.subarray(HEADER + len);
      this.chunks = rest.length ? [rest] : [];
      this.have = rest.length;
    }
    return out;
  }
}

interface Peer {
  sock: Socket | TLSSocket;
  shaper: LinkShaper;
  frames: Buffer[];
  waiters: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[];
  saidBye: boolean;
  sent: number;
  received: number;
}

export class PartyNet {
  readonly party: number;
  readonly parties: number;
  readonly timeoutMs: number;
  private readonly link: LinkSpec;
  private readonly peers: (Peer | undefined)[];
  private server: Server | undefined;
  private fatal: MpcError | undefined;
  private closing = false;
  private phaseName = "setup";
  private refused: string | undefined;
  private readonly perPhase: Record<string, ByteCount> = { setup: { sent: 0, received: 0 } };
  private readonly rounds: Record<string, number> = {};
  private readonly msgs: ByteCount = { sent: 0, received: 0 };
  private readonly failListeners: ((e: MpcError) => void)[] = [];
  private connected!: () => void;
  private readonly allConnected: Promise<void>;

  private constructor(private readonly opts: NetOptions) {
    if (!Number.isInteger(opts.parties) || opts.parties < 2) throw new MpcError(`an MPC run needs at least 2 parties, not ${opts.parties}`);
    if (!Number.isInteger(opts.party) || opts.party < 0 || opts.party >= opts.parties) throw new MpcError(`party ${opts.party} is not one of 0..${opts.parties - 1}`);
    this.party = opts.party;
    this.parties = opts.parties;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.link = opts.link ?? UNLIMITED;
    this.peers = new Array(opts.parties).fill(undefined);
    this.allConnected = new Promise((r) => (this.connected = r));
  }

  /** Starts listening (port 0: any free port, read back from `port`). */
  static async listen(opts: NetOptions, port = 0, host = "127.0.0.1"): Promise<PartyNet> {
    const net = new PartyNet(opts);
    const onSocket = (sock: Socket) => net.accept(sock);
    try {
      net.server = opts.tls
        ? tlsServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: true }, onSocket)
        : createServer(onSocket);
    } catch (e) {
      // A key that does not match its certificate, PEM that does not parse.
      throw new MpcError(`party ${opts.party}: unusable TLS key or certificate: ${(e as Error).message}`, undefined, "connect");
    }
    await new Promise<void>((resolve, reject) => {
      net.server!.once("error", (e: NodeJS.ErrnoException) => reject(new MpcError(`party ${opts.party} cannot listen on ${host}:${port}: ${e.code ?? e.message}`)));
      net.server!.listen(port, host, () => resolve());
    });
    net.server.on("error", () => {});
    // A peer refused in the TLS handshake (e.g. its certificate is not signed by the CA) is named in
    // the connect timeout's message, which would otherwise only say that nobody came.
    net.server.on("tlsClientError", (e: Error) => (net.refused = e.message));
    return net;
  }

  get port(): number {
    const a = this.server?.address();
    return typeof a === "object" && a ? a.port : 0;
  }

  get phase(): string {
    return this.phaseName;
  }

  /** Names the protocol step that following traffic is counted under (and that errors name). */
  set phase(name: string) {
    this.phaseName = name;
    this.perPhase[name] ??= { sent: 0, received: 0 };
  }

  /** Called once with the first fatal error (a dead or aborting peer, a timeout). */
  onFailure(f: (e: MpcError) => void): void {
    if (this.fatal) f(this.fatal);
    else this.failListeners.push(f);
  }

  /** Dials the lower-numbered parties (retrying while they start) and waits for the higher ones. */
  async connect(addresses: readonly PartyAddress[]): Promise<void> {
    if (addresses.length !== this.parties) throw new MpcError(`${addresses.length} addresses for ${this.parties} parties`);
    const deadline = Date.now() + this.timeoutMs;
    const dial = async (j: number): Promise<void> => {
      for (;;) {
        if (this.fatal) throw this.fatal;
        try {
          const sock = await this.dialOnce(addresses[j]);
          this.attach(j, sock);
          this.sendFrame(j, Kind.Hello, helloBody(this.party, this.parties));
          return;
        } catch (e) {
          if (Date.now() > deadline)
            throw this.fail(new MpcError(`party ${this.party} could not reach party ${j} at ${addresses[j].host}:${addresses[j].port} within ${this.timeoutMs} ms: ${(e as Error).message}`, j, "connect"));
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const timer = setTimeout(() => {
      const missing = this.peers.map((p, j) => (p || j === this.party ? -1 : j)).filter((j) => j >= 0);
      const why = this.refused ? ` (a TLS connection was refused: ${this.refused})` : "";
      this.fail(new MpcError(`party ${this.party}: ${missing.length === 1 ? "party" : "parties"} ${missing.join(", ")} did not connect within ${this.timeoutMs} ms${why}`, missing[0], "connect"));
    }, this.timeoutMs);
    try {
      await Promise.all([...Array(this.party).keys()].map(dial));
      this.checkConnected();
      await Promise.race([this.allConnected, new Promise<void>((_, reject) => this.onFailure(reject))]);
    } finally {
      clearTimeout(timer);
    }
  }

  private dialOnce(a: PartyAddress): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const tls = this.opts.tls;
      // The peer's certificate must name its host (a DNS name, or an IP address in its SAN).
      const sock = tls
        ? tlsConnect({ host: a.host, port: a.port, key: tls.key, cert: tls.cert, ca: tls.ca, ...(isIP(a.host) ? {} : { servername: a.host }), rejectUnauthorized: true })
        : tcpConnect({ host: a.host, port: a.port });
      const ok = () => {
        sock.off("error", bad);
        resolve(sock);
      };
      const bad = (e: NodeJS.ErrnoException) => {
        sock.destroy();
        reject(new Error(e.code ?? e.message));
      };
      sock.once(tls ? "secureConnect" : "connect", ok);
      sock.once("error", bad);
    });
  }

  private accept(sock: Socket): void {
    sock.setNoDelay(true);
    const reader = new FrameReader();
    const onData = (chunk: Buffer) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch {
        return void sock.destroy();
      }
      const hello = frames.shift();
      if (!hello) return;
      sock.off("data", onData);
      const who = hello.kind === Kind.Hello && hello.body.length === 8 ? hello.body.readUInt32BE(0) : -1;
      const n = hello.body.length === 8 ? hello.body.readUInt32BE(4) : -1;
      if (who <= this.party || who >= this.parties || this.peers[who]) return void sock.destroy(); // not a party we expect
      if (n !== this.parties) {
        sock.destroy();
        this.fail(new MpcError(`party ${who} runs with ${n} parties, party ${this.party} with ${this.parties}`, who, "connect"));
        return;
      }
      const p = this.attach(who, sock, reader);
      p.received += HEADER + hello.body.length;
      this.count(0, HEADER + hello.body.length);
      for (const f of frames) this.deliver(who, f);
      this.checkConnected();
    };
    sock.on("data", onData);
    sock.on("error", () => {});
  }

  private attach(j: number, sock: Socket | TLSSocket, reader = new FrameReader()): Peer {
    sock.setNoDelay(true);
    const p: Peer = { sock, shaper: new LinkShaper(this.link, (b) => sock.write(b)), frames: [], waiters: [], saidBye: false, sent: 0, received: 0 };
    this.peers[j] = p;
    sock.on("data", (chunk: Buffer) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch (e) {
        this.fail(new MpcError(`party ${j} broke the framing: ${(e as Error).message}`, j, this.phaseName));
        return;
      }
      for (const f of frames) this.deliver(j, f);
    });
    sock.on("error", () => {}); // reported by "close"
    sock.on("close", () => {
      if (this.closing) return;
      if (p.saidBye) {
        // A clean exit: only an error if we still wait for something from it.
        if (p.waiters.length) this.fail(new MpcError(`party ${j} finished and closed its connection while party ${this.party} waits for it (phase ${this.phaseName})`, j, this.phaseName));
        return;
      }
      this.fail(new MpcError(`party ${j} closed its connection without finishing (it died or was killed) during phase ${this.phaseName}`, j, this.phaseName));
    });
    return p;
  }

  private deliver(from: number, f: { kind: number; body: Buffer }): void {
    this.peers[from]!.received += HEADER + f.body.length;
    this.count(0, HEADER + f.body.length);
    this.onFrame(from, f.kind, f.body);
  }

  private checkConnected(): void {
    if (this.peers.every((p, j) => p || j === this.party)) this.connected();
  }

  private onFrame(from: number, kind: number, body: Buffer): void {
    const p = this.peers[from]!;
    switch (kind) {
      case Kind.Data: {
        this.msgs.received++;
        const w = p.waiters.shift();
        if (w) w.resolve(body);
        else p.frames.push(body);
        return;
      }
      case Kind.Abort:
        this.fail(new MpcError(`party ${from} aborted: ${body.toString("utf8")}`, from, this.phaseName), from);
        return;
      case Kind.Bye:
        p.saidBye = true;
        return;
      default:
        this.fail(new MpcError(`party ${from} sent a frame of unknown kind ${kind}`, from, this.phaseName));
    }
  }

  private count(sent: number, received: number): void {
    const ph = this.perPhase[this.phaseName];
    ph.sent += sent;
    ph.received += received;
  }

  private sendFrame(to: number, kind: Kind, body: Uint8Array): void {
    const p = this.peers[to];
    if (!p) throw new MpcError(`party ${this.party} has no connection to party ${to}`, to, this.phaseName);
    const b = encode(kind, body);
    p.sent += b.length;
    this.count(b.length, 0);
    p.shaper.send(b);
  }

  send(to: number, data: Uint8Array): void {
    if (this.fatal) throw this.fatal;
    this.msgs.sent++;
    this.sendFrame(to, Kind.Data, data);
  }

  /** The same bytes to every other party. */
  broadcast(data: Uint8Array): void {
    for (let j = 0; j < this.parties; j++) if (j !== this.party) this.send(j, data);
  }

  /** The next message from `from`, in the order sent (one round). */
  recv(from: number): Promise<Buffer> {
    this.countRound();
    return this.next(from);
  }

  private countRound(): void {
    this.rounds[this.phaseName] = (this.rounds[this.phaseName] ?? 0) + 1;
  }

  private next(from: number): Promise<Buffer> {
    if (this.fatal) return Promise.reject(this.fatal);
    const p = this.peers[from];
    if (!p) return Promise.reject(new MpcError(`party ${this.party} has no connection to party ${from}`, from, this.phaseName));
    const ready = p.frames.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new MpcError(`party ${from} sent nothing for ${this.timeoutMs} ms while party ${this.party} waited in phase ${this.phaseName}`, from, this.phaseName)),
        this.timeoutMs,
      );
      p.waiters.push({
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  /** One message from every other party (own slot: `own`): one round. */
  recvAll(own: Buffer = Buffer.alloc(0)): Promise<Buffer[]> {
    this.countRound();
    return Promise.all(this.peers.map((_, j) => (j === this.party ? Promise.resolve(own) : this.next(j))));
  }

  /** Broadcast `data`, then receive everyone's: one round. Index = party (own data in own slot). */
  async exchange(data: Uint8Array): Promise<Buffer[]> {
    this.broadcast(data);
    return this.recvAll(Buffer.from(data));
  }

  /** Fails this party: every waiting and later receive rejects, the peers are told, connections close. */
  fail(e: MpcError, source?: number): MpcError {
    if (this.fatal) return this.fatal;
    this.fatal = e;
    for (const [j, p] of this.peers.entries()) {
      if (!p) continue;
      for (const w of p.waiters.splice(0)) w.reject(e);
      if (j !== source && !p.sock.destroyed) {
        p.shaper.cancel();
        p.sock.end(encode(Kind.Abort, Buffer.from(`${e.message}`, "utf8")));
      }
    }
    this.closing = true;
    this.server?.close();
    setTimeout(() => this.peers.forEach((p) => p?.sock.destroy()), 200).unref();
    for (const f of this.failListeners.splice(0)) f(e);
    return e;
  }

  /** Ends this party's side of the protocol: aborts everyone with `reason` (a failed check, a bad input). */
  abort(reason: string, step = this.phaseName): MpcError {
    return this.fail(new MpcError(`party ${this.party} aborted in ${step}: ${reason}`, undefined, step));
  }

  stats(): NetStats {
    return {
      perPeer: this.peers.map((p) => ({ sent: p?.sent ?? 0, received: p?.received ?? 0 })),
      perPhase: structuredClone(this.perPhase),
      socket: this.peers.map((p) => ({ sent: p?.sock.bytesWritten ?? 0, received: p?.sock.bytesRead ?? 0 })),
      rounds: { ...this.rounds },
      messages: { ...this.msgs },
    };
  }

  /** Waits until every shaped frame has been handed to its socket and the sockets drained. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.fatal) throw this.fatal;
      const busy = this.peers.some((p) => p && (p.shaper.pending > 0 || p.sock.writableLength > 0));
      if (!busy) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /**
   * A clean end: says bye, flushes, and waits until every peer has said bye too (so a peer that is
   * still working is not mistaken for a dead one), then closes. Returns the final counts (every
   * frame both ways included, so each side's sent equals the other's received).
   */
  async close(): Promise<NetStats> {
    if (this.fatal) throw this.fatal;
    this.phase = "close";
    for (let j = 0; j < this.parties; j++) if (this.peers[j]) this.sendFrame(j, Kind.Bye, Buffer.alloc(0));
    await this.flush();
    const deadline = Date.now() + this.timeoutMs;
    while (this.peers.some((p, j) => j !== this.party && p && !p.saidBye)) {
      if (this.fatal) throw this.fatal;
      if (Date.now() > deadline) {
        const late = this.peers.map((p, j) => (p && j !== this.party && !p.saidBye ? j : -1)).filter((j) => j >= 0);
        throw this.fail(new MpcError(`party ${this.party}: ${late.length === 1 ? "party" : "parties"} ${late.join(", ")} did not finish within ${this.timeoutMs} ms`, late[0], "close"));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const stats = this.stats();
    this.closing = true;
    for (const p of this.peers) p?.sock.end();
    this.server?.close();
    return stats;
  }

  /** Closes everything at once, without telling anyone (tests: a party that vanishes). */
  destroy(): void {
    this.closing = true;
    for (const p of this.peers) {
      p?.shaper.cancel();
      p?.sock.destroy();
    }
    this.server?.close();
  }
}

function helloBody(party: number, parties: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(party, 0);
  b.writeUInt32BE(parties, 4);
  return b;
}
