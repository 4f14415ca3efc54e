/**
 * JSON-RPC 2.0 framing for the MCP server: message types, parsing and
 * validation of one incoming message, and helpers to build responses.
 *
 * This module knows nothing about MCP methods; it only classifies a raw text
 * message as a request, a notification, a response, or an invalid message
 * together with the error response that must be sent for it.
 *
 * @module
 */

import { jsonNestingExceeds } from "../agent/json_depth.ts";

/** A JSON-RPC request id. MCP forbids `null` ids on requests. */
export type JsonRpcId = string | number;

/** A JSON-RPC 2.0 request: has an `id` and expects exactly one response. */
export interface JsonRpcRequest {
  /** Always `"2.0"`. */
  jsonrpc: "2.0";
  /** Request id, echoed in the response. */
  id: JsonRpcId;
  /** Method name. */
  method: string;
  /** Named parameters (MCP always uses an object). */
  params?: Record<string, unknown>;
}

/** A JSON-RPC 2.0 notification: no `id`, never answered. */
export interface JsonRpcNotification {
  /** Always `"2.0"`. */
  jsonrpc: "2.0";
  /** Method name. */
  method: string;
  /** Named parameters. */
  params?: Record<string, unknown>;
}

/** The error object of an error response. */
export interface JsonRpcErrorObject {
  /** Numeric error code (see {@link ErrorCode}). */
  code: number;
  /** One-line human readable message. */
  message: string;
  /** Optional extra data. */
  data?: unknown;
}

/** A successful JSON-RPC 2.0 response. */
export interface JsonRpcSuccess {
  /** Always `"2.0"`. */
  jsonrpc: "2.0";
  /** Id of the request answered. */
  id: JsonRpcId;
  /** The method's result. */
  result: unknown;
}

/** A JSON-RPC 2.0 error response (`id` is `null` when the request id is unknown). */
export interface JsonRpcFailure {
  /** Always `"2.0"`. */
  jsonrpc: "2.0";
  /** Id of the request answered, or `null` for parse errors and unidentifiable requests. */
  id: JsonRpcId | null;
  /** The error. */
  error: JsonRpcErrorObject;
}

/** Any JSON-RPC 2.0 response. */
export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;

/** Any JSON-RPC 2.0 message that can travel on the wire. */
export type JsonRpcMessage =
  | JsonRpcRequest
  | JsonRpcNotification
  | JsonRpcResponse;

/** Standard JSON-RPC 2.0 error codes plus the MCP-specific ones used here. */
export const ErrorCode = {
  /** Invalid JSON was received. */
  ParseError: -32700,
  /** The JSON sent is not a valid request object (also: batches, pre-initialize requests). */
  InvalidRequest: -32600,
  /** The method does not exist or is not available. */
  MethodNotFound: -32601,
  /** Invalid method parameters (unknown tool or prompt, bad cursor, missing arguments). */
  InvalidParams: -32602,
  /** Internal error of the server. */
  InternalError: -32603,
  /** MCP: the requested resource URI is not known. */
  ResourceNotFound: -32002,
} as const;

/** An error that a method handler throws to produce a JSON-RPC error response. */
export class JsonRpcError extends Error {
  /** The JSON-RPC error code. */
  readonly code: number;
  /** Optional data attached to the error response. */
  readonly data?: unknown;

  /** Creates an error with a code, a one-line message and optional data. */
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "JsonRpcError";
    this.code = code;
    this.data = data;
  }
}

/** Result of {@link parseMessage}: what the raw text turned out to be. */
export type ParsedMessage =
  | { kind: "request"; message: JsonRpcRequest }
  | { kind: "notification"; message: JsonRpcNotification }
  | { kind: "response"; message: JsonRpcResponse }
  | { kind: "invalid"; response: JsonRpcFailure | null };

/** A map key for a request id (the number 1 and the string "1" differ). */
export function idKey(id: JsonRpcId): string {
  return typeof id === "number" ? `n:${id}` : `s:${id}`;
}

/** Builds a success response. */
export function success(id: JsonRpcId, result: unknown): JsonRpcSuccess {
  return { jsonrpc: "2.0", id, result };
}

