/**
 * The agent ABI v2 (a manifest with `"abi": 2`; agents without it keep the
 * v1 ABI of `abi.ts`): the guest talks to the host in frames while it runs,
 * and may ask the MCP client things (sampling, elicitation, roots) and wait
 * for the answers.
 *
 * ## The call (guest stdin)
 *
 * As in v1: a 4-byte little-endian length followed by that many bytes of
 * UTF-8 JSON `{"tool": NAME, "arguments": ARGS}`, plus `"client":
 * {"capabilities": {...}}` when the host says what the MCP client declared
 * (`CallOptions.client`; see {@link encodeCall}) (pseudo-tools
 * `_resource_read` `{"uri", "template"?, "params"?}`, `_prompt_get`
 * `{"prompt", "arguments"}`, `_complete` `{"ref", "argument", "context"?}`).
 * After it, stdin carries only the answers to the guest's requests, in the
 * order of the requests, each in the same framing: a 4-byte little-endian
 * length, then UTF-8 JSON `{"result": R}` or `{"error": {"code": N,
 * "message": S}}` (see {@link encodeAnswer}). A read while no request
 * waits for its answer and nothing is left to read is end of input.
 *
 * ## Frames (guest stdout)
 *
 * Newline-delimited JSON: each line is one JSON object with exactly one key
 * (blank lines are ignored; the last line may lack its newline, and so may a
 * request frame the guest follows with a read of stdin):
 *
 * - `{"log": {"level": L, "data": ANY, "logger"?: S}}`: a log message (MCP
 *   `notifications/message`); `level` is an MCP log level
 *   ({@link LOG_LEVELS}, default `"info"`).
 * - `{"progress": {"progress": N, "total"?: N, "message"?: S}}` (MCP
 *   `notifications/progress`).
 * - `{"updated": {"uri": S}}`: a resource changed
 *   (`notifications/resources/updated`).
 * - `{"request": {"method": S, "params"?: OBJECT, "key"?: S}}`: a request
 *   to the client (`sampling/createMessage`, `elicitation/create`,
 *   `roots/list`; the MCP layer decides which it allows). The guest then
 *   reads the answer from stdin; it blocks in `fd_read` meanwhile (the
 *   call's timeout and cancellation still stop it). `key` (1 to
 *   {@link MAX_REQUEST_KEY_LENGTH} characters) names the request for hosts
 *   that answer requests by name (MCP 2026-07-28 input requests); a guest
 *   may write several requests before it reads their answers, which then
 *   come in the order of the requests. `porta/fetch` (an HTTP request,
 *   see `net.ts`) is answered by Porta itself, never by the client, and
 *   does not count against the requests allowed per call.
 * - `{"result": OBJECT}`, final: a tool's `CallToolResult`-like object
 *   (`content`, `structuredContent`, `isError`), `{"contents": [...]}` for
 *   `_resource_read`, `{"messages", "description"?}` for `_prompt_get`,
 *   `{"completion": {"values", "total"?, "hasMore"?}}` for `_complete`. Only
 *   its being an object is checked here; the MCP layer checks its shape.
 * - `{"error": {"message": S, "code"?: N}}` or `{"error": S}`, final: the
 *   call failed.
 *
 * Anything else ends the call with a one-line problem naming the line
 * (`frame 3 is not valid JSON: ...`): a line that is not JSON, not an
 * object, with no key, several keys or an unknown one, a frame whose fields
 * have the wrong type, non-blank output after the final frame, more requests
 * than allowed (`too many requests (more than 16 per call)`), a request when
 * the host offers none, and the end of the output without a final frame
 * (`the agent ended without a result frame`). The guest is stopped at once.
 *
 * Secrets are redacted from each line's text before it is parsed (and from
 * every string of the parsed frame), so logs, request parameters and results
 * never carry one.
 *
 * @module
 */

import { MAX_GUEST_JSON_DEPTH } from "./abi.ts";
import { jsonNestingExceeds } from "./json_depth.ts";
import { printable } from "./printable.ts";
import type { StdinSource } from "../sandbox/wall.ts";

/** Pseudo-tool name of `completion/complete` (agents whose manifest says `"completions": true`). */
export const COMPLETE_TOOL = "_complete";

