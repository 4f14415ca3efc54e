/**
 * The job loop that runs inside the guest worker. `guest_worker.ts` wires it
 * to Porta's engine (`src/wasm`) and WASI layer (`src/wasi`); this module
 * itself only sees them through the small structural interfaces below, so
 * tests can exercise the same loop with a reference engine.
 *
 * Protocol (structured-clone messages):
 * - parent -> worker `{t:"init", wasm, grants, preopens, progress, flow,
 *   strictImports, wasiImports, tier}` then
 *   worker -> parent `{t:"ready"}` or `{t:"init-error", message}`;
 * - parent -> worker `{t:"run", id, job, cancel}`; worker -> parent
 *   `{t:"out", id, fd, bytes}` while the guest writes, `{t:"denied", id,
 *   denial}` once per distinct call refused for want of a grant, then
 *   `{t:"done", id, result}`.
 *
 * Cancellation is cooperative (in Deno 2.9 `Worker.terminate()` does not stop
 * a thread that is busy in JS or blocked in `Atomics.wait`): `cancel` is a
 * SharedArrayBuffer holding one Int32; the parent stores a non-zero value and
 * calls `Atomics.notify` on it. The flag goes to the WASI layer (`cancel`: the
 * next WASI call or a sleep throws) and to the engine (`interrupt`: polled on
 * loop back-edges and calls), so the guest unwinds, the job ends with
 * `trap: "cancelled"` (and `stopped: "cancelled"`) and the worker is free for
 * the next job.
 *
 * `stdin: "inherit"` (the process's stdin) and `stdin: "source"` (the
 * parent's per-run `RunIO.stdinSource`) are served by the parent through
 * `stdinChannel` (see {@link STDIN_CHANNEL_BYTES}): the worker never blocks
 * in a host read, so a guest waiting for input can be cancelled too. Each
 * request on the channel carries how many stdout `out` messages the job had
 * posted, and the parent answers only once it has received them all: what
 * the guest wrote before it read reaches the parent's consumer first.
 *
 * Output has backpressure: `flow` (one shared Int32) sums the
 * {@link outputCost} of `out` messages the parent has not finished with yet
 * (the parent subtracts a message's cost once its consumer has written it
 * out, not when it arrives); past {@link MAX_OUTPUT_IN_FLIGHT} the guest's
 * write blocks (in `Atomics.wait` slices of 50 ms that poll `cancel`) until
 * the parent catches up or the job is cancelled. So a guest writing in a
 * tight loop cannot flood the parent's message queue (memory) nor delay its
 * cancellation, and a reader that stops reading Porta's stdout stops the
 * guest, not Porta. While the parent is behind, small writes are merged
 * ({@link OUTPUT_COALESCE_BYTES}), so the parent's work per message is
 * bounded and a flood of tiny writes costs one message per 64 KiB; a write
 * larger than {@link MAX_OUTPUT_IN_FLIGHT} is sent in pieces of that size.
 * `Job.stdoutLimit` bounds what is copied and sent at all.
 *
 * @module
 */

import { type Capability, WASI_MODULE } from "./capabilities.ts";
import {
  checkImports,
  emptyWhenNotGranted,
  formatDenied,
  guardImports,
} from "./policy.ts";
import type { Preopen } from "./permissions.ts";
import { brokeredSymlink } from "./broker.ts";
import {
  channelStdin,
  STDIN_CHANNEL_DATA_BYTES,
  STDIN_CHANNEL_HEADER_BYTES,
} from "./stdin_channel.ts";

/**
 * The engine's execution tiers (`InstanceOptions.tier` of `src/wasm`, its
 * type `Tier`): `interp`, `js` or `auto` (the engine's default).
 */
export type Tier = "interp" | "js" | "auto";

/** Limits of one job, passed to the engine's `InstanceOptions`. */
export interface JobLimits {
  /** Instructions the instance may execute. */
  fuel?: number;
  /** Maximum linear-memory size in 64 KiB pages. */
  maxMemoryPages?: number;
  /** Maximum call depth. */
  maxCallDepth?: number;
}

