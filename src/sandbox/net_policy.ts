/**
 * The network policy of `porta/fetch` (walls (a) and (b) of agents' network
 * access; wall (c), Deno's own permissions, is `net_worker.ts`):
 *
 * - **Host patterns** ({@link parseHostPattern}): `api.example.com` (that
 *   host exactly), `*.example.org` (any subdomain of example.org, at any
 *   depth, but NOT example.org itself), an IPv4 literal (`127.0.0.1`) or an
 *   IPv6 literal in brackets (`[::1]`), each with an optional `:PORT`.
 *   Without a port a pattern allows only the scheme's default port (80 for
 *   `http:`, 443 for `https:`); with one, that port only (on either
 *   scheme). Names are compared in their ASCII form (IDNA, lower case, a
 *   trailing dot dropped), as `new URL()` normalizes them.
 * - **The allowlist** is the intersection of the manifest's `allowed_hosts`
 *   and the operator's `--allow-host` patterns: a URL must match one pattern
 *   of EACH list ({@link hostAllowed}); {@link intersectPatterns} computes
 *   the patterns of both, for messages and for Deno's permission list.
 * - **URLs** ({@link checkUrl}): `http:` and `https:` only, no user
 *   information, at most {@link MAX_URL_LENGTH} characters.
 * - **Addresses** ({@link classifyAddress}): after resolution every address
 *   of the host must be a public unicast address; loopback, private (RFC
 *   1918), carrier-grade NAT, link-local, unique local, multicast,
 *   unspecified, broadcast, documentation, benchmarking and reserved
 *   ranges, and the IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms
 *   of them, are refused unless the operator passes `--allow-private-net`.
 *   Cloud metadata endpoints ({@link METADATA_ADDRESSES},
 *   {@link METADATA_HOSTNAMES}) are refused always, even with
 *   `--allow-private-net`: no agent has a reason to read the machine's
 *   credentials.
 *
 * @module
 */

/** The longest URL `porta/fetch` accepts, in characters. */
export const MAX_URL_LENGTH = 8192;

/** One host pattern (see the module documentation). */
export interface HostPattern {
  /** The pattern as written (normalized): `api.example.com:8080`, `*.example.org`. */
  text: string;
  /** `exact`: that host; `wildcard`: any subdomain of {@link HostPattern.host}. */
  kind: "exact" | "wildcard";
  /** The host (for a wildcard, the domain after `*.`); an IPv6 literal keeps its brackets. */
  host: string;
  /** The port, when the pattern gives one (else the scheme's default port only). */
  port?: number;
}

/** A host pattern that cannot be parsed; the message is one line. */
export class HostPatternError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "HostPatternError";
  }
}

