/**
 * The `--help` texts. Kept apart from the commands so `kimi-provider --help` and
 * `kimi-provider <command> --help` print without loading the library (fast cold start).
 */

const ENVIRONMENT = `Environment:
  KIMI_API_KEY        Moonshot API key; unset: answers come from the local emulator
  KIMI_BASE_URL       default https://api.moonshot.ai/v1 (https://api.moonshot.cn/v1 for China)
  KIMI_DEFAULT_MODEL  default kimi-k2-0905-preview
  KIMI_TEMPERATURE    0..1, default 0.5     KIMI_MAX_TOKENS   default 32768
  KIMI_TIMEOUT_MS     default 600000        KIMI_MAX_RETRIES  default 2
  KIMI_STATE_DIR      local state (usage ledger, uploaded files), default ~/.kimi-provider
  NO_COLOR            disables dimmed reasoning`;

const EXIT_CODES = `Exit codes: 0 success, 1 the service or network failed (or the local state under
KIMI_STATE_DIR is damaged or not writable), 2 bad usage or configuration, 130 interrupted (Ctrl-C).`;

/** Help of the program itself. */
export const MAIN_HELP = `kimi-provider: use Moonshot's Kimi models from the command line.

Usage: kimi-provider <command> [options]

Commands:
  chat [PROMPT...]      ask a model; streams the answer (prompt from stdin when none or "-")
  models                the model catalog: context windows, prices, capabilities
  files <subcommand>    upload, list, get, content, delete, cleanup uploaded files
  tokens (TEXT | -f PATH)  estimate tokens and which context windows they fit
  cost                  price a number of input/output tokens
  balance               the account balance
  usage                 tokens and cost of every chat run from this machine
  emulator              run the local Moonshot-compatible emulator
  mcp                   serve Kimi as MCP tools to agent hosts (stdio, or --http)

Every command has --help; --json makes output for scripts; --verbose shows requests
(the API key redacted).

${ENVIRONMENT}

${EXIT_CODES}
`;

/** Help of each command, by name. */
export const COMMAND_HELP: Record<string, string> = {
  chat: `Usage: kimi-provider chat [options] [PROMPT...]

Asks a model and streams the answer to stdout as it arrives. The prompt is the arguments joined
by spaces; with none, or "-", it is read from stdin. A thinking model's reasoning goes to stderr
(dimmed on a terminal). Without KIMI_API_KEY the answer comes from the local emulator.

Options:
  -m, --model ID         model id (default KIMI_DEFAULT_MODEL); see \`kimi-provider models\`
  -s, --system TEXT      system prompt
  -f, --file PATH        attach a file (repeatable): uploaded for extraction, its text put in a
                         system message, deleted afterwards (also on Ctrl-C)
      --tools FILE       JSON array of tool definitions to declare; requested calls are printed
      --temperature T    0..1 (default KIMI_TEMPERATURE)
      --max-tokens N     output cap (default KIMI_MAX_TOKENS)
      --no-stream        wait for the whole answer instead of streaming
      --hide-reasoning   do not print a thinking model's reasoning
      --summary          print the tokens/cost summary line on stderr (default: on a terminal)
      --no-summary       never print it
      --json             print one JSON object: model, content, reasoning_content, tool_calls,
                         finish_reason, usage, cost_usd
      --verbose          show requests and responses on stderr (the key redacted)
  -h, --help             this help

Every run's usage and cost is added to the ledger shown by \`kimi-provider usage\`.

${EXIT_CODES}
`,
  models: `Usage: kimi-provider models [--json] [--refresh]

Shows the model catalog: id, context window, prices in USD per million tokens (input cache hit,
input cache miss, output), capabilities and status.

Options:
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

Estimates the tokens of TEXT (or of a file, or stdin with "-") sent as one user message, locally
(Kimi's tokenizer is not public: expect about +-20% against the service), and which models'
context windows it fits.

Options:
  -m, --model ID    only this model
  -f, --file PATH   read the text from a file
      --json        print {"tokens", "source", "models": [{"id", "context_window", "fits"}]}
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

Shows the totals of every \`kimi-provider chat\` run on this machine: requests, tokens, cache
hits and cost, overall and per model. Kept in the database state.db under KIMI_STATE_DIR
(default ~/.kimi-provider).

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
      --port N               HTTP port (default 8788; 0 picks a free one)
      --host H               HTTP interface (default 127.0.0.1); any other than loopback
                             requires a token
      --token T              bearer token every HTTP request must carry (or KIMI_MCP_TOKEN)
  -h, --help                 this help

Environment: KIMI_API_KEY, KIMI_BASE_URL, KIMI_DEFAULT_MODEL, ... as for every command, and
KIMI_MCP_TOKEN (the HTTP bearer token).
`,
};
