/**
 * `Agent`: a compiled WebAssembly module plus its manifest, grants and a pool
 * of sandboxed guest workers. Every tool call runs in a FRESH instance of the
 * already-compiled module (see `abi.ts` for the wire format, and `abi2.ts`
 * for the frames of agents whose manifest says `"abi": 2`).
 *
 * Secrets (`AgentOptions.secrets`) reach the guest as environment variables
 * but their values are redacted (`[REDACTED]`) from everything the Agent
 * returns: tool results, error lines and stderr text. A secret the
 * manifest's `headers` name (`${secret:NAME}`) is Porta's own: it is added
 * to the agent's HTTP requests (`porta/fetch`, see `net.ts`) and never
 * given to the guest, not even as an environment variable.
 *
 * @module
 */

import {
  type Capability,
  CapabilityError,
  resolveGrants,
} from "../sandbox/capabilities.ts";
import { printable } from "./printable.ts";
import {
  redactText,
  secretNeedles,
  secretRedactor as makeRedactor,
  StreamRedactor,
} from "./redact.ts";
import { checkImports } from "../sandbox/policy.ts";
import type { Preopen } from "../sandbox/permissions.ts";
import {
  decodeResponse,
  encodeRequest,
  PROMPT_GET_TOOL,
  RESOURCE_READ_TOOL,
} from "./abi.ts";
import {
  type Abi2Outcome,
  Abi2Session,
  COMPLETE_TOOL,
  DEFAULT_MAX_REQUESTS,
  encodeCall,
  type GuestFrame,
  type RequestAnswer,
} from "./abi2.ts";
import { matchFirstTemplate } from "./uri_template.ts";
import {
  type CallLimits,
  DEFAULT_MAX_OUTPUT_BYTES,
  mergeLimits,
} from "./limits.ts";
import {
  deriveManifest,
  findManifest,
  loadManifest,
  type Manifest,
  ManifestError,
  type ModuleShape,
  type ResourceTemplateSpec,
} from "./manifest.ts";
import { NO_RESTART, type RestartPolicy, shouldRestart } from "./restart.ts";
import type { AgentRuntime, GuestJobResult, GuestRunner } from "./runtime.ts";
import { defaultRuntime } from "./default_runtime.ts";
import { type DenialContext, DenialLog } from "./denials.ts";
import { DEFAULT_TIER, isTier, type Tier, TIERS } from "./tier.ts";
import {
  AgentNet,
  FETCH_METHOD,
  guestEnvironment,
  type NetCall,
  netOperatorGrants,
  type NetOptions,
  type NetStats,
} from "./net.ts";

export type { CallLimits } from "./limits.ts";
export type { RestartPolicy } from "./restart.ts";
export type { Tier } from "./tier.ts";
export type { NetOptions, NetStats } from "./net.ts";

/** Options of {@link Agent.load}. */
export interface AgentOptions {
  /** Explicit manifest path (default: `<agent>.manifest.json` beside the wasm). */
  manifestPath?: string;
  /** Capability profile bounding the grants (`ai-agent`, `worker`, `full`). */
  profile?: string;
  /** Guest environment variables (the host environment never leaks). */
  env?: Record<string, string>;
  /** Secret environment variables: passed to the guest, redacted from all output. */
  secrets?: Record<string, string>;
  /** Preopened directories. */
  dirs?: Preopen[];
  /** Default limits of every call. */
  limits?: CallLimits;
  /** Warm workers for concurrent calls (default 1). */
  poolSize?: number;
  /**
   * Return from {@link Agent.load} once the module, manifest and imports are
   * checked, and warm the workers in the background (`serve`): the first
   * call waits only for one worker; a worker that fails to start fails the
   * calls it gets with one line. Default: `load` waits for every worker.
   */
  warmInBackground?: boolean;
  /** With `warmInBackground`: told once every worker has started or failed (ready count, pool size, ms). */
  onWarm?: (ready: number, size: number, ms: number) => void;
  /** Lower layers (engine + sandbox); tests may inject fakes. */
  runtime?: AgentRuntime;
  /**
   * Refuse at load a module importing a WASI function whose capability is
   * not granted (`--strict-imports`). Default: such an import links and
   * every call to it is refused at run time (`ENOTCAPABLE`; `environ_*`
   * report an empty environment). Always strict when neither a profile nor a
   * manifest is given (nothing is granted: the module is refused with a hint).
   */
  strictImports?: boolean;
  /** Export run by every call and by {@link Agent.run}, overriding the manifest's `entry` (`--entry`). */
  entry?: string;
  /**
   * The engine's execution tier of every guest instance (`--tier`, see
   * `tier.ts`): `interp`, `js` or `auto` (the default). Any other value
   * refuses the agent with an {@link AgentError}.
   */
  tier?: Tier;
  /**
   * The operator's grant of the network to ABI v2 agents (`porta/fetch`,
   * see `net.ts`): `--allow-host` patterns (which also grant the `net`
   * capability, still narrowed by the manifest), `--allow-private-net`,
   * and the per-call limits. Absent or without hosts: every request is
   * refused.
   */
  net?: NetOptions;
}

