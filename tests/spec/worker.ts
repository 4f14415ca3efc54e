/**
 * Worker side of the spec runner: runs the scripts it is sent, one at a time,
 * so that the main thread can stop a file that hangs.
 *
 * @module
 */
import { nativeEngine, portaEngine, type SpecEngine } from "./engines.ts";
import { type FileResult, runSpecFile } from "./harness.ts";

/** Message the runner sends to a worker. */
export interface WorkerJob {
  /** Engine adapter name. */
  engine: "porta" | "native";
  /** Fuel per instance (porta only). */
  fuel?: number;
  /** Execution tier of every instance (porta only; engine default when absent). */
  tier?: string;
  /** Script to run. */
  file: string;
  /** Treat trap-message mismatches as failures. */
  strictTraps?: boolean;
  /**
   * Run the script this many times in this worker and report the worst run
   * (catches engine bugs that only appear once its code is JIT-optimised).
   */
  repeat?: number;
}

/** Message a worker sends back. */
export type WorkerReply = { file: string; result: FileResult } | {
  file: string;
  error: string;
};

let engine: Promise<SpecEngine> | undefined;
const self = globalThis as unknown as {
  onmessage: (e: MessageEvent<WorkerJob>) => void;
  postMessage: (m: WorkerReply) => void;
};

self.onmessage = async (e: MessageEvent<WorkerJob>): Promise<void> => {
  const job = e.data;
  try {
    engine ??= job.engine === "native"
      ? Promise.resolve(nativeEngine())
      : portaEngine({ fuel: job.fuel, tier: job.tier });
    let result = runSpecFile(job.file, await engine, {
      strictTraps: job.strictTraps,
    });
    for (let k = 1; k < (job.repeat ?? 1); k++) {
      const again = runSpecFile(job.file, await engine, {
        strictTraps: job.strictTraps,
      });
      if (again.failed > result.failed) result = again;
    }
    self.postMessage({ file: job.file, result });
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    self.postMessage({ file: job.file, error: msg });
  }
};
