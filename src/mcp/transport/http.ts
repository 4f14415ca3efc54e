/**
 * MCP's Streamable HTTP transport on `Deno.serve` (`porta serve --http`).
 *
 * One endpoint path (default `/mcp`):
 * - `POST` carries one JSON-RPC message. A notification or a response is
 *   answered `202 Accepted`. A request is answered with `application/json`
 *   when its response is the first thing the endpoint sends for it, and
 *   with a `text/event-stream` otherwise (progress, logs or a
 *   server-to-client request came first; the response ends the stream).
 * - `GET` (`Accept: text/event-stream`) opens the session's own stream, for
 *   messages that belong to no request; with `Last-Event-ID` it resumes a
 *   stream instead: the events after that id are sent again, then the
 *   stream goes on where it was (a request's stream ends with its response).
 * - `DELETE` ends a session (its running calls are cancelled).
 *
 * Sessions: `initialize` opens one (`Mcp-Session-Id` on its response, a
 * random UUID); every later message of the session carries the header
 * (missing: 400, unknown or expired: 404). A request of a stateless revision
 * (`MCP-Protocol-Version: 2026-07-28`, no session header) gets an endpoint
 * of its own that lives as long as the request, so any number of processes
 * can serve one client behind a load balancer.
 *
 * Every refusal is an HTTP status with a JSON-RPC error body (id `null`),
 * never a crash:
 * - 403: a `Host` that is not a loopback name (`host[:port]`, nothing else)
 *   while bound to loopback, or
 *   an `Origin` that is neither loopback nor listed in
 *   {@link HttpTransportOptions.allowedOrigins} (DNS rebinding);
 * - 401 with `WWW-Authenticate: Bearer`: with an
 *   {@link HttpTransportOptions.authToken}, a request without that bearer
 *   token (compared in constant time);
 * - 404 other paths, 405 other methods, 406 an `Accept` without
 *   `application/json` and `text/event-stream` (POST) or without
 *   `text/event-stream` (GET), 415 a body that is not `application/json`,
 *   413 a body over {@link HttpTransportOptions.maxBodyBytes}, 408 a body
 *   that does not arrive within {@link HttpTransportOptions.bodyTimeoutMs},
 *   400 a body
 *   that is not one valid JSON-RPC message or an unsupported
 *   `MCP-Protocol-Version`, 409 a second `GET` stream for one session,
 *   503 (with `Retry-After`) past {@link HttpTransportOptions.maxSessions}
 *   sessions or {@link HttpTransportOptions.maxRequests} requests in flight.
 *
 * Memory stays bounded whatever clients do: bodies are read up to the cap,
 * within {@link HttpTransportOptions.bodyTimeoutMs} (408 past it: a body
 * that trickles or a `Content-Length` that lies holds nothing for long),
 * and all bodies being read at once hold at most
 * {@link HttpTransportOptions.maxPendingBodyBytes} (503 past it); each
 * session keeps at most {@link HttpTransportOptions.eventHistory} events,
 * and at most {@link HttpTransportOptions.maxStreamBytes} of them (the
 * newest always), for resumption, a stream whose reader falls more than
 * {@link HttpTransportOptions.maxStreamBytes} behind is closed (its events
 * can still be resumed), and idle sessions expire after
 * {@link HttpTransportOptions.sessionIdleMs}. A client that disconnects does
 * not cancel its requests (MCP says a disconnection is not a cancellation):
 * they finish, bounded by the call timeout, and their events are kept for
 * resumption; a stateless request, which cannot be resumed, is cancelled.
 *
 * @example
 * ```ts ignore
 * import { HttpTransport } from "./http.ts";
 *
 * const transport = new HttpTransport({ port: 8080 });
 * await transport.serve(() => makeEndpoint());
 * ```
 *
 * @module
 */

import {
  ErrorCode,
  failure,
  idKey,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  parseMessage,
  serialize,
} from "../jsonrpc.ts";
import { SUPPORTED_PROTOCOL_VERSIONS } from "../versions.ts";
import { isStatelessRequest } from "../stateless.ts";
import type {
  Endpoint,
  EndpointFactory,
  ReceiveContext,
  Transport,
} from "./transport.ts";

