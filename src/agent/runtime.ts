/**
 * The interfaces the Agent layer consumes from the layers below (the engine
 * for compiling/describing a module, the sandbox for running jobs), so the
 * agent can be tested with fakes.
 *
 * @module
 */

import type { Capability } from "../sandbox/capabilities.ts";
import type { Job, JobResult, RunIO } from "../sandbox/wall.ts";
import type { Preopen } from "../sandbox/permissions.ts";
import type { ModuleShape } from "./manifest.ts";
import type { Tier } from "./tier.ts";

/** One execution request: the sandbox's `Job`. */
export type GuestJob = Job;

/** Outcome of a job: the sandbox's `JobResult`. */
export type GuestJobResult = JobResult;

/** Streaming and control options of one job: the sandbox's `RunIO`. */
export type GuestRunIO = RunIO;

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
  /**
   * Return at once and warm the workers in the background (a job waits for
   * the first ready one); `onWarm` is told once all have started or failed.
   */
  background?: boolean;
  /** With `background`: how many workers are ready, of how many, after how many ms. */
  onWarm?: (ready: number, size: number, ms: number) => void;
  /** Refuse imports whose capability is not granted at load (`--strict-imports`). */
  strictImports?: boolean;
  /** The manifest's `wasi_imports`, when it lists them (an allowlist). */
  wasiImports?: readonly string[];
  /** The engine's execution tier of every instance (default: the engine's, `auto`). */
  tier?: Tier;
}

/** The lower layers the Agent uses; replaceable in tests. */
export interface AgentRuntime {
  /** Compiles and validates the module, returning its imports and exports; throws on invalid modules. */
  describe(bytes: Uint8Array): ModuleShape;
  /** Creates a runner (the sandbox's GuestPool). */
  createRunner(bytes: Uint8Array, opts: RunnerOptions): Promise<GuestRunner>;
}
