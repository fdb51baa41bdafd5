/**
 * `kimi-provider doctor`: checks, without spending a token, what users most often get wrong: the
 * key (present, accepted by `GET /v1/models`), the host it belongs to (.ai or .cn), the default
 * model (served, not retired), the clock (against the response's `Date` header), proxy variables
 * (which the transport does not use) and the state directory (the state database opens). One line
 * per check with the fix; exit 0 when nothing failed, 1 otherwise.
 */
import {
  AuthenticationError,
  createKimi,
  findCatalogModel,
  type Kimi,
  KimiError,
  MOONSHOT_CHINA_BASE_URL,
  MOONSHOT_INTERNATIONAL_BASE_URL,
} from "kimi-provider";
import {
  isLoopbackBaseURL,
  NO_KEY_PLACEHOLDER,
  openStateDatabase,
  redactText,
  resolveConfig,
  resolveStateDir,
} from "kimi-provider/internal";
import { parseCommandArgs, rejectPositionals } from "../arguments.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { printJson } from "../terminal.ts";

/** Outcome of one check: `warn` informs without failing the run. */
type Status = "ok" | "warn" | "fail" | "skip";

/** One check's line. */
interface Check {
  name: string;
  status: Status;
  /** What was found. */
  detail: string;
  /** What to do; `""` when nothing. */
  fix: string;
}

/** Clock difference from the service beyond which file cleanup's time matching can go wrong. */
const MAX_SKEW_SECONDS = 60;

const MARK: Record<Status, string> = { ok: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" };

interface ModelsAnswer {
  data?: { id?: unknown }[];
}

/** `GET /models` on `baseURL`: the ids and the `Date` header, or the error. */
async function listModels(
  baseURL: string,
  apiKey: string,
  env: Record<string, string | undefined>,
  signal: AbortSignal,
): Promise<{ ids: string[]; date: string | null } | { error: unknown }> {
  let kimi: Kimi;
  try {
    kimi = createKimi({ env, apiKey, baseURL, maxRetries: 0, timeoutMs: 15_000 });
  } catch (error) {
    return { error };
  }
  try {
    const answer = await kimi.http.jsonResponse<ModelsAnswer>({
      method: "GET",
      path: "/models",
      signal,
      maxRetries: 0,
    });
    const ids = (answer.data.data ?? [])
      .map((model) => model.id)
      .filter((id): id is string => typeof id === "string");
    return { ids, date: answer.headers.get("date") };
  } catch (error) {
    return { error };
  }
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return baseURL;
  }
}

function proxyCheck(env: Record<string, string | undefined>): Check {
  const names = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
  ];
  const set = names.filter((name) => (env[name] ?? "") !== "");
  const noProxy = env.NO_PROXY ?? env.no_proxy;
  if (set.length === 0) {
    return {
      name: "proxy",
      status: "ok",
      detail: `no proxy variable set; requests go directly${noProxy ? " (NO_PROXY is set but has nothing to exempt)" : ""}`,
      fix: "",
    };
  }
  // The transport sends with node:http/https over its own keep-alive agent, which never reads
  // proxy variables (src/http/node-http-request.ts).
  return {
    name: "proxy",
    status: "warn",
    detail: `${set.join(", ")} ${set.length === 1 ? "is" : "are"} set, but kimi-provider does not use proxy variables: it connects directly${noProxy ? " (NO_PROXY is irrelevant for it)" : ""}`,
    fix: "if only the proxy can reach the service, the CLI cannot be used from here; in the library, pass createKimi({ fetch }) with a fetch that goes through the proxy",
  };
}

async function stateCheck(env: Record<string, string | undefined>): Promise<Check> {
  const stateDir = resolveStateDir(undefined, env);
  try {
    const database = await openStateDatabase(stateDir);
    await database.write(() => undefined);
    return {
      name: "state",
      status: "ok",
      detail: `${database.path} opens and is writable`,
      fix: "",
    };
  } catch (error) {
    return {
      name: "state",
      status: "fail",
      detail: error instanceof Error ? error.message : String(error),
      fix: "set KIMI_STATE_DIR to a writable directory, or repair the one named",
    };
  }
}

