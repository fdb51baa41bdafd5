/**
 * The layers of src/ and which may import which (docs/ARCHITECTURE.md, "Layers"), checked from
 * the import graph: every `import`, `export ... from`, `import()` and `typeof import()` of every
 * source file. Also: what comments and docs may cite.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");

/** The library's layers, lowest first: each may import at run time only the layers listed. */
const LIBRARY: Record<string, readonly string[]> = {
  errors: [],
  async: ["errors"],
  schema: [],
  models: ["errors", "schema"],
  config: ["errors", "models"],
  http: ["errors", "async", "config"],
  tokens: ["errors", "config", "models", "http"],
  cost: ["errors", "models"],
  chat: ["errors", "async", "config", "models", "http", "schema", "tokens", "cost"],
  state: ["errors", "async"],
  files: ["errors", "async", "config", "http", "tokens", "chat", "state"],
  tools: ["errors", "async", "schema", "models", "chat", "cost"],
  // src/client.ts, src/index.ts, src/internal.ts: the entry points assemble every layer.
  root: [
    "errors",
    "async",
    "schema",
    "models",
    "config",
    "http",
    "tokens",
    "cost",
    "chat",
    "state",
    "files",
    "tools",
  ],
};

/** The faces built on the library: they reach it only through the package's entries. */
const FACES: Record<string, readonly string[]> = {
  cli: ["emulator", "mcp", "gateway"],
  mcp: [],
  "ai-sdk": [],
  gateway: ["emulator"],
};

/** The only library files the emulator may import: data and pure functions. */
const EMULATOR_MAY_IMPORT = new Set([
  "src/models/catalog.ts",
  "src/models/model-info.ts",
  "src/models/lineup.ts",
  "src/tokens/local-estimator.ts",
]);

/** The package entries a face imports the library through. */
const ENTRIES = new Set(["kimi-provider", "kimi-provider/internal"]);

/** Packages only one layer may load. */
const PACKAGE_OWNERS: Record<string, string> = {
  "@ai-sdk/provider": "ai-sdk",
  ai: "ai-sdk",
  "@modelcontextprotocol/sdk": "mcp",
  "@electric-sql/pglite": "gateway",
  "@electric-sql/pglite-socket": "gateway",
  pg: "gateway",
};

