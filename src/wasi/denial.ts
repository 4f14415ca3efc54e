/**
 * Denials for want of a grant: the WASI layer refuses a call because the
 * path lies outside every preopened directory or because the preopen it
 * would change is read-only. The embedder learns about each one through
 * `WasiOptions.onDenied` (the errno the guest gets is unchanged), so it can
 * tell the user which grant was missing. This layer knows nothing of
 * capabilities or command-line flags: it names the function, the path as the
 * guest sees it (raw, untrusted text: escape it before printing) and the
 * preopen involved.
 * @module
 */
import { WasiError } from "./errno.ts";
import type { FdEntry } from "./context.ts";

/**
 * Why a call was refused:
 * - `absolute`: an absolute path given to a `path_*` function (paths are
 *   relative to a directory descriptor);
 * - `outside`: `..` climbs above the preopened directory;
 * - `symlink`: a symlink leads outside the preopened directory (an absolute
 *   target, or one that climbs above it), or would be created so;
 * - `read-only`: a change to something reached through a read-only preopen.
 */
export type DenialReason = "absolute" | "outside" | "symlink" | "read-only";

/** One refused call, as reported to `WasiOptions.onDenied`. */
export interface WasiDenial {
  /** The WASI function, e.g. `path_open`. */
  fn: string;
  /** Why it was refused. */
  reason: DenialReason;
  /**
   * The path as the guest sees it: the preopen's guest path joined with the
   * path the guest passed (not normalised), at most {@link MAX_DENIAL_PATH}
   * UTF-16 units (longer ones end with `...`). Untrusted text.
   */
  path?: string;
  /** The guest path of the preopen involved (e.g. `/out`). */
  preopen?: string;
}

/** Longest path reported in a {@link WasiDenial} (UTF-16 units). */
export const MAX_DENIAL_PATH = 240;

/** A `WasiError` that also says which grant was missing. */
export class WasiDeniedError extends WasiError {
  /** What is reported (the function name is added by the caller). */
  readonly denial: Omit<WasiDenial, "fn">;
  /** Creates the error with the errno the guest gets. */
  constructor(errno: number, denial: Omit<WasiDenial, "fn">) {
    super(errno, `denied: ${denial.reason}`);
    this.denial = denial;
  }
}

function cap(path: string): string {
  return path.length > MAX_DENIAL_PATH
    ? path.slice(0, MAX_DENIAL_PATH - 3) + "..."
    : path;
}

/**
 * The guest-visible path of `entry` (a descriptor reached through a preopen)
 * joined with `rel` when given: the preopen's guest path, then the
 * descriptor's place below it, then `rel` as the guest wrote it.
 */
export function guestPathOf(entry: FdEntry, rel?: string): string | undefined {
  const root = entry.preopen;
  if (!root) return rel === undefined ? undefined : cap(rel);
  let path = root.guestPath;
  const host = entry.hostPath;
  if (host !== undefined && host.startsWith(root.realPath)) {
    const below = host.slice(root.realPath.length).replace(/^\/+/, "");
    if (below !== "") path = join(path, below);
  }
  if (rel !== undefined && rel !== "") path = join(path, rel);
  return cap(path);
}

function join(a: string, b: string): string {
  if (a === "." && !b.startsWith("/")) return b;
  return a.endsWith("/") ? a + b : a + "/" + b;
}

/** The denial of `rel` resolved against `dir` (see {@link guestPathOf}). */
export function denialAt(
  reason: DenialReason,
  dir: FdEntry,
  rel?: string,
): Omit<WasiDenial, "fn"> {
  const path = reason === "absolute" && rel !== undefined
    ? cap(rel)
    : guestPathOf(dir, rel);
  const d: Omit<WasiDenial, "fn"> = { reason };
  if (path !== undefined) d.path = path;
  if (dir.preopen) d.preopen = dir.preopen.guestPath;
  return d;
}

/** A denial error for `rel` resolved against `dir` (see {@link denialAt}). */
export function deniedAt(
  errno: number,
  reason: DenialReason,
  dir: FdEntry,
  rel?: string,
): WasiDeniedError {
  return new WasiDeniedError(errno, denialAt(reason, dir, rel));
}

/**
 * Reports a denial to `onDenied` without throwing (for calls that return
 * their errno: no exception is built) and returns `errno`.
 */
export function denyWith(
  onDenied: ((d: WasiDenial) => void) | undefined,
  fn: string,
  errno: number,
  denial: Omit<WasiDenial, "fn">,
): number {
  if (onDenied !== undefined) {
    try {
      onDenied({ fn, ...denial });
    } catch {
      // reporting never changes what the guest gets
    }
  }
  return errno;
}

/**
 * Reports `e` to `onDenied` when it is a {@link WasiDeniedError} (a callback
 * that throws is ignored: the guest's errno stays what it was).
 */
export function reportDenied(
  onDenied: ((d: WasiDenial) => void) | undefined,
  fn: string,
  e: unknown,
): void {
  if (onDenied === undefined || !(e instanceof WasiDeniedError)) return;
  try {
    onDenied({ fn, ...e.denial });
  } catch {
    // reporting never changes what the guest gets
  }
}
