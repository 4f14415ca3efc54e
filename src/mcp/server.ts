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
 *   so a model can correct itself; the agent validates anything else. Rich results: a guest value `{"content":[...]}` made of
 *   valid MCP content blocks is passed through (see {@link richResult}). Tools
 *   with an `outputSchema` also get `structuredContent` when the text is a
 *   JSON object.
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
 *
 * @module
 */

import {
  classify,
  ErrorCode,
  failure,
  JsonRpcError,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  parseMessage,
  success,
} from "./jsonrpc.ts";
import { formatCallLine, formatMs } from "../agent/metrics.ts";
import type { CallLimits, CallOptions, ToolResult } from "../agent/agent.ts";

export type { CallLimits, CallOptions, ToolResult };

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
  #send: SendFunction = () => {};
  #state: "new" | "initialized" | "ready" = "new";
  #logLevel: LogLevel | null = null;
  #protocolVersion: string | null = null;
  #clientName: string | null = null;
  #closing = false;
  /** Counters for the exit summary. */
  readonly stats: ServerStats = { calls: 0, errors: 0, cancelled: 0, steps: 0 };

  /** Creates a server for `agent`. */
  constructor(agent: McpAgent, options: McpServerOptions) {
    this.#agent = agent;
    this.#options = options;
    this.#pageSize = Math.max(1, options.pageSize ?? 50);
    this.#semaphore = new Semaphore(options.concurrency ?? 4);
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
    try {
      await this.#send(message);
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
    // Per the spec, a cancelled request gets no response at all.
    if (entry.cancelled) return;
    await this.#emit(response);
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
    const m = this.#agent.manifest;
    if (ref.type === "ref/prompt") {
      if (!(m.prompts ?? []).some((p) => p.name === ref.name)) {
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
  ): Promise<ToolResult> {
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
      this.#logToClient("info", text);
    };
    const onStderr = (text: string) => {
      partial += text;
      let nl: number;
      while ((nl = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, nl).replace(/\r$/, "");
        partial = partial.slice(nl + 1);
        stderrLine(line);
      }
      if (partial.length > 65536) {
        stderrLine(partial);
        partial = "";
      }
    };
    const flushStderr = () => {
      if (partial !== "") stderrLine(partial);
      partial = "";
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
          limits: this.#options.limits,
          signal,
          onStderr,
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
      if (result.isError) this.stats.errors++;
      const line = formatCallLine({ ...result, tool: label }) +
        (result.isError && result.error ? ` (${oneLine(result.error)})` : "");
      this.#diag(line);
      this.#logToClient(
        result.isError ? "warning" : "debug",
        line.replace(/^\[porta\] /, ""),
        "porta",
      );
      await this.#progress(
        req,
        2,
        `${label}: ${result.isError ? "failed" : "done"}`,
      );
      return result;
    } finally {
      this.#semaphore.release();
    }
  }

  async #toolsCall(
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
    const args = params.arguments ?? {};
    if (!isPlainObject(args)) {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        '"arguments" must be an object',
      );
    }
    const tool = this.#agent.manifest.tools.find((t) => t.name === name);
    if (!tool) {
      throw new JsonRpcError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
    }
    // Argument problems are tool execution errors (MCP 2025-11-25), so the
    // model can read them and retry.
    const problem = checkArguments(tool.inputSchema, args);
    if (problem) {
      return {
        content: [{ type: "text", text: `invalid arguments: ${problem}` }],
        isError: true,
      };
    }
    if (this.#closing) throw new Cancelled();
    let result: ToolResult;
    try {
      result = await this.#guestCall(
        req,
        name,
        signal,
        (o) => this.#agent.callTool(name, args, o),
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
    const text = result.text !== "" ? result.text : (result.error ?? "");
    const rich = result.isError ? undefined : richResult(text);
    if (rich) return rich;
    const out: Record<string, unknown> = {
      content: [{ type: "text", text }],
      isError: result.isError,
    };
    if (tool.outputSchema !== undefined && !result.isError) {
      const structured = parseObject(text);
      if (structured) out.structuredContent = structured;
    }
    return out;
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
    const res = (this.#agent.manifest.resources ?? []).find((r) =>
      r.uri === uri
    );
    if (!res) {
      throw new JsonRpcError(
        ErrorCode.ResourceNotFound,
        `resource not found: ${uri}`,
        { uri },
      );
    }
    if (this.#closing) throw new Cancelled();
    const result = await this.#guestCall(
      req,
      `resource:${uri}`,
      signal,
      (o) => this.#agent.readResource(uri, o),
    );
    if (result.isError) {
      throw new JsonRpcError(
        ErrorCode.InternalError,
        `reading ${uri} failed: ${oneLine(result.error ?? result.text)}`,
      );
    }
    const mimeType = res.mimeType ?? "text/plain";
    if (!isTextMime(mimeType)) {
      const blob = result.text.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(blob) || blob.length % 4 !== 0) {
        throw new JsonRpcError(
          ErrorCode.InternalError,
          `reading ${uri} failed: ${mimeType} content must be returned as base64`,
        );
      }
      return { contents: [{ uri, mimeType, blob }] };
    }
    return { contents: [{ uri, mimeType, text: result.text }] };
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
    const prompt = (this.#agent.manifest.prompts ?? []).find((p) =>
      p.name === name
    );
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
    const args: Record<string, string> = {};
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
      if (a.required && !(a.name in args)) {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `missing required argument "${a.name}" for prompt ${name}`,
        );
      }
    }
    if (this.#closing) throw new Cancelled();
    const result = await this.#guestCall(
      req,
      `prompt:${name}`,
      signal,
      (o) => this.#agent.getPrompt(name, args, o),
    );
    if (result.isError) {
      throw new JsonRpcError(
        ErrorCode.InternalError,
        `prompt ${name} failed: ${oneLine(result.error ?? result.text)}`,
      );
    }
    return promptResult(result.text, prompt.description);
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

