/**
 * `porta/fetch`: HTTP requests of ABI v2 agents, made by Porta on the
 * agent's behalf (the sandbox's `NetGate`, `src/sandbox/net.ts`, holds the
 * three walls).
 *
 * ## The request (a request frame of the guest)
 *
 * ```json
 * {"request": {"method": "porta/fetch", "params": {
 *   "url": "https://api.example.com/forecast?city=Paris",
 *   "method": "GET",                       // default GET
 *   "headers": {"accept": "application/json"},
 *   "body": "...",                         // optional; not with GET/HEAD
 *   "bodyEncoding": "text",                // "text" (UTF-8, default) or "base64"
 *   "responseEncoding": "text"             // "text", "base64"; default: text when
 *                                          // the body is valid UTF-8, else base64
 * }}}
 * ```
 *
 * The answer arrives on stdin like every ABI v2 answer: `{"result":
 * {"status", "statusText", "url", "redirects", "headers", "body",
 * "bodyEncoding"}}` (`url`: after redirects; `headers`: lower-case names,
 * repeated headers joined with `, `), or `{"error": {"code", "message"}}`
 * whose message names the rule (`net: host "evil.com" is not allowed
 * (allowed: api.example.com)`). Codes: {@link NET_INVALID} (-32602, the
 * parameters are malformed), {@link NET_REFUSED} (-32001, a rule or a limit
 * refused it: nothing, or nothing more, was sent), {@link NET_FAILED}
 * (-32002, the network failed: resolution, connection, TLS). An error
 * answer does not end the call: the guest reads it and goes on.
 *
 * `porta/fetch` is answered here, in the agent layer, before
 * `CallOptions.onRequest`: it never reaches the MCP client, works the same
 * in `serve` (every transport and revision) and `porta call`, and counts
 * against the network limits, not against `--max-requests`. A call's
 * requests run one after the other, in the order the guest wrote them.
 *
 * The parameters are the frame's as the guest wrote them (a value the
 * guest was given, say a `--secret` passed to it as an environment
 * variable, is sent as written; refusal lines and error messages are
 * redacted). Parameters are checked strictly: unknown keys, a method that is not a
 * token, header names that are not tokens or values with CR, LF or NUL,
 * more than {@link MAX_REQUEST_HEADERS} headers, a value over
 * {@link MAX_HEADER_VALUE_CHARS} characters, a body over
 * `MAX_REQUEST_BODY_BYTES` (1 MiB), and the headers Porta owns
 * ({@link FORBIDDEN_HEADERS}: `host`, `content-length`, hop-by-hop and
 * proxy headers) are refused.
 *
 * ## Secrets
 *
 * The manifest's `headers` (`{"api.example.com": {"Authorization":
 * "Bearer ${secret:API_TOKEN}"}}`) are added by Porta on the way out, per
 * hop, to the hosts their pattern matches; a value names the operator's
 * `--secret NAME=VALUE` as `${secret:NAME}`. Such a secret is never given
 * to the guest (it is left out of its environment), and a header holding
 * one is sent over `https:` only (or to `localhost`/loopback literals). A
 * header of the agent with the same name is replaced by the manifest's.
 * Secret values (of every `--secret`) are redacted from response headers
 * and bodies before the guest sees them, so a server that echoes the
 * request does not hand the secret to the guest either (a server that
 * transforms it, say into base64, still can: only servers trusted with the
 * secret should get it).
 *
 * @module
 */

import type { RequestAnswer } from "./abi2.ts";
import { printable } from "./printable.ts";
import { redactText, StreamRedactor } from "./redact.ts";
import {
  DEFAULT_NET_MAX_BYTES,
  DEFAULT_NET_MAX_REQUESTS,
  DEFAULT_NET_TIMEOUT_MS,
  type HostHeaders,
  MAX_REQUEST_BODY_BYTES,
  NetFailed,
  NetGate,
  type NetLimits,
  NetRefused,
  NetUsage,
  type Resolver,
} from "../sandbox/net.ts";
import {
  type HostPattern,
  HostPatternError,
  intersectPatterns,
  parseHostPattern,
} from "../sandbox/net_policy.ts";
import type { Capability } from "../sandbox/capabilities.ts";
import type { Manifest } from "./manifest.ts";