/** Default cap of a request body: 4 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Default number of sessions open at once. */
export const DEFAULT_MAX_SESSIONS = 256;
/** Default time a session may stay unused before it expires: 30 minutes. */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60 * 1000;
/** Default number of requests in flight over all sessions. */
export const DEFAULT_MAX_REQUESTS = 1024;
/** Default backlog of one SSE connection before it is closed: 4 MiB. */
export const DEFAULT_MAX_STREAM_BYTES = 4 * 1024 * 1024;
/** Default number of events a session keeps for resumption. */
export const DEFAULT_EVENT_HISTORY = 256;
/** Default time a request body may take to arrive: 30 seconds. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/** Default bytes of all request bodies being read at once: 64 MiB. */
export const DEFAULT_MAX_PENDING_BODY_BYTES = 64 * 1024 * 1024;
/** How long answers decided by {@link HttpTransport.close} get to be written. */
const CLOSE_GRACE_MS = 100;

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** Address to bind (default `127.0.0.1`). */
  hostname?: string;
  /** Port (0: any free port; see {@link HttpTransport.addr}). */
  port: number;
  /** Endpoint path (default `/mcp`). */
  path?: string;
  /**
   * Origins allowed besides loopback ones (`http://localhost:*`,
   * `http://127.0.0.1:*`, `http://[::1]:*`), exactly as browsers send them
   * (`https://app.example.com`).
   */
  allowedOrigins?: readonly string[];
  /** Bearer token every request must carry (`Authorization: Bearer ...`). */
  authToken?: string;
  /** Cap of a request body in bytes (default {@link DEFAULT_MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
  /** Sessions open at once (default {@link DEFAULT_MAX_SESSIONS}). */
  maxSessions?: number;
  /** Idle time after which a session expires (default {@link DEFAULT_SESSION_IDLE_MS}). */
  sessionIdleMs?: number;
  /** Requests in flight over all sessions (default {@link DEFAULT_MAX_REQUESTS}). */
  maxRequests?: number;
  /** Backlog of one SSE connection (default {@link DEFAULT_MAX_STREAM_BYTES}). */
  maxStreamBytes?: number;
  /** Events kept per session for `Last-Event-ID` (default {@link DEFAULT_EVENT_HISTORY}). */
  eventHistory?: number;
  /**
   * Time a request body may take to arrive, from its first byte to its
   * last (default {@link DEFAULT_BODY_TIMEOUT_MS}); past it: 408.
   */
  bodyTimeoutMs?: number;
  /**
   * Bytes of all request bodies being read at once (default
   * {@link DEFAULT_MAX_PENDING_BODY_BYTES}); past it: 503.
   */
  maxPendingBodyBytes?: number;
  /** Diagnostics sink (stderr). */
  log?(line: string): void;
  /** Called once the server listens. */
  onListen?(addr: { hostname: string; port: number }): void;
}

const encoder = new TextEncoder();

/** Whether `hostname` (as bound) is a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The host part of a `Host` header value (`[::1]:8080` → `::1`), or null
 * when the value is not `host[:port]`: anything after an IPv6 literal or
 * the port (`[::1]evil.com`, `127.0.0.1:80@evil.com`) is refused rather
 * than cut off.
 */
function hostOf(header: string): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[^\s[\]:@/\\?#]+)(?::\d{1,5})?$/i.exec(
    header.trim(),
  );
  return m ? m[1].toLowerCase().replace(/^\[|\]$/g, "") : null;
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    if (u.protocol !== "http:" && u.protocol !== "https:") return false;
    return isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}

/** Compares two secrets in time independent of where they differ. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(da), y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** An HTTP refusal with a JSON-RPC error body. */
function refuse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  code: number = ErrorCode.InvalidRequest,
): Response {
  return jsonResponse(status, failure(null, code, message), headers);
}

/** One stored event of a session (for `Last-Event-ID`). */
interface StoredEvent {
  stream: string;
  seq: number;
  data: string;
  /** Bytes of its SSE frame. */
  size: number;
}

/** The SSE frame of an event. */
function frameOf(e: StoredEvent): Uint8Array {
  return encoder.encode(
    `id: ${e.stream}/${e.seq}\nevent: message\ndata: ${e.data}\n\n`,
  );
}