/** One run of the guest in a fresh instance. */
export interface Job {
  /** The export to run; default `_start` (a WASI command). */
  entry?: string;
  /** argv; `args[0]` is the program name. */
  args: string[];
  /** The environment the guest sees (only with the `env` capability). */
  env: Record<string, string>;
  /**
   * Bytes for stdin; `"inherit"` to read the process's stdin; `"source"` to
   * read the run's `RunIO.stdinSource` (see `wall.ts`: an async source in the
   * parent, e.g. the ABI v2 call request followed by the answers to the
   * guest's requests; without a source, or outside a wall, end of input).
   * Default: empty.
   */
  stdin?: Uint8Array | "inherit" | "source";
  /** Resource limits. */
  limits?: JobLimits;
  /**
   * Bytes of stdout the caller keeps (for example a per-call output cap):
   * the worker sends at most this many and only counts the rest, which is
   * never copied out of guest memory ({@link JobResult.stdoutBytes} gives the
   * total). Absent: everything is sent.
   */
  stdoutLimit?: number;
}

/** What a job ended with. */
export interface JobResult {
  /** The guest's exit code; null when it trapped, was cancelled or timed out. */
  exitCode: number | null;
  /** One line explaining a trap, cancellation or timeout. */
  trap?: string;
  /** Which limit stopped the guest, when one did. */
  limit?: "fuel" | "memory" | "call-depth";
  /**
   * Set when the job was stopped from outside: `"cancelled"` (the job's
   * cancel flag, an abort, the wall terminated) with `trap: "cancelled"`, or
   * `"timeout"` (the wall-clock limit) with `trap: "timeout after N ms"`.
   * Absent: the job ended by itself (exit, trap or limit).
   */
  stopped?: "cancelled" | "timeout";
  /**
   * How far the job got: `"instantiate"` when the engine's instance
   * constructor threw before the module's start function began (linking,
   * the memory budget, an implementation limit, segments; with engines
   * without `beforeStart`, a failing start function too); `"run"` once the
   * start function or the entry ran. Absent: no instance was attempted
   * (cancelled before, module not initialised, internal error).
   */
  phase?: "instantiate" | "run";
  /**
   * With `phase: "instantiate"`: what the module's own memories and tables
   * take at instantiation, in 64 KiB pages, as the engine's memory budget
   * counts them (initial sizes; a table element is 8 bytes; rounded up).
   * Absent when the engine cannot describe modules (`EngineLike.describeModule`).
   */
  initialPages?: number;
  /**
   * With `phase: "instantiate"`: the engine implementation limit the module
   * exceeds, so the engine (not the guest) refused it: `"table-size"`, a
   * table whose initial size is above the engine's `LIMITS.tableSize`.
   * Absent: none (or the engine does not say: `EngineLike.describeModule`,
   * `EngineLike.LIMITS`).
   */
  engineLimit?: "table-size";
  /** Instructions executed (last known value for cancelled jobs). */
  steps: number;
  /** Linear-memory size in pages at the end (last known value for cancelled jobs). */
  memoryPages: number;
  /** Wall-clock duration of the job in milliseconds. */
  durationMs: number;
  /**
   * Bytes the guest wrote to stdout, including those past
   * {@link Job.stdoutLimit} that were not sent (absent when not counted).
   */
  stdoutBytes?: number;
  /**
   * Distinct denials (function, reason, capability or preopen) not reported
   * as `denied` messages because the job already reported
   * {@link MAX_DENIALS_PER_JOB} (absent: none).
   */
  deniedMore?: number;
}

/**
 * A WASI call refused for want of a grant, as the worker reports it (once
 * per distinct function, reason and capability or preopen, per job):
 * `capability` when the function's capability is not granted (the run-time
 * guard), else the WASI layer's reason (see `src/wasi/denial.ts`).
 */
export interface JobDenial {
  /** The WASI function, e.g. `path_open`. */
  fn: string;
  /** Why it was refused. */
  reason: "capability" | "absolute" | "outside" | "symlink" | "read-only";
  /** The missing capability, for `capability`. */
  capability?: Capability;
  /** The guest path (raw, untrusted, at most a few hundred characters). */
  path?: string;
  /** The guest path of the preopen involved. */
  preopen?: string;
}

/** What makes two denials the same cause: function, reason, and capability or preopen. */
export function denialKey(d: JobDenial): string {
  return `${d.fn}\0${d.reason}\0${d.capability ?? d.preopen ?? ""}`;
}

/** Distinct denials one job reports; further ones are only counted ({@link JobResult.deniedMore}). */
export const MAX_DENIALS_PER_JOB = 20;

