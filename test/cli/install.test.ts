/**
 * The install story, as far as it can be tested offline: the packed tarball (`npm pack`, what
 * `npm i -g kimi-provider` downloads) carries the built CLI, LICENSE and CHANGELOG and nothing of
 * the sources or tests; unpacked with its dependencies beside it, its `bin` runs; and
 * `npx kimi-provider` works from a clone. Installing the tarball's dependencies needs the
 * registry, which the test machine does not reach, so they come from this clone's node_modules.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ROOT, TempDirs } from "./run-cli.ts";

/** npm run with this Node (the pinned one), offline. */
function npm(args: readonly string[], cwd: string): string {
  const bin = join(ROOT, "node_modules/.bin");
  return execFileSync("npm", [...args, "--offline", "--no-audit", "--no-fund"], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: process.env.HOME ?? "/tmp" },
  });
}

describe("installing kimi-provider", () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it("the tarball has the built CLI as its bin, LICENSE and CHANGELOG, and no sources or tests", () => {
    const packed = JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT)) as {
      files: { path: string }[];
    }[];
    const paths = (packed[0]?.files ?? []).map((file) => file.path);
    for (const needed of [
      "dist/cli/main.js",
      "dist/kimi-provider.js",
      "LICENSE",
      "CHANGELOG.md",
      "README.md",
      "package.json",
    ]) {
      assert.ok(paths.includes(needed), needed);
    }
    assert.deepEqual(
      paths.filter((path) => /^(src|test|bench)\//.test(path)),
      [],
    );
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
      license: string;
    };
    assert.deepEqual(pkg.bin, { "kimi-provider": "./dist/cli/main.js" });
    // A git or clone install builds dist/ itself.
    assert.equal(pkg.scripts.prepare, "npm run build");
    assert.match(readFileSync(join(ROOT, "LICENSE"), "utf8"), /^MIT License\n/);
    assert.match(readFileSync(join(ROOT, "dist/cli/main.js"), "utf8"), /^#!\/usr\/bin\/env node\n/);
  });

  it("the packed CLI runs from a global-style prefix", () => {
    const dir = temp.make();
    npm(["pack", "--ignore-scripts", "--pack-destination", dir], ROOT);
    const prefix = join(dir, "prefix");
    const target = join(prefix, "lib/node_modules/kimi-provider");
    mkdirSync(target, { recursive: true });
    execFileSync("tar", [
      "xzf",
      join(dir, "kimi-provider-0.1.0.tgz"),
      "-C",
      target,
      "--strip-components=1",
    ]);
    symlinkSync(join(ROOT, "node_modules"), join(target, "node_modules"));
    mkdirSync(join(prefix, "bin"));
    const bin = join(prefix, "bin/kimi-provider");
    symlinkSync(join(target, "dist/cli/main.js"), bin);
    chmodSync(join(target, "dist/cli/main.js"), 0o755);
    const env = {
      PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
      KIMI_STATE_DIR: dir,
      HOME: dir,
    };
    const version = execFileSync(bin, ["--version"], { encoding: "utf8", env });
    assert.equal(version, "0.1.0\n");
    const answer = execFileSync(bin, ["chat", "--hide-reasoning", "Hello"], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.match(answer, /Kimi emulator/);
  });

  it("npx kimi-provider runs the clone's own CLI", () => {
    assert.equal(npm(["exec", "--", "kimi-provider", "--version"], ROOT), "0.1.0\n");
  });
});
