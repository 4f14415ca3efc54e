/**
 * Content conversion between agents and MCP results: which MIME types are
 * text, which guest values are MCP content blocks, the rich-result
 * convention of v1 agents, prompt results, ABI v2 result objects, and the
 * `outputSchema` check of structured results.
 *
 * @example
 * ```ts
 * import { isTextMime, richResult } from "./content.ts";
 *
 * console.log(isTextMime("application/json")); // true
 * console.log(richResult('{"content":[{"type":"text","text":"hi"}]}'));
 * ```
 *
 * @module
 */

import { MAX_GUEST_JSON_DEPTH } from "../agent/abi.ts";
import { jsonNestingExceeds } from "../agent/json_depth.ts";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Whether a MIME type is served as `text` (else the guest returns base64,
 * served as `blob`): `text/*`, JSON, XML, YAML, TOML, JavaScript, and
 * `+json`/`+xml` types.
 */
export function isTextMime(mimeType: string): boolean {
  const m = mimeType.split(";")[0].trim().toLowerCase();
  return m.startsWith("text/") || m.endsWith("+json") || m.endsWith("+xml") ||
    [
      "application/json",
      "application/xml",
      "application/javascript",
      "application/yaml",
      "application/x-yaml",
      "application/toml",
      "application/x-ndjson",
    ].includes(m);
}

const str = (v: unknown): v is string => typeof v === "string";

/** Whether `b` is a valid MCP content block (text, image, audio, resource, resource_link). */
export function isContentBlock(b: unknown): boolean {
  if (!isPlainObject(b)) return false;
  switch (b.type) {
    case "text":
      return str(b.text);
    case "image":
    case "audio":
      return str(b.data) && str(b.mimeType);
    case "resource":
      return isPlainObject(b.resource) && str(b.resource.uri) &&
        (str(b.resource.text) || str(b.resource.blob));
    case "resource_link":
      return str(b.uri) && str(b.name);
    default:
      return false;
  }
}

/**
 * The rich-result convention of Porta tools: when a tool's result is a JSON
 * object `{"content": [...]}` (optionally with `structuredContent` and
 * `isError`, nothing else) whose items are all valid MCP content blocks
 * (text, image, audio, resource, resource_link), it is returned as the MCP
 * result itself. Any other text becomes one text block.
 */
export function richResult(text: string): Record<string, unknown> | undefined {
  const v = parseObject(text);
  if (!v || !Array.isArray(v.content) || v.content.length === 0) {
    return undefined;
  }
  const allowed = new Set(["content", "structuredContent", "isError"]);
  if (Object.keys(v).some((k) => !allowed.has(k))) return undefined;
  if (!v.content.every(isContentBlock)) return undefined;
  if (v.isError !== undefined && typeof v.isError !== "boolean") {
    return undefined;
  }
  if (
    v.structuredContent !== undefined && !isPlainObject(v.structuredContent)
  ) {
    return undefined;
  }
  return { ...v, isError: v.isError ?? false };
}

/**
 * The JSON object `text` holds, or undefined; null when it looks like an
 * object nested deeper than {@link MAX_GUEST_JSON_DEPTH} (never parsed here:
 * V8 parses such text slowly, on the main thread).
 */
export function parseObject(
  text: string,
): Record<string, unknown> | null | undefined {
  const t = text.trim();
  if (!t.startsWith("{")) return undefined;
  if (jsonNestingExceeds(t, MAX_GUEST_JSON_DEPTH)) return null;
  try {
    const v = JSON.parse(t);
    return isPlainObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const ROLES = new Set(["user", "assistant"]);

/**
 * Maps a guest's prompt text to a `prompts/get` result: when the text is a
 * JSON object `{messages:[...]}` (optionally with `description`) whose
 * messages each have a role `user`/`assistant` and a content object (or a
 * plain string, wrapped as text), it is used as is; otherwise the whole text
 * becomes one user message.
 */
export function promptResult(
  text: string,
  description?: string,
): { description?: string; messages: unknown[] } {
  const fallback = () => {
    const out: { description?: string; messages: unknown[] } = {
      messages: [{ role: "user", content: { type: "text", text } }],
    };
    if (description !== undefined) out.description = description;
    return out;
  };
  const trimmed = text.trim();
  if (
    !trimmed.startsWith("{") ||
    jsonNestingExceeds(trimmed, MAX_GUEST_JSON_DEPTH)
  ) return fallback();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return fallback();
  }
  return promptObject(value, description) ?? fallback();
}

/**
 * A `prompts/get` result from an object `{messages: [...], description?}`
 * (an ABI v2 agent's result, or a v1 agent's parsed text): each message
 * needs a role `user`/`assistant` and a content object (a string is wrapped
 * as text). Undefined when the object is not such a result.
 */
export function promptObject(
  value: unknown,
  description?: string,
): { description?: string; messages: unknown[] } | undefined {
  if (!isPlainObject(value) || !Array.isArray(value.messages)) {
    return undefined;
  }
  const messages: unknown[] = [];
  for (const m of value.messages) {
    if (!isPlainObject(m) || !ROLES.has(m.role as string)) return undefined;
    if (typeof m.content === "string") {
      messages.push({
        role: m.role,
        content: { type: "text", text: m.content },
      });
    } else if (isPlainObject(m.content) && typeof m.content.type === "string") {
      messages.push({ role: m.role, content: m.content });
    } else {
      return undefined;
    }
  }
  const out: { description?: string; messages: unknown[] } = { messages };
  const d = typeof value.description === "string"
    ? value.description
    : description;
  if (d !== undefined) out.description = d;
  return out;
}

/**
 * An ABI v2 agent's tool result as a `CallToolResult`: `content` (valid
 * content blocks), optional `structuredContent` (an object) and `isError`
 * (a boolean); undefined when it is not one. Other keys are dropped.
 */
export function toolResultObject(
  v: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (!Array.isArray(v.content) || !v.content.every(isContentBlock)) {
    return undefined;
  }
  if (v.isError !== undefined && typeof v.isError !== "boolean") {
    return undefined;
  }
  if (
    v.structuredContent !== undefined && !isPlainObject(v.structuredContent)
  ) {
    return undefined;
  }
  const out: Record<string, unknown> = {
    content: v.content,
    isError: v.isError ?? false,
  };
  if (v.structuredContent !== undefined) {
    out.structuredContent = v.structuredContent;
  }
  return out;
}

/**
 * The `contents` of an ABI v2 agent's resource result `{contents: [...]}`:
 * each item needs a `uri` and a `text` or base64 `blob` (optional
 * `mimeType`); undefined when the object is not such a result.
 */
export function resourceContents(
  v: Record<string, unknown>,
): Record<string, unknown>[] | undefined {
  if (!Array.isArray(v.contents)) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const c of v.contents) {
    if (!isPlainObject(c) || typeof c.uri !== "string") return undefined;
    const item: Record<string, unknown> = { uri: c.uri };
    if (typeof c.mimeType === "string") item.mimeType = c.mimeType;
    if (typeof c.text === "string") item.text = c.text;
    else if (
      typeof c.blob === "string" && isBase64(c.blob)
    ) item.blob = c.blob;
    else return undefined;
    out.push(item);
  }
  return out;
}

/** Whether `text` is padded standard base64 (the alphabet, a length that is a multiple of 4). */
export function isBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0;
}
