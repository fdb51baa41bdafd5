/**
 * Loopback addresses: where the HTTP server may listen without a token, and which `Host`
 * headers it accepts there (a check against DNS rebinding: a web page whose name resolves to
 * 127.0.0.1 still sends its own name as `Host`).
 */
import { isIPv4 } from "node:net";

/** Whether `host` (a name or address, IPv6 with or without brackets) is a loopback interface. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIPv4(bare) && bare.startsWith("127.");
}

/** Whether a request's `Host` header names a loopback host (the port is not checked). */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  if (header === undefined || header === "") return false;
  const hostname = header.startsWith("[")
    ? header.slice(0, header.indexOf("]") + 1)
    : (header.split(":")[0] ?? "");
  return isLoopbackHost(hostname);
}