/** The request method of an HTTP request frame. */
export const FETCH_METHOD = "porta/fetch";

/** Error code of malformed `porta/fetch` parameters. */
export const NET_INVALID = -32602;

/** Error code of a request refused by a rule or a limit. */
export const NET_REFUSED = -32001;

/** Error code of a request that failed on the network. */
export const NET_FAILED = -32002;

/** Headers an agent may send with one request. */
export const MAX_REQUEST_HEADERS = 64;

/** Longest header value an agent may send, in characters. */
export const MAX_HEADER_VALUE_CHARS = 8192;

/** Distinct refusal lines per call; the rest are counted. */
export const MAX_NET_REFUSAL_LINES = 20;

/** Headers Porta sets or owns: an agent may not set them. */
export const FORBIDDEN_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "expect",
]);

/** Operator options of agents' network access (`AgentOptions.net`). */
export interface NetOptions {
  /** `--allow-host` patterns; the network is closed without any. */
  allowHosts?: readonly string[];
  /** `--allow-private-net`: loopback and private addresses are allowed (cloud metadata never). */
  allowPrivateNet?: boolean;
  /** `--net-max-requests`: requests (hops) per call (default 16). */
  maxRequests?: number;
  /** `--net-max-bytes`: response body bytes per call (default 4 MiB). */
  maxBytes?: number;
  /** `--net-timeout`: network time per call in ms (default 10 s; 0: none but the call's timeout). */
  timeoutMs?: number;
  /** Name resolution (tests; default `Deno.resolveDns`). */
  resolve?: Resolver;
  /** Extra root certificates, PEM (tests with a local TLS server). */
  caCerts?: string[];
}

/** What a call did on the network, for its diagnostic line (`ToolResult.net`). */
export interface NetStats {
  /** Requests made (each redirect hop counts). */
  requests: number;
  /** Response body bytes received. */
  bytes: number;
  /** Hosts contacted (`host`, or `host:port` for another port than the scheme's), in order. */
  hosts: string[];
  /** Requests refused by a rule or a limit (`denied=porta/fetch:RULE`). */
  refused: number;
  /** Requests that failed on the network. */
  failed: number;
}

