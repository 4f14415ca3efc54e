/**
 * The MCP server state machine, independent of any transport: lifecycle
 * (`initialize` / `notifications/initialized`), `ping`, tools, resources,
 * prompts, logging, cancellation, progress and cursor pagination, all backed
 * by an {@link McpAgent} (the Agent layer, or a fake one in tests).
 *
 * Feed it raw messages with {@link McpServer.receive}; it sends responses and
 * notifications through the `send` function given to {@link McpServer.connect}.
 *
 * Behaviour (MCP 2025-11-25; 2025-06-18, 2025-03-26 and 2024-11-05 are also
 * accepted: the client's version is answered when supported, else the newest):
 * - Before `initialize` only `ping` is served (others: -32600). Unknown
 *   methods: -32601. Unknown tool or prompt, bad cursor, missing prompt
 *   argument: -32602. Unknown resource: -32002. Agent failures: -32603.
 * - `tools/call`: the guest's text becomes one text block with `isError`.
 *   Argument problems found against the tool's `inputSchema` (the common
 *   keywords, see {@link checkArguments}) are tool errors (`isError: true`),
 *   so a model can correct itself; the agent validates anything else. The
 *   schemas are compiled once (when the server is made, if the manifest
 *   loader did not already); the check runs in time linear in the arguments
 *   (`pattern` on a linear-time matcher), yields to the event loop every few
 *   milliseconds, and counts against the call's timeout (a check past it
 *   answers `timeout after N ms (checking the arguments)`; the guest gets
 *   what is left) and is stopped by a cancellation. Rich results: a guest
 *   value `{"content":[...]}` made of valid MCP content blocks is passed
 *   through (see {@link richResult}). Tools with an `outputSchema` also get
 *   `structuredContent` when the text is a JSON object.
 * - `resources/read`: text for textual MIME types; for other types the guest
 *   returns base64, served as `blob` (see {@link isTextMime}).
 * - `prompts/get`: see {@link promptResult}.
 * - Logging: guest stderr lines always go to Porta's stderr (`[TOOL] line`)
 *   and, once the client sets a level of `info` or below with
 *   `logging/setLevel`, to the client as `notifications/message` (logger =
 *   agent name); at most {@link MAX_STDERR_LINES} lines /
 *   {@link MAX_STDERR_CHARS} characters per call, then one `warning` says how
 *   many were dropped. The server adds `debug` lines when a call starts/ends
 *   and a `warning` when it fails (logger `porta`).
 * - Denials: each call the guest was refused for want of a grant (one line
 *   per distinct cause, bounded by the Agent) goes to Porta's stderr
 *   (`[porta] denied: ...`) and, when the client logs warnings, to it as a
 *   `warning` (logger `porta`); the call's diagnostic line ends with
 *   `denied=FN:CAUSE,...`.
 * - Progress: with `_meta.progressToken`, `notifications/progress` 0 (queued),
 *   1 (running) and 2 (done) of total 2, always before the response.
 * - Cancellation: `notifications/cancelled` aborts the call (the Agent stops
 *   the guest by terminating its worker) and no response is sent.
 * - Lists page by {@link McpServerOptions.pageSize} (default 50) with opaque
 *   cursors. `resources/templates/list` answers an empty list. The
 *   `completions` capability is not advertised (agents cannot suggest
 *   values); a client that calls `completion/complete` anyway gets an empty
 *   list. `resources/subscribe` is not offered (`subscribe: false`).
 * - Size: incoming lines are capped by the transport (4 MiB); a response is
 *   bounded by the Agent's per-call output cap (`maxOutputBytes`, 1 MiB by
 *   default, `--max-output`): the guest's stdout is cut there and the result
 *   becomes an error, so a response is at most a few times that size (JSON
 *   escaping, `structuredContent`).
 * - What is sent is always valid and always sent: every message is encoded
 *   under bounds (at most {@link MAX_MESSAGE_DEPTH} levels of nesting and
 *   {@link McpServerOptions.maxMessageChars} characters); lone surrogates in
 *   any string are replaced with U+FFFD. A guest result that cannot be sent
 *   (too deep, too large) becomes an `isError` result saying why (the call
 *   counts as an error); for any other response that cannot be encoded the
 *   client gets a -32603 error for the same id.
 *
 * @module
 */

import {
  classify,
  DEFAULT_MAX_MESSAGE_CHARS,
  EncodeError,
  encodeJson,
  ErrorCode,
  failure,
  JsonRpcError,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  MAX_MESSAGE_DEPTH,
  parseMessage,
  prepareMessage,
  success,
} from "./jsonrpc.ts";
import { formatCallLine, formatMs } from "../agent/metrics.ts";
import type { CallLimits, CallOptions, ToolResult } from "../agent/agent.ts";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../agent/limits.ts";
import { MAX_GUEST_JSON_DEPTH } from "../agent/abi.ts";
import { jsonNestingExceeds } from "../agent/json_depth.ts";
import { printable } from "../agent/printable.ts";
import {
  checkArguments,
  checkArgumentsAsync,
  type CompiledSchema,
  compileSchema,
} from "../agent/schema.ts";

