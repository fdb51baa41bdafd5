/**
 * The gateway's settings: which repairs run, the model alias map, the output-cap floor, how long
 * reasoning is remembered and the largest request body. Given as `startGateway` options or, on
 * the command line, as a JSON file (`--config FILE`); every field is optional.
 */
import { ConfigurationError } from "kimi-provider";
import { DEFAULT_REASONING_TTL_MS } from "./reasoning-memory.ts";

/** Each request repair, switchable. All on by default except `retiredModels`. */
export interface RepairSwitches {
  /** Put back remembered `reasoning_content` on tool-call turns (placeholder for unseen ones). */
  reasoningContent: boolean;
  /** Drop sampling values the model would reject (fixed-sampling models, K3's logprobs). */
  sampling: boolean;
  /** Normalise tool and response schemas to Moonshot Flavored JSON Schema. */
  toolSchemas: boolean;
  /** Always ask upstream for stream usage; put it where OpenAI clients read it. */
  usage: boolean;
  /** Map `max_completion_tokens`; raise a small `max_tokens` on thinking models to the floor. */
  outputCap: boolean;
  /** Apply the alias map (`gpt-4o` -> `kimi-k2.6`). */
  modelAliases: boolean;
  /** Send a retired model's requests to its successor (off: the 404 names the successor). */
  retiredModels: boolean;
}

/** Resolved gateway settings. */
export interface GatewayConfig {
  repairs: RepairSwitches;
  /** Model id the client sends -> model id sent upstream. */
  aliases: Record<string, string>;
  /** Least `max_tokens` a thinking request is sent with (reasoning counts against it). */
  maxTokensFloor: number;
  /** How long the reasoning of a served tool-call turn is remembered, in ms. */
  reasoningTtlMs: number;
  /** Largest chat or JSON request body accepted, in bytes. */
  maxBodyBytes: number;
}

/** The settings used where nothing is configured. */
export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = {
  repairs: {
    reasoningContent: true,
    sampling: true,
    toolSchemas: true,
    usage: true,
    outputCap: true,
    modelAliases: true,
    retiredModels: false,
  },
  aliases: {},
  // Moonshot's docs ask for at least 16,000 output tokens on thinking models
  // (docs/moonshot-wire.md, "Thinking").
  maxTokensFloor: 16_000,
  reasoningTtlMs: DEFAULT_REASONING_TTL_MS,
  maxBodyBytes: 10 * 1024 * 1024,
};

/** The fields a config file or option object may set. */
export interface GatewayConfigInput {
  repairs?: Partial<RepairSwitches>;
  aliases?: Record<string, string>;
  maxTokensFloor?: number;
  reasoningTtlMs?: number;
  maxBodyBytes?: number;
}

function fail(source: string, message: string): never {
  throw new ConfigurationError(`Gateway config (${source}): ${message}`, { setting: source });
}

function positiveInteger(source: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    fail(source, `\`${name}\` must be a positive whole number, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Validates `input` (a parsed config file or the options) over the defaults. */
export function resolveGatewayConfig(input: unknown, source = "options"): GatewayConfig {
  if (input === undefined || input === null) return structuredClone(DEFAULT_GATEWAY_CONFIG);
  if (typeof input !== "object" || Array.isArray(input)) fail(source, "must be a JSON object.");
  const raw = input as Record<string, unknown>;
  const known = new Set(["repairs", "aliases", "maxTokensFloor", "reasoningTtlMs", "maxBodyBytes"]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key))
      fail(source, `unknown setting \`${key}\`; known: ${[...known].join(", ")}.`);
  }
  const repairs = { ...DEFAULT_GATEWAY_CONFIG.repairs };
  if (raw.repairs !== undefined) {
    if (typeof raw.repairs !== "object" || raw.repairs === null)
      fail(source, "`repairs` must be an object.");
    for (const [name, value] of Object.entries(raw.repairs)) {
      if (!(name in repairs)) {
        fail(source, `unknown repair \`${name}\`; known: ${Object.keys(repairs).join(", ")}.`);
      }
      if (typeof value !== "boolean") fail(source, `\`repairs.${name}\` must be true or false.`);
      repairs[name as keyof RepairSwitches] = value;
    }
  }
  const aliases: Record<string, string> = {};
  if (raw.aliases !== undefined) {
    if (typeof raw.aliases !== "object" || raw.aliases === null || Array.isArray(raw.aliases)) {
      fail(source, "`aliases` must map model ids to model ids.");
    }
    for (const [from, to] of Object.entries(raw.aliases)) {
      if (typeof to !== "string" || to === "")
        fail(source, `alias \`${from}\` must name a model id.`);
      aliases[from] = to;
    }
  }
  return {
    repairs,
    aliases,
    maxTokensFloor: positiveInteger(
      source,
      "maxTokensFloor",
      raw.maxTokensFloor,
      DEFAULT_GATEWAY_CONFIG.maxTokensFloor,
    ),
    reasoningTtlMs: positiveInteger(
      source,
      "reasoningTtlMs",
      raw.reasoningTtlMs,
      DEFAULT_GATEWAY_CONFIG.reasoningTtlMs,
    ),
    maxBodyBytes: positiveInteger(
      source,
      "maxBodyBytes",
      raw.maxBodyBytes,
      DEFAULT_GATEWAY_CONFIG.maxBodyBytes,
    ),
  };
}
