/**
 * The net worker (wall c of `porta/fetch`): a Deno Worker started by
 * `net.ts` with `net` permission for the effective allowed hosts and
 * Porta's pinning proxy (`net_proxy.ts`) only, and no read, write, env,
 * run, ffi, sys or import permission. It makes the HTTP requests Porta has
 * already checked, one per message, through the proxy, never following
 * redirects (Porta follows them itself, checking each hop).
 *
 * Deno checks every request's host against the worker's `net` permission:
 * a host that is not on the list is refused by Deno itself (`NotCapable`),
 * whatever the main thread asked. The check never prompts: before each
 * request the worker asks `Deno.permissions.querySync` (which never
 * prompts) and refuses at once unless the host is granted, so a terminal
 * without `--no-prompt` cannot widen the list either. (A worker started
 * with `guard: false`, for tests only, leaves the refusal to `fetch`.)
 *
 * Protocol (structured clone):
 * - in: `{t: "fetch", id, url, method, headers, body?, proxy: {url,
 *   username, password}, maxBytes, skipRedirectBody, caCerts?}`;
 *   `{t: "abort", id}`.
 * - out: `{t: "ready"}` once, when the worker runs;
 *   `{t: "response", id, status, statusText, headers, body, over}`
 *   (`over`: the body was longer than `maxBytes`; `body` holds the first
 *   `maxBytes` bytes); `{t: "error", id, name, message}`.
 *
 * @module
 */

/** A request message. */
export interface NetFetchMessage {
  /** Discriminator. */
  t: "fetch";
  /** Request id, echoed in the reply. */
  id: number;
  /** The URL. */
  url: string;
  /** The method. */
  method: string;
  /** Header pairs. */
  headers: [string, string][];
  /** The body, when there is one. */
  body?: Uint8Array;
  /** The proxy and this request's one-time credential. */
  proxy: { url: string; username: string; password: string };
  /** Response body bytes to keep at most. */
  maxBytes: number;
  /** Do not read the body of a redirect (3xx with `location`). */
  skipRedirectBody: boolean;
  /** Extra root certificates (PEM), for tests. */
  caCerts?: string[];
}

/** An abort message: the request `id` is abandoned. */
export interface NetAbortMessage {
  /** Discriminator. */
  t: "abort";
  /** The request. */
  id: number;
}

/** Sent once at start: `guard: false` leaves permission refusals to `fetch` itself (tests). */
export interface NetInitMessage {
  /** Discriminator. */
  t: "init";
  /** Check the permission with `querySync` before each request (default true). */
  guard: boolean;
}

/** A reply of the net worker. */
export type NetReply =
  | {
    /** The worker runs (sent once, first). */
    t: "ready";
    /** Always 0. */
    id: 0;
  }
  | {
    /** A response. */
    t: "response";
    /** Request id. */
    id: number;
    /** HTTP status. */
    status: number;
    /** Status text. */
    statusText: string;
    /** Response header pairs (lower-case names). */
    headers: [string, string][];
    /** The body bytes read (at most `maxBytes`). */
    body: Uint8Array;
    /** True when the body was longer than `maxBytes` (reading stopped). */
    over: boolean;
  }
  | {
    /** The request failed. */
    t: "error";
    /** Request id. */
    id: number;
    /** Error name (`NotCapable`, `TypeError`, `AbortError`...). */
    name: string;
    /** First line of its message (and of its cause's). */
    message: string;
  };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: NetReply, transfer?: Transferable[]): void;
  addEventListener(type: string, fn: (e: Event) => void): void;
};

// an escaped error is reported as a failed request, never as Deno's own
// stack trace on stderr
scope.addEventListener("error", (e) => e.preventDefault());
scope.addEventListener("unhandledrejection", (e) => e.preventDefault());

let guard = true;
const running = new Map<number, AbortController>();

function firstLine(v: unknown): string {
  const text = v instanceof Error ? v.message : String(v);
  return text.split("\n")[0].slice(0, 500);
}

async function run(m: NetFetchMessage): Promise<void> {
  const abort = new AbortController();
  running.set(m.id, abort);
  let client: Deno.HttpClient | undefined;
  try {
    const url = new URL(m.url);
    if (guard) {
      const state = Deno.permissions.querySync({ name: "net", host: url.host })
        .state;
      if (state !== "granted") {
        throw new Deno.errors.NotCapable(
          `Requires net access to "${url.host}" (not granted to Porta's net worker)`,
        );
      }
    }
    client = Deno.createHttpClient({
      proxy: {
        url: m.proxy.url,
        basicAuth: { username: m.proxy.username, password: m.proxy.password },
      },
      poolMaxIdlePerHost: 0,
      ...(m.caCerts ? { caCerts: m.caCerts } : {}),
    });
    const res = await fetch(url, {
      method: m.method,
      headers: m.headers,
      ...(m.body !== undefined ? { body: m.body as BufferSource } : {}),
      redirect: "manual",
      client,
      signal: abort.signal,
    });
    const headers: [string, string][] = [];
    res.headers.forEach((v, k) => headers.push([k, v]));
    const redirect = res.status >= 300 && res.status < 400 &&
      res.headers.has("location");
    const chunks: Uint8Array[] = [];
    let kept = 0;
    let over = false;
    if (res.body !== null && !(redirect && m.skipRedirectBody)) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const room = m.maxBytes - kept;
        if (value.length > room) {
          if (room > 0) chunks.push(value.subarray(0, room));
          kept += Math.max(0, room);
          over = true;
          await reader.cancel().catch(() => {});
          break;
        }
        chunks.push(value);
        kept += value.length;
      }
    } else {
      await res.body?.cancel().catch(() => {});
    }
    const body = new Uint8Array(kept);
    let off = 0;
    for (const c of chunks) {
      body.set(c, off);
      off += c.length;
    }
    scope.postMessage({
      t: "response",
      id: m.id,
      status: res.status,
      statusText: res.statusText,
      headers,
      body,
      over,
    }, [body.buffer]);
  } catch (e) {
    const name = e instanceof Error ? e.name : "Error";
    const cause = e instanceof Error && e.cause !== undefined
      ? `: ${firstLine(e.cause)}`
      : "";
    scope.postMessage({
      t: "error",
      id: m.id,
      name,
      message: `${firstLine(e)}${cause}`.slice(0, 600),
    });
  } finally {
    running.delete(m.id);
    try {
      client?.close();
    } catch {
      // already closed
    }
  }
}

scope.onmessage = (e: MessageEvent) => {
  const m = e.data as NetFetchMessage | NetAbortMessage | NetInitMessage;
  if (m.t === "init") guard = m.guard !== false;
  else if (m.t === "abort") running.get(m.id)?.abort();
  else if (m.t === "fetch") void run(m);
};

scope.postMessage({ t: "ready", id: 0 });
