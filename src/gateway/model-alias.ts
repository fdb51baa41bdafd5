/**
 * Which model a request really goes to: the configured alias map first (tools that hard-code
 * `gpt-4o`), then, when enabled, a retired model's successor from the catalog
 * (docs/moonshot-wire.md, "Models and lineup": retired ids answer 404).
 */
import { findCatalogModel } from "kimi-provider";

/** The model to send, and why it differs from the one asked for. */
export interface ModelChoice {
  model: string;
  /** Human-readable note when the model was changed. */
  note: string | undefined;
}

/** Resolves `requested` through `aliases` and, when `retiredToSuccessor`, the catalog. */
export function chooseModel(
  requested: string,
  aliases: Readonly<Record<string, string>> | undefined,
  retiredToSuccessor: boolean,
): ModelChoice {
  const aliased = aliases?.[requested];
  let model = aliased ?? requested;
  const notes: string[] = aliased === undefined ? [] : [`alias ${requested} -> ${aliased}`];
  if (retiredToSuccessor) {
    const info = findCatalogModel(model);
    if (info?.status === "retired" && info.successor !== undefined) {
      notes.push(
        `${model} was retired on ${info.retiredOn ?? "an earlier day"}: sent to ${info.successor}`,
      );
      model = info.successor;
    }
  }
  return { model, note: notes.length > 0 ? notes.join("; ") : undefined };
}
