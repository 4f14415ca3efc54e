/**
 * The outer wall: each guest runs inside a Deno `Worker` whose permissions
 * are narrowed to the granted preopens (see `permissions.ts`). The worker
 * compiles the module once and runs jobs, each in a fresh instance.
 *
 * Cancellation and timeouts are cooperative: in Deno 2.9 `Worker.terminate()`
 * alone does not stop a thread that is busy in JS (a guest spinning in the
 * interpreter) or blocked in `Atomics.wait` (a guest sleeping). Every job gets
 * a shared Int32 flag that the worker hands to the WASI layer (`cancel`) and
 * to the engine (`interrupt`). To stop a job the wall raises the flag (and
 * notifies sleepers); the guest unwinds at its next loop back-edge, call or
 * WASI call and the worker reports the job, staying warm for the next one. A
 * worker that does not report within a grace period (`cancelGraceMs`, default
 * 200 ms) is terminated (its flag stays raised, so its thread still stops at
 * the next poll) and replaced in the background.
 *
 * The top-level Deno process needs `--unstable-worker-options` (deno.json sets
 * `"unstable": ["worker-options"]`) and at least the permissions it hands the
 * worker: read (and write, with `fs.write`) on the `--dir` directories. `-A`
 * covers it; a precise set is `--allow-read=<dirs> --allow-write=<writable
 * dirs>` plus whatever the rest of Porta needs (reading the .wasm and
 * manifest).
 *
 * @module
 */

import type { Capability } from "./capabilities.ts";
import {
  effectivePreopens,
  type Preopen,
  workerPermissions,
} from "./permissions.ts";
import {
  type InitMessage,
  type Job,
  type JobDenial,
  type JobResult,
  outputCost,
  type RunMessage,
  STDIN_CHANNEL_BYTES,
  type Tier,
  type WorkerReply,
} from "./worker_core.ts";
import {
  STDIN_CHANNEL_DATA_BYTES,
  STDIN_CHANNEL_HEADER_BYTES,
  STDIN_LENGTH,
  STDIN_STATE,
  STDIN_STDOUT_POSTED,
} from "./stdin_channel.ts";

import { newFsLockBuffer, releaseIfOwner } from "../wasi/mod.ts";
import {
  abandonBrokerRequest,
  BROKER_BYTES,
  serveBrokerRequest,
} from "./broker.ts";

export type {
  Job,
  JobDenial,
  JobLimits,
  JobResult,
  Tier,
} from "./worker_core.ts";

/**
 * The filesystem lock of this process, shared by every guest worker of every
 * wall (see `WasiOptions.fsLock`): path operations of all guests are
 * serialized, so no guest can change the tree between another guest's check
 * and use.
 */
const FS_LOCK = newFsLockBuffer();
/** Owner tokens for {@link FS_LOCK}, one per worker ever started. */
let nextLockOwner = 1;
/**
 * After terminating a worker that did not unwind, how long the wall waits
 * before it frees the filesystem lock in that worker's name (the thread may
 * still be finishing one syscall; a lock held by a dead thread would stall
 * every other guest's file operations).
 */
const LOCK_RELEASE_DELAY_MS = 1000;

/** Options of {@link GuestWall.create}. */
export interface WallOptions {
  /** Granted capabilities. */
  grants: ReadonlySet<Capability>;
  /** Requested preopens (narrowed by grants: none without `fs`, read-only without `fs.write`). */
  preopens: readonly Preopen[];
  /**
   * Refuse a module importing a WASI function whose capability is not
   * granted (`--strict-imports`); default: it links and every call to it is
   * refused at run time.
   */
  strictImports?: boolean;
  /** The manifest's `wasi_imports`: any other WASI import refuses the module. */
  wasiImports?: readonly string[];
  /**
   * The engine's execution tier of every guest instance (passed to
   * `InstanceOptions.tier`; default: the engine's, `auto`).
   */
  tier?: Tier;
  /**
   * The worker script; defaults to Porta's `guest_worker.ts`. Only embedding
   * code (tests) sets it: guests cannot.
   */
  workerUrl?: URL | string;
  /**
   * How long a cancelled or timed-out job may take to unwind before its
   * worker is terminated and replaced (default 200 ms).
   */
  cancelGraceMs?: number;
}