/**
 * A logical SSE stream (a request's, or the session's own), which may be
 * carried by several HTTP connections in turn (resumption).
 */
class EventStream {
  readonly id: string;
  seq = 0;
  /** The stream ended (its response was sent). */
  finished = false;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #onDetach: () => void;
  readonly #maxBytes: number;

  constructor(id: string, maxBytes: number, onDetach: () => void) {
    this.id = id;
    this.#maxBytes = maxBytes;
    this.#onDetach = onDetach;
  }

  get connected(): boolean {
    return this.#controller !== null;
  }

  /** A new connection carrying this stream, after replaying `replay`. */
  attach(replay: readonly Uint8Array[], headers: Headers): Response {
    this.detach();
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#controller = c;
        for (const frame of replay) this.#enqueue(frame);
        if (this.finished) this.#close();
      },
      cancel: () => {
        this.#controller = null;
        this.#onDetach();
      },
    }, new ByteLengthQueuingStrategy({ highWaterMark: this.#maxBytes }));
    headers.set("content-type", "text/event-stream");
    headers.set("cache-control", "no-cache, no-transform");
    return new Response(stream, { status: 200, headers });
  }

  /** Sends one event's frame when connected (the event is stored by the caller). */
  send(frame: Uint8Array): void {
    if (this.#controller) this.#enqueue(frame);
  }

  #enqueue(frame: Uint8Array): void {
    const c = this.#controller;
    if (!c) return;
    // a reader that stopped reading: drop the connection, keep the events.
    // Judged by the backlog before this event, so that one event larger
    // than the limit still reaches a reader that reads (a replay of it
    // used to end the stream at once: the response could never be resumed)
    if ((c.desiredSize ?? 0) < 0) return this.#fail();
    try {
      c.enqueue(frame);
    } catch {
      this.#controller = null;
    }
  }

  /** Ends the stream once its last event is out. */
  finish(): void {
    this.finished = true;
    this.#close();
  }

  #close(): void {
    const c = this.#controller;
    this.#controller = null;
    if (!c) return;
    try {
      c.close();
    } catch {
      // already closed
    }
  }

  #fail(): void {
    const c = this.#controller;
    this.#controller = null;
    try {
      c?.error(new Error("the client does not read this stream"));
    } catch {
      // already closed
    }
    this.#onDetach();
  }

  /** Drops the current connection, if any (the stream itself goes on). */
  detach(): void {
    this.#close();
  }
}

/** A request waiting for its first message: JSON or SSE is decided then. */
interface PendingRequest {
  key: string;
  /** Resolves the HTTP response once the mode is known. */
  decide: (r: Response) => void;
  /** The SSE stream once the request switched to it. */
  stream?: EventStream;
  /** For a stateless request: its endpoint, cancelled on disconnect. */
  ephemeral?: Endpoint;
  headers: Headers;
}

/** One client session (or one stateless request). */
class Session {
  readonly id: string;
  readonly endpoint: Endpoint;
  lastSeen = performance.now();
  readonly requests = new Map<string, PendingRequest>();
  readonly streams = new Map<string, EventStream>();
  own: EventStream | null = null;
  readonly events: StoredEvent[] = [];
  /** Bytes of the stored events' frames. */
  #eventBytes = 0;
  /** Stored events per stream id (a stream with none may be forgotten). */
  readonly #stored = new Map<string, number>();
  #nextStream = 0;
  /** Told when the session's last request is done (stateless requests). */
  onIdle?: () => void;

  constructor(
    id: string,
    endpoint: Endpoint,
    readonly transport: HttpTransport,
  ) {
    this.id = id;
    this.endpoint = endpoint;
  }

  newStream(onDetach: () => void = () => {}): EventStream {
    const id = `${this.#nextStream++}`;
    const s = new EventStream(id, this.transport.maxStreamBytes, onDetach);
    this.streams.set(id, s);
    return s;
  }