/** Normalizes a host name or IP literal as a URL would ("" when it is not one). */
function normalizeHost(host: string): string {
  if (host === "" || /[\s/?#@\\%]/.test(host)) return "";
  let url: URL;
  try {
    url = new URL(`http://${host}/`);
  } catch {
    return "";
  }
  // the URL parser accepts "a:80" as host "a" with a port: reject that
  // here (ports are split off by the caller)
  if (url.port !== "" || url.username !== "" || url.password !== "") return "";
  return stripDot(url.hostname);
}

/** `example.com.` -> `example.com` (one trailing dot: the same name). */
function stripDot(host: string): string {
  return host.endsWith(".") && !host.endsWith("..") ? host.slice(0, -1) : host;
}

/**
 * Parses a host pattern (`api.example.com`, `*.example.org`,
 * `localhost:8080`, `127.0.0.1`, `[::1]:8443`). Throws
 * {@link HostPatternError} naming what is wrong.
 */
export function parseHostPattern(text: string): HostPattern {
  const bad = (why: string): never => {
    throw new HostPatternError(
      `invalid host pattern ${JSON.stringify(text.slice(0, 200))}: ${why}`,
    );
  };
  if (typeof text !== "string" || text.trim() === "") bad("empty");
  const t = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    bad("give a host, not a URL (no scheme)");
  }
  if (/[/?#@]/.test(t)) bad("give a host, not a URL (no path, query or user)");
  let hostPart = t;
  let port: number | undefined;
  const v6 = /^(\[[^\]]*\])(?::(\d+))?$/.exec(t);
  if (v6) {
    hostPart = v6[1];
    if (v6[2] !== undefined) port = Number(v6[2]);
  } else {
    const m = /^([^:]*)(?::(\d*))?$/.exec(t);
    if (!m) bad("expected HOST, *.DOMAIN or [IPv6], then an optional :PORT");
    hostPart = m![1];
    if (m![2] !== undefined) {
      if (m![2] === "") bad("empty port");
      port = Number(m![2]);
    }
  }
  if (
    port !== undefined &&
    !(Number.isInteger(port) && port >= 1 && port <= 65535)
  ) {
    bad("the port must be 1 to 65535");
  }
  let kind: HostPattern["kind"] = "exact";
  if (hostPart.startsWith("*.")) {
    kind = "wildcard";
    hostPart = hostPart.slice(2);
    if (hostPart.includes("*")) bad("only one leading *. is allowed");
  } else if (hostPart.includes("*")) {
    bad("a wildcard is written *.DOMAIN (any subdomain of DOMAIN)");
  }
  const host = normalizeHost(hostPart);
  if (host === "") bad("not a valid host name or IP address");
  if (kind === "wildcard" && (isIpLiteral(host) || host.startsWith("["))) {
    bad("a wildcard needs a domain name, not an IP address");
  }
  const out: HostPattern = {
    text: `${kind === "wildcard" ? "*." : ""}${host}${
      port !== undefined ? `:${port}` : ""
    }`,
    kind,
    host,
  };
  if (port !== undefined) out.port = port;
  return out;
}

/** The default port of `http:` (80) and `https:` (443). */
export function defaultPort(protocol: string): number {
  return protocol === "https:" ? 443 : 80;
}

/** True when host pattern `p` matches `host` (normalized) on `port` for `protocol`. */
export function patternMatches(
  p: HostPattern,
  host: string,
  port: number,
  protocol: string,
): boolean {
  if (p.port !== undefined ? port !== p.port : port !== defaultPort(protocol)) {
    return false;
  }
  if (p.kind === "exact") return host === p.host;
  return !isIpLiteral(host) && host.length > p.host.length &&
    host.endsWith(`.${p.host}`);
}

/** True when `host:port` over `protocol` matches a pattern of BOTH lists. */
export function hostAllowed(
  manifest: readonly HostPattern[],
  operator: readonly HostPattern[],
  host: string,
  port: number,
  protocol: string,
): boolean {
  return manifest.some((p) => patternMatches(p, host, port, protocol)) &&
    operator.some((p) => patternMatches(p, host, port, protocol));
}

/** The host part of the intersection of two patterns (undefined: none). */
function intersectHosts(
  a: HostPattern,
  b: HostPattern,
): Pick<HostPattern, "kind" | "host"> | undefined {
  const sub = (h: string, d: string) =>
    !isIpLiteral(h) && h.length > d.length && h.endsWith(`.${d}`);
  if (a.kind === "exact" && b.kind === "exact") {
    return a.host === b.host ? { kind: "exact", host: a.host } : undefined;
  }
  if (a.kind === "exact") {
    return sub(a.host, b.host) ? { kind: "exact", host: a.host } : undefined;
  }
  if (b.kind === "exact") {
    return sub(b.host, a.host) ? { kind: "exact", host: b.host } : undefined;
  }
  if (a.host === b.host || sub(a.host, b.host)) {
    return { kind: "wildcard", host: a.host };
  }
  if (sub(b.host, a.host)) return { kind: "wildcard", host: b.host };
  return undefined;
}

/**
 * The patterns allowed by both lists (deduplicated, in the order of `a`).
 * A pattern without a port meets one with port 80 or 443 on that port;
 * two different ports, or a default-port pattern and another port, do not
 * meet. Used for messages (`allowed: ...`) and for the net worker's Deno
 * permissions; requests are checked against both lists themselves
 * ({@link hostAllowed}).
 */
export function intersectPatterns(
  a: readonly HostPattern[],
  b: readonly HostPattern[],
): HostPattern[] {
  const out: HostPattern[] = [];
  const seen = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      const h = intersectHosts(x, y);
      if (h === undefined) continue;
      let port: number | undefined;
      if (x.port !== undefined && y.port !== undefined) {
        if (x.port !== y.port) continue;
        port = x.port;
      } else if (x.port !== undefined || y.port !== undefined) {
        const p = (x.port ?? y.port)!;
        if (p !== 80 && p !== 443) continue;
        port = p;
      }
      const text = `${h.kind === "wildcard" ? "*." : ""}${h.host}${
        port !== undefined ? `:${port}` : ""
      }`;
      if (seen.has(text)) continue;
      seen.add(text);
      out.push(port !== undefined ? { ...h, text, port } : { ...h, text });
    }
  }
  return out;
}

/**
 * The Deno `net` permission entries for patterns: `host:port` for each
 * pattern with a port, `host:80` and `host:443` for one without.
 * Deno reads `*.example.org` as example.org AND its subdomains (a little
 * wider than Porta's wildcard, which excludes the apex); Porta's own check
 * (wall a) still refuses the apex.
 */
export function denoNetPermissions(patterns: readonly HostPattern[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    const host = p.kind === "wildcard" ? `*.${p.host}` : p.host;
    if (p.port !== undefined) out.add(`${host}:${p.port}`);
    else {
      out.add(`${host}:80`);
      out.add(`${host}:443`);
    }
  }
  return [...out];
}