/** Builds an error response. */
export function failure(
  id: JsonRpcId | null,
  code: number,
  message: string,
  data?: unknown,
): JsonRpcFailure {
  const error: JsonRpcErrorObject = { code, message };
  if (data !== undefined) error.data = data;
  return { jsonrpc: "2.0", id, error };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is JsonRpcId {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

/** Best-effort id of an invalid message so its error can still be correlated. */
function salvageId(v: Record<string, unknown>): JsonRpcId | null {
  return isId(v.id) ? v.id : null;
}

/**
 * Classifies an already-decoded JSON value as a JSON-RPC message.
 * Batches (arrays) are rejected with -32600: MCP 2025-11-25 removed batching.
 */
export function classify(value: unknown): ParsedMessage {
  if (Array.isArray(value)) {
    return {
      kind: "invalid",
      response: failure(
        null,
        ErrorCode.InvalidRequest,
        "batch requests are not supported (removed in MCP 2025-11-25)",
      ),
    };
  }
  if (!isPlainObject(value)) {
    return {
      kind: "invalid",
      response: failure(
        null,
        ErrorCode.InvalidRequest,
        "a JSON-RPC message must be an object",
      ),
    };
  }
  const id = salvageId(value);
  if (value.jsonrpc !== "2.0") {
    return {
      kind: "invalid",
      response: failure(
        id,
        ErrorCode.InvalidRequest,
        'missing or wrong "jsonrpc" member (expected "2.0")',
      ),
    };
  }
  if (Object.hasOwn(value, "method")) {
    if (typeof value.method !== "string") {
      return {
        kind: "invalid",
        response: failure(
          id,
          ErrorCode.InvalidRequest,
          '"method" must be a string',
        ),
      };
    }
    if (
      Object.hasOwn(value, "params") && value.params !== undefined &&
      !isPlainObject(value.params)
    ) {
      // Notifications are never answered, even when malformed.
      if (!Object.hasOwn(value, "id")) {
        return { kind: "invalid", response: null };
      }
      return {
        kind: "invalid",
        response: failure(
          id,
          ErrorCode.InvalidRequest,
          '"params" must be an object',
        ),
      };
    }
    const params = value.params as Record<string, unknown> | undefined;
    if (!Object.hasOwn(value, "id")) {
      const message: JsonRpcNotification = {
        jsonrpc: "2.0",
        method: value.method,
      };
      if (params !== undefined) message.params = params;
      return { kind: "notification", message };
    }
    if (!isId(value.id)) {
      return {
        kind: "invalid",
        response: failure(
          null,
          ErrorCode.InvalidRequest,
          '"id" must be a string or a number',
        ),
      };
    }
    const message: JsonRpcRequest = {
      jsonrpc: "2.0",
      id: value.id,
      method: value.method,
    };
    if (params !== undefined) message.params = params;
    return { kind: "request", message };
  }
  if (Object.hasOwn(value, "result") || Object.hasOwn(value, "error")) {
    if (!Object.hasOwn(value, "id") || !(isId(value.id) || value.id === null)) {
      return { kind: "invalid", response: null };
    }
    return { kind: "response", message: value as unknown as JsonRpcResponse };
  }
  return {
    kind: "invalid",
    response: failure(
      id,
      ErrorCode.InvalidRequest,
      'a request needs a "method" member',
    ),
  };
}

/**
 * Deepest incoming message Porta parses (objects and arrays, the message
 * itself included): tool arguments may nest 512 levels; V8 parses much
 * deeper text slowly, on the main thread.
 */
export const MAX_INCOMING_DEPTH = 1024;

/**
 * Parses one raw text message (one NDJSON line). Invalid JSON yields a
 * -32700 parse error with id `null`; a message nested deeper than
 * {@link MAX_INCOMING_DEPTH} a -32600 error with id `null`, without parsing.
 */
export function parseMessage(text: string): ParsedMessage {
  if (jsonNestingExceeds(text, MAX_INCOMING_DEPTH)) {
    return {
      kind: "invalid",
      response: failure(
        null,
        ErrorCode.InvalidRequest,
        `invalid request: nested more than ${MAX_INCOMING_DEPTH} levels deep`,
      ),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      kind: "invalid",
      response: failure(
        null,
        ErrorCode.ParseError,
        "parse error: invalid JSON",
      ),
    };
  }
  return classify(value);
}

/**
 * Deepest nesting of a message Porta sends (JSON objects and arrays, the
 * message itself included): 100, below the default limit of common parsers
 * (serde_json stops at 128).
 */
export const MAX_MESSAGE_DEPTH = 100;

/** Default size cap of one message Porta sends: 16 Mi characters of JSON text. */
export const DEFAULT_MAX_MESSAGE_CHARS = 16 * 1024 * 1024;

/** Limits of {@link encodeJson}. */
export interface EncodeLimits {
  /** Deepest nesting allowed (the value itself is level 1 when it is an object or array). */
  maxDepth: number;
  /** Longest JSON text allowed, in UTF-16 code units. */
  maxChars: number;
}

/** A value that cannot be sent as JSON within the limits; the message says why. */
export class EncodeError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "EncodeError";
  }
}

const preEncoded = new WeakMap<object, { json: string; depth: number }>();

/**
 * Writes a JSON value as text under depth and size bounds, never throwing
 * anything but {@link EncodeError}: strings with lone surrogates (invalid
 * Unicode, which strict parsers refuse) have each replaced by U+FFFD;
 * non-finite numbers become `null` and `undefined` members are left out, as
 * with `JSON.stringify`; BigInts are refused. Plain data only (no `toJSON`).
 * With `remember`, the text is kept for the object so that
 * {@link encodeJson} reuses it when the object is part of a later message
 * (checked once, written once).
 */