/** Options the job loop passes to the engine's `Instance` constructor. */
export interface InstanceOptionsLike extends JobLimits {
  /** Execution tier (see {@link InitMessage.tier}). Engines without tiers ignore it. */
  tier?: Tier;
  /**
   * Cooperative interruption flag (Int32Array over a SharedArrayBuffer): the
   * guest traps once index 0 is non-zero. Engines without it ignore it.
   */
  interrupt?: Int32Array;
  /**
   * Called with the instance just before its start function runs, so the
   * steps and memory of a start function that fails are known. Engines
   * without it ignore it.
   */
  beforeStart?: (
    instance: { readonly exports: Record<string, unknown> },
  ) => void;
}

/** The engine surface the job loop uses (shape of the WebAssembly JS API). */
export interface EngineLike {
  /** Module constructor plus `Module.imports`. */
  Module: {
    new (bytes: Uint8Array): object;
    imports(module: object): { module: string; name: string; kind: string }[];
  };
  /** Instance constructor taking `InstanceOptions` as third argument. */
  Instance: new (
    module: object,
    importObject?: Record<string, Record<string, unknown>>,
    options?: InstanceOptionsLike,
  ) => { readonly exports: Record<string, unknown> };
  /** Exact instruction count of an instance (absent in reference engines). */
  stepsUsed?(instance: object): number;
  /**
   * Bytes of all memories and tables of an instance, what its memory budget
   * counts (absent in reference engines: then the exported memory is used).
   */
  memoryBytes?(instance: object): number;
  /**
   * The module's memories and tables (Porta's `describeModule`; absent in
   * reference engines): gives {@link JobResult.initialPages} and
   * {@link JobResult.engineLimit}.
   */
  describeModule?(module: object): ModuleLayout;
  /** The engine's implementation limits (Porta's `LIMITS`; absent in reference engines). */
  LIMITS?: { readonly tableSize: number };
}

/** The part of an engine's module description the job loop reads. */
export interface ModuleLayout {
  /** Memories, imported ones included: initial size in pages. */
  memories: readonly { min: number; imported: boolean }[];
  /** Tables, imported ones included: initial size in elements. */
  tables: readonly { min: number; imported: boolean }[];
}

/** The WASI surface the job loop uses (`src/wasi`'s `Wasi`). */
export interface WasiLike {
  /** WASI functions by module. */
  readonly imports: {
    wasi_snapshot_preview1: Record<string, (...a: any[]) => any>;
  };
  /** Run `_start`, return the exit code. */
  start(instance: object): number;
  /** Call `_initialize` when present. */
  initialize(instance: object): void;
  /** Close every host file the guest left open. */
  close?(): void;
}

/** Options passed to the WASI constructor. */
export interface WasiConstructorOptions {
  /** argv. */
  args: string[];
  /** Environment. */
  env: Record<string, string>;
  /** Preopened directories. */
  preopens: Preopen[];
  /** Synchronous stdin source. */
  stdin: (buf: Uint8Array) => number;
  /** Synchronous stdout sink. */
  stdout: (bytes: Uint8Array) => void;
  /** Synchronous stderr sink. */
  stderr: (bytes: Uint8Array) => void;
  /** Cancellation flag (see `WasiOptions.cancel`): WASI calls and sleeps throw once set. */
  cancel?: Int32Array;
  /** The process-wide filesystem lock (see `WasiOptions.fsLock`). */
  fsLock?: Int32Array;
  /** This worker's owner token for {@link WasiConstructorOptions.fsLock}. */
  fsLockOwner?: number;
  /** Creates a checked symlink (see `WasiOptions.symlink`): the broker's, when the parent offers one. */
  symlink?: (target: string, hostPath: string) => void;
  /** Told of each call the WASI layer refuses for want of a grant (see `WasiOptions.onDenied`). */
  onDenied?: (d: Omit<JobDenial, "capability">) => void;
}

/** Everything the job loop needs from the layers below. */
export interface WorkerDeps {
  /** The engine. */
  engine: EngineLike;
  /** Creates a WASI object. */
  createWasi(options: WasiConstructorOptions): WasiLike;
  /** Returns the exit code when `e` is the WASI layer's exit signal (`WasiExit`). */
  exitCode(e: unknown): number | undefined;
  /** Optional engine preparation run once after the module was accepted (before "ready"). */
  prepare?(): void;
}

