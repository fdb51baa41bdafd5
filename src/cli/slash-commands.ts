/**
 * The slash commands of an interactive `kimi-provider chat` session (`/help` lists them). Each
 * returns what the session loop does next: keep reading, leave, or send a turn (`/retry`).
 */
import { writeFile } from "node:fs/promises";
import { type ChatMessage, findCatalogModel } from "kimi-provider";
import type { ReasoningDisplay } from "./answer-printer.ts";
import type { ChatSession } from "./chat-session.ts";
import { didYouMean } from "./did-you-mean.ts";
import { formatCount } from "./format.ts";
import type { Terminal } from "./terminal.ts";

/** What the loop does after a slash command. */
export type SlashOutcome =
  | { kind: "continue" }
  | { kind: "leave" }
  | { kind: "send"; text: string };

/** The `/help` text. */
export const SLASH_HELP = `Commands:
  /model [ID]            show or change the model (see \`kimi-provider models\`)
  /system [TEXT]         show or set the system prompt (changing it misses the prompt cache once)
  /thinking on|off       switch thinking on models that can toggle it
  /reasoning on|off|fold show reasoning, hide it, or fold it to one line
  /file PATH             upload a document, add its extracted text as a system message, delete it
  /cost                  this session's tokens, cache hit rate and cost
  /retry                 ask the last question again
  /undo                  forget the last question and its answer
  /clear                 forget the conversation (keeps the system prompt and files)
  /save FILE             write the conversation to FILE (.md: a transcript, else JSON)
  /help                  this list
  /exit                  leave (or Ctrl-D)
Input: a line is a turn; \`"""\` on its own line starts and ends a multi-line message. Ctrl-C
cancels an answer; at the prompt, Ctrl-C twice or Ctrl-D leaves.
`;

const NAMES = [
  "/model",
  "/system",
  "/thinking",
  "/reasoning",
  "/file",
  "/cost",
  "/retry",
  "/undo",
  "/clear",
  "/save",
  "/help",
  "/exit",
  "/quit",
];

/** Whether `line` is a slash command (and not, say, a path typed as a message). */
export function isSlashCommand(line: string): boolean {
  return /^\/[a-z]+(\s|$)/i.test(line.trim());
}

function text(content: ChatMessage["content"]): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : `[${part.type}]`)).join("");
}

/** The conversation as Markdown. */
function transcript(session: ChatSession): string {
  const lines: string[] = [`# ${session.stored.name} (${session.model})`, ""];
  for (const message of session.prompt()) {
    if (message.role === "system") {
      lines.push("**system**", "", "```", text(message.content), "```", "");
    } else if (message.role === "user") {
      lines.push("**you**", "", text(message.content), "");
    } else if (message.role === "assistant") {
      if (message.reasoning_content) {
        lines.push(
          "**reasoning**",
          "",
          `> ${message.reasoning_content.replace(/\n/g, "\n> ")}`,
          "",
        );
      }
      for (const call of message.tool_calls ?? []) {
        lines.push(`**tool call** \`${call.function.name}(${call.function.arguments})\``, "");
      }
      if (text(message.content) !== "") lines.push("**kimi**", "", text(message.content), "");
    } else {
      lines.push(
        `**tool result** (${message.tool_call_id})`,
        "",
        "```",
        text(message.content),
        "```",
        "",
      );
    }
  }
  return lines.join("\n");
}

/** Runs one slash command. Output goes to stdout, notes to stderr. */
export async function runSlashCommand(
  line: string,
  session: ChatSession,
  terminal: Terminal,
  signal: AbortSignal,
): Promise<SlashOutcome> {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  const name = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const arg = space < 0 ? "" : trimmed.slice(space).trim();
  const out = (message: string) => terminal.out(`${message}\n`);
  const note = (message: string) => terminal.err(`${message}\n`);
  const keep: SlashOutcome = { kind: "continue" };
  switch (name) {
    case "/help":
      terminal.out(SLASH_HELP);
      return keep;
    case "/exit":
    case "/quit":
      return { kind: "leave" };
    case "/model": {
      if (arg === "") {
        out(`model: ${session.model}`);
        return keep;
      }
      const info = findCatalogModel(arg);
      if (info?.status === "retired") {
        note(
          `${arg} was retired${info.retiredOn ? ` on ${info.retiredOn}` : ""}${info.successor ? `; use ${info.successor}` : ""}. Model unchanged (${session.model}).`,
        );
        return keep;
      }
      session.setModel(arg);
      await session.save();
      out(
        `model: ${arg}${info === undefined ? " (not in the catalog: the service decides whether it exists)" : ""}`,
      );
      return keep;
    }
    case "/system":
      if (arg === "") {
        out(`system: ${session.stored.settings.system ?? "(none)"}`);
        return keep;
      }
      session.stored.settings.system = arg;
      await session.save();
      out("system prompt set (the next request misses the prompt cache once)");
      return keep;
    case "/thinking": {
      if (arg !== "on" && arg !== "off") {
        note("Use /thinking on or /thinking off.");
        return keep;
      }
      session.stored.settings.thinking = arg === "on";
      await session.save();
      out(
        `thinking ${arg} (models that always think ignore off; models without thinking ignore on)`,
      );
      return keep;
    }
    case "/reasoning": {
      const modes: Record<string, ReasoningDisplay> = { on: "show", off: "hide", fold: "fold" };
      const mode = modes[arg];
      if (mode === undefined) {
        note("Use /reasoning on, /reasoning off or /reasoning fold.");
        return keep;
      }
      session.reasoning = mode;
      out(`reasoning ${arg}`);
      return keep;
    }
    case "/file": {
      if (arg === "") {
        note("Use /file PATH.");
        return keep;
      }
      const added = await session.addFile(arg, signal);
      out(
        `added ${added.filename} (~${formatCount(added.tokens)} tokens) as a system message; the upload was deleted`,
      );
      return keep;
    }
    case "/cost":
      out(session.costLine());
      return keep;
    case "/retry": {
      const last = session.takeLastTurn();
      if (last === undefined) {
        note("Nothing to retry yet.");
        return keep;
      }
      return { kind: "send", text: last };
    }
    case "/undo":
      if (!session.undo()) {
        note("Nothing to undo.");
        return keep;
      }
      await session.save();
      out("forgot the last question and its answer");
      return keep;
    case "/clear":
      session.clear();
      await session.save();
      out("conversation cleared (system prompt and files kept)");
      return keep;
    case "/save": {
      if (arg === "") {
        note("Use /save FILE (FILE.md for a Markdown transcript, anything else for JSON).");
        return keep;
      }
      const body = /\.(md|markdown)$/i.test(arg)
        ? transcript(session)
        : `${JSON.stringify({ session: session.stored.name, model: session.model, messages: session.prompt() }, null, 2)}\n`;
      await writeFile(arg, body, "utf8");
      out(`saved to ${arg}`);
      return keep;
    }
    default:
      note(`Unknown command ${name}.${didYouMean(name, NAMES)} /help lists the commands.`);
      return keep;
  }
}
