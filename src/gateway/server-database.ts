/**
 * A PostgreSQL server as the gateway's database (`KIMI_GATEWAY_DATABASE_URL=postgres://...`),
 * through the `pg` client's pool. Several gateway instances pointed at one server share keys,
 * budgets, rate windows, the usage ledger and the reasoning memory.
 */

import { ConfigurationError } from "kimi-provider";
import type { QueryResult } from "pg";
import {
  describeDatabaseUrl,
  type SqlDatabase,
  type SqlExecutor,
  type SqlRow,
} from "./sql-database.ts";

/** Opens a pool to `url`; throws {@link ConfigurationError} when the server cannot be reached. */
export async function openServerDatabase(url: string, poolSize = 10): Promise<SqlDatabase> {
  const { default: pg } = await import("pg");
  const description = describeDatabaseUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ConfigurationError(
      `Cannot connect to the gateway database ${description} (${error instanceof Error ? error.message : String(error)}). Check KIMI_GATEWAY_DATABASE_URL and that the server is running.`,
      { setting: "KIMI_GATEWAY_DATABASE_URL" },
    );
  }
  const executor = (client: {
    query: (sql: string, params?: unknown[]) => Promise<QueryResult>;
  }): SqlExecutor => ({
    async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, [...params]);
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const base = executor(pool);
  return {
    ...base,
    description,
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(executor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
