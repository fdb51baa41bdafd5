/**
 * The `--help` texts. Kept apart from the commands so `kimi-provider --help` and
 * `kimi-provider <command> --help` print without loading the library (fast cold start).
 */

const ENVIRONMENT = `Environment:
  KIMI_API_KEY        Moonshot API key; unset: answers come from the local emulator (or from
                      KIMI_BASE_URL when it is a loopback address: your own emulator or gateway)
  KIMI_BASE_URL       default https://api.moonshot.ai/v1 (https://api.moonshot.cn/v1 for China)
  KIMI_DEFAULT_MODEL  default kimi-k2.6
  KIMI_TEMPERATURE    0..1, default 0.5     KIMI_MAX_TOKENS   default 32768
  KIMI_TIMEOUT_MS     default 600000        KIMI_MAX_RETRIES  default 2
  KIMI_STATE_DIR      local state (sessions, usage ledger, uploaded files), default ~/.kimi-provider
  KIMI_GATEWAY_DATABASE_URL  postgres://... for the gateway's state (default: embedded)
  NO_COLOR            disables dimmed reasoning`;

const EXIT_CODES = `Exit codes: 0 success, 1 the service or network failed (or the local state under
KIMI_STATE_DIR is damaged or not writable), 2 bad usage or configuration, 130 interrupted (Ctrl-C).`;

/** Help of the program itself. */
export const MAIN_HELP = `kimi-provider: use Moonshot's Kimi models from the command line.

Usage: kimi-provider <command> [options]

Commands:
  chat [PROMPT...]      ask a model and stream the answer; on a terminal without a prompt (or
                        with -i), an interactive session; --continue resumes the last one
  sessions              list, show or delete saved chat sessions
  models                the model catalog: context windows, prices, capabilities
  files <subcommand>    upload, list, get, content, delete, cleanup uploaded files
  tokens (TEXT | -f PATH)  estimate tokens and which context windows they fit
  cost                  price a number of input/output tokens
  balance               the account balance
  usage                 tokens and cost of the chats this machine sent to the service
  emulator              run the local Moonshot-compatible emulator
  mcp                   serve Kimi as MCP tools to agent hosts (stdio, or --http)
  gateway               run the OpenAI-compatible gateway that repairs requests for Kimi
  doctor                check key, host, default model, clock, proxy and state without spending
                        a token

Every command has --help; --json makes output for scripts (every command but emulator and mcp,
which serve); --verbose shows requests (the API key redacted).

${ENVIRONMENT}

${EXIT_CODES}
`;

