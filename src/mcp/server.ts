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
 *   list. `resources/subscribe` (stateful sessions) takes URIs of at most
 *   {@link MAX_SUBSCRIPTION_URI_CHARS} characters, at most
 *   {@link MAX_SUBSCRIPTIONS} per session; an ABI v2 agent's `updated`
 *   frame notifies the subscribed sessions.
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
  idKey,
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
import {
  isBase64,
  isTextMime,
  parseObject,
  promptObject,
  promptResult,
  resourceContents,
  richResult,
  toolResultObject,
} from "./content.ts";
import { printable } from "../agent/printable.ts";
import {
  type GuestFrame,
  LOG_LEVELS,
  type LogLevel,
  RequestRefused,
} from "../agent/abi2.ts";
import { matchFirstTemplate } from "../agent/uri_template.ts";
import type { ReceiveContext, SendFunction } from "./transport/transport.ts";
import {
  LATEST_STATEFUL_VERSION,
  STATEFUL_PROTOCOL_VERSIONS,
  STATELESS_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "./versions.ts";
import {
  type OpenedState,
  requestDigest,
  RequestStateCodec,
  RequestStateError,
} from "./request_state.ts";
import {
  checkParamHeaders,
  checkStatelessRequest,
  httpStatusOf,
  isStatelessRequest,
  META_CLIENT_CAPABILITIES,
  META_LOG_LEVEL,
  META_SERVER_INFO,
  metaOf,
  StatelessErrorCode,
} from "./stateless.ts";
import {
  checkArguments,
  checkArgumentsAsync,
  checkValue,
  type CompiledSchema,
  compileSchema,
} from "../agent/schema.ts";

export type { CallLimits, CallOptions, ToolResult };
export { checkArguments, MAX_MESSAGE_DEPTH };
export { isTextMime, promptResult, richResult } from "./content.ts";

export { SUPPORTED_PROTOCOL_VERSIONS };

/** The newest stateful protocol version, answered when the client asks for an unknown one. */
export const LATEST_PROTOCOL_VERSION: string = LATEST_STATEFUL_VERSION;

// the MCP log levels are the agent ABI's (`{"log": {"level"}}` frames)
export { LOG_LEVELS, type LogLevel };

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
  /** Icons, passed through. */
  icons?: unknown[];
  /**
   * Client capabilities the tool needs (`sampling`, `elicitation`,
   * `roots`): a call from a client that did not declare them is refused
   * with -32021 and `data.requiredCapabilities`.
   */
  requiredClientCapabilities?: string[];
}

/** A resource template as declared by the manifest. */
export interface ResourceTemplateInfo {
  /** RFC 6570 URI template. */
  uriTemplate: string;
  /** Template name. */
  name: string;
  /** Optional human title. */
  title?: string;
  /** Optional description. */
  description?: string;
  /** MIME type of the contents (default `text/plain`). */
  mimeType?: string;
  /** Icons, passed through. */
  icons?: unknown[];
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
  /** Icons, passed through. */
  icons?: unknown[];
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
  /** Icons, passed through. */
  icons?: unknown[];
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
  /** Declared resource templates. */
  resourceTemplates?: ResourceTemplateInfo[];
  /** The agent answers `completion/complete` (pseudo-tool `_complete`). */
  completions?: boolean;
  /** Agent ABI version (2: frames, requests to the client). Default 1. */
  abi?: number;
}

/** What the server needs from an agent; the Agent layer's `Agent` satisfies it. */
export interface McpAgent {
  /** The agent's manifest. */
  readonly manifest: McpManifest;
  /** Runs a tool; throws an error named `UnknownToolError` for an unknown tool. */
  callTool(name: string, args: unknown, o?: CallOptions): Promise<ToolResult>;
  /**
   * Reads a resource: a declared URI or one matching a resource template;
   * throws an error named `UnknownToolError` for any other URI.
   */
  readResource(uri: string, o?: CallOptions): Promise<ToolResult>;
  /** Suggests values for an argument (only when `manifest.completions`). */
  complete?(
    ref: Record<string, unknown>,
    argument: Record<string, unknown>,
    context: Record<string, unknown> | undefined,
    o?: CallOptions,
  ): Promise<ToolResult>;
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
  /**
   * What the sessions of one process share (the call gate, resource
   * subscriptions, the request-state key): every session made by one
   * {@link McpServer.factory} gets the same. Default: a new one.
   */
  shared?: ServerShared;
  /** Requests an ABI v2 agent may make per call (default 16, `--max-requests`). */
  maxRequests?: number;
  /**
   * How long a request sent to the client (an ABI v2 agent's sampling,
   * elicitation or roots) waits for its answer (default
   * {@link DEFAULT_ASK_TIMEOUT_MS}; 0: as long as the call runs). Past it
   * the agent gets a -32001 error answer and the client a
   * `notifications/cancelled`.
   */
  askTimeoutMs?: number;
}

/**
 * Default wait for the client's answer to a request the server sent: 10
 * minutes. Without it, with the call timeout off (`--timeout 0`), a client
 * that never answered held the call, its worker and its session forever.
 */
export const DEFAULT_ASK_TIMEOUT_MS = 10 * 60 * 1000;

/** JSON-RPC error code of a request that timed out (as MCP SDKs use it). */
const REQUEST_TIMEOUT = -32001;

/**
 * What every session of one server process shares: the gate that bounds
 * calls running at once, resource subscriptions, and the key of request
 * states (MCP 2026-07-28).
 */
export class ServerShared {
  /** Bounds the guest calls running at once over all sessions. */
  readonly gate: Semaphore;
  /** Sessions subscribed to each resource URI. */
  readonly subscribers: Map<string, Set<McpServer>> = new Map();
  /** Seals and opens request states. */
  readonly states: Promise<RequestStateCodec>;
  /** Counters over every session, for the exit summary. */
  readonly stats: ServerStats = { calls: 0, errors: 0, cancelled: 0, steps: 0 };

