/**
 * Metrics of agent executions and their one-line renderings:
 * - `porta run` summary: `[porta] steps=N memory=P pages restarts=R time=Xms tier=T`
 * - `porta serve` per-call line: `[porta] tool=NAME steps=N memory=M ok|error duration=Xms`
 * - `porta serve` exit summary: `[porta] calls=N errors=E steps=S time=Xms`
 *
 * @module
 */

/** Formats milliseconds: one decimal below 10 ms, whole milliseconds above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "0ms";
  return ms < 10 ? `${Math.round(ms * 10) / 10}ms` : `${Math.round(ms)}ms`;
}

/** Totals of a `porta run`. */
export interface RunMetrics {
  /** Instructions executed over all attempts. */
  steps: number;
  /** Largest memory size in pages. */
  memoryPages: number;
  /** Restarts performed. */
  restarts: number;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** The execution tier requested (`--tier`); absent: not shown. */
  tier?: string;
}

/** The summary line of `porta run` (no trailing newline). */
export function formatRunSummary(m: RunMetrics): string {
  return `[porta] steps=${m.steps} memory=${m.memoryPages} pages restarts=${m.restarts} time=${
    formatMs(m.durationMs)
  }${m.tier !== undefined ? ` tier=${m.tier}` : ""}`;
}

/** What the per-call line needs from a call. */
export interface CallMetrics {
  /** Tool (or pseudo-tool) name. */
  tool: string;
  /** Instructions executed. */
  steps: number;
  /** Memory pages at the end of the call. */
  memoryPages: number;
  /** Whether the call failed. */
  isError: boolean;
  /** Wall time in milliseconds. */
  durationMs: number;
}

/** The per-call line of `porta serve` (no trailing newline). */
export function formatCallLine(m: CallMetrics): string {
  return `[porta] tool=${m.tool} steps=${m.steps} memory=${m.memoryPages} ${
    m.isError ? "error" : "ok"
  } duration=${formatMs(m.durationMs)}`;
}

/** Accumulates call metrics for the exit summary of `porta serve`. */
export class MetricsCollector {
  /** Calls recorded. */
  calls = 0;
  /** Calls that failed. */
  errors = 0;
  /** Total instructions executed. */
  steps = 0;
  /** Largest memory size seen, in pages. */
  maxMemoryPages = 0;
  /** Total guest wall time in milliseconds. */
  durationMs = 0;

  /** Records one call. */
  record(m: CallMetrics): void {
    this.calls++;
    if (m.isError) this.errors++;
    this.steps += m.steps;
    this.maxMemoryPages = Math.max(this.maxMemoryPages, m.memoryPages);
    this.durationMs += m.durationMs;
  }

  /** The exit summary line (no trailing newline). */
  summary(): string {
    return `[porta] calls=${this.calls} errors=${this.errors} steps=${this.steps} time=${
      formatMs(this.durationMs)
    }`;
  }
}
