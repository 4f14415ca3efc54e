/**
 * The gate of agents' HTTP requests (`porta/fetch`): one per agent, shared
 * by its calls. Each request is checked and made by Porta, never by the
 * guest, behind three walls:
 *
 * - **(a) Policy** (`net_policy.ts`): the URL (`http:`/`https:`, no user
 *   information), the host against the manifest's `allowed_hosts` AND the
 *   operator's `--allow-host`, the method against the allowed methods, the
 *   per-call limits (requests, response bytes, network time), on the first
 *   URL and again on every redirect hop (Porta follows redirects itself, at
 *   most {@link MAX_REDIRECTS}).
 * - **(b) Addresses**: the host is resolved (`Deno.resolveDns`, A and
 *   AAAA; `localhost` and `*.localhost` are loopback by definition; an IP
 *   literal is itself) and EVERY address must be public, unless the
 *   operator passes `--allow-private-net`; cloud metadata addresses and
 *   names are refused always. The connection is then made by Porta's
 *   pinning proxy (`net_proxy.ts`) to one of exactly these addresses: no
 *   second resolution, so no DNS-rebinding window between check and
 *   connect.
 * - **(c) Deno**: the request itself runs in the net worker
 *   (`net_worker.ts`), whose only Deno permission is `net` for the
 *   effective allowed hosts ({@link denoNetPermissions}) and the proxy.
 *
 * Headers the manifest attaches to a host (secrets resolved by the agent
 * layer, see `src/agent/net.ts`) are added per hop, only when the hop's
 * host matches the pattern they were declared for; a header holding a
 * secret is sent over `https:` only (or to a loopback name: `localhost`,
 * `127.x.x.x`, `[::1]`), else the hop is refused. On a redirect to another
 * origin the request's own `authorization` and `cookie` headers are
 * dropped; 303 (and 301/302 after a POST) continue as GET without a body.
 *
 * Requests of one call are counted in a {@link NetUsage}: each hop is one
 * request (`--net-max-requests`), response bodies count against
 * `--net-max-bytes` (read as a stream: reading stops at the limit, so a
 * large or endless body costs no more), and the time of each hop (DNS,
 * connection, response, body) against `--net-timeout`.
 *
 * @module
 */

import {
  type CheckedUrl,
  checkUrl,
  classifyAddress,
  denoNetPermissions,
  hostAllowed,
  type HostPattern,
  intersectPatterns,
  isLoopbackName,
  METADATA_HOSTNAMES,
  parseIPv4,
  patternMatches,
  UrlRefused,
} from "./net_policy.ts";
import { type Admission, NetProxy } from "./net_proxy.ts";
import type { NetFetchMessage, NetReply } from "./net_worker.ts";
import { netWorkerPermissions } from "./permissions.ts";

/** Redirects followed at most per request. */
export const MAX_REDIRECTS = 5;

/** Requests (hops) one call may make unless `--net-max-requests` says otherwise. */
export const DEFAULT_NET_MAX_REQUESTS = 16;

/** Response body bytes one call may receive unless `--net-max-bytes` says otherwise: 4 MiB. */
export const DEFAULT_NET_MAX_BYTES = 4 * 1024 * 1024;

/** Network time of one call unless `--net-timeout` says otherwise: 10 s. */
export const DEFAULT_NET_TIMEOUT_MS = 10_000;

/** The largest request body an agent may send: 1 MiB. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Methods allowed when the manifest does not list `allowed_methods`. */
export const DEFAULT_ALLOWED_METHODS: readonly string[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
];

/** Methods a manifest's `allowed_methods` may list. */
export const KNOWN_METHODS: readonly string[] = [
  ...DEFAULT_ALLOWED_METHODS,
  "OPTIONS",
];

/** Redirect statuses Porta follows (with a `location` header). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A request refused by a rule of Porta's policy; `rule` names it. */
export class NetRefused extends Error {
  /**
   * The rule: `net` (no capability), `url`, `scheme`, `host`, `address`,
   * `metadata`, `method`, `header`, `https`, `body`, `requests`, `bytes`,
   * `timeout`, `redirects`, `deno` (refused by Deno's permission itself).
   */
  readonly rule: string;
  /** Creates the error; `message` starts with `net: ` and names the rule. */
  constructor(rule: string, message: string) {
    super(message);
    this.name = "NetRefused";
    this.rule = rule;
  }
}

