/**
 * The pinning proxy of `porta/fetch`: closes the DNS-rebinding window
 * between Porta's address check (wall b) and the connection.
 *
 * The net worker (`net_worker.ts`) never connects to a server itself: its
 * HTTP client is told to use this proxy, which listens on 127.0.0.1 in the
 * main thread. Before each request (each redirect hop), Porta resolves the
 * host, checks every address ({@link NetProxy.admit} receives them) and
 * hands the worker a one-time credential. The proxy accepts a connection
 * only with such a credential, only to the host and port it was issued for,
 * and connects only to the addresses Porta checked: a name that resolves
 * to a public address when checked and to an internal one a moment later
 * is never resolved again.
 *
 * - `https:`: the client sends `CONNECT host:port`; the proxy connects to
 *   a checked address and relays bytes. TLS runs end to end between the
 *   worker and the server (the certificate is checked for the URL's host).
 * - `http:`: the client sends the request in absolute form
 *   (`GET http://host:port/path HTTP/1.1`); the proxy rewrites the request
 *   line to origin form, removes the proxy and hop-by-hop headers, adds
 *   `connection: close`, and relays the rest.
 *
 * A credential is good for one connection; {@link Admission.release}
 * revokes it and closes its connections (the request ended, timed out or
 * was cancelled). Connections without a valid credential get `407` and are
 * closed. Request heads are at most {@link MAX_HEAD_BYTES}.
 *
 * @module
 */

/** The largest request head the proxy reads (request line and headers). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** How long a client may take to send its request head. */
const HEAD_TIMEOUT_MS = 10_000;

/** What a credential allows: one connection to `host:port`, at `addresses`. */
export interface ProxyTarget {
  /** The host as the URL names it (IPv6 literals in brackets). */
  host: string;
  /** The port. */
  port: number;
  /** The checked addresses to connect to, in order of preference. */
  addresses: readonly string[];
  /** Milliseconds allowed to connect (all addresses together). */
  connectTimeoutMs?: number;
}

/** A credential issued by {@link NetProxy.admit}. */
export interface Admission {
  /** The proxy URL (`http://127.0.0.1:PORT`). */
  proxyUrl: string;
  /** The user name of the one-time credential. */
  username: string;
  /** Its password. */
  password: string;
  /** Why the proxy failed this request (could not connect...), once known. */
  readonly failure: string | undefined;
  /** The address the proxy connected to, once connected. */
  readonly connectedTo: string | undefined;
  /** Revokes the credential and closes its connections. */
  release(): void;
}

interface Entry {
  target: ProxyTarget;
  password: string;
  used: boolean;
  released: boolean;
  conns: Set<Deno.Conn>;
  failure?: string;
  connectedTo?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function token(): string {
  const b = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b)).replace(/[+/=]/g, "x");
}

