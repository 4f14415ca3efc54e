/**
 * The MCP protocol revisions Porta speaks, shared by the protocol side and
 * the transports (which only need to know which revisions are stateless).
 *
 * @example
 * ```ts
 * import { SUPPORTED_PROTOCOL_VERSIONS } from "./versions.ts";
 *
 * console.log(SUPPORTED_PROTOCOL_VERSIONS.includes("2025-11-25")); // true
 * ```
 *
 * @module
 */

/** The stateless revision: no `initialize`, no sessions, `_meta` on every request. */
export const STATELESS_PROTOCOL_VERSION = "2026-07-28";

/** The newest stateful revision (`initialize`, sessions, server-to-client requests). */
export const LATEST_STATEFUL_VERSION = "2025-11-25";

/**
 * Stateful revisions accepted in `initialize`, newest first: the client's is
 * answered when listed, else {@link LATEST_STATEFUL_VERSION}.
 */
export const STATEFUL_PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
];

/** Every revision Porta speaks, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  STATELESS_PROTOCOL_VERSION,
  ...STATEFUL_PROTOCOL_VERSIONS,
];
