/**
 * Chooses the gateway's database: `KIMI_GATEWAY_DATABASE_URL` (or the `databaseUrl` option) for
 * a PostgreSQL server shared by many instances, else the embedded PGlite under the state
 * directory. Migrations run before the database is handed out.
 */
import { openEmbeddedDatabase } from "./embedded-database.ts";
import { migrateDatabase } from "./migrations.ts";
import { openServerDatabase } from "./server-database.ts";
import type { SqlDatabase } from "./sql-database.ts";

/** Where the gateway state lives. */
export interface DatabaseChoice {
  /** `postgres://...`; when absent, the embedded PGlite under `stateDir`. */
  databaseUrl: string | undefined;
  /** The state directory (KIMI_STATE_DIR). */
  stateDir: string;
  /** This process is a gateway (it shares an embedded database through a local socket). */
  serve: boolean;
}

/** Opens and migrates the gateway database. */
export async function openGatewayDatabase(choice: DatabaseChoice): Promise<SqlDatabase> {
  const database =
    choice.databaseUrl !== undefined
      ? await openServerDatabase(choice.databaseUrl)
      : await openEmbeddedDatabase(choice.stateDir, choice.serve);
  try {
    await migrateDatabase(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
