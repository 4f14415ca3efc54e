/**
 * Metrics of agent executions and their one-line renderings:
 * - `porta run` summary: `[porta] steps=N memory=P pages restarts=R time=Xms tier=T`
 * - `porta serve` per-call line: `[porta] tool=NAME steps=N memory=M ok|error duration=Xms`,
 *   plus `net=N net_bytes=B net_hosts=H,... [net_refused=R] [net_failed=F]`
 *   when an ABI v2 agent asked for HTTP requests (`porta/fetch`)
 * - `porta serve` exit summary: `[porta] calls=N errors=E steps=S time=Xms`
 *
 * @module
 */

import type { NetStats } from "./net.ts";
import { printable } from "./printable.ts";

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
  /** What the call did on the network (`ToolResult.net`), when it asked for requests. */
  net?: NetStats;
}

/**
 * The network fields of a call's line (with a leading space; "" without
 * `net`): ` net=REQUESTS net_bytes=BYTES net_hosts=HOST,...`, then
 * ` net_refused=N` and ` net_failed=N` when not zero. Hosts are `host` or
 * `host:port` (another port than the scheme's), escaped.
 */
export function formatNetFields(net: NetStats | undefined): string {
  if (net === undefined) return "";
  const hosts = net.hosts.length > 0
    ? ` net_hosts=${printable(net.hosts.join(","))}`
    : "";
  return ` net=${net.requests} net_bytes=${net.bytes}${hosts}${
    net.refused > 0 ? ` net_refused=${net.refused}` : ""
  }${net.failed > 0 ? ` net_failed=${net.failed}` : ""}`;
}

/**
 * The per-call line of `porta serve` and `porta call` (no trailing
 * newline); the network fields ({@link formatNetFields}) follow when
 * `m.net` is given.
 */
export function formatCallLine(m: CallMetrics): string {
  return `[porta] tool=${m.tool} steps=${m.steps} memory=${m.memoryPages} ${
    m.isError ? "error" : "ok"
  } duration=${formatMs(m.durationMs)}${formatNetFields(m.net)}`;
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