  /**
   * Creates the shared state: `concurrency` calls at once (default 4);
   * request states keyed with `stateKey` (at least 32 bytes) or a random
   * key.
   */
  constructor(concurrency = 4, stateKey?: string) {
    this.gate = new Semaphore(concurrency);
    this.states = RequestStateCodec.create(stateKey);
    // a bad key is reported by the first use; keep the rejection handled
    this.states.catch(() => {});
  }
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

/** How long list results of the stateless revision may be cached (ms). */
export const LIST_TTL_MS = 60_000;

/** Resource subscriptions one session may hold. */
export const MAX_SUBSCRIPTIONS = 1000;

/**
 * Longest URI a session may subscribe to: with {@link MAX_SUBSCRIPTIONS},
 * a session holds at most 4 MiB of them (a 4 MiB body per URI was allowed).
 */
export const MAX_SUBSCRIPTION_URI_CHARS = 4096;

/** Methods of the stateful revisions only (a stateless request for one: -32601). */

const STATEFUL_ONLY = new Set([
  "initialize",
  "ping",
  "logging/setLevel",
  "resources/subscribe",
  "resources/unsubscribe",
  "subscriptions/listen",
]);

/** What the client answered to a server-to-client request. */
export type RequestAnswer =
  | { result: unknown }
  | { error: { code: number; message: string } };

/** One request as being handled. */
interface Ctx {
  req: JsonRpcRequest;
  signal: AbortSignal;
  /** A request of the stateless revision (2026-07-28). */
  stateless: boolean;
  /** The client's capabilities (`initialize`'s, or the request's `_meta`). */
  caps: Record<string, unknown>;
  /** Stateless: the request's log level (`_meta`); stateful: unused. */
  logLevel: LogLevel | null;
  context?: ReceiveContext;
}

interface InFlight {
  controller: AbortController;
  cancelled: boolean;
  method: string;
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
export class Semaphore {
  #free: number;
  #waiters: (() => void)[] = [];
  /** A semaphore with `size` permits (at least 1). */
  constructor(size: number) {
    this.#free = Math.max(1, size);
  }
  /** Takes a permit, waiting while none is free; `signal` abandons the wait. */
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
  /** Gives a permit back. */
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

/** The client capability each agent request needs. */
const REQUEST_CAPABILITY: Record<string, string> = Object.assign(
  Object.create(null),
  {
    "sampling/createMessage": "sampling",
    "elicitation/create": "elicitation",
    "roots/list": "roots",
  },
);

/** Checks a client's answer to an input request (2026-07-28), by method. */
function inputResponseProblem(method: string, v: unknown): string | null {
  if (!isPlainObject(v)) return "must be an object";
  switch (method) {
    case "elicitation/create":
      return ["accept", "decline", "cancel"].includes(v.action as string)
        ? null
        : 'must be an elicitation result ("action": accept, decline or cancel)';
    case "sampling/createMessage":
      return typeof v.role === "string" && v.content !== undefined
        ? null
        : 'must be a sampling result (with "role" and "content")';
    case "roots/list":
      return Array.isArray(v.roots)
        ? null
        : 'must be a roots result (with "roots")';
    default:
      return null;
  }
}

/** One agent request that the client must answer (input-required result). */
interface InputRequest {
  key: string;
  method: string;
  params: Record<string, unknown>;
}

/** A call that needs the client's input first (2026-07-28): no response of its own. */
class InputRequired extends Error {
  readonly requests: InputRequest[];
  readonly answers: Record<string, unknown>;
  /** By key, the digest of each request answered or asked. */
  readonly asked: Record<string, string>;
  constructor(
    requests: InputRequest[],
    answers: Record<string, unknown>,
    asked: Record<string, string>,
  ) {
    super("input required");
    this.requests = requests;
    this.answers = answers;
    this.asked = asked;
  }
}

/**
 * Multi-round-trip requests of MCP 2026-07-28 for one `tools/call` or
 * `prompts/get`: the agent's requests are answered from the client's
 * `inputResponses` and the answers its `requestState` carries, by key;
 * the first request without an answer ends the run (every request the
 * agent wrote before it waited is collected), and the call answers an
 * input-required result carrying those requests and a new sealed state
 * with every answer used so far. The retry runs the agent again from the
 * start (a fresh instance: the same requests should come in the same
 * order).
 *
 * An answer is used only for the request it was given for: the state
 * records, by key, a digest of each request asked or answered
 * ({@link requestDigest}), and when the agent asks something else under a
 * key (a run that lists a directory, reads the time...), the state's
 * answer and the client's response for that key are set aside and the
 * request is asked again. (They were reused: a user who confirmed
 * "delete file-1?" confirmed "delete file-2?" on the retry.) A response
 * for a key the state does not record (no state yet, or a key never
 * asked) is taken as the client's answer.
 */
class Mrtr {
  readonly #stored: Record<string, unknown>;
  readonly #asked: Record<string, string>;
  readonly #responses: Record<string, unknown>;
  readonly #used: Record<string, unknown> = Object.create(null);
  readonly #digests: Record<string, string> = Object.create(null);
  readonly #missing: InputRequest[] = [];
  readonly #keys = new Set<string>();
  #fail: ((e: unknown) => void) | null = null;
  #count = 0;

  /**
   * `stored` and `asked`: the request state's answers and request
   * digests; `responses`: the client's `inputResponses`.
   */
  constructor(
    stored: Record<string, unknown>,
    asked: Record<string, string>,
    responses: Record<string, unknown>,
  ) {
    this.#stored = stored;
    this.#asked = asked;
    this.#responses = responses;
  }

