/**
 * The part of the client (`createKimi()`) the tools layer uses. Declared structurally so the
 * loop depends on the public client API (README "Quick start"), not on how the client is assembled.
 */
import type { ChatRequest, ChatResult, RequestOptions, StreamEvent } from "../chat/types.ts";
import type { ModelInfo } from "../models/model-info.ts";

/** A started chat stream: events to iterate, and the accumulated result. */
export interface ChatStreamLike extends AsyncIterable<StreamEvent> {
  /** Resolves with the full answer; rejects with the stream's error. */
  readonly result: Promise<ChatResult>;
}

/** What {@link runTools}, {@link generateObject} and {@link continueOnLength} need of a client. */
export interface ToolsClient {
  /** Resolved settings; the tools layer reads `defaultModel`. */
  readonly config: { readonly defaultModel: string };
  /** The model registry (catalog + overrides), for capability decisions. */
  readonly models: { get(id: string): ModelInfo | undefined };
  /** One non-streaming chat completion. */
  chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResult>;
  /** One streaming chat completion. */
  stream(request: ChatRequest, options?: RequestOptions): ChatStreamLike;
}