/** Request frames one call may make unless `CallOptions.maxRequests` says otherwise. */
export const DEFAULT_MAX_REQUESTS = 16;

/** The longest `key` a request frame may give, in UTF-16 code units. */
export const MAX_REQUEST_KEY_LENGTH = 256;

/** The MCP log levels a `log` frame may name, from the least to the most severe. */
export const LOG_LEVELS = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
] as const;

/** An MCP log level (see {@link LOG_LEVELS}). */
export type LogLevel = typeof LOG_LEVELS[number];

/** The keys a frame may have (exactly one of them). */
export const FRAME_KEYS = [
  "log",
  "progress",
  "updated",
  "request",
  "result",
  "error",
] as const;

/** A frame the guest sent while running (not a request and not final), as `CallOptions.onFrame` receives it. */
export type GuestFrame =
  | {
    /** A `log` frame. */
    type: "log";
    /** Its level (`"info"` when the frame gives none). */
    level: LogLevel;
    /** Its data (any JSON value; `null` when the frame gives none). */
    data: unknown;
    /** Its logger name, when given. */
    logger?: string;
  }
  | {
    /** A `progress` frame. */
    type: "progress";
    /** Progress so far. */
    progress: number;
    /** Total, when known. */
    total?: number;
    /** A message, when given. */
    message?: string;
  }
  | {
    /** An `updated` frame: a resource changed. */
    type: "updated";
    /** The resource's URI. */
    uri: string;
  };

/** Any frame, as {@link parseFrame} returns it. */
export type ParsedFrame =
  | GuestFrame
  | {
    /** A request to the client. */
    type: "request";
    /** The method, e.g. `sampling/createMessage`. */
    method: string;
    /** Its parameters (`{}` when the frame gives none). */
    params: Record<string, unknown>;
    /** The request's name, when the frame gives one. */
    key?: string;
  }
  | {
    /** The final result. */
    type: "result";
    /** The result object. */
    value: Record<string, unknown>;
  }
  | {
    /** The final error. */
    type: "error";
    /** Its message. */
    message: string;
    /** Its code, when given. */
    code?: number;
  };

/** The answer to a guest's request: a result, or an error the guest sees as such. */
export type RequestAnswer =
  | {
    /** The client's result. */
    result: unknown;
  }
  | {
    /** The error, which the guest receives as `{"error": {"code", "message"}}`. */
    error: { code: number; message: string };
  };

/**
 * Thrown (or rejected with) by `CallOptions.onRequest` to refuse a guest's
 * request (say, a capability the client did not declare): the guest is
 * stopped and the call ends as an `isError` result
 * `request refused: <message>`.
 */
export class RequestRefused extends Error {
  /** Creates the error; `message` says why the request is refused. */
  constructor(message: string) {
    super(message);
    this.name = "RequestRefused";
  }
}

/** A line of guest output that is not a valid frame; the message names the line. */
export class FrameError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

const encoder = new TextEncoder();

function framed(json: string): Uint8Array {
  const body = encoder.encode(json);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length, true);
  out.set(body, 4);
  return out;
}

/**
 * Encodes an ABI v2 call as the guest reads it on stdin: a 4-byte
 * little-endian length, then UTF-8 JSON `{"tool": NAME, "arguments": ARGS}`
 * (`{}` when undefined), with `"client": CLIENT` after them when `client`
 * is given (what the MCP client declared: `{"capabilities": {...}}`).
 */
export function encodeCall(
  tool: string,
  args: unknown,
  client?: Record<string, unknown>,
): Uint8Array {
  const call: Obj = { tool, arguments: args === undefined ? {} : args };
  if (client !== undefined) call.client = client;
  return framed(JSON.stringify(call));
}

/**
 * Encodes an answer as the guest reads it on stdin: a 4-byte little-endian
 * length, then UTF-8 JSON `{"result": R}` (R `null` when undefined) or
 * `{"error": {"code": N, "message": S}}`. An answer that JSON cannot encode
 * (a cycle, a bigint) becomes the error `{"code": -32603, "message": "the
 * answer could not be encoded"}`.
 */
