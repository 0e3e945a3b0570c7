export { PartyNet, MpcError, MAX_FRAME, type NetOptions, type NetStats, type ByteCount, type PartyAddress, type TlsKeys } from "./transport.ts";
export { parseLink, formatLink, LinkShaper, UNLIMITED, type LinkSpec } from "./link.ts";
export { parseHosts, tlsFor, type HostsConfig } from "./hosts.ts";
export { launchParties, addressesFromLauncher, reportToLauncher, connectInProcess, type PartyOutcome, type LaunchOptions } from "./launch.ts";
