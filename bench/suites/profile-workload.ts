/**
 * The workload `bench/profile.ts` runs under `--cpu-prof`: one client, one kind of call, in a
 * loop, so the profile shows where that client spends its time.
 */
import { type ClientId, loadClients } from "../clients/index.ts";
import { childInput, runSuite } from "../lib/child.ts";
import { runConcurrent } from "../lib/concurrency.ts";

/** Input from `bench/profile.ts`. */
export interface ProfileWorkloadInput {
  baseURL: string;
  client: ClientId;
  kind: "chat" | "stream";
  calls: number;
  concurrency: number;
  replyTokens: number;
}

async function main(): Promise<{ calls: number; elapsedMs: number }> {
  const input = childInput<ProfileWorkloadInput>();
  const [entry] = await loadClients([input.client], input.baseURL);
  if (!entry || !("client" in entry)) {
    throw new Error(
      `client ${input.client} failed to load: ${entry && "error" in entry ? entry.error : ""}`,
    );
  }
  const { client } = entry;
  const call = () => (input.kind === "chat" ? client.chat() : client.stream(input.replyTokens));
  const run = await runConcurrent(input.calls, input.concurrency, call);
  if (run.errors > 0) throw run.firstError;
  return { calls: input.calls, elapsedMs: run.elapsedMs };
}

runSuite(main);