export function encodeAnswer(answer: RequestAnswer): Uint8Array {
  try {
    if (isObj(answer) && Object.hasOwn(answer, "error")) {
      const e = (answer as { error: unknown }).error;
      const code = isObj(e) && typeof e.code === "number" &&
          Number.isFinite(e.code)
        ? e.code
        : -32603;
      const message = isObj(e) && typeof e.message === "string"
        ? e.message
        : typeof e === "string"
        ? e
        : "request failed";
      return framed(JSON.stringify({ error: { code, message } }));
    }
    const result = isObj(answer)
      ? (answer as { result?: unknown }).result
      : undefined;
    return framed(JSON.stringify({ result: result ?? null }));
  } catch {
    return framed(
      JSON.stringify({
        error: { code: -32603, message: "the answer could not be encoded" },
      }),
    );
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Untrusted text shown in a problem line: escaped, at most `n` characters. */
export function shown(text: string, n = 120): string {
  const s = text.length <= n ? text : `${text.slice(0, n)}…`;
  return printable(s);
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

/** Replaces every string (keys included) of a parsed JSON value with `redact(string)`. */
export function redactDeep(v: unknown, redact: (s: string) => string): unknown {
  if (typeof v === "string") return redact(v);
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, redact));
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      // defineProperty: a key "__proto__" stays an ordinary own key
      Object.defineProperty(out, redact(k), {
        value: redactDeep(x, redact),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/**
 * Parses one non-blank line of guest output (line number `n`) as a frame.
 * Throws {@link FrameError} with a one-line message naming the line.
 */
export function parseFrame(line: string, n: number): ParsedFrame {
  const at = `frame ${n}`;
  const text = line.trim();
  if (jsonNestingExceeds(text, MAX_GUEST_JSON_DEPTH)) {
    throw new FrameError(
      `${at} is nested more than ${MAX_GUEST_JSON_DEPTH} levels deep`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? firstLine(e.message) : String(e);
    throw new FrameError(`${at} is not valid JSON: ${shown(why, 160)}`);
  }
  if (!isObj(v)) {
    throw new FrameError(`${at} is not a JSON object (got ${typeName(v)})`);
  }
  const keys = Object.keys(v);
  const expected = `${FRAME_KEYS.slice(0, -1).join(", ")} or ${
    FRAME_KEYS[FRAME_KEYS.length - 1]
  }`;
  if (keys.length !== 1) {
    throw new FrameError(
      `${at} has ${keys.length} keys (a frame has exactly one: ${expected})`,
    );
  }
  const key = keys[0];
  const body = v[key];
  const field = (name: string, want: string, got: unknown) =>
    new FrameError(
      `${at}: ${key}.${name} must be ${want}, got ${typeName(got)}`,
    );
  switch (key) {
    case "log": {
      if (!isObj(body)) throw field("(value)", "an object", body);
      const level = body.level ?? "info";
      if (
        typeof level !== "string" ||
        !(LOG_LEVELS as readonly string[]).includes(level)
      ) {
        throw new FrameError(
          `${at}: log.level must be one of ${LOG_LEVELS.join(", ")}, got ${
            typeof level === "string"
              ? `"${shown(level, 40)}"`
              : typeName(level)
          }`,
        );
      }
      if (body.logger !== undefined && typeof body.logger !== "string") {
        throw field("logger", "a string", body.logger);
      }
      const f: GuestFrame = {
        type: "log",
        level: level as LogLevel,
        data: body.data === undefined ? null : body.data,
      };
      if (typeof body.logger === "string") f.logger = body.logger;
      return f;
    }
    case "progress": {
      if (!isObj(body)) throw field("(value)", "an object", body);
      const finite = (x: unknown) =>
        typeof x === "number" && Number.isFinite(x);
      if (!finite(body.progress)) {
        throw field("progress", "a number", body.progress);
      }
      if (body.total !== undefined && !finite(body.total)) {
        throw field("total", "a number", body.total);
      }
      if (body.message !== undefined && typeof body.message !== "string") {
        throw field("message", "a string", body.message);
      }
      const f: GuestFrame = {
        type: "progress",
        progress: body.progress as number,
      };
      if (body.total !== undefined) f.total = body.total as number;
      if (body.message !== undefined) f.message = body.message as string;
      return f;
    }
    case "updated": {
      if (!isObj(body)) throw field("(value)", "an object", body);
      if (typeof body.uri !== "string" || body.uri === "") {
        throw field("uri", "a non-empty string", body.uri);
      }
      return { type: "updated", uri: body.uri };
    }
    case "request": {
      if (!isObj(body)) throw field("(value)", "an object", body);
      if (typeof body.method !== "string" || body.method === "") {
        throw field("method", "a non-empty string", body.method);
      }
      if (body.params !== undefined && !isObj(body.params)) {
        throw field("params", "an object", body.params);
      }
      if (
        body.key !== undefined &&
        (typeof body.key !== "string" || body.key === "" ||
          body.key.length > MAX_REQUEST_KEY_LENGTH)
      ) {
        throw field(
          "key",
          `a string of 1 to ${MAX_REQUEST_KEY_LENGTH} characters`,
          body.key,
        );
      }
      const f: ParsedFrame = {
        type: "request",
        method: body.method,
        params: (body.params as Obj | undefined) ?? {},
      };
      if (body.key !== undefined) f.key = body.key as string;
      return f;
    }
    case "result":
      if (!isObj(body)) {
        throw new FrameError(
          `${at}: result must be an object, got ${typeName(body)}`,
        );
      }
      return { type: "result", value: body };
    case "error": {
      if (typeof body === "string") return { type: "error", message: body };
      if (!isObj(body)) {
        throw new FrameError(
          `${at}: error must be a string or an object, got ${typeName(body)}`,
        );
      }
      if (typeof body.message !== "string") {
        throw field("message", "a string", body.message);
      }
      if (
        body.code !== undefined &&
        (typeof body.code !== "number" || !Number.isFinite(body.code))
      ) {
        throw field("code", "a number", body.code);
      }
      const f: ParsedFrame = { type: "error", message: body.message };
      if (body.code !== undefined) f.code = body.code as number;
      return f;
    }
    default:
      throw new FrameError(
        `${at} has unknown key "${shown(key, 40)}" (expected ${expected})`,
      );
  }
}

/** How an ABI v2 call ended, as far as its frames and requests tell. */
export type Abi2Outcome =
  | {
    /** A `result` frame. */
    kind: "result";
    /** Its object (redacted). */
    value: Record<string, unknown>;
  }
  | {
    /** An `error` frame. */
    kind: "error";
    /** Its message (redacted). */
    message: string;
    /** Its code, when given. */
    code?: number;
  }
  | {
    /** A problem that ended the call: a bad frame, a refused request... */
    kind: "problem";
    /** One line naming it. */
    error: string;
  }
  | {
    /** `onRequest` rejected with something other than {@link RequestRefused}. */
    kind: "rejected";
    /** What it rejected with. */
    reason: unknown;
  };

/** What an {@link Abi2Session} reports to and asks of the caller. */
export interface Abi2Hooks {
  /** The encoded call request, the first bytes of the guest's stdin. */
  request: Uint8Array;
  /** Redacts secrets from a line's text (before it is parsed). */
  redact(text: string): string;
  /** When given, also applied to every string of a parsed frame. */
  redactStrings?: (text: string) => string;
  /** Told of each log, progress and updated frame, in order. */
  onFrame?(frame: GuestFrame): void;
  /**
   * Answers a request frame (see `CallOptions.onRequest`); `signal` aborts
   * when the call ends; `key` is the frame's, when it gives one. Absent: a
   * request ends the call.
   */
  onRequest?(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
    key?: string,
  ): Promise<RequestAnswer>;
  /**
   * The methods the host serves itself (`porta/fetch`, see `net.ts`),
   * answered by {@link Abi2Hooks.onHostRequest} instead of
   * {@link Abi2Hooks.onRequest}.
   */
  hostMethods?: ReadonlySet<string>;
  /**
   * Answers a request for one of {@link Abi2Hooks.hostMethods}. Its
   * `params` are the frame's as the guest wrote them, NOT redacted (they
   * never leave the host as such: the guest may use a value it was given,
   * say in an `--env` it was allowed to read, in a request). Such requests
   * do not count against {@link Abi2Hooks.maxRequests} nor in
   * {@link Abi2Session.requests}, and never end the call: the promise
   * resolves with the answer (a refusal is an error answer).
   */
  onHostRequest?(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<RequestAnswer>;
  /**
   * Told when the guest waits for an answer that is not known yet (it reads
   * stdin and nothing else is left to read); see `CallOptions.onWaiting`.
   */
  onWaiting?(): void;
  /** Request frames to the client allowed; one more ends the call. */
  maxRequests: number;
  /** Stops the guest now (called at most once). */
  stop(): void;
}

/**
 * One ABI v2 call in progress: feeds the guest's stdin ({@link stdin}, a
 * sandbox `StdinSource`), parses its stdout into frames as chunks arrive
 * ({@link write}), hands requests to the host and their answers to the guest,
 * and says how the call ended ({@link finish}).
 */
export class Abi2Session {
  readonly #hooks: Abi2Hooks;
  /** Bytes for the guest not read yet (the request, then answers). */
  #queue: Uint8Array[];
  /** Requests waiting for their answers, in order. */
  #answers: { bytes?: Uint8Array }[] = [];
  /** Wakes a read waiting for an answer. */
  #wake: (() => void) | undefined;
  readonly #decoder = new TextDecoder();
  #partial = "";
  #lineNo = 0;
  #capped = false;
  #final: Abi2Outcome | undefined;
  #outcome: Abi2Outcome | undefined;
  #closed = false;
  #finished = false;
  #stopped = false;
  readonly #done = new AbortController();
  #requests = 0;

  /** The guest's stdin: the request, then each answer once it is known. */
  readonly stdin: StdinSource;

  /** Creates the session of one call. */
  constructor(hooks: Abi2Hooks) {
    this.#hooks = hooks;
    this.#queue = hooks.request.length > 0 ? [hooks.request] : [];
    this.stdin = { read: (max) => this.#read(max) };
  }

  /** Request frames to the client received so far (host requests such as `porta/fetch` not counted). */
  get requests(): number {
    return this.#requests;
  }

  /** Aborts when the call ends (handed to `onRequest`). */
  get signal(): AbortSignal {
    return this.#done.signal;
  }

  /** A chunk of the guest's stdout (at most the output cap in all). */
  write(bytes: Uint8Array): void {
    if (this.#outcome !== undefined || this.#finished) return;
    const text = this.#decoder.decode(bytes, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const line = this.#partial + text.slice(start, nl);
      this.#partial = "";
      this.#line(line);
      if (this.#outcome !== undefined) return;
      start = nl + 1;
    }
    this.#partial += text.slice(start);
  }

  /**
   * The output reached the cap: whatever follows may not have been sent,
   * so the line in progress is not taken as a frame when the guest reads.
   */
  capped(): void {
    this.#capped = true;
  }

  /** True when the session stopped the guest (a problem, a rejected request). */
  get stoppedGuest(): boolean {
    return this.#stopped;
  }

  /**
   * The job ended: the last line (without a newline) is taken as a frame
   * (unless the output was `truncated`), pending reads end, and the outcome
   * is returned (a problem `the agent ended without a result frame` when
   * there was no final frame).
   */
  finish(truncated = false): Abi2Outcome {
    if (!this.#finished) {
      this.#finished = true;
      if (this.#outcome === undefined && !truncated) {
        this.#partial += this.#decoder.decode();
        if (this.#partial !== "") this.#line(this.#partial);
        this.#partial = "";
      }
      this.#close();
    }
    return this.#outcome ?? this.#final ?? {
      kind: "problem",
      error: "the agent ended without a result frame",
    };
  }

  /** The line in progress, taken as a frame (the guest reads, or ended). */
  #flushPartial(): void {
    if (this.#capped || this.#partial === "") return;
    const line = this.#partial;
    this.#partial = "";
    this.#line(line);
  }

  #line(raw: string): void {
    const n = ++this.#lineNo;
    if (this.#outcome !== undefined) return;
    if (raw.trim() === "") return;
    if (this.#final !== undefined) {
      return this.#problem(`frame ${n}: output after the final frame`);
    }
    let frame: ParsedFrame;
    try {
      frame = parseFrame(this.#hooks.redact(raw), n);
    } catch (e) {
      if (e instanceof FrameError) return this.#problem(e.message);
      throw e;
    }
    if (this.#hooks.redactStrings) {
      frame = redactDeep(frame, this.#hooks.redactStrings) as ParsedFrame;
    }
    switch (frame.type) {
      case "log":
      case "progress":
      case "updated":
        try {
          this.#hooks.onFrame?.(frame);
        } catch {
          // a reporting callback never disturbs the call
        }
        return;
      case "request":
        if (
          this.#hooks.onHostRequest &&
          this.#hooks.hostMethods?.has(frame.method)
        ) {
          // the host's own request: its parameters as written (the line
          // parsed again, unredacted; it parsed once already)
          let params = frame.params;
          try {
            const plain = parseFrame(raw, n);
            if (plain.type === "request") params = plain.params;
          } catch {
            // redaction made it parse: keep the redacted parameters
          }
          return this.#await(
            this.#hosted(frame.method, params),
          );
        }
        return this.#request(frame.method, frame.params, frame.key);
      case "result":
        this.#final = { kind: "result", value: frame.value };
        return;
      case "error":
        this.#final = frame.code !== undefined
          ? { kind: "error", message: frame.message, code: frame.code }
          : { kind: "error", message: frame.message };
        return;
    }
  }

  /** The answer of a host request (see {@link Abi2Hooks.onHostRequest}). */
  #hosted(
    method: string,
    params: Record<string, unknown>,
  ): Promise<RequestAnswer> {
    try {
      return Promise.resolve(
        this.#hooks.onHostRequest!(method, params, this.#done.signal),
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #request(
    method: string,
    params: Record<string, unknown>,
    key: string | undefined,
  ): void {
    this.#requests++;
    const max = this.#hooks.maxRequests;
    if (this.#requests > max) {
      return this.#problem(`too many requests (more than ${max} per call)`);
    }
    const onRequest = this.#hooks.onRequest;
    if (!onRequest) {
      return this.#problem(
        `the agent asked for ${
          shown(method, 80)
        }, which this host does not offer`,
      );
    }
    let answer: Promise<RequestAnswer>;
    try {
      answer = Promise.resolve(
        key !== undefined
          ? onRequest(method, params, this.#done.signal, key)
          : onRequest(method, params, this.#done.signal),
      );
    } catch (e) {
      answer = Promise.reject(e);
    }
    this.#await(answer);
  }

  /** Queues the answer of a request (in request order) once it settles. */
  #await(answer: Promise<RequestAnswer>): void {
    const slot: { bytes?: Uint8Array } = {};
    this.#answers.push(slot);
    answer.then(
      (a) => {
        slot.bytes = encodeAnswer(a);
        this.#notify();
      },
      (e) => {
        if (e instanceof RequestRefused) {
          this.#problem(`request refused: ${firstLine(e.message)}`);
        } else this.#end({ kind: "rejected", reason: e });
      },
    );
  }

  #problem(error: string): void {
    this.#end({ kind: "problem", error });
  }

  /**
   * Ends the call with `outcome` (the first one stands) and, while the job
   * runs, stops the guest.
   */
  #end(outcome: Abi2Outcome): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    if (this.#finished) return;
    this.#close();
    this.#stopped = true;
    this.#hooks.stop();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#answers = [];
    this.#done.abort();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #read(max: number): Promise<Uint8Array> {
    // a request frame the guest reads after without writing its newline
    if (this.#outcome === undefined) this.#flushPartial();
    let told = false;
    for (;;) {
      if (this.#closed || max <= 0) return new Uint8Array(0);
      while (this.#answers.length > 0 && this.#answers[0].bytes) {
        this.#queue.push(this.#answers.shift()!.bytes!);
      }
      if (this.#queue.length > 0) {
        const head = this.#queue[0];
        if (head.length <= max) {
          this.#queue.shift();
          return head;
        }
        this.#queue[0] = head.subarray(max);
        return head.slice(0, max);
      }
      // nothing left and no answer to wait for: end of input
      if (this.#answers.length === 0) return new Uint8Array(0);
      // an answer already given settles in a microtask: only a wait for
      // one not known yet is reported
      if (!told) {
        await Promise.resolve();
        if (this.#answers[0]?.bytes === undefined && !this.#closed) {
          told = true;
          try {
            this.#hooks.onWaiting?.();
          } catch {
            // a reporting callback never disturbs the call
          }
          continue; // it may have settled or ended the call
        }
        continue;
      }
      await new Promise<void>((r) => {
        const before = this.#wake;
        this.#wake = () => {
          before?.();
          r();
        };
      });
    }
  }
}
