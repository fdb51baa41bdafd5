/**
 * Gateway keys: what clients send as their API key. A key is `sk-kgw-<id>-<secret>`; the
 * database keeps the public id (shown by `keys list`) and the SHA-256 of the whole key, never
 * the key itself, so a copy of the database lets nobody in. Keys carry optional limits: USD per
 * UTC day and requests per minute.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { SqlExecutor } from "./sql-database.ts";

const KEY_SHAPE = /^sk-kgw-([0-9a-f]{12})-([A-Za-z0-9_-]{43})$/;

/** A gateway key as stored (the secret is not). */
export interface GatewayKey {
  /** Public id, `kgw-<12 hex>`; the key itself starts with `sk-` and this id. */
  id: string;
  name: string;
  /** USD the key may spend per UTC day; `null`: unlimited. */
  budgetUsdPerDay: number | null;
  /** Requests per minute across every instance; `null`: unlimited. */
  rpmLimit: number | null;
  createdAt: string;
  /** ISO time it was revoked, `null` while active. */
  revokedAt: string | null;
}

/** Limits of a new key. */
export interface NewKeyOptions {
  name: string;
  budgetUsdPerDay?: number | undefined;
  rpmLimit?: number | undefined;
}

type KeyRow = {
  id: string;
  name: string;
  secret_sha256: string;
  budget: number | null;
  rpm_limit: number | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
};

const COLUMNS =
  "id, name, secret_sha256, budget_usd_per_day::float8 AS budget, rpm_limit, created_at, revoked_at";

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function toKey(row: KeyRow): GatewayKey {
  return {
    id: row.id,
    name: row.name,
    budgetUsdPerDay: row.budget,
    rpmLimit: row.rpm_limit,
    createdAt: iso(row.created_at) ?? "",
    revokedAt: iso(row.revoked_at),
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Creates a key; the returned `key` is shown once and cannot be recovered later. */
export async function createGatewayKey(
  db: SqlExecutor,
  options: NewKeyOptions,
): Promise<{ key: string; record: GatewayKey }> {
  const idHex = randomBytes(6).toString("hex");
  const key = `sk-kgw-${idHex}-${randomBytes(32).toString("base64url")}`;
  const rows = await db.query<KeyRow>(
    `INSERT INTO kimi_gateway_keys (id, name, secret_sha256, budget_usd_per_day, rpm_limit)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [
      `kgw-${idHex}`,
      options.name,
      sha256(key),
      options.budgetUsdPerDay ?? null,
      options.rpmLimit ?? null,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error("INSERT ... RETURNING returned no row");
  return { key, record: toKey(row) };
}

/** Every key, oldest first, revoked ones included. */
export async function listGatewayKeys(db: SqlExecutor): Promise<GatewayKey[]> {
  const rows = await db.query<KeyRow>(
    `SELECT ${COLUMNS} FROM kimi_gateway_keys ORDER BY created_at, id`,
  );
  return rows.map(toKey);
}

/** Revokes key `id` (`kgw-...`); returns it, or `undefined` when there is no such key. */
export async function revokeGatewayKey(
  db: SqlExecutor,
  id: string,
): Promise<GatewayKey | undefined> {
  const rows = await db.query<KeyRow>(
    `UPDATE kimi_gateway_keys SET revoked_at = COALESCE(revoked_at, now())
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0] ? toKey(rows[0]) : undefined;
}

/** Whether any key is active (then every client must send one). */
export async function hasActiveGatewayKeys(db: SqlExecutor): Promise<boolean> {
  const rows = await db.query<{ active: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM kimi_gateway_keys WHERE revoked_at IS NULL) AS active",
  );
  return rows[0]?.active === true;
}

/** What a presented key turned out to be. */
export type KeyCheck =
  | { status: "valid"; key: GatewayKey }
  | { status: "revoked"; key: GatewayKey }
  | { status: "unknown" };

/** Whether `text` has the shape of a gateway key (`sk-kgw-<id>-<secret>`). */
export function looksLikeGatewayKey(text: string): boolean {
  // The prefix first: most clients of a keyless gateway send some other key on every request.
  return text.startsWith("sk-kgw-") && KEY_SHAPE.test(text);
}

/** Checks a key a client presented (constant-time comparison of the hashes). */
export async function checkGatewayKey(db: SqlExecutor, presented: string): Promise<KeyCheck> {
  const match = KEY_SHAPE.exec(presented);
  if (!match) return { status: "unknown" };
  const rows = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM kimi_gateway_keys WHERE id = $1`, [
    `kgw-${match[1]}`,
  ]);
  const row = rows[0];
  if (!row) return { status: "unknown" };
  const expected = Buffer.from(row.secret_sha256, "hex");
  const actual = Buffer.from(sha256(presented), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { status: "unknown" };
  }
  const key = toKey(row);
  return key.revokedAt === null ? { status: "valid", key } : { status: "revoked", key };
}
