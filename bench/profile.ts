/**
 * Profiles one client: `node bench/profile.ts <raw|kimi|openai|ai-sdk> <chat|chat64|stream|decode>`,
 * or the gateway: `node bench/profile.ts gateway <chat64|chat|stream|compare ...>`
 * (bench/profile-gateway.ts).
 * Runs the workload in a child under `--cpu-prof` (emulator, or replay server for `decode`, in
 * their own processes), writes the profile under bench/results/profiles/, and prints where the
 * time went: top functions by self time and self time per package. Load the .cpuprofile in
 * Chrome DevTools for the full picture.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CLIENT_IDS, type ClientId } from "./clients/index.ts";
import { runChild, type ServiceChild, startServiceChild } from "./lib/child.ts";
import { markdownTable } from "./lib/table.ts";
import { profileGateway } from "./profile-gateway.ts";
import type { ProfileWorkloadInput } from "./suites/profile-workload.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function place(url: string): string {
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:internal/deps/amaro")) return "TypeScript type stripping (harness)";
  if (url.startsWith("node:")) return url;
  if (url.includes("/dist/")) return `kimi-provider dist/${url.split("/dist/")[1]}`;
  if (url.includes("/bench/")) return "bench harness";
  return url === "" ? "(native / gc / idle)" : url;
}

/**
 * Prints self time per function and per package of a .cpuprofile; with `from`, only the samples
 * from the first one in a function of that name on (the gateway's start-up, PGlite's initdb
 * included, is then left out).
 */
function summarizeProfile(path: string, from?: string): string {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const selfByPlace = new Map<string, number>();
  let total = 0;
  let started = from === undefined;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    started ||= node.callFrame.functionName === from;
    if (!started) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)" || functionName === "(program)") return;
    total += delta;
    const name = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|dist)\//, "$1/")}:${lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta);
    const where = place(url);
    selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + delta);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, micros]) => [
        name,
        (micros / 1000).toFixed(1),
        ((micros / total) * 100).toFixed(1),
      ]);
  return [
    `Busy (non-idle) time: ${(total / 1000).toFixed(0)} ms`,
    "",
    markdownTable(["where", "self ms", "%"], top(selfByPlace, 15)),
    "",
    markdownTable(["function", "self ms", "%"], top(selfByFunction, 30)),
  ].join("\n");
}

async function main(): Promise<void> {
  const [clientArg = "kimi", kindArg = "chat"] = process.argv.slice(2);
  if (clientArg === "gateway") {
    const path = await profileGateway(
      process.argv.slice(3),
      new URL("./results/profiles/", import.meta.url),
    );
    if (path !== undefined) {
      process.stdout.write(
        `Profile: ${path}\n\n${summarizeProfile(path, "serveChatCompletion")}\n`,
      );
    }
    return;
  }
  if (!(CLIENT_IDS as readonly string[]).includes(clientArg)) {
    throw new Error(`client must be one of ${CLIENT_IDS.join(", ")}`);
  }
  const client = clientArg as ClientId;
  const emulator = await startServiceChild<{ baseURL: string }>(
    new URL("./emulator-child.ts", import.meta.url),
    { input: { seed: 1 } },
  );
  let replay: ServiceChild<{ baseURL: string }> | undefined;
  try {
    let baseURL = emulator.data.baseURL;
    if (kindArg === "decode") {
      replay = await startServiceChild(new URL("./replay-server.ts", import.meta.url), {
        input: { emulatorBaseURL: baseURL, replyTokens: 4000 },
      });
      baseURL = replay.data.baseURL;
    }
    const streamed = kindArg === "stream" || kindArg === "decode";
    const input: ProfileWorkloadInput = {
      baseURL,
      client,
      kind: streamed ? "stream" : "chat",
      calls: streamed ? 100 : 5000,
      concurrency: kindArg === "chat64" ? 64 : 1,
      replyTokens: 4000,
    };
    const directory = new URL("./results/profiles/", import.meta.url);
    const before = Date.now();
    const result = await runChild<{ calls: number; elapsedMs: number }>(
      new URL("./suites/profile-workload.ts", import.meta.url),
      { input, execArgv: ["--cpu-prof", `--cpu-prof-dir=${fileURLToPath(directory)}`] },
    );
    // The child reports its result before exiting; the profile is written at exit.
    let latest: URL | undefined;
    for (let waited = 0; latest === undefined && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      latest = readdirSync(directory)
        .filter((name) => name.endsWith(".cpuprofile"))
        .map((name) => new URL(name, directory))
        .filter((url) => statSync(url).mtimeMs >= before)
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    }
    if (!latest) throw new Error("no .cpuprofile written");
    process.stdout.write(
      `${client} ${kindArg}: ${result.calls} calls in ${result.elapsedMs.toFixed(0)} ms\nProfile: ${fileURLToPath(latest)}\n\n${summarizeProfile(fileURLToPath(latest))}\n`,
    );
  } finally {
    await replay?.stop();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