/** A request that failed on the network (resolution, connection, TLS...). */
export class NetFailed extends Error {
  /** Creates the error; the message is one line starting with `net: `. */
  constructor(message: string) {
    super(message);
    this.name = "NetFailed";
  }
}

/** Per-call limits. */
export interface NetLimits {
  /** Requests (hops) per call. */
  maxRequests: number;
  /** Response body bytes per call. */
  maxBytes: number;
  /** Network time per call in milliseconds (0: no limit but the call's own timeout). */
  timeoutMs: number;
}

/** What one call has used so far (updated by {@link NetGate.fetch}). */
export class NetUsage {
  /** The call's limits. */
  readonly limits: NetLimits;
  /** Requests made (each redirect hop counts). */
  requests = 0;
  /** Response body bytes received. */
  bytes = 0;
  /** Network time spent, in milliseconds. */
  spentMs = 0;
  /** Hosts contacted (`host` or `host:port`), in order. */
  readonly hosts: Set<string> = new Set();

  /** Creates the usage of one call under `limits`. */
  constructor(limits: NetLimits) {
    this.limits = limits;
  }

  /** Milliseconds of network time left (Infinity without a limit). */
  get timeLeft(): number {
    return this.limits.timeoutMs > 0
      ? this.limits.timeoutMs - this.spentMs
      : Infinity;
  }
}

/** A request as the agent layer hands it over (already validated). */
export interface NetRequest {
  /** Absolute URL. */
  url: string;
  /** Method, upper case. */
  method: string;
  /** Header pairs of the agent (names checked by the agent layer). */
  headers: [string, string][];
  /** The body, when there is one. */
  body?: Uint8Array;
}

/** A response as the gate hands it back. */
export interface NetResponse {
  /** HTTP status. */
  status: number;
  /** Status text. */
  statusText: string;
  /** The URL of the response (after redirects). */
  url: string;
  /** Redirects followed. */
  redirects: number;
  /** Header pairs (lower-case names). */
  headers: [string, string][];
  /** The body. */
  body: Uint8Array;
}

/** Headers the manifest attaches to a host pattern (values already resolved). */
export interface HostHeaders {
  /** The pattern they were declared for. */
  pattern: HostPattern;
  /** Header pairs. */
  headers: [string, string][];
  /** True when a value holds a secret (sent over https or to loopback names only). */
  secret: boolean;
}

/** Resolves a host name to IP addresses (A and AAAA). */
export type Resolver = (host: string, signal: AbortSignal) => Promise<string[]>;

/** Options of {@link NetGate}. */
export interface NetGateOptions {
  /** The manifest's `allowed_hosts`. */
  manifestHosts: readonly HostPattern[];
  /** The operator's `--allow-host` patterns. */
  operatorHosts: readonly HostPattern[];
  /** `--allow-private-net`: non-public addresses are allowed (metadata never). */
  allowPrivateNet?: boolean;
  /** Methods allowed (upper case). */
  methods?: readonly string[];
  /** Headers per host pattern (see {@link HostHeaders}). */
  hostHeaders?: readonly HostHeaders[];
  /**
   * Name resolution (default: `Deno.resolveDns` A and AAAA). Tests inject
   * one to give names private addresses; the proxy connects to what it
   * returns.
   */
  resolve?: Resolver;
  /** Extra root certificates (PEM) for `https:` (tests with a local TLS server). */
  caCerts?: string[];
  /** The net worker script (tests). */
  workerUrl?: URL | string;
  /**
   * Let `fetch` itself refuse a host outside the worker's permission
   * instead of checking `Deno.permissions.querySync` first (tests of wall
   * c; with a terminal and without `--no-prompt` Deno would then prompt).
   */
  unguardedWorker?: boolean;
}

const DEFAULT_WORKER_URL = new URL("./net_worker.ts", import.meta.url);

/** At most this many addresses of one name are checked and tried. */
const MAX_ADDRESSES = 32;

