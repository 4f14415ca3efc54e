/**
 * The `requestState` of MCP 2026-07-28 input-required results, sealed so
 * that a stateless server can trust what a client hands back.
 *
 * A state is `base64url(JSON payload) "." base64url(HMAC-SHA-256)`. The key
 * is the operator's (`--state-key-env NAME`, so that every process behind a
 * load balancer accepts the others' states) or random per process. The
 * payload binds the state to one call (method, tool or prompt name, and a
 * digest of the arguments) and carries the answers the client gave in
 * earlier rounds plus an expiry time ({@link DEFAULT_STATE_TTL_MS} after it
 * was issued), and, by key, a digest of each input request the answers
 * and the pending requests are for ({@link requestDigest}: the server
 * uses an answer only for the very request it was given for). A state
 * that was changed, made with another key, expired, or presented for
 * another call is refused with a {@link RequestStateError}.
 *
 * @example
 * ```ts
 * import { RequestStateCodec } from "./request_state.ts";
 *
 * const codec = await RequestStateCodec.create();
 * const call = { method: "tools/call", name: "greet", arguments: {} };
 * const state = await codec.seal(call, { user_name: { action: "accept" } });
 * const answers = await codec.open(state, call);
 * console.log(Object.keys(answers)); // ["user_name"]
 * ```
 *
 * @module
 */

import { createHash } from "node:crypto";
import { canonicalJson } from "../agent/schema.ts";

/** How long a request state stays valid: 10 minutes. */
export const DEFAULT_STATE_TTL_MS = 10 * 60 * 1000;

/** Shortest key accepted from `--state-key-env` (bytes of UTF-8). */
export const MIN_STATE_KEY_BYTES = 32;

/** A request state that cannot be used; the message says why (one line). */
export class RequestStateError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "RequestStateError";
  }
}

/** The call a state belongs to. */
export interface StateCall {
  /** `tools/call` or `prompts/get`. */
  method: string;
  /** Tool or prompt name. */
  name: string;
  /** The call's arguments (absent: `{}`). */
  arguments?: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unb64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/**
 * A digest of one input request (its method and parameters, canonical
 * JSON), synchronous: it is taken while the agent waits.
 */
export function requestDigest(method: string, params: unknown): string {
  return sha256(canonicalJson([method, params ?? {}])!);
}

/** What a state carries (see {@link RequestStateCodec.openState}). */
export interface OpenedState {
  /** The answers, by input-request key. */
  answers: Record<string, unknown>;
  /**
   * By key, the {@link requestDigest} of the request each answer, or each
   * request still unanswered, is for (empty in states without it).
   */
  asked: Record<string, string>;
}

/** SHA-256 of a text, base64url. */
function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

function digest(call: StateCall): string {
  return sha256(
    canonicalJson([call.method, call.name, call.arguments ?? {}])!,
  );
}

/** Seals and opens request states (see the module documentation). */
export class RequestStateCodec {
  readonly #key: CryptoKey;
  readonly #ttlMs: number;
  readonly #now: () => number;

  private constructor(key: CryptoKey, ttlMs: number, now: () => number) {
    this.#key = key;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /**
   * A codec with `secret` as its key (at least {@link MIN_STATE_KEY_BYTES}
   * bytes; a RangeError otherwise), or a random key when absent. `now` is
   * for tests.
   */
  static async create(
    secret?: string,
    ttlMs: number = DEFAULT_STATE_TTL_MS,
    now: () => number = Date.now,
  ): Promise<RequestStateCodec> {
    let raw: Uint8Array;
    if (secret === undefined) {
      raw = crypto.getRandomValues(new Uint8Array(32));
    } else {
      raw = encoder.encode(secret);
      if (raw.length < MIN_STATE_KEY_BYTES) {
        throw new RangeError(
          `the request-state key must be at least ${MIN_STATE_KEY_BYTES} bytes (it has ${raw.length})`,
        );
      }
    }
    const key = await crypto.subtle.importKey(
      "raw",
      raw as Uint8Array<ArrayBuffer>,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    return new RequestStateCodec(key, ttlMs, now);
  }

  /**
   * A state for `call` carrying `answers` (keyed by input-request key) and
   * the digests of the requests asked (see {@link OpenedState.asked}).
   */
  async seal(
    call: StateCall,
    answers: Record<string, unknown>,
    asked: Record<string, string> = {},
  ): Promise<string> {
    const payload = encoder.encode(JSON.stringify({
      v: 1,
      c: digest(call),
      e: this.#now() + this.#ttlMs,
      n: crypto.randomUUID(),
      a: answers,
      q: asked,
    }));
    const mac = await crypto.subtle.sign(
      "HMAC",
      this.#key,
      payload as Uint8Array<ArrayBuffer>,
    );
    return `${b64url(payload)}.${b64url(new Uint8Array(mac))}`;
  }

  /** The answers a state carries; throws {@link RequestStateError}. */
  async open(
    state: unknown,
    call: StateCall,
  ): Promise<Record<string, unknown>> {
    return (await this.openState(state, call)).answers;
  }

  /**
   * The answers a state carries and the digests of the requests they
   * answer; throws {@link RequestStateError}.
   */
  async openState(state: unknown, call: StateCall): Promise<OpenedState> {
    if (typeof state !== "string") {
      throw new RequestStateError("requestState must be a string");
    }
    const dot = state.indexOf(".");
    const payload = dot < 0 ? null : unb64url(state.slice(0, dot));
    const mac = dot < 0 ? null : unb64url(state.slice(dot + 1));
    if (!payload || !mac) {
      throw new RequestStateError("requestState is malformed");
    }
    const ok = await crypto.subtle.verify(
      "HMAC",
      this.#key,
      mac as Uint8Array<ArrayBuffer>,
      payload as Uint8Array<ArrayBuffer>,
    );
    if (!ok) {
      throw new RequestStateError(
        "requestState was altered or was not issued by this server",
      );
    }
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(decoder.decode(payload));
    } catch {
      throw new RequestStateError("requestState is malformed");
    }
    if (typeof v.e !== "number" || this.#now() > v.e) {
      throw new RequestStateError("requestState has expired");
    }
    if (v.c !== digest(call)) {
      throw new RequestStateError(
        "requestState belongs to another call (name or arguments differ)",
      );
    }
    const isObject = (x: unknown): x is Record<string, unknown> =>
      typeof x === "object" && x !== null && !Array.isArray(x);
    const asked: Record<string, string> = Object.create(null);
    if (isObject(v.q)) {
      for (const [k, d] of Object.entries(v.q)) {
        if (typeof d === "string") asked[k] = d;
      }
    }
    return { answers: isObject(v.a) ? v.a : {}, asked };
  }
}
