/**
 * Loopback addresses: where the emulator may listen without an API key. Anything else (a LAN
 * address, `0.0.0.0`, `::`, a host name other than `localhost`) is reachable from other machines.
 */
import { isIPv4 } from "node:net";

/** Whether `host` (a name or address, IPv6 with or without brackets) is a loopback interface. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare === "::1" || bare === "0:0:0:0:0:0:0:1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return isIPv4(v4) && v4.startsWith("127.");
}
