/**
 * Explaining a 404 for a retired model. Moonshot answers a retired id exactly like an unknown one
 * (`Not found the model <id> or Permission denied`, docs/moonshot-wire.md, "Models and lineup"),
 * but the catalog knows when each model was retired and what replaces it, so the error can say
 * what to do. Pure; no I/O.
 */
import { ModelNotFoundError } from "../errors/error-classes.ts";
import type { ModelInfo } from "./model-info.ts";

/**
 * The retirement sentence for `model`: when it was retired, its successor, and how to switch.
 * `undefined` when the entry is not retired.
 */
export function retirementAdvice(model: ModelInfo): string | undefined {
  if (model.status !== "retired" || model.retiredOn === undefined) return undefined;
  const { id, retiredOn, successor } = model;
  if (successor === undefined) {
    return `${id} was retired by Moonshot on ${retiredOn}. Pick an online model (\`kimi-provider models\`) and set KIMI_DEFAULT_MODEL or pass \`model\`.`;
  }
  return `${id} was retired by Moonshot on ${retiredOn}; its successor is ${successor}: set KIMI_DEFAULT_MODEL=${successor} or pass model: "${successor}".`;
}

/**
 * Rewrites a {@link ModelNotFoundError} for `model` when the registry marks it retired: the
 * message names the retirement day and the successor, and the error carries `retiredOn` and
 * `successor`. Any other error (or a model that is not retired) is returned unchanged.
 */
export function explainRetiredModel(error: unknown, model: ModelInfo | undefined): unknown {
  if (!(error instanceof ModelNotFoundError) || model === undefined) return error;
  if (error.model !== undefined && error.model !== model.id) return error;
  const advice = retirementAdvice(model);
  if (advice === undefined || model.retiredOn === undefined) return error;
  const fallback =
    model.successor === undefined
      ? ""
      : ' To re-send such requests to the successor automatically, set KIMI_MODEL_FALLBACK=successor (or createKimi({ modelFallback: "successor" })).';
  const said = `(HTTP ${error.status ?? 404}${error.type ? ` ${error.type}` : ""})`;
  return new ModelNotFoundError(`${advice}${fallback} ${said}`, {
    model: model.id,
    status: error.status,
    type: error.type,
    requestId: error.requestId,
    cause: error,
    retirement: { retiredOn: model.retiredOn, successor: model.successor },
  });
}
