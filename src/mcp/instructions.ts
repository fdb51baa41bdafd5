/**
 * The `instructions` the server gives the host at initialization: what the tools are for, and,
 * when there is no API key, that every answer is a demo from the local emulator.
 */

/** What the host is told about the server. */
export function serverInstructions(demo: boolean): string {
  const base =
    "Kimi (Moonshot AI) as tools. Use kimi_chat for a second opinion or cheap bulk work (pass conversation_id from a previous result to continue a thread), kimi_analyze_files to ask about local documents (PDF, office, text; they are uploaded, read and deleted again), kimi_estimate_tokens to check whether a text or file fits a model's context window and what it would cost, kimi_models for the models with their windows and prices, kimi_usage for this session's tokens and cost. Files are read only under the allowed directories.";
  return demo
    ? `DEMO MODE: no KIMI_API_KEY is set, so every answer comes from kimi-provider's local emulator, not from Kimi; its answers are placeholders. Tell the user so if you quote one. ${base}`
    : base;
}