/**
 * What an output callback returns: a promise that settles once the chunk is
 * written out, or anything else (typically nothing) when the callback is done
 * with the chunk. Until the promise settles the chunk counts against the
 * worker's output in flight, so a slow reader slows the guest (backpressure)
 * instead of growing Porta's memory.
 */
export type OutputAck = unknown;

/**
 * An asynchronous source of a job's stdin in the parent (`Job.stdin:
 * "source"`, {@link RunIO.stdinSource}). The guest's reads reach it through
 * the job's stdin channel, one at a time, each only after the parent has
 * received (and handed to {@link RunIO.onStdout}) every stdout chunk the
 * guest wrote before it read.
 */
export interface StdinSource {
  /**
   * Up to `max` bytes for the guest (bytes past `max` are dropped); an empty
   * array is end of input (the guest's read returns 0; a later read asks
   * again). The promise may stay pending as long as the guest should wait:
   * the job's timeout and cancellation still stop the guest, and the wall
   * stops waiting for the promise once the job ended. A rejection reads as
   * end of input.
   */
  read(max: number): Promise<Uint8Array>;
}

/** Per-run I/O and cancellation of {@link GuestWall.run}. */
export interface RunIO {
  /**
   * Serves the guest's stdin for a job with `stdin: "source"` (ignored
   * otherwise). Absent: such a job reads end of input.
   */
  stdinSource?: StdinSource;
  /** Receives guest stdout chunks as the guest writes them. */
  onStdout?(bytes: Uint8Array): OutputAck;
  /** Receives guest stderr chunks as the guest writes them. */
  onStderr?(bytes: Uint8Array): OutputAck;
  /** Aborting cancels the job (`trap: "cancelled"`, `stopped: "cancelled"`). */
  signal?: AbortSignal;
  /**
   * Wall-clock limit; past it the job ends with `trap: "timeout after N ms"`
   * and `stopped: "timeout"`.
   */
  timeoutMs?: number;
  /**
   * `performance.now()` when the job was asked for: `timeoutMs` counts from
   * it, so time spent waiting for a free or starting worker counts too.
   * Default: when {@link GuestPool.run} or {@link GuestWall.run} is called.
   */
  startedAt?: number;
  /**
   * Told of each distinct call the guest was refused for want of a grant
   * (at most `MAX_DENIALS_PER_JOB` per job; `JobResult.deniedMore` counts the
   * rest). The path in it is untrusted text.
   */
  onDenied?(denial: JobDenial): void;
}

/** Error starting a wall (bad module, denied imports, bad preopen); one line per problem. */
export class WallError extends Error {
  /** Create the error. */
  constructor(message: string) {
    super(message);
    this.name = "WallError";
  }
}

const DEFAULT_WORKER_URL = new URL("./guest_worker.ts", import.meta.url);
const DEFAULT_GRACE_MS = 200;

/**
 * The process's stdin, read on demand for jobs with `stdin: "inherit"` (the
 * worker asks through its stdin channel, so it never blocks in a host read and
 * stays cancellable). Bytes read for a job that ended meanwhile are kept for
 * the next reader. A read still pending when everything else is done keeps the
 * process alive until input or end of input arrives, like any stdin read.
 */
class StdinPump {
  #buffered: Uint8Array = new Uint8Array(0);
  #eof = false;
  #filling: Promise<void> | undefined;

