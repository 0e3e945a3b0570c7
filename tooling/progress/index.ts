// One terminal renderer for base/progress's Progress, used by every long command. On a terminal, one
// line per phase, rewritten in place at most every 100 ms and closed when the phase completes. Into a
// pipe or a log, no carriage returns: a line when a phase starts, at most one a second while it runs,
// and one when it completes, so a CI log of a long run stays short and readable.
import type { Progress } from "../../base/progress/index.ts";

export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface RendererOptions {
  /** Where lines go (default: process.stderr). */
  out?: ProgressSink;
  /** Printed before each line (e.g. "audit: "). */
  prefix?: string;
  /** Least time between two lines of a running phase (default: 100 ms on a terminal, 1000 ms in a log). */
  everyMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

export interface ProgressRenderer {
  readonly progress: Progress;
  /** Closes a phase left open (a terminal line without its newline). */
  end(): void;
}

export function progressRenderer(opts: RendererOptions = {}): ProgressRenderer {
  const out = opts.out ?? process.stderr;
  const tty = !!out.isTTY;
  const prefix = opts.prefix ?? "";
  const everyMs = opts.everyMs ?? (tty ? 100 : 1000);
  const now = opts.now ?? (() => performance.now());
  let phase: string | undefined;
  let open = false;
  let last = -Infinity;
  // A phase reported only as it completes (1 of 1: a proving phase with its wall time) reads "phase: detail".
  const text = (p: string, done: number, total: number, detail?: string) =>
    total === 1 && done === 1
      ? `${prefix}${p}: ${detail ?? "done"}`
      : (total > 0 ? `${prefix}${p} ${done}/${total} (${Math.floor((100 * done) / total)}%)` : `${prefix}${p} ${done}`) + (detail ? `, ${detail}` : "");
  const end = () => {
    if (open) out.write("\n");
    open = false;
  };
  const progress: Progress = (p, done, total, detail) => {
    const t = now();
    const starts = p !== phase;
    const completes = total > 0 && done >= total;
    if (!starts && !completes && t - last < everyMs) return;
    if (starts) end();
    phase = p;
    last = t;
    if (tty) {
      out.write(`\r${text(p, done, total, detail)}\x1b[K`);
      open = true;
      if (completes) end();
    } else out.write(text(p, done, total, detail) + "\n");
    if (completes) phase = undefined;
  };
  return { progress, end };
}