/** parent -> worker: compile and check the module. */
export interface InitMessage {
  /** Message tag. */
  t: "init";
  /** Module bytes. */
  wasm: Uint8Array;
  /** Granted capabilities. */
  grants: Capability[];
  /** Effective preopens (real host paths). */
  preopens: Preopen[];
  /** Shared Float64Array(2) buffer: [steps, memoryPages], updated at every WASI call. */
  progress: SharedArrayBuffer;
  /**
   * Shared Int32: {@link outputCost} of output posted but not yet handled by
   * the parent (the worker adds, the parent subtracts and notifies). Absent:
   * no backpressure.
   */
  flow?: SharedArrayBuffer;
  /**
   * The process-wide filesystem lock: one shared Int32 that every guest
   * worker of the process takes around each path operation (see
   * `WasiOptions.fsLock`). Absent: a lock of the worker's own (only safe
   * when no other guest shares its preopens).
   */
  fsLock?: SharedArrayBuffer;
  /** Non-zero int32 the worker stores in `fsLock` while it holds it. */
  fsLockOwner?: number;
  /**
   * The symlink broker's channel (`broker.ts`, `BROKER_BYTES`), given when
   * the worker has a writable preopen: `path_symlink` asks the parent to
   * create the link (the worker's Deno permissions cannot), posting
   * `{t:"broker"}` as the doorbell.
   */
  broker?: SharedArrayBuffer;
  /**
   * Refuse the module when it imports a WASI function whose capability is
   * not granted (`--strict-imports`). Default: such imports link and every
   * call is refused at run time.
   */
  strictImports?: boolean;
  /** The manifest's `wasi_imports`, when it lists them: any other WASI import refuses the module. */
  wasiImports?: string[];
  /**
   * The engine's execution tier of every instance the worker creates
   * (`InstanceOptions.tier`). Absent: the engine's default (`auto`).
   */
  tier?: Tier;
}

/** parent -> worker: run one job. */
export interface RunMessage {
  /** Message tag. */
  t: "run";
  /** Job id echoed in replies. */
  id: number;
  /** The job. */
  job: Job;
  /**
   * One Int32 over shared memory, 0 at start; the parent sets it to non-zero
   * (and notifies) to interrupt the job. Absent: the job cannot be interrupted.
   */
  cancel?: SharedArrayBuffer;
  /**
   * For `stdin: "inherit"` and `"source"`: the parent's stdin channel
   * (layout in {@link STDIN_CHANNEL_BYTES}). Absent: with `"inherit"` the
   * worker reads `Deno.stdin` itself (blocking, not cancellable); with
   * `"source"` stdin is empty.
   */
  stdinChannel?: SharedArrayBuffer;
}

/** worker -> parent messages. */
export type WorkerReply =
  | { t: "ready" }
  | { t: "init-error"; message: string }
  | { t: "out"; id: number; fd: 1 | 2; bytes: Uint8Array }
  | { t: "denied"; id: number; denial: JobDenial }
  | { t: "done"; id: number; result: JobResult }
  | { t: "fatal"; message: string }
  | { t: "broker" };

const PAGE = 65536;

/** Bytes a table element counts in an instance's memory budget (see the engine's `InstanceOptions.maxMemoryPages`). */
const TABLE_ELEMENT_BYTES = 8;

/**
 * Pages the module's own (not imported) memories and tables take at
 * instantiation as the engine's memory budget counts them: initial memory
 * pages plus 8 bytes a table element, rounded up to whole pages. (The guest
 * worker provides no memories nor tables, so a module importing one is
 * refused before instantiation.)
 */
export function initialPagesOf(layout: ModuleLayout): number {
  let bytes = 0;
  for (const m of layout.memories) if (!m.imported) bytes += m.min * PAGE;
  for (const t of layout.tables) {
    if (!t.imported) bytes += t.min * TABLE_ELEMENT_BYTES;
  }
  return Math.ceil(bytes / PAGE);
}

/**
 * Output cost a worker may have in flight to the parent before a guest write
 * blocks (a single larger write still goes through when nothing is pending):
 * about 1 MiB of data, or 256 tiny messages.
 */
export const MAX_OUTPUT_IN_FLIGHT = 1 << 20;

/**
 * Size of a stdin channel (`stdin_channel.ts` documents the same layout):
 * Int32 `[state, length, stdoutPosted, reserved]` then up to 64 KiB of data
 * at byte offset 16. States: 0 idle; 1 the worker requests up to `length`
 * bytes; 2 the parent answered with `length` bytes (0 = end of input), which
 * the worker consumes, setting the state back to 0. Both sides notify index
 * 0. With each request the worker stores in `stdoutPosted` how many stdout
 * `out` messages the job had posted; the parent answers once it has received
 * that many (they travel by `postMessage`, the request by `Atomics`, so the
 * parent may see the request first).
 */