  /** Stores and sends one message on `stream`. */
  emit(stream: EventStream, message: JsonRpcMessage): void {
    const event: StoredEvent = {
      stream: stream.id,
      seq: ++stream.seq,
      data: serialize(message).trimEnd(),
      size: 0,
    };
    const frame = frameOf(event);
    event.size = frame.length;
    this.events.push(event);
    this.#eventBytes += event.size;
    this.#stored.set(stream.id, (this.#stored.get(stream.id) ?? 0) + 1);
    // bounded in number and in bytes (more than maxStreamBytes could not be
    // replayed on one connection anyway); the newest event is always kept
    while (
      this.events.length > this.transport.eventHistory ||
      (this.#eventBytes > this.transport.maxStreamBytes &&
        this.events.length > 1)
    ) {
      const old = this.events.shift()!;
      this.#eventBytes -= old.size;
      const left = (this.#stored.get(old.stream) ?? 1) - 1;
      if (left > 0) this.#stored.set(old.stream, left);
      else {
        this.#stored.delete(old.stream);
        this.#forget(old.stream);
      }
    }
    stream.send(frame);
  }

  /** The stored events of `stream` after `seq`, as frames. */
  replay(stream: EventStream, seq: number): Uint8Array[] {
    return this.events.filter((e) => e.stream === stream.id && e.seq > seq)
      .map(frameOf);
  }

  /** A finished stream with no stored event left is forgotten. */
  #forget(id: string): void {
    const s = this.streams.get(id);
    if (s?.finished && s !== this.own && !this.#stored.has(id)) {
      this.streams.delete(id);
    }
  }

  /** Ends `stream`; forgotten at once when none of its events is kept. */
  #end(stream: EventStream): void {
    stream.finish();
    this.#forget(stream.id);
  }

  /** One request of this session is done. */
  #done(): void {
    this.transport.requestDone();
    if (this.requests.size === 0) this.onIdle?.();
  }

  /** Routes one outgoing message of the endpoint. */
  route(
    message: JsonRpcMessage,
    related: JsonRpcId | undefined,
    status?: number,
  ): void {
    this.lastSeen = performance.now();
    const m = message as unknown as Record<string, unknown>;
    const isResponse = !Object.hasOwn(m, "method");
    const key = isResponse
      ? (typeof m.id === "string" || typeof m.id === "number"
        ? idKey(m.id)
        : undefined)
      : related === undefined
      ? undefined
      : idKey(related);
    const pending = key === undefined ? undefined : this.requests.get(key);
    if (pending) {
      if (isResponse) this.requests.delete(pending.key);
      if (!pending.stream && isResponse) {
        // the response came first: plain JSON
        pending.headers.set("content-type", "application/json");
        pending.decide(
          new Response(serialize(message), {
            status: status ?? 200,
            headers: pending.headers,
          }),
        );
        this.#done();
        return;
      }
      if (!pending.stream) {
        pending.stream = this.newStream(() => {
          if (pending.ephemeral && this.requests.has(pending.key)) {
            pending.ephemeral.cancelAll("the client disconnected");
          }
        });
        pending.decide(pending.stream.attach([], pending.headers));
      }
      this.emit(pending.stream, message);
      if (isResponse) {
        this.#end(pending.stream);
        this.#done();
      }
      return;
    }
    // no request of this session waits for it: the session's own stream
    if (this.own) this.emit(this.own, message);
  }

  /** A request ended without a response (cancelled): its stream is closed. */
  ended(id: JsonRpcId): void {
    const pending = this.requests.get(idKey(id));
    if (!pending) return;
    this.requests.delete(pending.key);
    if (pending.stream) this.#end(pending.stream);
    else {pending.decide(
        new Response(null, { status: 204, headers: pending.headers }),
      );}
    this.#done();
  }

  /** Ends the session: running calls are cancelled, streams closed. */
  close(reason: string): void {
    this.endpoint.cancelAll(reason);
    const pending = [...this.requests.values()];
    this.requests.clear();
    for (const p of pending) {
      // a stateless request has no session: 404 would say "method not
      // found" in MCP 2026-07-28
      p.decide(
        this.id === ""
          ? refuse(503, `service unavailable: ${reason}`, {
            "retry-after": "1",
          })
          : refuse(404, `session ended: ${reason}`),
      );
      this.transport.requestDone();
    }
    for (const s of this.streams.values()) s.finish();
    this.own?.finish();
    this.onIdle?.();
  }
}

