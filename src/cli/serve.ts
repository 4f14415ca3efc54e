/**
 * `porta serve <agent.wasm> [options]`: serves an agent's tools, resources
 * and prompts over MCP (JSON-RPC 2.0, one JSON message per line on
 * stdin/stdout), or with `--http [HOST:]PORT` over Streamable HTTP (see
 * `src/mcp/transport/http.ts`; `--allowed-origin`, `--auth-token-env`,
 * `--state-key-env`, `--max-sessions`, `--session-idle`, `--max-body`,
 * `--body-timeout` (default 30s, 1ms..1h), `--max-pending-body` (default
 * 64MiB or `--max-body` when larger; at least `--max-body`)),
 * speaking MCP 2025-11-25 and 2026-07-28 on both. Stdout carries protocol
 * messages only; diagnostics go to stderr: one line per call (`[porta]
 * tool=NAME steps=N memory=M ok|error duration=Xms`) and a summary when the
 * server exits.
 *
 * Options (shared flags, see `src/cli/flags.ts`): `--manifest --profile
 * --env --env-file --secret --dir --step-limit --max-memory --timeout
 * --max-output --tier`, the network flags of ABI v2 agents (`--allow-host
 * --allow-private-net --net-max-requests --net-max-bytes --net-timeout`,
 * see `flags.ts`), plus `--concurrency N` (calls running at once, each in its
 * own warm worker; default 4), `--drain DURATION` (default 5s) and
 * `--ask-timeout DURATION` (how long a request to the client waits for its
 * answer; default 10m, at most 24h, `0`: as long as the call runs). `--timeout`
 * defaults to 30s per call (`0` disables it), `--max-memory` to 256MiB.
 *
 * Start-up: the module, manifest and imports are checked before anything
 * is read from stdin (a refused agent exits with one line per problem);
 * the guest workers then warm in the background, so `initialize` is
 * answered at once and the first call waits only for one worker. A
 * `[porta] workers ready: N in X ms` line says when they all are.
 *
 * The server exits with 0 when stdin ends: calls still running get up to the
 * `--drain` time to finish and be answered, then they are cancelled (each
 * answered with a `cancelled: stdin closed` error). SIGINT/SIGTERM cancel
 * running calls at once (no responses) and exit with 130/143; so does a
 * closed stdout (the client went away), with 141.
 *
 * The event loop never blocks on output: responses and diagnostics are
 * written asynchronously. Diagnostics on stderr are dropped past a 1 MiB
 * backlog (with a line saying how many); a client that stops reading stdout
 * makes the transport stop reading stdin (see `src/mcp/stdio.ts`). At exit,
 * output still queued gets {@link EXIT_DRAIN_MS} (after a signal:
 * {@link SIGNAL_DRAIN_MS}) to be written; a second signal exits at once.
 *
 * @module
 */

import {
  AGENT_OPTIONS,
  CliError,
  type CommonFlags,
  ENGINE_OPTIONS,
  type FlagValues,
  HELP_OPTION,
  LIMIT_OPTIONS,
  listFlag,
  NET_OPTIONS,
  parseByteSize,
  parseCommandArgs,
  parseCount,
  parseDuration,
  resolveCommonFlags,
  stringFlag,
  UsageError,
} from "./flags.ts";
import { HELP } from "./help.ts";
import { VERSION } from "./version.ts";
import { writeOut } from "./output.ts";
import { AsyncWriter } from "./async_writer.ts";
import { dirWarnings } from "./run.ts";
import {
  Agent,
  AgentError,
  type AgentOptions,
  type CallLimits,
  secretRedactor,
} from "../agent/agent.ts";
import { ManifestError } from "../agent/manifest.ts";
import { printable } from "../agent/printable.ts";
import {
  DEFAULT_ASK_TIMEOUT_MS,
  McpServer,
  type McpServerOptions,
  ServerShared,
} from "../mcp/server.ts";
import { StdioTransport } from "../mcp/transport/stdio.ts";
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_PENDING_BODY_BYTES,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_SESSION_IDLE_MS,
  HttpTransport,
  type HttpTransportOptions,
  isLoopbackHost,
} from "../mcp/transport/http.ts";

