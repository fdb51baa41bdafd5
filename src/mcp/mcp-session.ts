/**
 * What the tools of one MCP session share: the Kimi client (so usage, cost and the budget are
 * per session), the allowed roots, the conversations, the budget, and the log. One session is
 * one connected host (stdio: the process; Streamable HTTP: one `Mcp-Session-Id`).
 */
import type { Kimi } from "kimi-provider";
import type { AllowedRoots } from "./allowed-roots.ts";
import type { ConversationStore } from "./conversation-store.ts";
import type { SessionBudget } from "./session-budget.ts";
import type { ResultContext } from "./tool-result.ts";

/** The state of one MCP session, given to every tool. */
export interface McpSession extends ResultContext {
  /** The session's client: its `usage` is the session's usage. */
  readonly kimi: Kimi;
  /** Where file tools may read. */
  readonly roots: AllowedRoots;
  /** `kimi_chat` threads. */
  readonly conversations: ConversationStore;
  /** The USD limit of the session. */
  readonly budget: SessionBudget;
  /** One line of diagnostics (stderr in the CLI); the key is redacted before it is called. */
  readonly log: (line: string) => void;
  /** Registers a running tool call, so closing the session waits for its cleanup. */
  track(work: Promise<unknown>): void;
}
