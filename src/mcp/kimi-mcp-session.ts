/**
 * One MCP session of the Kimi server: an `McpServer` (the official SDK) with the five tools,
 * its own Kimi client (usage, cost and budget are per session), conversations, and the allowed
 * roots (the `--allow-dir` directories plus the roots the host declares, re-read after
 * `notifications/roots/list_changed`).
 */
import { createRequire } from "node:module";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Kimi } from "kimi-provider";
import { AllowedRoots, type RootDir } from "./allowed-roots.ts";
import { type ConversationLimits, ConversationStore } from "./conversation-store.ts";
import { serverInstructions } from "./instructions.ts";
import type { McpSession } from "./mcp-session.ts";
import { SessionBudget } from "./session-budget.ts";
import { registerKimiAnalyzeFiles } from "./tools/kimi-analyze-files.ts";
import { registerKimiChat } from "./tools/kimi-chat.ts";
import { registerKimiEstimateTokens } from "./tools/kimi-estimate-tokens.ts";
import { registerKimiModels } from "./tools/kimi-models.ts";
import { registerKimiUsage } from "./tools/kimi-usage.ts";

/** How long the server waits for the host's `roots/list` answer. */
const ROOTS_TIMEOUT_MS = 10_000;

/** Settings shared by every session of a server. */
export interface KimiMcpSessionOptions {
  /** Creates the session's client. */
  createClient: () => Kimi;
  /** Answers come from the local emulator (said in the instructions and every result). */
  demo: boolean;
  /** The `--allow-dir` directories, resolved. */
  allowDirs: readonly RootDir[];
  /** The session's USD limit. */
  maxCostUsd: number | undefined;
  /** The largest file the file tools accept. */
  maxFileBytes: number;
  /** Bounds of the `kimi_chat` conversations. */
  conversations: Partial<ConversationLimits>;
  /** Strings never to return or log (the API key, the HTTP token). */
  secrets: readonly string[];
  /** One diagnostic line (already redacted). */
  log: (line: string) => void;
}

/** A session: its server, to connect to a transport, and how to close it. */
export interface KimiMcpSession {
  readonly server: McpServer;
  readonly session: McpSession;
  /** Closes the server (aborting running calls) and waits for their cleanup. */
  close(): Promise<void>;
}

function packageVersion(): string {
  // Same relative path from src/mcp/ and from dist/mcp/.
  const pkg = createRequire(import.meta.url)("../../package.json") as { version?: string };
  return pkg.version ?? "0.0.0";
}

/** Creates one session. Connect `server` to a transport to serve it. */
export function createKimiMcpSession(options: KimiMcpSessionOptions): KimiMcpSession {
  const server = new McpServer(
    { name: "kimi-provider", title: "Kimi (Moonshot AI)", version: packageVersion() },
    { instructions: serverInstructions(options.demo) },
  );
  const kimi = options.createClient();
  const running = new Set<Promise<unknown>>();
  const roots = new AllowedRoots(
    options.allowDirs,
    async () => {
      if (server.server.getClientCapabilities()?.roots === undefined) return undefined;
      const answer = await server.server.listRoots(undefined, { timeout: ROOTS_TIMEOUT_MS });
      return answer.roots;
    },
    options.maxFileBytes,
  );
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    roots.invalidate();
  });
  const session: McpSession = {
    kimi,
    demo: options.demo,
    secrets: options.secrets,
    roots,
    conversations: new ConversationStore(options.conversations),
    budget: new SessionBudget(options.maxCostUsd, () => kimi.usage.snapshot().costUsd),
    log: options.log,
    track: (work) => {
      running.add(work);
      work.finally(() => running.delete(work)).catch(() => undefined);
    },
  };
  registerKimiChat(server, session);
  registerKimiAnalyzeFiles(server, session);
  registerKimiModels(server, session);
  registerKimiUsage(server, session);
  registerKimiEstimateTokens(server, session);
  return {
    server,
    session,
    close: async () => {
      await server.close();
      await Promise.allSettled([...running]);
      session.conversations.clear();
    },
  };
}