export const STDIN_CHANNEL_BYTES: number = STDIN_CHANNEL_HEADER_BYTES +
  STDIN_CHANNEL_DATA_BYTES;

/**
 * Guest writes smaller than this, made while the parent still has output in
 * flight, are merged into one `out` message of up to this size (64 KiB), so
 * a flood of tiny writes costs the parent one message per 64 KiB instead of
 * one per write. While the parent keeps up, every write is sent at once.
 * Merged output is sent when the buffer is full, when the guest switches
 * between stdout and stderr, at its next WASI call other than `fd_write`
 * (reading stdin, sleeping, ...), and at the end of the job.
 */
export const OUTPUT_COALESCE_BYTES = 65536;

/** Flow-control cost of one `out` message: its bytes plus a per-message 4 KiB. */
export function outputCost(byteLength: number): number {
  return byteLength + 4096;
}

/** First line of an error message (never a stack). */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].trim();
}

/**
 * Which limit stopped the guest, from the `kind` of the engine's
 * `RuntimeError` (`"fuel"`, `"memory"` or `"call-depth"`; the message is never
 * parsed). Anything else, including errors of engines without a `kind`, names
 * no limit.
 */
export function classifyLimit(
  e: unknown,
): "fuel" | "memory" | "call-depth" | undefined {
  if (!(e instanceof Error) || e.name !== "RuntimeError") return undefined;
  const kind = (e as Error & { kind?: unknown }).kind;
  return kind === "fuel" || kind === "memory" || kind === "call-depth"
    ? kind
    : undefined;
}

/** The memory budget in use, in pages (rounded up: tables count 8 bytes an element). */
function memoryPagesOf(
  engine: EngineLike,
  instance: { exports: Record<string, unknown> },
): number {
  if (engine.memoryBytes) return Math.ceil(engine.memoryBytes(instance) / PAGE);
  const mem = instance.exports.memory as
    | { buffer?: ArrayBufferLike }
    | undefined;
  const len = mem?.buffer?.byteLength;
  return typeof len === "number" ? len / PAGE : 0;
}

/**
 * Install the job loop on a worker scope. Returns nothing; the loop lives as
 * long as the worker. Jobs run one at a time, each in a fresh instance of the
 * module compiled once at init.
 */
