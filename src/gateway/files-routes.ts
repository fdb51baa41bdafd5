/**
 * `/v1/files` through the gateway. Uploads and deletes go through the library's file API, so
 * every file uploaded through the gateway is recorded in the state directory's file registry
 * (src/files/file-registry.ts) until deleted, and `kimi-provider files cleanup` finds the ones
 * left behind. Listing, reading and content pass through as the service answers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FilePurpose } from "kimi-provider";
import { FilesApi } from "kimi-provider/internal";
import { RelayedError } from "./chat-completions.ts";
import { invalidRequest } from "./error-envelope.ts";
import { readBody } from "./request-body.ts";
import type { Upstream } from "./upstream.ts";

/** Largest upload body: Moonshot's 100 MB per file (docs/moonshot-wire.md, "Files") plus the form. */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024 + 64 * 1024;

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Passes a GET or DELETE through to upstream and relays the answer as received. */
export async function relayRequest(
  res: ServerResponse,
  upstream: Upstream,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<void> {
  let answer: Awaited<ReturnType<Upstream["transport"]["textResponse"]>>;
  try {
    answer = await upstream.transport.textResponse({ method, path, body });
  } catch (error) {
    throw new RelayedError(error);
  }
  res.writeHead(answer.status, {
    "content-type": answer.headers.get("content-type") ?? "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(answer.text),
  });
  res.end(answer.text);
}

/** The file routes, bound to one upstream and state directory. */
export class FileRoutes {
  readonly #files: FilesApi;
  readonly #upstream: Upstream;

  constructor(upstream: Upstream, stateDir: string) {
    this.#upstream = upstream;
    this.#files = new FilesApi({ http: upstream.transport, stateDir });
  }

  /** Serves `method path` when it is a file route; returns false when it is not. */
  async serve(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
  ): Promise<boolean> {
    if (path === "/v1/files") {
      if (method === "GET") {
        await relayRequest(res, this.#upstream, "GET", "/files");
        return true;
      }
      if (method === "POST") {
        await this.#upload(req, res);
        return true;
      }
      return false;
    }
    const match = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (!match?.[1]) return false;
    const id = decodeURIComponent(match[1]);
    const idPath = `/files/${encodeURIComponent(id)}`;
    if (match[2] !== undefined) {
      if (method !== "GET") return false;
      await relayRequest(res, this.#upstream, "GET", `${idPath}/content`);
      return true;
    }
    if (method === "GET") {
      await relayRequest(res, this.#upstream, "GET", idPath);
      return true;
    }
    if (method === "DELETE") {
      try {
        sendJson(res, 200, await this.#files.delete(id));
      } catch (error) {
        throw new RelayedError(error);
      }
      return true;
    }
    return false;
  }

  async #upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = req.headers["content-type"] ?? "";
    if (!contentType.startsWith("multipart/form-data")) {
      throw invalidRequest(
        "An upload must be multipart/form-data with a `file` and a `purpose` field.",
      );
    }
    const bytes = await readBody(req, MAX_UPLOAD_BYTES);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(bytes), {
        headers: { "content-type": contentType },
      }).formData();
    } catch (error) {
      throw invalidRequest(
        `The upload is not a readable multipart form (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    const file = form.get("file");
    if (!(file instanceof Blob)) throw invalidRequest("The upload has no `file` field.");
    const purpose = form.get("purpose");
    try {
      const {
        reference: _reference,
        label: _label,
        ...uploaded
      } = await this.#files.upload(file, {
        purpose: (typeof purpose === "string" ? purpose : "file-extract") as FilePurpose,
        ...(file instanceof File && file.name ? { filename: file.name } : {}),
      });
      sendJson(res, 200, uploaded);
    } catch (error) {
      throw new RelayedError(error);
    }
  }
}
