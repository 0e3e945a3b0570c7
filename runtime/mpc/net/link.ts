// A simulated link between two parties: a token bucket for the bandwidth and a fixed one-way delay.
// Each outgoing connection has its own shaper, so `10MB/s` means 10 MB/s on every directed link, as
// between machines with their own network cards. A frame leaves when the bucket holds its size (the
// bucket may run into debt for a frame larger than the burst, which then waits size/rate) and is
// written `latencyMs` later; departures are kept in order, so delayed frames never overtake.

export interface LinkSpec {
  /** Bytes per second; Infinity for no limit. */
  bytesPerSec: number;
  /** One-way delay added to every frame, in milliseconds. */
  latencyMs: number;
}

export const UNLIMITED: LinkSpec = { bytesPerSec: Infinity, latencyMs: 0 };

const UNITS: Record<string, number> = { "": 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 2 ** 20, GIB: 2 ** 30 };

/**
 * `10MB/s`, `10MB/s,20ms`, `500KB/s,1ms`, `20ms` (delay only), `Mbit` forms (`100Mbit/s`): decimal
 * units (MB = 10^6 bytes), KiB/MiB binary. Throws an Error naming what is wrong.
 */
export function parseLink(text: string): LinkSpec {
  const spec: LinkSpec = { ...UNLIMITED };
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length > 2 || parts.some((p) => p === "")) throw new Error(`bad link \`${text}\`: expected RATE[,DELAY], e.g. 10MB/s,20ms`);
  for (const p of parts) {
    const delay = /^(\d+(?:\.\d+)?)\s*(ms|s)$/i.exec(p);
    if (delay) {
      spec.latencyMs = Number(delay[1]) * (delay[2].toLowerCase() === "s" ? 1000 : 1);
      continue;
    }
    const rate = /^(\d+(?:\.\d+)?)\s*([kmg]?i?b)(it)?\/s$/i.exec(p);
    if (!rate) throw new Error(`bad link \`${text}\`: \`${p}\` is neither a rate (10MB/s, 100Mbit/s) nor a delay (20ms)`);
    const unit = UNITS[rate[2].toUpperCase()];
    if (unit === undefined) throw new Error(`bad link \`${text}\`: unknown unit \`${rate[2]}\``);
    const v = Number(rate[1]) * unit * (rate[3] ? 1 / 8 : 1);
    if (!(v > 0)) throw new Error(`bad link \`${text}\`: the rate must be above 0`);
    spec.bytesPerSec = v;
  }
  return spec;
}

export function formatLink(l: LinkSpec): string {
  const rate = Number.isFinite(l.bytesPerSec) ? `${(l.bytesPerSec / 1e6).toFixed(3).replace(/\.?0+$/, "")}MB/s` : "unlimited";
  return l.latencyMs ? `${rate},${l.latencyMs}ms` : rate;
}

/** Orders writes on one link by bandwidth and delay; `write` is called with each frame when it is due. */
export class LinkShaper {
  private tokens: number;
  private last = performance.now();
  private readonly burst: number;
  private queue: { bytes: Buffer; due: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the previous frame finished leaving (a frame cannot start before it). */
  private lastDeparture = 0;

  constructor(
    readonly link: LinkSpec,
    private readonly write: (b: Buffer) => void,
  ) {
    // A burst of 1 ms of traffic (at least one 16 KiB frame): long enough to avoid a timer per small
    // frame, short enough that a measured rate over 100 ms is the configured one.
    this.burst = Number.isFinite(link.bytesPerSec) ? Math.max(16384, link.bytesPerSec / 1000) : Infinity;
    this.tokens = this.burst;
  }

  get unlimited(): boolean {
    return !Number.isFinite(this.link.bytesPerSec) && this.link.latencyMs === 0;
  }

  send(bytes: Buffer): void {
    if (this.unlimited) return this.write(bytes);
    const now = performance.now();
    let departure = now;
    if (Number.isFinite(this.link.bytesPerSec)) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.link.bytesPerSec) / 1000);
      this.last = now;
      this.tokens -= bytes.length;
      // In debt: the frame leaves when the refill has paid it back.
      if (this.tokens < 0) departure = now + (-this.tokens * 1000) / this.link.bytesPerSec;
    }
    departure = Math.max(departure, this.lastDeparture);
    this.lastDeparture = departure;
    this.queue.push({ bytes, due: departure + this.link.latencyMs });
    this.pump();
  }

  /** Frames still waiting (what `flush` waits for). */
  get pending(): number {
    return this.queue.length;
  }

  private pump(): void {
    if (this.timer) return;
    const now = performance.now();
    while (this.queue.length && this.queue[0].due <= now + 0.5) this.write(this.queue.shift()!.bytes);
    if (this.queue.length) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, Math.max(0, this.queue[0].due - now));
    }
  }

  /** Drops what is queued (the connection is going away). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }
}
