/**
 * The request rules of MCP 2026-07-28, the stateless revision: which
 * requests belong to it, what their `_meta` and HTTP headers must hold, and
 * the HTTP status of each protocol error.
 *
 * A request is stateless when its `_meta` names a protocol version
 * (`io.modelcontextprotocol/protocolVersion`) or when its transport carries
 * an `MCP-Protocol-Version` that is not a stateful revision. Its checks, in
 * order (each a JSON-RPC error that echoes the request's id):
 * 1. `_meta` with `io.modelcontextprotocol/protocolVersion` (a string) and
 *    `io.modelcontextprotocol/clientCapabilities` (an object): else -32602;
 * 2. over HTTP, the `MCP-Protocol-Version` header is present and equal to
 *    `_meta`'s: else -32020;
 * 3. the version is one Porta speaks: else -32022 with
 *    `data: {supported, requested}`;
 * 4. over HTTP, `Mcp-Method` equals the method and, for `tools/call` and
 *    `prompts/get` (`params.name`) and `resources/read` (`params.uri`),
 *    `Mcp-Name` equals the name (surrounding spaces ignored): else -32020;
 * 5. over HTTP, a `tools/call` mirrors the arguments its tool marks with
 *    `x-mcp-header` in `Mcp-Param-*` headers ({@link checkParamHeaders}).
 *
 * @example
 * ```ts
 * import { checkStatelessRequest } from "./stateless.ts";
 *
 * const req = {
 *   jsonrpc: "2.0" as const,
 *   id: 1,
 *   method: "tools/list",
 *   params: { _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } },
 * };
 * console.log(checkStatelessRequest(req)?.message);
 * // invalid _meta: "io.modelcontextprotocol/clientCapabilities" must be an object
 * ```
 *
 * @module
 */

import { ErrorCode, JsonRpcError, type JsonRpcRequest } from "./jsonrpc.ts";
import type { ReceiveContext } from "./transport/transport.ts";
import { isBase64 } from "./content.ts";
import {
  STATEFUL_PROTOCOL_VERSIONS,
  STATELESS_PROTOCOL_VERSION,
} from "./versions.ts";

/** `_meta` key of the protocol version. */
export const META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
/** `_meta` key of the client's capabilities. */
export const META_CLIENT_CAPABILITIES =
  "io.modelcontextprotocol/clientCapabilities";
/** `_meta` key of the client's name and version. */
export const META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
/** `_meta` key of the log level the client wants for this request. */
export const META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
/** `_meta` key of the server's name and version in results. */
export const META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

/** JSON-RPC error codes of MCP 2026-07-28. */
export const StatelessErrorCode = {
  /** An HTTP header disagrees with the body or is missing. */
  HeaderMismatch: -32020,
  /** The client lacks a capability the request needs. */
  MissingCapability: -32021,
  /** The protocol version is not supported. */
  UnsupportedVersion: -32022,
} as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The request's `_meta`, when it is an object. */
export function metaOf(
  req: JsonRpcRequest,
): Record<string, unknown> | undefined {
  const m = req.params?._meta;
  return isPlainObject(m) ? m : undefined;
}

/** Whether `req` is a request of the stateless revision (see the module documentation). */
export function isStatelessRequest(
  req: JsonRpcRequest,
  context?: ReceiveContext,
): boolean {
  if (metaOf(req)?.[META_PROTOCOL_VERSION] !== undefined) return true;
  const header = context?.protocolVersion;
  return header !== undefined && !STATEFUL_PROTOCOL_VERSIONS.includes(header);
}

