/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM, https://pglite.dev) persisted under
 * `<KIMI_STATE_DIR>/gateway-db`, so the gateway needs nothing installed.
 *
 * PGlite is one process's database: two processes must never open the directory at once. The
 * process that opens it holds `<stateDir>/gateway-db.lock` (its pid). A running gateway also
 * serves the database on a Unix socket inside the state directory (pglite-socket speaks the
 * Postgres wire protocol), so `kimi-provider gateway keys|usage` work while it runs: they find
 * the lock, and connect through the socket instead of opening the files. A lock whose process is
 * gone is stale and taken over.
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { ConfigurationError } from "kimi-provider";
import { openServerDatabase } from "./server-database.ts";
import type { SqlDatabase, SqlExecutor, SqlRow } from "./sql-database.ts";

/** Directory of the embedded database inside the state directory. */
export const EMBEDDED_DATABASE_DIR = "gateway-db";
const LOCK_FILE = "gateway-db.lock";
const SOCKET_DIR = "gateway-db.socket";
/** pg finds a Unix socket as `<dir>/.s.PGSQL.<port>`. */
const SOCKET_PORT = 5432;
const LOCK_WAIT_MS = 30_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM";
  }
}

async function readLock(path: string): Promise<{ pid: number; serving: boolean } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as { pid?: unknown; serving?: unknown };
    return typeof parsed.pid === "number"
      ? { pid: parsed.pid, serving: parsed.serving === true }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the embedded database of `stateDir`. `serve`: this process is a gateway and shares the
 * database with later CLI commands through the socket while it runs.
 */
export async function openEmbeddedDatabase(stateDir: string, serve: boolean): Promise<SqlDatabase> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const lockPath = join(stateDir, LOCK_FILE);
  const socketDir = join(stateDir, SOCKET_DIR);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(lockPath, "wx", 0o600);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EEXIST") throw error;
    }
    if (handle) {
      await handle.writeFile(JSON.stringify({ pid: process.pid, serving: false }));
      await handle.close();
      try {
        return await openOwned(stateDir, lockPath, socketDir, serve);
      } catch (error) {
        await rm(lockPath, { force: true });
        throw error;
      }
    }
    const lock = await readLock(lockPath);
    if (lock === undefined || !alive(lock.pid)) {
      // The owner died (or is writing the file this instant: then the retry sees it whole).
      if (lock !== undefined) await rm(lockPath, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 20));
    } else if (lock.serving) {
      const database = await openServerDatabase(
        `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`,
        2,
      );
      return {
        ...database,
        description: `embedded PGlite at ${join(stateDir, EMBEDDED_DATABASE_DIR)} (through the gateway with pid ${lock.pid})`,
      };
    } else if (Date.now() > deadline) {
      throw new ConfigurationError(
        `The gateway database in ${stateDir} is held by process ${lock.pid}, which is not a running gateway. Wait for it to finish, or stop it.`,
        { setting: "KIMI_STATE_DIR" },
      );
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function openOwned(
  stateDir: string,
  lockPath: string,
  socketDir: string,
  serve: boolean,
): Promise<SqlDatabase> {
  const { PGlite } = await import("@electric-sql/pglite");
  const dataDir = join(stateDir, EMBEDDED_DATABASE_DIR);
  const db = await PGlite.create(dataDir);
  let stopServer: () => Promise<void> = async () => undefined;
  if (serve) {
    const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
    await rm(socketDir, { recursive: true, force: true });
    await mkdir(socketDir, { mode: 0o700 });
    const server = new PGLiteSocketServer({
      db,
      path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
      maxConnections: 16,
    });
    await server.start();
    stopServer = () => server.stop();
    const handle = await open(lockPath, "w", 0o600);
    await handle.writeFile(JSON.stringify({ pid: process.pid, serving: true }));
    await handle.close();
  }
  const executor = (target: {
    query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
    exec: (sql: string) => Promise<unknown>;
  }): SqlExecutor => ({
    async query<Row extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await target.query(sql, [...params])).rows as Row[];
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  });
  let closed = false;
  return {
    ...executor(db),
    description: `embedded PGlite at ${dataDir}`,
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    async close() {
      if (closed) return;
      closed = true;
      await stopServer().catch(() => undefined);
      await db.close().catch(() => undefined);
      await rm(socketDir, { recursive: true, force: true });
      await rm(lockPath, { force: true });
    },
  };
}