export type { CallLimits, CallOptions, ToolResult };
export { checkArguments, MAX_MESSAGE_DEPTH };

/** Protocol versions this server speaks, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
];

/** The newest protocol version, answered when the client asks for an unknown one. */
export const LATEST_PROTOCOL_VERSION = "2025-11-25";

/** MCP logging levels in increasing severity (RFC 5424 names). */
export const LOG_LEVELS: readonly LogLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

/** An MCP logging level. */
export type LogLevel =
  | "debug"
  | "info"
  | "notice"
  | "warning"
  | "error"
  | "critical"
  | "alert"
  | "emergency";

/** A tool as declared by the manifest. */
export interface ToolInfo {
  /** Tool name. */
  name: string;
  /** Optional human title. */
  title?: string;
  /** Description shown to the model. */
  description?: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
  /** JSON Schema of structured results; when set, object results also go in `structuredContent`. */
  outputSchema?: Record<string, unknown>;
  /** MCP tool annotations, passed through. */
  annotations?: Record<string, unknown>;
}

/** A resource as declared by the manifest. */
export interface ResourceInfo {
  /** Resource URI. */
  uri: string;
  /** Resource name. */
  name: string;
  /** Optional human title. */
  title?: string;
  /** Optional description. */
  description?: string;
  /** MIME type of the contents (default `text/plain`). */
  mimeType?: string;
}

/** A prompt as declared by the manifest. */
export interface PromptInfo {
  /** Prompt name. */
  name: string;
  /** Optional human title. */
  title?: string;
  /** Optional description. */
  description?: string;
  /** Declared arguments. */
  arguments?: { name: string; description?: string; required?: boolean }[];
}

/** The part of the manifest the MCP server uses. */
export interface McpManifest {
  /** Agent name. */
  name: string;
  /** Agent version. */
  version: string;
  /** Description, used as the `instructions` of `initialize`. */
  description?: string;
  /** Declared tools. */
  tools: ToolInfo[];
  /** Declared resources. */
  resources?: ResourceInfo[];
  /** Declared prompts. */
  prompts?: PromptInfo[];
}

/** What the server needs from an agent; the Agent layer's `Agent` satisfies it. */
export interface McpAgent {
  /** The agent's manifest. */
  readonly manifest: McpManifest;
  /** Runs a tool; throws an error named `UnknownToolError` for an unknown tool. */
  callTool(name: string, args: unknown, o?: CallOptions): Promise<ToolResult>;
  /** Reads a resource. */
  readResource(uri: string, o?: CallOptions): Promise<ToolResult>;
  /** Renders a prompt. */
  getPrompt(
    name: string,
    args: Record<string, string>,
    o?: CallOptions,
  ): Promise<ToolResult>;
}

/** Server configuration. */
export interface McpServerOptions {
  /** Server name reported in `serverInfo` (default `porta`). */
  name?: string;
  /** Server version reported in `serverInfo`. */
  version: string;
  /** Limits applied to every call. */
  limits?: CallLimits;
  /** Maximum calls running at once; further calls wait (default 4). */
  concurrency?: number;
  /** Page size of list results (default 50). */
  pageSize?: number;
  /** Diagnostics sink (one line per call, errors); stderr in `porta serve`. */
  log?: (line: string) => void;
  /**
   * Applied to every guest-produced text before it leaves the server (tool
   * results, errors, forwarded stderr): `porta serve` redacts secrets here.
   */
  redact?: (text: string) => string;
  /**
   * Largest message sent, in characters of JSON text (default: 16 Mi, or 13
   * times the per-call output cap when that is larger). A result over it
   * becomes an `isError` result saying so.
   */
  maxMessageChars?: number;
}

/** Counters over the server's life, printed in the exit summary. */
export interface ServerStats {
  /** Guest calls made (tools, resources, prompts). */
  calls: number;
  /** Calls that ended in an error or were cancelled. */
  errors: number;
  /** Calls cancelled by the client or at shutdown. */
  cancelled: number;
  /** Total instructions executed by all calls. */
  steps: number;
}

/** Sends one message to the client. */
export type SendFunction = (message: JsonRpcMessage) => Promise<void> | void;

interface InFlight {
  controller: AbortController;
  cancelled: boolean;
  method: string;
}