export function serveGuestJobs(
  deps: WorkerDeps,
  scope: {
    postMessage(m: WorkerReply): void;
    addEventListener(
      type: "message",
      fn: (e: MessageEvent) => void,
    ): void;
  },
): void {
  let module: object | undefined;
  let grants = new Set<Capability>();
  let preopens: Preopen[] = [];
  let progress: Float64Array<ArrayBufferLike> = new Float64Array(2);
  let flow: Int32Array | undefined;
  let fsLock: { fsLock?: Int32Array; fsLockOwner?: number } = {};
  let broker: SharedArrayBuffer | undefined;
  let tier: Tier | undefined;
  /** {@link JobResult.initialPages} and `engineLimit` of the module, once computed. */
  let moduleFacts: Pick<JobResult, "initialPages" | "engineLimit"> | undefined;

  /**
   * What the module declares that can make the engine refuse an instance
   * (computed on the first refused instantiation, then kept): its
   * initial pages and an engine limit it exceeds, when the engine says.
   */
  const refusalFacts = (): Pick<JobResult, "initialPages" | "engineLimit"> => {
    if (moduleFacts !== undefined) return moduleFacts;
    const facts: Pick<JobResult, "initialPages" | "engineLimit"> = {};
    moduleFacts = facts;
    if (module === undefined || deps.engine.describeModule === undefined) {
      return facts;
    }
    try {
      const layout = deps.engine.describeModule(module);
      facts.initialPages = initialPagesOf(layout);
      const max = deps.engine.LIMITS?.tableSize;
      if (
        max !== undefined &&
        layout.tables.some((t) => !t.imported && t.min > max)
      ) {
        facts.engineLimit = "table-size";
      }
    } catch {
      // a module the engine cannot describe: nothing is known
    }
    return facts;
  };

  const init = (m: InitMessage): void => {
    try {
      grants = new Set(m.grants);
      tier = m.tier;
      fsLock = {
        ...(m.fsLock instanceof SharedArrayBuffer
          ? { fsLock: new Int32Array(m.fsLock, 0, 1) }
          : {}),
        ...(m.fsLockOwner !== undefined ? { fsLockOwner: m.fsLockOwner } : {}),
      };
      preopens = m.preopens;
      broker = m.broker instanceof SharedArrayBuffer ? m.broker : undefined;
      progress = new Float64Array(m.progress);
      flow = m.flow instanceof SharedArrayBuffer
        ? new Int32Array(m.flow, 0, 1)
        : undefined;
      let compiled: object;
      try {
        compiled = new deps.engine.Module(m.wasm);
      } catch (e) {
        scope.postMessage({
          t: "init-error",
          message: `invalid module: ${oneLine(e)}`,
        });
        return;
      }
      // the parent checked the same rule (Agent.load); checked again here
      const denied = checkImports(
        deps.engine.Module.imports(compiled),
        grants,
        {
          strict: m.strictImports === true,
          ...(Array.isArray(m.wasiImports) ? { allowlist: m.wasiImports } : {}),
        },
      );
      if (denied.length > 0) {
        scope.postMessage({ t: "init-error", message: formatDenied(denied) });
        return;
      }
      module = compiled;
      moduleFacts = undefined;
      deps.prepare?.();
      scope.postMessage({ t: "ready" });
    } catch (e) {
      scope.postMessage({ t: "init-error", message: oneLine(e) });
    }
  };

  const run = (m: RunMessage): void => {
    const t0 = performance.now();
    const { id, job } = m;
    const limits = job.limits ?? {};
    const cancel = m.cancel instanceof SharedArrayBuffer
      ? new Int32Array(m.cancel, 0, 1)
      : undefined;
    const cancelled = (): boolean =>
      cancel !== undefined && Atomics.load(cancel, 0) !== 0;
    let instance: { exports: Record<string, unknown> } | undefined;
    const steps = (): number =>
      instance && deps.engine.stepsUsed ? deps.engine.stepsUsed(instance) : 0;
    let wasi: WasiLike | undefined;
    /** See {@link JobResult.phase}: set when the instance is constructed. */
    let phase: "instantiate" | "run" | undefined;
    const finish = (
      r: Omit<JobResult, "steps" | "memoryPages" | "durationMs">,
    ) => {
      try {
        wasi?.close?.();
      } catch {
        // closing is best effort; the job result stands
      }
      const result: JobResult = {
        ...r,
        steps: steps(),
        memoryPages: instance ? memoryPagesOf(deps.engine, instance) : 0,
        durationMs: performance.now() - t0,
      };
      if (phase !== undefined) {
        result.phase = phase;
        if (phase === "instantiate") Object.assign(result, refusalFacts());
      }
      if (
        result.limit === undefined && limits.maxMemoryPages !== undefined &&
        (result.trap !== undefined || result.exitCode !== 0) &&
        result.memoryPages >= limits.maxMemoryPages
      ) {
        // memory.grow failed at the cap and the guest then gave up
        result.limit = "memory";
        if (result.trap !== undefined) {
          result.trap +=
            ` (after reaching the memory limit of ${limits.maxMemoryPages} pages)`;
        }
      }
      progress[0] = result.steps;
      progress[1] = result.memoryPages;
      if (job.stdoutLimit !== undefined) result.stdoutBytes = stdoutBytes;
      if (deniedMore > 0) result.deniedMore = deniedMore;
      // merged output first (unless the job is being cancelled: then the
      // parent ignores it anyway and may not be reading)
      try {
        if (!cancelled()) flushOutput();
      } catch {
        // cancelled while waiting for the parent
      }
      scope.postMessage({ t: "done", id, result });
    };
    /** Post one `out` message, waiting while too much is still unhandled. */
    const post = (fd: 1 | 2, bytes: Uint8Array): void => {
      const cost = outputCost(bytes.length);
      if (flow) {
        for (;;) {
          const pending = Atomics.load(flow, 0);
          if (pending <= 0 || pending + cost <= MAX_OUTPUT_IN_FLIGHT) {
            break;
          }
          // WASI turns this into an errno; the next call then unwinds
          if (cancelled()) throw new Error("cancelled");
          Atomics.wait(flow, 0, pending, 50);
        }
        Atomics.add(flow, 0, cost);
      }
      scope.postMessage({ t: "out", id, fd, bytes });
      if (fd === 1) stdoutPosted++;
    };
    // stdout `out` messages posted (see STDIN_CHANNEL_BYTES)
    let stdoutPosted = 0;
    // small writes merged while the parent is behind (OUTPUT_COALESCE_BYTES)
    let merged: Uint8Array | undefined;
    let mergedLength = 0;
    let mergedFd: 1 | 2 = 1;
    const flushOutput = (): void => {
      if (mergedLength === 0) return;
      const bytes = merged!.slice(0, mergedLength);
      mergedLength = 0;
      post(mergedFd, bytes);
    };
    const parentIdle = (): boolean =>
      flow === undefined || Atomics.load(flow, 0) <= 0;
    /** Guest output: sent at once while the parent keeps up, else merged. */
    const output = (fd: 1 | 2, chunk: Uint8Array): void => {
      if (chunk.length === 0) return;
      // a view into a larger buffer would be cloned whole by postMessage
      const bytes = chunk.byteOffset === 0 &&
          chunk.byteLength === chunk.buffer.byteLength
        ? chunk
        : chunk.slice();
      if (
        mergedLength > 0 &&
        (fd !== mergedFd || parentIdle() ||
          mergedLength + bytes.length > OUTPUT_COALESCE_BYTES)
      ) {
        flushOutput();
      }
      if (bytes.length >= OUTPUT_COALESCE_BYTES || parentIdle()) {
        for (let off = 0; off < bytes.length; off += MAX_OUTPUT_IN_FLIGHT) {
          post(
            fd,
            bytes.length <= MAX_OUTPUT_IN_FLIGHT
              ? bytes
              : bytes.slice(off, off + MAX_OUTPUT_IN_FLIGHT),
          );
        }
        return;
      }
      merged ??= new Uint8Array(OUTPUT_COALESCE_BYTES);
      merged.set(bytes, mergedLength);
      mergedLength += bytes.length;
      mergedFd = fd;
    };
    // stdout past job.stdoutLimit is counted, never copied nor sent
    let stdoutBytes = 0;
    // denials: one message per distinct cause, at most MAX_DENIALS_PER_JOB;
    // the keys are bounded (function x reason x capability or preopen), so
    // a guest denied in a loop costs a Set lookup per call, no messages
    const deniedKeys = new Set<string>();
    const moreKeys = new Set<string>();
    let deniedMore = 0;
    const denied = (d: JobDenial): void => {
      const key = denialKey(d);
      if (deniedKeys.has(key)) return;
      if (deniedKeys.size >= MAX_DENIALS_PER_JOB) {
        if (!moreKeys.has(key)) {
          moreKeys.add(key);
          deniedMore++;
        }
        return;
      }
      deniedKeys.add(key);
      // after the output the guest wrote before (merged output first)
      try {
        flushOutput();
      } catch {
        // cancelled while waiting for the parent: the report still goes
      }
      const denial: JobDenial = { fn: d.fn, reason: d.reason };
      if (d.capability !== undefined) denial.capability = d.capability;
      if (typeof d.path === "string") denial.path = d.path.slice(0, 512);
      if (typeof d.preopen === "string") {
        denial.preopen = d.preopen.slice(0, 512);
      }
      scope.postMessage({ t: "denied", id, denial });
    };
    const stdoutSink = Object.assign(
      (bytes: Uint8Array): void => {
        stdoutBytes += bytes.length;
        const limit = job.stdoutLimit;
        if (limit === undefined) return output(1, bytes);
        const sent = stdoutBytes - bytes.length;
        const take = Math.max(0, Math.min(bytes.length, limit - sent));
        if (take > 0) {
          output(1, take < bytes.length ? bytes.slice(0, take) : bytes);
        }
      },
      job.stdoutLimit === undefined ? {} : {
        room: (): number => Math.max(0, (job.stdoutLimit ?? 0) - stdoutBytes),
        overflow: (n: number): void => {
          stdoutBytes += n;
        },
      },
    );
    const trapped = (e: unknown): void => {
      const code = deps.exitCode(e);
      if (code !== undefined) return finish({ exitCode: code });
      // WasiCancelled, the engine's RuntimeError("interrupted"), or anything
      // else the unwinding caused once the flag is up: the job was cancelled
      if (cancelled()) {
        return finish({
          exitCode: null,
          trap: "cancelled",
          stopped: "cancelled",
        });
      }
      const trap = oneLine(e);
      const limit = classifyLimit(e);
      finish(
        limit ? { exitCode: null, trap, limit } : { exitCode: null, trap },
      );
    };
    try {
      if (module === undefined) {
        return finish({ exitCode: null, trap: "guest module not initialised" });
      }
      if (cancelled()) {
        return finish({
          exitCode: null,
          trap: "cancelled",
          stopped: "cancelled",
        });
      }
      progress[0] = 0;
      progress[1] = 0;
      let stdin: (buf: Uint8Array) => number;
      if (
        (job.stdin === "inherit" || job.stdin === "source") &&
        m.stdinChannel instanceof SharedArrayBuffer
      ) {
        // with ready(ms): poll_oneoff learns whether a read would block
        stdin = channelStdin(
          m.stdinChannel,
          cancelled,
          () => stdoutPosted,
        );
      } else if (job.stdin === "source") {
        stdin = () => 0;
      } else if (job.stdin === "inherit") {
        stdin = (buf) => {
          try {
            return Deno.stdin.readSync(buf) ?? 0;
          } catch {
            return 0;
          }
        };
      } else {
        const bytes = job.stdin ?? new Uint8Array(0);
        let pos = 0;
        stdin = (buf) => {
          const n = Math.min(buf.length, bytes.length - pos);
          buf.set(bytes.subarray(pos, pos + n));
          pos += n;
          return n;
        };
      }
      wasi = deps.createWasi({
        args: job.args,
        env: grants.has("env") ? job.env : {},
        preopens: grants.has("fs") ? preopens : [],
        stdin,
        stdout: stdoutSink,
        stderr: (bytes) => output(2, bytes),
        ...(cancel ? { cancel } : {}),
        ...fsLock,
        onDenied: denied,
        ...(broker
          ? {
            symlink: brokeredSymlink(
              broker,
              () => scope.postMessage({ t: "broker" }),
              cancel,
            ),
          }
          : {}),
      });
      const wasiFns = wasi.imports.wasi_snapshot_preview1;
      // the WASI layer above got an empty environment without `env` and no
      // preopens without `fs`: environ_* and fd_prestat_* report that empty
      // world (0 variables, EBADF) instead of ENOTCAPABLE
      const guarded = emptyWhenNotGranted(
        guardImports(wasiFns, grants, {
          onDenied: (fn, capability) =>
            denied(
              capability === undefined
                ? { fn, reason: "capability" }
                : { fn, reason: "capability", capability },
            ),
        }),
        wasiFns,
        grants,
      );
      const tracked: Record<string, (...a: any[]) => any> = {};
      for (const [name, fn] of Object.entries(guarded)) {
        tracked[name] = (...args: any[]) => {
          // also stops guests spinning on denied calls (which never reach WASI)
          if (cancelled()) throw new Error("cancelled");
          if (instance) {
            progress[0] = steps();
            progress[1] = memoryPagesOf(deps.engine, instance);
          }
          // merged output goes out before the guest reads, sleeps, exits...
          if (mergedLength > 0 && name !== "fd_write") flushOutput();
          return fn(...args);
        };
      }
      const options: InstanceOptionsLike = {};
      if (cancel) options.interrupt = cancel;
      if (limits.fuel !== undefined) options.fuel = limits.fuel;
      if (limits.maxMemoryPages !== undefined) {
        options.maxMemoryPages = limits.maxMemoryPages;
      }
      if (limits.maxCallDepth !== undefined) {
        options.maxCallDepth = limits.maxCallDepth;
      }
      if (tier !== undefined) options.tier = tier;
      // a start function that traps or times out still reports its steps
      // (and, having begun, is past instantiation: phase "run")
      options.beforeStart = (i) => {
        instance = i;
        phase = "run";
      };
      phase = "instantiate";
      try {
        instance = new deps.engine.Instance(
          module,
          { [WASI_MODULE]: tracked },
          options,
        );
      } catch (e) {
        return trapped(e);
      }
      phase = "run";
      const entry = job.entry ?? "_start";
      try {
        if (entry === "_start") {
          if (typeof instance.exports._start !== "function") {
            return finish({
              exitCode: null,
              trap: `entry "_start" is not an exported function`,
            });
          }
          return finish({ exitCode: wasi.start(instance) });
        }
        const fn = instance.exports[entry];
        if (typeof fn !== "function") {
          return finish({
            exitCode: null,
            trap: `entry "${entry}" is not an exported function`,
          });
        }
        wasi.initialize(instance);
        (fn as () => unknown)();
        finish({ exitCode: 0 });
      } catch (e) {
        trapped(e);
      }
    } catch (e) {
      finish({ exitCode: null, trap: `internal error: ${oneLine(e)}` });
    }
  };

  scope.addEventListener("message", (e: MessageEvent) => {
    const m = e.data as InitMessage | RunMessage | { t?: unknown };
    if (m.t === "init") init(m as InitMessage);
    else if (m.t === "run") run(m as RunMessage);
  });
}
