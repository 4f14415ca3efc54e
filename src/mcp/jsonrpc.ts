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
  if ("method" in value) {
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
      "params" in value && value.params !== undefined &&
      !isPlainObject(value.params)
    ) {
      // Notifications are never answered, even when malformed.
      if (!("id" in value)) return { kind: "invalid", response: null };
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
    if (!("id" in value)) {
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
  if ("result" in value || "error" in value) {
    if (!("id" in value) || !(isId(value.id) || value.id === null)) {
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
 * Parses one raw text message (one NDJSON line). Invalid JSON yields a
 * -32700 parse error with id `null`.
 */
export function parseMessage(text: string): ParsedMessage {
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

/** Serializes a message as one NDJSON line (JSON text never contains a raw newline). */
export function serialize(message: JsonRpcMessage): string {
  return JSON.stringify(message) + "\n";
}