interface Edge {
  from: string;
  specifier: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const from = relative(ROOT, file);
  const edges: Edge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((element) => element.isTypeOnly)));
      edges.push({ from, specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      edges.push({ from, specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      edges.push({ from, specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      edges.push({ from, specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** `src/<folder>/...` -> folder; `src/<file>.ts` -> `root`. */
function layerOf(path: string): string {
  const parts = path.split("/");
  return parts.length > 2 ? (parts[1] ?? "") : "root";
}

const EDGES = sourceFiles(SRC).flatMap(importsOf);

/** Every rule an import breaks, as readable lines. */
function violations(): string[] {
  const found: string[] = [];
  for (const edge of EDGES) {
    const layer = layerOf(edge.from);
    const where = `${edge.from} imports "${edge.specifier}"`;
    if (!edge.specifier.startsWith(".")) {
      if (ENTRIES.has(edge.specifier) && !(layer in FACES)) {
        found.push(`${where}: only ${Object.keys(FACES).join(", ")} use the package entries`);
      }
      for (const [name, owner] of Object.entries(PACKAGE_OWNERS)) {
        const hit = edge.specifier === name || edge.specifier.startsWith(`${name}/`);
        if (hit && layer !== owner) found.push(`${where}: only src/${owner}/ loads ${name}`);
      }
      continue;
    }
    const target = relative(ROOT, resolve(dirname(join(ROOT, edge.from)), edge.specifier));
    const targetLayer = layerOf(target);
    if (targetLayer === layer) continue;
    if (layer === "emulator") {
      if (!EMULATOR_MAY_IMPORT.has(target)) {
        found.push(`${where}: the emulator imports only data and pure modules of the library`);
      }
      continue;
    }
    const faces = FACES[layer];
    if (faces !== undefined) {
      if (!faces.includes(targetLayer)) {
        found.push(`${where}: src/${layer}/ reaches the library through "kimi-provider" only`);
      }
      continue;
    }
    const allowed = LIBRARY[layer];
    if (allowed === undefined) {
      found.push(`${where}: src/${layer}/ is not a known layer (add it to docs/ARCHITECTURE.md)`);
      continue;
    }
    // Types have no run-time effect: a library layer may name a type of any library layer.
    if (edge.typeOnly && targetLayer in LIBRARY) continue;
    if (!allowed.includes(targetLayer)) {
      found.push(`${where}: src/${layer}/ may not import src/${targetLayer}/ at run time`);
    }
  }
  return found;
}

describe("the layers of src/", () => {
  it("finds the imports (the graph is not empty)", () => {
    assert.ok(EDGES.length > 300, `${EDGES.length} imports`);
    assert.ok(EDGES.some((edge) => edge.specifier.startsWith("../errors/")));
  });

  it("every import keeps to the layer rules", () => {
    assert.deepEqual(violations(), []);
  });

  it("a forbidden import would be caught", () => {
    EDGES.push(
      { from: "src/config/config.ts", specifier: "../http/transport.ts", typeOnly: false },
      { from: "src/emulator/server.ts", specifier: "../chat/chat-stream.ts", typeOnly: true },
      { from: "src/mcp/run-tool.ts", specifier: "../client.ts", typeOnly: false },
    );
    try {
      assert.deepEqual(violations(), [
        'src/config/config.ts imports "../http/transport.ts": src/config/ may not import src/http/ at run time',
        'src/emulator/server.ts imports "../chat/chat-stream.ts": the emulator imports only data and pure modules of the library',
        'src/mcp/run-tool.ts imports "../client.ts": src/mcp/ reaches the library through "kimi-provider" only',
      ]);
    } finally {
      EDGES.splice(-3);
    }
  });

  it("docs/ARCHITECTURE.md draws every library layer and face", () => {
    const doc = readFileSync(join(ROOT, "docs/ARCHITECTURE.md"), "utf8");
    for (const layer of [...Object.keys(LIBRARY), ...Object.keys(FACES), "emulator"]) {
      if (layer === "root") continue;
      assert.match(doc, new RegExp(`\\| \`src/${layer}/\``), layer);
    }
  });
});

describe("what comments, messages and docs cite", () => {
  const texts = [
    ...sourceFiles(SRC),
    join(ROOT, "README.md"),
    ...readdirSync(join(ROOT, "docs")).map((name) => join(ROOT, "docs", name)),
  ].map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));

  it("no section of a document outside the repository, no path of a build machine, no issue number", () => {
    const found: string[] = [];
    for (const { path, text } of texts) {
      for (const [pattern, what] of [
        [/§/, "a § section of an outside reference"],
        [/\/work\//, "an absolute path of a build machine"],
        [/\bissue #?\d+|\(#\d+\)|\| #\d+ \|/i, "an issue number"],
        [/shared\/reference/, "a file outside the repository"],
      ] as const) {
        if (pattern.test(text)) found.push(`${path}: ${what}`);
      }
    }
    assert.deepEqual(found, []);
  });

  it('every `docs/moonshot-wire.md, "Section"` names a section that exists', () => {
    const wire = readFileSync(join(ROOT, "docs/moonshot-wire.md"), "utf8");
    const sections = new Set([...wire.matchAll(/^## (.+)$/gm)].map((match) => match[1]));
    const missing: string[] = [];
    for (const { path, text } of texts) {
      for (const citation of text.matchAll(
        /moonshot-wire\.md,?\s*\n?\s*\*?\s*((?:"[^"]+"(?:,| and)?\s*)+)/g,
      )) {
        for (const name of (citation[1] ?? "").matchAll(/"([^"]+)"/g)) {
          if (!sections.has(name[1] ?? "")) missing.push(`${path}: "${name[1]}"`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });
});