function indexOfHeadEnd(buf: Uint8Array, n: number): number {
  for (let i = 3; i < n; i++) {
    if (
      buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 &&
      buf[i - 3] === 13
    ) return i + 1;
  }
  return -1;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

function closeQuietly(c: Deno.Conn): void {
  try {
    c.close();
  } catch {
    // already closed
  }
}

/** The loopback proxy (see the module documentation); one per agent. */
export class NetProxy {
  readonly #listener: Deno.Listener;
  readonly #entries = new Map<string, Entry>();
  readonly #open = new Set<Deno.Conn>();
  #closed = false;

  private constructor(listener: Deno.Listener) {
    this.#listener = listener;
    this.#accept();
  }

  /** Starts listening on 127.0.0.1 (an ephemeral port). */
  static start(): NetProxy {
    return new NetProxy(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  }

  /** The proxy's `host:port` (for the net worker's Deno permission). */
  get hostPort(): string {
    return `127.0.0.1:${(this.#listener.addr as Deno.NetAddr).port}`;
  }

  /** The proxy URL (`http://127.0.0.1:PORT`). */
  get url(): string {
    return `http://${this.hostPort}`;
  }

  /** Issues a one-time credential for one connection to `target`. */
  admit(target: ProxyTarget): Admission {
    const username = token();
    const entry: Entry = {
      target,
      password: token(),
      used: false,
      released: false,
      conns: new Set(),
    };
    this.#entries.set(username, entry);
    const release = () => {
      if (entry.released) return;
      entry.released = true;
      this.#entries.delete(username);
      for (const c of entry.conns) closeQuietly(c);
      entry.conns.clear();
    };
    return {
      proxyUrl: this.url,
      username,
      password: entry.password,
      get failure() {
        return entry.failure;
      },
      get connectedTo() {
        return entry.connectedTo;
      },
      release,
    };
  }

  /** Stops listening and closes every connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const c of this.#open) closeQuietly(c);
    this.#open.clear();
    this.#entries.clear();
  }

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // closed
      }
      if (this.#closed) {
        closeQuietly(conn);
        return;
      }
      this.#open.add(conn);
      this.#serve(conn).catch(() => {}).finally(() => {
        this.#open.delete(conn);
        closeQuietly(conn);
      });
    }
  }

  async #reply(conn: Deno.Conn, status: string): Promise<void> {
    try {
      await writeAll(
        conn,
        encoder.encode(
          `HTTP/1.1 ${status}\r\n${
            status.startsWith("407") ? "proxy-authenticate: Basic\r\n" : ""
          }connection: close\r\ncontent-length: 0\r\n\r\n`,
        ),
      );
    } catch {
      // the client went away
    }
  }

  /** Reads the request head; [head text, bytes after it] or undefined. */
  async #readHead(
    conn: Deno.Conn,
  ): Promise<[string, Uint8Array] | undefined> {
    const buf = new Uint8Array(MAX_HEAD_BYTES);
    let n = 0;
    const timer = setTimeout(() => closeQuietly(conn), HEAD_TIMEOUT_MS);
    try {
      while (n < buf.length) {
        const r = await conn.read(buf.subarray(n));
        if (r === null) return undefined;
        n += r;
        const end = indexOfHeadEnd(buf, n);
        if (end >= 0) {
          return [decoder.decode(buf.subarray(0, end)), buf.slice(end, n)];
        }
      }
      return undefined; // head too large
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const got = await this.#readHead(conn);
    if (got === undefined) return await this.#reply(conn, "400 Bad Request");
    const [head, rest] = got;
    const lines = head.split("\r\n");
    const [method, target, version] = lines[0].split(" ");
    if (!method || !target || !/^HTTP\/1\.[01]$/.test(version ?? "")) {
      return await this.#reply(conn, "400 Bad Request");
    }
    // the one-time credential
    let entry: Entry | undefined;
    const headers: string[] = [];
    for (const line of lines.slice(1)) {
      if (line === "") continue;
      const colon = line.indexOf(":");
      const name = (colon < 0 ? line : line.slice(0, colon)).trim()
        .toLowerCase();
      if (name === "proxy-authorization") {
        const m = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(
          line.slice(colon + 1),
        );
        let user = "";
        let pass = "";
        try {
          const plain = m ? atob(m[1]) : "";
          const c = plain.indexOf(":");
          user = plain.slice(0, c);
          pass = plain.slice(c + 1);
        } catch {
          // not base64: no credential
        }
        const e = this.#entries.get(user);
        if (e !== undefined && !e.used && !e.released && e.password === pass) {
          entry = e;
        }
        continue;
      }
      if (
        name === "proxy-connection" || name === "connection" ||
        name === "keep-alive"
      ) continue;
      headers.push(line);
    }
    if (entry === undefined) {
      return await this.#reply(conn, "407 Proxy Authentication Required");
    }
    entry.used = true;
    entry.conns.add(conn);
    const { host, port } = entry.target;
    let forward: Uint8Array;
    if (method === "CONNECT") {
      if (target.toLowerCase() !== `${host}:${port}`) {
        entry.failure = "the proxy was asked for another host";
        return await this.#reply(conn, "403 Forbidden");
      }
      forward = rest;
    } else {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return await this.#reply(conn, "400 Bad Request");
      }
      const urlPort = url.port === "" ? 80 : Number(url.port);
      if (
        url.protocol !== "http:" || url.hostname !== host || urlPort !== port
      ) {
        entry.failure = "the proxy was asked for another host";
        return await this.#reply(conn, "403 Forbidden");
      }
      const line = `${method} ${url.pathname}${url.search} ${version}`;
      const text = [line, ...headers, "connection: close", "", ""].join("\r\n");
      const h = encoder.encode(text);
      forward = new Uint8Array(h.length + rest.length);
      forward.set(h);
      forward.set(rest, h.length);
    }
    const upstream = await this.#connect(entry);
    if (upstream === undefined) {
      return await this.#reply(conn, "502 Bad Gateway");
    }
    try {
      if (method === "CONNECT") {
        await writeAll(
          conn,
          encoder.encode("HTTP/1.1 200 Connection Established\r\n\r\n"),
        );
      }
      if (forward.length > 0) await writeAll(upstream, forward);
      await Promise.all([pump(conn, upstream), pump(upstream, conn)]);
    } catch {
      // either side went away
    } finally {
      closeQuietly(upstream);
      entry.conns.delete(upstream);
    }
  }

  /** Connects to the first checked address that answers. */
  async #connect(entry: Entry): Promise<Deno.Conn | undefined> {
    const { port, addresses } = entry.target;
    const deadline = performance.now() +
      (entry.target.connectTimeoutMs ?? 10_000);
    const errors: string[] = [];
    for (const address of addresses) {
      if (entry.released) return undefined;
      const left = deadline - performance.now();
      if (left <= 0) {
        errors.push("timed out");
        break;
      }
      const hostname = address.startsWith("[") ? address.slice(1, -1) : address;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const attempt = Deno.connect({ hostname, port });
      try {
        const conn = await Promise.race([
          attempt,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("timed out")), left);
          }),
        ]);
        if (entry.released) {
          closeQuietly(conn);
          return undefined;
        }
        entry.conns.add(conn);
        entry.connectedTo = address;
        return conn;
      } catch (e) {
        attempt.then(closeQuietly, () => {});
        errors.push(
          `${address}: ${
            e instanceof Error ? e.message.split("\n")[0] : String(e)
          }`,
        );
      } finally {
        clearTimeout(timer);
      }
    }
    entry.failure = `cannot connect to ${entry.target.host} port ${port} (${
      errors.join("; ").slice(0, 300)
    })`;
    return undefined;
  }
}

/** Copies `from` to `to` until end of input, then half-closes `to`. */
async function pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await from.read(buf);
      if (n === null) break;
      await writeAll(to, buf.subarray(0, n));
    }
  } catch {
    // closed
  }
  try {
    await to.closeWrite();
  } catch {
    // already closed
  }
}