/** The problem with a stateless request, or null (see the module documentation). */
export function checkStatelessRequest(
  req: JsonRpcRequest,
  context?: ReceiveContext,
): JsonRpcError | null {
  const meta = metaOf(req);
  if (!meta) {
    return new JsonRpcError(
      ErrorCode.InvalidParams,
      `invalid params: "_meta" with "${META_PROTOCOL_VERSION}" and "${META_CLIENT_CAPABILITIES}" is required`,
    );
  }
  const version = meta[META_PROTOCOL_VERSION];
  if (typeof version !== "string") {
    return new JsonRpcError(
      ErrorCode.InvalidParams,
      `invalid _meta: "${META_PROTOCOL_VERSION}" must be a string`,
    );
  }
  if (!isPlainObject(meta[META_CLIENT_CAPABILITIES])) {
    return new JsonRpcError(
      ErrorCode.InvalidParams,
      `invalid _meta: "${META_CLIENT_CAPABILITIES}" must be an object`,
    );
  }
  const headers = context?.headers;
  if (headers) {
    const header = headers.get("mcp-protocol-version");
    if (header === null) {
      return new JsonRpcError(
        StatelessErrorCode.HeaderMismatch,
        "missing MCP-Protocol-Version header",
      );
    }
    if (header !== version) {
      return new JsonRpcError(
        StatelessErrorCode.HeaderMismatch,
        `MCP-Protocol-Version header "${
          header.slice(0, 40)
        }" does not match _meta's "${version.slice(0, 40)}"`,
      );
    }
  }
  if (version !== STATELESS_PROTOCOL_VERSION) {
    return new JsonRpcError(
      StatelessErrorCode.UnsupportedVersion,
      `unsupported protocol version: "${version.slice(0, 40)}"`,
      { supported: [STATELESS_PROTOCOL_VERSION], requested: version },
    );
  }
  if (headers) {
    const method = headers.get("mcp-method");
    if (method === null) {
      return new JsonRpcError(
        StatelessErrorCode.HeaderMismatch,
        "missing Mcp-Method header",
      );
    }
    if (method.trim() !== req.method) {
      return new JsonRpcError(
        StatelessErrorCode.HeaderMismatch,
        `Mcp-Method header "${
          method.slice(0, 60)
        }" does not match the method "${req.method.slice(0, 60)}"`,
      );
    }
    const named = req.method === "tools/call" || req.method === "prompts/get"
      ? req.params?.name
      : req.method === "resources/read"
      ? req.params?.uri
      : undefined;
    if (typeof named === "string") {
      const name = headers.get("mcp-name");
      if (name === null) {
        return new JsonRpcError(
          StatelessErrorCode.HeaderMismatch,
          "missing Mcp-Name header",
        );
      }
      if (name.trim() !== named) {
        return new JsonRpcError(
          StatelessErrorCode.HeaderMismatch,
          `Mcp-Name header "${name.slice(0, 60)}" does not match "${
            named.slice(0, 60)
          }"`,
        );
      }
    }
  }
  return null;
}

/** The HTTP status of a stateless request's error response. */
export function httpStatusOf(code: number): number {
  switch (code) {
    case ErrorCode.MethodNotFound:
      return 404;
    case ErrorCode.ParseError:
    case ErrorCode.InvalidRequest:
    case ErrorCode.InvalidParams:
    case StatelessErrorCode.HeaderMismatch:
    case StatelessErrorCode.MissingCapability:
    case StatelessErrorCode.UnsupportedVersion:
      return 400;
    default:
      return 200;
  }
}

/** Header of an argument a tool mirrors (`x-mcp-header` in its inputSchema). */
const PARAM_HEADER_PREFIX = "mcp-param-";

/**
 * Decodes an `Mcp-Param-*` header value: `=?base64?...?=` is strict base64
 * of UTF-8 text (null when malformed), anything else is the literal value.
 */
export function decodeParamHeader(value: string): string | null {
  const v = value.trim();
  const m = /^=\?base64\?(.*)\?=$/s.exec(v);
  if (!m) return v;
  const b = m[1];
  if (!isBase64(b)) return null;
  try {
    const bin = atob(b);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The custom header rule of MCP 2026-07-28 over HTTP: every argument whose
 * property in the tool's `inputSchema` has `"x-mcp-header": NAME` (a
 * string, number or boolean) is mirrored in a header `Mcp-Param-NAME`
 * (literal, or `=?base64?...?=` for any text), which must be present and
 * equal to the argument; a null or absent argument has no header. Else
 * -32020.
 */
export function checkParamHeaders(
  inputSchema: Record<string, unknown>,
  args: Record<string, unknown>,
  headers: Headers,
): JsonRpcError | null {
  const props = inputSchema.properties;
  if (!isPlainObject(props)) return null;
  for (const [prop, schema] of Object.entries(props)) {
    if (!isPlainObject(schema)) continue;
    const name = schema["x-mcp-header"];
    if (typeof name !== "string" || name === "") continue;
    const arg = Object.hasOwn(args, prop) ? args[prop] : undefined;
    if (arg === undefined || arg === null) continue;
    if (typeof arg === "object") continue; // only primitives are mirrored
    const header = headers.get(`${PARAM_HEADER_PREFIX}${name}`);
    if (header === null) {
      return new JsonRpcError(
        StatelessErrorCode.HeaderMismatch,
        `missing Mcp-Param-${name.slice(0, 60)} header (argument "${
          prop.slice(0, 60)
        }" is mirrored in it)`,
      );
    }
    const decoded = decodeParamHeader(header);
    if (decoded === null) {
      return new JsonRpcError(
        StatelessErrorCode.HeaderMismatch,
        `Mcp-Param-${name.slice(0, 60)} header is not valid base64 UTF-8`,
      );
    }
    if (decoded !== String(arg)) {
      return new JsonRpcError(
        StatelessErrorCode.HeaderMismatch,
        `Mcp-Param-${name.slice(0, 60)} header does not match argument "${
          prop.slice(0, 60)
        }"`,
      );
    }
  }
  return null;
}
