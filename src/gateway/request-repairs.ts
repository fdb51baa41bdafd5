/**
 * Every repair of a chat request, in order: model aliases, sampling, output cap, tool schemas,
 * reasoning, usage. Each is switchable ({@link RepairSwitches}); each change is reported by field
 * name (the `x-kimi-gateway-repairs` header) and described (the gateway's log).
 */
import { findCatalogModel, type ModelInfo, type ThinkingSetting } from "kimi-provider";
import { thinkingEnabled } from "kimi-provider/internal";
import type { ChatBody } from "./chat-body.ts";
import type { GatewayConfig } from "./gateway-config.ts";
import { chooseModel } from "./model-alias.ts";
import { repairOutputCap } from "./output-cap-repair.ts";
import {
  type ReasoningRecall,
  repairReasoning,
  turnsMissingReasoning,
} from "./reasoning-repair.ts";
import { type FieldRepair, repairSampling } from "./sampling-repair.ts";
import { repairToolSchemas } from "./tool-schema-repair.ts";

/** A repaired request and what was done to it. */
export interface RepairedRequest {
  /** The body to send upstream. */
  body: ChatBody;
  /** The model as the client named it. */
  requestedModel: string;
  /** The catalog entry of the model sent, if known. */
  model: ModelInfo | undefined;
  /** Whether the request runs with thinking on. */
  thinking: boolean;
  /** Whether the client asked for the `include_usage` chunk of a stream itself. */
  clientWantsUsageChunk: boolean;
  /** Every change, in order. */
  repairs: FieldRepair[];
}

function thinkingSetting(value: unknown): ThinkingSetting | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const type = (value as { type?: unknown }).type;
  return type === "enabled" || type === "disabled" ? (value as ThinkingSetting) : undefined;
}

/**
 * Applies the repairs `config` enables to a copy of `original`. Returns the result at once unless
 * the reasoning memory has to be read (a thinking request with tool-call turns lacking their
 * reasoning): only then is there a promise to wait for.
 */
export function repairChatRequest(
  original: ChatBody,
  config: GatewayConfig,
  recall: ReasoningRecall,
): RepairedRequest | Promise<RepairedRequest> {
  const body: ChatBody = { ...original, messages: [...original.messages] };
  const { repairs: switches } = config;
  const repairs: FieldRepair[] = [];

  const choice = chooseModel(
    original.model,
    switches.modelAliases ? config.aliases : undefined,
    switches.retiredModels,
  );
  if (choice.note !== undefined) {
    body.model = choice.model;
    repairs.push({ field: "model", note: choice.note });
  }
  const model = findCatalogModel(body.model);
  const thinking = thinkingEnabled(model, thinkingSetting(body.thinking));

  if (switches.sampling) repairs.push(...repairSampling(body, model, thinking));
  if (switches.outputCap) {
    repairs.push(...repairOutputCap(body, model, thinking, config.maxTokensFloor));
  }
  if (switches.toolSchemas) repairs.push(...repairToolSchemas(body));

  // The last repairs, after the reasoning (whose order in `repairs` they follow).
  const finish = (): RepairedRequest => {
    const options = body.stream_options as { include_usage?: unknown } | null | undefined;
    const clientWantsUsageChunk = options?.include_usage === true;
    if (switches.usage && body.stream === true && !clientWantsUsageChunk) {
      body.stream_options = { ...(options ?? {}), include_usage: true };
      repairs.push({ field: "usage", note: "stream usage requested upstream" });
    }
    return {
      body,
      requestedModel: original.model,
      model,
      thinking,
      clientWantsUsageChunk,
      repairs,
    };
  };
  if (switches.reasoningContent && thinking) {
    const missing = turnsMissingReasoning(body.messages);
    if (missing.length > 0) {
      return repairReasoning(body, recall, missing).then((restored) => {
        repairs.push(...restored);
        return finish();
      });
    }
  }
  return finish();
}

/** The `x-kimi-gateway-repairs` header value: each repaired field once, in order. */
export function repairsHeader(repairs: readonly FieldRepair[]): string {
  if (repairs.length === 0) return "";
  if (repairs.length === 1) return (repairs[0] as FieldRepair).field;
  return [...new Set(repairs.map((repair) => repair.field))].join(",");
}