/** Default per-call timeout of `porta serve`: 30 seconds. */
export const DEFAULT_SERVE_TIMEOUT_MS = 30_000;

/**
 * Default memory cap of one call in `porta serve`: 4096 pages (256 MiB), so
 * a server driven by a model is bounded like its time and output.
 */
export const DEFAULT_SERVE_MAX_MEMORY_PAGES = 4096;

/** Default number of calls `porta serve` runs at once. */
export const DEFAULT_CONCURRENCY = 4;

/** Default time calls still running when stdin ends may take: 5 seconds. */
export const DEFAULT_DRAIN_MS = 5_000;

/** At a normal exit, how long queued output may take to be written: 5 s. */
export const EXIT_DRAIN_MS = 5_000;

/** After SIGINT/SIGTERM, how long queued output may take to be written: 250 ms. */
export const SIGNAL_DRAIN_MS = 250;

const SERVE_OPTIONS = {
  ...AGENT_OPTIONS,
  ...LIMIT_OPTIONS,
  ...ENGINE_OPTIONS,
  ...NET_OPTIONS,
  concurrency: { type: "string" as const },
  drain: { type: "string" as const },
  entry: { type: "string" as const },
  http: { type: "string" as const },
  "allowed-origin": { type: "string" as const, multiple: true },
  "auth-token-env": { type: "string" as const },
  "state-key-env": { type: "string" as const },
  "max-requests": { type: "string" as const },
  "max-sessions": { type: "string" as const },
  "session-idle": { type: "string" as const },
  "max-body": { type: "string" as const },
  "body-timeout": { type: "string" as const },
  "max-pending-body": { type: "string" as const },
  "ask-timeout": { type: "string" as const },
  ...HELP_OPTION,
};

/** Longest `--body-timeout`: one hour. */
export const MAX_BODY_TIMEOUT_MS = 60 * 60 * 1000;

/** Longest `--ask-timeout`: one day (timers overflow past 24.8 days). */
export const MAX_ASK_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * A duration flag with bounds: `dflt` when not given; `0` only when
 * `zero` says what it means (else at least 1 ms); at most `max` ms
 * (`maxText`, as the flag would be written).
 */
function boundedDuration(
  values: FlagValues,
  name: string,
  dflt: number,
  [max, maxText]: [number, string],
  zero?: string,
): number {
  const text = stringFlag(values, name);
  if (text === undefined) return dflt;
  const ms = parseDuration(name, text);
  if ((ms === 0 && zero === undefined) || ms > max) {
    throw new UsageError(
      `invalid value for --${name}: "${text}" (expected ${
        zero === undefined ? "1ms" : "0"
      } to ${maxText}${zero === undefined ? "" : `; 0: ${zero}`})`,
    );
  }
  return ms;
}

/** Requests an ABI v2 agent may make per call, by default. */
export const DEFAULT_MAX_AGENT_REQUESTS = 16;

/** `--http [HOST:]PORT` as a host and a port (host default 127.0.0.1). */
export function parseListen(value: string): { hostname: string; port: number } {
  const m = /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(
    value.trim(),
  );
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(
      `invalid value for --http: "${value}" (expected [HOST:]PORT, e.g. 8080 or 127.0.0.1:8080)`,
    );
  }
  const host = m[1] ?? "127.0.0.1";
  return {
    hostname: host.startsWith("[") ? host.slice(1, -1) : host,
    port,
  };
}

/** The value of the environment variable a `--*-env NAME` flag names. */
function envSecret(flag: string, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(
      `invalid value for --${flag}: "${name}" (expected an environment variable name)`,
    );
  }
  let value: string | undefined;
  try {
    value = Deno.env.get(name);
  } catch {
    throw new CliError(
      `--${flag}: cannot read the environment variable ${name} (run with --allow-env)`,
    );
  }
  if (value === undefined || value === "") {
    throw new CliError(
      `--${flag}: the environment variable ${name} is not set or empty`,
    );
  }
  return value;
}