export function encodeJson(
  value: unknown,
  limits: EncodeLimits,
  remember = false,
): string {
  const parts: string[] = [];
  let size = 0;
  let deepest = 0;
  const put = (s: string) => {
    size += s.length;
    if (size > limits.maxChars) {
      throw new EncodeError(
        `larger than ${limits.maxChars} characters of JSON`,
      );
    }
    parts.push(s);
  };
  const str = (s: string) =>
    put(JSON.stringify(s.isWellFormed() ? s : s.toWellFormed()));
  const walk = (v: unknown, depth: number): void => {
    switch (typeof v) {
      case "string":
        return str(v);
      case "number":
        return put(Number.isFinite(v) ? JSON.stringify(v) : "null");
      case "boolean":
        return put(v ? "true" : "false");
      case "bigint":
        throw new EncodeError("contains a BigInt");
      case "object": {
        if (v === null) return put("null");
        const known = preEncoded.get(v);
        if (known !== undefined && depth - 1 + known.depth <= limits.maxDepth) {
          deepest = Math.max(deepest, depth - 1 + known.depth);
          return put(known.json);
        }
        if (depth > limits.maxDepth) {
          throw new EncodeError(
            `nested more than ${limits.maxDepth} levels deep`,
          );
        }
        if (depth > deepest) deepest = depth;
        if (Array.isArray(v)) {
          put("[");
          for (let i = 0; i < v.length; i++) {
            if (i > 0) put(",");
            const x = v[i];
            if (
              x === undefined || typeof x === "function" ||
              typeof x === "symbol"
            ) put("null");
            else walk(x, depth + 1);
          }
          return put("]");
        }
        put("{");
        let first = true;
        for (const k of Object.keys(v)) {
          const x = (v as Record<string, unknown>)[k];
          if (
            x === undefined || typeof x === "function" || typeof x === "symbol"
          ) continue;
          if (!first) put(",");
          first = false;
          str(k);
          put(":");
          walk(x, depth + 1);
        }
        return put("}");
      }
      default:
        return put("null");
    }
  };
  walk(value, 1);
  const json = parts.join("");
  if (remember && typeof value === "object" && value !== null) {
    preEncoded.set(value, { json, depth: deepest });
  }
  return json;
}

const lines = new WeakMap<object, string>();

/** A message ready to send: {@link prepareMessage}'s result. */
export interface PreparedMessage {
  /** The message to send (a replacement error when the original cannot be sent). */
  message: JsonRpcMessage;
  /** Why the original could not be sent, when it was replaced. */
  problem?: string;
}

function fallbackLine(message: JsonRpcMessage, problem: string): {
  message: JsonRpcMessage;
  line: string;
} {
  const m = message as unknown as Record<string, unknown>;
  const replacement: JsonRpcMessage = Object.hasOwn(m, "method")
    ? {
      jsonrpc: "2.0",
      method: "notifications/message",
      params: {
        level: "error",
        logger: "porta",
        data: `a notification could not be sent: ${problem}`,
      },
    }
    : failure(
      isId(m.id) ? m.id : null,
      ErrorCode.InternalError,
      `response cannot be sent: ${problem}`,
    );
  let line: string;
  try {
    line = encodeJson(replacement, {
      maxDepth: MAX_MESSAGE_DEPTH,
      maxChars: 64 * 1024,
    }) + "\n";
  } catch {
    line = '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,' +
      '"message":"response cannot be sent"}}\n';
  }
  return { message: replacement, line };
}

/**
 * Encodes a message under the bounds ({@link MAX_MESSAGE_DEPTH},
 * `maxChars`); when that fails for any reason, a response becomes a -32603
 * error for the same id (`response cannot be sent: WHY`) and a notification
 * becomes a `notifications/message` error. The line is kept for
 * {@link serialize}, so the message is encoded once.
 */
export function prepareMessage(
  message: JsonRpcMessage,
  maxChars: number = DEFAULT_MAX_MESSAGE_CHARS,
): PreparedMessage {
  try {
    const line = encodeJson(message, {
      maxDepth: MAX_MESSAGE_DEPTH,
      maxChars,
    }) + "\n";
    lines.set(message, line);
    return { message };
  } catch (e) {
    const problem = e instanceof EncodeError
      ? e.message
      : `cannot be encoded (${e instanceof Error ? e.name : typeof e})`;
    const fb = fallbackLine(message, problem);
    lines.set(fb.message, fb.line);
    return { message: fb.message, problem };
  }
}

/**
 * Serializes a message as one NDJSON line (JSON text never contains a raw
 * newline). Never throws: see {@link prepareMessage}, whose line is reused.
 */
export function serialize(message: JsonRpcMessage): string {
  const known = lines.get(message);
  if (known !== undefined) return known;
  const prepared = prepareMessage(message);
  return lines.get(prepared.message)!;
}
