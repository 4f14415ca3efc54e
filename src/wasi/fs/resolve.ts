/**
 * Confined path resolution. Every guest path is resolved component by
 * component against a directory descriptor with `lstat` + `readlink`, never
 * letting the host follow a symlink: `..` above the directory, absolute paths
 * and symlinks (at any depth, whoever created them) that lead outside are
 * refused with `NOTCAPABLE`.
 * @module
 */
import { Errno, WasiError } from "../errno.ts";
import type { FdEntry } from "../context.ts";
import { isWithin } from "./preopen.ts";

/** Maximum number of symlinks expanded while resolving one path. */
export const MAX_SYMLINKS = 32;

/** Result of resolving a guest path. */
export interface Resolved {
  /** Host path of the final component (symlink-free up to its parent). */
  hostPath: string;
  /** `lstat` of the final component, undefined when it does not exist. */
  info?: Deno.FileInfo;
  /** Components below the base directory (empty: the base itself). */
  depth: number;
  /** Base directory the path was resolved against (a real path). */
  base: string;
  /** The path ended with `/` (the target must be a directory). */
  trailingSlash: boolean;
}

function realPathOrNull(path: string): string | null {
  try {
    return Deno.realPathSync(path);
  } catch {
    return null;
  }
}

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * The host path of a directory descriptor, after checking it still is the
 * real directory it was when opened (NOTCAPABLE if it was swapped for a
 * symlink, NOENT if it is gone).
 */
export function dirHostPath(dir: FdEntry): string {
  if (dir.kind !== "dir" || !dir.hostPath) {
    throw new WasiError(Errno.NOTDIR);
  }
  const real = realPathOrNull(dir.hostPath);
  if (real === null) throw new WasiError(Errno.NOENT);
  if (real !== dir.hostPath) throw new WasiError(Errno.NOTCAPABLE);
  return real;
}

/**
 * Resolves `path` relative to the directory descriptor `dir`.
 * `followFinal` follows a symlink in the last component (intermediate ones
 * are always followed, within the confinement). A missing final component is
 * allowed (info undefined) so callers can create it; a missing intermediate
 * one is `NOENT`.
 */
export function resolvePath(
  dir: FdEntry,
  path: string,
  followFinal: boolean,
): Resolved {
  if (dir.kind !== "dir" || !dir.hostPath) {
    throw new WasiError(Errno.NOTDIR);
  }
  if (path.length === 0) throw new WasiError(Errno.NOENT);
  if (path.includes("\0")) throw new WasiError(Errno.ILSEQ);
  if (path.startsWith("/")) throw new WasiError(Errno.NOTCAPABLE);
  // The directory must still be the real directory it was when opened: a
  // guest could rename it away and put a symlink in its place.
  const base = dirHostPath(dir);
  const stack: string[] = [];
  let queue = path.split("/");
  let curInfo: Deno.FileInfo | undefined = Deno.statSync(base);
  let links = 0;
  let trailingSlash = false;
  const here = () => stack.length ? base + "/" + stack.join("/") : base;
  while (queue.length > 0) {
    const comp = queue.shift()!;
    // Only "" and "." left: the path names a directory (trailing slash).
    const onlyDirMarkers = queue.length > 0 &&
      queue.every((c) => c === "" || c === ".");
    const isLast = queue.length === 0;
    if (comp === "" || comp === ".") {
      if (isLast && stack.length > 0 && comp === "") trailingSlash = true;
      if (curInfo && !curInfo.isDirectory && !isLast) {
        throw new WasiError(Errno.NOTDIR);
      }
      if ((comp === "." || trailingSlash) && curInfo && !curInfo.isDirectory) {
        throw new WasiError(Errno.NOTDIR);
      }
      continue;
    }
    if (!curInfo) throw new WasiError(Errno.NOENT);
    if (!curInfo.isDirectory) throw new WasiError(Errno.NOTDIR);
    if (comp === "..") {
      if (stack.length === 0) throw new WasiError(Errno.NOTCAPABLE);
      stack.pop();
      curInfo = Deno.lstatSync(here());
      continue;
    }
    const candidate = here() + "/" + comp;
    const info = lstatOrUndefined(candidate);
    if (info === undefined) {
      if (isLast || onlyDirMarkers) {
        stack.push(comp);
        curInfo = undefined;
        continue;
      }
      throw new WasiError(Errno.NOENT);
    }
    if (info.isSymlink && (!isLast || followFinal)) {
      if (++links > MAX_SYMLINKS) throw new WasiError(Errno.LOOP);
      const target = Deno.readLinkSync(candidate);
      if (target.startsWith("/")) throw new WasiError(Errno.NOTCAPABLE);
      if (target.length === 0) throw new WasiError(Errno.NOENT);
      queue = target.split("/").concat(queue);
      continue;
    }
    stack.push(comp);
    curInfo = info;
  }
  const hostPath = here();
  if (stack.length > 0) {
    // Every component was checked with lstat; the parent must still be a
    // real directory at exactly that path (guards creation of a new entry).
    const parent = stack.length > 1
      ? base + "/" + stack.slice(0, -1).join("/")
      : base;
    if (parent !== base && realPathOrNull(parent) !== parent) {
      throw new WasiError(Errno.NOTCAPABLE);
    }
  }
  if (curInfo && !curInfo.isSymlink) {
    // Defence in depth: the canonical path must stay under the base.
    let real: string;
    try {
      real = Deno.realPathSync(hostPath);
    } catch {
      throw new WasiError(Errno.NOTCAPABLE);
    }
    if (!isWithin(base, real)) throw new WasiError(Errno.NOTCAPABLE);
  }
  return {
    hostPath,
    info: curInfo,
    depth: stack.length,
    base,
    trailingSlash,
  };
}
