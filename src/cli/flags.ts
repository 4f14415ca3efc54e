/**
 * Shared command-line flags of `porta run`, `porta serve`, `porta inspect`,
 * `porta validate` and `porta build`, parsed with `node:util` `parseArgs`
 * (strict: unknown flags and bad values are one-line {@link UsageError}s).
 *
 * Value formats:
 * - `--step-limit N`: a positive integer (`_` separators allowed: `1_000_000`).
 * - `--max-memory SIZE`: a page count (`16`) or a byte size with a unit
 *   (`64KiB`, `64MiB`, `1GiB`, also `KB/MB/GB` read as binary units), which
 *   must be a whole number of 64 KiB pages; at most 65536 pages (4 GiB).
 * - `--timeout DURATION`: `500ms`, `30s`, `2m`, or a bare number of seconds;
 *   `0` disables the timeout.
 * - `--max-output SIZE`: bytes, with an optional unit (`1MiB`).
 * - `--env KEY=VALUE` / `--secret KEY=VALUE`: repeatable. Secrets reach the
 *   guest as environment variables but their values are redacted from every
 *   output Porta writes.
 * - `--env-file PATH`: `.env` format (see {@link parseEnvFile}); later
 *   definitions win, and `--env` beats the file; `--secret` beats both.
 * - `--dir HOST[:GUEST][:ro|:rw]`: a preopened directory; GUEST defaults to
 *   HOST and, when given, must be absolute or `.`; a `:` inside a path is
 *   written `\:`; read-only unless `:rw` (writing also needs the
 *   `fs.write` capability). See {@link parseDirSpec}.
 * - `--restart no|on-failure|always`, `--max-restarts N` (default 3).
 * - `--tier interp|js|auto`: the engine's execution tier (default `auto`),
 *   passed to every guest instance (`InstanceOptions.tier`).
 * - `--allow-host PATTERN` (repeatable, or comma-separated): hosts ABI v2
 *   agents may request with `porta/fetch` (`api.example.com`,
 *   `*.example.org`, `localhost:8080`, `[::1]:8443`), intersected with the
 *   manifest's `allowed_hosts`; it grants the `net` capability. With it:
 *   `--allow-private-net` (loopback and private addresses allowed; cloud
 *   metadata never), `--net-max-requests N` (per call, default 16, `0`
 *   refuses every request), `--net-max-bytes SIZE` (response bytes per
 *   call, default 4MiB), `--net-timeout DURATION` (network time per call,
 *   default 10s, `0`: only the call's `--timeout`).
 *
 * The host environment never reaches the guest: the guest sees exactly the
 * variables given with these flags.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { CallLimits } from "../agent/limits.ts";
import { WASM_PAGE_BYTES } from "../agent/limits.ts";
import { isProfile, PROFILES } from "../sandbox/capabilities.ts";
import { DEFAULT_TIER, isTier, type Tier, TIERS } from "../agent/tier.ts";
import type { NetOptions } from "../agent/net.ts";
import { HostPatternError, parseHostPattern } from "../sandbox/net_policy.ts";
import {
  DEFAULT_MAX_RESTARTS,
  parseRestartMode,
  type RestartPolicy,
} from "../agent/restart.ts";

/** A user error on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  /** Creates a usage error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A runtime error the user can hit (missing file, ...): one line, exit 1. */
export class CliError extends Error {
  /** Process exit code to use (default 1). */
  readonly exitCode: number;
  /** Creates a runtime error with a one-line message. */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** A `parseArgs` option definition. */
export interface OptionDef {
  /** Value kind. */
  type: "string" | "boolean";
  /** Repeatable flag. */
  multiple?: boolean;
  /** One-letter alias. */
  short?: string;
}

/** A table of option definitions keyed by long flag name. */
export type OptionTable = Record<string, OptionDef>;

/** Flags that select the manifest, the grants and the guest environment. */
export const AGENT_OPTIONS: OptionTable = {
  manifest: { type: "string" },
  profile: { type: "string" },
  env: { type: "string", multiple: true },
  "env-file": { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  dir: { type: "string", multiple: true },
  "strict-imports": { type: "boolean" },
};

/** Flags that bound one execution. */
export const LIMIT_OPTIONS: OptionTable = {
  "step-limit": { type: "string" },
  "max-memory": { type: "string" },
  timeout: { type: "string" },
  "max-output": { type: "string" },
};

/** Flags of agents' network access (`serve`, `call`): see {@link resolveNetFlags}. */
export const NET_OPTIONS: OptionTable = {
  "allow-host": { type: "string", multiple: true },
  "allow-private-net": { type: "boolean" },
  "net-max-requests": { type: "string" },
  "net-max-bytes": { type: "string" },
  "net-timeout": { type: "string" },
};

/** Flags that choose how the engine executes the guest (`run`, `serve`, `call`). */
export const ENGINE_OPTIONS: OptionTable = {
  tier: { type: "string" },
};

/** Flags specific to `porta run`. */
export const RUN_OPTIONS: OptionTable = {
  entry: { type: "string" },
  restart: { type: "string" },
  "max-restarts": { type: "string" },
};

/** `--help` / `-h`, accepted by every command. */
export const HELP_OPTION: OptionTable = {
  help: { type: "boolean", short: "h" },
};

/** Parsed flag values: strings, booleans or string lists. */
export type FlagValues = Record<
  string,
  string | boolean | string[] | undefined
>;

/** Result of {@link parseCommandArgs}. */
export interface ParsedArgs {
  /** Flag values by long name. */
  values: FlagValues;
  /** Positional arguments before `--`. */
  positionals: string[];
  /** Arguments after the first `--` (passed to the guest verbatim). */
  rest: string[];
}

/**
 * Parses `argv` strictly against `options`. Everything after the first `--`
 * is returned untouched in `rest`. Unknown flags, missing values and values
 * given to boolean flags become one-line {@link UsageError}s naming `command`.
 */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: OptionTable,
): ParsedArgs {
  const cut = argv.indexOf("--");
  const head = joinNegativeValues(
    cut < 0 ? argv : argv.slice(0, cut),
    options,
  );
  const rest = cut < 0 ? [] : argv.slice(cut + 1);
  try {
    const { values, positionals } = parseArgs({
      args: head,
      options,
      strict: true,
      allowPositionals: true,
    });
    return { values: values as FlagValues, positionals, rest };
  } catch (e) {
    throw new UsageError(describeParseError(command, e, options));
  }
}

/**
 * `--step-limit -5`: parseArgs would take `-5` for an option and report a
 * missing value; joined as `--step-limit=-5` the value reaches the flag's
 * own parser, which says what is wrong with it.
 */
function joinNegativeValues(args: string[], options: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    const long = /^--([\w-]+)$/.exec(a)?.[1];
    if (
      long !== undefined && options[long]?.type === "string" &&
      next !== undefined && /^-\.?\d/.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function describeParseError(
  command: string,
  e: unknown,
  options: OptionTable,
): string {
  const err = e as { code?: string; message?: string };
  const msg = String(err?.message ?? e);
  const hint = `(see 'porta help ${command}')`;
  const flag = /'(-{1,2}[^'\s]+)/.exec(msg)?.[1];
  switch (err?.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${flag ?? ""} for '${command}' ${hint}`.replace(
        "  ",
        " ",
      );
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const long = /--([\w-]+)/.exec(msg)?.[1] ?? flag?.replace(/^-+/, "") ??
        "";
      const def = options[long];
      if (def?.type === "boolean" || /does not take an argument/.test(msg)) {
        return `option --${long} takes no value ${hint}`;
      }
      return `option --${long} needs a value ${hint}`;
    }
    default:
      return `${msg.split("\n")[0]} ${hint}`;
  }
}

/** Returns a string flag value (the last one if repeated). */
export function stringFlag(
  values: FlagValues,
  name: string,
): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === "string" ? v : undefined;
}

/** Returns every value of a repeatable string flag, in order. */
export function listFlag(values: FlagValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === "string" ? [v] : [];
}

/** Parses a positive (or, with `allowZero`, non-negative) integer flag value. */
export function parseCount(
  flag: string,
  value: string,
  allowZero = false,
): number {
  const clean = value.trim().replace(/_/g, "");
  if (!/^\d+$/.test(clean)) {
    throw new UsageError(
      `invalid value for --${flag}: "${value}" (expected a ${
        allowZero ? "non-negative" : "positive"
      } integer)`,
    );
  }
  const n = Number(clean);
  if (!Number.isSafeInteger(n) || (!allowZero && n === 0)) {
    throw new UsageError(
      `invalid value for --${flag}: "${value}" (expected a ${
        allowZero ? "non-negative" : "positive"
      } integer)`,
    );
  }
  return n;
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Parses a byte size such as `1048576`, `512KiB`, `1MiB`, `2GB` (binary units). */
export function parseByteSize(flag: string, value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(
    value.replace(/_/g, ""),
  );
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new UsageError(
      `invalid value for --${flag}: "${value}" (expected bytes, e.g. 1048576 or 1MiB)`,
    );
  }
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(
      `invalid value for --${flag}: "${value}" (expected a whole, positive number of bytes)`,
    );
  }
  return n;
}

/** Largest memory a 32-bit WebAssembly memory can have, in pages. */
export const MAX_MEMORY_PAGES = 65536;

/**
 * Parses `--max-memory`: a bare number is a page count (64 KiB each); a value
 * with a unit (`64MiB`) is a byte size that must be a whole number of pages.
 */
export function parseMemoryPages(value: string): number {
  const bare = value.trim().replace(/_/g, "");
  let pages: number;
  if (/^\d+$/.test(bare)) {
    pages = Number(bare);
  } else {
    let bytes: number;
    try {
      bytes = parseByteSize("max-memory", value);
    } catch {
      throw new UsageError(
        `invalid value for --max-memory: "${value}" (expected 1..${MAX_MEMORY_PAGES} pages or a size such as 64MiB)`,
      );
    }
    if (bytes % WASM_PAGE_BYTES !== 0) {
      throw new UsageError(
        `invalid value for --max-memory: "${value}" is not a whole number of 64KiB pages`,
      );
    }
    pages = bytes / WASM_PAGE_BYTES;
  }
  if (!Number.isSafeInteger(pages) || pages <= 0 || pages > MAX_MEMORY_PAGES) {
    throw new UsageError(
      `invalid value for --max-memory: "${value}" (expected 1..${MAX_MEMORY_PAGES} pages or a size such as 64MiB)`,
    );
  }
  return pages;
}

/**
 * Parses a duration: `250ms`, `30s`, `2m`, or a bare number of seconds
 * (fractions allowed). Returns milliseconds; `0` means no timeout.
 */
export function parseDuration(flag: string, value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value);
  if (!m) {
    throw new UsageError(
      `invalid value for --${flag}: "${value}" (expected a duration such as 500ms, 30s or 2m)`,
    );
  }
  const unit = (m[2] ?? "s").toLowerCase();
  const factor = unit === "ms"
    ? 1
    : unit === "s"
    ? 1000
    : unit === "m"
    ? 60_000
    : 3_600_000;
  const ms = Math.round(Number(m[1]) * factor);
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(`invalid value for --${flag}: "${value}" (too large)`);
  }
  return ms;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Parses `KEY=VALUE` for `--env` / `--secret`; the value may be empty. */
export function parseKeyValue(flag: string, item: string): [string, string] {
  const eq = item.indexOf("=");
  const key = eq < 0 ? item : item.slice(0, eq);
  if (eq < 0 || !ENV_NAME.test(key)) {
    // Never echo the text of a --secret: it may be the value itself.
    const shown = flag !== "secret" && ENV_NAME.test(key)
      ? ` (got "${key}")`
      : "";
    throw new UsageError(
      `invalid value for --${flag}: expected KEY=VALUE with KEY made of letters, digits and _${shown}`,
    );
  }
  return [key, item.slice(eq + 1)];
}

/**
 * Parses `.env` text: `KEY=VALUE` lines, blank lines and `#` comments ignored,
 * an optional `export ` prefix, unquoted values (trailing ` #comment`
 * stripped, whitespace trimmed), single-quoted values (literal), and
 * double-quoted values with escapes `\n \r \t \" \\ \$`; quoted values may
 * span lines. Later definitions win. Errors name the file (`source`) and the
 * line number, never any text of the file (a line without `=` may be a
 * secret on its own, such as a PEM body or a token):
 * `--env-file .env line 7: expected KEY=VALUE`.
 */
export function parseEnvFile(
  text: string,
  source = ".env",
): Record<string, string> {
  const out: Record<string, string> = {};
  const src = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let i = 0;
  let line = 1;
  const n = src.length;
  const fail = (why: string): never => {
    throw new CliError(`--env-file ${source} line ${line}: ${why}`, 2);
  };
  while (i < n) {
    // Skip whitespace and blank lines.
    const ch = src[i];
    if (ch === "\n") {
      line++;
      i++;
      continue;
    }
    if (ch === " " || ch === "\t") {
      i++;
      continue;
    }
    if (ch === "#") {
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    // Key (optionally after "export ").
    let m = /^export[ \t]+/.exec(src.slice(i, i + 16));
    if (m) i += m[0].length;
    m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i, i + 4096));
    if (!m) fail("expected KEY=VALUE");
    const key = m![0];
    i += key.length;
    while (i < n && (src[i] === " " || src[i] === "\t")) i++;
    if (src[i] !== "=") fail("expected KEY=VALUE");
    i++;
    while (i < n && (src[i] === " " || src[i] === "\t")) i++;
    let value = "";
    const q = src[i];
    if (q === "'" || q === '"') {
      const startLine = line;
      i++;
      let closed = false;
      while (i < n) {
        const c = src[i];
        if (c === q) {
          closed = true;
          i++;
          break;
        }
        if (c === "\n") line++;
        if (q === '"' && c === "\\" && i + 1 < n) {
          const e = src[i + 1];
          const map: Record<string, string> = {
            n: "\n",
            r: "\r",
            t: "\t",
            '"': '"',
            "\\": "\\",
            $: "$",
          };
          value += map[e] ?? "\\" + e;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      if (!closed) {
        line = startLine;
        fail(
          `unterminated ${q === '"' ? "double" : "single"}-quoted value`,
        );
      }
      // Allow trailing whitespace and a comment after the closing quote.
      while (i < n && (src[i] === " " || src[i] === "\t")) i++;
      if (i < n && src[i] === "#") { while (i < n && src[i] !== "\n") i++; }
      if (i < n && src[i] !== "\n") {
        fail("unexpected text after the closing quote");
      }
    } else {
      const start = i;
      while (i < n && src[i] !== "\n") i++;
      value = src.slice(start, i);
      const hash = value.search(/[ \t]#/);
      if (hash >= 0) value = value.slice(0, hash);
      value = value.trim();
    }
    out[key] = value;
  }
  return out;
}

/** A directory preopened for the guest (same shape as src/wasi's `Preopen`). */
export interface DirSpec {
  /** Path the guest sees. */
  guestPath: string;
  /** Host directory. */
  hostPath: string;
  /** Whether the guest may modify it (also needs the `fs.write` capability). */
  writable: boolean;
}

/**
 * Splits a `--dir` value on its unescaped `:` and unescapes `\:` in each
 * part (any other backslash is kept as is).
 */
function splitDirSpec(spec: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === "\\" && spec[i + 1] === ":") {
      cur += ":";
      i++;
    } else if (c === ":") {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * Parses `--dir HOST[:GUEST][:ro|:rw]`. The host directory must exist.
 *
 * - GUEST defaults to HOST; when given, it must be absolute (start with `/`)
 *   or be `.`, so `--dir /x/data:2024` is an error rather than a preopen of
 *   `/x/data` named `2024`.
 * - A `:` that belongs to a path is written `\:` (`--dir 'C\:/data:/data'`,
 *   `--dir '/x/data\:2024'`); any other backslash is kept as is.
 * - A trailing `:ro` (the default) or `:rw` gives the mode; a directory
 *   really named `ro` or `rw` at the end is written `\:rw` likewise.
 */
export function parseDirSpec(spec: string): DirSpec {
  let parts = splitDirSpec(spec);
  let writable = false;
  const last = parts[parts.length - 1]; // an escaped "\:rw" stays in its part
  if (parts.length > 1 && (last === "ro" || last === "rw")) {
    writable = last === "rw";
    parts = parts.slice(0, -1);
  }
  if (parts.length > 2 || parts.some((p) => p === "")) {
    throw new UsageError(
      `invalid value for --dir: "${spec}" (expected HOST[:GUEST][:ro|:rw]; write a ":" of a path as "\\:")`,
    );
  }
  const hostPath = parts[0];
  const guestPath = parts[1] ?? hostPath;
  if (parts.length === 2 && !guestPath.startsWith("/") && guestPath !== ".") {
    throw new UsageError(
      `--dir ${spec}: guest path must be absolute ("/${guestPath}") or "." (write a ":" of the host path as "\\:")`,
    );
  }
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(hostPath);
  } catch {
    throw new CliError(`--dir ${hostPath}: no such directory`);
  }
  if (!info.isDirectory) {
    throw new CliError(`--dir ${hostPath}: not a directory`);
  }
  return { guestPath, hostPath, writable };
}

/** Everything the shared flags resolve to. */
export interface CommonFlags {
  /** `--manifest` path. */
  manifestPath?: string;
  /** `--profile` name (validated later by the sandbox layer). */
  profile?: string;
  /** Guest environment from `--env-file` and `--env` (host env never leaks). */
  env: Record<string, string>;
  /** `--secret` values: given to the guest, redacted from all output. */
  secrets: Record<string, string>;
  /** `--dir` preopens. */
  dirs: DirSpec[];
  /** Limits from `--step-limit`, `--max-memory`, `--timeout`, `--max-output`. */
  limits: CallLimits;
  /** `--entry` export name. */
  entry?: string;
  /** Restart policy from `--restart` / `--max-restarts`. */
  restart: RestartPolicy;
  /** `--strict-imports`: refuse at load imports whose capability is not granted. */
  strictImports: boolean;
  /** `--tier`: the engine's execution tier (default `auto`). */
  tier: Tier;
  /** `--allow-host`, `--allow-private-net`, `--net-*` (see {@link resolveNetFlags}). */
  net: NetOptions;
}

/**
 * Resolves the network flags: `--allow-host` patterns (repeatable, each may
 * be a comma-separated list; checked here, one-line {@link UsageError}),
 * `--allow-private-net`, `--net-max-requests N` (0 allowed),
 * `--net-max-bytes SIZE`, `--net-timeout DURATION` (0: no network limit).
 * The others apply only with `--allow-host` (a usage error otherwise).
 * Unset limits are left to the agent layer's defaults.
 */
export function resolveNetFlags(values: FlagValues): NetOptions {
  const hosts: string[] = [];
  for (const item of listFlag(values, "allow-host")) {
    for (const part of item.split(",")) {
      const text = part.trim();
      if (text === "") continue;
      try {
        hosts.push(parseHostPattern(text).text);
      } catch (e) {
        if (e instanceof HostPatternError) {
          throw new UsageError(
            `--allow-host: ${e.message} (expected HOST, *.DOMAIN or [IPv6], with an optional :PORT)`,
          );
        }
        throw e;
      }
    }
  }
  if (listFlag(values, "allow-host").length > 0 && hosts.length === 0) {
    throw new UsageError("--allow-host needs a host pattern");
  }
  const net: NetOptions = { allowHosts: [...new Set(hosts)] };
  const others = [
    "allow-private-net",
    "net-max-requests",
    "net-max-bytes",
    "net-timeout",
  ].filter((f) => values[f] !== undefined);
  if (hosts.length === 0 && others.length > 0) {
    throw new UsageError(
      `--${others[0]} applies with --allow-host only (no host is allowed)`,
    );
  }
  if (values["allow-private-net"] === true) net.allowPrivateNet = true;
  const maxReq = stringFlag(values, "net-max-requests");
  if (maxReq !== undefined) {
    net.maxRequests = parseCount("net-max-requests", maxReq, true);
  }
  const maxBytes = stringFlag(values, "net-max-bytes");
  if (maxBytes !== undefined) {
    net.maxBytes = parseByteSize("net-max-bytes", maxBytes);
  }
  const timeout = stringFlag(values, "net-timeout");
  if (timeout !== undefined) {
    net.timeoutMs = parseDuration("net-timeout", timeout);
  }
  return net;
}

/** Why a file could not be read: no such file, a directory, or unreadable. */
export function readProblem(path: string, e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  try {
    if (Deno.statSync(path).isDirectory) return "is a directory";
  } catch {
    // fall through
  }
  if (
    e instanceof Deno.errors.PermissionDenied ||
    e instanceof Deno.errors.NotCapable
  ) {
    return "permission denied";
  }
  return "cannot read";
}

/** Resolves parsed flag values (any subset of the shared tables) into {@link CommonFlags}. */
export function resolveCommonFlags(values: FlagValues): CommonFlags {
  const env: Record<string, string> = {};
  for (const path of listFlag(values, "env-file")) {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (e) {
      throw new CliError(`--env-file ${path}: ${readProblem(path, e)}`);
    }
    Object.assign(env, parseEnvFile(text, path));
  }
  for (const item of listFlag(values, "env")) {
    const [k, v] = parseKeyValue("env", item);
    env[k] = v;
  }
  const secrets: Record<string, string> = {};
  for (const item of listFlag(values, "secret")) {
    const [k, v] = parseKeyValue("secret", item);
    secrets[k] = v;
  }
  const limits: CallLimits = {};
  const step = stringFlag(values, "step-limit");
  if (step !== undefined) limits.stepLimit = parseCount("step-limit", step);
  const mem = stringFlag(values, "max-memory");
  if (mem !== undefined) limits.maxMemoryPages = parseMemoryPages(mem);
  const timeout = stringFlag(values, "timeout");
  if (timeout !== undefined) {
    limits.timeoutMs = parseDuration("timeout", timeout);
  }
  const maxOut = stringFlag(values, "max-output");
  if (maxOut !== undefined) {
    limits.maxOutputBytes = parseByteSize("max-output", maxOut);
  }

  const modeText = stringFlag(values, "restart");
  let restart: RestartPolicy = { mode: "no", maxRestarts: 0 };
  if (modeText !== undefined) {
    try {
      const mode = parseRestartMode(modeText);
      restart = { mode, maxRestarts: mode === "no" ? 0 : DEFAULT_MAX_RESTARTS };
    } catch (e) {
      throw new UsageError(`--restart: ${(e as Error).message}`);
    }
  }
  const maxR = stringFlag(values, "max-restarts");
  if (maxR !== undefined) {
    const count = parseCount("max-restarts", maxR, true);
    if (restart.mode === "no") {
      throw new UsageError(
        "--max-restarts needs --restart on-failure or --restart always",
      );
    }
    restart = { ...restart, maxRestarts: count };
  }
  const profile = stringFlag(values, "profile");
  if (profile !== undefined && !isProfile(profile)) {
    throw new UsageError(
      `invalid value for --profile: "${profile}" (expected ${
        Object.keys(PROFILES).join(", ")
      })`,
    );
  }
  const entry = stringFlag(values, "entry");
  if (entry === "") throw new UsageError("--entry needs an export name");
  const tierText = stringFlag(values, "tier");
  const tier = tierText === undefined ? DEFAULT_TIER : parseTier(tierText);
  return {
    manifestPath: stringFlag(values, "manifest"),
    profile,
    env,
    secrets,
    dirs: uniqueGuestPaths(listFlag(values, "dir").map(parseDirSpec)),
    limits,
    entry,
    restart,
    strictImports: values["strict-imports"] === true,
    tier,
    net: resolveNetFlags(values),
  };
}

/** Parses `--tier`: `interp`, `js` or `auto`. */
export function parseTier(value: string): Tier {
  if (isTier(value)) return value;
  throw new UsageError(
    `invalid value for --tier: "${value}" (expected ${TIERS.join(", ")})`,
  );
}

/** Refuses two `--dir` options mapped to the same guest path. */
function uniqueGuestPaths(dirs: DirSpec[]): DirSpec[] {
  const seen = new Set<string>();
  for (const d of dirs) {
    const key = d.guestPath.replace(/\/+$/, "") || "/";
    if (seen.has(key)) {
      throw new UsageError(
        `--dir: guest path ${d.guestPath} is given twice (each directory needs its own guest path)`,
      );
    }
    seen.add(key);
  }
  return dirs;
}

/**
 * Parses the arguments of a command taking exactly one `<agent.wasm>` and no
 * guest arguments (`inspect`, `validate`, `build`): one-line
 * {@link UsageError}s for a missing or extra module.
 */
export function parseAgentCommand(
  command: string,
  argv: string[],
  options: OptionTable,
  usage: string,
): { values: FlagValues; wasm: string } {
  const { values, positionals, rest } = parseCommandArgs(
    command,
    argv,
    options,
  );
  if (positionals.length === 0) {
    throw new UsageError(`missing <agent.wasm> (usage: ${usage})`);
  }
  if (positionals.length > 1 || rest.length > 0) {
    throw new UsageError(`'porta ${command}' takes exactly one <agent.wasm>`);
  }
  return { values, wasm: positionals[0] };
}

/** The one-line error for a module the engine rejects. */
export function invalidModule(file: string, e: unknown): CliError {
  const msg = e instanceof Error ? e.message : String(e);
  return new CliError(`${file}: invalid module: ${msg.split("\n")[0]}`);
}
