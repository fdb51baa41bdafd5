/**
 * Suite 4: cold start, each sample in a fresh Node process. Import time is measured inside the
 * process around `await import(...)` (so Node's own boot is excluded); the CLI is timed from
 * spawn to exit and shown next to an empty `node -e ""` so Node's boot can be subtracted.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { summarize } from "../lib/stats.ts";

/** One cold-start row (ms). */
export interface ColdStartRow {
  what: string;
  runs: number;
  medianMs: number | null;
  p99Ms: number | null;
  error: string | null;
}

const ROOT = new URL("../../", import.meta.url);

function timeImport(specifiers: readonly string[]): number {
  const imports = specifiers.map((url) => `await import(${JSON.stringify(url)});`).join("");
  const code = `const t=performance.now();${imports}process.stdout.write(String(performance.now()-t));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: fileURLToPath(ROOT),
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(child.stderr.trim().split("\n").slice(-3).join(" "));
  return Number(child.stdout);
}

function timeProcess(args: readonly string[]): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: fileURLToPath(ROOT), encoding: "utf8" });
  const elapsed = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(`exit ${child.status}: ${child.stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
  return elapsed;
}

function row(what: string, runs: number, sample: () => number): ColdStartRow {
  try {
    sample(); // file-system cache warm; the process itself is still cold every time
    const samples = Array.from({ length: runs }, sample);
    const summary = summarize(samples);
    return { what, runs, medianMs: summary.median, p99Ms: summary.p99, error: null };
  } catch (error) {
    return { what, runs, medianMs: null, p99Ms: null, error: String(error).slice(0, 300) };
  }
}

function resolved(specifier: string): string {
  return import.meta.resolve(specifier);
}

/** Runs the cold-start measurements `runs` times each. */
export function coldStart(runs: number): ColdStartRow[] {
  // The package entry users import (`exports["."]`): the bundled build.
  const library = new URL("dist/kimi-provider.js", ROOT);
  const cli = new URL("dist/cli/main.js", ROOT);
  const rows = [
    row("import kimi-provider (package entry)", runs, () => {
      if (!existsSync(library))
        throw new Error("dist/kimi-provider.js missing: run `npm run build`");
      return timeImport([library.href]);
    }),
    row("import openai", runs, () => timeImport([resolved("openai")])),
    row("import ai + @ai-sdk/moonshotai", runs, () =>
      timeImport([resolved("ai"), resolved("@ai-sdk/moonshotai")]),
    ),
    row("import ai + kimi-provider/ai-sdk", runs, () => {
      const subpath = new URL("dist/ai-sdk/index.js", ROOT);
      if (!existsSync(subpath))
        throw new Error("dist/ai-sdk/index.js missing: run `npm run build`");
      return timeImport([resolved("ai"), subpath.href]);
    }),
    row("node -e '' (process boot, reference)", runs, () => timeProcess(["-e", ""])),
    row("kimi-provider --help (spawn to exit)", runs, () => {
      if (!existsSync(cli)) throw new Error("dist/cli/main.js missing (CLI not built yet)");
      return timeProcess([fileURLToPath(cli), "--help"]);
    }),
  ];
  return rows;
}