/** Runs `kimi-provider doctor`. */
export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs("doctor", args, {
    json: { type: "boolean" },
    "probe-hosts": { type: "boolean" },
  });
  rejectPositionals("doctor", positionals);
  const { env, signal } = context;
  const checks: Check[] = [];
  let config: ReturnType<typeof resolveConfig> | undefined;
  try {
    config = resolveConfig({}, env);
  } catch (error) {
    checks.push({
      name: "config",
      status: "fail",
      detail: error instanceof Error ? error.message : String(error),
      fix: "correct or unset the variable named",
    });
  }
  const secrets = [config?.apiKey];

  if (config !== undefined) {
    const { baseURL } = config;
    const host = hostOf(baseURL);
    const moonshot =
      baseURL === MOONSHOT_INTERNATIONAL_BASE_URL || baseURL === MOONSHOT_CHINA_BASE_URL;
    const loopback = isLoopbackBaseURL(baseURL);
    let key = config.apiKey;
    if (key === undefined) {
      checks.push({
        name: "key",
        status: loopback ? "ok" : "fail",
        detail: loopback
          ? `no KIMI_API_KEY; KIMI_BASE_URL is the loopback ${host} (an emulator or gateway), which gets a placeholder key`
          : "no KIMI_API_KEY: every command answers from the local emulator, not from Kimi",
        fix: loopback
          ? ""
          : "export KIMI_API_KEY=sk-... (a key from platform.moonshot.ai; one from platform.moonshot.cn needs KIMI_BASE_URL=https://api.moonshot.cn/v1)",
      });
      if (loopback) key = NO_KEY_PLACEHOLDER;
    } else {
      checks.push({ name: "key", status: "ok", detail: "KIMI_API_KEY is set", fix: "" });
    }

    if (key === undefined) {
      for (const name of ["accepted", "host", "model", "clock"]) {
        checks.push({ name, status: "skip", detail: "needs a key", fix: "" });
      }
    } else {
      const listed = await listModels(baseURL, key, env, signal);
      if ("error" in listed) {
        const { error } = listed;
        const refused = error instanceof AuthenticationError;
        checks.push({
          name: "accepted",
          status: "fail",
          detail: refused
            ? `${host} refused the key (HTTP 401)`
            : `GET ${baseURL}/models failed: ${error instanceof KimiError ? `${error.name}: ${error.message}` : String(error)}`,
          fix: refused
            ? "check KIMI_API_KEY (copy it again from the platform's API keys page)"
            : "check the network and KIMI_BASE_URL",
        });
        if (refused && moonshot) {
          const other =
            baseURL === MOONSHOT_INTERNATIONAL_BASE_URL
              ? MOONSHOT_CHINA_BASE_URL
              : MOONSHOT_INTERNATIONAL_BASE_URL;
          if (values["probe-hosts"] === true) {
            const probe = await listModels(other, key, env, signal);
            checks.push(
              "error" in probe
                ? {
                    name: "host",
                    status: "fail",
                    detail: `${hostOf(other)} refuses the key too`,
                    fix: "the key is wrong or revoked: create a new one",
                  }
                : {
                    name: "host",
                    status: "fail",
                    detail: `the key belongs to ${hostOf(other)}`,
                    fix: `export KIMI_BASE_URL=${other}`,
                  },
            );
          } else {
            checks.push({
              name: "host",
              status: "warn",
              detail: `keys from platform.moonshot.ai work only on api.moonshot.ai, keys from platform.moonshot.cn only on api.moonshot.cn; not probed`,
              fix: `if the key is from the other platform: export KIMI_BASE_URL=${other}; or run \`kimi-provider doctor --probe-hosts\` to ask ${hostOf(other)} (sends the key there)`,
            });
          }
        } else {
          checks.push({
            name: "host",
            status: "skip",
            detail: "the key was not accepted",
            fix: "",
          });
        }
        checks.push({ name: "model", status: "skip", detail: "no model list", fix: "" });
        checks.push({ name: "clock", status: "skip", detail: "no answer", fix: "" });
      } else {
        checks.push({
          name: "accepted",
          status: "ok",
          detail: `${host} accepted the key (${listed.ids.length} models listed)`,
          fix: "",
        });
        checks.push({
          name: "host",
          status: "ok",
          detail: moonshot
            ? `the key belongs to ${host}`
            : `${host} is not Moonshot's own host (an emulator, gateway or proxy)`,
          fix: "",
        });
        checks.push(modelCheck(config.defaultModel, listed.ids, host));
        checks.push(clockCheck(listed.date));
      }
    }
  }
  checks.push(proxyCheck(env));
  checks.push(await stateCheck(env));

  const failed = checks.filter((check) => check.status === "fail").length;
  const redact = (text: string) => redactText(text, secrets);
  if (values.json) {
    printJson(context.terminal, {
      ok: failed === 0,
      checks: checks.map((check) => ({
        ...check,
        detail: redact(check.detail),
        fix: redact(check.fix),
      })),
    });
  } else {
    for (const check of checks) {
      const fix = check.fix === "" ? "" : `; fix: ${check.fix}`;
      context.terminal.out(
        `${MARK[check.status]} ${check.name}: ${redact(check.detail)}${redact(fix)}\n`,
      );
    }
    context.terminal.out(
      failed === 0
        ? "all checks passed\n"
        : `${failed} ${failed === 1 ? "check" : "checks"} failed\n`,
    );
  }
  return failed === 0 ? EXIT.ok : EXIT.serviceFailure;
}

function modelCheck(model: string, served: readonly string[], host: string): Check {
  const info = findCatalogModel(model);
  if (info?.status === "retired") {
    return {
      name: "model",
      status: "fail",
      detail: `the default model ${model} was retired${info.retiredOn ? ` on ${info.retiredOn}` : ""}`,
      fix: `export KIMI_DEFAULT_MODEL=${info.successor ?? "kimi-k2.6"} (or unset it)`,
    };
  }
  if (!served.includes(model)) {
    return {
      name: "model",
      status: "fail",
      detail: `the default model ${model} is not among the ${served.length} models ${host} serves to this key`,
      fix: `set KIMI_DEFAULT_MODEL to one of: ${served.slice(0, 6).join(", ")}`,
    };
  }
  return { name: "model", status: "ok", detail: `the default model ${model} is served`, fix: "" };
}

function clockCheck(date: string | null, now: number = Date.now()): Check {
  const served = date === null ? Number.NaN : Date.parse(date);
  if (Number.isNaN(served)) {
    return { name: "clock", status: "skip", detail: "the answer carried no Date header", fix: "" };
  }
  // The Date header has whole seconds: a difference under one second is no skew.
  const skew = Math.round((now - served) / 1000);
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    return {
      name: "clock",
      status: "fail",
      detail: `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? "ahead of" : "behind"} the service's`,
      fix: "synchronise the clock (e.g. `timedatectl set-ntp true`); file cleanup matches uploads by time",
    };
  }
  return {
    name: "clock",
    status: "ok",
    detail: `within ${MAX_SKEW_SECONDS} s of the service's (${skew} s)`,
    fix: "",
  };
}
