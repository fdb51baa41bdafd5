/**
 * `kimi-provider sessions list | show NAME | delete NAME...`: the chat sessions saved in the state
 * database (every `kimi-provider chat` is one; `chat --continue` and `chat --session NAME` resume
 * them).
 */
import type { ChatMessage } from "kimi-provider";
import { resolveStateDir } from "kimi-provider/internal";
import { parseCommandArgs, rejectPositionals } from "../arguments.ts";
import { sessionCostLine } from "../chat-session.ts";
import type { CliContext } from "../context.ts";
import { didYouMean } from "../did-you-mean.ts";
import { EXIT } from "../exit-codes.ts";
import { formatCount, plural } from "../format.ts";
import { deleteSession, findSession, listSessions, type StoredSession } from "../session-store.ts";
import { formatTable } from "../table.ts";
import { printJson } from "../terminal.ts";
import { UsageError } from "../usage-error.ts";

const SUBCOMMANDS = ["list", "show", "delete"];

function text(content: ChatMessage["content"]): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : `[${part.type}]`)).join("");
}

function oneLine(value: string, width: number): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function turns(session: StoredSession): number {
  return session.messages.filter((message) => message.role === "user").length;
}

function firstQuestion(session: StoredSession): string {
  const first = session.messages.find((message) => message.role === "user");
  return first === undefined ? "" : text(first.content);
}

function summary(session: StoredSession) {
  return {
    id: session.id,
    name: session.name,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
    model: session.model ?? null,
    turns: turns(session),
    first_question: firstQuestion(session),
  };
}

async function need(stateDir: string, name: string | undefined, sub: string) {
  if (name === undefined) {
    throw new UsageError(
      "NAME",
      `\`sessions ${sub}\` needs a session name or id. Run \`kimi-provider sessions list\`.`,
      "sessions",
    );
  }
  const session = await findSession(stateDir, name);
  if (session === undefined) {
    const names = (await listSessions(stateDir)).map((s) => s.name);
    throw new UsageError(
      "NAME",
      `No session named ${JSON.stringify(name)}.${didYouMean(name, names)} Run \`kimi-provider sessions list\`.`,
      "sessions",
    );
  }
  return session;
}

/** Runs `kimi-provider sessions`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("sessions", args, {
    json: { type: "boolean" },
  });
  const [sub = "list", ...rest] = positionals;
  const stateDir = resolveStateDir(undefined, context.env);
  const { terminal } = context;
  switch (sub) {
    case "list": {
      rejectPositionals("sessions list", rest);
      const sessions = await listSessions(stateDir);
      if (values.json) {
        printJson(terminal, sessions.map(summary));
        return EXIT.ok;
      }
      if (sessions.length === 0) {
        terminal.out("no saved sessions yet: `kimi-provider chat` starts one\n");
        return EXIT.ok;
      }
      terminal.out(
        formatTable(
          [
            { header: "name" },
            { header: "updated" },
            { header: "turns", right: true },
            { header: "first question" },
          ],
          sessions.map((session) => [
            session.name,
            session.updatedAt.slice(0, 16).replace("T", " "),
            String(turns(session)),
            oneLine(firstQuestion(session), 36),
          ]),
        ),
      );
      return EXIT.ok;
    }
    case "show": {
      if (rest.length > 1) rejectPositionals("sessions show", rest.slice(1));
      const session = await need(stateDir, rest[0], "show");
      if (values.json) {
        printJson(terminal, {
          ...summary(session),
          settings: session.settings,
          usage: session.usage,
          messages: session.messages,
        });
        return EXIT.ok;
      }
      const count = turns(session);
      terminal.out(
        `${session.name} (id ${session.id}), model ${session.model ?? "default"}, ${formatCount(count)} ${plural(count, "turn")}, updated ${session.updatedAt}\n`,
      );
      terminal.out(`${sessionCostLine(session.usage, session.settings.emulator === true)}\n`);
      if (session.settings.system !== undefined) {
        terminal.out(`\nsystem: ${session.settings.system}\n`);
      }
      for (const message of session.messages) {
        if (message.role === "user") terminal.out(`\nyou: ${text(message.content)}\n`);
        else if (message.role === "system") {
          terminal.out(
            `\n[file or system message, ${formatCount(text(message.content).length)} characters]\n`,
          );
        } else if (message.role === "assistant") {
          for (const call of message.tool_calls ?? []) {
            terminal.out(
              `\n[tool call ${call.id}] ${call.function.name}(${call.function.arguments})\n`,
            );
          }
          const content = text(message.content);
          if (content !== "") terminal.out(`\nkimi: ${content}\n`);
        } else {
          terminal.out(
            `\n[tool result ${message.tool_call_id}] ${oneLine(text(message.content), 200)}\n`,
          );
        }
      }
      return EXIT.ok;
    }
    case "delete": {
      if (rest.length === 0) await need(stateDir, undefined, "delete");
      const deleted: string[] = [];
      for (const name of rest) {
        const session = await need(stateDir, name, "delete");
        await deleteSession(stateDir, String(session.id));
        deleted.push(session.name);
      }
      if (values.json) printJson(terminal, { deleted });
      else
        terminal.out(
          `deleted ${deleted.length} ${plural(deleted.length, "session")}: ${deleted.join(", ")}\n`,
        );
      return EXIT.ok;
    }
    default:
      throw new UsageError(
        sub,
        `Unknown subcommand "${sub}" for \`sessions\`.${didYouMean(sub, SUBCOMMANDS)} Subcommands: ${SUBCOMMANDS.join(", ")}.`,
        "sessions",
      );
  }
}