/** Result of one tool call, resource read or prompt. */
export interface ToolResult {
  /** Result text (or the error text). */
  text: string;
  /** True for `{"err":…}`, traps, limits, timeouts, non-zero exits, truncation. */
  isError: boolean;
  /** Instructions executed. */
  steps: number;
  /** Memory pages at the end of the call. */
  memoryPages: number;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** Guest exit code, null when it did not exit normally. */
  exitCode: number | null;
  /** One line saying why `isError`. */
  error?: string;
  /**
   * Calls the guest was refused for want of a grant: one line each
   * (`[porta] denied: ...`, escaped, secrets redacted), at most one per
   * distinct cause, then a line counting those not listed. Absent: none.
   */
  denials?: string[];
  /** `fn:cause,...` of those denials, for a diagnostic line (`denied=...`). */
  deniedSummary?: string;
  /**
   * ABI v2 (`"abi": 2`): the object of the guest's `result` frame (secrets
   * redacted), for the MCP layer to check and send. `text` is then its JSON
   * text, and `isError` is true when it says `"isError": true`. Absent: ABI
   * v1, or the call ended otherwise (error frame, problem, trap...).
   */
  value?: Record<string, unknown>;
  /**
   * ABI v2: request frames to the client the guest made (for the
   * diagnostic line; `porta/fetch` not counted). Absent: ABI v1.
   */
  requests?: number;
  /**
   * ABI v2: what the call did on the network (`porta/fetch`): requests
   * made (each redirect hop counts), response bytes, hosts contacted,
   * requests refused by a rule or a limit and requests that failed. Absent:
   * the guest asked for no request. Refusals are also denial lines
   * ({@link ToolResult.denials}, `porta/fetch:RULE` in
   * {@link ToolResult.deniedSummary}).
   */
  net?: NetStats;
}

/** Per-call options. */
export interface CallOptions {
  /** Limits overriding the agent's defaults for this call. */
  limits?: CallLimits;
  /** Cancels the call (the guest is stopped, its worker discarded). */
  signal?: AbortSignal;
  /** Receives guest stderr text (secrets redacted) as it is written. */
  onStderr?(text: string): void;
  /** Receives each denial line (see {@link ToolResult.denials}) as it happens. */
  onDenied?(line: string): void;
  /**
   * ABI v2: receives the guest's `log`, `progress` and `updated` frames
   * (secrets redacted), in order, as they arrive (before the call resolves).
   * What it throws is ignored.
   */
  onFrame?(frame: GuestFrame): void;
  /**
   * ABI v2: answers a `request` frame of the guest (`method` as the guest
   * wrote it, e.g. `sampling/createMessage`; `params` redacted, `{}` when
   * absent; `key` the frame's, when it names the request). The answer is
   * handed to the guest on its stdin. `signal` aborts when the call ends
   * (whatever ended it). Rejecting with a {@link RequestRefused} stops the
   * guest and the call resolves as an `isError` result `request refused:
   * <message>`; rejecting with anything else stops the guest and the call
   * rejects with that same value (once the guest has stopped). Absent: a
   * request frame ends the call as an `isError` result `the agent asked for
   * METHOD, which this host does not offer`.
   */
  onRequest?(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
    key?: string,
  ): Promise<RequestAnswer>;
  /**
   * ABI v2: told each time the guest waits for the answer to a request
   * that is not known yet (it reads stdin, everything before was read, and
   * the answer's promise has not settled): every request it wrote before
   * has been handed to {@link CallOptions.onRequest}. A host that collects
   * requests instead of answering them (MCP 2026-07-28 input requests) ends
   * the call here, by rejecting a pending answer. What it throws is
   * ignored.
   */
  onWaiting?(): void;
  /**
   * ABI v2: what the MCP client declared, handed to the guest in the call
   * as `"client"` (`{"tool", "arguments", "client": {"capabilities":
   * {...}}}`), so it can ask only for what the client offers. Absent: the
   * call has no `"client"` member. Ignored for ABI v1 agents.
   */
  client?: { capabilities: Record<string, unknown> };
  /**
   * ABI v2: request frames one call may make (default
   * {@link DEFAULT_MAX_REQUESTS}, 16); one more ends the call as an
   * `isError` result `too many requests (more than N per call)`.
   */
  maxRequests?: number;
  /**
   * Milliseconds of the call's `timeoutMs` already spent before the guest
   * starts (the MCP layer checking the arguments): the guest gets the rest,
   * and a timeout still names the whole limit.
   */
  spentMs?: number;
}

/** Options of {@link Agent.run}. */
export interface RunOptions {
  /** Guest arguments (after the program name). */
  args: string[];
  /**
   * Guest stdout bytes (secrets redacted). May return a promise that settles
   * once the bytes are written: until then they count against the guest's
   * output in flight (backpressure: a slow reader slows the guest).
   */
  onStdout(b: Uint8Array): unknown;
  /** Guest stderr bytes (secrets redacted); like {@link RunOptions.onStdout}. */
  onStderr(b: Uint8Array): unknown;
  /** Limits of each attempt. */
  limits?: CallLimits;
  /** Stops the run (no restart follows). */
  signal?: AbortSignal;
  /** Restart policy (default: run once). */
  restart?: RestartPolicy;
  /** Export to run (default: the manifest's entry, else `_start`). */
  entry?: string;
  /** Stdin (default "inherit": the host's stdin). */
  stdin?: Uint8Array | "inherit";
  /** Called before each restart with the restart number (1-based) and the previous attempt. */
  onRestart?(restart: number, previous: GuestJobResult): void;
  /**
   * Receives each denial line as it happens: one per distinct cause over the
   * whole run (restarts included), then a line counting those not listed.
   */
  onDenied?(line: string): void;
}