function idKey(id: JsonRpcId): string {
  return typeof id === "number" ? `n:${id}` : `s:${id}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

/** Encodes a list offset as an opaque cursor. */
export function encodeCursor(offset: number): string {
  return btoa(`porta:${offset}`);
}

/** Decodes a cursor made by {@link encodeCursor}; throws -32602 when invalid. */
export function decodeCursor(cursor: unknown, length: number): number {
  if (cursor === undefined || cursor === null) return 0;
  const bad = () => new JsonRpcError(ErrorCode.InvalidParams, "invalid cursor");
  if (typeof cursor !== "string") throw bad();
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    throw bad();
  }
  const m = /^porta:(\d{1,9})$/.exec(text);
  if (!m) throw bad();
  const offset = Number(m[1]);
  if (offset > length) throw bad();
  return offset;
}

/** A counting semaphore whose waits can be aborted. */
class Semaphore {
  #free: number;
  #waiters: (() => void)[] = [];
  constructor(size: number) {
    this.#free = Math.max(1, size);
  }
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal.reason);
      };
      this.#waiters.push(grant);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free++;
  }
}

/** Guest stderr lines forwarded per call (to Porta's stderr and the client). */
export const MAX_STDERR_LINES = 1000;
/** Guest stderr characters forwarded per call. */
export const MAX_STDERR_CHARS = 256 * 1024;

/** What a guest call's result became (see `#guestCall`). */
interface Finished {
  /** The method's result. */
  value?: unknown;
  /** Why the call counts as failed (diagnostic line, stats). */
  error?: string;
  /** An error the method throws (a JSON-RPC error response). */
  thrown?: unknown;
}

/** Thrown internally when a request was cancelled: no response is sent. */
class Cancelled extends Error {
  constructor() {
    super("cancelled");
  }
}

/**
 * The MCP server. One instance serves one client session.
 */
export class McpServer {
  readonly #agent: McpAgent;
  readonly #options: McpServerOptions;
  readonly #pageSize: number;
  readonly #semaphore: Semaphore;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #pending = new Set<Promise<void>>();
  // lookups by client-supplied names: own entries only (Map)
  readonly #tools = new Map<
    string,
    { tool: ToolInfo; schema: CompiledSchema }
  >();
  readonly #resources = new Map<string, ResourceInfo>();
  readonly #prompts = new Map<string, PromptInfo>();
  readonly #maxChars: number;
  #send: SendFunction = () => {};
  #state: "new" | "initialized" | "ready" = "new";
  #logLevel: LogLevel | null = null;
  #protocolVersion: string | null = null;
  #clientName: string | null = null;
  #closing = false;
  #invocations = 0;
  /** Counters for the exit summary. */
  readonly stats: ServerStats = { calls: 0, errors: 0, cancelled: 0, steps: 0 };

  /**
   * Creates a server for `agent`. Compiles every tool's input schema (once:
   * the manifest loader's work is reused); throws `SchemaError` (naming the
   * field path) for a schema that cannot be checked.
   */
  constructor(agent: McpAgent, options: McpServerOptions) {
    this.#agent = agent;
    this.#options = options;
    this.#pageSize = Math.max(1, options.pageSize ?? 50);
    this.#semaphore = new Semaphore(options.concurrency ?? 4);
    this.#maxChars = options.maxMessageChars ?? Math.max(
      DEFAULT_MAX_MESSAGE_CHARS,
      13 * (options.limits?.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES),
    );
    const m = agent.manifest;
    m.tools.forEach((tool, i) => {
      const schema = compileSchema(tool.inputSchema, `tools[${i}].inputSchema`);
      if (!this.#tools.has(tool.name)) {
        this.#tools.set(tool.name, { tool, schema });
      }
    });
    for (const r of m.resources ?? []) {
      if (!this.#resources.has(r.uri)) this.#resources.set(r.uri, r);
    }
    for (const p of m.prompts ?? []) {
      if (!this.#prompts.has(p.name)) this.#prompts.set(p.name, p);
    }
  }

  /** Sets the function used to send messages to the client. */
  connect(send: SendFunction): void {
    this.#send = send;
  }

  /** The negotiated protocol version, once initialized. */
  get protocolVersion(): string | null {
    return this.#protocolVersion;
  }

  /** The current logging level set by the client (`null`: logging off). */
  get logLevel(): LogLevel | null {
    return this.#logLevel;
  }

  /** Number of requests currently being handled. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  #diag(line: string): void {
    this.#options.log?.(line);
  }

  async #emit(message: JsonRpcMessage): Promise<void> {
    // encoded once, under bounds; what cannot be encoded is replaced by an
    // error for the same id (the transport reuses the encoded line)
    const prepared = prepareMessage(message, this.#maxChars);
    if (prepared.problem !== undefined) {
      this.#diag(
        `[porta] a message could not be sent (${prepared.problem}): sent an error instead`,
      );
    }
    try {
      await this.#send(prepared.message);
    } catch (e) {
      this.#diag(
        `[porta] could not send a message: ${
          oneLine(e instanceof Error ? e.message : String(e))
        }`,
      );
    }
  }

  /** Handles a message that could not be read (e.g. a line over the size cap). */
  rejectRaw(reason: string): void {
    this.#track(
      this.#emit(failure(null, ErrorCode.InvalidRequest, reason)),
    );
  }

  /**
   * Handles one raw message (a line of text). Never throws; errors become
   * JSON-RPC error responses. Work continues asynchronously; see {@link idle}.
   */
  receive(text: string): void {
    if (text.trim() === "") return;
    this.#dispatch(parseMessage(text));
  }

  /** Handles one already-decoded JSON value. */
  receiveValue(value: unknown): void {
    this.#dispatch(classify(value));
  }

  #dispatch(parsed: ReturnType<typeof classify>): void {
    switch (parsed.kind) {
      case "invalid":
        if (parsed.response) this.#track(this.#emit(parsed.response));
        return;
      case "response":
        // The server sends no requests, so responses are unexpected: ignore.
        return;
      case "notification":
        this.#notification(parsed.message);
        return;
      case "request":
        this.#request(parsed.message);
        return;
    }
  }

  #track(p: Promise<void>): void {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p));
  }

  /** Resolves once every request received so far has been answered. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) {
      await Promise.allSettled([...this.#pending]);
    }
  }

  /**
   * Cancels every running or queued call (used at shutdown). By default their
   * responses are dropped (as for a client's `notifications/cancelled`); with
   * `respond` each gets a -32603 error response `cancelled: <reason>` (stdin
   * ended: a reader of stdout still learns what happened to its calls).
   */
  cancelAll(reason = "server shutting down", respond = false): void {
    this.#closing = true;
    for (const entry of this.#inFlight.values()) {
      if (!respond) entry.cancelled = true;
      entry.controller.abort(new Error(reason));
    }
  }

  /** One-line summary of the session for stderr. */
  summary(): string {
    const s = this.stats;
    return `[porta] served calls=${s.calls} errors=${s.errors} cancelled=${s.cancelled} steps=${s.steps}`;
  }

  #notification(n: JsonRpcNotification): void {
    switch (n.method) {
      case "notifications/initialized":
        if (this.#state === "initialized") this.#state = "ready";
        return;
      case "notifications/cancelled": {
        const id = n.params?.requestId;
        if (typeof id !== "string" && typeof id !== "number") return;
        const entry = this.#inFlight.get(idKey(id));
        if (!entry || entry.method === "initialize") return;
        entry.cancelled = true;
        const reason = typeof n.params?.reason === "string"
          ? n.params.reason
          : "cancelled by the client";
        entry.controller.abort(new Error(reason));
        return;
      }
      default:
        // Unknown notifications are ignored, as JSON-RPC requires.
        return;
    }
  }

  #request(req: JsonRpcRequest): void {
    const key = idKey(req.id);
    if (this.#inFlight.has(key)) {
      // The id is ambiguous, but a client waiting on it must not hang: the
      // duplicate is refused with an error; the first request still runs
      // and gets its own response.
      const id = JSON.stringify(req.id);
      this.#diag(`[porta] refused request with duplicate in-flight id ${id}`);
      this.#track(this.#emit(failure(
        req.id,
        ErrorCode.InvalidRequest,
        `duplicate request id ${id} (still in flight)`,
      )));
      return;
    }
    const entry: InFlight = {
      controller: new AbortController(),
      cancelled: false,
      method: req.method,
    };
    this.#inFlight.set(key, entry);
    this.#track(this.#answer(req, entry, key));
  }

  async #answer(
    req: JsonRpcRequest,
    entry: InFlight,
    key: string,
  ): Promise<void> {
    const response = await this.#respond(req, entry, key);
    // Per the spec, a cancelled request gets no response at all.
    if (entry.cancelled) return;
    await this.#emit(response);
  }

  /**
   * Answers one request outside any client session (`porta call`): the
   * same argument checks, limits, guest-result conversion, diagnostics and
   * size bounds as over the wire. Resolves with the response exactly as it
   * would be sent (`result` or `error`); never rejects. `signal` (or
   * {@link McpServer.cancelAll}) cancels it: a -32603 `cancelled` error.
   */
  async invoke(
    method: string,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<JsonRpcMessage> {
    if (this.#state === "new") this.#state = "ready";
    const req: JsonRpcRequest = { jsonrpc: "2.0", id: 0, method, params };
    const key = `invoke:${this.#invocations++}`;
    const entry: InFlight = {
      controller: new AbortController(),
      cancelled: false,
      method,
    };
    const onAbort = () => entry.controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    this.#inFlight.set(key, entry);
    try {
      const response = await this.#respond(req, entry, key);
      return prepareMessage(response, this.#maxChars).message;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The response to `req` (its entry is removed from the in-flight map). */
  async #respond(
    req: JsonRpcRequest,
    entry: InFlight,
    key: string,
  ): Promise<JsonRpcMessage> {
    let response: JsonRpcMessage;
    try {
      const result = await this.#handle(req, entry.controller.signal);
      response = success(req.id, result);
    } catch (e) {
      if (e instanceof JsonRpcError) {
        response = failure(req.id, e.code, e.message, e.data);
      } else if (e instanceof Cancelled || entry.cancelled) {
        const why = entry.controller.signal.reason;
        response = failure(
          req.id,
          ErrorCode.InternalError,
          why instanceof Error && why.message !== ""
            ? `cancelled: ${oneLine(why.message)}`
            : "cancelled",
        );
      } else {
        const raw = e instanceof Error ? e.message : String(e);
        const msg = this.#options.redact ? this.#options.redact(raw) : raw;
        this.#diag(`[porta] internal error in ${req.method}: ${oneLine(msg)}`);
        response = failure(
          req.id,
          ErrorCode.InternalError,
          `internal error: ${oneLine(msg)}`,
        );
      }
    } finally {
      this.#inFlight.delete(key);
    }
    return response;
  }

  #requireInitialized(method: string): void {
    if (this.#state === "new" && method !== "ping" && method !== "initialize") {
      throw new JsonRpcError(
        ErrorCode.InvalidRequest,
        `server not initialized: send "initialize" before "${method}"`,
      );
    }
  }

  #handle(req: JsonRpcRequest, signal: AbortSignal): Promise<unknown> {
    const params = req.params ?? {};
    this.#requireInitialized(req.method);
    switch (req.method) {
      case "initialize":
        return Promise.resolve(this.#initialize(params));
      case "ping":
        return Promise.resolve({});
      case "tools/list":
        return Promise.resolve(this.#toolsList(params));
      case "tools/call":
        return this.#toolsCall(req, params, signal);
      case "resources/list":
        return Promise.resolve(this.#resourcesList(params));
      case "resources/templates/list":
        decodeCursor(params.cursor, 0);
        return Promise.resolve({ resourceTemplates: [] });
      case "resources/read":
        return this.#resourcesRead(req, params, signal);
      case "prompts/list":
        return Promise.resolve(this.#promptsList(params));
      case "prompts/get":
        return this.#promptsGet(req, params, signal);
      case "completion/complete":
        return Promise.resolve(this.#complete(params));
      case "logging/setLevel":
        return Promise.resolve(this.#setLevel(params));
      default:
        throw new JsonRpcError(
          ErrorCode.MethodNotFound,
          `method not found: ${req.method}`,
        );
    }
  }

  #initialize(params: Record<string, unknown>): unknown {
    if (this.#state !== "new") {
      throw new JsonRpcError(
        ErrorCode.InvalidRequest,
        "already initialized",
      );
    }
    const requested = params.protocolVersion;
    if (typeof requested !== "string") {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"protocolVersion" must be a string',
      );
    }
    const info = params.clientInfo;
    if (isPlainObject(info) && typeof info.name === "string") {
      this.#clientName = info.name;
    }
    const version = SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
      ? requested
      : LATEST_PROTOCOL_VERSION;
    this.#protocolVersion = version;
    this.#state = "initialized";
    const m = this.#agent.manifest;
    this.#diag(
      `[porta] session started: protocol ${version}${
        this.#clientName ? `, client ${this.#clientName}` : ""
      }, agent ${m.name} ${m.version}`,
    );
    const result: Record<string, unknown> = {
      protocolVersion: version,
      capabilities: {
        tools: { listChanged: false },
        resources: { subscribe: false, listChanged: false },
        prompts: { listChanged: false },
        logging: {},
      },
      serverInfo: {
        name: this.#options.name ?? "porta",
        title: `Porta: ${m.name} ${m.version}`,
        version: this.#options.version,
      },
    };
    if (m.description) result.instructions = m.description;
    return result;
  }

  #page<T>(items: T[], cursor: unknown): { page: T[]; next?: string } {
    const offset = decodeCursor(cursor, items.length);
    const end = offset + this.#pageSize;
    const page = items.slice(offset, end);
    return end < items.length ? { page, next: encodeCursor(end) } : { page };
  }

  #toolsList(params: Record<string, unknown>): unknown {
    const { page, next } = this.#page(
      this.#agent.manifest.tools,
      params.cursor,
    );
    const tools = page.map((t) => {
      const out: Record<string, unknown> = {
        name: t.name,
        inputSchema: t.inputSchema,
      };
      if (t.title !== undefined) out.title = t.title;
      if (t.description !== undefined) out.description = t.description;
      if (t.outputSchema !== undefined) out.outputSchema = t.outputSchema;
      if (t.annotations !== undefined) out.annotations = t.annotations;
      return out;
    });
    return next ? { tools, nextCursor: next } : { tools };
  }

  #resourcesList(params: Record<string, unknown>): unknown {
    const { page, next } = this.#page(
      this.#agent.manifest.resources ?? [],
      params.cursor,
    );
    const resources = page.map((r) => {
      const out: Record<string, unknown> = { uri: r.uri, name: r.name };
      if (r.title !== undefined) out.title = r.title;
      if (r.description !== undefined) out.description = r.description;
      out.mimeType = r.mimeType ?? "text/plain";
      return out;
    });
    return next ? { resources, nextCursor: next } : { resources };
  }

  #promptsList(params: Record<string, unknown>): unknown {
    const { page, next } = this.#page(
      this.#agent.manifest.prompts ?? [],
      params.cursor,
    );
    const prompts = page.map((p) => {
      const out: Record<string, unknown> = { name: p.name };
      if (p.title !== undefined) out.title = p.title;
      if (p.description !== undefined) out.description = p.description;
      if (p.arguments !== undefined) out.arguments = p.arguments;
      return out;
    });
    return next ? { prompts, nextCursor: next } : { prompts };
  }

  /**
   * `completion/complete`: agents cannot suggest values yet, so the answer is
   * always an empty list (valid per spec); the reference is still checked.
   */
  #complete(params: Record<string, unknown>): unknown {
    const ref = params.ref;
    const arg = params.argument;
    if (!isPlainObject(ref) || typeof ref.type !== "string") {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"ref" must be an object',
      );
    }
    if (!isPlainObject(arg) || typeof arg.name !== "string") {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"argument" must be an object with a "name"',
      );
    }
    if (ref.type === "ref/prompt") {
      if (typeof ref.name !== "string" || !this.#prompts.has(ref.name)) {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `unknown prompt: ${String(ref.name)}`,
        );
      }
    } else if (ref.type !== "ref/resource") {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        `unknown reference type: ${ref.type}`,
      );
    }
    return { completion: { values: [], total: 0, hasMore: false } };
  }

  #setLevel(params: Record<string, unknown>): unknown {
    const level = params.level;
    if (typeof level !== "string" || !LOG_LEVELS.includes(level as LogLevel)) {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        `"level" must be one of ${LOG_LEVELS.join(", ")}`,
      );
    }
    this.#logLevel = level as LogLevel;
    return {};
  }

  #logEnabled(level: LogLevel): boolean {
    if (this.#logLevel === null) return false;
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.#logLevel);
  }

  /** Sends `notifications/message` when the client's level includes `level`. */
  #logToClient(level: LogLevel, data: unknown, logger?: string): void {
    if (!this.#logEnabled(level)) return;
    this.#track(this.#emit({
      jsonrpc: "2.0",
      method: "notifications/message",
      params: { level, logger: logger ?? this.#agent.manifest.name, data },
    }));
  }

  #progress(
    req: JsonRpcRequest,
    progress: number,
    message: string,
  ): Promise<void> {
    const meta = req.params?._meta;
    if (!isPlainObject(meta)) return Promise.resolve();
    const token = meta.progressToken;
    if (typeof token !== "string" && typeof token !== "number") {
      return Promise.resolve();
    }
    return this.#emit({
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: token, progress, total: 2, message },
    });
  }

  /**
   * Runs one guest call with the concurrency limit, cancellation, progress,
   * stderr forwarding, stats and the per-call diagnostic line.
   */
  async #guestCall(
    req: JsonRpcRequest,
    label: string,
    signal: AbortSignal,
    run: (o: CallOptions) => Promise<ToolResult>,
    finish: (result: ToolResult) => Finished,
    limits: CallLimits | undefined = this.#options.limits,
  ): Promise<unknown> {
    await this.#progress(req, 0, `${label}: queued`);
    try {
      await this.#semaphore.acquire(signal);
    } catch {
      this.stats.cancelled++;
      throw new Cancelled();
    }
    const redact = this.#options.redact ?? ((t: string) => t);
    let partial = "";
    let lines = 0;
    let chars = 0;
    let dropped = 0;
    // Guest stderr: each line goes to Porta's stderr (`[NAME] line`) and, at
    // level info or below, to the client; both capped per call.
    const stderrLine = (line: string) => {
      if (lines >= MAX_STDERR_LINES || chars >= MAX_STDERR_CHARS) {
        dropped++;
        return;
      }
      lines++;
      chars += line.length;
      const text = redact(line);
      this.#diag(`[${label}] ${text}`);
      // escaped as on Porta's stderr: clients show logs in terminals too
      this.#logToClient("info", printable(text));
    };
    const capped = () => lines >= MAX_STDERR_LINES || chars >= MAX_STDERR_CHARS;
    // past the cap lines are only counted: linear, no copies, so a guest
    // flooding stderr costs the event loop little (ping stays fast)
    let tail = false;
    const countDropped = (text: string, from: number) => {
      for (
        let i = text.indexOf("\n", from);
        i >= 0;
        i = text.indexOf("\n", i + 1)
      ) {
        dropped++;
      }
      if (from < text.length) tail = !text.endsWith("\n");
    };
    const onStderr = (text: string) => {
      if (capped()) return countDropped(text, 0);
      partial += text;
      let nl: number;
      while ((nl = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, nl).replace(/\r$/, "");
        partial = partial.slice(nl + 1);
        stderrLine(line);
        if (capped()) {
          countDropped(partial, 0);
          partial = "";
          return;
        }
      }
      if (partial.length > 65536) {
        stderrLine(partial);
        partial = "";
      }
    };
    const flushStderr = () => {
      if (partial !== "") stderrLine(partial);
      partial = "";
      if (tail) dropped++;
      tail = false;
      if (dropped > 0) {
        const note =
          `${label}: ${dropped} more stderr line(s) dropped (at most ${MAX_STDERR_LINES} lines or ${
            MAX_STDERR_CHARS / 1024
          } KiB per call)`;
        this.#diag(`[porta] ${note}`);
        this.#logToClient("warning", note, "porta");
        dropped = 0;
      }
    };
    try {
      await this.#progress(req, 1, `${label}: running`);
      this.#logToClient("debug", `${label}: started`, "porta");
      this.stats.calls++;
      let result: ToolResult;
      const t0 = performance.now();
      try {
        result = await run({
          limits,
          signal,
          onStderr,
          // one line per distinct call refused for want of a grant (the
          // Agent bounds them): stderr, and the client when it logs warnings
          onDenied: (line) => {
            this.#diag(line);
            this.#logToClient(
              "warning",
              line.replace(/^\[porta\] /, ""),
              "porta",
            );
          },
        });
      } catch (e) {
        flushStderr();
        this.stats.errors++;
        if (signal.aborted) {
          this.stats.cancelled++;
          this.#diag(`[porta] tool=${label} cancelled`);
          throw new Cancelled();
        }
        throw e;
      }
      flushStderr();
      result = {
        ...result,
        text: redact(result.text),
        error: result.error === undefined ? undefined : redact(result.error),
        // the call as the server saw it: a stopped guest may report less
        durationMs: Math.max(result.durationMs, performance.now() - t0),
      };
      this.stats.steps += result.steps;
      if (signal.aborted) {
        this.stats.errors++;
        this.stats.cancelled++;
        this.#diag(
          `[porta] tool=${label} steps=${result.steps} memory=${result.memoryPages} cancelled duration=${
            formatMs(result.durationMs)
          }`,
        );
        throw new Cancelled();
      }
      // the MCP result, checked to be sendable: what the client gets
      // decides whether the call counts as an error
      let done: Finished;
      try {
        done = finish(result);
      } catch (e) {
        done = { error: e instanceof Error ? e.message : String(e), thrown: e };
      }
      const failed = result.isError || done.error !== undefined;
      const why = result.isError ? (result.error ?? done.error) : done.error;
      if (failed) this.stats.errors++;
      const line = formatCallLine({ ...result, isError: failed, tool: label }) +
        (result.deniedSummary ? ` denied=${result.deniedSummary}` : "") +
        (failed && why ? ` (${oneLine(why)})` : "");
      this.#diag(line);
      this.#logToClient(
        failed ? "warning" : "debug",
        line.replace(/^\[porta\] /, ""),
        "porta",
      );
      await this.#progress(
        req,
        2,
        `${label}: ${failed ? "failed" : "done"}`,
      );
      if (done.thrown !== undefined) throw done.thrown;
      return done.value;
    } finally {
      this.#semaphore.release();
    }
  }

  /** Why a result cannot be sent (depth, size), or `null`; remembers its JSON. */
  #unsendable(value: Record<string, unknown>): string | null {
    // the result sits at level 2 of its response
    const limits = {
      maxDepth: MAX_MESSAGE_DEPTH - 1,
      maxChars: this.#maxChars,
    };
    try {
      encodeJson(value, limits, true);
      return null;
    } catch (e) {
      if (!(e instanceof EncodeError)) throw e;
      for (const k of Object.keys(value)) {
        try {
          encodeJson(value[k], { ...limits, maxDepth: limits.maxDepth - 1 });
        } catch (inner) {
          if (inner instanceof EncodeError) return `${k} is ${inner.message}`;
        }
      }
      return `it is ${e.message}`;
    }
  }

  #toolValue(tool: ToolInfo, result: ToolResult): Finished {
    const text = result.text !== "" ? result.text : (result.error ?? "");
    let out = result.isError ? undefined : richResult(text);
    if (!out) {
      out = { content: [{ type: "text", text }], isError: result.isError };
      if (tool.outputSchema !== undefined && !result.isError) {
        const structured = parseObject(text);
        if (structured === null) {
          // too deep to parse here, and far too deep to send
          const error =
            `the result cannot be sent: structuredContent is nested more than ${
              MAX_MESSAGE_DEPTH - 2
            } levels deep`;
          return {
            value: { content: [{ type: "text", text: error }], isError: true },
            error,
          };
        }
        if (structured) out.structuredContent = structured;
      }
    }
    const problem = this.#unsendable(out);
    if (problem !== null) {
      const error = `the result cannot be sent: ${problem}`;
      return {
        value: { content: [{ type: "text", text: error }], isError: true },
        error,
      };
    }
    return {
      value: out,
      error: result.isError
        ? (result.error ?? "error")
        : out.isError === true
        ? "the tool's result has isError: true"
        : undefined,
    };
  }

  async #toolsCall(
    req: JsonRpcRequest,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<unknown> {
    const t0 = performance.now();
    const name = params.name;
    if (typeof name !== "string") {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"name" must be a string',
      );
    }
    const args = params.arguments ?? {};
    if (!isPlainObject(args)) {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"arguments" must be an object',
      );
    }
    const entry = this.#tools.get(name);
    if (!entry) {
      throw new JsonRpcError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
    }
    const { tool, schema } = entry;
    // Argument problems are tool execution errors (MCP 2025-11-25), so the
    // model can read them and retry. The check is part of the call: it
    // yields to the event loop, stops on cancellation and at the timeout.
    const limits = this.#options.limits;
    const timeoutMs = limits?.timeoutMs || undefined;
    const deadline = timeoutMs !== undefined ? t0 + timeoutMs : Infinity;
    const outcome = await checkArgumentsAsync(schema, args, {
      signal,
      deadline,
    });
    if (!outcome.ok) {
      if ("problem" in outcome) {
        return {
          content: [{
            type: "text",
            text: `invalid arguments: ${outcome.problem}`,
          }],
          isError: true,
        };
      }
      if (outcome.stopped === "cancelled") {
        this.stats.cancelled++;
        throw new Cancelled();
      }
      const error = `timeout after ${timeoutMs} ms (checking the arguments)`;
      this.stats.calls++;
      this.stats.errors++;
      this.#diag(
        formatCallLine({
          tool: name,
          steps: 0,
          memoryPages: 0,
          isError: true,
          durationMs: performance.now() - t0,
        }) + ` (${error})`,
      );
      return { content: [{ type: "text", text: error }], isError: true };
    }
    if (this.#closing) throw new Cancelled();
    // the guest gets what is left of the call's time
    const callLimits = timeoutMs !== undefined
      ? {
        ...limits,
        timeoutMs: Math.max(1, Math.ceil(deadline - performance.now())),
      }
      : limits;
    try {
      return await this.#guestCall(
        req,
        name,
        signal,
        (o) => this.#agent.callTool(name, args, o),
        (result) => this.#toolValue(tool, result),
        callLimits,
      );
    } catch (e) {
      if (e instanceof Error && e.name === "UnknownToolError") {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `unknown tool: ${name}`,
        );
      }
      throw e;
    }
  }

  async #resourcesRead(
    req: JsonRpcRequest,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<unknown> {
    const uri = params.uri;
    if (typeof uri !== "string") {
      throw new JsonRpcError(ErrorCode.InvalidParams, '"uri" must be a string');
    }
    const res = this.#resources.get(uri);
    if (!res) {
      throw new JsonRpcError(
        ErrorCode.ResourceNotFound,
        `resource not found: ${uri}`,
        { uri },
      );
    }
    if (this.#closing) throw new Cancelled();
    return await this.#guestCall(
      req,
      `resource:${uri}`,
      signal,
      (o) => this.#agent.readResource(uri, o),
      (result) => {
        if (result.isError) {
          throw new JsonRpcError(
            ErrorCode.InternalError,
            `reading ${uri} failed: ${oneLine(result.error ?? result.text)}`,
          );
        }
        const mimeType = res.mimeType ?? "text/plain";
        let value: Record<string, unknown>;
        if (!isTextMime(mimeType)) {
          const blob = result.text.replace(/\s+/g, "");
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(blob) || blob.length % 4 !== 0) {
            throw new JsonRpcError(
              ErrorCode.InternalError,
              `reading ${uri} failed: ${mimeType} content must be returned as base64`,
            );
          }
          value = { contents: [{ uri, mimeType, blob }] };
        } else {
          value = { contents: [{ uri, mimeType, text: result.text }] };
        }
        const problem = this.#unsendable(value);
        if (problem !== null) {
          throw new JsonRpcError(
            ErrorCode.InternalError,
            `reading ${uri} failed: the result cannot be sent: ${problem}`,
          );
        }
        return { value };
      },
    );
  }

  async #promptsGet(
    req: JsonRpcRequest,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<unknown> {
    const name = params.name;
    if (typeof name !== "string") {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"name" must be a string',
      );
    }
    const prompt = this.#prompts.get(name);
    if (!prompt) {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        `unknown prompt: ${name}`,
      );
    }
    const raw = params.arguments ?? {};
    if (!isPlainObject(raw)) {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"arguments" must be an object',
      );
    }
    // client-supplied names: a null-prototype object, own lookups only
    // ("constructor", "__proto__", "toString" are ordinary names here)
    const args: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== "string") {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `argument "${k}" must be a string`,
        );
      }
      args[k] = v;
    }
    for (const a of prompt.arguments ?? []) {
      if (a.required && !Object.hasOwn(args, a.name)) {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `missing required argument "${a.name}" for prompt ${name}`,
        );
      }
    }
    if (this.#closing) throw new Cancelled();
    return await this.#guestCall(
      req,
      `prompt:${name}`,
      signal,
      (o) => this.#agent.getPrompt(name, args, o),
      (result) => {
        if (result.isError) {
          throw new JsonRpcError(
            ErrorCode.InternalError,
            `prompt ${name} failed: ${oneLine(result.error ?? result.text)}`,
          );
        }
        const value = promptResult(result.text, prompt.description);
        const problem = this.#unsendable(value);
        if (problem !== null) {
          throw new JsonRpcError(
            ErrorCode.InternalError,
            `prompt ${name} failed: the result cannot be sent: ${problem}`,
          );
        }
        return { value };
      },
    );
  }
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

function isContentBlock(b: unknown): boolean {
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
function parseObject(
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
  if (!isPlainObject(value) || !Array.isArray(value.messages)) {
    return fallback();
  }
  const messages: unknown[] = [];
  for (const m of value.messages) {
    if (!isPlainObject(m) || !ROLES.has(m.role as string)) return fallback();
    if (typeof m.content === "string") {
      messages.push({
        role: m.role,
        content: { type: "text", text: m.content },
      });
    } else if (isPlainObject(m.content) && typeof m.content.type === "string") {
      messages.push({ role: m.role, content: m.content });
    } else {
      return fallback();
    }
  }
  const out: { description?: string; messages: unknown[] } = { messages };
  const d = typeof value.description === "string"
    ? value.description
    : description;
  if (d !== undefined) out.description = d;
  return out;
}
