/**
 * What stands between the MCP protocol and the bytes: the {@link Transport}
 * interface that stdio ({@link StdioTransport}) and Streamable HTTP
 * (`HttpTransport`) implement, and the {@link Endpoint} they feed.
 *
 * A transport knows nothing of MCP methods: it reads JSON-RPC messages,
 * hands them to an endpoint (one per client session, made by the
 * {@link EndpointFactory} it is given) and carries what the endpoint sends
 * back. The endpoint says which request each outgoing message belongs to
 * (`related`), so a transport that has one stream per request (HTTP) can put
 * progress, logs and server-to-client requests on the stream of the call
 * they concern; stdio has one stream and ignores it.
 *
 * @example A transport that answers one message (as tests do)
 * ```ts
 * import type { Endpoint, JsonRpcMessage } from "./mod.ts";
 *
 * async function once(endpoint: Endpoint, text: string): Promise<JsonRpcMessage[]> {
 *   const out: JsonRpcMessage[] = [];
 *   endpoint.connect((m) => void out.push(m));
 *   endpoint.receive(text);
 *   await endpoint.idle();
 *   return out;
 * }
 * ```
 *
 * @module
 */

import type { JsonRpcId, JsonRpcMessage } from "../jsonrpc.ts";

/**
 * Sends one message to the client. `related` is the id of the client's
 * request the message belongs to: a response's own id, or the request whose
 * handling produced a notification or a server-to-client request. Absent:
 * the message belongs to no request (sent on the session's own stream).
 * `httpStatus`: the HTTP status a response should carry when it is the
 * whole HTTP response (MCP 2026-07-28 answers protocol errors with 400 or
 * 404); transports without statuses ignore it.
 */
export type SendFunction = (
  message: JsonRpcMessage,
  related?: JsonRpcId,
  httpStatus?: number,
) => Promise<void> | void;

/** Request metadata a transport passes with a message (HTTP headers). */
export interface ReceiveContext {
  /**
   * The `MCP-Protocol-Version` the transport read for this message (an HTTP
   * header), when it has one.
   */
  protocolVersion?: string;
  /**
   * Headers of the HTTP request that carried the message (lower-case
   * names), for the protocol's header rules. Absent on stdio.
   */
  headers?: Headers;
}

/** One client session as a transport sees it (`McpServer` implements it). */
export interface Endpoint {
  /**
   * Sets where outgoing messages go. Called once, before any `receive`.
   * `ended` is told of a request that ends without a response (the client
   * cancelled it), so a transport can close what it holds open for it.
   */
  connect(send: SendFunction, ended?: (id: JsonRpcId) => void): void;
  /** Handles one incoming message (JSON text); never throws. */
  receive(text: string, context?: ReceiveContext): void;
  /** Answers a message that could not be read (too large, not UTF-8). */
  rejectRaw(reason: string): void;
  /** Requests being handled now (for backpressure). */
  readonly inFlight: number;
  /** Resolves once every request received so far has been answered. */
  idle(): Promise<void>;
  /**
   * Cancels every running call. `respond`: each still gets an error
   * response (else, as for a client's cancellation, none).
   */
  cancelAll(reason?: string, respond?: boolean): void;
}

/** Makes the endpoint of a new session. */
export type EndpointFactory = () => Endpoint;

/** A way to carry MCP messages between clients and endpoints. */
export interface Transport {
  /**
   * Serves clients until the transport ends (stdio: end of input; HTTP: the
   * server was closed). `open` makes one endpoint per session (stdio: one).
   */
  serve(open: EndpointFactory): Promise<void>;
  /**
   * Stops accepting input, waits for pending output (at most `timeoutMs`
   * when given), then closes. Resolves true when everything was written.
   */
  close(timeoutMs?: number): Promise<boolean>;
}