/** `${secret:NAME}` in a manifest header value. */
const SECRET_REF = /\$\{secret:([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/**
 * The secret names a manifest header value refers to, or a string saying
 * what is wrong: every `${` must start a `${secret:NAME}` reference.
 */
export function secretRefs(value: string): string[] | string {
  const names: string[] = [];
  const rest = value.replace(SECRET_REF, (_m, name: string) => {
    names.push(name);
    return "";
  });
  if (rest.includes("${")) {
    return 'a "${" must start a ${secret:NAME} reference (NAME: letters, digits, _ . -)';
  }
  return names;
}

/** Every secret name the manifest's `headers` refer to. */
export function manifestSecretNames(
  manifest: Pick<Manifest, "headers">,
): Set<string> {
  const out = new Set<string>();
  for (const headers of Object.values(manifest.headers ?? {})) {
    for (const v of Object.values(headers)) {
      const refs = secretRefs(v);
      if (Array.isArray(refs)) { for (const n of refs) out.add(n); }
    }
  }
  return out;
}

/**
 * The guest's environment: `env` plus the `secrets`, except the secrets
 * the manifest's headers name (Porta's, never the guest's: such a name is
 * left out, also when `env` has it).
 */
export function guestEnvironment(
  env: Record<string, string>,
  secrets: Record<string, string>,
  manifest: Pick<Manifest, "headers">,
): Record<string, string> {
  const withheld = manifestSecretNames(manifest);
  const out = { ...env };
  for (const [k, v] of Object.entries(secrets)) {
    if (!withheld.has(k)) out[k] = v;
    else delete out[k];
  }
  return out;
}

/**
 * The capabilities the operator's network flags grant, added to the
 * profile's bound (`GrantRequest.operatorGrants`; the manifest still
 * narrows them): granting hosts (`--allow-host`) is granting `net`.
 */
export function netOperatorGrants(opts: NetOptions | undefined): Capability[] {
  return (opts?.allowHosts ?? []).length > 0 ? ["net"] : [];
}

/** The per-call network limits of `opts`, defaults filled in. */
export function netLimits(opts: NetOptions): NetLimits {
  return {
    maxRequests: opts.maxRequests ?? DEFAULT_NET_MAX_REQUESTS,
    maxBytes: opts.maxBytes ?? DEFAULT_NET_MAX_BYTES,
    timeoutMs: opts.timeoutMs ?? DEFAULT_NET_TIMEOUT_MS,
  };
}

/** What {@link netGrant} computes: the network an agent gets. */
export interface NetGrant {
  /** Whether the agent has the `net` capability (without it every `porta/fetch` is refused). */
  granted: boolean;
  /**
   * The host patterns `porta/fetch` may reach: the manifest's
   * `allowed_hosts` ∩ `--allow-host` ({@link intersectPatterns}, what the
   * gate allows and the net worker's Deno permissions are made of); empty
   * when `net` is not granted.
   */
  hosts: string[];
  /** Per-call limits (defaults filled in). */
  limits: NetLimits;
  /** `--allow-private-net`. */
  allowPrivateNet: boolean;
}

/**
 * The network grant of an agent, as `Agent.load` gives it: `grants`
 * are its capabilities (resolved with {@link netOperatorGrants}), `opts`
 * the operator's network flags (patterns already checked).
 */
export function netGrant(
  manifest: Pick<Manifest, "allowed_hosts">,
  grants: ReadonlySet<Capability>,
  opts: NetOptions,
): NetGrant {
  const granted = grants.has("net");
  return {
    granted,
    hosts: granted
      ? intersectPatterns(
        (manifest.allowed_hosts ?? []).map((t) => parseHostPattern(t)),
        (opts.allowHosts ?? []).map((t) => parseHostPattern(t)),
      ).map((p) => p.text)
      : [],
    limits: netLimits(opts),
    allowPrivateNet: opts.allowPrivateNet === true,
  };
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True when `name` is an HTTP token (a header name, a method). */
export function isToken(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * The network of one agent: its gate (when it has the `net` capability)
 * and the limits of each call.
 */
export class AgentNet {
  /** The gate; undefined without the `net` capability. */
  readonly gate: NetGate | undefined;
  /** Per-call limits. */
  readonly limits: NetLimits;
  readonly #needles: readonly string[];
  readonly #redact: (t: string) => string;

  private constructor(
    gate: NetGate | undefined,
    limits: NetLimits,
    needles: readonly string[],
    redact: (t: string) => string,
  ) {
    this.gate = gate;
    this.limits = limits;
    this.#needles = needles;
    this.#redact = redact;
  }

  /**
   * Sets up the network of an agent: `granted` says whether it has the
   * `net` capability; `secrets` are the operator's `--secret` values;
   * `needles` and `redact` redact them. Returns the lines of every problem
   * instead when the operator's patterns are invalid or a secret the
   * manifest's headers need is missing (only checked when the network is
   * open: `net` granted and at least one `--allow-host`).
   */
  static create(
    manifest: Manifest,
    granted: boolean,
    opts: NetOptions,
    secrets: Record<string, string>,
    needles: readonly string[],
    redact: (t: string) => string,
  ): AgentNet | string[] {
    const limits = netLimits(opts);
    const problems: string[] = [];
    const operatorHosts: HostPattern[] = [];
    for (const text of opts.allowHosts ?? []) {
      try {
        operatorHosts.push(parseHostPattern(text));
      } catch (e) {
        if (!(e instanceof HostPatternError)) throw e;
        problems.push(`--allow-host: ${e.message}`);
      }
    }
    const manifestHosts = (manifest.allowed_hosts ?? []).map((t) =>
      parseHostPattern(t)
    );
    const hostHeaders: HostHeaders[] = [];
    const open = granted && operatorHosts.length > 0;
    for (const [pattern, headers] of Object.entries(manifest.headers ?? {})) {
      const pairs: [string, string][] = [];
      let secret = false;
      for (const [name, template] of Object.entries(headers)) {
        const refs = secretRefs(template);
        if (!Array.isArray(refs)) continue; // checked with the manifest
        const missing = refs.filter((n) => !Object.hasOwn(secrets, n));
        if (missing.length > 0) {
          if (open) {
            problems.push(
              `manifest headers[${JSON.stringify(pattern)}][${
                JSON.stringify(name)
              }]: secret "${missing[0]}" is not given (pass --secret ${
                missing[0]
              }=VALUE)`,
            );
          }
          continue;
        }
        if (refs.length > 0) secret = true;
        pairs.push([
          name,
          template.replace(SECRET_REF, (_m, n: string) => secrets[n]),
        ]);
      }
      hostHeaders.push({
        pattern: parseHostPattern(pattern),
        headers: pairs,
        secret,
      });
    }
    if (problems.length > 0) return problems;
    const gate = granted
      ? new NetGate({
        manifestHosts,
        operatorHosts,
        allowPrivateNet: opts.allowPrivateNet === true,
        ...(manifest.allowed_methods !== undefined
          ? { methods: manifest.allowed_methods }
          : {}),
        hostHeaders,
        ...(opts.resolve ? { resolve: opts.resolve } : {}),
        ...(opts.caCerts ? { caCerts: opts.caCerts } : {}),
      })
      : undefined;
    return new AgentNet(gate, limits, needles, redact);
  }

  /** The network of one call; `emit` receives each refusal line as it happens. */
  call(emit?: (line: string) => void): NetCall {
    return new NetCall(this, emit, this.#needles, this.#redact);
  }

  /** Stops the gate's worker and proxy. */
  close(): void {
    this.gate?.close();
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const PARAMS = [
  "url",
  "method",
  "headers",
  "body",
  "bodyEncoding",
  "responseEncoding",
];

class Invalid extends Error {}

/** Decodes strict base64 (`atob`'s alphabet, padding optional). */
function fromBase64(text: string): Uint8Array {
  const bin = atob(text.replace(/\s+/g, ""));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** The parts of a request the gate needs, from the guest's params. */
function parseParams(params: Obj): {
  url: string;
  method: string;
  headers: [string, string][];
  body?: Uint8Array;
  responseEncoding?: "text" | "base64";
} {
  for (const k of Object.keys(params)) {
    if (!PARAMS.includes(k)) {
      throw new Invalid(
        `net: unknown parameter ${JSON.stringify(k.slice(0, 40))} (expected ${
          PARAMS.join(", ")
        })`,
      );
    }
  }
  if (typeof params.url !== "string" || params.url === "") {
    throw new Invalid("net: params.url must be a non-empty string");
  }
  let method = "GET";
  if (params.method !== undefined) {
    if (typeof params.method !== "string" || !isToken(params.method)) {
      throw new Invalid("net: params.method must be an HTTP method (a token)");
    }
    method = params.method.toUpperCase();
  }
  const headers: [string, string][] = [];
  if (params.headers !== undefined) {
    if (!isObj(params.headers)) {
      throw new Invalid(
        'net: params.headers must be an object {"name": "value"}',
      );
    }
    const entries = Object.entries(params.headers);
    if (entries.length > MAX_REQUEST_HEADERS) {
      throw new Invalid(
        `net: more than ${MAX_REQUEST_HEADERS} headers in one request`,
      );
    }
    for (const [k, v] of entries) {
      if (!isToken(k) || k.length > 256) {
        throw new Invalid(
          `net: header name ${JSON.stringify(k.slice(0, 60))} is not a token`,
        );
      }
      if (typeof v !== "string") {
        throw new Invalid(`net: header "${k}" must be a string`);
      }
      if (/[\r\n\0]/.test(v) || v.length > MAX_HEADER_VALUE_CHARS) {
        throw new Invalid(
          `net: header "${k}" has CR, LF or NUL, or more than ${MAX_HEADER_VALUE_CHARS} characters`,
        );
      }
      if (FORBIDDEN_HEADERS.has(k.toLowerCase())) {
        throw new NetRefused(
          "header",
          `net: header "${k.toLowerCase()}" is set by Porta, not by the agent`,
        );
      }
      headers.push([k, v]);
    }
  }
  let body: Uint8Array | undefined;
  if (params.body !== undefined) {
    if (typeof params.body !== "string") {
      throw new Invalid("net: params.body must be a string");
    }
    const enc = params.bodyEncoding ?? "text";
    if (enc === "text") body = new TextEncoder().encode(params.body);
    else if (enc === "base64") {
      try {
        body = fromBase64(params.body);
      } catch {
        throw new Invalid("net: params.body is not valid base64");
      }
    } else {
      throw new Invalid('net: params.bodyEncoding must be "text" or "base64"');
    }
    if (body.length > MAX_REQUEST_BODY_BYTES) {
      throw new NetRefused(
        "body",
        `net: the request body is over ${
          MAX_REQUEST_BODY_BYTES / (1024 * 1024)
        } MiB`,
      );
    }
    if (method === "GET" || method === "HEAD") {
      throw new Invalid(`net: a ${method} request cannot have a body`);
    }
  } else if (params.bodyEncoding !== undefined) {
    if (params.bodyEncoding !== "text" && params.bodyEncoding !== "base64") {
      throw new Invalid('net: params.bodyEncoding must be "text" or "base64"');
    }
  }
  const re = params.responseEncoding;
  if (re !== undefined && re !== "text" && re !== "base64") {
    throw new Invalid(
      'net: params.responseEncoding must be "text" or "base64"',
    );
  }
  const out: ReturnType<typeof parseParams> = {
    url: params.url,
    method,
    headers,
  };
  if (body !== undefined) out.body = body;
  if (re !== undefined) out.responseEncoding = re;
  return out;
}

/**
 * The network of one call: answers its `porta/fetch` requests one after
 * the other, counts them and collects the refusal lines.
 */
export class NetCall {
  readonly #net: AgentNet;
  readonly #emit: ((line: string) => void) | undefined;
  readonly #needles: readonly string[];
  readonly #redact: (t: string) => string;
  readonly #usage: NetUsage;
  #queue: Promise<unknown> = Promise.resolve();
  #asked = 0;
  #refused = 0;
  #failed = 0;
  readonly #seen = new Set<string>();
  readonly #rules: string[] = [];
  #more = 0;
  /** The refusal lines of the call (redacted, escaped), in order. */
  readonly lines: string[] = [];

  /** Created by {@link AgentNet.call}. */
  constructor(
    net: AgentNet,
    emit: ((line: string) => void) | undefined,
    needles: readonly string[],
    redact: (t: string) => string,
  ) {
    this.#net = net;
    this.#emit = emit;
    this.#needles = needles;
    this.#redact = redact;
    this.#usage = new NetUsage(net.limits);
  }

  /** Answers one `porta/fetch` request (after the call's earlier ones). */
  handle(params: Obj, signal: AbortSignal): Promise<RequestAnswer> {
    this.#asked++;
    const run = this.#queue.then(() => this.#handle(params, signal));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** What the call did, or undefined when it never asked. */
  stats(): NetStats | undefined {
    if (this.#asked === 0) return undefined;
    return {
      requests: this.#usage.requests,
      bytes: this.#usage.bytes,
      hosts: [...this.#usage.hosts].map((h) => this.#redact(h)),
      refused: this.#refused,
      failed: this.#failed,
    };
  }

  /** `porta/fetch:RULE,...` of the refusals (for `denied=`), "" when none. */
  summary(): string {
    return this.#rules.map((r) => `${FETCH_METHOD}:${r}`).join(",");
  }

  /** The closing line when refusals were not listed, else undefined. */
  moreLine(): string | undefined {
    return this.#more > 0
      ? `[porta] denied: ${this.#more} more ${FETCH_METHOD} refusal(s) not shown (at most ${MAX_NET_REFUSAL_LINES} are listed)`
      : undefined;
  }

  async #handle(params: Obj, signal: AbortSignal): Promise<RequestAnswer> {
    const url = typeof params.url === "string" ? params.url : "";
    if (signal.aborted) {
      return { error: { code: NET_FAILED, message: "net: the call ended" } };
    }
    const gate = this.#net.gate;
    try {
      if (gate === undefined) {
        throw new NetRefused(
          "net",
          'net: the agent does not have the "net" capability (add "net" to the manifest\'s capabilities; the operator grants hosts with --allow-host)',
        );
      }
      const req = parseParams(params);
      const res = await gate.fetch(
        {
          url: req.url,
          method: req.method,
          headers: req.headers,
          ...(req.body ? { body: req.body } : {}),
        },
        this.#usage,
        signal,
      );
      return { result: this.#answer(res, req.responseEncoding) };
    } catch (e) {
      if (e instanceof Invalid) {
        this.#refuse("params", url, e.message);
        return {
          error: { code: NET_INVALID, message: this.#redact(e.message) },
        };
      }
      if (e instanceof NetRefused) {
        this.#refuse(e.rule, url, e.message);
        return {
          error: { code: NET_REFUSED, message: this.#redact(e.message) },
        };
      }
      if (e instanceof NetFailed) {
        this.#failed++;
        return {
          error: { code: NET_FAILED, message: this.#redact(e.message) },
        };
      }
      this.#failed++;
      const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
      return {
        error: { code: NET_FAILED, message: this.#redact(`net: ${why}`) },
      };
    }
  }

  #refuse(rule: string, url: string, message: string): void {
    this.#refused++;
    if (!this.#rules.includes(rule)) this.#rules.push(rule);
    const shownUrl = url.length > 160 ? `${url.slice(0, 157)}...` : url;
    const line = printable(
      this.#redact(
        `[porta] denied: ${FETCH_METHOD}${
          url !== "" ? ` ${JSON.stringify(shownUrl)}` : ""
        }: ${message}`,
      ),
    );
    const key = `${rule}\n${message}`;
    if (this.#seen.has(key)) return;
    if (this.#seen.size >= MAX_NET_REFUSAL_LINES) {
      this.#more++;
      return;
    }
    this.#seen.add(key);
    this.lines.push(line);
    try {
      this.#emit?.(line);
    } catch {
      // a reporting callback never disturbs the call
    }
  }

  /** The `result` of an answer: secrets redacted, the body encoded. */
  #answer(
    res: {
      status: number;
      statusText: string;
      url: string;
      redirects: number;
      headers: [string, string][];
      body: Uint8Array;
    },
    encoding: "text" | "base64" | undefined,
  ): Obj {
    const headers: Record<string, string> = Object.create(null);
    for (const [k, v] of res.headers) {
      const name = this.#clean(k);
      const value = this.#clean(v);
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    let body = res.body;
    if (this.#needles.length > 0 && body.length > 0) {
      const parts: Uint8Array[] = [];
      const r = new StreamRedactor(this.#needles, (b) => void parts.push(b));
      r.write(body);
      r.end();
      let n = 0;
      for (const p of parts) n += p.length;
      body = new Uint8Array(n);
      n = 0;
      for (const p of parts) {
        body.set(p, n);
        n += p.length;
      }
    }
    let text: string | undefined;
    if (encoding !== "base64") {
      try {
        text = new TextDecoder("utf-8", { fatal: encoding === undefined })
          .decode(body);
      } catch {
        text = undefined; // not UTF-8: base64
      }
    }
    return {
      status: res.status,
      statusText: this.#clean(res.statusText),
      url: this.#clean(res.url),
      redirects: res.redirects,
      headers: { ...headers },
      body: text ?? toBase64(body),
      bodyEncoding: text !== undefined ? "text" : "base64",
    };
  }

  #clean(s: string): string {
    return this.#needles.length > 0 ? redactText(s, this.#needles) : s;
  }
}
