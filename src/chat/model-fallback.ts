/**
 * Sending a chat request, with the retired-model handling every chat call shares (`chat()`,
 * `stream()`, and through them `runTools()`, `generateObject()` and chat-with-files):
 *
 * - The retired id is still sent: some accounts keep access longer (docs/moonshot-wire.md,
 *   "Models and lineup").
 * - A 404 for a model the registry marks retired becomes a {@link ModelNotFoundError} that names
 *   the retirement day and the successor.
 * - With `modelFallback: "successor"` the request is re-sent once to the successor (before any
 *   byte of an answer arrived: `send` covers only the request and the response status), and a
 *   `model-retired-fallback` warning is reported.
 */
import { InvalidRequestError, ModelNotFoundError } from "../errors/error-classes.ts";
import { explainRetiredModel } from "../models/retired-model.ts";
import { type ChatContext, type PreparedChat, prepareChatRequest } from "./prepare-request.ts";
import type { ChatRequest } from "./types.ts";
import type { KimiWarning } from "./warnings.ts";

/** What {@link sendWithModelFallback} returns. */
export interface SentChat<T> {
  /** The request that was answered (the successor's, after a fallback). */
  prepared: PreparedChat;
  /** What `send` returned for it. */
  value: T;
  /** Warnings raised so far (already passed to `onWarning`). */
  warnings: KimiWarning[];
}

/** Passes `warning` to the client's `onWarning` and adds it to `list`. */
export function reportWarning(
  context: ChatContext,
  list: KimiWarning[],
  warning: KimiWarning,
): void {
  list.push(warning);
  context.onWarning?.(warning);
}

/**
 * Prepares `request` (policy, context check: throws before sending) and sends it with `send`;
 * see the file comment for what happens on a 404 of a retired model.
 */
export async function sendWithModelFallback<T>(
  context: ChatContext,
  request: ChatRequest,
  stream: boolean,
  send: (prepared: PreparedChat) => Promise<T>,
): Promise<SentChat<T>> {
  const prepared = prepareChatRequest(request, context, stream);
  const warnings: KimiWarning[] = [];
  for (const warning of prepared.decision.warnings) reportWarning(context, warnings, warning);
  try {
    return { prepared, value: await send(prepared), warnings };
  } catch (error) {
    const explained = explainRetiredModel(error, prepared.model);
    if (
      !(explained instanceof ModelNotFoundError) ||
      explained.retiredOn === undefined ||
      explained.successor === undefined ||
      explained.successor === prepared.modelId ||
      context.config.modelFallback !== "successor"
    ) {
      throw explained;
    }
    const { successor, retiredOn } = explained;
    let fallback: PreparedChat;
    try {
      fallback = prepareChatRequest({ ...request, model: successor }, context, stream);
    } catch (refusal) {
      // The successor has its own rules (e.g. fixed sampling): say why nothing was re-sent.
      const why = refusal instanceof Error ? refusal.message : String(refusal);
      throw new ModelNotFoundError(
        `${explained.message} The fallback to ${successor} was not sent: ${why}`,
        {
          model: prepared.modelId,
          status: explained.status,
          type: explained.type,
          cause: refusal instanceof InvalidRequestError ? refusal : explained,
          retirement: { retiredOn, successor },
        },
      );
    }
    reportWarning(context, warnings, {
      code: "model-retired-fallback",
      message: `${prepared.modelId} was retired by Moonshot on ${retiredOn} and the service answered 404; the request was re-sent to its successor ${successor} (KIMI_MODEL_FALLBACK=successor). Set KIMI_DEFAULT_MODEL=${successor} or pass model: "${successor}" to skip the failed attempt.`,
      model: prepared.modelId,
      retiredOn,
      successor,
    });
    for (const warning of fallback.decision.warnings) reportWarning(context, warnings, warning);
    try {
      return { prepared: fallback, value: await send(fallback), warnings };
    } catch (second) {
      throw explainRetiredModel(second, fallback.model);
    }
  }
}