/** Result of {@link Agent.run}. */
export interface RunResult {
  /** Exit code of the last attempt, null when it trapped / hit a limit / was stopped. */
  exitCode: number | null;
  /** Restarts performed. */
  restarts: number;
  /** Instructions executed over all attempts. */
  steps: number;
  /** Largest memory size reached, in pages. */
  memoryPages: number;
  /** Wall time over all attempts, in milliseconds. */
  durationMs: number;
  /** True when the run was cancelled through the signal. */
  cancelled: boolean;
  /** Limit that stopped the last attempt. */
  limit?: "fuel" | "memory" | "call-depth" | "timeout";
  /** One line saying why the last attempt failed (trap, limit, timeout). */
  error?: string;
  /** Denial lines of the whole run, as passed to {@link RunOptions.onDenied}. Absent: none. */
  denials?: string[];
}

/** An agent that cannot be loaded; `lines` holds one line per problem. */
export class AgentError extends Error {
  /** One line per problem (e.g. one per denied import). */
  readonly lines: string[];
  /** Creates the error from one or more lines. */
  constructor(lines: string | string[]) {
    const all = (Array.isArray(lines) ? lines : [lines]).flatMap((l) =>
      l.split("\n")
    )
      .filter((l) => l.trim() !== "");
    super(all.join("\n"));
    this.name = "AgentError";
    this.lines = all;
  }
}

/** A call to a tool the manifest does not declare. */
export class UnknownToolError extends Error {
  /** The unknown name. */
  readonly tool: string;
  /** Creates the error. */
  constructor(tool: string, kind = "tool") {
    super(`unknown ${kind} "${tool}"`);
    this.name = "UnknownToolError";
    this.tool = tool;
  }
}

function basename(path: string): string {
  return path.slice(
    Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1,
  );
}

/**
 * Returns a function that replaces secret values (and their JSON-escaped
 * forms) with `[REDACTED]` in a whole text; see `redact.ts` for the contract
 * and for the streaming form used on guest output.
 */
export function secretRedactor(
  secrets: Record<string, string>,
): (t: string) => string {
  return makeRedactor(secrets);
}

function pages(n: number): string {
  return n === 1 ? "1 page" : `${n} pages`;
}