/** Host names of cloud metadata services: refused always. */
export const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  "metadata.google.internal",
  "metadata.goog",
  "instance-data.ec2.internal",
]);

/**
 * Cloud metadata addresses, refused always (even with
 * `--allow-private-net`): AWS/GCP/Azure/OpenStack 169.254.169.254, AWS ECS
 * 169.254.170.2, AWS IPv6 fd00:ec2::254, Alibaba 100.100.100.200, Oracle
 * 192.0.0.192.
 */
export const METADATA_ADDRESSES: readonly string[] = [
  "169.254.169.254",
  "169.254.170.2",
  "100.100.100.200",
  "192.0.0.192",
  "fd00:ec2::254",
];

/** True for an IP literal as a URL's hostname gives it (`1.2.3.4`, `[::1]`). */
export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== undefined || host.startsWith("[");
}

/** The four bytes of a dotted-quad IPv4 address, or undefined. */
export function parseIPv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? b : undefined;
}

/** The 16 bytes of an IPv6 address (brackets allowed, no zone), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text;
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s === "" || s.includes("%") || !/^[0-9a-fA-F:.]+$/.test(s)) {
    return undefined;
  }
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".")) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = v4;
    s = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const group = (g: string) =>
    g === ""
      ? []
      : g.split(":").map((x) =>
        /^[0-9a-fA-F]{1,4}$/.test(x) ? parseInt(x, 16) : NaN
      );
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  if ([...head, ...rest].some((x) => Number.isNaN(x))) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array(fill).fill(0), ...rest];
  } else groups = head;
  if (groups.length !== 8) return undefined;
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** IPv4 ranges that are not public: [a, b, c, d, prefix length, kind]. */
const V4_RANGES: readonly [number, number, number, number, number, string][] = [
  [0, 0, 0, 0, 8, "unspecified"], // "this network"
  [10, 0, 0, 0, 8, "private"],
  [100, 64, 0, 0, 10, "carrier-grade NAT"],
  [127, 0, 0, 0, 8, "loopback"],
  [169, 254, 0, 0, 16, "link-local"],
  [172, 16, 0, 0, 12, "private"],
  [192, 0, 0, 0, 24, "reserved"], // IETF protocol assignments
  [192, 0, 2, 0, 24, "documentation"],
  [192, 88, 99, 0, 24, "reserved"], // 6to4 relay anycast
  [192, 168, 0, 0, 16, "private"],
  [198, 18, 0, 0, 15, "benchmarking"],
  [198, 51, 100, 0, 24, "documentation"],
  [203, 0, 113, 0, 24, "documentation"],
  [224, 0, 0, 0, 4, "multicast"],
  [255, 255, 255, 255, 32, "broadcast"],
  [240, 0, 0, 0, 4, "reserved"],
];

function inPrefix(
  bytes: readonly number[],
  net: readonly number[],
  len: number,
) {
  for (let i = 0; i < len; i += 8) {
    const byte = i >> 3;
    const bits = Math.min(8, len - i);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((bytes[byte] & mask) !== (net[byte] & mask)) return false;
  }
  return true;
}

function v4Kind(b: readonly number[]): string | undefined {
  for (const [a, b2, c, d, len, kind] of V4_RANGES) {
    if (inPrefix(b, [a, b2, c, d], len)) return kind;
  }
  return undefined;
}

/** IPv6 ranges that are not public, checked after the embedded-IPv4 forms. */
const V6_RANGES: readonly [string, number, string][] = [
  ["64:ff9b:1::", 48, "private"], // local-use NAT64
  ["100::", 64, "reserved"], // discard-only
  ["2001::", 32, "reserved"], // Teredo (hides its IPv4 endpoint)
  ["2001:2::", 48, "benchmarking"],
  ["2001:10::", 28, "reserved"], // ORCHID
  ["2001:20::", 28, "reserved"], // ORCHIDv2
  ["2001:db8::", 32, "documentation"],
  ["3fff::", 20, "documentation"],
  ["fc00::", 7, "unique local"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "multicast"],
];

const V6_NETS = V6_RANGES.map(([net, len, kind]) =>
  [parseIPv6(net)!, len, kind] as const
);

/** What an address is, for a refusal message. */
export interface AddressClass {
  /** True for a public unicast address. */
  public: boolean;
  /** True for a cloud metadata address (refused always). */
  metadata: boolean;
  /** `public`, `loopback`, `private`, `link-local`, `unique local`, ... */
  kind: string;
}

const METADATA_BYTES = METADATA_ADDRESSES.map((a) =>
  (parseIPv4(a) ?? parseIPv6(a)!).join(".")
);