/**
 * The per-call limits of `serve` (and `call`): the flags, with a 30 s
 * timeout (`0` disables it) and a 256 MiB memory cap unless given.
 */
export function serveLimits(given: CallLimits): CallLimits {
  const limits = { ...given };
  if (limits.timeoutMs === undefined) {
    limits.timeoutMs = DEFAULT_SERVE_TIMEOUT_MS;
  }
  if (limits.timeoutMs === 0) delete limits.timeoutMs;
  limits.maxMemoryPages ??= DEFAULT_SERVE_MAX_MEMORY_PAGES;
  return limits;
}

/**
 * Loads the agent of `serve` and `call` with the shared flags and the
 * given per-call limits, plus the command's own pool options (`extra`).
 * Errors: an {@link AgentError} passes as it is (main prints every line of
 * it, one per denied import, in one piece); a {@link ManifestError} becomes
 * an `AgentError` with its message; anything else becomes a one-line
 * {@link CliError} with the `--secret` values redacted.
 */
export async function loadAgent(
  wasmPath: string,
  flags: CommonFlags,
  limits: CallLimits,
  extra: Pick<AgentOptions, "poolSize" | "warmInBackground" | "onWarm">,
): Promise<Agent> {
  try {
    return await Agent.load(wasmPath, {
      manifestPath: flags.manifestPath,
      profile: flags.profile,
      env: flags.env,
      secrets: flags.secrets,
      dirs: flags.dirs,
      limits,
      ...extra,
      strictImports: flags.strictImports,
      entry: flags.entry,
      tier: flags.tier,
      net: flags.net,
    });
  } catch (e) {
    // main writes every line (one per denied import) in one piece, in
    // order, before the process exits (the diagnostics writer is async)
    if (e instanceof AgentError) throw e;
    if (e instanceof ManifestError) throw new AgentError(e.message);
    throw new CliError(
      secretRedactor(flags.secrets)(
        e instanceof Error ? e.message : String(e),
      ),
    );
  }
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Resolves after `ms` (false), or earlier with `p`'s value. */
function within<T>(p: Promise<T>, ms: number): Promise<T | false> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<false>((r) => timer = setTimeout(() => r(false), ms)),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Runs `porta serve` with the arguments after the command name and returns
 * the exit code. Usage errors throw {@link UsageError}; load errors throw
 * {@link CliError} (both one line, reported by the dispatcher).
 */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals, rest } = parseCommandArgs(
    "serve",
    argv,
    SERVE_OPTIONS,
  );
  if (values.help) {
    await writeOut(HELP.serve + "\n");
    return 0;
  }
  if (rest.length > 0) {
    throw new UsageError(
      "'porta serve' takes no guest arguments after '--' (see 'porta help serve')",
    );
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "missing <agent.wasm> (usage: porta serve <agent.wasm> [options])"
        : `'porta serve' takes one agent, got ${positionals.length} (see 'porta help serve')`,
    );
  }
  const wasmPath = positionals[0];
  const flags = resolveCommonFlags(values);
  const limits = serveLimits(flags.limits);
  const concurrencyText = stringFlag(values, "concurrency");
  const concurrency = concurrencyText === undefined
    ? DEFAULT_CONCURRENCY
    : parseCount("concurrency", concurrencyText);
  if (concurrency > 64) {
    throw new UsageError(
      `invalid value for --concurrency: "${concurrencyText}" (at most 64)`,
    );
  }
  const drainText = stringFlag(values, "drain");
  const drainMs = drainText === undefined
    ? DEFAULT_DRAIN_MS
    : parseDuration("drain", drainText);
  const httpText = stringFlag(values, "http");
  const listen = httpText === undefined ? undefined : parseListen(httpText);
  const httpOnly = [
    "allowed-origin",
    "auth-token-env",
    "state-key-env",
    "max-sessions",
    "session-idle",
    "max-body",
    "body-timeout",
    "max-pending-body",
  ].filter((f) => values[f] !== undefined);
  if (!listen && httpOnly.length > 0) {
    throw new UsageError(
      `--${httpOnly[0]} applies to --http only (see 'porta help serve')`,
    );
  }
  const authToken = envSecret(
    "auth-token-env",
    stringFlag(values, "auth-token-env"),
  );
  if (listen && !isLoopbackHost(listen.hostname) && authToken === undefined) {
    throw new UsageError(
      `refusing to listen on ${listen.hostname} without --auth-token-env: anyone who reaches it could call the agent (use 127.0.0.1, or require a bearer token)`,
    );
  }
  const stateKey = envSecret(
    "state-key-env",
    stringFlag(values, "state-key-env"),
  );
  if (
    stateKey !== undefined && new TextEncoder().encode(stateKey).length < 32
  ) {
    throw new UsageError(
      "--state-key-env: the key must be at least 32 bytes (e.g. `openssl rand -hex 32`)",
    );
  }
  const countFlag = (name: string, dflt: number) => {
    const t = stringFlag(values, name);
    return t === undefined ? dflt : parseCount(name, t);
  };
  const maxRequests = countFlag("max-requests", DEFAULT_MAX_AGENT_REQUESTS);
  const maxSessions = countFlag("max-sessions", DEFAULT_MAX_SESSIONS);
  const idleText = stringFlag(values, "session-idle");
  const sessionIdleMs = idleText === undefined
    ? DEFAULT_SESSION_IDLE_MS
    : parseDuration("session-idle", idleText);
  const bodyText = stringFlag(values, "max-body");
  const maxBodyBytes = bodyText === undefined
    ? DEFAULT_MAX_BODY_BYTES
    : parseByteSize("max-body", bodyText);
  const bodyTimeoutMs = boundedDuration(
    values,
    "body-timeout",
    DEFAULT_BODY_TIMEOUT_MS,
    [MAX_BODY_TIMEOUT_MS, "1h"],
  );
  // a single body of --max-body must fit: the default grows with it
  const pendingText = stringFlag(values, "max-pending-body");
  const maxPendingBodyBytes = pendingText === undefined
    ? Math.max(DEFAULT_MAX_PENDING_BODY_BYTES, maxBodyBytes)
    : parseByteSize("max-pending-body", pendingText);
  if (maxPendingBodyBytes < maxBodyBytes) {
    throw new UsageError(
      `invalid value for --max-pending-body: "${pendingText}" (must be at least --max-body, ${maxBodyBytes} bytes, or a body that size would always be refused)`,
    );
  }
  const askTimeoutMs = boundedDuration(
    values,
    "ask-timeout",
    DEFAULT_ASK_TIMEOUT_MS,
    [MAX_ASK_TIMEOUT_MS, "24h"],
    "as long as the call runs",
  );
  const allowedOrigins = listFlag(values, "allowed-origin");
  for (const o of allowedOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) {
      throw new UsageError(
        `invalid value for --allowed-origin: "${o}" (expected an origin such as https://app.example.com)`,
      );
    }
  }
  const redact = secretRedactor(flags.secrets);
  // never writeSync: a client that does not read our stderr must not block
  // the event loop; past 1 MiB of backlog diagnostics are dropped (counted)
  const stderr = new AsyncWriter(Deno.stderr);
  // every diagnostic may quote untrusted text (client name, tool names,
  // guest messages): control characters are escaped
  const log = (line: string) =>
    void stderr.writeLossy(printable(redact(line)) + "\n");

  const agent = await loadAgent(wasmPath, flags, limits, {
    poolSize: concurrency,
    // initialize is answered while the workers start; the first call
    // waits for one of them
    warmInBackground: true,
    onWarm: (ready, size, ms) =>
      log(
        ready === size
          ? `[porta] workers ready: ${size} in ${ms.toFixed(0)} ms`
          : `[porta] workers ready: ${ready} of ${size} in ${
            ms.toFixed(0)
          } ms (the others failed to start; their calls fail)`,
      ),
  });

  for (const line of dirWarnings(flags.dirs, agent.grants)) log(line);

  // Nothing but protocol messages may reach stdout: route console output of
  // this process to the (asynchronous) stderr writer.
  const saved = {
    log: console.log,
    info: console.info,
    debug: console.debug,
    warn: console.warn,
    error: console.error,
  };
  console.log =
    console.info =
    console.debug =
    console.warn =
    console.error =
      (
        ...a: unknown[]
      ) =>
        log(
          a.map((x) => typeof x === "string" ? x : Deno.inspect(x)).join(" "),
        );

  const serverOptions = {
    name: "porta",
    version: VERSION,
    limits,
    concurrency,
    log,
    redact,
    maxRequests,
    askTimeoutMs,
    shared: new ServerShared(concurrency, stateKey),
  };
  if (listen) {
    try {
      return await serveHttp(agent, serverOptions, {
        ...listen,
        allowedOrigins,
        authToken,
        maxSessions,
        sessionIdleMs,
        maxBodyBytes,
        bodyTimeoutMs,
        maxPendingBodyBytes,
        log,
      }, drainMs);
    } finally {
      await agent.close().catch(() => {});
      Object.assign(console, saved);
      log(summaryOf(serverOptions.shared));
      await stderr.drain(SIGNAL_DRAIN_MS);
    }
  }
  const server = new McpServer(agent, serverOptions);
  // a broken stdout (the client went away) ends the session like a signal
  let stopSignal: Deno.Signal | "stdout" | null = null;
  let onStop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => onStop = resolve);
  const transport = new StdioTransport(
    Deno.stdin.readable,
    Deno.stdout.writable,
    {
      log,
      // enough to keep every worker busy, few enough to bound memory
      maxPendingRequests: Math.max(16, 2 * concurrency),
      onOutputError: () => {
        if (stopSignal !== null) return;
        stopSignal = "stdout";
        // said and done here, whichever of EOF or this comes first
        log(
          `[porta] stdout closed: cancelling ${server.inFlight} running call(s)`,
        );
        server.cancelAll("stdout closed");
        onStop();
      },
    },
  );
  log(
    `[porta] serving ${agent.manifest.name} ${agent.manifest.version} (${agent.manifest.tools.length} tools, ${agent.manifest.resources.length} resources, ${agent.manifest.prompts.length} prompts) on stdio; protocol MCP`,
  );

  const handlers: [Deno.Signal, () => void][] = [];
  for (const sig of ["SIGINT", "SIGTERM"] as Deno.Signal[]) {
    const h = () => {
      if (stopSignal === "SIGINT" || stopSignal === "SIGTERM") {
        // a second signal: leave at once, whatever is still queued
        Deno.exit(stopSignal === "SIGTERM" ? 143 : 130);
      }
      stopSignal ??= sig;
      onStop();
    };
    try {
      Deno.addSignalListener(sig, h);
      handlers.push([sig, h]);
    } catch {
      // signals not supported on this platform
    }
  }

  let deadline = Infinity;
  try {
    await Promise.race([transport.serve(server), stopped]);
    // On EOF, calls still running get up to drainMs to finish and be
    // answered; then they are cancelled, each answered with an error.
    if (stopSignal === null && server.inFlight > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = await Promise.race([
        server.idle().then(() => true),
        stopped.then(() => true),
        new Promise<boolean>((r) =>
          timer = setTimeout(() => r(false), drainMs)
        ),
      ]);
      clearTimeout(timer);
      if (!drained && stopSignal === null) {
        log(
          `[porta] stdin closed: cancelling ${server.inFlight} call(s) still running after ${
            formatDuration(drainMs)
          }`,
        );
        server.cancelAll("stdin closed", true);
      }
    }
    if (stopSignal !== null && stopSignal !== "stdout") {
      log(
        `[porta] ${stopSignal}: cancelling ${server.inFlight} running call(s)`,
      );
      server.cancelAll(`server stopped by ${stopSignal}`);
    }
    // answers still owed are sent, but a client that stopped reading (or a
    // signal, even one arriving now) must not keep the process alive: one
    // deadline for everything left to write
    deadline = performance.now() +
      (stopSignal === null ? EXIT_DRAIN_MS : SIGNAL_DRAIN_MS);
    void stopped.then(() =>
      deadline = Math.min(deadline, performance.now() + SIGNAL_DRAIN_MS)
    );
    const left = () => Math.max(0, deadline - performance.now());
    await Promise.race([
      within(server.idle(), left()),
      stopped.then(() => within(server.idle(), left())),
    ]);
    await transport.close(left());
  } finally {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
    await agent.close().catch(() => {});
    Object.assign(console, saved);
    log(server.summary());
    await stderr.drain(
      Number.isFinite(deadline)
        ? Math.max(0, deadline - performance.now())
        : SIGNAL_DRAIN_MS,
    );
  }
  // like `porta run`, a closed stdout is exit 141 (as if killed by SIGPIPE)
  return stopSignal === "SIGINT"
    ? 130
    : stopSignal === "SIGTERM"
    ? 143
    : stopSignal === "stdout"
    ? 141
    : 0;
}