/** One line describing why a job failed, or undefined when it exited 0. */
export function describeFailure(
  r: GuestJobResult,
  limits: CallLimits,
): string | undefined {
  if (r.limit === "fuel") {
    return limits.stepLimit !== undefined
      ? `step limit of ${limits.stepLimit} instructions reached`
      : `step limit reached${r.trap ? `: ${r.trap}` : ""}`;
  }
  if (r.limit === "memory" && r.trap === undefined && r.exitCode !== null) {
    // memory.grow returned -1 at the cap and the guest exited by itself:
    // its own exit code stands; it is only a failure when non-zero
    if (r.exitCode === 0) return undefined;
    return `guest exited with code ${r.exitCode} after reaching the memory limit${
      limits.maxMemoryPages !== undefined
        ? ` of ${pages(limits.maxMemoryPages)}`
        : ""
    }`;
  }
  if (r.limit === "memory") {
    if (limits.maxMemoryPages === undefined) {
      return `memory limit exceeded${r.trap ? `: ${r.trap}` : ""}`;
    }
    // the engine refuses a module whose initial memory is above the cap
    const initial = r.phase === "instantiate" &&
        r.initialPages !== undefined &&
        r.initialPages > limits.maxMemoryPages
      ? r.initialPages
      : undefined;
    return `memory limit of ${pages(limits.maxMemoryPages)} exceeded${
      initial !== undefined
        ? `: the module's memory starts at ${pages(initial)}`
        : ""
    }`;
  }
  if (r.limit === "call-depth") {
    return "call stack exhausted (recursion too deep)";
  }
  if (r.trap !== undefined) {
    const t = r.trap.split("\n")[0];
    // "cancelled", "timeout after N ms"
    if (r.stopped !== undefined) return t;
    // refused at instantiation (an engine limit), not a guest trap
    if (r.phase === "instantiate" && r.engineLimit !== undefined) {
      return `cannot instantiate: ${t}`;
    }
    return `trap: ${t}`;
  }
  if (r.exitCode !== null && r.exitCode !== 0) {
    return `guest exited with code ${r.exitCode}`;
  }
  if (r.exitCode === null) return "guest stopped without an exit code";
  return undefined;
}

/** A loaded agent: compiled once, run in fresh sandboxed instances. */
export class Agent {
  /** The manifest (from the file, or derived from the module when there is none). */
  readonly manifest: Manifest;
  /** Path of the manifest file, undefined when derived. */
  readonly manifestPath: string | undefined;
  /** Capabilities granted to the guest. */
  readonly grants: ReadonlySet<Capability>;
  /** Path of the module. */
  readonly wasmPath: string;
  /** Imports and exports of the module. */
  readonly module: ModuleShape;
  /** The execution tier every guest instance is created with. */
  readonly tier: Tier;
  readonly #runner: GuestRunner;
  readonly #env: Record<string, string>;
  readonly #limits: CallLimits;
  readonly #redact: (t: string) => string;
  readonly #needles: string[];
  /** The agent's network (`porta/fetch`); set by {@link Agent.load}. */
  #net: AgentNet | undefined;
  /** What denial lines may say about the grants and flags. */
  #denialContext: DenialContext = { grants: new Set(), dirs: [] };
  #closed = false;

  private constructor(init: {
    manifest: Manifest;
    manifestPath: string | undefined;
    grants: ReadonlySet<Capability>;
    wasmPath: string;
    module: ModuleShape;
    tier: Tier;
    runner: GuestRunner;
    env: Record<string, string>;
    limits: CallLimits;
    redact: (t: string) => string;
    secrets: Record<string, string>;
  }) {
    this.manifest = init.manifest;
    this.manifestPath = init.manifestPath;
    this.grants = init.grants;
    this.wasmPath = init.wasmPath;
    this.module = init.module;
    this.tier = init.tier;
    this.#runner = init.runner;
    this.#env = init.env;
    this.#limits = init.limits;
    this.#redact = init.redact;
    this.#needles = secretNeedles(Object.values(init.secrets));
  }

  /**
   * Reads and compiles the module once, loads its manifest, resolves the
   * grants and checks every import. Throws {@link AgentError} (one line per
   * problem, e.g. per denied import) when the agent cannot load.
   */
  static async load(wasmPath: string, opts: AgentOptions = {}): Promise<Agent> {
    const runtime = opts.runtime ?? defaultRuntime;
    const redact = secretRedactor(opts.secrets ?? {});
    const tier = opts.tier ?? DEFAULT_TIER;
    if (!isTier(tier)) {
      throw new AgentError(
        `invalid tier ${
          typeof tier === "string" ? `"${printable(tier)}"` : typeof tier
        } (expected ${TIERS.join(", ")})`,
      );
    }
    const bytes = await readModule(wasmPath);
    let shape: ModuleShape;
    try {
      shape = runtime.describe(bytes);
    } catch (e) {
      throw new AgentError(`${wasmPath}: invalid module: ${firstLine(e)}`);
    }
    let manifest: Manifest;
    let manifestPath: string | undefined;
    try {
      manifestPath = findManifest(wasmPath, opts.manifestPath);
      manifest = manifestPath !== undefined
        ? await loadManifest(manifestPath)
        : deriveManifest(shape, basename(wasmPath).replace(/\.wasm$/i, ""));
    } catch (e) {
      if (e instanceof ManifestError) throw new AgentError(redact(e.message));
      throw e;
    }
    let grants: Set<Capability>;
    try {
      grants = resolveGrants({
        profile: opts.profile,
        manifestCapabilities: manifestPath !== undefined
          ? manifest.capabilities
          : undefined,
        // granting hosts is granting the network
        operatorGrants: netOperatorGrants(opts.net),
      });
    } catch (e) {
      if (e instanceof CapabilityError) throw new AgentError(e.message);
      throw e;
    }
    if (opts.entry !== undefined) manifest = { ...manifest, entry: opts.entry };
    // the import rule (see policy.ts): imports that can never link always
    // refuse the module; a manifest's wasi_imports is an allowlist; an
    // ungranted capability refuses it only in strict mode, else each call
    // is refused at run time. With neither profile nor manifest nothing is
    // granted: refused at load, with a hint to choose a profile.
    const strictImports = opts.strictImports === true ||
      (opts.profile === undefined && manifestPath === undefined);
    const wasiImports = manifestPath !== undefined
      ? manifest.wasi_imports
      : undefined;
    const denied = checkImports(shape.imports, grants, {
      strict: strictImports,
      ...(wasiImports !== undefined ? { allowlist: wasiImports } : {}),
    });
    if (denied.length > 0) {
      const lines = denied.map((d) =>
        /^(needs|is|must) /.test(d.reason)
          ? `import ${printable(d.module)}.${printable(d.name)} ${
            printable(d.reason)
          }`
          : `import ${printable(d.module)}.${printable(d.name)}: ${
            printable(d.reason)
          }`
      );
      // a wider profile helps only with capabilities, not with imports
      // Porta does not provide at all
      if (denied.some((d) => d.reason.startsWith("needs capability"))) {
        lines.push(grantHint(opts.profile, manifestPath, opts.strictImports));
      }
      if (denied.some((d) => d.reason.includes("wasi_imports"))) {
        lines.push(
          "hint: the manifest's wasi_imports lists every WASI function the module may import (add them, or remove the list)",
        );
      }
      throw new AgentError(lines);
    }
    const funcs = new Set(
      shape.exports.filter((e) => e.kind === "function").map((e) => e.name),
    );
    const missing: string[] = [];
    const entry = manifest.entry ?? "_start";
    const toolEntries = manifest.tools.filter((t) => t.entry !== undefined);
    if (
      manifest.tools.length > toolEntries.length && !funcs.has(entry) &&
      (manifestPath !== undefined || opts.entry !== undefined)
    ) {
      missing.push(
        `${opts.entry !== undefined ? "--entry" : "manifest entry"} "${
          printable(entry)
        }" is not an exported function of ${wasmPath}`,
      );
    }
    for (const t of toolEntries) {
      const problem = entryProblem(shape, t.entry!);
      if (funcs.has(t.entry!) && problem) {
        missing.push(`tool "${printable(t.name)}": ${problem}`);
      }
      if (!funcs.has(t.entry!)) {
        missing.push(
          `tool "${printable(t.name)}": entry "${
            printable(t.entry!)
          }" is not an exported function of ${wasmPath}`,
        );
      }
    }
    if (missing.length > 0) throw new AgentError(missing);
    // the network: checked before any worker starts (a missing secret, a
    // bad --allow-host are load errors)
    const net = AgentNet.create(
      manifest,
      grants.has("net"),
      opts.net ?? {},
      opts.secrets ?? {},
      secretNeedles(Object.values(opts.secrets ?? {})),
      redact,
    );
    if (Array.isArray(net)) throw new AgentError(net.map(redact));
    // secrets of the manifest's headers are Porta's, never the guest's
    const env = guestEnvironment(opts.env ?? {}, opts.secrets ?? {}, manifest);
    let runner: GuestRunner;
    try {
      runner = await runtime.createRunner(bytes, {
        grants,
        preopens: opts.dirs ?? [],
        size: opts.poolSize ?? 1,
        ...(opts.warmInBackground
          ? {
            background: true,
            ...(opts.onWarm ? { onWarm: opts.onWarm } : {}),
          }
          : {}),
        strictImports,
        ...(wasiImports !== undefined ? { wasiImports } : {}),
        tier,
      });
    } catch (e) {
      net.close();
      throw new AgentError(redact(firstLine(e)));
    }
    const agent = new Agent({
      manifest,
      manifestPath,
      grants,
      wasmPath,
      module: shape,
      tier,
      runner,
      env,
      limits: opts.limits ?? {},
      redact,
      secrets: opts.secrets ?? {},
    });
    agent.#denialContext = {
      grants,
      profile: opts.profile,
      manifestCapabilities: manifestPath !== undefined
        ? manifest.capabilities
        : undefined,
      dirs: opts.dirs ?? [],
    };
    agent.#net = net;
    return agent;
  }

  /** A log of one call's or run's denials, sending new lines (redacted) to `emit`. */
  #denialLog(emit: ((line: string) => void) | undefined): DenialLog {
    return new DenialLog(
      this.#denialContext,
      emit ? (r) => emit(this.#redact(r.line)) : undefined,
      this.#redact,
    );
  }

  /** The lines and summary of a finished log (the closing line goes to `emit`). */
  #denialResult(
    log: DenialLog,
    emit: ((line: string) => void) | undefined,
  ): { denials?: string[]; deniedSummary?: string } {
    const more = log.moreLine();
    if (more !== undefined) emit?.(more);
    if (log.reports.length === 0 && more === undefined) return {};
    const lines = log.reports.map((r) => this.#redact(r.line));
    if (more !== undefined) lines.push(more);
    return { denials: lines, deniedSummary: this.#redact(log.summary()) };
  }

  /** The limits applied to every call unless overridden. */
  get limits(): CallLimits {
    return { ...this.#limits };
  }

  /**
   * Calls a tool in a fresh instance. Throws {@link UnknownToolError} when the
   * manifest does not declare `name`; every other failure is a result with
   * `isError: true` and a one-line `error`.
   */
  callTool(
    name: string,
    args: unknown,
    o: CallOptions = {},
  ): Promise<ToolResult> {
    const tool = this.manifest.tools.find((t) => t.name === name);
    if (!tool) return Promise.reject(new UnknownToolError(name));
    return this.#call(name, args, tool.entry, o);
  }

  /**
   * Reads a resource through the pseudo-tool `_resource_read`: with
   * `{"uri"}` for a declared resource, else with `{"uri", "template",
   * "params"}` for a URI matching a resource template (the first in
   * manifest order; `params` holds the template's variables). Rejects with
   * {@link UnknownToolError} for any other URI.
   */
  readResource(uri: string, o: CallOptions = {}): Promise<ToolResult> {
    if (this.manifest.resources.some((r) => r.uri === uri)) {
      return this.#call(RESOURCE_READ_TOOL, { uri }, undefined, o);
    }
    const m = this.matchResourceTemplate(uri);
    if (m === undefined) {
      return Promise.reject(new UnknownToolError(uri, "resource"));
    }
    return this.#call(
      RESOURCE_READ_TOOL,
      { uri, template: m.template.uriTemplate, params: m.params },
      undefined,
      o,
    );
  }

  /**
   * The first resource template (in manifest order) that `uri` matches,
   * with the values of its variables; undefined when none does.
   */
  matchResourceTemplate(
    uri: string,
  ):
    | { template: ResourceTemplateSpec; params: Record<string, string> }
    | undefined {
    if (typeof uri !== "string") return undefined;
    // validated with the manifest: parsing cannot fail here
    return matchFirstTemplate(this.manifest.resourceTemplates ?? [], uri);
  }

  /**
   * The MIME type the manifest gives a readable URI: the declared
   * resource's, else the first matching template's; undefined when it
   * gives none or the URI is unknown.
   */
  resourceMimeType(uri: string): string | undefined {
    const r = this.manifest.resources.find((r) => r.uri === uri);
    if (r !== undefined) return r.mimeType;
    return this.matchResourceTemplate(uri)?.template.mimeType;
  }

  /**
   * Asks for completions (`completion/complete`) through the pseudo-tool
   * `_complete` with `{"ref", "argument", "context"}` (`context` left out
   * when undefined). Rejects with an {@link AgentError} when the manifest
   * does not say `"completions": true`.
   */
  complete(
    ref: Record<string, unknown>,
    argument: { name: string; value: string },
    context?: Record<string, unknown>,
    o: CallOptions = {},
  ): Promise<ToolResult> {
    if (this.manifest.completions !== true) {
      return Promise.reject(
        new AgentError(
          `agent "${
            printable(this.manifest.name)
          }" offers no completions (its manifest does not say "completions": true)`,
        ),
      );
    }
    const request: Record<string, unknown> = { ref, argument };
    if (context !== undefined) request.context = context;
    return this.#call(COMPLETE_TOOL, request, undefined, o);
  }

  /** Renders a prompt through the pseudo-tool `_prompt_get` with `{"prompt","arguments"}`. */
  getPrompt(
    name: string,
    args: Record<string, string>,
    o: CallOptions = {},
  ): Promise<ToolResult> {
    if (!this.manifest.prompts.some((p) => p.name === name)) {
      return Promise.reject(new UnknownToolError(name, "prompt"));
    }
    return this.#call(
      PROMPT_GET_TOOL,
      { prompt: name, arguments: args ?? {} },
      undefined,
      o,
    );
  }

  async #call(
    tool: string,
    args: unknown,
    entry: string | undefined,
    o: CallOptions,
  ): Promise<ToolResult> {
    if (this.#closed) throw new AgentError("the agent is closed");
    const limits = mergeLimits(this.#limits, o.limits);
    const cap = limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const chunks: Uint8Array[] = [];
    let kept = 0;
    let total = 0;
    const errDecoder = new TextDecoder();
    const redact = this.#redact;
    const onStderr = o.onStderr;
    // stderr is redacted as a stream (a secret split across chunks is still
    // caught), then decoded (a character split across chunks stays whole)
    const denialLog = this.#denialLog(o.onDenied);
    const errRedactor = new StreamRedactor(this.#needles, (b) => {
      const text = errDecoder.decode(b, { stream: true });
      if (text !== "") onStderr!(text);
    });
    const request = this.manifest.abi === 2
      ? encodeCall(
        tool,
        args,
        o.client !== undefined ? { ...o.client } : undefined,
      )
      : encodeRequest(tool, args);
    // ABI v2: stdin is served by the session (the request, then answers),
    // stdout is parsed into frames as it arrives, and the session stops the
    // guest (a bad frame, a refused request...) through `stop`, which also
    // follows the caller's signal
    let session: Abi2Session | undefined;
    let stop: AbortController | undefined;
    let net: NetCall | undefined;
    const follow = () => stop?.abort();
    if (this.manifest.abi === 2) {
      const onDenied = o.onDenied;
      const call = this.#net?.call(
        onDenied ? (line) => onDenied.call(o, line) : undefined,
      );
      net = call;
      stop = new AbortController();
      if (o.signal?.aborted) stop.abort();
      else o.signal?.addEventListener("abort", follow, { once: true });
      const onFrame = o.onFrame;
      const onRequest = o.onRequest;
      const onWaiting = o.onWaiting;
      session = new Abi2Session({
        request,
        redact,
        ...(this.#needles.length > 0 ? { redactStrings: redact } : {}),
        ...(onFrame ? { onFrame: (f: GuestFrame) => onFrame.call(o, f) } : {}),
        ...(onRequest
          ? {
            onRequest: (
              m: string,
              p: Record<string, unknown>,
              s: AbortSignal,
              k?: string,
            ) =>
              k !== undefined
                ? onRequest.call(o, m, p, s, k)
                : onRequest.call(o, m, p, s),
          }
          : {}),
        ...(onWaiting ? { onWaiting: () => onWaiting.call(o) } : {}),
        ...(call
          ? {
            hostMethods: HOST_METHODS,
            onHostRequest: (
              _m: string,
              p: Record<string, unknown>,
              s: AbortSignal,
            ) => call.handle(p, s),
          }
          : {}),
        maxRequests: maxRequestsOf(o.maxRequests),
        stop: () => stop!.abort(),
      });
    }
    const frames = session;
    let result: GuestJobResult;
    try {
      result = await this.#runner.run(
        {
          entry: entry ?? this.manifest.entry,
          args: [basename(this.wasmPath)],
          env: { ...this.#env },
          stdin: frames ? "source" : request,
          limits: engineLimits(limits),
          // past the cap the worker only counts (nothing copied nor sent)
          stdoutLimit: cap,
        },
        {
          onStdout(b) {
            total += b.length;
            if (kept < cap) {
              const part = b.subarray(0, Math.min(b.length, cap - kept));
              kept += part.length;
              if (frames) {
                frames.write(part);
                if (kept >= cap) frames.capped();
              } else chunks.push(part.slice());
            }
          },
          onStderr: onStderr ? (b) => void errRedactor.write(b) : undefined,
          onDenied: (d) => denialLog.add(d),
          signal: stop?.signal ?? o.signal,
          timeoutMs: limits.timeoutMs || undefined,
          startedAt: performance.now() - (o.spentMs ?? 0),
          ...(frames ? { stdinSource: frames.stdin } : {}),
        },
      );
    } catch (e) {
      // The sandbox itself failed (e.g. a worker could not be restarted).
      frames?.finish(true);
      const error = redact(`sandbox failure: ${firstLine(e)}`);
      return {
        text: error,
        isError: true,
        error,
        steps: 0,
        memoryPages: 0,
        durationMs: 0,
        exitCode: null,
        ...(frames ? { requests: frames.requests } : {}),
        ...netResult(net, {}, o.onDenied),
      };
    } finally {
      o.signal?.removeEventListener("abort", follow);
    }
    if (onStderr) {
      errRedactor.end();
      const tail = errDecoder.decode();
      if (tail !== "") onStderr(tail);
    }
    // the worker counts what it did not send past the cap
    if (result.stdoutBytes !== undefined) {
      total = Math.max(total, result.stdoutBytes);
    }
    denialLog.addUncounted(result.deniedMore);
    const base = {
      steps: result.steps,
      memoryPages: result.memoryPages,
      durationMs: result.durationMs,
      exitCode: result.exitCode,
      ...this.#denialResult(denialLog, o.onDenied),
    };
    const failure = describeFailure(result, limits);
    if (frames) {
      const outcome = frames.finish(total > cap);
      return this.#frameResult(
        outcome,
        frames.stoppedGuest,
        {
          ...base,
          requests: frames.requests,
          ...netResult(net, base, o.onDenied),
        },
        failure,
        total > cap
          ? `output truncated: the tool wrote ${total} bytes, more than the ${cap}-byte limit`
          : undefined,
      );
    }
    const out = new Uint8Array(kept);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    const stdout = new TextDecoder().decode(out);
    if (total > cap) {
      const error =
        `output truncated: the tool wrote ${total} bytes, more than the ${cap}-byte limit`;
      return {
        ...base,
        // cut at the cap: a secret's first bytes at the cut are redacted too
        text: `${
          redactText(stdout, this.#needles, { maskPartial: true })
        }\n[porta] ${error}`,
        isError: true,
        error: redact(failure ?? error),
      };
    }
    const decoded = decodeResponse(stdout);
    if (failure !== undefined) {
      return {
        ...base,
        text: redact(decoded.kind === "err" ? decoded.text : failure),
        isError: true,
        error: redact(failure),
      };
    }
    if (decoded.isError) {
      const line = decoded.text.split("\n")[0];
      return {
        ...base,
        text: redact(decoded.text),
        isError: true,
        error: redact(`tool returned an error: ${line}`),
      };
    }
    return { ...base, text: redact(decoded.text), isError: false };
  }

  /**
   * The result of an ABI v2 call from how its frames ended (`outcome`) and
   * how its job ended (`failure`, `truncated`). A problem that stopped the
   * guest comes first (the job then ended as cancelled); a rejected request
   * rejects the call.
   */
  #frameResult(
    outcome: Abi2Outcome,
    stoppedGuest: boolean,
    base: Omit<ToolResult, "text" | "isError">,
    failure: string | undefined,
    truncated: string | undefined,
  ): ToolResult {
    const redact = this.#redact;
    if (outcome.kind === "rejected") throw outcome.reason;
    const problem = (error: string): ToolResult => {
      const line = redact(error);
      return { ...base, text: line, isError: true, error: line };
    };
    if (outcome.kind === "problem" && stoppedGuest) {
      return problem(outcome.error);
    }
    if (truncated !== undefined) {
      return { ...problem(failure ?? truncated), text: redact(truncated) };
    }
    if (failure !== undefined) {
      return {
        ...base,
        text: redact(outcome.kind === "error" ? outcome.message : failure),
        isError: true,
        error: redact(failure),
      };
    }
    if (outcome.kind === "problem") return problem(outcome.error);
    if (outcome.kind === "error") {
      return {
        ...base,
        text: redact(outcome.message),
        isError: true,
        error: redact(
          `tool returned an error${
            lineOf(outcome.message) !== "" ? `: ${lineOf(outcome.message)}` : ""
          }`,
        ),
      };
    }
    const value = outcome.value;
    const text = JSON.stringify(value);
    if (value.isError === true) {
      const content = Array.isArray(value.content) ? value.content : [];
      const first = content.find((c): c is { text: string } =>
        typeof c === "object" && c !== null && c.type === "text" &&
        typeof c.text === "string"
      );
      const line = first !== undefined ? lineOf(first.text) : "";
      return {
        ...base,
        text,
        isError: true,
        error: redact(
          `tool returned an error${line !== "" ? `: ${line}` : ""}`,
        ),
        value,
      };
    }
    return { ...base, text, isError: false, value };
  }

  /**
   * Runs the module as a program (`porta run`): streams stdout/stderr through,
   * restarts per `o.restart`, and reports totals. Never throws for guest
   * failures: they are described by the result.
   */
  async run(o: RunOptions): Promise<RunResult> {
    if (this.#closed) throw new AgentError("the agent is closed");
    const policy = o.restart ?? NO_RESTART;
    const limits = mergeLimits(this.#limits, o.limits);
    const entry = o.entry ?? this.manifest.entry ?? "_start";
    if (
      !this.module.exports.some((e) =>
        e.name === entry && e.kind === "function"
      )
    ) {
      const funcs = this.module.exports.filter((e) => e.kind === "function")
        .map((e) => printable(e.name));
      const hint = funcs.length === 0
        ? " (it exports no functions)"
        : ` (${
          entry === "_start" ? "the module is a reactor; " : ""
        }its function exports are: ${funcs.slice(0, 10).join(", ")}${
          funcs.length > 10 ? ", ..." : ""
        } — pick one with --entry)`;
      throw new AgentError(
        `entry "${
          printable(entry)
        }" is not an exported function of ${this.wasmPath}${hint}`,
      );
    }
    const problem = entryProblem(this.module, entry);
    if (problem) throw new AgentError(problem);
    let restarts = 0;
    let steps = 0;
    let memoryPages = 0;
    let durationMs = 0;
    // one streaming redactor per stream (the held tail is flushed after
    // each attempt); the sinks' promises carry backpressure to the guest
    const out = new StreamRedactor(this.#needles, (b) => o.onStdout(b));
    const err = new StreamRedactor(this.#needles, (b) => o.onStderr(b));
    const denialLog = this.#denialLog(o.onDenied);
    for (;;) {
      let r: GuestJobResult;
      try {
        r = await this.#runner.run(
          {
            entry,
            args: [basename(this.wasmPath), ...o.args],
            env: { ...this.#env },
            stdin: o.stdin ?? "inherit",
            limits: engineLimits(limits),
          },
          {
            onStdout: (b) => out.write(b),
            onStderr: (b) => err.write(b),
            onDenied: (d) => denialLog.add(d),
            signal: o.signal,
            timeoutMs: limits.timeoutMs || undefined,
          },
        );
      } finally {
        out.end();
        err.end();
      }
      steps += r.steps;
      memoryPages = Math.max(memoryPages, r.memoryPages);
      durationMs += r.durationMs;
      denialLog.addUncounted(r.deniedMore);
      const cancelled = o.signal?.aborted === true ||
        r.stopped === "cancelled";
      const timedOut = r.stopped === "timeout";
      const failure = describeFailure(r, limits);
      const again = shouldRestart(
        policy,
        {
          exitCode: guestExitCode(r),
          cancelled: cancelled || timedOut,
        },
        restarts,
      );
      if (!again) {
        const res: RunResult = {
          exitCode: guestExitCode(r),
          restarts,
          steps,
          memoryPages,
          durationMs,
          cancelled,
        };
        if (r.limit && res.exitCode === null) res.limit = r.limit;
        else if (timedOut) res.limit = "timeout";
        if (failure !== undefined && res.exitCode === null) {
          res.error = this.#redact(failure);
        }
        const { denials } = this.#denialResult(denialLog, o.onDenied);
        if (denials !== undefined) res.denials = denials;
        return res;
      }
      restarts++;
      o.onRestart?.(restarts, r);
    }
  }

  /** Stops every worker (the net worker too); further calls fail. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#net?.close();
    await this.#runner.close();
  }
}

/** The requests an ABI v2 agent makes of Porta itself (see `net.ts`). */
const HOST_METHODS: ReadonlySet<string> = new Set([FETCH_METHOD]);

/**
 * The network part of an ABI v2 call's result: its stats, and its refusal
 * lines and rules merged into the call's denials (the closing "more" line
 * goes to `emit`). Empty when the guest asked for no request.
 */
function netResult(
  net: NetCall | undefined,
  base: { denials?: string[]; deniedSummary?: string },
  emit: ((line: string) => void) | undefined,
): Pick<ToolResult, "net" | "denials" | "deniedSummary"> {
  const stats = net?.stats();
  if (net === undefined || stats === undefined) return {};
  const out: Pick<ToolResult, "net" | "denials" | "deniedSummary"> = {
    net: stats,
  };
  const more = net.moreLine();
  if (more !== undefined) {
    try {
      emit?.(more);
    } catch {
      // a reporting callback never disturbs the call
    }
  }
  const lines = [...net.lines, ...(more !== undefined ? [more] : [])];
  if (lines.length > 0) out.denials = [...(base.denials ?? []), ...lines];
  const summary = net.summary();
  if (summary !== "") {
    out.deniedSummary = base.deniedSummary
      ? `${base.deniedSummary},${summary}`
      : summary;
  }
  return out;
}

/** The first non-blank line of a guest's text, trimmed ("" when none). */
function lineOf(text: string): string {
  return text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
}

/** `CallOptions.maxRequests` or its default: a whole number, at least 0. */
function maxRequestsOf(n: number | undefined): number {
  return typeof n === "number" && !Number.isNaN(n)
    ? Math.max(0, Math.floor(n))
    : DEFAULT_MAX_REQUESTS;
}

/** The guest's own exit code; null when it trapped, hit a limit or was stopped. */
function guestExitCode(r: GuestJobResult): number | null {
  // a guest that exits by itself after memory.grow failed at the cap keeps
  // its code (the sandbox flags such runs with limit "memory")
  if (r.trap !== undefined || r.exitCode === null) return null;
  if (r.limit !== undefined && r.limit !== "memory") return null;
  return r.exitCode;
}

/**
 * Why an exported function cannot be an entry (it takes parameters), when
 * the runtime knows its type; undefined when it can.
 */
function entryProblem(shape: ModuleShape, entry: string): string | undefined {
  const type = shape.exports.find((e) =>
    e.name === entry && e.kind === "function"
  )?.type;
  if (type === undefined || type.startsWith("() ")) return undefined;
  return `entry "${
    printable(entry)
  }" has type ${type}; an entry must take no parameters`;
}

function engineLimits(
  l: CallLimits,
): { fuel?: number; maxMemoryPages?: number } {
  const out: { fuel?: number; maxMemoryPages?: number } = {};
  if (l.stepLimit !== undefined) out.fuel = l.stepLimit;
  if (l.maxMemoryPages !== undefined) out.maxMemoryPages = l.maxMemoryPages;
  return out;
}

function grantHint(
  profile: string | undefined,
  manifestPath: string | undefined,
  strict?: boolean,
): string {
  if (strict === true) {
    return "hint: --strict-imports refuses imports whose capability is not granted; without it they load and every call to them is denied";
  }
  if (profile === undefined && manifestPath === undefined) {
    return "hint: nothing is granted by default; choose --profile ai-agent|worker|full or add a manifest";
  }
  if (manifestPath !== undefined) {
    return `hint: grants are the manifest's capabilities narrowed by the profile (${
      profile ?? "ai-agent, the default"
    })`;
  }
  return `hint: profile ${profile} does not grant these; choose a wider --profile`;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n").map((s) => s.trim()).find((s) => s !== "") ??
    "unknown error";
}

/** Reads a module file, with one-line errors for missing files and non-wasm content. */
export async function readModule(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      throw new AgentError(`${path}: is a directory, not a .wasm file`);
    }
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof AgentError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new AgentError(`${path}: no such file`);
    }
    if (
      e instanceof Deno.errors.PermissionDenied ||
      e instanceof Deno.errors.NotCapable
    ) {
      throw new AgentError(`${path}: permission denied`);
    }
    throw new AgentError(`${path}: cannot read the file`);
  }
  if (
    bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 ||
    bytes[2] !== 0x73 ||
    bytes[3] !== 0x6d
  ) {
    throw new AgentError(
      `${path}: not a WebAssembly binary (no \\0asm header)`,
    );
  }
  return bytes;
}
