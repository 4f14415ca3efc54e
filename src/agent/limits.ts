/**
 * Per-call resource limits shared by `porta run`, `porta serve` and the
 * {@link Agent} tool-call ABI.
 *
 * @module
 */

/** Resource limits applied to one guest execution (one tool call or one `run`). */
export interface CallLimits {
  /** Maximum number of WebAssembly instructions executed (engine fuel). */
  stepLimit?: number;
  /**
   * The guest's memory budget in 64 KiB pages: the SUM of all its memories
   * and tables (a table element counts as 8 bytes), checked when it is
   * instantiated and at every memory.grow and table.grow (see the engine's
   * `InstanceOptions.maxMemoryPages`). Results report the total in use as
   * `memoryPages` (rounded up to whole pages).
   */
  maxMemoryPages?: number;
  /** Wall-clock timeout in milliseconds (0 or undefined = none). */
  timeoutMs?: number;
  /** Maximum bytes of guest stdout kept for a tool result (default 1 MiB). */
  maxOutputBytes?: number;
}

/** Default cap on the stdout bytes of one tool call: 1 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** Size of one WebAssembly page in bytes. */
export const WASM_PAGE_BYTES = 65536;

/** Merges limits: fields of `override` win over `base` when defined. */
export function mergeLimits(
  base: CallLimits | undefined,
  override: CallLimits | undefined,
): CallLimits {
  const out: CallLimits = { ...(base ?? {}) };
  if (override) {
    for (const [k, v] of Object.entries(override)) {
      if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}