/** The exit summary line of a server's sessions. */
function summaryOf(shared: ServerShared): string {
  const s = shared.stats;
  return `[porta] served calls=${s.calls} errors=${s.errors} cancelled=${s.cancelled} steps=${s.steps}`;
}

/**
 * `porta serve --http`: Streamable HTTP until SIGINT/SIGTERM. Running calls
 * get `drainMs` to finish, then they are cancelled; exits 130/143.
 */
async function serveHttp(
  agent: Agent,
  options: McpServerOptions & { shared: ServerShared },
  http: HttpTransportOptions & { log: (line: string) => void },
  drainMs: number,
): Promise<number> {
  const log = http.log;
  const open = McpServer.factory(agent, options);
  const stopped = Promise.withResolvers<Deno.Signal>();
  const handlers: [Deno.Signal, () => void][] = [];
  let signalled: Deno.Signal | null = null;
  for (const sig of ["SIGINT", "SIGTERM"] as Deno.Signal[]) {
    const h = () => {
      if (signalled !== null) Deno.exit(signalled === "SIGTERM" ? 143 : 130);
      signalled = sig;
      stopped.resolve(sig);
    };
    try {
      Deno.addSignalListener(sig, h);
      handlers.push([sig, h]);
    } catch {
      // signals not supported on this platform
    }
  }
  const m = agent.manifest;
  const transport = new HttpTransport({
    ...http,
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      log(
        `[porta] serving ${m.name} ${m.version} (${m.tools.length} tools, ${m.resources.length} resources, ${m.prompts.length} prompts) on http://${host}:${port}/mcp; protocol MCP 2025-11-25 (sessions) and 2026-07-28 (stateless)${
          http.authToken ? "; bearer token required" : ""
        }`,
      );
    },
  });
  let failed: unknown = null;
  const serving = transport.serve(open).catch((e) => {
    failed = e;
    stopped.resolve("SIGTERM");
  });
  try {
    const sig = await stopped.promise;
    if (failed !== null) {
      throw new CliError(
        `cannot listen on ${http.hostname}:${http.port}: ${
          failed instanceof Error ? failed.message : String(failed)
        }`,
      );
    }
    log(
      `[porta] ${sig}: closing (running calls get ${formatDuration(drainMs)})`,
    );
    await transport.close(drainMs);
    await serving;
    return sig === "SIGINT" ? 130 : 143;
  } finally {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
  }
}
