/**
 * `GET /v1/users/me/balance` and `POST /v1/tokenizers/estimate-token-count`: both answer in the
 * `{code,data,scode,status}` envelope (recorded for the estimate, docs/moonshot-wire.md
 * "Token estimate"; the balance reply is not recorded and follows the docs).
 */
import type { ModelInfo } from "../models/model-info.ts";
import { type EstimableMessage, estimatePromptTokens } from "../tokens/local-estimator.ts";
import { invalidRequestDetails, modelNotFound } from "./error-responses.ts";
import { availableBalance, type BalanceState } from "./state.ts";

/** The balance body. */
export function balanceBody(balance: BalanceState): unknown {
  return {
    code: 0,
    data: {
      available_balance: availableBalance(balance),
      voucher_balance: balance.voucher,
      cash_balance: balance.cash,
    },
    scode: "0x0",
    status: true,
  };
}

/** The estimate body; the model must be served and `messages` a non-empty array. */
export function estimateBody(body: unknown, served: ReadonlyMap<string, ModelInfo>): unknown {
  if (typeof body !== "object" || body === null)
    throw invalidRequestDetails("request body must be a JSON object");
  const { model, messages } = body as { model?: unknown; messages?: unknown };
  if (typeof model !== "string" || model === "") throw invalidRequestDetails("model is required");
  if (!served.has(model)) throw modelNotFound(model);
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequestDetails("messages must be a non-empty array");
  }
  return {
    code: 0,
    data: { total_tokens: estimatePromptTokens(messages as EstimableMessage[]) },
    scode: "0x0",
    status: true,
  };
}