/** Help of each command, by name. */
export const COMMAND_HELP: Record<string, string> = {
  chat: `Usage: kimi-provider chat [options] [PROMPT...]
       kimi-provider chat [-i] [--continue | --session NAME]

Asks a model and streams the answer to stdout as it arrives. The prompt is the arguments joined
by spaces; with none, or "-", it is read from stdin. A thinking model's reasoning goes to stderr
(dimmed on a terminal). Without KIMI_API_KEY the answer comes from the local emulator.

On a terminal without a prompt (or with -i) it opens an interactive session: each line is a
turn; \`"""\` on its own line starts and ends a multi-line message; arrow keys recall earlier
lines; Ctrl-C cancels an answer (twice at the prompt, or Ctrl-D, leaves); /help lists the
commands (/model, /system, /thinking, /reasoning, /file, /cost, /retry, /undo, /clear, /save).
With -i and stdin not a terminal, each input line is one turn (for scripts).

Every chat is saved as a session under KIMI_STATE_DIR (\`kimi-provider sessions\`).

Options:
  -m, --model ID         model id (default KIMI_DEFAULT_MODEL); see \`kimi-provider models\`
  -s, --system TEXT      system prompt
  -f, --file PATH        attach a file (repeatable): uploaded for extraction, its text put in a
                         system message, deleted afterwards (also on Ctrl-C)
  -i, --interactive      an interactive session, also with a prompt or stdin not a terminal
  -c, --continue         resume the last session (with PROMPT: one more turn, then exit)
      --session NAME     resume the session NAME, or start one with that name
      --tools FILE       JSON array of tool definitions to declare; requested calls are printed
      --tools-exec CMD   answer each tool call by running CMD (through the shell) with the
                         call's JSON {"id","name","arguments"} on stdin; its stdout is the result
      --temperature T    0..1 (default KIMI_TEMPERATURE)
      --max-tokens N     output cap (default KIMI_MAX_TOKENS)
      --no-stream        wait for the whole answer instead of streaming
      --reasoning MODE   on (default), off or fold (one line saying how much there was)
      --hide-reasoning   the same as --reasoning off
      --summary          print the tokens/cost summary line on stderr (default: on a terminal)
      --no-summary       never print it
      --json             print one JSON object: model, content, reasoning_content, tool_calls,
                         finish_reason, usage, cost_usd (not with -i)
      --verbose          show requests and responses on stderr (the key redacted)
  -h, --help             this help

The usage and cost of every answer from the service is added to the ledger shown by
\`kimi-provider usage\`; answers of the local emulator cost nothing ("$0 (emulator)") and are
not recorded.

${EXIT_CODES}
`,
  models: `Usage: kimi-provider models [--wide] [--json] [--refresh]

Shows the model catalog: id, context window, prices in USD per million tokens (input cache hit,
input cache miss, output) and status, in 80 columns; --wide adds capabilities, the day a
model was retired and its successor.

Options:
      --wide      also capabilities, retirement days and successors
      --refresh   ask the service (GET /v1/models) which models this key can use and merge
      --json      print an array of objects (id, context_window, pricing, capabilities, status)
      --verbose   show requests (the key redacted)
  -h, --help      this help

Capabilities: tools, json (JSON mode), schema (json_schema), partial, image, video,
think (always reasons) / think? (thinking can be switched off), search ($web_search),
cache (automatic prompt caching).
`,
  files: `Usage: kimi-provider files <subcommand> [options]

Subcommands:
  upload PATH...                  upload files for extraction (purpose file-extract); prints
                                  the file object (an array of them for several paths)
  list                            every uploaded file
  get ID                          one file's metadata
  content ID                      the text Moonshot extracted from a file
  delete ID...                    delete files
  cleanup [--all] [--older-than DURATION] [--force]
                                  delete the files kimi-provider uploaded from this machine
                                  (with --all: every file of the account), only those older
                                  than DURATION (e.g. 30m, 12h, 7d, 1h30m) if given; files a
                                  running kimi-provider process still uses are skipped and
                                  listed, unless --force

Options:
      --purpose P   upload purpose: file-extract (default), image, video, batch
      --json        print JSON (the service's objects)
      --verbose     show requests (the key redacted)
  -h, --help        this help
`,
  tokens: `Usage: kimi-provider tokens [-m MODEL] (TEXT | -f PATH | -)

Estimates the tokens of TEXT (or stdin with "-") sent as one user message, or of a file as
\`chat -f\` sends it, and which models' context windows it fits. The count is a local estimate
(Kimi's tokenizer is not public: expect about +-20% against the service). A file is first
extracted the way \`chat -f\` does it: uploaded for extraction, its text read, the upload
deleted (by Moonshot with a key, by the local emulator without).

Options:
  -m, --model ID    only this model
  -f, --file PATH   read the text from a file
      --json        print {"tokens", "characters", "source", "estimate", "extracted_by" (-f),
                    "models": [{"id", "context_window", "fits"}]}
  -h, --help        this help
`,
  cost: `Usage: kimi-provider cost -m MODEL --input N --output N [--cached N] [--json]

Prices a request from the catalog, in USD. --input counts every prompt token; --cached says how
many of them were served from the prompt cache (billed at the cache-hit price).

Options:
  -m, --model ID     model id (required)
      --input N      prompt tokens (required)
      --output N     completion tokens, reasoning included (required)
      --cached N     of the input, tokens served from the cache (default 0)
      --json         print {"model", "input", "output", "total"} (USD; null when unpriced)
  -h, --help         this help
`,
  balance: `Usage: kimi-provider balance [--json]

Shows the account balance (GET /v1/users/me/balance): available = cash + voucher. USD on
api.moonshot.ai, CNY on api.moonshot.cn.

Options:
      --json      print {"available_balance", "voucher_balance", "cash_balance", "currency"}
      --verbose   show requests (the key redacted)
  -h, --help      this help
`,
  usage: `Usage: kimi-provider usage [--json] [--reset]

Shows the totals of every \`kimi-provider chat\` answer this machine got from the service:
requests, tokens, cache hits and cost, overall and per model. Answers of the local emulator (no
KIMI_API_KEY) cost nothing and are not counted. Kept in the database state.db under
KIMI_STATE_DIR (default ~/.kimi-provider).

Options:
      --reset   set the totals back to zero
      --json    print the ledger as JSON
  -h, --help    this help
`,
  emulator: `Usage: kimi-provider emulator [options]

Runs the local Moonshot-compatible emulator until Ctrl-C (or SIGTERM), and prints how to point
clients at it. By default it serves today's models and accepts any key.

Options:
      --port N          TCP port (default 8787; 0 picks a free one)
      --host H          interface (default 127.0.0.1); one reachable from other machines
                        (0.0.0.0, a LAN address) requires --api-key
      --lineup L        which models answer: 2026-09 (default: kimi-k3, kimi-k2.7-code,
                        kimi-k2.7-code-highspeed, kimi-k2.6) or 2025-10 (the 2025 models:
                        kimi-k2-*-preview, moonshot-v1-*, ...); any other model is a 404
      --api-key KEY     require Authorization: Bearer KEY (else 401)
      --rpm N           requests per minute before a 429 (default: no limit)
      --tpm N           tokens per minute (prompt + max_tokens) before a 429 (default: no limit)
      --concurrency N   requests at once before a 429 (default: no limit)
      --seed N          seed of the generated answers (default 0)
      --chunk-delay MS  delay between streamed chunks (default 0)
      --log             one line per request on stderr
  -h, --help            this help
`,
  mcp: `Usage: kimi-provider mcp [--allow-dir DIR]... [--max-cost-usd USD] [--http --port N [--host H] [--token T]]

Serves Kimi as MCP tools (kimi_chat, kimi_analyze_files, kimi_models, kimi_usage,
kimi_estimate_tokens) to an agent host such as Claude Code, Cursor or Codex CLI. By default on
stdio: the host starts this command, stdout carries only the protocol, logs go to stderr.
Without KIMI_API_KEY every answer comes from the local emulator, and every result says so.

Options:
      --allow-dir DIR        a directory the file tools may read (repeatable); the roots the
                             host declares are allowed too; nothing else, symlinks included
      --max-cost-usd USD     per-session spending limit: once reached, kimi_chat and
                             kimi_analyze_files answer with an error and send nothing
      --max-file-mb N        largest file the file tools accept (default and maximum 100)
      --conversation-ttl D   how long a kimi_chat conversation is kept after its last turn
                             (default 30m; e.g. 10m, 2h)
      --http                 serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio
      --port N               HTTP port (default 8789; 0 picks a free one)
      --host H               HTTP interface (default 127.0.0.1); any other than loopback
                             requires a token
      --token T              bearer token every HTTP request must carry (or KIMI_MCP_TOKEN)
  -h, --help                 this help

Environment: KIMI_API_KEY, KIMI_BASE_URL, KIMI_DEFAULT_MODEL, ... as for every command, and
KIMI_MCP_TOKEN (the HTTP bearer token).
`,
  gateway: `Usage: kimi-provider gateway [--port N] [--host H] [--config FILE]
       kimi-provider gateway keys create NAME [--budget-usd USD] [--rpm N] [--json]
       kimi-provider gateway keys list [--json]
       kimi-provider gateway keys revoke ID [--json]
       kimi-provider gateway usage [--json]

Runs a local OpenAI-compatible server in front of Kimi until Ctrl-C: point any OpenAI client's
base URL at it, and its requests are repaired for Kimi (lost reasoning_content, rejected sampling
values, tool schemas, stream usage, small max_tokens, model aliases). Without KIMI_API_KEY the
local emulator answers. With no gateway keys, only this machine's clients are served.

Options:
      --port N          TCP port (default 8788; 0 picks a free one)
      --host H          interface (default 127.0.0.1; any other needs a gateway key)
      --config FILE     JSON settings: repairs, aliases, maxTokensFloor, reasoningTtlMs,
                        maxBodyBytes (docs/gateway.md)
      --budget-usd USD  keys create: spending limit per UTC day
      --rpm N           keys create: requests per minute, across every instance
      --json            keys, usage: JSON output
  -h, --help            this help

State: the embedded PGlite under KIMI_STATE_DIR, or KIMI_GATEWAY_DATABASE_URL=postgres://...
(shared by every instance pointed at it).
`,
  sessions: `Usage: kimi-provider sessions [list | show NAME | delete NAME...] [--json]

The chat sessions saved under KIMI_STATE_DIR: every \`kimi-provider chat\` is one, named
chat-N unless started with --session NAME. Resume one with \`kimi-provider chat --continue\`
(the last) or \`chat --session NAME\`.

Subcommands:
  list              every session, the most recent first (the default)
  show NAME         one session's turns (NAME or its id); --json: every message as sent
  delete NAME...    delete sessions

Options:
      --json      print JSON
  -h, --help      this help
`,
  doctor: `Usage: kimi-provider doctor [--probe-hosts] [--json]

Checks, without spending a token, what most often goes wrong, one line per check with its fix:
the key (KIMI_API_KEY present, accepted by GET /v1/models), the host it belongs to
(api.moonshot.ai or api.moonshot.cn), the default model (served, not retired), the clock (against
the service's Date header), proxy variables (kimi-provider connects directly and does not use
them), and the state directory (its database opens for writing). Exit 0 when no check failed,
1 otherwise.

Options:
      --probe-hosts   when the key is refused, ask the other host too (sends the key there)
      --json          print {"ok", "checks": [{"name", "status", "detail", "fix"}]}
  -h, --help          this help
`,
};