function parseObject(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t.startsWith("{")) return undefined;
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
  if (!trimmed.startsWith("{")) return fallback();
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

const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  integer: (v) => typeof v === "number" && Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  object: isPlainObject,
  array: Array.isArray,
  null: (v) => v === null,
};

/**
 * Checks tool arguments against the tool's input schema, for the JSON Schema
 * keywords agents commonly rely on: `type`, `enum`, `const`, `required`,
 * `properties` (nested objects too), `additionalProperties: false` (or a
 * schema), `items`, `minItems`/`maxItems`, `minimum`/`maximum`,
 * `exclusiveMinimum`/`exclusiveMaximum`, `minLength`/`maxLength` (code
 * points), `pattern` (Unicode regular expression). Other keywords (`$ref`,
 * `oneOf`, `format`, ...) are not checked: the agent validates the rest.
 * Returns a one-line problem or `null`.
 */
export function checkArguments(
  schema: Record<string, unknown>,
  args: Record<string, unknown>,
): string | null {
  return checkObject(schema, args, "");
}

function where(path: string): string {
  return `property "${path}"`;
}

function checkObject(
  schema: Record<string, unknown>,
  obj: Record<string, unknown>,
  path: string,
): string | null {
  const at = (k: string) => (path === "" ? k : `${path}.${k}`);
  if (Array.isArray(schema.required)) {
    for (const r of schema.required) {
      if (typeof r === "string" && !Object.hasOwn(obj, r)) {
        return `missing required property "${at(r)}"`;
      }
    }
  }
  const props = isPlainObject(schema.properties) ? schema.properties : {};
  for (const [k, v] of Object.entries(obj)) {
    const p = Object.hasOwn(props, k) ? props[k] : undefined;
    if (isPlainObject(p)) {
      const problem = checkValue(p, v, at(k));
      if (problem) return problem;
    } else if (schema.additionalProperties === false) {
      return `${where(at(k))} is not allowed`;
    } else if (isPlainObject(schema.additionalProperties)) {
      const problem = checkValue(schema.additionalProperties, v, at(k));
      if (problem) return problem;
    }
  }
  return null;
}

function checkValue(
  s: Record<string, unknown>,
  v: unknown,
  path: string,
): string | null {
  const types = typeof s.type === "string"
    ? [s.type]
    : Array.isArray(s.type)
    ? s.type.filter((t): t is string => typeof t === "string")
    : [];
  if (types.length > 0 && !types.some((t) => JSON_TYPES[t]?.(v) ?? true)) {
    return `${where(path)} must be of type ${types.join(" or ")}`;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => sameJson(e, v))) {
    return `${where(path)} must be one of ${
      s.enum.map((e) => JSON.stringify(e)).join(", ")
    }`;
  }
  if ("const" in s && !sameJson(s.const, v)) {
    return `${where(path)} must be ${JSON.stringify(s.const)}`;
  }
  if (typeof v === "number") {
    const n = (k: string) => typeof s[k] === "number" ? s[k] as number : null;
    const min = n("minimum"), max = n("maximum");
    const xmin = n("exclusiveMinimum"), xmax = n("exclusiveMaximum");
    if (min !== null && v < min) return `${where(path)} must be >= ${min}`;
    if (max !== null && v > max) return `${where(path)} must be <= ${max}`;
    if (xmin !== null && v <= xmin) return `${where(path)} must be > ${xmin}`;
    if (xmax !== null && v >= xmax) return `${where(path)} must be < ${xmax}`;
  }
  if (typeof v === "string") {
    const len = [...v].length;
    if (typeof s.minLength === "number" && len < s.minLength) {
      return `${where(path)} must be at least ${s.minLength} characters long`;
    }
    if (typeof s.maxLength === "number" && len > s.maxLength) {
      return `${where(path)} must be at most ${s.maxLength} characters long`;
    }
    if (typeof s.pattern === "string") {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, "u");
      } catch {
        re = undefined; // an invalid pattern is the schema's problem: not checked
      }
      if (re && !re.test(v)) {
        return `${where(path)} must match the pattern ${s.pattern}`;
      }
    }
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === "number" && v.length < s.minItems) {
      return `${where(path)} must have at least ${s.minItems} items`;
    }
    if (typeof s.maxItems === "number" && v.length > s.maxItems) {
      return `${where(path)} must have at most ${s.maxItems} items`;
    }
    if (isPlainObject(s.items)) {
      for (let i = 0; i < v.length; i++) {
        const problem = checkValue(s.items, v[i], `${path}[${i}]`);
        if (problem) return problem;
      }
    }
  }
  if (
    isPlainObject(v) && (isPlainObject(s.properties) || "required" in s ||
      "additionalProperties" in s)
  ) {
    return checkObject(s, v, path);
  }
  return null;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null || b === null
  ) {
    return false;
  }
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isPlainObject(v)) {
    return Object.fromEntries(
      Object.keys(v).sort().map((k) => [k, canonical(v[k])]),
    );
  }
  return v;
}
