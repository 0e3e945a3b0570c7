// The deployment file of `--hosts`: where every party listens, and optionally the mutual-TLS keys
// (PEM text inline, or paths relative to the file). Parsed from JSON already read; errors name the
// field so that the CLI can show them as user errors.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { PartyAddress, TlsKeys } from "./transport.ts";

export interface HostsConfig {
  parties: PartyAddress[];
  /** Per party: its key and certificate; one CA for all. */
  tls?: { ca: string; parties: { key: string; cert: string }[] };
}

/**
 * `{ "parties": [{ "host": "10.0.0.1", "port": 7000 }, ...], "tls": { "ca": "ca.pem",
 * "parties": [{ "key": "p0.key", "cert": "p0.pem" }, ...] } }`; a TLS value that starts with
 * `-----BEGIN` is the PEM itself, anything else a file next to the hosts file.
 */
export function parseHosts(raw: unknown, file: string): HostsConfig {
  const bad = (what: string) => new Error(`${file}: ${what}`);
  if (typeof raw !== "object" || raw === null || !Array.isArray((raw as { parties?: unknown }).parties))
    throw bad('expected { "parties": [{ "host": ..., "port": ... }, ...] }');
  const r = raw as { parties: unknown[]; tls?: unknown };
  if (r.parties.length < 2) throw bad(`an MPC run needs at least 2 parties, the file lists ${r.parties.length}`);
  const parties = r.parties.map((p, i) => {
    const q = p as { host?: unknown; port?: unknown };
    if (typeof q?.host !== "string" || q.host === "") throw bad(`parties[${i}].host must be a host name or address`);
    if (!Number.isInteger(q.port) || (q.port as number) < 1 || (q.port as number) > 65535) throw bad(`parties[${i}].port must be an integer from 1 to 65535`);
    return { host: q.host, port: q.port as number };
  });
  if (r.tls === undefined) return { parties };
  const t = r.tls as { ca?: unknown; parties?: unknown };
  const pem = (v: unknown, where: string): string => {
    if (typeof v !== "string" || v === "") throw bad(`${where} must be PEM text or a file name`);
    if (v.startsWith("-----BEGIN")) return v;
    try {
      return readFileSync(resolve(dirname(file), v), "utf8");
    } catch (e) {
      throw bad(`${where}: cannot read \`${v}\` (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  if (!Array.isArray(t.parties) || t.parties.length !== parties.length) throw bad(`tls.parties must list a key and certificate for each of the ${parties.length} parties`);
  return {
    parties,
    tls: {
      ca: pem(t.ca, "tls.ca"),
      parties: t.parties.map((p, i) => ({ key: pem((p as { key?: unknown })?.key, `tls.parties[${i}].key`), cert: pem((p as { cert?: unknown })?.cert, `tls.parties[${i}].cert`) })),
    },
  };
}

/** The TLS keys party `i` uses, when the file has any. */
export function tlsFor(cfg: HostsConfig, i: number): TlsKeys | undefined {
  return cfg.tls ? { ca: cfg.tls.ca, ...cfg.tls.parties[i] } : undefined;
}