/** The default resolver: `Deno.resolveDns` A and AAAA, together. */
export const defaultResolver: Resolver = async (host, signal) => {
  const [a, aaaa] = await Promise.allSettled([
    Deno.resolveDns(host, "A", { signal }),
    Deno.resolveDns(host, "AAAA", { signal }),
  ]);
  const out: string[] = [];
  if (a.status === "fulfilled") out.push(...a.value);
  if (aaaa.status === "fulfilled") out.push(...aaaa.value);
  if (out.length === 0) {
    const why = a.status === "rejected" ? a.reason : undefined;
    throw new NetFailed(
      `net: cannot resolve "${host}"${
        why instanceof Error ? ` (${why.name})` : ""
      }`,
    );
  }
  return out;
};

function mib(n: number): string {
  return n % (1024 * 1024) === 0
    ? `${n / (1024 * 1024)} MiB`
    : n % 1024 === 0
    ? `${n / 1024} KiB`
    : `${n} bytes`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Origin of a checked URL (for the cross-origin rule). */
function originOf(c: CheckedUrl): string {
  return `${c.url.protocol}//${c.host}:${c.port}`;
}

/** The gate (see the module documentation). */
export class NetGate {
  readonly #o: NetGateOptions;
  /** The patterns allowed by both lists. */
  readonly allowed: readonly HostPattern[];
  readonly #methods: ReadonlySet<string>;
  #proxy: NetProxy | undefined;
  #worker: Worker | undefined;
  /** Settles when the current worker runs. */
  #ready: Promise<void> | undefined;
  /** Rejects {@link NetGate.#ready} (the worker failed, or the gate closed). */
  #readyFail: ((e: Error) => void) | undefined;
  #pending = new Map<number, (r: NetReply) => void>();
  #nextId = 1;
  #closed = false;

  /** Creates the gate; nothing is started until the first request. */
  constructor(o: NetGateOptions) {
    this.#o = o;
    this.allowed = intersectPatterns(o.manifestHosts, o.operatorHosts);
    this.#methods = new Set(o.methods ?? DEFAULT_ALLOWED_METHODS);
  }

  /** The Deno `net` permission entries of the net worker, without the proxy's. */
  get denoPermissions(): string[] {
    return denoNetPermissions(this.allowed);
  }

  /**
   * Makes a request, following redirects; `usage` is the call's. Rejects
   * with {@link NetRefused} (a rule refused it: nothing more was sent) or
   * {@link NetFailed} (the network failed).
   */
  async fetch(
    req: NetRequest,
    usage: NetUsage,
    signal?: AbortSignal,
  ): Promise<NetResponse> {
    if (this.#closed) throw new NetFailed("net: the agent is closed");
    let current = this.#check(() => checkUrl(req.url), false);
    let method = req.method;
    let body = req.body;
    let headers = req.headers;
    for (let redirects = 0;; redirects++) {
      const via = redirects > 0;
      this.#checkHost(current, via);
      if (!this.#methods.has(method)) {
        throw new NetRefused(
          "method",
          `net: method "${method.slice(0, 40)}" is not allowed (allowed: ${
            [...this.#methods].join(", ")
          })`,
        );
      }
      if (usage.requests >= usage.limits.maxRequests) {
        throw new NetRefused(
          "requests",
          `net: request limit reached: ${usage.limits.maxRequests} per call (--net-max-requests; every redirect counts)`,
        );
      }
      const hopHeaders = this.#headersFor(current, headers, via);
      // starting the net worker is not the call's network time
      await this.#started(signal);
      const left = usage.timeLeft;
      if (left <= 0) throw this.#timeout(usage);
      const t0 = performance.now();
      let reply: Extract<NetReply, { t: "response" }>;
      try {
        const addresses = await this.#resolve(current, left, usage, signal);
        usage.requests++;
        usage.hosts.add(current.display);
        reply = await this.#send(
          current,
          method,
          hopHeaders,
          body,
          addresses,
          usage,
          t0,
          signal,
        );
      } finally {
        usage.spentMs += performance.now() - t0;
      }
      const location = reply.headers.find(([k]) => k === "location")?.[1];
      if (REDIRECT_STATUSES.has(reply.status) && location !== undefined) {
        if (redirects >= MAX_REDIRECTS) {
          throw new NetRefused(
            "redirects",
            `net: more than ${MAX_REDIRECTS} redirects (last to ${
              JSON.stringify(location.slice(0, 200))
            })`,
          );
        }
        const next = this.#check(() => checkUrl(location, current.url), true);
        if (
          reply.status === 303 ||
          ((reply.status === 301 || reply.status === 302) && method === "POST")
        ) {
          if (method !== "HEAD") method = "GET";
          body = undefined;
          headers = headers.filter(([k]) =>
            !/^content-(type|encoding|language|location)$/i.test(k)
          );
        }
        if (originOf(next) !== originOf(current)) {
          headers = headers.filter(([k]) =>
            !/^(authorization|cookie)$/i.test(k)
          );
        }
        current = next;
        continue;
      }
      return {
        status: reply.status,
        statusText: reply.statusText,
        url: current.url.href,
        redirects,
        headers: reply.headers,
        body: reply.body,
      };
    }
  }

  /** Stops the net worker and the proxy. */
  close(): void {
    this.#closed = true;
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#readyFail?.(new NetFailed("net: the agent is closed"));
    this.#ready = undefined;
    this.#proxy?.close();
    this.#proxy = undefined;
    for (const resolve of this.#pending.values()) {
      resolve({ t: "error", id: 0, name: "Closed", message: "closed" });
    }
    this.#pending.clear();
  }

  #check(f: () => CheckedUrl, via: boolean): CheckedUrl {
    try {
      return f();
    } catch (e) {
      if (e instanceof UrlRefused) {
        throw new NetRefused(
          e.rule,
          via ? e.message.replace(/^net: /, "net: redirect: ") : e.message,
        );
      }
      throw e;
    }
  }

  /** Wall (a): the host against both lists, and metadata names. */
  #checkHost(c: CheckedUrl, via: boolean): void {
    const what = `${via ? "redirect to " : ""}host "${c.display}"`;
    if (METADATA_HOSTNAMES.has(c.host)) {
      throw new NetRefused(
        "metadata",
        `net: ${what} is a cloud metadata service (always refused)`,
      );
    }
    const { manifestHosts: m, operatorHosts: o } = this.#o;
    const proto = c.url.protocol;
    if (hostAllowed(m, o, c.host, c.port, proto)) return;
    const shown = this.allowed.slice(0, 10).map((p) => p.text).join(", ") +
      (this.allowed.length > 10 ? ", ..." : "");
    const allowed = this.allowed.length > 0
      ? `allowed: ${shown}`
      : m.length === 0
      ? "the manifest lists no allowed_hosts"
      : o.length === 0
      ? "the operator allowed no host: --allow-host"
      : "allowed: none; the manifest's allowed_hosts and --allow-host have nothing in common";
    const inManifest = m.some((p) => patternMatches(p, c.host, c.port, proto));
    const inOperator = o.some((p) => patternMatches(p, c.host, c.port, proto));
    const side = inManifest && !inOperator && o.length > 0
      ? " by the operator (--allow-host)"
      : !inManifest && inOperator
      ? " by the manifest (allowed_hosts)"
      : "";
    throw new NetRefused(
      "host",
      `net: ${what} is not allowed${side} (${allowed})`,
    );
  }

  /** The hop's headers: the request's, then the manifest's for this host. */
  #headersFor(
    c: CheckedUrl,
    own: [string, string][],
    via: boolean,
  ): [string, string][] {
    const out = new Map<string, [string, string]>();
    for (const [k, v] of own) {
      const key = k.toLowerCase();
      const prev = out.get(key);
      out.set(key, prev ? [prev[0], `${prev[1]}, ${v}`] : [k, v]);
    }
    const entries = (this.#o.hostHeaders ?? []).filter((h) =>
      patternMatches(h.pattern, c.host, c.port, c.url.protocol)
    );
    // wildcard declarations first: an exact host's headers win
    entries.sort((a, b) =>
      (a.pattern.kind === "wildcard" ? 0 : 1) -
      (b.pattern.kind === "wildcard" ? 0 : 1)
    );
    for (const h of entries) {
      if (
        h.secret && c.url.protocol !== "https:" && !isLoopbackName(c.host)
      ) {
        throw new NetRefused(
          "https",
          `net: ${
            via ? "redirect to " : ""
          }${c.url.protocol}//${c.display}: the manifest's headers for ${h.pattern.text} hold a secret, which is sent over https only`,
        );
      }
      for (const [k, v] of h.headers) out.set(k.toLowerCase(), [k, v]);
    }
    return [...out.values()];
  }

  #timeout(usage: NetUsage): NetRefused {
    return new NetRefused(
      "timeout",
      `net: timeout: the call's network time reached ${
        seconds(usage.limits.timeoutMs)
      } (--net-timeout)`,
    );
  }

  /** Wall (b): resolves the host; every address must be allowed. */
  async #resolve(
    c: CheckedUrl,
    left: number,
    usage: NetUsage,
    signal: AbortSignal | undefined,
  ): Promise<string[]> {
    let addresses: string[];
    if (parseIPv4(c.host) !== undefined || c.host.startsWith("[")) {
      addresses = [c.host];
    } else if (isLoopbackName(c.host)) {
      addresses = ["127.0.0.1", "[::1]"];
    } else {
      const resolve = this.#o.resolve ?? defaultResolver;
      const abort = new AbortController();
      const stop = () => abort.abort();
      signal?.addEventListener("abort", stop, { once: true });
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const found = await Promise.race([
          resolve(c.host, abort.signal),
          new Promise<never>((_, reject) => {
            if (Number.isFinite(left)) {
              timer = setTimeout(() => {
                abort.abort();
                reject(this.#timeout(usage));
              }, left);
            }
          }),
        ]);
        addresses = found.slice(0, MAX_ADDRESSES).map((a) =>
          a.includes(":") && !a.startsWith("[") ? `[${a}]` : a
        );
      } catch (e) {
        if (e instanceof NetRefused || e instanceof NetFailed) throw e;
        throw new NetFailed(
          `net: cannot resolve "${c.host}": ${
            e instanceof Error ? e.message.split("\n")[0] : String(e)
          }`,
        );
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", stop);
      }
      if (addresses.length === 0) {
        throw new NetFailed(`net: cannot resolve "${c.host}"`);
      }
    }
    for (const a of addresses) {
      const k = classifyAddress(a);
      const bare = a.startsWith("[") ? a.slice(1, -1) : a;
      const names = bare === c.host || a === c.host
        ? `address ${bare} is`
        : `"${c.host}" resolves to ${bare},`;
      if (k.metadata) {
        throw new NetRefused(
          "metadata",
          `net: ${names} a cloud metadata address (always refused)`,
        );
      }
      if (!k.public && !this.#o.allowPrivateNet) {
        throw new NetRefused(
          "address",
          `net: ${names} a${
            /^[aeiou]/.test(k.kind) ? "n" : ""
          } ${k.kind} address (refused without --allow-private-net)`,
        );
      }
    }
    return addresses;
  }

  /** Starts the proxy and the net worker if needed; settles once the worker runs. */
  async #started(signal: AbortSignal | undefined): Promise<void> {
    this.#start();
    const ready = this.#ready!;
    if (signal === undefined) return await ready;
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        ready,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(new NetFailed("net: the call ended"));
          if (signal.aborted) onAbort();
          else signal.addEventListener("abort", onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  /** Starts the proxy and the net worker on first use. */
  #start(): { proxy: NetProxy; worker: Worker } {
    // Porta itself must be allowed the network: never a permission prompt
    // (on a terminal Deno would ask; in serve, stdin is the MCP stream)
    if (Deno.permissions.querySync({ name: "net" }).state !== "granted") {
      throw new NetFailed(
        "net: Porta itself has no network permission: run Deno with --allow-net (or -A)",
      );
    }
    if (this.#proxy === undefined) {
      try {
        this.#proxy = NetProxy.start();
      } catch (e) {
        throw new NetFailed(
          `net: Porta cannot open its local proxy (${
            e instanceof Error ? e.name : "error"
          }); run Deno with --allow-net (or -A)`,
        );
      }
    }
    if (this.#worker === undefined) {
      let worker: Worker;
      try {
        worker = new Worker(this.#o.workerUrl ?? DEFAULT_WORKER_URL, {
          type: "module",
          name: "porta-net",
          deno: {
            permissions: netWorkerPermissions([
              ...this.denoPermissions,
              this.#proxy.hostPort,
            ]),
          },
        } as WorkerOptions);
      } catch (e) {
        throw new NetFailed(
          `net: cannot start the net worker: ${
            e instanceof Error ? e.message.split("\n")[0] : String(e)
          } (Porta itself needs --allow-net, or -A, and --unstable-worker-options)`,
        );
      }
      let ready = () => {};
      let failed = (_e: Error) => {};
      this.#ready = new Promise<void>((resolve, reject) => {
        ready = resolve;
        failed = reject;
      });
      this.#readyFail = failed;
      this.#ready.catch(() => {});
      worker.onmessage = (e: MessageEvent<NetReply>) => {
        if (e.data.t === "ready") return ready();
        const resolve = this.#pending.get(e.data.id);
        if (resolve) {
          this.#pending.delete(e.data.id);
          resolve(e.data);
        }
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        const message = String(e.message).split("\n")[0];
        for (const [id, resolve] of this.#pending) {
          resolve({ t: "error", id, name: "WorkerError", message });
        }
        this.#pending.clear();
        failed(new NetFailed(`net: the net worker failed: ${message}`));
        worker.terminate();
        if (this.#worker === worker) {
          this.#worker = undefined;
          this.#ready = undefined;
        }
      };
      worker.postMessage({
        t: "init",
        guard: this.#o.unguardedWorker !== true,
      });
      this.#worker = worker;
    }
    return { proxy: this.#proxy, worker: this.#worker };
  }

  /** One hop through the net worker and the proxy. */
  async #send(
    c: CheckedUrl,
    method: string,
    headers: [string, string][],
    body: Uint8Array | undefined,
    addresses: string[],
    usage: NetUsage,
    t0: number,
    signal: AbortSignal | undefined,
  ): Promise<Extract<NetReply, { t: "response" }>> {
    const { proxy, worker } = this.#start();
    const left = usage.timeLeft - (performance.now() - t0);
    if (left <= 0) throw this.#timeout(usage);
    const admission: Admission = proxy.admit({
      host: c.host,
      port: c.port,
      addresses,
      connectTimeoutMs: Math.min(left, 30_000),
    });
    const id = this.#nextId++;
    const msg: NetFetchMessage = {
      t: "fetch",
      id,
      url: c.url.href,
      method,
      headers,
      proxy: {
        url: admission.proxyUrl,
        username: admission.username,
        password: admission.password,
      },
      maxBytes: Math.max(0, usage.limits.maxBytes - usage.bytes),
      skipRedirectBody: true,
    };
    if (body !== undefined) msg.body = body;
    if (this.#o.caCerts) msg.caCerts = this.#o.caCerts;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    let reply: NetReply;
    try {
      reply = await new Promise<NetReply>((resolve, reject) => {
        this.#pending.set(id, resolve);
        const stop = (e: Error) => {
          this.#pending.delete(id);
          worker.postMessage({ t: "abort", id });
          reject(e);
        };
        if (Number.isFinite(left)) {
          timer = setTimeout(() => stop(this.#timeout(usage)), left);
        }
        onAbort = () => stop(new NetFailed("net: the call ended"));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });
        worker.postMessage(msg);
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
      admission.release();
    }
    const failure = admission.failure;
    if (failure !== undefined) throw new NetFailed(`net: ${failure}`);
    if (reply.t !== "response") {
      if (reply.t === "error" && reply.name === "NotCapable") {
        throw new NetRefused(
          "deno",
          `net: refused by Deno's permissions of the net worker: ${reply.message}`,
        );
      }
      throw new NetFailed(
        `net: request to ${c.display} failed: ${
          reply.t === "error" ? reply.message : "no answer"
        }`,
      );
    }
    usage.bytes += reply.body.length;
    if (reply.over) {
      throw new NetRefused(
        "bytes",
        `net: the response body of ${c.display} is over the limit of ${
          mib(usage.limits.maxBytes)
        } per call (--net-max-bytes)`,
      );
    }
    return reply;
  }
}
