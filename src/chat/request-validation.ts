/**
 * Type checks of a {@link ChatRequest} before anything else looks at it. TypeScript callers get
 * these from the compiler; JavaScript callers (and data read from files or the network) do not,
 * and a wrong type would otherwise surface as a raw `TypeError` deep inside, or be sent to the
 * service as-is. Each failure is an {@link InvalidRequestError} that names the field (e.g.
 * `messages[2].content`) and says what it should be. Ranges and model rules are the policy's
 * (src/models/policy.ts); this file only checks types and shapes.
 */
import { InvalidRequestError } from "../errors/error-classes.ts";

const ROLES = ["system", "user", "assistant", "tool"] as const;
const PART_TYPES = ["text", "image_url", "video_url"] as const;

function refuse(field: string, rule: string, value: unknown): never {
  throw new InvalidRequestError(
    `Invalid chat request: \`${field}\` ${rule} (got ${describe(value)}). Nothing was sent.`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function optionalString(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== "string") refuse(field, "must be a string", value);
}

function optionalNumber(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== "number") refuse(field, "must be a number", value);
}

// Field names for messages are built only when refusing: a valid history of 1,000 messages
// is checked on every send, and building its names cost more than the checks.

/** `messages[i]` followed by `rest`. */
function messageField(i: number, rest: string): string {
  return `messages[${i}]${rest}`;
}

/** `messages[i].<list>[j]` followed by `rest`. */
function itemField(i: number, list: string, j: number, rest: string): string {
  return `messages[${i}].${list}[${j}]${rest}`;
}

function checkParts(i: number, parts: unknown[]): void {
  parts.forEach((part, j) => {
    if (!isObject(part)) {
      refuse(itemField(i, "content", j, ""), 'must be an object like { type: "text", text }', part);
    }
    const type = part.type;
    if (type === "text") {
      if (typeof part.text !== "string") {
        refuse(itemField(i, "content", j, ".text"), "must be a string", part.text);
      }
    } else if (type === "image_url" || type === "video_url") {
      const holder = part[type];
      if (!isObject(holder) || typeof holder.url !== "string") {
        refuse(
          itemField(i, "content", j, `.${type}.url`),
          "must be a string (a data: URL or ms://<file id>)",
          isObject(holder) ? holder.url : holder,
        );
      }
    } else {
      refuse(itemField(i, "content", j, ".type"), `must be one of ${PART_TYPES.join(", ")}`, type);
    }
  });
}

function checkContent(i: number, content: unknown, optional: boolean): void {
  if (typeof content === "string") return;
  if (Array.isArray(content)) {
    checkParts(i, content);
    return;
  }
  if (optional && (content === undefined || content === null)) return;
  refuse(messageField(i, ".content"), "must be a string or an array of content parts", content);
}

function checkToolCalls(i: number, calls: unknown): void {
  if (calls === undefined) return;
  if (!Array.isArray(calls)) {
    refuse(messageField(i, ".tool_calls"), "must be an array of tool calls", calls);
  }
  calls.forEach((call, j) => {
    if (!isObject(call)) {
      refuse(
        itemField(i, "tool_calls", j, ""),
        "must be a tool call object { id, type, function }",
        call,
      );
    }
    if (call.id !== undefined && typeof call.id !== "string") {
      refuse(itemField(i, "tool_calls", j, ".id"), "must be a string", call.id);
    }
    if (call.type !== undefined && typeof call.type !== "string") {
      refuse(itemField(i, "tool_calls", j, ".type"), "must be a string", call.type);
    }
    const fn = call.function;
    if (!isObject(fn)) {
      refuse(
        itemField(i, "tool_calls", j, ".function"),
        "must be an object { name, arguments }",
        fn,
      );
    }
    if (typeof fn.name !== "string") {
      refuse(itemField(i, "tool_calls", j, ".function.name"), "must be a string", fn.name);
    }
    if (fn.arguments !== undefined && typeof fn.arguments !== "string") {
      refuse(
        itemField(i, "tool_calls", j, ".function.arguments"),
        "must be a string",
        fn.arguments,
      );
    }
  });
}

function checkMessage(message: unknown, i: number): void {
  if (!isObject(message)) {
    refuse(messageField(i, ""), "must be a message object { role, content }", message);
  }
  const role = message.role;
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
    refuse(messageField(i, ".role"), `must be one of ${ROLES.join(", ")}`, role);
  }
  if (message.name !== undefined && typeof message.name !== "string") {
    refuse(messageField(i, ".name"), "must be a string", message.name);
  }
  if (role === "assistant") {
    checkContent(i, message.content, true);
    checkToolCalls(i, message.tool_calls);
    if (
      message.reasoning_content !== undefined &&
      message.reasoning_content !== null &&
      typeof message.reasoning_content !== "string"
    ) {
      refuse(
        messageField(i, ".reasoning_content"),
        "must be a string or null",
        message.reasoning_content,
      );
    }
    if (message.partial !== undefined && typeof message.partial !== "boolean") {
      refuse(messageField(i, ".partial"), "must be true or false", message.partial);
    }
    return;
  }
  checkContent(i, message.content, false);
  if (role === "tool" && typeof message.tool_call_id !== "string") {
    refuse(
      messageField(i, ".tool_call_id"),
      "must be the string id of the tool call it answers",
      message.tool_call_id,
    );
  }
}

