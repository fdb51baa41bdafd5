/**
 * The CLI's chat sessions, kept in the table `sessions` of the state database
 * (`<state dir>/state.db`, docs/local-state.md): every `kimi-provider chat` (one-shot or
 * interactive) is a session that `chat --continue` or `chat --session NAME` resumes. A session's
 * messages are stored exactly as sent (assistant `reasoning_content` and tool turns included, so
 * a thinking model accepts the resumed history) and rewritten whole in one transaction after each
 * turn: a crash leaves the previous turn's state, never half a turn.
 */
import type { ChatMessage, ToolDefinition } from "kimi-provider";
import { openStateDatabase } from "kimi-provider/internal";
import { UsageError } from "./usage-error.ts";

/** Settings of a session that are not messages: what the next turn is sent with. */
export interface SessionSettings {
  /** The system prompt, always sent first (`--system`, `/system`). */
  system?: string;
  /** `/thinking on|off`; unset: the model's default. */
  thinking?: boolean;
  /** Tools declared with `--tools`. */
  tools?: ToolDefinition[];
  /** Whether the answers came from the CLI's local emulator (no key). */
  emulator?: boolean;
}

/** Token and cost totals of a session's requests. */
export interface SessionUsage {
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  /** USD of the requests with a known cost. */
  costUsd: number;
  /** Requests whose cost or usage was unknown. */
  unpricedRequests: number;
}

/** One saved session. */
export interface StoredSession {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** The model of the last turn (`undefined`: the default model). */
  model: string | undefined;
  settings: SessionSettings;
  /** The conversation after the system prompt: file messages, user, assistant and tool turns. */
  messages: ChatMessage[];
  usage: SessionUsage;
}

interface SessionRow {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
  model: string | null;
  settings: string;
  messages: string;
  usage: string;
}

/** Session totals before any request. */
export function emptySessionUsage(): SessionUsage {
  return {
    requests: 0,
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    unpricedRequests: 0,
  };
}

function fromRow(row: SessionRow): StoredSession {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    model: row.model ?? undefined,
    settings: JSON.parse(row.settings) as SessionSettings,
    messages: JSON.parse(row.messages) as ChatMessage[],
    usage: { ...emptySessionUsage(), ...(JSON.parse(row.usage) as Partial<SessionUsage>) },
  };
}

/** Valid session names: what a person types after `--session` (letters, digits, `.`, `_`, `-`). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws a {@link UsageError} unless `name` can name a session. */
export function checkSessionName(name: string, flag = "--session"): string {
  if (!NAME.test(name) || /^\d+$/.test(name)) {
    throw new UsageError(
      flag,
      `Session name ${JSON.stringify(name)} is invalid: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit, and not only digits (numbers are session ids).`,
    );
  }
  return name;
}

/**
 * Creates a session. Without `name` it is called `chat-<id>`. Throws a {@link UsageError} when a
 * session of that name exists.
 */
export async function createSession(
  stateDir: string,
  init: { name?: string; model: string | undefined; settings: SessionSettings },
  now: Date = new Date(),
): Promise<StoredSession> {
  const database = await openStateDatabase(stateDir);
  const at = now.toISOString();
  return database.write((db) => {
    if (init.name !== undefined) {
      const exists = db.prepare("SELECT 1 FROM sessions WHERE name = ?").get(init.name);
      if (exists !== undefined) {
        throw new UsageError("--session", `A session named ${init.name} exists already.`, "chat");
      }
    }
    const temporary = init.name ?? `new-${globalThis.crypto.randomUUID()}`;
    const inserted = db
      .prepare(
        `INSERT INTO sessions (name, created_at, updated_at, model, settings, messages, usage)
         VALUES (?, ?, ?, ?, ?, '[]', ?)`,
      )
      .run(
        temporary,
        at,
        at,
        init.model ?? null,
        JSON.stringify(init.settings),
        JSON.stringify(emptySessionUsage()),
      );
    const id = Number(inserted.lastInsertRowid);
    const name = init.name ?? `chat-${id}`;
    if (init.name === undefined) {
      db.prepare("UPDATE sessions SET name = ? WHERE id = ?").run(name, id);
    }
    return {
      id,
      name,
      createdAt: at,
      updatedAt: at,
      model: init.model,
      settings: init.settings,
      messages: [],
      usage: emptySessionUsage(),
    };
  });
}

/** Writes a session's messages, settings, model and usage (one transaction). */
export async function saveSession(
  stateDir: string,
  session: StoredSession,
  now: Date = new Date(),
): Promise<void> {
  const database = await openStateDatabase(stateDir);
  session.updatedAt = now.toISOString();
  await database.write((db) => {
    db.prepare(
      `UPDATE sessions SET updated_at = ?, model = ?, settings = ?, messages = ?, usage = ?
       WHERE id = ?`,
    ).run(
      session.updatedAt,
      session.model ?? null,
      JSON.stringify(session.settings),
      JSON.stringify(session.messages),
      JSON.stringify(session.usage),
      session.id,
    );
  });
}

/** The session named `nameOrId` (a name, or its numeric id), or `undefined`. */
export async function findSession(
  stateDir: string,
  nameOrId: string,
): Promise<StoredSession | undefined> {
  const database = await openStateDatabase(stateDir);
  const row = await database.read((db) =>
    /^\d+$/.test(nameOrId)
      ? db.prepare("SELECT * FROM sessions WHERE id = ?").get(Number(nameOrId))
      : db.prepare("SELECT * FROM sessions WHERE name = ?").get(nameOrId),
  );
  return row === undefined ? undefined : fromRow(row as unknown as SessionRow);
}

/** The most recently updated session, or `undefined` when there is none. */
export async function lastSession(stateDir: string): Promise<StoredSession | undefined> {
  const database = await openStateDatabase(stateDir);
  const row = await database.read((db) =>
    db.prepare("SELECT * FROM sessions ORDER BY updated_at DESC, id DESC LIMIT 1").get(),
  );
  return row === undefined ? undefined : fromRow(row as unknown as SessionRow);
}

/** Every session, most recently updated first. */
export async function listSessions(stateDir: string): Promise<StoredSession[]> {
  const database = await openStateDatabase(stateDir);
  const rows = await database.read((db) =>
    db.prepare("SELECT * FROM sessions ORDER BY updated_at DESC, id DESC").all(),
  );
  return rows.map((row) => fromRow(row as unknown as SessionRow));
}

/** Deletes the session `nameOrId`; returns whether one was deleted. */
export async function deleteSession(stateDir: string, nameOrId: string): Promise<boolean> {
  const database = await openStateDatabase(stateDir);
  return database.write((db) => {
    const result = /^\d+$/.test(nameOrId)
      ? db.prepare("DELETE FROM sessions WHERE id = ?").run(Number(nameOrId))
      : db.prepare("DELETE FROM sessions WHERE name = ?").run(nameOrId);
    return Number(result.changes) > 0;
  });
}
