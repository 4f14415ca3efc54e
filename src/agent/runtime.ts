/**
 * The interfaces the Agent layer consumes from the layers below (the engine
 * for compiling/describing a module, the sandbox for running jobs), so the
 * agent can be tested with fakes.
 *
 * @module
 */

import type { Capability } from "../sandbox/capabilities.ts";
import type { Preopen } from "../sandbox/permissions.ts";
import type { ModuleShape } from "./manifest.ts";

/** One execution request (same shape as the sandbox's `Job`). */
export interface GuestJob {
  /** Export to run (default `_start`). */
  entry?: string;
  /** argv, argv[0] is the program name. */
  args: string[];
  /** The guest's complete environment. */
  env: Record<string, string>;
  /** Stdin bytes, or "inherit" for the host's stdin. */
  stdin?: Uint8Array | "inherit";
  /** Engine limits. */
  limits?: { fuel?: number; maxMemoryPages?: number; maxCallDepth?: number };
}

/** Outcome of a job (same shape as the sandbox's `JobResult`). */
export interface GuestJobResult {
  /** Exit code, null when the guest did not exit normally. */
  exitCode: number | null;
  /** One-line trap / cancellation / timeout message. */
  trap?: string;
  /** Which limit stopped the guest. */
  limit?: "fuel" | "memory" | "call-depth";
  /** Instructions executed. */
  steps: number;
  /** Memory pages at the end. */
  memoryPages: number;
  /** Wall time in milliseconds. */
  durationMs: number;
}

/** Streaming and control options of one job. */
export interface GuestRunIO {
  /** Guest stdout bytes as written. */
  onStdout?(b: Uint8Array): void;
  /** Guest stderr bytes as written. */
  onStderr?(b: Uint8Array): void;
  /** Cancels the job. */
  signal?: AbortSignal;
  /** Wall-clock limit. */
  timeoutMs?: number;
}

/** Something that runs jobs in fresh instances (the sandbox's `GuestPool`). */
export interface GuestRunner {
  /** Runs one job. */
  run(job: GuestJob, io?: GuestRunIO): Promise<GuestJobResult>;
  /** Stops every worker. */
  close(): Promise<void>;
}

/** Options for creating a runner. */
export interface RunnerOptions {
  /** Granted capabilities. */
  grants: ReadonlySet<Capability>;
  /** Preopened directories. */
  preopens: Preopen[];
  /** Number of warm workers. */
  size?: number;
}

/** The lower layers the Agent uses; replaceable in tests. */
export interface AgentRuntime {
  /** Compiles and validates the module, returning its imports and exports; throws on invalid modules. */
  describe(bytes: Uint8Array): ModuleShape;
  /** Creates a runner (the sandbox's GuestPool). */
  createRunner(bytes: Uint8Array, opts: RunnerOptions): Promise<GuestRunner>;
}