  /** Up to `max` bytes; an empty array at end of input. */
  async read(max: number): Promise<Uint8Array> {
    while (this.#buffered.length === 0 && !this.#eof) {
      this.#filling ??= this.#fill().finally(() => this.#filling = undefined);
      await this.#filling;
    }
    const n = Math.min(max, this.#buffered.length);
    const out = this.#buffered.slice(0, n);
    this.#buffered = this.#buffered.subarray(n);
    return out;
  }

  /** Put back bytes a finished job never received. */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const all = new Uint8Array(bytes.length + this.#buffered.length);
    all.set(bytes);
    all.set(this.#buffered, bytes.length);
    this.#buffered = all;
  }

  async #fill(): Promise<void> {
    const buf = new Uint8Array(65536);
    let n: number | null;
    try {
      n = await Deno.stdin.read(buf);
    } catch {
      n = null; // closed or unreadable stdin reads as end of input
    }
    if (n === null) this.#eof = true;
    else this.unread(buf.subarray(0, n));
  }
}

let stdinPump: StdinPump | undefined;

/** The end-of-input source of a `stdin: "source"` job without one. */
const EMPTY_SOURCE: StdinSource = {
  read: () => Promise.resolve(new Uint8Array(0)),
};

/** What {@link serveStdin} needs to know about the job it serves. */
interface StdinJob {
  /** True once the job ended (the loop then stops). */
  ended(): boolean;
  /** Settles when the job ends. */
  readonly end: Promise<void>;
  /** Stdout `out` messages of the job received (and handed over) so far. */
  stdoutSeen(): number;
  /** Settles at the next received stdout message or at the end of the job. */
  nextStdout(): Promise<void>;
}

/**
 * Answer a worker's stdin requests on `channel` from `source` (the process's
 * stdin pump for `"inherit"`) until the job ends (the caller then notifies
 * index 0 so a waiting loop notices). Each request is answered only once
 * the job's stdout messages posted before it (`stdoutPosted` in the channel)
 * have been received.
 */
function serveStdin(
  channel: SharedArrayBuffer,
  source: StdinSource | StdinPump,
  job: StdinJob,
): void {
  const ctl = new Int32Array(channel, 0, STDIN_CHANNEL_HEADER_BYTES / 4);
  const data = new Uint8Array(
    channel,
    STDIN_CHANNEL_HEADER_BYTES,
    STDIN_CHANNEL_DATA_BYTES,
  );
  (async () => {
    while (!job.ended()) {
      const state = Atomics.load(ctl, STDIN_STATE);
      if (state !== 1) {
        const w = Atomics.waitAsync(ctl, STDIN_STATE, state);
        if (w.async) await w.value;
        continue;
      }
      // what the guest wrote before it read reaches onStdout first
      while (
        !job.ended() &&
        job.stdoutSeen() < Atomics.load(ctl, STDIN_STDOUT_POSTED)
      ) {
        await job.nextStdout();
      }
      if (job.ended()) break;
      const max = Math.max(0, Math.min(ctl[STDIN_LENGTH], data.length));
      let chunk: Uint8Array;
      if (source instanceof StdinPump) {
        // the pump's read is not abandoned: bytes read for a job that
        // ended are put back for the next reader
        chunk = await source.read(max);
        if (job.ended()) {
          source.unread(chunk);
          break;
        }
      } else {
        let got: Uint8Array | void;
        try {
          got = await Promise.race([source.read(max), job.end]);
        } catch {
          got = new Uint8Array(0); // a failing source is end of input
        }
        if (job.ended()) break;
        chunk = got instanceof Uint8Array ? got : new Uint8Array(0);
      }
      const n = Math.min(chunk.length, max);
      data.set(n < chunk.length ? chunk.subarray(0, n) : chunk);
      ctl[STDIN_LENGTH] = n;
      Atomics.store(ctl, STDIN_STATE, 2);
      Atomics.notify(ctl, STDIN_STATE);
    }
  })();
}

/** Raise a job's cancellation flag and wake a guest sleeping on it. */
function raise(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function cancelledResult(): JobResult {
  return {
    exitCode: null,
    trap: "cancelled",
    stopped: "cancelled",
    steps: 0,
    memoryPages: 0,
    durationMs: 0,
  };
}

/** Why a job was stopped from outside (`JobResult.stopped`). */
type Stopped = NonNullable<JobResult["stopped"]>;

interface Pending {
  id: number;
  io: RunIO;
  t0: number;
  /** The job's shared cancellation flag. */
  cancel: Int32Array;
  /** The job's stdin channel state word, for `stdin: "inherit"` or `"source"`. */
  stdin?: Int32Array;
  /** Stdout `out` messages of the job received so far (see `serveStdin`). */
  stdoutSeen: number;
  /** Woken at each received stdout message and when the job ends. */
  wake?: () => void;
  /** Set once the job is being cancelled: the trap it will end with. */
  reason?: string;
  /** Set with `reason`: why it is being stopped (`JobResult.stopped`). */
  stopped?: Stopped;
  resolve(r: JobResult): void;
}

/** One warm guest worker; runs one job at a time (later calls queue). */
export class GuestWall {
  #wasm: Uint8Array;
  #grants: Capability[];
  #preopens: Preopen[];
  #url: URL | string;
  #graceMs: number;
  #importRule: { strictImports?: boolean; wasiImports?: string[] };
  #tier: Tier | undefined;
  #worker: Worker | undefined;
  /** The current worker's owner token for {@link FS_LOCK}. */
  #lockOwner = 0;
  /** The current worker's symlink broker channel (see `broker.ts`). */
  #broker: SharedArrayBuffer | undefined;
  #progress = new Float64Array(new SharedArrayBuffer(16));
  /** Output bytes in flight from the current worker (see `InitMessage.flow`). */
  #flow = new Int32Array(new SharedArrayBuffer(4));
  #ready: Promise<void>;
  #pending: Pending | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #closed = false;
  #restarts = 0;

  private constructor(
    wasm: Uint8Array,
    grants: Capability[],
    preopens: Preopen[],
    url: URL | string,
    graceMs: number,
    importRule: { strictImports?: boolean; wasiImports?: string[] } = {},
    tier?: Tier,
  ) {
    this.#importRule = importRule;
    this.#tier = tier;
    this.#wasm = wasm;
    this.#grants = grants;
    this.#preopens = preopens;
    this.#url = url;
    this.#graceMs = graceMs;
    this.#ready = this.#spawn();
  }

  /**
   * Start a worker, compile `wasmBytes` in it and check its imports against
   * the grants. Rejects with a {@link WallError} (one line per problem) for an
   * invalid module, denied imports or a bad preopen.
   */
  static async create(
    wasmBytes: Uint8Array,
    opts: WallOptions,
  ): Promise<GuestWall> {
    const wall = GuestWall.start(wasmBytes, opts);
    try {
      await wall.#ready;
    } catch (e) {
      wall.terminate();
      throw e;
    }
    return wall;
  }

  /**
   * Like {@link GuestWall.create}, but returns at once: the worker starts in
   * the background and {@link GuestWall.ready} settles when it is ready (or
   * rejects with its one-line {@link WallError}, which each later
   * {@link GuestWall.run} then reports after trying once more). A bad
   * preopen still throws here.
   */
  static start(wasmBytes: Uint8Array, opts: WallOptions): GuestWall {
    let preopens: Preopen[];
    try {
      preopens = effectivePreopens(opts.preopens, opts.grants);
    } catch (e) {
      throw new WallError(e instanceof Error ? e.message : String(e));
    }
    const wall = new GuestWall(
      wasmBytes,
      [...opts.grants],
      preopens,
      opts.workerUrl ?? DEFAULT_WORKER_URL,
      Math.max(0, opts.cancelGraceMs ?? DEFAULT_GRACE_MS),
      {
        strictImports: opts.strictImports === true,
        ...(opts.wasiImports ? { wasiImports: [...opts.wasiImports] } : {}),
      },
      opts.tier,
    );
    wall.#ready.catch(() => {}); // surfaced by ready and by run()
    return wall;
  }

  /** Settles once the current worker is ready (rejects when it failed to start). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * How many times the worker was replaced: after a crash, or when a
   * cancelled job did not unwind within the grace period.
   */
  get restarts(): number {
    return this.#restarts;
  }

  #spawn(): Promise<void> {
    let worker: Worker;
    try {
      worker = new Worker(this.#url, {
        type: "module",
        name: "porta-guest",
        deno: {
          permissions: workerPermissions(this.#preopens, new Set(this.#grants)),
        },
      } as WorkerOptions);
    } catch (e) {
      const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
      return Promise.reject(
        new WallError(`cannot start the guest worker: ${msg}`),
      );
    }
    this.#worker = worker;
    this.#lockOwner = nextLockOwner++;
    // guest symlinks: created here, checked again, for this worker only
    const writableRoots = this.#preopens.filter((p) => p.writable).map((p) =>
      p.hostPath
    );
    const broker = writableRoots.length > 0
      ? new SharedArrayBuffer(BROKER_BYTES)
      : undefined;
    this.#broker = broker;
    const grant = {
      writableRoots,
      lock: new Int32Array(FS_LOCK),
      owner: this.#lockOwner,
    };
    const flow = new Int32Array(new SharedArrayBuffer(4));
    this.#flow = flow;
    return new Promise<void>((resolve, reject) => {
      let initialised = false;
      const fail = (message: string) => {
        const msg = `guest worker failed: ${message.split("\n")[0]}`;
        if (!initialised) {
          initialised = true;
          reject(new WallError(msg));
          return;
        }
        this.#kill({ exitCode: null, trap: msg });
      };
      worker.onmessage = (e: MessageEvent<WorkerReply>) => {
        const m = e.data;
        if (m.t === "ready") {
          initialised = true;
          resolve();
        } else if (m.t === "init-error") {
          initialised = true;
          reject(new WallError(m.message));
        } else if (m.t === "fatal") {
          fail(m.message);
        } else if (m.t === "out") {
          const cost = outputCost(m.bytes.length);
          const release = () => {
            Atomics.sub(flow, 0, cost);
            Atomics.notify(flow, 0);
          };
          const p = this.#pending;
          let ack: OutputAck = undefined;
          try {
            if (p && p.id === m.id && p.reason === undefined) {
              ack = (m.fd === 1 ? p.io.onStdout : p.io.onStderr)?.(m.bytes);
            }
          } finally {
            // handed over: a stdin request waiting for it may be answered
            if (p && p.id === m.id && m.fd === 1) {
              p.stdoutSeen++;
              const wake = p.wake;
              p.wake = undefined;
              wake?.();
            }
            // the cost stays in flight until the consumer wrote the chunk;
            // a consumer done at once is acknowledged from a macrotask, so a
            // guest that writes as fast as we read cannot keep this message
            // loop busy in microtasks: stdin, timers and signals get a turn
            // at least every MAX_OUTPUT_IN_FLIGHT bytes
            if (ack instanceof Promise) ack.then(release, release);
            else setTimeout(release, 0);
          }
        } else if (m.t === "denied") {
          const p = this.#pending;
          if (p && p.id === m.id && p.reason === undefined) {
            try {
              p.io.onDenied?.(m.denial);
            } catch {
              // a reporting callback never disturbs the job
            }
          }
        } else if (m.t === "broker") {
          if (broker) serveBrokerRequest(broker, grant);
        } else if (m.t === "done") {
          const p = this.#pending;
          if (p && p.id === m.id) {
            this.#pending = undefined;
            p.resolve(
              p.reason === undefined ? m.result : {
                exitCode: null,
                trap: p.reason,
                ...(p.stopped !== undefined ? { stopped: p.stopped } : {}),
                steps: m.result.steps,
                memoryPages: m.result.memoryPages,
                durationMs: m.result.durationMs,
              },
            );
          }
        }
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        fail(String(e.message));
      };
      const init: InitMessage = {
        t: "init",
        wasm: this.#wasm,
        grants: this.#grants,
        preopens: this.#preopens,
        progress: this.#progress.buffer as SharedArrayBuffer,
        flow: flow.buffer as SharedArrayBuffer,
        fsLock: FS_LOCK,
        fsLockOwner: this.#lockOwner,
        ...(broker ? { broker } : {}),
        ...this.#importRule,
        ...(this.#tier !== undefined ? { tier: this.#tier } : {}),
      };
      worker.postMessage(init);
    });
  }

  /**
   * Ask the running job to stop (cooperatively); if its worker does not
   * report within the grace period, terminate and replace it.
   */
  #interrupt(stopped: Stopped, reason: string): void {
    const p = this.#pending;
    if (!p || p.reason !== undefined) return;
    p.reason = reason;
    p.stopped = stopped;
    raise(p.cancel);
    Atomics.notify(this.#flow, 0); // a guest blocked on output backpressure
    if (p.stdin) Atomics.notify(p.stdin, 0); // or waiting for input
    const grace = setTimeout(() => {
      if (this.#pending === p) {
        this.#kill({ exitCode: null, trap: reason, stopped });
      }
    }, this.#graceMs);
    const resolve = p.resolve;
    p.resolve = (r) => {
      clearTimeout(grace);
      resolve(r);
    };
  }

  /**
   * Raise the pending job's flag, terminate the current worker, end the
   * pending job with `r`, start a fresh worker (unless closed).
   */
  #kill(r: { exitCode: null; trap: string; stopped?: Stopped }): void {
    const p = this.#pending;
    this.#pending = undefined;
    // the flag first: terminate() alone does not stop a busy thread, but a
    // thread that unwinds on the flag then ends
    if (p) raise(p.cancel);
    // a symlink request still waiting is never acted on once the worker,
    // and so its hold on the filesystem lock, is gone
    if (this.#broker) abandonBrokerRequest(this.#broker);
    this.#worker?.terminate();
    this.#worker = undefined;
    const owner = this.#lockOwner;
    const lock = new Int32Array(FS_LOCK);
    if (Atomics.load(lock, 0) === owner) {
      Deno.unrefTimer(
        setTimeout(() => releaseIfOwner(lock, owner), LOCK_RELEASE_DELAY_MS),
      );
    }
    if (p) {
      p.resolve({
        ...r,
        steps: this.#progress[0],
        memoryPages: this.#progress[1],
        durationMs: performance.now() - p.t0,
      });
    }
    if (!this.#closed) {
      this.#restarts++;
      this.#ready = this.#spawn();
      this.#ready.catch(() => {}); // surfaced by the next run
    }
  }

  /**
   * Run one job in a fresh instance. Resolves (never rejects for guest
   * behaviour) with the exit code or a one-line trap; rejects only when the
   * wall is terminated or its worker cannot be restarted.
   */
  run(job: Job, io: RunIO = {}): Promise<JobResult> {
    // the timeout counts from now, waiting for the worker included
    io = { ...io, startedAt: io.startedAt ?? performance.now() };
    const next = this.#queue.then(() => this.#runNow(job, io));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #runNow(job: Job, io: RunIO): Promise<JobResult> {
    if (this.#closed) throw new WallError("the guest wall is terminated");
    if (io.signal?.aborted) return cancelledResult();
    try {
      await this.#ready;
    } catch {
      // the background replacement failed: try once more, then give up
      if (this.#closed) throw new WallError("the guest wall is terminated");
      this.#ready = this.#spawn();
      await this.#ready;
    }
    if (this.#closed || !this.#worker) {
      throw new WallError("the guest wall is terminated");
    }
    // aborted while waiting for the worker: never started
    if (io.signal?.aborted) return cancelledResult();
    const t0 = performance.now();
    const id = this.#nextId++;
    this.#progress[0] = 0;
    this.#progress[1] = 0;
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const channel = job.stdin === "inherit" || job.stdin === "source"
      ? new SharedArrayBuffer(STDIN_CHANNEL_BYTES)
      : undefined;
    const stdinCtl = channel ? new Int32Array(channel, 0, 1) : undefined;
    return await new Promise<JobResult>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let ended = false;
      let endJob = () => {};
      const end = new Promise<void>((r) => endJob = r);
      const onAbort = () => this.#interrupt("cancelled", "cancelled");
      const pending: Pending = {
        id,
        io,
        t0,
        cancel,
        stdin: stdinCtl,
        stdoutSeen: 0,
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
      };
      const cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        io.signal?.removeEventListener("abort", onAbort);
        ended = true;
        endJob();
        const wake = pending.wake;
        pending.wake = undefined;
        wake?.();
        if (stdinCtl) Atomics.notify(stdinCtl, 0); // ends serveStdin
      };
      if (channel) {
        serveStdin(
          channel,
          job.stdin === "inherit"
            ? stdinPump ??= new StdinPump()
            : io.stdinSource ?? EMPTY_SOURCE,
          {
            ended: () => ended,
            end,
            stdoutSeen: () => pending.stdoutSeen,
            nextStdout: () =>
              ended ? Promise.resolve() : new Promise<void>((r) => {
                const before = pending.wake;
                pending.wake = () => {
                  before?.();
                  r();
                };
              }),
          },
        );
      }
      this.#pending = pending;
      io.signal?.addEventListener("abort", onAbort, { once: true });
      if (io.timeoutMs !== undefined) {
        const ms = io.timeoutMs;
        const waited = performance.now() - (io.startedAt ?? t0);
        timer = setTimeout(
          () => this.#interrupt("timeout", `timeout after ${ms} ms`),
          Math.max(0, ms - waited),
        );
      }
      const msg: RunMessage = {
        t: "run",
        id,
        job,
        cancel: cancel.buffer as SharedArrayBuffer,
      };
      if (channel) msg.stdinChannel = channel;
      this.#worker!.postMessage(msg);
    });
  }

  /**
   * Stop the worker now: a running job's flag is raised first (so its thread
   * unwinds), then the worker is terminated; the job ends with
   * `trap: "cancelled"` (`stopped: "cancelled"`).
   */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#kill({ exitCode: null, trap: "cancelled", stopped: "cancelled" });
  }
}