/** Streamable HTTP transport (see the module documentation). */
export class HttpTransport implements Transport {
  readonly #options: HttpTransportOptions;
  readonly #sessions = new Map<string, Session>();
  /** Stateless requests being handled (ended too by {@link close}). */
  readonly #ephemeral = new Set<Session>();
  /** Requests whose response is not written yet (`info.completed`). */
  readonly #unfinished = new Set<Promise<void>>();
  /** Bytes of the request bodies being read now. */
  #pendingBodyBytes = 0;
  readonly #path: string;
  readonly #loopback: boolean;
  readonly #origins: Set<string>;
  readonly maxStreamBytes: number;
  readonly eventHistory: number;
  #inFlight = 0;
  #closing = false;
  #server: Deno.HttpServer | null = null;
  #abort = new AbortController();
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #open: EndpointFactory | null = null;
  #addr: { hostname: string; port: number } | null = null;

  /** Creates the transport; {@link serve} binds it. */
  constructor(options: HttpTransportOptions) {
    this.#options = options;
    this.#path = options.path ?? "/mcp";
    this.#loopback = isLoopbackHost(options.hostname ?? "127.0.0.1");
    this.#origins = new Set(
      (options.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, "")),
    );
    this.maxStreamBytes = options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES;
    this.eventHistory = options.eventHistory ?? DEFAULT_EVENT_HISTORY;
  }

  /** The bound address, once listening. */
  get addr(): { hostname: string; port: number } | null {
    return this.#addr;
  }

  /** Sessions open now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Requests in flight now, over all sessions. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** @internal a request left the in-flight count. */
  requestDone(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  /** Binds and serves until {@link close}. */
  async serve(open: EndpointFactory): Promise<void> {
    this.#open = open;
    const idleMs = this.#options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.#sweeper = setInterval(
      () => this.#sweep(idleMs),
      Math.max(10, Math.min(60_000, idleMs / 4)),
    );
    const ready = Promise.withResolvers<void>();
    this.#server = Deno.serve({
      hostname: this.#options.hostname ?? "127.0.0.1",
      port: this.#options.port,
      signal: this.#abort.signal,
      onListen: (addr) => {
        this.#addr = { hostname: addr.hostname, port: addr.port };
        this.#options.onListen?.(this.#addr);
        ready.resolve();
      },
      onError: (e) => {
        this.#options.log?.(
          `[porta] http: internal error: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
        return refuse(500, "internal error", {}, ErrorCode.InternalError);
      },
    }, (req, info) => {
      this.#watch(info);
      return this.#handle(req, info);
    });
    await ready.promise;
    await this.#server.finished;
  }

  /**
   * Stops taking requests (503), ends the sessions' own streams, gives the
   * requests in flight `timeoutMs` to be answered and their answers to be
   * written (default: as long as they take), then ends every session and
   * every stateless request (their calls are cancelled) and stops the
   * server. Resolves true when everything was answered in time.
   *
   * Deno's `shutdown()` is not used: aborting the server after it (to cut
   * a call that outlives `timeoutMs`) throws an uncaught `BadResource`
   * from Deno's abort listener, which ended the process (SIGTERM during a
   * call crashed `porta serve --http`); the transport waits for the
   * responses itself, then aborts.
   */
  async close(timeoutMs?: number): Promise<boolean> {
    clearInterval(this.#sweeper);
    this.#closing = true;
    for (const s of this.#sessions.values()) s.own?.finish();
    const server = this.#server;
    this.#server = null;
    const deadline = timeoutMs === undefined
      ? Infinity
      : performance.now() + Math.max(0, timeoutMs);
    const done = await this.#written(deadline);
    const sessions = [...this.#sessions.values(), ...this.#ephemeral];
    this.#sessions.clear();
    this.#ephemeral.clear();
    for (const s of sessions) s.close("server shutting down");
    if (server) {
      // the answers just decided (404, the ends of streams) are written
      // if they can be, briefly
      if (!done) await this.#written(performance.now() + CLOSE_GRACE_MS);
      this.#abort.abort();
      await server.finished.catch(() => {});
    }
    return done;
  }

  /** Keeps `info.completed` of a request until its response is written. */
  #watch(info: Deno.ServeHandlerInfo): void {
    const completed = (info as { completed?: Promise<void> }).completed;
    if (!completed) return;
    // rejects when the client goes away first: handled here
    const p: Promise<void> = completed.then(() => {}, () => {}).finally(() =>
      this.#unfinished.delete(p)
    );
    this.#unfinished.add(p);
  }

  /** Waits until every response is written; false past `deadline`. */
  async #written(deadline: number): Promise<boolean> {
    while (this.#unfinished.size > 0) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = await Promise.race([
        Promise.all([...this.#unfinished]).then(() => false),
        ...(left === Infinity ? [] : [
          new Promise<boolean>((r) => timer = setTimeout(() => r(true), left)),
        ]),
      ]);
      clearTimeout(timer);
      if (late) return false;
    }
    return true;
  }

  #sweep(idleMs: number): void {
    const now = performance.now();
    for (const [id, s] of this.#sessions) {
      const busy = s.requests.size > 0 || s.endpoint.inFlight > 0 ||
        s.own?.connected;
      if (!busy && now - s.lastSeen > idleMs) {
        this.#sessions.delete(id);
        s.close("session expired");
        this.#options.log?.(
          `[porta] http: session ${id.slice(0, 8)} expired after ${
            Math.round(idleMs / 1000)
          } s idle`,
        );
      }
    }
  }

  #hostAllowed(host: string | null): boolean {
    if (!this.#loopback) return true;
    // bound to loopback: only loopback names (DNS rebinding sends its own)
    const name = host === null ? null : hostOf(host);
    return name !== null && isLoopbackHost(name);
  }

  #originAllowed(origin: string): boolean {
    if (this.#origins.has(origin)) return true;
    return isLoopbackOrigin(origin);
  }

  async #handle(req: Request, _info: Deno.ServeHandlerInfo): Promise<Response> {
    if (this.#closing) {
      return refuse(503, "service unavailable: the server is shutting down", {
        connection: "close",
      });
    }
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      // Deno builds the URL from the Host header, which may not be a host
      return refuse(400, "bad request: invalid Host header");
    }
    if (url.pathname !== this.#path) {
      return refuse(404, `not found: Porta serves MCP at ${this.#path}`);
    }
    if (!this.#hostAllowed(req.headers.get("host"))) {
      return refuse(
        403,
        `forbidden: Host "${
          (req.headers.get("host") ?? "").slice(0, 100)
        }" is not a loopback name (DNS rebinding protection)`,
      );
    }
    const origin = req.headers.get("origin");
    if (origin !== null && !this.#originAllowed(origin)) {
      return refuse(
        403,
        `forbidden: Origin "${
          origin.slice(0, 100)
        }" is not allowed (see --allowed-origin)`,
      );
    }
    const cors: Record<string, string> = origin === null ? {} : {
      "access-control-allow-origin": origin,
      "access-control-expose-headers": "mcp-session-id, mcp-protocol-version",
      "vary": "origin",
    };
    if (req.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          "access-control-allow-methods": "GET, POST, DELETE",
          "access-control-allow-headers":
            "content-type, accept, authorization, mcp-session-id, mcp-protocol-version, last-event-id",
          "access-control-max-age": "600",
        },
      });
    }
    const token = this.#options.authToken;
    if (token !== undefined) {
      const auth = req.headers.get("authorization") ?? "";
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (!m || !(await sameSecret(m[1], token))) {
        return refuse(
          401,
          auth === ""
            ? "unauthorized: a bearer token is required"
            : "unauthorized: invalid bearer token",
          {
            ...cors,
            "www-authenticate": `Bearer realm="porta", error="${
              auth === "" ? "invalid_request" : "invalid_token"
            }"`,
          },
        );
      }
    }
    switch (req.method) {
      case "POST":
        return await this.#post(req, cors);
      case "GET":
        return this.#get(req, cors);
      case "DELETE":
        return this.#delete(req, cors);
      default:
        return refuse(405, `method not allowed: ${req.method.slice(0, 20)}`, {
          ...cors,
          allow: "GET, POST, DELETE",
        });
    }
  }

  #session(
    req: Request,
    cors: Record<string, string>,
  ): Session | Response {
    const version = req.headers.get("mcp-protocol-version");
    if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return refuse(
        400,
        `unsupported MCP-Protocol-Version: "${
          version.slice(0, 40)
        }" (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
        cors,
      );
    }
    const sid = req.headers.get("mcp-session-id");
    if (sid === null) {
      return refuse(400, "bad request: missing Mcp-Session-Id header", cors);
    }
    const s = this.#sessions.get(sid);
    if (!s) {
      return refuse(
        404,
        "session not found (expired or deleted): initialize a new one",
        cors,
      );
    }
    s.lastSeen = performance.now();
    return s;
  }

  async #readBody(req: Request): Promise<Uint8Array | Response> {
    const max = this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const tooLarge = () =>
      refuse(413, `payload too large: the limit is ${max} bytes`);
    const declared = Number(req.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > max) return tooLarge();
    if (!req.body) return new Uint8Array(0);
    const budget = this.#options.maxPendingBodyBytes ??
      DEFAULT_MAX_PENDING_BODY_BYTES;
    const timeoutMs = this.#options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
    const parts: Uint8Array[] = [];
    let size = 0;
    const reader = req.body.getReader();
    // a body that trickles, or a Content-Length larger than what is sent,
    // would hold the connection and what was read forever
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reader.cancel().catch(() => {});
    }, timeoutMs);
    const late = () =>
      refuse(
        408,
        `request timeout: the body did not arrive within ${timeoutMs} ms`,
        { connection: "close" },
      );
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (timedOut) return late();
        if (done) break;
        size += value.length;
        this.#pendingBodyBytes += value.length;
        if (size > max) {
          await reader.cancel().catch(() => {});
          return tooLarge();
        }
        if (this.#pendingBodyBytes > budget) {
          await reader.cancel().catch(() => {});
          return refuse(
            503,
            "service unavailable: too many request bodies are being received; retry later",
            { "retry-after": "1", connection: "close" },
          );
        }
        parts.push(value);
      }
    } catch {
      if (timedOut) return late();
      return refuse(400, "bad request: the body could not be read");
    } finally {
      clearTimeout(timer);
      this.#pendingBodyBytes -= size;
    }
    const out = new Uint8Array(size);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  async #post(req: Request, cors: Record<string, string>): Promise<Response> {
    const ct = req.headers.get("content-type") ?? "";
    if (!/^application\/json\s*(;|$)/i.test(ct)) {
      return refuse(
        415,
        "unsupported media type: the body must be application/json",
        cors,
      );
    }
    const accept = req.headers.get("accept") ?? "";
    if (
      !/application\/json|application\/\*|\*\/\*/i.test(accept) ||
      !/text\/event-stream|text\/\*|\*\/\*/i.test(accept)
    ) {
      return refuse(
        406,
        "not acceptable: Accept must list application/json and text/event-stream",
        cors,
      );
    }
    const body = await this.#readBody(req);
    if (body instanceof Response) return body;
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      return jsonResponse(
        400,
        failure(
          null,
          ErrorCode.ParseError,
          "parse error: the body is not UTF-8",
        ),
        cors,
      );
    }
    const parsed = parseMessage(text);
    if (parsed.kind === "invalid") {
      return parsed.response
        ? jsonResponse(400, parsed.response, cors)
        : new Response(null, { status: 202, headers: cors });
    }
    const context: ReceiveContext = {
      headers: req.headers,
      protocolVersion: req.headers.get("mcp-protocol-version") ?? undefined,
    };
    const stateless = parsed.kind === "request" &&
      req.headers.get("mcp-session-id") === null &&
      isStatelessRequest(parsed.message, context);
    if (stateless) {
      // a stateless request: an endpoint for this request alone, which
      // checks the request's revision rules itself
      const session = new Session("", this.#open!(), this);
      session.endpoint.connect(
        (m, related, status) => session.route(m, related, status),
        (id) => session.ended(id),
      );
      // kept until its request is done, so that close() can end it
      this.#ephemeral.add(session);
      session.onIdle = () => this.#ephemeral.delete(session);
      const answer = this.#request(
        session,
        parsed.message as JsonRpcRequest,
        text,
        context,
        cors,
        true,
      );
      if (session.requests.size === 0) this.#ephemeral.delete(session);
      return await answer;
    }
    if (parsed.kind === "request" && parsed.message.method === "initialize") {
      const max = this.#options.maxSessions ?? DEFAULT_MAX_SESSIONS;
      if (this.#sessions.size >= max) {
        return refuse(
          503,
          `service unavailable: ${max} sessions are open (close one with DELETE or retry later)`,
          { ...cors, "retry-after": "5" },
        );
      }
      // refused before a session exists: a 503 used to leave one behind
      // (with its id in the refusal), holding a slot until it expired
      const busy = this.#busy(cors);
      if (busy) return busy;
      const id = crypto.randomUUID();
      const session = new Session(id, this.#open!(), this);
      session.endpoint.connect(
        (m, related, status) => session.route(m, related, status),
        (id) => session.ended(id),
      );
      this.#sessions.set(id, session);
      return await this.#request(session, parsed.message, text, context, {
        ...cors,
        "mcp-session-id": id,
      });
    }
    const session = this.#session(req, cors);
    if (session instanceof Response) return session;
    if (parsed.kind !== "request") {
      session.endpoint.receive(text, context);
      return new Response(null, { status: 202, headers: cors });
    }
    return await this.#request(
      session,
      parsed.message,
      text,
      context,
      cors,
    );
  }

  #request(
    session: Session,
    message: JsonRpcRequest,
    text: string,
    context: ReceiveContext,
    headers: Record<string, string>,
    ephemeral = false,
  ): Promise<Response> {
    const busy = this.#busy(headers);
    if (busy) return Promise.resolve(busy);
    const key = idKey(message.id);
    if (session.requests.has(key)) {
      return Promise.resolve(jsonResponse(
        409,
        failure(
          message.id,
          ErrorCode.InvalidRequest,
          `duplicate request id ${
            JSON.stringify(message.id)
          } (still in flight)`,
        ),
        headers,
      ));
    }
    this.#inFlight++;
    const { promise, resolve } = Promise.withResolvers<Response>();
    const pending: PendingRequest = {
      key,
      decide: resolve,
      headers: new Headers(headers),
    };
    if (ephemeral) {
      // nothing can resume a stateless request: a client that goes away
      // cancels it
      // (a stream's reader going away is seen by the stream; a client
      // that leaves before the first byte is seen when the answer is written)
      pending.ephemeral = session.endpoint;
    }
    session.requests.set(key, pending);
    session.endpoint.receive(text, context);
    return promise;
  }

  /** A 503 when {@link HttpTransportOptions.maxRequests} are in flight. */
  #busy(headers: Record<string, string>): Response | null {
    const max = this.#options.maxRequests ?? DEFAULT_MAX_REQUESTS;
    if (this.#inFlight < max) return null;
    return refuse(
      503,
      `service unavailable: ${max} requests are in flight; retry later`,
      { ...headers, "retry-after": "1" },
    );
  }

  #get(req: Request, cors: Record<string, string>): Response {
    const accept = req.headers.get("accept") ?? "";
    if (!/text\/event-stream|text\/\*|\*\/\*/i.test(accept)) {
      return refuse(
        406,
        "not acceptable: a GET stream needs Accept: text/event-stream",
        cors,
      );
    }
    const found = this.#session(req, cors);
    if (found instanceof Response) return found;
    const session = found;
    const last = req.headers.get("last-event-id");
    if (last !== null) {
      const m = /^(\d+)\/(\d+)$/.exec(last.trim());
      const stream = m ? session.streams.get(m[1]) : undefined;
      if (!m || !stream) {
        return refuse(
          400,
          "bad request: unknown Last-Event-ID (the events are no longer kept)",
          cors,
        );
      }
      return stream.attach(
        session.replay(stream, Number(m[2])),
        new Headers(cors),
      );
    }
    if (session.own?.connected) {
      return refuse(
        409,
        "conflict: this session already has a GET stream open",
        cors,
      );
    }
    session.own ??= session.newStream();
    return session.own.attach([], new Headers(cors));
  }

  #delete(req: Request, cors: Record<string, string>): Response {
    const found = this.#session(req, cors);
    if (found instanceof Response) return found;
    this.#sessions.delete(found.id);
    found.close("session deleted by the client");
    return new Response(null, { status: 200, headers: cors });
  }
}