  /** The answer the client gave for request `key` with digest `digest`, if any. */
  #answerOf(key: string, digest: string): { value: unknown } | undefined {
    if (Object.hasOwn(this.#asked, key) && this.#asked[key] !== digest) {
      return undefined; // given for another request
    }
    if (Object.hasOwn(this.#responses, key)) {
      return { value: this.#responses[key] };
    }
    if (Object.hasOwn(this.#stored, key)) return { value: this.#stored[key] };
    return undefined;
  }

  request(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
    key?: string,
  ): Promise<RequestAnswer> {
    this.#count++;
    const k = key ?? `r${this.#count}`;
    if (this.#keys.has(k)) {
      return Promise.reject(
        new RequestRefused(`the agent used the request key "${k}" twice`),
      );
    }
    this.#keys.add(k);
    const digest = requestDigest(method, params);
    this.#digests[k] = digest;
    const found = this.#answerOf(k, digest);
    if (found) {
      const answer = found.value;
      const problem = inputResponseProblem(method, answer);
      if (problem !== null) {
        return Promise.reject(
          new JsonRpcError(
            ErrorCode.InvalidParams,
            `invalid params: inputResponses["${k}"] ${problem}`,
          ),
        );
      }
      this.#used[k] = answer;
      return Promise.resolve({ result: answer });
    }
    this.#missing.push({ key: k, method, params });
    return new Promise<RequestAnswer>((_resolve, reject) => {
      this.#fail ??= reject;
      signal.addEventListener("abort", () => reject(signal.reason), {
        once: true,
      });
    });
  }

  /**
   * The agent waits for an answer (or ended): when requests are missing,
   * the run ends with {@link InputRequired}.
   */
  blocked(): void {
    if (this.#missing.length === 0 || !this.#fail) return;
    const fail = this.#fail;
    this.#fail = null;
    fail(
      new InputRequired([...this.#missing], { ...this.#used }, {
        ...this.#digests,
      }),
    );
  }
}

/**
 * The MCP server. One instance serves one client session (or, for MCP
 * 2026-07-28, any number of independent requests).
 */
export class McpServer {
  readonly #agent: McpAgent;
  readonly #options: McpServerOptions;
  readonly #pageSize: number;
  readonly #semaphore: Semaphore;
  readonly #shared: ServerShared;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #pending = new Set<Promise<void>>();
  // lookups by client-supplied names: own entries only (Map)
  readonly #tools = new Map<
    string,
    {
      tool: ToolInfo;
      schema: CompiledSchema;
      index: number;
      /** The outputSchema compiled (on first call), or why it cannot be. */
      output?: CompiledSchema | string;
    }
  >();
  readonly #resources = new Map<string, ResourceInfo>();
  readonly #prompts = new Map<string, PromptInfo>();
  readonly #maxChars: number;
  #send: SendFunction = () => {};
  #ended: (id: JsonRpcId) => void = () => {};
  #state: "new" | "initialized" | "ready" = "new";
  #logLevel: LogLevel | null = null;
  #protocolVersion: string | null = null;
  #clientName: string | null = null;
  /** Capabilities the client declared in `initialize`. */
  #clientCaps: Record<string, unknown> = {};
  /** Server-to-client requests waiting for their response. */
  readonly #outgoing = new Map<
    string,
    { resolve: (answer: RequestAnswer) => void }
  >();
  #nextOutgoing = 1;
  /** Resource URIs this session subscribed to. */
  readonly #subscriptions = new Set<string>();
  #closing = false;
  #invocations = 0;
  /** Counters for the exit summary (shared by the sessions of one {@link ServerShared}). */
  readonly stats: ServerStats;

  /**
   * Creates a server for `agent`. Compiles every tool's input schema (once:
   * the manifest loader's work is reused); throws `SchemaError` (naming the
   * field path) for a schema that cannot be checked.
   */
  constructor(agent: McpAgent, options: McpServerOptions) {
    this.#agent = agent;
    this.#options = options;
    this.#pageSize = Math.max(1, options.pageSize ?? 50);
    this.#shared = options.shared ?? new ServerShared(options.concurrency ?? 4);
    this.#semaphore = this.#shared.gate;
    this.stats = this.#shared.stats;
    this.#maxChars = options.maxMessageChars ?? Math.max(
      DEFAULT_MAX_MESSAGE_CHARS,
      13 * (options.limits?.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES),
    );
    const m = agent.manifest;
    m.tools.forEach((tool, i) => {
      const schema = compileSchema(tool.inputSchema, `tools[${i}].inputSchema`);
      if (!this.#tools.has(tool.name)) {
        this.#tools.set(tool.name, { tool, schema, index: i });
      }
    });
    for (const r of m.resources ?? []) {
      if (!this.#resources.has(r.uri)) this.#resources.set(r.uri, r);
    }
    for (const p of m.prompts ?? []) {
      if (!this.#prompts.has(p.name)) this.#prompts.set(p.name, p);
    }
  }

  /**
   * An endpoint factory for a transport with many sessions (HTTP): every
   * session gets its own server, all sharing one {@link ServerShared} (the
   * call gate, subscriptions, the request-state key).
   */
  static factory(
    agent: McpAgent,
    options: McpServerOptions & { stateKey?: string },
  ): () => McpServer {
    const shared = options.shared ??
      new ServerShared(options.concurrency ?? 4, options.stateKey);
    const opts = { ...options, shared };
    return () => new McpServer(agent, opts);
  }

  /** Sets the function used to send messages to the client. */
  connect(send: SendFunction, ended?: (id: JsonRpcId) => void): void {
    this.#send = send;
    this.#ended = ended ?? (() => {});
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

  async #emit(
    message: JsonRpcMessage,
    related?: JsonRpcId,
    httpStatus?: number,
  ): Promise<void> {
    // encoded once, under bounds; what cannot be encoded is replaced by an
    // error for the same id (the transport reuses the encoded line)
    const prepared = prepareMessage(message, this.#maxChars);
    if (prepared.problem !== undefined) {
      this.#diag(
        `[porta] a message could not be sent (${prepared.problem}): sent an error instead`,
      );
    }
    try {
      await this.#send(prepared.message, related, httpStatus);
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
  receive(text: string, context?: ReceiveContext): void {
    if (text.trim() === "") return;
    this.#dispatch(parseMessage(text), context);
  }

  /** Handles one already-decoded JSON value. */
  receiveValue(value: unknown): void {
    this.#dispatch(classify(value));
  }

  #dispatch(
    parsed: ReturnType<typeof classify>,
    context?: ReceiveContext,
  ): void {
    switch (parsed.kind) {
      case "invalid":
        if (parsed.response) this.#track(this.#emit(parsed.response));
        return;
      case "response": {
        // the answer to one of our server-to-client requests; others are
        // ignored
        const r = parsed.message as unknown as Record<string, unknown>;
        const key = typeof r.id === "string" || typeof r.id === "number"
          ? idKey(r.id)
          : "";
        const waiter = this.#outgoing.get(key);
        if (!waiter) return;
        this.#outgoing.delete(key);
        const e = r.error;
        waiter.resolve(
          isPlainObject(e)
            ? {
              error: {
                code: typeof e.code === "number" ? e.code : -32603,
                message: typeof e.message === "string" ? e.message : "error",
              },
            }
            : { result: r.result },
        );
        return;
      }
      case "notification":
        this.#notification(parsed.message);
        return;
      case "request":
        this.#request(parsed.message, context);
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
    this.#unsubscribeAll();
    for (const w of this.#outgoing.values()) {
      w.resolve({ error: { code: ErrorCode.InternalError, message: reason } });
    }
    this.#outgoing.clear();
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

  #request(req: JsonRpcRequest, context?: ReceiveContext): void {
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
    const ctx = this.#ctx(req, entry, context);
    this.#track(this.#answer(req, entry, key, ctx));
  }

  /** The context of one request: its revision, client capabilities, log level. */
  #ctx(req: JsonRpcRequest, entry: InFlight, context?: ReceiveContext): Ctx {
    const stateless = isStatelessRequest(req, context);
    const meta = metaOf(req);
    let caps = this.#clientCaps;
    let logLevel: LogLevel | null = null;
    if (stateless) {
      const c = meta?.[META_CLIENT_CAPABILITIES];
      caps = isPlainObject(c) ? c : {};
      const l = meta?.[META_LOG_LEVEL];
      logLevel = typeof l === "string" && LOG_LEVELS.includes(l as LogLevel)
        ? l as LogLevel
        : null;
    }
    return {
      req,
      signal: entry.controller.signal,
      stateless,
      caps,
      logLevel,
      context,
    };
  }

  async #answer(
    req: JsonRpcRequest,
    entry: InFlight,
    key: string,
    ctx: Ctx,
  ): Promise<void> {
    const response = await this.#respond(req, entry, key, ctx);
    // Per the spec, a cancelled request gets no response at all.
    if (entry.cancelled) return this.#ended(req.id);
    const error = (response as { error?: { code?: unknown } }).error;
    const status = ctx.stateless && error && typeof error.code === "number"
      ? httpStatusOf(error.code)
      : undefined;
    await this.#emit(response, req.id, status);
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
      const response = await this.#respond(
        req,
        entry,
        key,
        this.#ctx(req, entry),
      );
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
    ctx: Ctx,
  ): Promise<JsonRpcMessage> {
    let response: JsonRpcMessage;
    try {
      let result = await this.#handle(req, ctx);
      if (ctx.stateless && isPlainObject(result) && !("resultType" in result)) {
        result = { resultType: "complete", ...result };
      }
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

  #handle(req: JsonRpcRequest, ctx: Ctx): Promise<unknown> {
    if (ctx.stateless) return this.#handleStateless(req, ctx);
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
        return this.#toolsCall(params, ctx);
      case "resources/list":
        return Promise.resolve(this.#resourcesList(params));
      case "resources/templates/list":
        return Promise.resolve(this.#templatesList(params));
      case "resources/read":
        return this.#resourcesRead(params, ctx);
      case "resources/subscribe":
        return Promise.resolve(this.#subscribe(params, true));
      case "resources/unsubscribe":
        return Promise.resolve(this.#subscribe(params, false));
      case "prompts/list":
        return Promise.resolve(this.#promptsList(params));
      case "prompts/get":
        return this.#promptsGet(params, ctx);
      case "completion/complete":
        return this.#complete(params, ctx);
      case "logging/setLevel":
        return Promise.resolve(this.#setLevel(params));
      default:
        throw new JsonRpcError(
          ErrorCode.MethodNotFound,
          `method not found: ${req.method}`,
        );
    }
  }

  /** A request of MCP 2026-07-28: checked, then served without a session. */
  #handleStateless(req: JsonRpcRequest, ctx: Ctx): Promise<unknown> {
    const problem = checkStatelessRequest(req, ctx.context);
    if (problem) throw problem;
    const params = req.params ?? {};
    // lists are the manifest's, the same for every client: cacheable by
    // anyone for a minute; reads run the agent: private, not cached
    const listed = (v: unknown) => ({
      ...(v as Record<string, unknown>),
      ttlMs: LIST_TTL_MS,
      cacheScope: "public",
    });
    switch (req.method) {
      case "server/discover":
        return Promise.resolve(this.#discover());
      case "tools/list":
        return Promise.resolve(listed(this.#toolsList(params)));
      case "tools/call":
        return this.#toolsCall(params, ctx);
      case "resources/list":
        return Promise.resolve(listed(this.#resourcesList(params)));
      case "resources/templates/list":
        return Promise.resolve(listed(this.#templatesList(params)));
      case "resources/read":
        return this.#resourcesRead(params, ctx).then((v) => ({
          ...(v as Record<string, unknown>),
          ttlMs: 0,
          cacheScope: "private",
        }));
      case "prompts/list":
        return Promise.resolve(listed(this.#promptsList(params)));
      case "prompts/get":
        return this.#promptsGet(params, ctx);
      case "completion/complete":
        return this.#complete(params, ctx);
      default:
        throw new JsonRpcError(
          ErrorCode.MethodNotFound,
          `method not found: ${req.method.slice(0, 100)}${
            STATEFUL_ONLY.has(req.method)
              ? ` (not part of MCP ${STATELESS_PROTOCOL_VERSION})`
              : ""
          }`,
        );
    }
  }

  /** The capabilities this server offers (shared by `initialize` and `server/discover`). */
  #capabilities(stateless: boolean): Record<string, unknown> {
    const m = this.#agent.manifest;
    const caps: Record<string, unknown> = {
      tools: stateless ? {} : { listChanged: false },
      resources: stateless ? {} : { subscribe: true, listChanged: false },
      prompts: stateless ? {} : { listChanged: false },
    };
    if (!stateless) caps.logging = {};
    if (m.completions && this.#agent.complete) caps.completions = {};
    return caps;
  }

  #discover(): unknown {
    const m = this.#agent.manifest;
    const result: Record<string, unknown> = {
      supportedVersions: [STATELESS_PROTOCOL_VERSION],
      capabilities: this.#capabilities(true),
      ttlMs: LIST_TTL_MS,
      cacheScope: "public",
      _meta: { [META_SERVER_INFO]: this.#serverInfo() },
    };
    if (m.description) result.instructions = m.description;
    return result;
  }

  #serverInfo(): Record<string, unknown> {
    const m = this.#agent.manifest;
    return {
      name: this.#options.name ?? "porta",
      title: `Porta: ${m.name} ${m.version}`,
      version: this.#options.version,
    };
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
    if (isPlainObject(params.capabilities)) {
      this.#clientCaps = params.capabilities;
    }
    const version = STATEFUL_PROTOCOL_VERSIONS.includes(requested)
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
      capabilities: this.#capabilities(false),
      serverInfo: this.#serverInfo(),
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
      if (t.icons !== undefined) out.icons = t.icons;
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
      if (r.icons !== undefined) out.icons = r.icons;
      return out;
    });
    return next ? { resources, nextCursor: next } : { resources };
  }

  #templatesList(params: Record<string, unknown>): unknown {
    const { page, next } = this.#page(
      this.#agent.manifest.resourceTemplates ?? [],
      params.cursor,
    );
    const resourceTemplates = page.map((t) => {
      const out: Record<string, unknown> = {
        uriTemplate: t.uriTemplate,
        name: t.name,
      };
      if (t.title !== undefined) out.title = t.title;
      if (t.description !== undefined) out.description = t.description;
      out.mimeType = t.mimeType ?? "text/plain";
      if (t.icons !== undefined) out.icons = t.icons;
      return out;
    });
    return next
      ? { resourceTemplates, nextCursor: next }
      : { resourceTemplates };
  }

  /** `resources/subscribe` and `resources/unsubscribe` (stateful sessions). */
  #subscribe(params: Record<string, unknown>, on: boolean): unknown {
    const uri = params.uri;
    if (typeof uri !== "string") {
      throw new JsonRpcError(ErrorCode.InvalidParams, '"uri" must be a string');
    }
    const subs = this.#shared.subscribers;
    if (on) {
      // a bounded URI: any string used to be kept (1000 per session, each
      // up to the body cap: 4 GiB per session). A URI the agent does not
      // serve is still taken (it may come to exist)
      if (this.#closing) {
        throw new JsonRpcError(ErrorCode.InvalidRequest, "the session ended");
      }
      if (uri.length > MAX_SUBSCRIPTION_URI_CHARS) {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `"uri" is longer than ${MAX_SUBSCRIPTION_URI_CHARS} characters`,
        );
      }
      if (
        !this.#subscriptions.has(uri) &&
        this.#subscriptions.size >= MAX_SUBSCRIPTIONS
      ) {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `too many subscriptions (at most ${MAX_SUBSCRIPTIONS} per session)`,
        );
      }
      this.#subscriptions.add(uri);
      let set = subs.get(uri);
      if (!set) subs.set(uri, set = new Set());
      set.add(this);
    } else {
      this.#subscriptions.delete(uri);
      const set = subs.get(uri);
      set?.delete(this);
      if (set?.size === 0) subs.delete(uri);
    }
    return {};
  }

  /** Drops this session's subscriptions (the session ended). */
  #unsubscribeAll(): void {
    for (const uri of this.#subscriptions) {
      const set = this.#shared.subscribers.get(uri);
      set?.delete(this);
      if (set?.size === 0) this.#shared.subscribers.delete(uri);
    }
    this.#subscriptions.clear();
  }

  /** Tells every subscribed session that `uri` changed (an agent's `updated` frame). */
  #resourceUpdated(uri: string): void {
    for (const session of this.#shared.subscribers.get(uri) ?? []) {
      session.#track(session.#emit({
        jsonrpc: "2.0",
        method: "notifications/resources/updated",
        params: { uri },
      }));
    }
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
      if (p.icons !== undefined) out.icons = p.icons;
      return out;
    });
    return next ? { prompts, nextCursor: next } : { prompts };
  }

  /**
   * `completion/complete`: routed to the agent (pseudo-tool `_complete`)
   * when its manifest says `"completions": true`; otherwise an empty list
   * (valid per spec). The reference is checked either way.
   */
  async #complete(
    params: Record<string, unknown>,
    ctx: Ctx,
  ): Promise<unknown> {
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
    const empty = { completion: { values: [], total: 0, hasMore: false } };
    const agent = this.#agent;
    if (!agent.manifest.completions || !agent.complete) return empty;
    const context = isPlainObject(params.context) ? params.context : undefined;
    if (this.#closing) throw new Cancelled();
    return await this.#guestCall(
      ctx,
      "complete",
      (o) => agent.complete!(ref, arg, context, o),
      (result) => {
        if (result.isError) {
          throw new JsonRpcError(
            ErrorCode.InternalError,
            `completion failed: ${oneLine(result.error ?? result.text)}`,
          );
        }
        const v = result.value ?? parseObject(result.text);
        const c = isPlainObject(v) && isPlainObject(v.completion)
          ? v.completion
          : v;
        if (
          !isPlainObject(c) || !Array.isArray(c.values) ||
          !c.values.every((x) => typeof x === "string")
        ) {
          throw new JsonRpcError(
            ErrorCode.InternalError,
            'completion failed: the agent must answer {"completion": {"values": [strings]}}',
          );
        }
        const values = (c.values as string[]).slice(0, 100);
        const out: Record<string, unknown> = { values };
        if (typeof c.total === "number") out.total = c.total;
        if (typeof c.hasMore === "boolean" || c.values.length > 100) {
          out.hasMore = c.values.length > 100 || c.hasMore === true;
        }
        return { value: { completion: out } };
      },
    );
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

  #logEnabled(level: LogLevel, ctx?: Ctx): boolean {
    const wanted = ctx?.stateless ? ctx.logLevel : this.#logLevel;
    if (wanted === null) return false;
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(wanted);
  }