/** {@link effectivePreopens} with its error as a {@link WallError}. */
function effectivePreopensOrThrow(opts: WallOptions): Preopen[] {
  try {
    return effectivePreopens(opts.preopens, opts.grants);
  } catch (e) {
    throw new WallError(e instanceof Error ? e.message : String(e));
  }
}

/** Options of {@link GuestPool.create}. */
export interface PoolOptions extends WallOptions {
  /** Number of warm workers (default 2). */
  size?: number;
  /**
   * Resolve `create()` at once and warm the workers in the background
   * (`porta serve` answers `initialize` meanwhile): a job waits only for the
   * first worker that is ready. A worker that fails to start fails the jobs
   * it is given with its one-line error. Default: `create()` waits for every
   * worker and rejects with the first failure.
   */
  background?: boolean;
  /**
   * With {@link PoolOptions.background}: called once, when every worker has
   * started or failed, with how many are ready, of how many, and the
   * milliseconds since `create()`.
   */
  onWarm?(ready: number, size: number, ms: number): void;
}

/**
 * N warm walls for concurrent jobs. A job waits for a free wall; a cancelled
 * or timed-out job frees its wall once the guest has unwound (or its worker
 * was replaced after the grace period).
 */
export class GuestPool {
  #idle: GuestWall[];
  #all: GuestWall[];
  #waiters: ((w: GuestWall) => void)[] = [];
  #closed = false;
  #size = 0;

