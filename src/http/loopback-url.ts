/**
 * Whether a base URL points at this machine (127.0.0.0/8, `localhost`, `::1`): an emulator or a
 * gateway the user runs, never Moonshot. Requests there without an API key carry a placeholder
 * bearer token, because the emulator (like the service) refuses a request with no
 * `Authorization: Bearer` at all, and any key is accepted unless it was started with one.
 */

/** The bearer token sent to a loopback base URL when no API key is configured. */
export const NO_KEY_PLACEHOLDER = "sk-no-key-loopback";

/** `true` when `baseURL`'s host is a loopback address or `localhost`. */
export function isLoopbackBaseURL(baseURL: string): boolean {
  let host: string;
  try {
    host = new URL(baseURL).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]" || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