function checkTools(tools: unknown): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) refuse("tools", "must be an array of tool declarations", tools);
  tools.forEach((tool, i) => {
    const at = `tools[${i}]`;
    if (!isObject(tool)) refuse(at, 'must be an object { type: "function", function }', tool);
    if (tool.type !== "function" && tool.type !== "builtin_function") {
      refuse(`${at}.type`, 'must be "function" or "builtin_function"', tool.type);
    }
    const fn = tool.function;
    if (!isObject(fn))
      refuse(`${at}.function`, "must be an object { name, description, parameters }", fn);
    if (typeof fn.name !== "string") refuse(`${at}.function.name`, "must be a string", fn.name);
    optionalString(`${at}.function.description`, fn.description);
    if (fn.parameters !== undefined && !isObject(fn.parameters)) {
      refuse(`${at}.function.parameters`, "must be a JSON Schema object", fn.parameters);
    }
  });
}

function checkToolChoice(choice: unknown): void {
  if (choice === undefined) return;
  if (choice === "auto" || choice === "none" || choice === "required") return;
  if (isObject(choice) && choice.type === "function" && isObject(choice.function)) {
    if (typeof choice.function.name === "string") return;
  }
  refuse(
    "toolChoice",
    'must be "auto", "none", "required" or { type: "function", function: { name } }',
    choice,
  );
}

function checkResponseFormat(format: unknown): void {
  if (format === undefined) return;
  if (!isObject(format))
    refuse("responseFormat", 'must be an object like { type: "json_object" }', format);
  const type = format.type;
  if (type === "text" || type === "json_object") return;
  if (type !== "json_schema") {
    refuse("responseFormat.type", 'must be "text", "json_object" or "json_schema"', type);
  }
  const schema = format.json_schema;
  if (!isObject(schema))
    refuse("responseFormat.json_schema", "must be an object { name, schema }", schema);
  if (typeof schema.name !== "string")
    refuse("responseFormat.json_schema.name", "must be a string", schema.name);
  if (!isObject(schema.schema))
    refuse("responseFormat.json_schema.schema", "must be a JSON Schema object", schema.schema);
}

function checkThinking(thinking: unknown): void {
  if (thinking === undefined || typeof thinking === "boolean") return;
  if (isObject(thinking) && (thinking.type === "enabled" || thinking.type === "disabled")) {
    const keep = thinking.keep;
    if (keep === undefined || keep === null || keep === "all") return;
    refuse("thinking.keep", 'must be "all" or null', keep);
  }
  refuse("thinking", 'must be true, false or { type: "enabled" | "disabled" }', thinking);
}

/**
 * Throws an {@link InvalidRequestError} naming the first field of `request` whose type or shape
 * is wrong. Passing requests are not changed.
 */
export function validateChatRequest(request: unknown): void {
  if (!isObject(request)) {
    refuse("request", 'must be an object like { messages: [{ role: "user", content }] }', request);
  }
  const messages = request.messages;
  if (!Array.isArray(messages)) {
    refuse("messages", "must be an array of messages", messages);
  }
  messages.forEach(checkMessage);
  if (
    request.model !== undefined &&
    (typeof request.model !== "string" || request.model.trim() === "")
  ) {
    refuse("model", 'must be a model id string such as "kimi-k2.6"', request.model);
  }
  for (const name of [
    "temperature",
    "topP",
    "n",
    "maxTokens",
    "presencePenalty",
    "frequencyPenalty",
  ]) {
    optionalNumber(name, request[name]);
  }
  const stop = request.stop;
  if (
    stop !== undefined &&
    typeof stop !== "string" &&
    !(Array.isArray(stop) && stop.every((entry) => typeof entry === "string"))
  ) {
    refuse("stop", "must be a string or an array of strings", stop);
  }
  checkTools(request.tools);
  checkToolChoice(request.toolChoice);
  checkResponseFormat(request.responseFormat);
  checkThinking(request.thinking);
  optionalString("promptCacheKey", request.promptCacheKey);
  if (request.extraBody !== undefined && !isObject(request.extraBody)) {
    refuse("extraBody", "must be an object of extra wire fields", request.extraBody);
  }
}
