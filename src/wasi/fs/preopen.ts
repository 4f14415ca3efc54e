/**
 * Preopened directories: the only part of the host filesystem a guest sees.
 * @module
 */

/** A host directory exposed to the guest under `guestPath`. */
export interface Preopen {
  /** Path the guest uses (e.g. `/sandbox` or `.`). */
  guestPath: string;
  /** Host directory backing it. */
  hostPath: string;
  /** Whether the guest may create, modify or delete anything under it (default false). */
  writable?: boolean;
}

/** A validated preopen with its canonical host path. */
export interface PreopenRoot {
  /** Path the guest uses. */
  guestPath: string;
  /** Host directory as given. */
  hostPath: string;
  /** Canonical (symlink-free) host path; nothing may resolve outside it. */
  realPath: string;
  /** Whether writes are allowed. */
  writable: boolean;
}

/**
 * Validates a preopen: the host path must exist and be a directory. Throws an
 * `Error` with a one-line message otherwise.
 */
export function resolvePreopen(p: Preopen): PreopenRoot {
  let realPath: string;
  try {
    realPath = Deno.realPathSync(p.hostPath);
  } catch {
    throw new Error(`preopen directory not found: ${p.hostPath}`);
  }
  let isDir = false;
  try {
    isDir = Deno.statSync(realPath).isDirectory;
  } catch {
    isDir = false;
  }
  if (!isDir) throw new Error(`preopen is not a directory: ${p.hostPath}`);
  return {
    guestPath: p.guestPath,
    hostPath: p.hostPath,
    realPath,
    writable: p.writable === true,
  };
}

/** True when `path` is `root` or lies below it (both canonical, `/`-separated). */
export function isWithin(root: string, path: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith("/") ? root : root + "/";
  return path.startsWith(prefix);
}
