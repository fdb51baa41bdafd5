/**
 * The Vercel AI SDK on Kimi through `kimi-provider/ai-sdk`, keyless: it starts the bundled
 * emulator and points the provider at it. With a real key, drop the emulator and use the default
 * `kimi` instance (it reads KIMI_API_KEY).
 *
 *   npm run build && node_modules/.bin/node examples/ai-sdk.ts
 */
import { generateText, Output, stepCountIs, streamText, tool } from "ai";
import { createKimiProvider } from "kimi-provider/ai-sdk";
import { startEmulator } from "kimi-provider/emulator";
import { z } from "zod";

const emulator = await startEmulator();
const kimi = createKimiProvider({ apiKey: "sk-emulator", baseURL: emulator.baseURL });

try {
  // 1. A plain answer: thinking off on kimi-k2.6.
  const plain = await generateText({
    model: kimi("kimi-k2.6"),
    prompt: "Say hello in one sentence.",
    providerOptions: { kimi: { thinking: false } },
  });
  console.log("text:", plain.text);
  console.log("cost:", plain.providerMetadata?.kimi);

  // 2. Streaming with the reasoning (thinking is on by default).
  const stream = streamText({ model: kimi("kimi-k2.6"), prompt: "Why is the sky blue?" });
  for await (const part of stream.fullStream) {
    if (part.type === "reasoning-delta") process.stdout.write(`\x1b[2m${part.text}\x1b[0m`);
    if (part.type === "text-delta") process.stdout.write(part.text);
  }
  process.stdout.write("\n");

  // 3. A tool loop on a thinking model: each turn's reasoning goes back to the service.
  const weather = await generateText({
    model: kimi("kimi-k2.6"),
    prompt: "Use get_weather for Paris and tell me what to wear.",
    tools: {
      get_weather: tool({
        description: "Current weather of a city",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, celsius: 18, sky: "cloudy" }),
      }),
    },
    stopWhen: stepCountIs(5),
  });
  console.log(`tool loop (${weather.steps.length} steps):`, weather.text);

  // 4. Structured output from a zod schema (json_schema, Moonshot Flavored JSON Schema).
  const card = await generateText({
    model: kimi("kimi-k2.6"),
    prompt: "Describe Paris.",
    output: Output.object({ schema: z.object({ city: z.string(), population: z.number() }) }),
  });
  console.log("object:", card.output);

  // 5. A document: uploaded, extracted into a system message, deleted afterwards.
  const summary = await generateText({
    model: kimi("kimi-k2.6"),
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "When is the launch?" },
          { type: "file", data: Buffer.from("The launch is on Tuesday."), mediaType: "text/plain" },
        ],
      },
    ],
  });
  console.log("document:", summary.text);
  console.log(
    "session:",
    kimi.client.usage.snapshot().costUsd,
    "USD in",
    kimi.client.usage.snapshot().requests,
    "requests",
  );
} finally {
  await emulator.close();
}