  private constructor(walls: GuestWall[], idle = true) {
    this.#all = walls;
    this.#idle = idle ? [...walls] : [];
  }

  /**
   * Background start-up: creating a Deno worker blocks the main thread
   * (about 100 ms each on a busy machine), so workers are created one at a
   * time, the first after the current event-loop turn (the caller answers
   * `initialize` first), each next one once the previous is ready or failed.
   * Each wall is handed to waiting jobs as soon as it is ready.
   */
  async #warm(wasmBytes: Uint8Array, opts: PoolOptions, size: number) {
    const t0 = performance.now();
    let ready = 0;
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < size && !this.#closed; i++) {
      let wall: GuestWall;
      try {
        wall = GuestWall.start(wasmBytes, opts);
      } catch {
        break; // checked at create(): only if the directory vanished since
      }
      this.#all.push(wall);
      try {
        await wall.ready;
        ready++;
      } catch {
        // handed out anyway: its jobs fail with its one-line error
      }
      if (this.#closed) wall.terminate();
      else this.#give(wall);
    }
    opts.onWarm?.(ready, size, performance.now() - t0);
  }

  /** Hand a free wall to the first waiting job, else keep it idle. */
  #give(wall: GuestWall): void {
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter(wall);
    else this.#idle.push(wall);
  }

  /**
   * Start `size` walls (see {@link GuestWall.create} for errors; with
   * {@link PoolOptions.background} only a bad preopen rejects).
   */
  static async create(
    wasmBytes: Uint8Array,
    opts: PoolOptions,
  ): Promise<GuestPool> {
    const size = Math.max(1, Math.floor(opts.size ?? 2));
    if (opts.background) {
      // the preopens are checked now (a bad --dir still fails at once)
      effectivePreopensOrThrow(opts);
      const pool = new GuestPool([], false);
      pool.#size = size;
      pool.#warm(wasmBytes, opts, size);
      return pool;
    }
    const results = await Promise.allSettled(
      Array.from({ length: size }, () => GuestWall.create(wasmBytes, opts)),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed) {
      for (const r of results) {
        if (r.status === "fulfilled") r.value.terminate();
      }
      throw (failed as PromiseRejectedResult).reason;
    }
    return new GuestPool(
      results.map((r) => (r as PromiseFulfilledResult<GuestWall>).value),
    );
  }

  /** Number of walls (with `background`, also those not started yet). */
  get size(): number {
    return Math.max(this.#size, this.#all.length);
  }

  /** Total worker replacements of all walls (see {@link GuestWall.restarts}). */
  get restarts(): number {
    return this.#all.reduce((n, w) => n + w.restarts, 0);
  }

  /** Run a job on the next free wall (see {@link GuestWall.run}). */
  async run(job: Job, io: RunIO = {}): Promise<JobResult> {
    if (this.#closed) throw new WallError("the guest pool is closed");
    // the timeout counts from now, waiting for a worker included
    io = { ...io, startedAt: io.startedAt ?? performance.now() };
    let wall = this.#idle.pop();
    if (wall === undefined) {
      const signal = io.signal;
      if (signal?.aborted) return cancelledResult();
      const ms = io.timeoutMs;
      const got = await new Promise<GuestWall | "timeout" | undefined>(
        (resolve) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const leave = (r: GuestWall | "timeout" | undefined) => {
            if (timer !== undefined) clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            const i = this.#waiters.indexOf(waiter);
            if (i >= 0) this.#waiters.splice(i, 1);
            resolve(r);
          };
          const waiter = (w: GuestWall) => leave(w);
          const onAbort = () => leave(undefined);
          signal?.addEventListener("abort", onAbort, { once: true });
          if (ms !== undefined) {
            const left = ms - (performance.now() - io.startedAt!);
            timer = setTimeout(() => leave("timeout"), Math.max(0, left));
          }
          this.#waiters.push(waiter);
        },
      );
      if (got === undefined) return cancelledResult();
      if (got === "timeout") {
        return {
          ...cancelledResult(),
          trap: `timeout after ${ms} ms`,
          stopped: "timeout",
        };
      }
      wall = got;
    }
    try {
      return await wall.run(job, io);
    } finally {
      this.#give(wall);
    }
  }

  /** Terminate every wall; running jobs are interrupted and end as cancelled. */
  close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#all) w.terminate();
    // queued callers get a terminated wall, whose run() rejects
    for (const waiter of this.#waiters.splice(0)) waiter(this.#all[0]);
    return Promise.resolve();
  }
}