function v6Kind(b: readonly number[]): string | undefined {
  const zero = (n: number) => b.slice(0, n).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 address decides
  if (zero(10) && b[10] === 0xff && b[11] === 0xff) {
    return v4Kind(b.slice(12)) ?? "public";
  }
  if (zero(15) && b[15] === 1) return "loopback";
  if (zero(16)) return "unspecified";
  // ::a.b.c.d (IPv4-compatible, deprecated): never used legitimately
  if (zero(12)) return "reserved";
  // 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) carry an IPv4 address
  if (inPrefix(b, parseIPv6("64:ff9b::")!, 96)) {
    return v4Kind(b.slice(12)) ?? "public";
  }
  if (b[0] === 0x20 && b[1] === 0x02) return v4Kind(b.slice(2, 6)) ?? "public";
  for (const [net, len, kind] of V6_NETS) {
    if (inPrefix(b, net, len)) return kind;
  }
  // global unicast is 2000::/3; everything else is reserved
  if ((b[0] & 0xe0) !== 0x20) return "reserved";
  return undefined;
}

/**
 * Classifies an IP address (`1.2.3.4`, `::1`, `[::1]`): public or not, and
 * which kind of range refuses it. An address that does not parse is
 * `{public: false, kind: "invalid"}`.
 */
export function classifyAddress(address: string): AddressClass {
  const v4 = parseIPv4(address);
  const bytes = v4 ?? parseIPv6(address);
  if (bytes === undefined) {
    return { public: false, metadata: false, kind: "invalid" };
  }
  // an IPv4-mapped IPv6 form of a metadata address is that address
  const plain = v4 === undefined && bytes.slice(0, 10).every((x) => x === 0) &&
      bytes[10] === 0xff && bytes[11] === 0xff
    ? bytes.slice(12)
    : bytes;
  if (METADATA_BYTES.includes(plain.join("."))) {
    return { public: false, metadata: true, kind: "cloud metadata" };
  }
  const kind = v4 !== undefined ? v4Kind(bytes) : v6Kind(bytes);
  return kind === undefined || kind === "public"
    ? { public: true, metadata: false, kind: "public" }
    : { public: false, metadata: false, kind };
}

/**
 * True for names that always mean this machine (RFC 6761): `localhost`
 * and `*.localhost`, and the loopback literals `127.x.x.x` and `[::1]`.
 * Their traffic never leaves the machine.
 */
export function isLoopbackName(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return v4[0] === 127;
  return host === "[::1]";
}

/** A URL `porta/fetch` may request, as {@link checkUrl} returns it. */
export interface CheckedUrl {
  /** The URL (a trailing dot of the host removed, no fragment). */
  url: URL;
  /** The host, normalized (IPv6 literals in brackets). */
  host: string;
  /** The port (the scheme's default when the URL gives none). */
  port: number;
  /** `host` or `host:port` when the port is not the scheme's default: for messages. */
  display: string;
}

/** A URL refused before any network access; `rule` names the rule. */
export class UrlRefused extends Error {
  /** Short name of the rule (`url`, `scheme`). */
  readonly rule: string;
  /** Creates the error. */
  constructor(rule: string, message: string) {
    super(message);
    this.name = "UrlRefused";
    this.rule = rule;
  }
}

/**
 * Parses and checks a URL (`base` resolves a relative redirect target):
 * `http:` or `https:`, no user information, a host, at most
 * {@link MAX_URL_LENGTH} characters. Throws {@link UrlRefused}.
 */
export function checkUrl(text: string, base?: URL): CheckedUrl {
  if (typeof text !== "string" || text === "") {
    throw new UrlRefused("url", "net: the url is empty");
  }
  if (text.length > MAX_URL_LENGTH) {
    throw new UrlRefused(
      "url",
      `net: the url is longer than ${MAX_URL_LENGTH} characters`,
    );
  }
  let url: URL;
  try {
    url = base ? new URL(text, base) : new URL(text);
  } catch {
    throw new UrlRefused(
      "url",
      `net: not a valid absolute URL: ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UrlRefused(
      "scheme",
      `net: scheme "${
        url.protocol.slice(0, -1).slice(0, 40)
      }" is not allowed (only http and https)`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new UrlRefused(
      "url",
      "net: URLs with user information (user:password@) are refused; send credentials in a header",
    );
  }
  if (url.href.length > MAX_URL_LENGTH) {
    throw new UrlRefused(
      "url",
      `net: the url is longer than ${MAX_URL_LENGTH} characters`,
    );
  }
  const host = stripDot(url.hostname);
  if (host === "") throw new UrlRefused("url", "net: the url has no host");
  if (host !== url.hostname) url.hostname = host;
  url.hash = "";
  const port = url.port === "" ? defaultPort(url.protocol) : Number(url.port);
  const display = port === defaultPort(url.protocol) ? host : `${host}:${port}`;
  return { url, host, port, display };
}