  /**
   * Sends `notifications/message` when the client's level includes `level`
   * (the session's, or a stateless request's `_meta` log level).
   */
  #logToClient(
    level: LogLevel,
    data: unknown,
    logger?: string,
    ctx?: Ctx,
  ): void {
    if (!this.#logEnabled(level, ctx)) return;
    this.#track(this.#emit({
      jsonrpc: "2.0",
      method: "notifications/message",
      params: { level, logger: logger ?? this.#agent.manifest.name, data },
    }, ctx?.req.id));
  }

  #progress(
    ctx: Ctx,
    progress: number,
    message: string | undefined,
    total: number | undefined = 2,
  ): Promise<void> {
    const meta = ctx.req.params?._meta;
    if (!isPlainObject(meta)) return Promise.resolve();
    const token = meta.progressToken;
    if (typeof token !== "string" && typeof token !== "number") {
      return Promise.resolve();
    }
    const params: Record<string, unknown> = { progressToken: token, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    return this.#emit(
      { jsonrpc: "2.0", method: "notifications/progress", params },
      ctx.req.id,
    );
  }

  /** An ABI v2 agent's log, progress or `updated` frame. */
  #frame(ctx: Ctx, frame: GuestFrame): void {
    switch (frame.type) {
      case "log":
        this.#logToClient(
          frame.level,
          frame.data,
          frame.logger ?? this.#agent.manifest.name,
          ctx,
        );
        return;
      case "progress":
        this.#track(
          this.#progress(ctx, frame.progress, frame.message, frame.total),
        );
        return;
      case "updated":
        this.#resourceUpdated(frame.uri);
        return;
    }
  }

  /**
   * Sends a request to the client (2025-11-25: sampling, elicitation,
   * roots) on the stream of the call that needs it; resolves with the
   * client's answer. `signal` (the call ended) abandons it.
   */
  #ask(
    method: string,
    params: Record<string, unknown>,
    ctx: Ctx,
    signal: AbortSignal,
  ): Promise<RequestAnswer> {
    const id = `porta-${this.#nextOutgoing++}`;
    const key = idKey(id);
    const waitMs = this.#options.askTimeoutMs ?? DEFAULT_ASK_TIMEOUT_MS;
    return new Promise<RequestAnswer>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        this.#outgoing.delete(key);
        reject(signal.reason ?? new Cancelled());
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = (answer: RequestAnswer) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(answer);
      };
      this.#outgoing.set(key, { resolve: settle });
      if (waitMs > 0 && Number.isFinite(waitMs)) {
        // a client that never answers must not hold the call forever
        timer = setTimeout(() => {
          if (this.#outgoing.get(key)?.resolve !== settle) return;
          this.#outgoing.delete(key);
          const why = `the client did not answer ${method} within ${
            formatMs(waitMs)
          }`;
          this.#diag(`[porta] ${why} (request ${id})`);
          this.#track(this.#emit({
            jsonrpc: "2.0",
            method: "notifications/cancelled",
            params: { requestId: id, reason: why },
          }, ctx.req.id));
          settle({
            error: { code: REQUEST_TIMEOUT, message: `timeout: ${why}` },
          });
        }, waitMs);
      }
      this.#track(
        this.#emit({ jsonrpc: "2.0", id, method, params }, ctx.req.id),
      );
    });
  }

  /**
   * Answers an ABI v2 agent's request: the client must have declared the
   * capability; a stateful session asks the client, a stateless request
   * answers from the client's `inputResponses` (see {@link Mrtr}).
   */
  #guestRequest(
    ctx: Ctx,
    mrtr: Mrtr | undefined,
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
    key?: string,
  ): Promise<RequestAnswer> {
    const cap = REQUEST_CAPABILITY[method];
    if (cap === undefined) {
      return Promise.reject(
        new RequestRefused(
          `the agent asked for "${
            method.slice(0, 60)
          }", which is not a request MCP servers may send (sampling/createMessage, elicitation/create, roots/list)`,
        ),
      );
    }
    if (!isPlainObject(ctx.caps[cap])) {
      return Promise.reject(
        new RequestRefused(
          `the agent asked for ${method}, but the client did not declare the "${cap}" capability`,
        ),
      );
    }
    if (mrtr) return mrtr.request(method, params, signal, key);
    if (ctx.stateless) {
      return Promise.reject(
        new RequestRefused(
          `the agent asked for ${method}, which a ${ctx.req.method} request of MCP ${STATELESS_PROTOCOL_VERSION} cannot ask`,
        ),
      );
    }
    return this.#ask(method, params, ctx, signal);
  }

  /**
   * Runs one guest call with the concurrency limit, cancellation, progress,
   * stderr forwarding, stats and the per-call diagnostic line. ABI v2
   * agents' frames become notifications (log, progress, resource updates)
   * and their requests go to the client (see {@link McpServer.#guestRequest}).
   */
  async #guestCall(
    ctx: Ctx,
    label: string,
    run: (o: CallOptions) => Promise<ToolResult>,
    finish: (result: ToolResult) => Finished,
    limits: CallLimits | undefined = this.#options.limits,
    mrtr?: Mrtr,
  ): Promise<unknown> {
    const signal = ctx.signal;
    const v2 = this.#agent.manifest.abi === 2;
    if (!v2) await this.#progress(ctx, 0, `${label}: queued`);
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
      this.#logToClient("info", printable(text), undefined, ctx);
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
        this.#logToClient("warning", note, "porta", ctx);
        dropped = 0;
      }
    };
    try {
      if (!v2) await this.#progress(ctx, 1, `${label}: running`);
      this.#logToClient("debug", `${label}: started`, "porta", ctx);
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
              ctx,
            );
          },
          ...(v2
            ? {
              onFrame: (frame: GuestFrame) => this.#frame(ctx, frame),
              onRequest: (
                method: string,
                params: Record<string, unknown>,
                s: AbortSignal,
                key?: string,
              ) => this.#guestRequest(ctx, mrtr, method, params, s, key),
              maxRequests: this.#options.maxRequests,
            }
            : {}),
        });
      } catch (e) {
        flushStderr();
        if (e instanceof InputRequired) {
          this.#diag(
            `[porta] tool=${label} input required: ${
              e.requests.map((r) => `${r.key}=${r.method}`).join(",")
            } duration=${formatMs(performance.now() - t0)}`,
          );
          throw e;
        }
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
        (result.requests ? ` requests=${result.requests}` : "") +
        (result.deniedSummary ? ` denied=${result.deniedSummary}` : "") +
        (failed && why ? ` (${oneLine(why)})` : "");
      this.#diag(line);
      this.#logToClient(
        failed ? "warning" : "debug",
        line.replace(/^\[porta\] /, ""),
        "porta",
        ctx,
      );
      if (!v2) {
        await this.#progress(ctx, 2, `${label}: ${failed ? "failed" : "done"}`);
      }
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

  /** An isError result saying `error` (the call counts as failed). */
  #errorValue(error: string): Finished {
    return {
      value: { content: [{ type: "text", text: error }], isError: true },
      error,
    };
  }

  #toolValue(
    tool: ToolInfo,
    output: CompiledSchema | undefined,
    result: ToolResult,
  ): Finished {
    let out: Record<string, unknown> | undefined;
    if (result.value !== undefined) {
      // ABI v2: the agent's result frame must be a CallToolResult
      out = toolResultObject(result.value);
      if (!out) {
        return this.#errorValue(
          'the agent\'s result is not a valid tool result (expected {"content": [content blocks], "structuredContent"?: {...}, "isError"?: boolean})',
        );
      }
    } else {
      const text = result.text !== "" ? result.text : (result.error ?? "");
      out = result.isError ? undefined : richResult(text);
      if (!out) {
        out = { content: [{ type: "text", text }], isError: result.isError };
        if (tool.outputSchema !== undefined && !result.isError) {
          const structured = parseObject(text);
          if (structured === null) {
            // too deep to parse here, and far too deep to send
            return this.#errorValue(
              `the result cannot be sent: structuredContent is nested more than ${
                MAX_MESSAGE_DEPTH - 2
              } levels deep`,
            );
          }
          if (structured) out.structuredContent = structured;
        }
      }
    }
    // a tool with an outputSchema promises structured results that match it
    if (output !== undefined && out.isError !== true) {
      if (out.structuredContent === undefined) {
        return this.#errorValue(
          "the tool declares an outputSchema but its result has no structuredContent",
        );
      }
      const problem = checkValue(
        output,
        out.structuredContent,
        "structuredContent",
      );
      if (problem !== null) {
        return this.#errorValue(
          `the result does not match the tool's outputSchema: ${problem}`,
        );
      }
    }
    const problem = this.#unsendable(out);
    if (problem !== null) {
      return this.#errorValue(`the result cannot be sent: ${problem}`);
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

  /**
   * For a stateless request that may ask for input: the answers it brings
   * (its `requestState`'s and its `inputResponses`), checked.
   */
  async #mrtr(
    ctx: Ctx,
    params: Record<string, unknown>,
    method: string,
    name: string,
    args: unknown,
  ): Promise<Mrtr | undefined> {
    if (!ctx.stateless || this.#agent.manifest.abi !== 2) return undefined;
    const stored: Record<string, unknown> = Object.create(null);
    let asked: Record<string, string> = Object.create(null);
    if (params.requestState !== undefined) {
      const codec = await this.#shared.states;
      try {
        const opened: OpenedState = await codec.openState(
          params.requestState,
          { method, name, arguments: args },
        );
        for (const [k, v] of Object.entries(opened.answers)) stored[k] = v;
        asked = opened.asked;
      } catch (e) {
        if (!(e instanceof RequestStateError)) throw e;
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `invalid params: ${e.message}`,
        );
      }
    }
    const given = params.inputResponses;
    const responses: Record<string, unknown> = Object.create(null);
    if (given !== undefined) {
      if (!isPlainObject(given)) {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          'invalid params: "inputResponses" must be an object',
        );
      }
      for (const [k, v] of Object.entries(given)) responses[k] = v;
    }
    return new Mrtr(stored, asked, responses);
  }

  /** The input-required result of a call that needs the client first. */
  async #inputRequired(
    e: InputRequired,
    method: string,
    name: string,
    args: unknown,
  ): Promise<unknown> {
    const codec = await this.#shared.states;
    const inputRequests: Record<string, unknown> = {};
    for (const r of e.requests) {
      inputRequests[r.key] = { method: r.method, params: r.params };
    }
    return {
      resultType: "input_required",
      inputRequests,
      requestState: await codec.seal(
        { method, name, arguments: args },
        e.answers,
        e.asked,
      ),
    };
  }

  /** Refuses a call whose tool needs client capabilities the client lacks. */
  #requireCapabilities(tool: ToolInfo, ctx: Ctx): void {
    const needed = tool.requiredClientCapabilities ?? [];
    const missing = needed.filter((c) => !isPlainObject(ctx.caps[c]));
    if (missing.length === 0) return;
    const required: Record<string, unknown> = {};
    for (const c of missing) required[c] = {};
    throw new JsonRpcError(
      StatelessErrorCode.MissingCapability,
      `tool ${tool.name} needs the client capabilities: ${missing.join(", ")}`,
      { requiredCapabilities: required },
    );
  }

  async #toolsCall(
    params: Record<string, unknown>,
    ctx: Ctx,
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
    this.#requireCapabilities(tool, ctx);
    const headers = ctx.context?.headers;
    if (ctx.stateless && headers) {
      const problem = checkParamHeaders(tool.inputSchema, args, headers);
      if (problem) throw problem;
    }
    if (tool.outputSchema !== undefined && entry.output === undefined) {
      // compiled on first use: the manifest loader checked it; a schema
      // nobody checked that cannot be compiled makes the tool's calls fail
      try {
        entry.output = compileSchema(
          tool.outputSchema,
          `tools[${entry.index}].outputSchema`,
        );
      } catch (e) {
        entry.output = e instanceof Error ? e.message : String(e);
      }
    }
    const output = entry.output;
    if (typeof output === "string") {
      return {
        content: [{
          type: "text",
          text: `the tool's outputSchema cannot be checked: ${output}`,
        }],
        isError: true,
      };
    }
    const mrtr = await this.#mrtr(ctx, params, "tools/call", name, args);
    // Argument problems are tool execution errors (MCP 2025-11-25), so the
    // model can read them and retry. The check is part of the call: it
    // yields to the event loop, stops on cancellation and at the timeout.
    const limits = this.#options.limits;
    const timeoutMs = limits?.timeoutMs || undefined;
    const deadline = timeoutMs !== undefined ? t0 + timeoutMs : Infinity;
    const outcome = await checkArgumentsAsync(schema, args, {
      signal: ctx.signal,
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
    // the guest gets what is left of the call's time (a timeout still names
    // the whole limit)
    const spentMs = performance.now() - t0;
    try {
      return await this.#guestCall(
        ctx,
        name,
        (o) =>
          this.#agent.callTool(name, args, {
            ...o,
            client: { capabilities: ctx.caps },
            onWaiting: mrtr ? () => mrtr.blocked() : undefined,
            spentMs,
          }),
        (result) => this.#toolValue(tool, output, result),
        limits,
        mrtr,
      );
    } catch (e) {
      if (e instanceof InputRequired) {
        return await this.#inputRequired(e, "tools/call", name, args);
      }
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
    params: Record<string, unknown>,
    ctx: Ctx,
  ): Promise<unknown> {
    const uri = params.uri;
    if (typeof uri !== "string") {
      throw new JsonRpcError(ErrorCode.InvalidParams, '"uri" must be a string');
    }
    const res = this.#resources.get(uri);
    const mimeType = res
      ? (res.mimeType ?? "text/plain")
      : this.#templateMime(uri);
    if (mimeType === null) {
      // 2026-07-28 (SEP-2164) says -32602; earlier revisions -32002
      throw new JsonRpcError(
        ctx.stateless ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound,
        `resource not found: ${uri}`,
        { uri },
      );
    }
    if (this.#closing) throw new Cancelled();
    try {
      return await this.#guestCall(
        ctx,
        `resource:${uri}`,
        (o) =>
          this.#agent.readResource(uri, {
            ...o,
            client: { capabilities: ctx.caps },
          }),
        (result) => {
          if (result.isError) {
            throw new JsonRpcError(
              ErrorCode.InternalError,
              `reading ${uri} failed: ${oneLine(result.error ?? result.text)}`,
            );
          }
          let value: Record<string, unknown>;
          if (result.value !== undefined) {
            const contents = resourceContents(result.value);
            if (!contents) {
              throw new JsonRpcError(
                ErrorCode.InternalError,
                `reading ${uri} failed: the agent's result is not {"contents": [{"uri", "text" or "blob"}]}`,
              );
            }
            value = { contents };
          } else if (!isTextMime(mimeType)) {
            const blob = result.text.replace(/\s+/g, "");
            if (!isBase64(blob)) {
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
    } catch (e) {
      if (e instanceof Error && e.name === "UnknownToolError") {
        throw new JsonRpcError(
          ctx.stateless ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound,
          `resource not found: ${uri}`,
          { uri },
        );
      }
      throw e;
    }
  }

  /** The MIME type of a URI matching a resource template, or null when none matches. */
  #templateMime(uri: string): string | null {
    const m = matchFirstTemplate(
      this.#agent.manifest.resourceTemplates ?? [],
      uri,
    );
    return m === undefined ? null : (m.template.mimeType ?? "text/plain");
  }

  async #promptsGet(
    params: Record<string, unknown>,
    ctx: Ctx,
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
    const mrtr = await this.#mrtr(ctx, params, "prompts/get", name, args);
    if (this.#closing) throw new Cancelled();
    try {
      return await this.#guestCall(
        ctx,
        `prompt:${name}`,
        (o) =>
          this.#agent.getPrompt(name, args, {
            ...o,
            client: { capabilities: ctx.caps },
            onWaiting: mrtr ? () => mrtr.blocked() : undefined,
          }),
        (result) => {
          if (result.isError) {
            throw new JsonRpcError(
              ErrorCode.InternalError,
              `prompt ${name} failed: ${oneLine(result.error ?? result.text)}`,
            );
          }
          const value = result.value !== undefined
            ? promptObject(result.value, prompt.description)
            : promptResult(result.text, prompt.description);
          if (!value) {
            throw new JsonRpcError(
              ErrorCode.InternalError,
              `prompt ${name} failed: the agent's result is not {"messages": [{"role", "content"}]}`,
            );
          }
          const problem = this.#unsendable(value);
          if (problem !== null) {
            throw new JsonRpcError(
              ErrorCode.InternalError,
              `prompt ${name} failed: the result cannot be sent: ${problem}`,
            );
          }
          return { value };
        },
        undefined,
        mrtr,
      );
    } catch (e) {
      if (e instanceof InputRequired) {
        return await this.#inputRequired(e, "prompts/get", name, args);
      }
      throw e;
    }
  }
}
