/**
 * Who may use the gateway, and how much. With no active gateway key, only loopback clients are
 * served (whatever key they send: OpenAI clients insist on sending one). Once a key exists, every
 * client must present a valid one as `Authorization: Bearer <key>`. A key's RPM limit and USD
 * budget per UTC day are checked against the shared database, so they hold across instances.
 */
import type { IncomingMessage } from "node:http";
import { GatewayRefusal } from "./error-envelope.ts";
import {
  checkGatewayKey,
  type GatewayKey,
  hasActiveGatewayKeys,
  looksLikeGatewayKey,
} from "./key-store.ts";
import { countRequest } from "./rate-window.ts";
import type { SqlDatabase } from "./sql-database.ts";
import { LOOPBACK_KEY_ID, spentOnDay, utcDay } from "./usage-ledger.ts";

/** Who a request is from. */
export interface ClientIdentity {
  /** The ledger key: the gateway key's id, or {@link LOOPBACK_KEY_ID}. */
  keyId: string;
  /** The key, when the client presented one. */
  key: GatewayKey | undefined;
}

/** The identity of every loopback client of a gateway without keys (one object, never changed). */
const LOOPBACK_IDENTITY: ClientIdentity = Object.freeze({ keyId: LOOPBACK_KEY_ID, key: undefined });

/** How long "are there any keys?" is cached: a key created elsewhere applies within this. */
const KEYS_EXIST_CACHE_MS = 1_000;

/** Whether `address` (a socket's remote address) is this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** Whether `host` (a bind address or name) only accepts local connections. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || isLoopbackAddress(host);
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function duration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/** Authentication and limits against one database. */
export class AccessControl {
  readonly #db: SqlDatabase;
  readonly #now: () => Date;
  #keysExist: { value: boolean; at: number } | undefined;

  constructor(db: SqlDatabase, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Whether any key is active (cached for a second). */
  async keysExist(): Promise<boolean> {
    const cached = this.#cachedKeysExist();
    if (cached !== undefined) return cached;
    const at = Date.now();
    this.#keysExist = { value: await hasActiveGatewayKeys(this.#db), at };
    return this.#keysExist.value;
  }

  /** The cached answer of {@link keysExist} while it is fresh. */
  #cachedKeysExist(): boolean | undefined {
    const cached = this.#keysExist;
    return cached !== undefined && Date.now() - cached.at <= KEYS_EXIST_CACHE_MS
      ? cached.value
      : undefined;
  }

  /**
   * Identifies the client of `req`; throws a 401/403 refusal when it may not be served. Answers
   * at once, without a promise, when no database lookup is needed (no gateway key presented and
   * the "any keys?" answer is fresh): the common case of a keyless gateway, on every request.
   */
  authenticate(req: IncomingMessage): ClientIdentity | Promise<ClientIdentity> {
    const presented = bearer(req);
    // A gateway key is always checked, even while no key is known to exist (the cache may be a
    // second old): its requests count against it, and a revoked one is refused.
    if (presented !== undefined && looksLikeGatewayKey(presented)) {
      return this.#checkPresented(req, presented);
    }
    const keysExist = this.#cachedKeysExist();
    if (keysExist !== undefined) return this.#withoutGatewayKey(req, presented, keysExist);
    return this.keysExist().then((exist) => this.#withoutGatewayKey(req, presented, exist));
  }

  async #checkPresented(req: IncomingMessage, presented: string): Promise<ClientIdentity> {
    const check = await checkGatewayKey(this.#db, presented);
    if (check.status === "valid") return { keyId: check.key.id, key: check.key };
    if (check.status === "revoked") {
      throw new GatewayRefusal({
        status: 401,
        type: "invalid_authentication_error",
        code: "authentication_failed",
        message: `Gateway key ${check.key.id} was revoked on ${check.key.revokedAt ?? "an earlier day"}. Ask the gateway's operator for a new key.`,
      });
    }
    return this.#withoutGatewayKey(req, presented, await this.keysExist());
  }

  /** A client without a valid gateway key: served only from loopback, and only while no key exists. */
  #withoutGatewayKey(
    req: IncomingMessage,
    presented: string | undefined,
    keysExist: boolean,
  ): ClientIdentity {
    if (!keysExist) {
      if (!isLoopbackAddress(req.socket.remoteAddress)) {
        throw new GatewayRefusal({
          status: 403,
          type: "permission_denied_error",
          code: "permission_denied",
          message:
            "This gateway has no keys, so it serves only clients on its own machine. Create a key (`kimi-provider gateway keys create NAME`) and send it as the API key.",
        });
      }
      return LOOPBACK_IDENTITY;
    }
    if (presented === undefined) {
      throw new GatewayRefusal({
        status: 401,
        type: "invalid_authentication_error",
        code: "authentication_failed",
        message:
          "No gateway key: send one as the API key (`Authorization: Bearer sk-kgw-...`). Keys are made with `kimi-provider gateway keys create NAME`.",
      });
    }
    throw new GatewayRefusal({
      status: 401,
      type: "invalid_authentication_error",
      code: "authentication_failed",
      message:
        "The API key is not a key of this gateway. Send a gateway key (`sk-kgw-...`, from `kimi-provider gateway keys create`), not a Moonshot key.",
    });
  }

  /**
   * Counts the request against the key's RPM limit and checks its daily budget; throws a 429
   * refusal naming the limit and when it resets.
   */
  async admit(identity: ClientIdentity): Promise<void> {
    const { key } = identity;
    if (key === undefined) return;
    const now = this.#now();
    if (key.rpmLimit !== null) {
      const count = await countRequest(this.#db, key.id, now);
      if (count > key.rpmLimit) {
        const wait = Math.max(1, Math.ceil((60_000 - (now.getTime() % 60_000)) / 1000));
        throw new GatewayRefusal({
          status: 429,
          type: "rate_limit_reached_error",
          code: "rate_limited",
          message: `Gateway key ${key.id} reached its limit of ${key.rpmLimit} requests per minute, please try again after ${wait} seconds.`,
          retryAfterSeconds: wait,
        });
      }
    }
    if (key.budgetUsdPerDay !== null) {
      const spent = await spentOnDay(this.#db, key.id, utcDay(now));
      if (spent >= key.budgetUsdPerDay) {
        const midnight = new Date(`${utcDay(now)}T00:00:00.000Z`).getTime() + 86_400_000;
        throw new GatewayRefusal({
          status: 429,
          type: "exceeded_current_quota_error",
          code: "budget_exceeded",
          message: `Gateway key ${key.id} ("${key.name}") has spent $${spent.toFixed(6)} of its daily budget of $${key.budgetUsdPerDay} (USD per UTC day). The budget resets at ${new Date(midnight).toISOString()}, in ${duration(midnight - now.getTime())}; retrying before then will not help.`,
        });
      }
    }
  }
}
