/**
 * The shapes tools share in their structured results (snake_case, like Moonshot's wire and the
 * CLI's `--json`): usage, cost and uploaded files, as zod schemas for the output schemas and as
 * converters from the library's types.
 */

import type { CostBreakdown, FilesDeletion, UploadedFile, Usage } from "kimi-provider";
import { z } from "zod";

/** Token usage of one request. */
export const usageShape = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  cached_tokens: z.number().int(),
  reasoning_tokens: z.number().int().nullable(),
});

/** USD cost of one request; `null` where the model has no known price. */
export const costShape = z.object({
  input: z.number().nullable(),
  output: z.number().nullable(),
  total: z.number().nullable(),
});

/** A file that was uploaded for a request, and whether it was deleted afterwards. */
export const uploadedFileShape = z.object({
  path: z.string(),
  file_id: z.string(),
  bytes: z.number().int(),
  deleted: z.boolean(),
});

/**
 * The files uploaded for an answer, each marked deleted unless its deletion failed, and the ids
 * of those whose deletion failed (`files cleanup` removes them later).
 */
export function uploadedFilesOut(
  files: readonly UploadedFile[],
  deletion: FilesDeletion | undefined,
): { files: z.infer<typeof uploadedFileShape>[]; notDeleted: string[] } {
  const failed = new Set(deletion?.failed.map((entry) => entry.id));
  return {
    files: files.map((file) => ({
      path: file.label,
      file_id: file.id,
      bytes: file.bytes,
      deleted: !failed.has(file.id),
    })),
    notDeleted: [...failed],
  };
}

/** {@link Usage} in the wire's names; `null` when the service reported no usage. */
export function usageOut(usage: Usage | null): z.infer<typeof usageShape> | null {
  if (usage === null) return null;
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    cached_tokens: usage.cachedTokens,
    reasoning_tokens: usage.reasoningTokens,
  };
}

/** Token counts for a text line: `12 prompt + 3 completion tokens`, or `usage unknown`. */
export function formatTokens(usage: Usage | null): string {
  if (usage === null) return "usage unknown";
  return `${usage.promptTokens} prompt + ${usage.completionTokens} completion tokens`;
}

/** {@link CostBreakdown} reduced to input, output and total. */
export function costOut(cost: CostBreakdown): z.infer<typeof costShape> {
  return { input: cost.input, output: cost.output, total: cost.total };
}

/** A USD amount for a text line: `$0.000123`, or `unpriced`. */
export function formatUsd(value: number | null): string {
  if (value === null) return "unpriced";
  return `$${value.toFixed(value !== 0 && value < 0.01 ? 6 : 4)}`;
}
